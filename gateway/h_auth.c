/* h_auth.c — sign-in, sign-out and "who am I":
 *   POST /api/v1/auth/login   {"user","password"} -> session cookie + CSRF token
 *   POST /api/v1/auth/logout  ends the session
 *   GET  /api/v1/auth/me      the caller: user (role, teams) or API key (scope)
 *
 * A wrong user and a wrong password get the same 401 after the same work:
 * an unknown or disabled user's password is checked against a dummy hash
 * made once with the same parameters. The argon2id check (tens of ms, 64 MiB)
 * runs on libuv's thread pool, never on the loop. Failures are counted per
 * account and per client address (nq:login:fail:*); NQ_LOGIN_MAX_FAILURES of
 * either within NQ_LOGIN_WINDOW_S lock it (429 with Retry-After) until the
 * window ends. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "gateway.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"

/* One sign-in on its way. */
typedef struct login {
    uv_work_t work;                     /* the password check, off the loop */
    gateway_t *gw;                      /* the app */
    nq_http_conn_t *conn;               /* retained until answered */
    char user_id[NQ_ID_MAX + 1];        /* as asked */
    char addr[64];                      /* the client's address */
    char password[NQ_PASSWORD_MAX + 1]; /* wiped once checked */
    char pwhash[NQ_PWHASH_TEXT];        /* the user's hash, or "" for the dummy */
    nq_user_t user;                     /* the record, when found */
    bool may_sign_in;                   /* found, active, with a role */
    bool verified;                      /* the password matched the hash */
    char sid[NQ_TOKEN_LEN + 1];         /* the new session's id */
    gw_principal_t p;                   /* the new session's principal */
} login_t;

static uv_once_t dummy_once = UV_ONCE_INIT;
static char dummy_hash[NQ_PWHASH_TEXT];

/* The hash an unknown user's password is checked against: same cost. */
static void dummy_make(void)
{
    char pw[NQ_TOKEN_LEN + 1];
    nq_token_new(pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
}

static void login_free(login_t *l)
{
    nq_http_conn_release(l->conn);
    sodium_memzero(l, sizeof(*l));
    free(l);
}

/* ---- failures and lockout ------------------------------------------------ */

static void fail_keys(const login_t *l, char user_key[160], char addr_key[160])
{
    nq_key_login_fail(user_key, 160, "user", l->user_id);
    nq_key_login_fail(addr_key, 160, "addr", l->addr);
}

static void locked_out(nq_http_conn_t *conn, long long window_s)
{
    char retry[48];
    snprintf(retry, sizeof(retry), "Retry-After: %lld\r\n", window_s);
    gw_respond_error_headers(conn, 429, "locked",
                             "too many failed sign-ins for this account or address; wait", retry);
}

/* Count a failure of the account and of the address, then answer. */
static void login_failed(login_t *l)
{
    char user_key[160], addr_key[160];
    long long window = (long long)l->gw->svc->cfg.login_window_s;
    nq_redis_t *r = l->gw->svc->redis;
    fail_keys(l, user_key, addr_key);
    nq_redis_command(r, NULL, NULL, "INCR %s", user_key);
    nq_redis_command(r, NULL, NULL, "EXPIRE %s %lld NX", user_key, window);
    nq_redis_command(r, NULL, NULL, "INCR %s", addr_key);
    nq_redis_command(r, NULL, NULL, "EXPIRE %s %lld NX", addr_key, window);
    nq_log_warn("login_failed", "sign-in of '%s' from %s refused", l->user_id, l->addr);
    gw_respond_error_headers(l->conn, 401, "unauthorized", "wrong user or password", NULL);
}

/* ---- the answer ---------------------------------------------------------- */

static json_t *teams_json(const char *teams)
{
    json_t *arr = json_array();
    for (const char *p = teams; arr && *p;) {
        size_t len = strcspn(p, ",");
        json_array_append_new(arr, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    return arr;
}

/* The JSON of a principal, as /auth/me and the sign-in answer show it. */
static json_t *principal_json(const gw_principal_t *p)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o}", "kind", p->is_key ? "api_key" : "user", "id",
                          p->id, "name", p->name, p->is_key ? "scope" : "role", p->role->name,
                          "teams", teams_json(p->teams));
    if (j && !p->is_key) {
        json_object_set_new(j, "salesperson_id",
                            p->salesperson[0] ? json_string(p->salesperson) : json_null());
        json_object_set_new(j, "csrf", json_string(p->csrf));
        json_object_set_new(j, "expires_at", json_integer(p->expires_ms));
    }
    return j;
}

