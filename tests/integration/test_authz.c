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
#include <unistd.h>

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

static char s_team_key[NQ_APIKEY_LEN + 1]; /* the read key of AZ_TEAM_OWN */

static void key(const char *scope, const char *teams, bool revoke, char *headers, size_t len)
{
    static char k[NQ_APIKEY_LEN + 1];
    char err[256] = "";
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

/* The matrix sends hundreds of requests a second as each caller: rate limits
 * (tested in test_door) would answer some of them 429. */
static int suite_init(void)
{
    return tk_start((const char *[]){"NQ_RATE_USER_RPS=0", "NQ_RATE_KEY_RPS=0", NULL});
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
    snprintf(s_team_key, sizeof(s_team_key), "%s", strstr(s_headers[AZ_TEAM_KEY], "Bearer ") + 7);
    s_team_key[strcspn(s_team_key, "\r")] = '\0';
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
        /* an admin first: what the handler answers (reads, and writes the handler refuses;
         * never a DELETE, which would delete) */
        bool get = strcmp(c->route->method, "GET") == 0;
        int admin =
            c->want == AZ_WANT_AS_ADMIN || (c->want == AZ_WANT_404 && get) ? admin_status(c) : 0;
        int status = send_as(c->who, c->route->method, c->path, body, sizeof(body));
        sent++;
        if (c->want == AZ_WANT_404) {
            out_of_scope++;
            vacuous += get && admin == 404; /* the record's absence would answer alike */
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

/* GET path as who: the parsed answer, its status in *status. */
static json_t *get_as(az_who_t who, const char *path, int *status)
{
    static char body[1 << 16];
    *status = send_as(who, "GET", path, body, sizeof(body));
    return json_loads(body, 0, NULL);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The `field` of a list answer's items, sorted and comma-joined, into buf. */
static const char *ids_of(const json_t *page, const char *field, char *buf, size_t len)
{
    const json_t *items = json_object_get(page, "items");
    const char *v[64];
    size_t n = 0, i;
    json_t *it;
    json_array_foreach (items, i, it)
        if (n < 64)
            v[n++] = tk_str(it, field);
    qsort(v, n, sizeof(v[0]), by_text);
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t at = strlen(buf);
        snprintf(buf + at, len - at, "%s%s", at ? "," : "", v[i]);
    }
    return buf;
}

/* The big-order alert of each of the three salespeople, by salesperson. */
static char s_alert[3][64];
static const char *const s_alert_sp[3] = {AZ_SP_OWN, AZ_SP_MATE, AZ_SP_OTHER};

static void raise_alerts(void)
{
    static const char *const custs[3] = {AZ_CUST_OWN, AZ_CUST_MATE, AZ_CUST_OTHER};
    json_t *events = json_array();
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof(id), "az-big-%d", i);
        json_array_append_new(
            events, tk_event(id, "order", s_alert_sp[i], custs[i], nq_access_now_ms(), "99000.00"));
    }
    tk_post_counts(events, 3, 0);
    int64_t deadline = tk_mono_ms() + 15000;
    int found = 0;
    while (found < 3 && tk_mono_ms() < deadline) {
        int status;
        json_t *page = get_as(AZ_ADMIN, "/api/v1/alerts?rule=big_order&limit=50", &status);
        size_t i;
        json_t *it;
        found = 0;
        json_array_foreach (json_object_get(page, "items"), i, it) {
            for (int k = 0; k < 3; k++) {
                if (strcmp(tk_str(it, "salesperson_id"), s_alert_sp[k]) == 0) {
                    snprintf(s_alert[k], sizeof(s_alert[k]), "%s", tk_str(it, "id"));
                    found++;
                }
            }
        }
        json_decref(page);
        if (found < 3)
            usleep(100000);
    }
    tk_check(found == 3, "%d of 3 big-order alerts raised", found);
}

/* Alerts: the list, one alert, an action and the stream keep to the caller's scope. */
static void test_alerts(void)
{
    char ids[512], path[256];
    int status;
    raise_alerts();
    static const struct {
        az_who_t who;
        const char *sps; /* whose alerts the list holds, sorted */
    } lists[] = {
        {AZ_ADMIN, AZ_SP_MATE "," AZ_SP_OTHER "," AZ_SP_OWN},
        {AZ_MANAGER, AZ_SP_MATE "," AZ_SP_OTHER "," AZ_SP_OWN},
        {AZ_COORD, AZ_SP_MATE "," AZ_SP_OWN},
        {AZ_TEAM_KEY, AZ_SP_MATE "," AZ_SP_OWN},
        {AZ_SALES, AZ_SP_OWN},
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        json_t *page = get_as(lists[i].who, "/api/v1/alerts?rule=big_order", &status);
        CU_ASSERT_EQUAL(status, 200);
        tk_check(strcmp(ids_of(page, "salesperson_id", ids, sizeof(ids)), lists[i].sps) == 0,
                 "alerts as %s: [%s], want [%s]", az_who_name(lists[i].who), ids, lists[i].sps);
        json_decref(page);
    }
    /* one alert: another team's (a teammate's for a salesperson) is 404 */
    static const struct {
        az_who_t who;
        int want[3];
    } ones[] = {
        {AZ_COORD, {200, 200, 404}},
        {AZ_TEAM_KEY, {200, 200, 404}},
        {AZ_SALES, {200, 404, 404}},
        {AZ_MANAGER, {200, 200, 200}},
    };
    for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++) {
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof(path), "/api/v1/alerts/%s", s_alert[k]);
            json_decref(get_as(ones[i].who, path, &status));
            tk_check(status == ones[i].want[k], "GET %s as %s: %d, want %d", path,
                     az_who_name(ones[i].who), status, ones[i].want[k]);
        }
    }
    /* acknowledging another team's alert: 404, and it stays open */
    nq_httpc_response_t r;
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/ack", s_alert[2]);
    nq_httpc_request(s_conn[AZ_COORD], "POST", path, "application/json", "{}", 2,
                     s_headers[AZ_COORD], &r);
    CU_ASSERT_EQUAL(r.status, 404);
    nq_httpc_response_free(&r);
    snprintf(path, sizeof(path), "/api/v1/alerts/%s", s_alert[2]);
    json_t *a = get_as(AZ_ADMIN, path, &status);
    tk_check_str(json_object_get(a, "state"), "open",
                 "another team's alert after a coordinator's ack");
    json_decref(a);
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/ack", s_alert[0]);
    nq_httpc_request(s_conn[AZ_COORD], "POST", path, "application/json", "{}", 2,
                     s_headers[AZ_COORD], &r);
    CU_ASSERT_EQUAL(r.status, 200);
    nq_httpc_response_free(&r);
    /* the stream, replayed from the start, as the team's read key: its team's alerts only */
    char *was = getenv("NQ_API_KEY") ? strdup(getenv("NQ_API_KEY")) : NULL;
    setenv("NQ_API_KEY", s_team_key, 1);
    nq_httpc_sse_t *sse =
        nq_httpc_sse_open(nq_harness_url(tk_h), "/api/v1/alerts/stream", "0", 5000);
    if (was)
        setenv("NQ_API_KEY", was, 1);
    free(was);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sse);
    nq_httpc_sse_event_t e;
    int own = 0, other = 0;
    while (nq_httpc_sse_next(sse, &e, 1500) == 1) {
        json_t *alert = json_loads(e.data, 0, NULL);
        const char *team = tk_str(alert, "team_id");
        own += strcmp(team, AZ_TEAM_OWN) == 0;
        other += strcmp(team, AZ_TEAM_OWN) != 0;
        json_decref(alert);
    }
    nq_httpc_sse_close(&sse);
    tk_check(own >= 3 && other == 0, "the team key's stream: %d of its team, %d of others", own,
             other); /* two raised, one acknowledged */
}

