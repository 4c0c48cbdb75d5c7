/* gateway/auth.c — the check at the door. See auth.h. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "door.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "scope_check.h"

#define CHALLENGE "WWW-Authenticate: Bearer realm=\"neiqin\"\r\n"

struct gw_auth {
    gateway_t *gw;          /* the app */
    auth_cache_t *cache;    /* credential hash -> principal */
    team_cache_t *teams;    /* salesperson -> current team (teamcache.h) */
    uv_timer_t poll;        /* reads nq:auth:version, writes keys' last_used */
    long long version;      /* nq:auth:version last read; -1 before the first */
    long long org_version;  /* nq:org:version last read; -1 before the first */
    uint64_t trusted_until; /* uv_now() until which the cache may answer */
    bool polling;           /* a poll is out */
    int pending;            /* replies still to come that name this struct (polls, renewals) */
    bool stopped;           /* stop was called */
    bool closed;            /* the timer has closed: freed once nothing is pending */
    uint64_t hits;          /* requests the cache answered */
    uint64_t misses;        /* requests that read Redis */
};

/* A request waiting for Redis to say whose credential it carries. */
typedef struct lookup {
    gw_auth_t *auth;          /* the door */
    gw_request_t req;         /* the request, params pointing at `params` */
    nq_route_params_t params; /* a copy: the caller's are on its stack */
    gw_principal_t p;         /* being filled */
    nq_session_t session;     /* sessions: the session record */
} lookup_t;

/* ---- answers ------------------------------------------------------------ */

static void unauthorized(nq_http_conn_t *conn, const char *detail)
{
    gw_respond_error_headers(conn, 401, "unauthorized", detail, CHALLENGE);
}

static void forbidden(nq_http_conn_t *conn, const char *code, const char *detail)
{
    gw_respond_error_headers(conn, 403, code, detail, NULL);
}

static bool is_write(const nq_http_request_t *http)
{
    return strcmp(http->method, "GET") != 0 && strcmp(http->method, "HEAD") != 0;
}

/* The caller is known: check the route's permission (and the CSRF token of
 * a session's write), then run the handler. */
static void decide(const gw_request_t *req, gw_principal_t *p)
{
    char perm[48], detail[160];
    nq_perm_t want = req->route->perm;
    if (!nq_role_allows(p->role, want)) {
        snprintf(detail, sizeof(detail), "%s '%s' does not allow %s",
                 p->is_key ? NQ_REASON("this API key's scope") : NQ_REASON("your role"),
                 p->role->name, nq_perm_name(want, perm, sizeof(perm)));
        forbidden(req->conn, "forbidden", detail);
        return;
    }
    if (!p->is_key && is_write(req->http)) {
        const char *token = nq_http_header(req->http, NQ_HEADER_CSRF);
        if (!token || !nq_token_equal(token, p->csrf)) {
            forbidden(req->conn, "csrf",
                      token ? "X-CSRF-Token does not match the session's token"
                            : "a write with a session cookie needs the X-CSRF-Token header (the "
                              "csrf of the sign-in answer, also in the nq_csrf cookie)");
            return;
        }
    }
    if (p->is_key)
        p->used = true;
    if (gw_door_admit(req->gw->door, req, p))
        return;
    gw_request_t go = *req;
    go.who = p;
    gw_scope_enter(&go);
}

static void session_touch(gw_auth_t *a, gw_principal_t *p, uint64_t now);

/* ---- Redis reads on a miss ---------------------------------------------- */

static void lookup_free(lookup_t *l)
{
    nq_http_conn_release(l->req.conn);
    free(l);
}

/* Whether the lookup may go on: the client is still there and Redis
 * answered. Answers 503 (or nothing, for a client gone) and frees otherwise. */
static bool lookup_alive(lookup_t *l, const redisReply *reply)
{
    if (nq_http_conn_open(l->req.conn) && reply && reply->type != REDIS_REPLY_ERROR)
        return true;
    if (nq_http_conn_open(l->req.conn))
        gw_respond_unavailable(l->req.conn, "the credential store");
    lookup_free(l);
    return false;
}

/* The principal is made: keep it, then decide. The reply to a read is in
 * the order of the commands on the one connection, so a revoke that happened
 * after this read also bumped the version that the next poll reads after it:
 * what is kept here is dropped then. */