/* Set-Cookie lines for the session and its CSRF token (max_age 0 clears). */
static void cookie_headers(char *buf, size_t len, const gateway_t *gw, const char *sid,
                           const char *csrf, long long max_age)
{
    const char *secure = gw->svc->cfg.cookie_secure ? "; Secure" : "";
    snprintf(buf, len,
             "Set-Cookie: " NQ_COOKIE_SESSION
             "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s\r\n"
             "Set-Cookie: " NQ_COOKIE_CSRF "=%s; Path=/; Max-Age=%lld; SameSite=Strict%s\r\n",
             sid, max_age, secure, csrf, max_age, secure);
}

static void on_session_stored(nq_redis_t *r, redisReply *reply, void *data)
{
    login_t *l = data;
    char headers[512];
    if (!nq_http_conn_open(l->conn)) {
        /* client left */
    } else if (!reply || reply->type == REDIS_REPLY_ERROR) {
        gw_respond_unavailable(l->conn, "the session store");
    } else {
        gw_auth_remember(l->gw->auth, &l->p);
        cookie_headers(headers, sizeof(headers), l->gw, l->sid, l->p.csrf,
                       (long long)l->gw->svc->cfg.session_max_s);
        gw_respond_json(l->conn, 200, principal_json(&l->p), headers);
        nq_log_info("login", "'%s' signed in from %s", l->user_id, l->addr);
    }
    login_free(l);
}

/* The password matched: store a new session, then answer. */
static void session_start(login_t *l)
{
    const nq_config_t *cfg = &l->gw->svc->cfg;
    char key[160], user_key[160], addr_key[160], hash[NQ_TOKEN_HASH_HEX + 1];
    nq_session_t s = {0};
    long long now = nq_now_ms();
    nq_redis_t *r = l->gw->svc->redis;

    nq_token_new(l->sid);
    nq_token_new(s.csrf);
    snprintf(s.user, sizeof(s.user), "%s", l->user.id);
    s.created = now;
    s.expires = now + (long long)cfg->session_max_s * 1000;
    nq_token_hash(l->sid, NQ_TOKEN_LEN, hash);
    gw_principal_from_user(&l->p, hash, &s, &l->user);
    l->p.touched_ms = (int64_t)uv_now(&l->gw->svc->loop);
    nq_key_session(key, sizeof(key), hash);
    nq_key_user(user_key, sizeof(user_key), l->user.id);
    nq_redis_command(r, NULL, NULL, "HSET %s last_login %lld", user_key, now);
    fail_keys(l, user_key, addr_key);
    nq_redis_command(r, NULL, NULL, "DEL %s", user_key);
    if (nq_redis_command(r, NULL, NULL, "HSET %s user %s csrf %s created %lld expires %lld", key,
                         s.user, s.csrf, s.created, s.expires) != 0 ||
        nq_redis_command(r, on_session_stored, l, "EXPIRE %s %lld", key,
                         (long long)cfg->session_idle_s) != 0) {
        gw_respond_unavailable(l->conn, "the session store");
        login_free(l);
    }
}

/* ---- the password check -------------------------------------------------- */

static void verify_work(uv_work_t *w)
{
    login_t *l = w->data;
    const char *hash = l->pwhash;
    if (!hash[0]) {
        uv_once(&dummy_once, dummy_make);
        hash = dummy_hash;
    }
    l->verified = hash[0] && crypto_pwhash_str_verify(hash, l->password, strlen(l->password)) == 0;
    sodium_memzero(l->password, sizeof(l->password));
}

static void verify_done(uv_work_t *w, int status)
{
    login_t *l = w->data;
    if (!nq_http_conn_open(l->conn))
        login_free(l);
    else if (status == 0 && l->verified && l->may_sign_in)
        session_start(l);
    else {
        login_failed(l);
        login_free(l);
    }
}

static void on_user(nq_redis_t *r, redisReply *reply, void *data)
{
    login_t *l = data;
    if (!nq_http_conn_open(l->conn) || !reply || reply->type == REDIS_REPLY_ERROR) {
        if (nq_http_conn_open(l->conn))
            gw_respond_unavailable(l->conn, "the user store");
        login_free(l);
        return;
    }
    if (nq_user_from_reply(&l->user, l->user_id, reply) == 0) {
        l->may_sign_in = !l->user.disabled && nq_role_find(l->user.role) && l->user.pwhash[0];
        snprintf(l->pwhash, sizeof(l->pwhash), "%s", l->user.pwhash);
    }
    l->work.data = l;
    if (uv_queue_work(&l->gw->svc->loop, &l->work, verify_work, verify_done) != 0) {
        gw_respond_unavailable(l->conn, "the sign-in");
        login_free(l);
    }
}

