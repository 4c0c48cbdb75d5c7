/* test_auth.c — who may do what, over real HTTP against a private suite
 * (harness.h): no credentials, API key scopes, a revoked key, sign-in,
 * sessions, CSRF, sign-out, a disabled user, wrong passwords, lockout, bad
 * sign-in input, and nqctl's user and apikey commands.
 *
 * Users and keys are written with the store (nq/access.h) straight into the
 * suite's Redis, as nqctl does. Answers are read raw (status line, headers,
 * body) so that WWW-Authenticate and Set-Cookie can be checked. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "nq/access.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"

#define MAX_FAILURES "4"
#define REVOKE_MS    1500 /* a revoked key or disabled user is refused within this */
#define PASSWORD     "correct horse battery"
#define METRICS_ADDR "127.0.0.2" /* NQ_METRICS_ALLOW */

static nq_harness_t *s_h;
static redisContext *s_redis;
static char s_ingest[NQ_APIKEY_LEN + 1], s_read[NQ_APIKEY_LEN + 1];
static const char *s_source; /* the client address requests come from, NULL: any */

/* ---------------------------------------------------------------- helpers */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One answer, read raw. */
typedef struct answer {
    int status;
    char head[4096]; /* status line and headers */
    json_t *json;    /* the body parsed, or NULL */
} answer_t;

static void answer_free(answer_t *a)
{
    json_decref(a->json);
    a->json = NULL;
}

/* The value of header `name` in the answer ("" when absent), into buf. */
static const char *header(const answer_t *a, const char *name, char *buf, size_t len)
{
    size_t nlen = strlen(name);
    buf[0] = '\0';
    for (const char *p = strstr(a->head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, nlen) == 0 && p[2 + nlen] == ':') {
            const char *v = p + 3 + nlen + strspn(p + 3 + nlen, " ");
            snprintf(buf, len, "%.*s", (int)strcspn(v, "\r"), v);
            return buf;
        }
    }
    return buf;
}

/* Send method path with the given extra header lines and body on a new
 * connection (closed after), and read the whole answer. */