/* The org lists hold only what the caller may see. */
static void test_org_lists(void)
{
    static const struct {
        const char *path;
        az_who_t who;
        const char *ids; /* sorted */
    } want[] = {
        {"/api/v1/teams", AZ_MANAGER, AZ_TEAM_OTHER "," AZ_TEAM_OWN},
        {"/api/v1/teams", AZ_COORD, AZ_TEAM_OWN},
        {"/api/v1/teams", AZ_TEAM_KEY, AZ_TEAM_OWN},
        {"/api/v1/teams", AZ_SALES, ""},
        {"/api/v1/salespeople", AZ_MANAGER, AZ_SP_MATE "," AZ_SP_OTHER "," AZ_SP_OWN},
        {"/api/v1/salespeople", AZ_COORD, AZ_SP_MATE "," AZ_SP_OWN},
        {"/api/v1/salespeople", AZ_TEAM_KEY, AZ_SP_MATE "," AZ_SP_OWN},
        {"/api/v1/salespeople", AZ_SALES, AZ_SP_OWN},
        {"/api/v1/customers", AZ_MANAGER, AZ_CUST_MATE "," AZ_CUST_OTHER "," AZ_CUST_OWN},
        {"/api/v1/customers", AZ_COORD, AZ_CUST_MATE "," AZ_CUST_OWN},
        {"/api/v1/customers", AZ_TEAM_KEY, AZ_CUST_MATE "," AZ_CUST_OWN},
        {"/api/v1/customers", AZ_SALES, AZ_CUST_OWN},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char ids[512];
        int status;
        json_t *page = get_as(want[i].who, want[i].path, &status);
        CU_ASSERT_EQUAL(status, 200);
        tk_check(strcmp(ids_of(page, "id", ids, sizeof(ids)), want[i].ids) == 0,
                 "%s as %s: [%s], want [%s]", want[i].path, az_who_name(want[i].who), ids,
                 want[i].ids);
        json_decref(page);
    }
}

/* Leaderboards: a team's board within scope, another's 404, the company board 403. */
static void test_boards(void)
{
    static const struct {
        az_who_t who;
        int own, other, company;
    } want[] = {
        {AZ_MANAGER, 200, 200, 200},
        {AZ_COORD, 200, 404, 403},
        {AZ_TEAM_KEY, 200, 404, 403},
        {AZ_SALES, 404, 404, 403},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int got[3];
        const char *const paths[3] = {
            "/api/v1/leaderboards?scope=team:" AZ_TEAM_OWN "&metric=sales_amount",
            "/api/v1/leaderboards?scope=team:" AZ_TEAM_OTHER "&metric=sales_amount",
            "/api/v1/leaderboards?scope=company&metric=sales_amount"};
        const int wants[3] = {want[i].own, want[i].other, want[i].company};
        for (int k = 0; k < 3; k++) {
            json_decref(get_as(want[i].who, paths[k], &got[k]));
            tk_check(got[k] == wants[k], "%s as %s: %d, want %d", paths[k],
                     az_who_name(want[i].who), got[k], wants[k]);
        }
    }
}

static CU_TestInfo tests[] = {
    {"setup", test_setup},
    {"the authorization matrix", test_matrix},
    {"alerts: list, one, act, stream", test_alerts},
    {"org lists", test_org_lists},
    {"leaderboards", test_boards},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scope", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