static void on_failures(nq_redis_t *r, redisReply *reply, void *data)
{
    login_t *l = data;
    char key[160];
    long long max = (long long)l->gw->svc->cfg.login_max_failures;
    if (!nq_http_conn_open(l->conn) || !reply || reply->type != REDIS_REPLY_ARRAY ||
        reply->elements != 2) {
        if (nq_http_conn_open(l->conn))
            gw_respond_unavailable(l->conn, "the user store");
        login_free(l);
        return;
    }
    for (size_t i = 0; i < 2; i++) {
        const redisReply *n = reply->element[i];
        if (n->type == REDIS_REPLY_STRING && strtoll(n->str, NULL, 10) >= max) {
            nq_log_warn("login_locked", "sign-in of '%s' from %s refused: locked out", l->user_id,
                        l->addr);
            locked_out(l->conn, (long long)l->gw->svc->cfg.login_window_s);
            login_free(l);
            return;
        }
    }
    nq_key_user(key, sizeof(key), l->user_id);
    if (nq_redis_command(r, on_user, l, "HGETALL %s", key) != 0) {
        gw_respond_unavailable(l->conn, "the user store");
        login_free(l);
    }
}

/* Check the body: {"user": an id, "password": 1..NQ_PASSWORD_MAX bytes}. */
static int login_parse(json_t *body, login_t *l, nq_field_errors_t *errs)
{
    json_t *user = json_object_get(body, "user");
    json_t *password = json_object_get(body, "password");
    gw_unknown_fields(body, (const char *const[]){"user", "password", NULL},
                      NQ_REASON("unknown field (expected user and password)"), errs);
    if (!json_is_string(user))
        nq_field_errors_add(errs, "user", user ? "must be a string" : "required");
    else if (!nq_valid_id(json_string_value(user)))
        nq_field_errors_add(errs, "user", "must be a user id: %s", NQ_ID_RULE);
    else
        snprintf(l->user_id, sizeof(l->user_id), "%s", json_string_value(user));
    if (!json_is_string(password))
        nq_field_errors_add(errs, "password", password ? "must be a string" : "required");
    else if (json_string_length(password) == 0 || json_string_length(password) > NQ_PASSWORD_MAX)
        nq_field_errors_add(errs, "password", "must be 1-%d bytes", NQ_PASSWORD_MAX);
    else
        memcpy(l->password, json_string_value(password), json_string_length(password) + 1);
    return errs->n == 0 ? 0 : -1;
}

static void post_login(const gw_request_t *req)
{
    nq_field_errors_t errs = {0};
    char user_key[160], addr_key[160];
    json_t *body = gw_parse_json_body(req);
    if (!body)
        return;
    login_t *l = calloc(1, sizeof(*l));
    if (!l) {
        json_decref(body);
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    int rc = login_parse(body, l, &errs);
    json_decref(body);
    if (rc != 0) {
        sodium_memzero(l, sizeof(*l));
        free(l);
        gw_respond_error(req->conn, 400, "invalid", "sign-in needs a user and a password", &errs);
        return;
    }
    l->gw = req->gw;
    l->conn = req->conn;
    snprintf(l->addr, sizeof(l->addr), "%s", req->http->remote_addr ? req->http->remote_addr : "?");
    nq_http_conn_retain(req->conn);
    fail_keys(l, user_key, addr_key);
    if (nq_redis_command(req->gw->svc->redis, on_failures, l, "MGET %s %s", user_key, addr_key) !=
        0) {
        gw_respond_unavailable(req->conn, "the user store");
        login_free(l);
    }
}

static void post_logout(const gw_request_t *req)
{
    char key[160], headers[512];
    const gw_principal_t *p = req->who;
    if (!p->is_key) {
        nq_key_session(key, sizeof(key), p->hash);
        nq_redis_command(req->gw->svc->redis, NULL, NULL, "DEL %s", key);
        nq_redis_command(req->gw->svc->redis, NULL, NULL, "INCR %s", NQ_KEY_AUTH_VERSION);
        gw_auth_forget(req->gw->auth, p->hash);
    }
    cookie_headers(headers, sizeof(headers), req->gw, "", "", 0);
    nq_http_respond(req->conn, 204, NULL, NULL, 0, p->is_key ? NULL : headers);
}

static void get_me(const gw_request_t *req)
{
    gw_respond_json(req->conn, 200, principal_json(req->who), NULL);
}

static const nq_route_t rows[] = {
    {"POST", "/api/v1/auth/login", NQ_OPEN, post_login, NULL, GW_SUBJ_NONE},
    {"POST", "/api/v1/auth/logout", NQ_WRITE(SELF), post_logout, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/auth/me", NQ_READ(SELF), get_me, NULL, GW_SUBJ_NONE},
};

const gw_routes_t gw_auth_routes = {rows, sizeof(rows) / sizeof(rows[0])};