static answer_t http(const char *method, const char *path, const char *headers, const char *body)
{
    answer_t a = {0};
    static char buf[1 << 16];
    const char *url = nq_harness_url(s_h);
    int port = atoi(strrchr(url, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    struct sockaddr_in from = {.sin_family = AF_INET};
    if (fd >= 0 && s_source &&
        (inet_pton(AF_INET, s_source, &from.sin_addr) != 1 ||
         bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (fd >= 0)
            close(fd);
        return a;
    }
    int n =
        snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s%s%s\r\n%s",
                 method, path, headers ? headers : "",
                 body ? "Content-Type: application/json\r\n" : "", "", body ? "" : "");
    if (body)
        n = snprintf(buf, sizeof(buf),
                     "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%sContent-Type: "
                     "application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     method, path, headers ? headers : "", strlen(body), body);
    if (write(fd, buf, (size_t)n) != n) {
        close(fd);
        return a;
    }
    size_t len = 0;
    ssize_t got;
    while (len < sizeof(buf) - 1 && (got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)got;
    close(fd);
    buf[len] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (!end || sscanf(buf, "HTTP/1.1 %d", &a.status) != 1)
        return a;
    snprintf(a.head, sizeof(a.head), "%.*s", (int)(end - buf + 2), buf);
    a.json = json_loads(end + 4, 0, NULL);
    return a;
}

static char *bearer(const char *key)
{
    static char line[128];
    snprintf(line, sizeof(line), "Authorization: Bearer %s\r\n", key);
    return line;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The status of method path with these header lines (and body). */
static int status_of(const char *method, const char *path, const char *headers, const char *body)
{
    answer_t a = http(method, path, headers, body);
    answer_free(&a);
    return a.status;
}

static const char *event_body(const char *event_id)
{
    static char body[512];
    char when[48];
    nq_time_format(nq_now_ms() - 3600000, when, sizeof(when));
    snprintf(body, sizeof(body),
             "{\"event_id\":\"%s\",\"type\":\"visit\",\"salesperson_id\":\"sp-auth\","
             "\"customer_id\":\"c-auth\",\"occurred_at\":\"%s\"}",
             event_id, when);
    return body;
}

static void add_user(const char *id, const char *role, const char *teams)
{
    char err[256] = "";
    nq_user_t u = {0};
    snprintf(u.id, sizeof(u.id), "%s", id);
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.teams, sizeof(u.teams), "%s", teams);
    int rc = nq_access_user_add(s_redis, &u, PASSWORD, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "\nuser add %s: %s\n", id, err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* The failure window of this address (and of `user`) ends. The gateway
 * counts a failure in Redis after it has answered: wait for that first. */
static void forget_failures(const char *user)
{
    usleep(200000);
    freeReplyObject(redisCommand(s_redis, "DEL nq:login:fail:addr:127.0.0.1"));
    if (user)
        freeReplyObject(redisCommand(s_redis, "DEL nq:login:fail:user:%s", user));
}

/* A signed-in session: its cookie header line and CSRF header line. */
typedef struct session {
    char cookie[128];
    char csrf[128];
    char both[256];
} session_t;

static answer_t login(const char *user, const char *password)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
    return http("POST", "/api/v1/auth/login", NULL, body);
}

/* Sign in; the session's header lines from the Set-Cookie answer. */
static session_t sign_in(const char *user)
{
    session_t s = {0};
    answer_t a = login(user, PASSWORD);
    CU_ASSERT_EQUAL(a.status, 200);
    const char *p = strstr(a.head, "Set-Cookie: nq_session=");
    if (p) {
        p += strlen("Set-Cookie: ");
        snprintf(s.cookie, sizeof(s.cookie), "Cookie: %.*s\r\n", (int)strcspn(p, ";"), p);
    }
    snprintf(s.csrf, sizeof(s.csrf), "X-CSRF-Token: %s\r\n", str(a.json, "csrf"));
    snprintf(s.both, sizeof(s.both), "%s%s", s.cookie, s.csrf);
    answer_free(&a);
    return s;
}

/* ------------------------------------------------------------------ tests */

static void test_no_credentials(void)
{
    char v[256];
    const char *paths[][2] = {{"GET", "/api/v1/kpis/company"},
                              {"GET", "/api/v1/auth/me"},
                              {"GET", "/api/v1/teams/t-1"},
                              {"GET", "/api/v1/admin/rebuild"},
                              {"GET", "/metrics"}};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        answer_t a = http(paths[i][0], paths[i][1], NULL, NULL);
        CU_ASSERT_EQUAL(a.status, 401);
        CU_ASSERT_STRING_EQUAL(str(a.json, "error"), "unauthorized");
        CU_ASSERT_STRING_EQUAL(header(&a, "WWW-Authenticate", v, sizeof(v)),
                               "Bearer realm=\"neiqin\"");
        answer_free(&a);
    }
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", NULL, event_body("auth-none")), 401);
    /* open routes */
    CU_ASSERT_EQUAL(status_of("GET", "/livez", NULL, NULL), 200);
    CU_ASSERT_EQUAL(status_of("GET", "/readyz", NULL, NULL), 200);
    /* a malformed or unknown key, another scheme, a malformed cookie */
    char unknown[NQ_APIKEY_LEN + 1];
    nq_apikey_new(unknown);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", bearer("nq_short"), NULL), 401);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", bearer(unknown), NULL), 401);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", "Authorization: Basic YTpi\r\n", NULL),
                    401);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", "Cookie: nq_session=abc\r\n", NULL),
                    401);
    /* the tests' admin key reads /metrics; so does an address of NQ_METRICS_ALLOW, without
     * a key (127.0.0.2 is loopback too), and only /metrics */
    CU_ASSERT_EQUAL(status_of("GET", "/metrics", bearer(nq_harness_api_key(s_h)), NULL), 200);
    s_source = METRICS_ADDR;
    CU_ASSERT_EQUAL(status_of("GET", "/metrics", NULL, NULL), 200);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", NULL, NULL), 401);
    s_source = NULL;
}