static void lookup_done(lookup_t *l)
{
    auth_cache_put(l->auth->cache, &l->p);
    gw_principal_t *kept = auth_cache_get(l->auth->cache, l->p.hash);
    if (kept && !kept->is_key) /* renew the idle expiry now: the session was just used */
        session_touch(l->auth, kept, uv_now(&l->auth->gw->svc->loop));
    decide(&l->req, kept ? kept : &l->p);
    lookup_free(l);
}

static void on_key(nq_redis_t *r, redisReply *reply, void *data)
{
    lookup_t *l = data;
    nq_apikey_t k;
    if (!lookup_alive(l, reply))
        return;
    int rc = nq_apikey_from_reply(&k, l->p.hash, reply);
    const nq_role_t *scope = rc == 0 ? nq_scope_find(k.scope) : NULL;
    if (!scope || k.revoked) {
        unauthorized(l->req.conn, rc == 0 ? "this API key was revoked" : "unknown API key");
        lookup_free(l);
        return;
    }
    l->p.is_key = true;
    l->p.role = scope;
    snprintf(l->p.id, sizeof(l->p.id), "%s", k.id);
    snprintf(l->p.name, sizeof(l->p.name), "%s", k.name);
    snprintf(l->p.teams, sizeof(l->p.teams), "%s", k.teams);
    snprintf(l->p.sources, sizeof(l->p.sources), "%s", k.sources);
    lookup_done(l);
}

int gw_principal_from_user(gw_principal_t *p, const char *hash, const nq_session_t *s,
                           const nq_user_t *u)
{
    const nq_role_t *role = nq_role_find(u->role);
    char h[NQ_TOKEN_HASH_HEX + 1];
    if (!role || u->disabled)
        return -1;
    snprintf(h, sizeof(h), "%s", hash); /* hash may be p->hash */
    memset(p, 0, sizeof(*p));
    memcpy(p->hash, h, sizeof(h));
    p->role = role;
    snprintf(p->id, sizeof(p->id), "%s", u->id);
    snprintf(p->name, sizeof(p->name), "%s", u->name);
    snprintf(p->teams, sizeof(p->teams), "%s", u->teams);
    snprintf(p->salesperson, sizeof(p->salesperson), "%s", u->salesperson);
    snprintf(p->csrf, sizeof(p->csrf), "%s", s->csrf);
    p->expires_ms = s->expires;
    return 0;
}

static void on_session_user(nq_redis_t *r, redisReply *reply, void *data)
{
    lookup_t *l = data;
    nq_user_t u;
    if (!lookup_alive(l, reply))
        return;
    if (nq_user_from_reply(&u, l->session.user, reply) != 0 ||
        gw_principal_from_user(&l->p, l->p.hash, &l->session, &u) != 0) {
        unauthorized(l->req.conn, "this account is disabled or gone; sign in again");
        lookup_free(l);
        return;
    }
    l->p.touched_ms = -AUTH_RENEW_MS; /* renewed at once by lookup_done */
    lookup_done(l);
}

static void on_session(nq_redis_t *r, redisReply *reply, void *data)
{
    lookup_t *l = data;
    char key[128];
    if (!lookup_alive(l, reply))
        return;
    if (nq_session_from_reply(&l->session, reply) != 0 || l->session.expires <= nq_now_ms()) {
        unauthorized(l->req.conn, "the session has ended; sign in again");
        lookup_free(l);
        return;
    }
    nq_key_user(key, sizeof(key), l->session.user);
    if (nq_redis_command(r, on_session_user, l, "HGETALL %s", key) != 0)
        lookup_alive(l, NULL);
}

/* Ask Redis whose credential `hash` is, then decide. */
static void lookup_start(gw_auth_t *a, const gw_request_t *req, const char *hash, bool is_key)
{
    char key[128];
    lookup_t *l = calloc(1, sizeof(*l));
    if (!l) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    a->misses++;
    l->auth = a;
    l->req = *req;
    l->params = *req->params;
    l->req.params = &l->params;
    snprintf(l->p.hash, sizeof(l->p.hash), "%s", hash);
    nq_http_conn_retain(req->conn);
    if (is_key)
        nq_key_apikey(key, sizeof(key), hash);
    else
        nq_key_session(key, sizeof(key), hash);
    if (nq_redis_command(a->gw->svc->redis, is_key ? on_key : on_session, l, "HGETALL %s", key) !=
        0)
        lookup_alive(l, NULL);
}

