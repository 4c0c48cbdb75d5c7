/* test_authz.c — team scoping over real HTTP against a private suite
 * (harness.h): the authorization matrix generated from the gateway's route
 * table (authz.h: every route × every caller × a record in and out of the
 * caller's scope, with the answer derived from the route's permission and
 * what its path names), and the content of what team-limited callers list.
 *
 * Users, sessions and keys are written into the suite's Redis as nqctl and
 * the sign-in do (test_auth.c covers those paths themselves); each caller
 * sends its requests on one keep-alive connection. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "gateway.h"
#include "harness.h"
#include "nq/access.h"
#include "nq/keys.h"
#include "nq/token.h"
#include "nq_test.h"
#include "testkit.h"

#define PASSWORD "correct horse battery"

/* How each caller authenticates: its header lines, on its own connection. */
static char s_headers[AZ_WHO_COUNT][512];
static nq_httpc_t *s_conn[AZ_WHO_COUNT];

/* ---------------------------------------------------------------- setup */

static void add_user(const char *id, const char *role, const char *teams, const char *sp)
{
    char err[256] = "";
    nq_user_t u = {0};
    snprintf(u.id, sizeof(u.id), "%s", id);
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.teams, sizeof(u.teams), "%s", teams);
    snprintf(u.salesperson, sizeof(u.salesperson), "%s", sp);
    int rc = nq_access_user_add(tk_redis, &u, PASSWORD, err, sizeof(err));
    tk_check(rc == 0, "user add %s: %s", id, err);
}

/* A session of `user` stored as the sign-in stores it, ending at `expires`;
 * its header lines (cookie and CSRF token) into `headers`. */
static void session(const char *user, long long expires, char *headers, size_t len)
{
    char sid[NQ_TOKEN_LEN + 1], csrf[NQ_TOKEN_LEN + 1], hash[NQ_TOKEN_HASH_HEX + 1], key[128];
    nq_token_new(sid);
    nq_token_new(csrf);
    nq_token_hash(sid, strlen(sid), hash);
    nq_key_session(key, sizeof(key), hash);
    freeReplyObject(redisCommand(tk_redis, "HSET %s user %s csrf %s created %lld expires %lld", key,
                                 user, csrf, nq_access_now_ms(), expires));
    freeReplyObject(redisCommand(tk_redis, "EXPIRE %s 3600", key));
    snprintf(headers, len, "Cookie: %s=%s\r\n%s: %s\r\n", NQ_COOKIE_SESSION, sid, NQ_HEADER_CSRF,
             csrf);
}

static void key(const char *scope, const char *teams, bool revoke, char *headers, size_t len)
{
    char k[NQ_APIKEY_LEN + 1], err[256] = "";
    nq_apikey_t rec;
    int rc = nq_access_key_create(tk_redis, scope, teams, "matrix", k, &rec, err, sizeof(err));
    tk_check(rc == 0, "key create: %s", err);
    if (revoke)
        tk_check(nq_access_key_revoke(tk_redis, rec.id, err, sizeof(err)) == 0, "revoke: %s", err);
    snprintf(headers, len, "Authorization: Bearer %s\r\n", k);
}

static void put(const char *path, const char *body)
{
    json_decref(tk_call("PUT", path, body, 200));
}

static int suite_init(void)
{
    return tk_start(NULL);
}

/* The org of authz.h, a user of each role with a session, the keys. */
static void test_setup(void)
{
    put("/api/v1/teams/" AZ_TEAM_OWN, "{\"name\":\"本组\"}");
    put("/api/v1/teams/" AZ_TEAM_OTHER, "{\"name\":\"他组\"}");
    put("/api/v1/salespeople/" AZ_SP_OWN, "{\"name\":\"本人\",\"team_id\":\"" AZ_TEAM_OWN "\"}");
    put("/api/v1/salespeople/" AZ_SP_MATE, "{\"name\":\"同事\",\"team_id\":\"" AZ_TEAM_OWN "\"}");
    put("/api/v1/salespeople/" AZ_SP_OTHER,
        "{\"name\":\"他人\",\"team_id\":\"" AZ_TEAM_OTHER "\"}");
    put("/api/v1/customers/" AZ_CUST_OWN,
        "{\"name\":\"本客户\",\"class\":\"key\",\"owner_id\":\"" AZ_SP_OWN "\"}");
    put("/api/v1/customers/" AZ_CUST_MATE,
        "{\"name\":\"同事客户\",\"class\":\"key\",\"owner_id\":\"" AZ_SP_MATE "\"}");
    put("/api/v1/customers/" AZ_CUST_OTHER,
        "{\"name\":\"他客户\",\"class\":\"key\",\"owner_id\":\"" AZ_SP_OTHER "\"}");
    add_user("u-az-admin", "admin", "", "");
    add_user("u-az-manager", "manager", "", "");
    add_user("u-az-coord", "coordinator", AZ_TEAM_OWN, "");
    add_user("u-az-sales", "salesperson", "", AZ_SP_OWN);
    long long later = nq_access_now_ms() + 3600000;
    s_headers[AZ_ANON][0] = '\0';
    session("u-az-admin", nq_access_now_ms() - 1000, s_headers[AZ_EXPIRED], 512);
    key("read", "", true, s_headers[AZ_REVOKED], 512);
    session("u-az-admin", later, s_headers[AZ_ADMIN], 512);
    session("u-az-manager", later, s_headers[AZ_MANAGER], 512);
    session("u-az-coord", later, s_headers[AZ_COORD], 512);
    session("u-az-sales", later, s_headers[AZ_SALES], 512);
    key("read", AZ_TEAM_OWN, false, s_headers[AZ_TEAM_KEY], 512);
    for (int w = 0; w < AZ_WHO_COUNT; w++) {
        s_conn[w] = nq_httpc_new(nq_harness_url(tk_h));
        nq_httpc_set_api_key(s_conn[w], NULL); /* not the harness's admin key: only its own */
    }
}