static void test_key_scopes(void)
{
    char err[256];
    CU_ASSERT_EQUAL_FATAL(
        nq_access_key_create(s_redis, "ingest", "", "erp", s_ingest, NULL, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL_FATAL(
        nq_access_key_create(s_redis, "read", "", "board", s_read, NULL, err, sizeof(err)), 0);
    /* ingest: POST activities; no GET */
    CU_ASSERT_EQUAL(
        status_of("POST", "/api/v1/activities", bearer(s_ingest), event_body("auth-ingest-1")),
        202);
    answer_t a = http("GET", "/api/v1/kpis/company", bearer(s_ingest), NULL);
    CU_ASSERT_EQUAL(a.status, 403);
    CU_ASSERT_STRING_EQUAL(str(a.json, "error"), "forbidden");
    CU_ASSERT_PTR_NOT_NULL(strstr(str(a.json, "detail"), "ingest"));
    answer_free(&a);
    CU_ASSERT_EQUAL(status_of("GET", "/metrics", bearer(s_ingest), NULL), 403);
    /* read: GET; no POST, no PUT */
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", bearer(s_read), NULL), 200);
    CU_ASSERT_EQUAL(status_of("GET", "/metrics", bearer(s_read), NULL), 200);
    CU_ASSERT_EQUAL(
        status_of("POST", "/api/v1/activities", bearer(s_read), event_body("auth-read-1")), 403);
    CU_ASSERT_EQUAL(status_of("PUT", "/api/v1/teams/t-auth", bearer(s_read), "{\"name\":\"x\"}"),
                    403);
    /* who am I */
    a = http("GET", "/api/v1/auth/me", bearer(s_read), NULL);
    CU_ASSERT_EQUAL(a.status, 200);
    CU_ASSERT_STRING_EQUAL(str(a.json, "kind"), "api_key");
    CU_ASSERT_STRING_EQUAL(str(a.json, "scope"), "read");
    CU_ASSERT_STRING_EQUAL(str(a.json, "name"), "board");
    answer_free(&a);
    /* the gateway writes last_used from its poll, within a second or so */
    usleep(1200000);
    int listed = 0;
    char key[160], hash[NQ_TOKEN_HASH_HEX + 1];
    nq_token_hash(s_read, NQ_APIKEY_LEN, hash);
    nq_key_apikey(key, sizeof(key), hash);
    redisReply *r = redisCommand(s_redis, "HGET %s last_used", key);
    listed = r && r->type == REDIS_REPLY_STRING && atoll(r->str) > 0;
    freeReplyObject(r);
    CU_ASSERT(listed);
}

static void test_revoked_key(void)
{
    char err[256], id[NQ_KEY_ID_LEN + 1], hash[NQ_TOKEN_HASH_HEX + 1];
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", bearer(s_read), NULL), 200);
    nq_token_hash(s_read, NQ_APIKEY_LEN, hash);
    snprintf(id, sizeof(id), "%.*s", NQ_KEY_ID_LEN, hash);
    CU_ASSERT_EQUAL_FATAL(nq_access_key_revoke(s_redis, id, err, sizeof(err)), 0);
    int64_t t0 = mono_ms();
    int status = 200;
    while (status == 200 && mono_ms() - t0 < 5000) {
        status = status_of("GET", "/api/v1/kpis/company", bearer(s_read), NULL);
        usleep(20000);
    }
    int64_t took = mono_ms() - t0;
    CU_ASSERT_EQUAL(status, 401);
    if (took > REVOKE_MS)
        fprintf(stderr, "\nthe revoked key still worked for %lld ms\n", (long long)took);
    CU_ASSERT(took <= REVOKE_MS);
    answer_t a = http("GET", "/api/v1/kpis/company", bearer(s_read), NULL);
    CU_ASSERT_STRING_EQUAL(str(a.json, "detail"), "this API key was revoked");
    answer_free(&a);
}

static void test_sign_in_and_out(void)
{
    char v[512];
    add_user("li", "coordinator", "t-east,t-west");
    answer_t a = login("li", PASSWORD);
    CU_ASSERT_EQUAL(a.status, 200);
    CU_ASSERT_STRING_EQUAL(str(a.json, "kind"), "user");
    CU_ASSERT_STRING_EQUAL(str(a.json, "id"), "li");
    CU_ASSERT_STRING_EQUAL(str(a.json, "role"), "coordinator");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(a.json, "teams")), 2);
    CU_ASSERT_EQUAL(strlen(str(a.json, "csrf")), NQ_TOKEN_LEN);
    const char *cookie = strstr(a.head, "Set-Cookie: nq_session=");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cookie);
    snprintf(v, sizeof(v), "%.*s", (int)strcspn(cookie, "\r"), cookie);
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "; HttpOnly"));
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "; SameSite=Strict"));
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "; Path=/"));
    CU_ASSERT_PTR_NULL(strstr(v, "Secure;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.head, "Set-Cookie: nq_csrf="));
    CU_ASSERT_STRING_EQUAL(header(&a, "Cache-Control", v, sizeof(v)), "no-store");
    CU_ASSERT_STRING_EQUAL(header(&a, "X-Frame-Options", v, sizeof(v)), "DENY");
    CU_ASSERT_STRING_EQUAL(header(&a, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
    answer_free(&a);

    session_t s = sign_in("li");
    a = http("GET", "/api/v1/auth/me", s.cookie, NULL);
    CU_ASSERT_EQUAL(a.status, 200);
    CU_ASSERT_STRING_EQUAL(str(a.json, "role"), "coordinator");
    answer_free(&a);
    /* reads need no CSRF token */
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/kpis/company", s.cookie, NULL), 200);
    /* a write with the cookie needs the token: missing, wrong, right (a team the coordinator
     * coordinates: another is out of their scope, tests/integration/test_authz.c) */
    a = http("PUT", "/api/v1/teams/t-east", s.cookie, "{\"name\":\"授权组\"}");
    CU_ASSERT_EQUAL(a.status, 403);
    CU_ASSERT_STRING_EQUAL(str(a.json, "error"), "csrf");
    answer_free(&a);
    char wrong[256];
    snprintf(wrong, sizeof(wrong),
             "%sX-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n", s.cookie);
    a = http("PUT", "/api/v1/teams/t-east", wrong, "{\"name\":\"授权组\"}");
    CU_ASSERT_EQUAL(a.status, 403);
    CU_ASSERT_STRING_EQUAL(str(a.json, "error"), "csrf");
    answer_free(&a);
    CU_ASSERT_EQUAL(status_of("PUT", "/api/v1/teams/t-east", s.both, "{\"name\":\"授权组\"}"), 200);
    /* a key needs no token */
    CU_ASSERT_EQUAL(status_of("PUT", "/api/v1/teams/t-east", bearer(nq_harness_api_key(s_h)),
                              "{\"name\":\"授权组\"}"),
                    200);
    /* a coordinator may not rebuild (admins only) */
    a = http("POST", "/api/v1/admin/rebuild", s.both, NULL);
    CU_ASSERT_EQUAL(a.status, 403);
    CU_ASSERT_STRING_EQUAL(str(a.json, "error"), "forbidden");
    answer_free(&a);
    /* sign out: the cookie is cleared, the session gone at once */
    a = http("POST", "/api/v1/auth/logout", s.both, NULL);
    CU_ASSERT_EQUAL(a.status, 204);
    CU_ASSERT_PTR_NOT_NULL(strstr(a.head, "Set-Cookie: nq_session=; Path=/; Max-Age=0"));
    answer_free(&a);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/auth/me", s.cookie, NULL), 401);
}

/* The gateway's count of credentials it read from Redis (/metrics). */
static long long lookups(void)
{
    static char buf[1 << 14];
    const char *url = nq_harness_url(s_h);
    nq_httpc_t *c = nq_httpc_new(url);
    nq_httpc_response_t r;
    long long n = -1;
    if (c && nq_httpc_request(c, "GET", "/metrics", NULL, NULL, 0, NULL, &r) == 0) {
        snprintf(buf, sizeof(buf), "%s", r.body ? r.body : "");
        const char *p = strstr(buf, "\nnq_gateway_auth_lookups_total ");
        n = p ? atoll(p + strlen("\nnq_gateway_auth_lookups_total ")) : -1;
        nq_httpc_response_free(&r);
    }
    nq_httpc_destroy(&c);
    return n;
}

/* A known key or session costs no Redis read: only the first request of each
 * after the cache was emptied (the admin key's /metrics reads hit it too). */
static void test_hot_path_cached(void)
{
    char err[256], key[NQ_APIKEY_LEN + 1];
    CU_ASSERT_EQUAL_FATAL(
        nq_access_key_create(s_redis, "ingest", "", "hot", key, NULL, err, sizeof(err)), 0);
    add_user("sun", "coordinator", "t-east");
    session_t s = sign_in("sun");
    /* every cache drops what it knew (a version bump), so both are read from Redis once */
    freeReplyObject(redisCommand(s_redis, "INCR %s", NQ_KEY_AUTH_VERSION));
    usleep(1200000);
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", bearer(key), event_body("hot-0")), 202);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/auth/me", s.cookie, NULL), 200);
    long long before = lookups();
    char id[32];
    for (int i = 1; i <= 5; i++) {
        snprintf(id, sizeof(id), "hot-%d", i);
        CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", bearer(key), event_body(id)), 202);
        CU_ASSERT_EQUAL(status_of("GET", "/api/v1/auth/me", s.cookie, NULL), 200);
    }
    long long after = lookups();
    CU_ASSERT(before >= 0);
    if (after != before)
        fprintf(stderr, "\n%lld Redis lookups for known credentials\n", after - before);
    CU_ASSERT_EQUAL(after, before);
}

static void test_disabled_user(void)
{
    char err[256];
    add_user("wang", "salesperson", "");
    session_t s = sign_in("wang");
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/auth/me", s.cookie, NULL), 200);
    /* a salesperson reads figures but may not write the org */
    CU_ASSERT_EQUAL(status_of("PUT", "/api/v1/teams/t-auth", s.both, "{\"name\":\"x\"}"), 403);
    CU_ASSERT_EQUAL_FATAL(nq_access_user_disable(s_redis, "wang", err, sizeof(err)), 0);
    int64_t t0 = mono_ms();
    int status = 200;
    while (status == 200 && mono_ms() - t0 < 5000) {
        status = status_of("GET", "/api/v1/auth/me", s.cookie, NULL);
        usleep(20000);
    }
    CU_ASSERT_EQUAL(status, 401);
    CU_ASSERT(mono_ms() - t0 <= REVOKE_MS);
    /* and cannot sign in again: the same answer as a wrong password */
    answer_t a = login("wang", PASSWORD);
    CU_ASSERT_EQUAL(a.status, 401);
    CU_ASSERT_STRING_EQUAL(str(a.json, "detail"), "wrong user or password");
    answer_free(&a);
}

static void test_wrong_password(void)
{
    add_user("zhou", "manager", "");
    int64_t t0 = mono_ms();
    answer_t wrong = login("zhou", "not the password");
    int64_t t1 = mono_ms();
    answer_t unknown = login("nobody", "not the password");
    int64_t t2 = mono_ms();
    CU_ASSERT_EQUAL(wrong.status, 401);
    CU_ASSERT_EQUAL(unknown.status, 401);
    char *w = json_dumps(wrong.json, JSON_SORT_KEYS), *u = json_dumps(unknown.json, JSON_SORT_KEYS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_STRING_EQUAL(w, u);
    CU_ASSERT_PTR_NULL(strstr(wrong.head, "Set-Cookie"));
    /* in Chinese when asked (docs/api.md, errors by Accept-Language) */
    answer_t zh = http("POST", "/api/v1/auth/login", "Accept-Language: zh-CN\r\n",
                       "{\"user\":\"zhou\",\"password\":\"not the password\"}");
    CU_ASSERT_EQUAL(zh.status, 401);
    CU_ASSERT_STRING_EQUAL(str(zh.json, "detail"), "用户名或密码错误");
    answer_free(&zh);
    /* both ran the password hash (tens of ms), not a shortcut for the unknown user */
    CU_ASSERT(t1 - t0 >= 5);
    CU_ASSERT(t2 - t1 >= 5);
    free(w);
    free(u);
    answer_free(&wrong);
    answer_free(&unknown);
    forget_failures(NULL);
}

static void test_bad_sign_in(void)
{
    char longpw[400], body[600], userbody[300];
    memset(longpw, 'p', 300);
    longpw[300] = '\0';
    snprintf(body, sizeof(body), "{\"user\":\"li\",\"password\":\"%s\"}", longpw);
    char longuser[200];
    memset(longuser, 'u', 100);
    longuser[100] = '\0';
    snprintf(userbody, sizeof(userbody), "{\"user\":\"%s\",\"password\":\"x\"}", longuser);
    const struct {
        const char *body;
        const char *field;
    } cases[] = {
        {"{}", "user"},
        {"{\"user\":\"li\"}", "password"},
        {"{\"password\":\"x\"}", "user"},
        {"{\"user\":42,\"password\":\"x\"}", "user"},
        {"{\"user\":\"has space\",\"password\":\"x\"}", "user"},
        {"{\"user\":\"li\",\"password\":\"\"}", "password"},
        {body, "password"},
        {userbody, "user"},
        {"{\"user\":\"li\",\"password\":\"x\",\"remember\":true}", "remember"},
        {"{\"user\":\"\xff\xfe\",\"password\":\"x\"}", NULL},
        {"[\"li\",\"x\"]", NULL},
        {"not json", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        answer_t a = http("POST", "/api/v1/auth/login", NULL, cases[i].body);
        CU_ASSERT_EQUAL(a.status, 400);
        CU_ASSERT_STRING_EQUAL(str(a.json, "error"), "invalid");
        CU_ASSERT(str(a.json, "detail")[0] != '\0');
        if (cases[i].field) {
            json_t *errs = json_object_get(a.json, "errors");
            bool named = false;
            for (size_t k = 0; k < json_array_size(errs); k++)
                named |= strcmp(str(json_array_get(errs, k), "field"), cases[i].field) == 0;
            if (!named)
                fprintf(stderr, "\ncase %zu: no error names %s\n", i, cases[i].field);
            CU_ASSERT(named);
        }
        answer_free(&a);
    }
    /* nothing crashed */
    CU_ASSERT_EQUAL(status_of("GET", "/livez", NULL, NULL), 200);
}

static void test_lockout(void)
{
    char v[64];
    add_user("liu", "salesperson", "");
    forget_failures("liu");
    for (int i = 0; i < atoi(MAX_FAILURES); i++) {
        answer_t a = login("liu", "wrong password");
        if (a.status != 401)
            fprintf(stderr, "\nfailure %d: %d %s\n", i, a.status, a.head);
        CU_ASSERT_EQUAL(a.status, 401);
        answer_free(&a);
    }
    /* locked: even the right password */
    answer_t a = login("liu", PASSWORD);
    CU_ASSERT_EQUAL(a.status, 429);
    CU_ASSERT_STRING_EQUAL(header(&a, "Retry-After", v, sizeof(v)), "900");
    answer_free(&a);
    /* the window ends (its counters expire): released */
    redisReply *r =
        redisCommand(s_redis, "DEL nq:login:fail:user:liu nq:login:fail:addr:127.0.0.1");
    freeReplyObject(r);
    a = login("liu", PASSWORD);
    CU_ASSERT_EQUAL(a.status, 200);
    answer_free(&a);
    /* one address trying many accounts is locked as well */
    for (int i = 0; i < atoi(MAX_FAILURES); i++) {
        char user[16];
        snprintf(user, sizeof(user), "ghost%d", i);
        answer_t g = login(user, "whatever");
        answer_free(&g);
    }
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/auth/login", NULL,
                              "{\"user\":\"zhou\",\"password\":\"" PASSWORD "\"}"),
                    429);
    forget_failures(NULL);
}

/* Run nqctl with NQ_REDIS_PORT set, stdin from `input`; stdout into out. */
static int nqctl(const char *input, char *out, size_t outlen, const char *const *words)
{
    int in[2], from[2];
    if (pipe(in) != 0 || pipe(from) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char port[16];
        snprintf(port, sizeof(port), "%d", nq_harness_redis_port(s_h));
        setenv("NQ_REDIS_PORT", port, 1);
        setenv("NQ_REDIS_HOST", "127.0.0.1", 1);
        setenv("NQ_LANG", "en", 1);
        const char *pw = nq_harness_getenv(s_h, "NQ_REDIS_PASSWORD"); /* the operator's */
        if (pw)
            setenv("NQ_REDIS_PASSWORD", pw, 1);
        dup2(in[0], 0);
        dup2(from[1], 1);
        close(in[1]);
        close(from[0]);
        const char *argv[16] = {"nqctl"};
        for (int i = 0; words[i] && i < 14; i++)
            argv[i + 1] = words[i];
        execv(NQ_BIN_DIR "/nqctl", (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(from[1]);
    if (input && write(in[1], input, strlen(input)) < 0)
        perror("write");
    close(in[1]);
    size_t len = 0;
    ssize_t got;
    while (len < outlen - 1 && (got = read(from[0], out + len, outlen - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = '\0';
    close(from[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_nqctl(void)
{
    char out[4096], key[128];
    CU_ASSERT_EQUAL(
        nqctl(NULL, out, sizeof(out),
              (const char *[]){"apikey", "create", "--scope", "ingest", "--name", "phone", NULL}),
        0);
    snprintf(key, sizeof(key), "%.*s", (int)strcspn(out, "\n"), out);
    CU_ASSERT(nq_apikey_well_formed(key, strlen(key)));
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", bearer(key), event_body("auth-ctl-1")),
                    202);
    CU_ASSERT_EQUAL(nqctl(NULL, out, sizeof(out), (const char *[]){"apikey", "list", NULL}), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\tphone\tingest\t"));
    CU_ASSERT_PTR_NULL(strstr(out, key)); /* the key itself is never shown again */
    CU_ASSERT_EQUAL(nqctl("another good password\n", out, sizeof(out),
                          (const char *[]){"user", "add", "u-ma", "--role", "salesperson",
                                           "--salesperson", "sp-ma", "--password-stdin", NULL}),
                    0);
    answer_t a = login("u-ma", "another good password");
    CU_ASSERT_EQUAL(a.status, 200);
    CU_ASSERT_STRING_EQUAL(str(a.json, "salesperson_id"), "sp-ma");
    answer_free(&a);
    /* a user that exists, a role that does not, no password */
    CU_ASSERT_EQUAL(nqctl("another good password\n", out, sizeof(out),
                          (const char *[]){"user", "add", "u-ma", "--role", "salesperson",
                                           "--password-stdin", NULL}),
                    1);
    CU_ASSERT_EQUAL(nqctl(NULL, out, sizeof(out),
                          (const char *[]){"user", "add", "u-x", "--role", "boss", NULL}),
                    2);
    CU_ASSERT_EQUAL(nqctl(NULL, out, sizeof(out),
                          (const char *[]){"user", "add", "u-x", "--role", "admin", NULL}),
                    2);
    CU_ASSERT_EQUAL(nqctl(NULL, out, sizeof(out), (const char *[]){"user", "list", NULL}), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "u-ma\tu-ma\tsalesperson\t-\tsp-ma\tactive\t"));
}

/* ------------------------------------------------------------------ suite */

static int suite_init(void)
{
    static const char *const env[] = {"NQ_LOGIN_MAX_FAILURES=" MAX_FAILURES,
                                      "NQ_METRICS_ALLOW=::1, " METRICS_ADDR, NULL};
    s_h = nq_harness_start(env);
    if (!s_h)
        return -1;
    s_redis = nq_harness_redis_connect(s_h);
    return s_redis && !s_redis->err ? 0 : -1;
}

static int suite_clean(void)
{
    if (s_redis)
        redisFree(s_redis);
    return nq_harness_stop(&s_h) == 0 ? 0 : -1;
}

static CU_TestInfo tests[] = {
    {"no credentials: 401 with WWW-Authenticate", test_no_credentials},
    {"key scopes: ingest posts, read reads", test_key_scopes},
    {"a revoked key is refused within a second", test_revoked_key},
    {"sign in, session, CSRF, sign out", test_sign_in_and_out},
    {"known keys and sessions cost no Redis read", test_hot_path_cached},
    {"a disabled user is refused within a second", test_disabled_user},
    {"wrong password and unknown user: one answer", test_wrong_password},
    {"bad sign-in input: 400 with reasons", test_bad_sign_in},
    {"lockout and its release", test_lockout},
    {"nqctl user and apikey", test_nqctl},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"access", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