/* ---- the door ------------------------------------------------------------ */

bool gw_addr_listed(const char *list, const char *addr)
{
    size_t alen = strlen(addr);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == alen && memcmp(p, addr, len) == 0)
            return true;
        p += len;
        p += strspn(p, ", ");
    }
    return false;
}

/* The credential of the request hashed into hash: 1 for a key, 0 for a
 * session, -1 for none (answered 401 here). */
static int credential(const gw_request_t *req, char hash[NQ_TOKEN_HASH_HEX + 1])
{
    const char *authz = nq_http_header(req->http, "Authorization");
    const char *cookies = nq_http_header(req->http, "Cookie");
    char sid[NQ_TOKEN_LEN + 1];
    const char *cred;
    if (authz) {
        int n = nq_bearer(authz, &cred);
        if (n < 0 || !nq_apikey_well_formed(cred, (size_t)n)) {
            unauthorized(req->conn, "Authorization: expected \"Bearer nq_\" followed by 43 "
                                    "characters (an API key)");
            return -1;
        }
        nq_token_hash(cred, (size_t)n, hash);
        return 1;
    }
    if (cookies && nq_cookie_get(cookies, NQ_COOKIE_SESSION, sid, sizeof(sid)) >= 0 &&
        nq_token_well_formed(sid, strlen(sid))) {
        nq_token_hash(sid, strlen(sid), hash);
        return 0;
    }
    unauthorized(req->conn, cookies && strstr(cookies, NQ_COOKIE_SESSION "=")
                                ? "the session cookie is malformed; sign in again"
                                : "sign in (POST /api/v1/auth/login) or send an API key "
                                  "(Authorization: Bearer nq_...)");
    return -1;
}

static void auth_free_when_done(gw_auth_t *a)
{
    if (a->closed && a->pending == 0) {
        auth_cache_free(a->cache);
        team_cache_free(a->teams);
        free(a);
    }
}

/* A renewal's session (its hash), for when Redis says it is gone. */
typedef struct renewal {
    gw_auth_t *auth;
    char hash[NQ_TOKEN_HASH_HEX + 1];
} renewal_t;

static void on_renewed(nq_redis_t *r, redisReply *reply, void *data)
{
    renewal_t *rn = data;
    gw_auth_t *a = rn->auth;
    a->pending--;
    /* EXPIRE of a key that is gone (idle too long, signed out elsewhere): not here either */
    if (!a->closed && reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 0)
        gw_auth_forget(a, rn->hash);
    free(rn);
    auth_free_when_done(a);
}

/* Renew a session's idle expiry in Redis, at most every AUTH_RENEW_MS; when
 * Redis no longer has it, stop trusting the cached entry. */
static void session_touch(gw_auth_t *a, gw_principal_t *p, uint64_t now)
{
    char key[128];
    if ((int64_t)now - p->touched_ms < AUTH_RENEW_MS)
        return;
    renewal_t *rn = malloc(sizeof(*rn));
    if (!rn)
        return;
    p->touched_ms = (int64_t)now;
    rn->auth = a;
    memcpy(rn->hash, p->hash, sizeof(rn->hash));
    nq_key_session(key, sizeof(key), p->hash);
    if (nq_redis_command(a->gw->svc->redis, on_renewed, rn, "EXPIRE %s %lld", key,
                         (long long)a->gw->svc->cfg.session_idle_s) == 0)
        a->pending++;
    else
        free(rn);
}

void gw_auth_door(gw_auth_t *a, const gw_request_t *req)
{
    char hash[NQ_TOKEN_HASH_HEX + 1];
    nq_perm_t perm = req->route->perm;
    if (perm.action == NQ_ACT_OPEN ||
        (perm.kind == NQ_KIND_METRICS && req->http->remote_addr &&
         gw_addr_listed(a->gw->svc->cfg.metrics_allow, req->http->remote_addr))) {
        req->route->handler(req);
        return;
    }
    int kind = credential(req, hash);
    if (kind < 0)
        return;
    uint64_t now = uv_now(&a->gw->svc->loop);
    gw_principal_t *p = now < a->trusted_until ? auth_cache_get(a->cache, hash) : NULL;
    /* A session past its end, or idle longer than allowed here, is asked for again. */
    if (p && !p->is_key &&
        (p->expires_ms <= nq_now_ms() ||
         (int64_t)now - p->touched_ms > a->gw->svc->cfg.session_idle_s * 1000))
        p = NULL;
    if (!p || p->is_key != (kind == 1)) {
        lookup_start(a, req, hash, kind == 1);
        return;
    }
    a->hits++;
    if (!p->is_key)
        session_touch(a, p, now);
    decide(req, p);
}