static int suite_cleanup(void)
{
    for (int w = 0; w < AZ_WHO_COUNT; w++)
        nq_httpc_destroy(&s_conn[w]);
    tk_stop();
    return 0;
}

/* ---------------------------------------------------------------- sending */

/* Status of method path as `who` (writes carry "[]", which no handler takes). */
static int send_as(az_who_t who, const char *method, const char *path, char *body, size_t len)
{
    nq_httpc_response_t r;
    bool write = strcmp(method, "GET") != 0;
    int rc = nq_httpc_request(s_conn[who], method, path, write ? "application/json" : NULL,
                              write ? "[]" : NULL, write ? 2 : 0, s_headers[who], &r);
    int status = rc == 0 ? r.status : -1;
    if (body)
        snprintf(body, len, "%.*s", (int)(r.body ? r.len : 0), r.body ? r.body : "");
    nq_httpc_response_free(&r);
    return status;
}

/* An admin's answers, by method and path. */
typedef struct seen {
    char key[300];
    int status;
} seen_t;
static seen_t s_admin[AZ_CASES_MAX];
static size_t s_n_admin;

static int admin_status(const az_case_t *c)
{
    char k[300];
    snprintf(k, sizeof(k), "%s %s", c->route->method, c->path);
    for (size_t i = 0; i < s_n_admin; i++)
        if (strcmp(s_admin[i].key, k) == 0)
            return s_admin[i].status;
    int status = send_as(AZ_ADMIN, c->route->method, c->path, NULL, 0);
    if (s_n_admin < AZ_CASES_MAX) {
        snprintf(s_admin[s_n_admin].key, sizeof(s_admin[0].key), "%s", k);
        s_admin[s_n_admin++].status = status;
    }
    return status;
}

/* ---------------------------------------------------------------- tests */

static az_case_t s_cases[AZ_CASES_MAX];

static void test_matrix(void)
{
    size_t n_routes = 0;
    const nq_route_t *routes = gateway_routes(&n_routes);
    char err[256] = "", want[48], body[512];
    int n = az_generate(routes, n_routes, s_cases, AZ_CASES_MAX, err, sizeof(err));
    tk_check(n > 0, "the matrix: %s", err);
    int sent = 0, wrong = 0, out_of_scope = 0, vacuous = 0;
    int64_t t0 = tk_mono_ms();
    for (int i = 0; i < n; i++) {
        const az_case_t *c = &s_cases[i];
        if (c->want == AZ_WANT_SKIP)
            continue;
        /* an admin first: what the handler answers (DELETEs are never sent in scope) */
        int admin = c->want == AZ_WANT_AS_ADMIN || c->want == AZ_WANT_404 ? admin_status(c) : 0;
        int status = send_as(c->who, c->route->method, c->path, body, sizeof(body));
        sent++;
        if (c->want == AZ_WANT_404) {
            out_of_scope++;
            vacuous += admin == 404; /* the record's absence would answer alike */
        }
        if (!az_check(c, status, admin)) {
            wrong++;
            fprintf(stderr, "\n%s %s as %s: want %s, got %d %s", c->route->method, c->path,
                    az_who_name(c->who), az_want_name(c, admin, want, sizeof(want)), status, body);
        }
    }
    fprintf(stderr,
            "\nmatrix: %d cases, %d sent, %d out of scope (%d also 404 for an admin) in %lld ms\n",
            n, sent, out_of_scope, vacuous, (long long)(tk_mono_ms() - t0));
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT(out_of_scope > 50);
}

static CU_TestInfo tests[] = {
    {"setup", test_setup},
    {"the authorization matrix", test_matrix},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scope", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