void gw_auth_remember(gw_auth_t *a, const gw_principal_t *p)
{
    if (a)
        auth_cache_put(a->cache, p);
}

void gw_auth_forget(gw_auth_t *a, const char *hash)
{
    gw_principal_t *p = a ? auth_cache_get(a->cache, hash) : NULL;
    if (p && !p->is_key)
        p->expires_ms = 0;
}

team_cache_t *gw_auth_team_cache(gw_auth_t *a)
{
    return a && uv_now(&a->gw->svc->loop) < a->trusted_until ? a->teams : NULL;
}

void gw_auth_counts(const gw_auth_t *a, uint64_t *hits, uint64_t *misses, size_t *entries)
{
    *hits = a ? a->hits : 0;
    *misses = a ? a->misses : 0;
    *entries = a ? auth_cache_size(a->cache) : 0;
}

/* ---- the poll ------------------------------------------------------------ */

/* A version of the MGET's reply as a number (a missing key is 0); -1 when
 * the reply is not one. */
static long long version_of(const redisReply *r)
{
    if (r->type == REDIS_REPLY_NIL)
        return 0;
    return r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : -1;
}

static void on_version(nq_redis_t *r, redisReply *reply, void *data)
{
    gw_auth_t *a = data;
    a->polling = false;
    a->pending--;
    if (a->closed) {
        auth_free_when_done(a);
        return;
    }
    if (a->stopped || !reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
        return;
    long long v = version_of(reply->element[0]), org = version_of(reply->element[1]);
    if (v < 0 || org < 0)
        return;
    if (v != a->version) {
        auth_cache_clear(a->cache);
        a->version = v;
    }
    if (org != a->org_version) {
        team_cache_clear(a->teams);
        a->org_version = org;
    }
    a->trusted_until = uv_now(&a->gw->svc->loop) + AUTH_TRUST_MS;
}

static void write_last_used(const gw_principal_t *p, void *data)
{
    gw_auth_t *a = data;
    char key[128];
    nq_key_apikey(key, sizeof(key), p->hash);
    nq_redis_command(a->gw->svc->redis, NULL, NULL, "HSET %s last_used %lld", key,
                     (long long)nq_now_ms());
}

static void on_poll(uv_timer_t *t)
{
    gw_auth_t *a = t->data;
    if (!a->polling && nq_redis_command(a->gw->svc->redis, on_version, a, "MGET %s %s",
                                        NQ_KEY_AUTH_VERSION, NQ_KEY_ORG_VERSION) == 0) {
        a->polling = true;
        a->pending++;
    }
    if (nq_redis_ready(a->gw->svc->redis))
        auth_cache_take_used(a->cache, write_last_used, a);
}

gw_auth_t *gw_auth_new(gateway_t *gw)
{
    gw_auth_t *a = calloc(1, sizeof(*a));
    if (!a || !(a->cache = auth_cache_new(AUTH_CACHE_ENTRIES)) ||
        !(a->teams = team_cache_new(TEAM_CACHE_ENTRIES))) {
        if (a)
            auth_cache_free(a->cache);
        free(a);
        return NULL;
    }
    a->gw = gw;
    a->version = -1;
    a->org_version = -1;
    uv_timer_init(&gw->svc->loop, &a->poll);
    a->poll.data = a;
    uv_timer_start(&a->poll, on_poll, 0, AUTH_POLL_MS);
    return a;
}

static void on_closed(uv_handle_t *h)
{
    gw_auth_t *a = h->data;
    a->closed = true;
    auth_free_when_done(a);
}

void gw_auth_stop(gw_auth_t **ap)
{
    gw_auth_t *a = ap ? *ap : NULL;
    if (!a)
        return;
    a->stopped = true;
    uv_close((uv_handle_t *)&a->poll, on_closed);
    *ap = NULL;
}
