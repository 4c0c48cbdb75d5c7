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
static char s_ingest_headers[512]; /* an ingest key limited to AZ_TEAM_OWN (test_post_scoped) */
static nq_httpc_t *s_ingest_conn;

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

/* The matrix sends hundreds of requests a second as each caller: rate limits
 * (tested in test_door) would answer some of them 429. It runs with the
 * services' Redis users on, so every route's writes are checked against the
 * gateway's ACL as well (a key family the gateway may not write answers 503). */
static int suite_init(void)
{
    return tk_start(
        (const char *[]){"NQ_RATE_USER_RPS=0", "NQ_RATE_KEY_RPS=0", "NQ_REDIS_ACL=on", NULL});
}

/* The org of authz.h, a user of each role with a session, the keys. */
static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/" AZ_TEAM_OWN, "{\"name\":\"本组\"}");
    tk_put_ok("/api/v1/teams/" AZ_TEAM_OTHER, "{\"name\":\"他组\"}");
    tk_put_ok("/api/v1/salespeople/" AZ_SP_OWN,
              "{\"name\":\"本人\",\"team_id\":\"" AZ_TEAM_OWN "\"}");
    tk_put_ok("/api/v1/salespeople/" AZ_SP_MATE,
              "{\"name\":\"同事\",\"team_id\":\"" AZ_TEAM_OWN "\"}");
    tk_put_ok("/api/v1/salespeople/" AZ_SP_OTHER,
              "{\"name\":\"他人\",\"team_id\":\"" AZ_TEAM_OTHER "\"}");
    tk_put_ok("/api/v1/customers/" AZ_CUST_OWN,
              "{\"name\":\"本客户\",\"class\":\"key\",\"owner_id\":\"" AZ_SP_OWN "\"}");
    tk_put_ok("/api/v1/customers/" AZ_CUST_MATE,
              "{\"name\":\"同事客户\",\"class\":\"key\",\"owner_id\":\"" AZ_SP_MATE "\"}");
    tk_put_ok("/api/v1/customers/" AZ_CUST_OTHER,
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
    nq_httpc_destroy(&s_ingest_conn);
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

/* The n texts of v sorted and comma-joined into buf. */
static const char *sorted_join(const char **v, size_t n, char *buf, size_t len)
{
    qsort(v, n, sizeof(v[0]), by_text);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t at = strlen(buf);
        snprintf(buf + at, len - at, "%s%s", at ? "," : "", v[i]);
    }
    return buf;
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
    return sorted_join(v, n, buf, len);
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

/* The entries of a board answer: "<salesperson>:<fields>" sorted and
 * comma-joined, <fields> "v" when the entry carries a value, "-" when only
 * rank and name. */
static const char *board_rows(const json_t *board, char *buf, size_t len)
{
    const char *v[16];
    char rows[16][96];
    size_t n = 0, i;
    json_t *e;
    json_array_foreach (json_object_get(board, "entries"), i, e) {
        if (n == 16)
            break;
        bool named = json_is_string(json_object_get(e, "name")) &&
                     json_is_integer(json_object_get(e, "rank"));
        snprintf(rows[n], sizeof(rows[n]), "%s:%s", tk_str(e, "salesperson_id"),
                 !named                        ? "?"
                 : json_object_get(e, "value") ? "v"
                                               : "-");
        v[n] = rows[n];
        n++;
    }
    return sorted_join(v, n, buf, len);
}

#define BOARD_OWN     "/api/v1/leaderboards?scope=team:" AZ_TEAM_OWN "&metric=sales_amount"
#define BOARD_OTHER   "/api/v1/leaderboards?scope=team:" AZ_TEAM_OTHER "&metric=sales_amount"
#define BOARD_COMPANY "/api/v1/leaderboards?scope=company&metric=sales_amount"

/* Leaderboards: a team's board within scope, another's 404; the company
 * board cut to the caller (boardscope.h); a salesperson's teammates by the
 * team's setting. */
static void test_boards(void)
{
    char rows[512];
    int status;
    /* the big orders of test_alerts are scored: 99000.00 each */
    int64_t deadline = tk_mono_ms() + 15000;
    json_t *all = NULL;
    do {
        json_decref(all);
        all = get_as(AZ_ADMIN, BOARD_COMPANY, &status);
        if (strstr(board_rows(all, rows, sizeof(rows)), AZ_SP_OWN) &&
            json_array_size(json_object_get(all, "entries")) == 3)
            break;
        usleep(100000);
    } while (tk_mono_ms() < deadline);
    tk_check(strcmp(rows, AZ_SP_MATE ":v," AZ_SP_OTHER ":v," AZ_SP_OWN ":v") == 0,
             "the company board as admin: [%s]", rows);
    CU_ASSERT_PTR_NULL(json_object_get(all, "company_totals"));
    json_decref(all);
    static const struct {
        az_who_t who;
        int own, other, company;
        const char *company_rows; /* whom the company board shows, and how */
    } want[] = {
        {AZ_MANAGER, 200, 200, 200, AZ_SP_MATE ":v," AZ_SP_OTHER ":v," AZ_SP_OWN ":v"},
        {AZ_COORD, 200, 404, 200, AZ_SP_MATE ":v," AZ_SP_OWN ":v"},
        {AZ_TEAM_KEY, 200, 404, 200, AZ_SP_MATE ":v," AZ_SP_OWN ":v"},
        {AZ_SALES, 200, 404, 200, AZ_SP_OWN ":v"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int got[3];
        const char *const paths[3] = {BOARD_OWN, BOARD_OTHER, BOARD_COMPANY};
        const int wants[3] = {want[i].own, want[i].other, want[i].company};
        for (int k = 0; k < 3; k++) {
            json_t *b = get_as(want[i].who, paths[k], &got[k]);
            tk_check(got[k] == wants[k], "%s as %s: %d, want %d", paths[k],
                     az_who_name(want[i].who), got[k], wants[k]);
            if (k == 2)
                tk_check(strcmp(board_rows(b, rows, sizeof(rows)), want[i].company_rows) == 0,
                         "the company board as %s: [%s], want [%s]", az_who_name(want[i].who), rows,
                         want[i].company_rows);
            /* a team-limited caller's company board: the totals of all three */
            json_t *totals = json_object_get(b, "company_totals");
            if (k == 2 && (want[i].who == AZ_COORD || want[i].who == AZ_TEAM_KEY)) {
                CU_ASSERT_EQUAL(tk_num(totals, "salespeople"), 3);
                tk_check_str(json_object_get(totals, "value"), "297000.00", "company total");
            }
            json_decref(b);
        }
    }
    /* a salesperson's own team board: themselves only, until the team lets them see
     * each other (rank and name, no figures) */
    json_t *b = get_as(AZ_SALES, BOARD_OWN, &status);
    tk_check(strcmp(board_rows(b, rows, sizeof(rows)), AZ_SP_OWN ":v") == 0,
             "the team board as its salesperson: [%s]", rows);
    json_decref(b);
    json_decref(tk_call("PUT", "/api/v1/teams/" AZ_TEAM_OWN "/settings",
                        "{\"leaderboard_visible\":true}", 200));
    json_t *set = get_as(AZ_SALES, "/api/v1/teams/" AZ_TEAM_OWN "/settings", &status);
    CU_ASSERT_EQUAL(status, 403); /* settings are read by coordinators and up */
    json_decref(set);
    set = get_as(AZ_COORD, "/api/v1/teams/" AZ_TEAM_OWN "/settings", &status);
    CU_ASSERT(json_is_true(json_object_get(set, "leaderboard_visible")));
    json_decref(set);
    b = get_as(AZ_SALES, BOARD_OWN, &status);
    tk_check(strcmp(board_rows(b, rows, sizeof(rows)), AZ_SP_MATE ":-," AZ_SP_OWN ":v") == 0,
             "the team board as its salesperson, teammates visible: [%s]", rows);
    json_decref(b);
    b = get_as(AZ_SALES, BOARD_COMPANY, &status);
    tk_check(strcmp(board_rows(b, rows, sizeof(rows)), AZ_SP_MATE ":-," AZ_SP_OWN ":v") == 0,
             "the company board as a salesperson, teammates visible: [%s]", rows);
    json_decref(b);
    json_decref(tk_call("PUT", "/api/v1/teams/" AZ_TEAM_OWN "/settings",
                        "{\"leaderboard_visible\":1}", 400));
    json_decref(tk_call("PUT", "/api/v1/teams/" AZ_TEAM_OWN "/settings", "{}", 200));
    b = get_as(AZ_SALES, BOARD_OWN, &status);
    tk_check(strcmp(board_rows(b, rows, sizeof(rows)), AZ_SP_OWN ":v") == 0,
             "the team board as its salesperson, the setting cleared: [%s]", rows);
    json_decref(b);
}

/* ---------------------------------------------------------------- activities */

/* POST events (stolen) with these header lines on conn: the answer, its status in *status. */
static json_t *post_with(nq_httpc_t *conn, const char *headers, json_t *events, int *status)
{
    static char body[1 << 16];
    char *text = json_dumps(events, JSON_COMPACT);
    nq_httpc_response_t r;
    json_decref(events);
    int rc = nq_httpc_request(conn, "POST", "/api/v1/activities", "application/json", text,
                              strlen(text), headers, &r);
    *status = rc == 0 ? r.status : -1;
    snprintf(body, sizeof(body), "%.*s", (int)(r.body ? r.len : 0), r.body ? r.body : "");
    nq_httpc_response_free(&r);
    free(text);
    return json_loads(body, 0, NULL);
}

/* "<status>[/<field of the first error>]" of each result, comma-joined. */
static const char *results_of(const json_t *answer, char *buf, size_t len)
{
    size_t i;
    json_t *r;
    buf[0] = '\0';
    json_array_foreach (json_object_get(answer, "results"), i, r) {
        size_t at = strlen(buf);
        const json_t *err = json_array_get(json_object_get(r, "errors"), 0);
        snprintf(buf + at, len - at, "%s%s%s%s", at ? "," : "", tk_str(r, "status"), err ? "/" : "",
                 err ? tk_str(err, "field") : "");
    }
    return buf;
}

/* Whether the admin finds event `id` among salesperson sp's activities. */
static bool stored(const char *sp, const char *id)
{
    char path[256];
    int status;
    snprintf(path, sizeof(path), "/api/v1/activities?salesperson=%s&limit=200", sp);
    json_t *page = get_as(AZ_ADMIN, path, &status);
    size_t i;
    json_t *it;
    bool found = false;
    json_array_foreach (json_object_get(page, "items"), i, it)
        found |= strcmp(tk_str(it, "event_id"), id) == 0;
    json_decref(page);
    return found;
}

/* Salesperson sp's calls this month, as the admin reads them. */
static long long calls_of(const char *sp)
{
    char path[256];
    int status;
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=month", sp);
    json_t *k = get_as(AZ_ADMIN, path, &status);
    json_t *calls = json_object_get(json_object_get(k, "kpis"), "calls");
    long long n =
        json_integer_value(json_is_object(calls) ? json_object_get(calls, "value") : calls);
    json_decref(k);
    return n;
}

static json_t *call_event(const char *id, const char *sp)
{
    return tk_event(id, "call", sp, NULL, nq_access_now_ms(), NULL);
}

/* Posting activities: each event kept to the caller's scope, with a per-event
 * reason; what is taken is stored and scored, what is not never reaches ingest. */
static void test_post_scoped(void)
{
    char res[256];
    int status;
    char err[256] = "";
    nq_apikey_t rec;
    static char k[NQ_APIKEY_LEN + 1];
    tk_check(nq_access_key_create(tk_redis, "ingest", AZ_TEAM_OWN, "team-feed", k, &rec, err,
                                  sizeof(err)) == 0,
             "key create: %s", err);
    snprintf(s_ingest_headers, sizeof(s_ingest_headers), "Authorization: Bearer %s\r\n", k);
    s_ingest_conn = nq_httpc_new(nq_harness_url(tk_h));
    nq_httpc_set_api_key(s_ingest_conn, NULL);
    long long own_before = calls_of(AZ_SP_OWN);

    /* a coordinator: their team's event taken, another team's rejected */
    json_t *a = post_with(s_conn[AZ_COORD], s_headers[AZ_COORD],
                          json_pack("[o]", call_event("az-p-own", AZ_SP_OWN)), &status);
    CU_ASSERT_EQUAL(status, 202);
    json_decref(a);
    a = post_with(s_conn[AZ_COORD], s_headers[AZ_COORD],
                  json_pack("[o]", call_event("az-p-other", AZ_SP_OTHER)), &status);
    CU_ASSERT_EQUAL(status, 400);
    tk_check(strcmp(results_of(a, res, sizeof(res)), "rejected/salesperson_id") == 0,
             "another team's event: %s", tk_text(a));
    tk_check_str(
        json_object_get(
            json_array_get(
                json_object_get(json_array_get(json_object_get(a, "results"), 0), "errors"), 0),
            "reason"),
        "is not in your teams", "the reason");
    json_decref(a);
    /* a batch of both, and one without a salesperson (ingest's own reason) */
    json_t *no_sp = call_event("az-p-nosp", AZ_SP_OWN);
    json_object_del(no_sp, "salesperson_id");
    a = post_with(s_conn[AZ_COORD], s_headers[AZ_COORD],
                  json_pack("[o,o,o,o]", call_event("az-p-mix1", AZ_SP_MATE),
                            call_event("az-p-mix2", AZ_SP_OTHER),
                            call_event("az-p-mix3", AZ_SP_OWN), no_sp),
                  &status);
    CU_ASSERT_EQUAL(status, 207);
    tk_check(strcmp(results_of(a, res, sizeof(res)),
                    "accepted,rejected/salesperson_id,accepted,rejected/salesperson_id") == 0,
             "a mixed batch: %s", res);
    tk_check_str(json_object_get(json_array_get(json_object_get(a, "results"), 1), "event_id"),
                 "az-p-mix2", "the rejected event's id");
    json_decref(a);

    /* a salesperson: their own events only */
    a = post_with(
        s_conn[AZ_SALES], s_headers[AZ_SALES],
        json_pack("[o,o]", call_event("az-p-self", AZ_SP_OWN), call_event("az-p-mate", AZ_SP_MATE)),
        &status);
    CU_ASSERT_EQUAL(status, 207);
    tk_check(strcmp(results_of(a, res, sizeof(res)), "accepted,rejected/salesperson_id") == 0,
             "a salesperson's batch: %s", res);
    json_decref(a);

    /* an ingest key limited to the team, as NDJSON too */
    a = post_with(s_ingest_conn, s_ingest_headers,
                  json_pack("[o,o]", call_event("az-p-key1", AZ_SP_MATE),
                            call_event("az-p-key2", AZ_SP_OTHER)),
                  &status);
    CU_ASSERT_EQUAL(status, 207);
    tk_check(strcmp(results_of(a, res, sizeof(res)), "accepted,rejected/salesperson_id") == 0,
             "a team key's batch: %s", res);
    json_decref(a);

    /* stored and scored: the own team's; nothing of the rest */
    int64_t deadline = tk_mono_ms() + 15000;
    while (calls_of(AZ_SP_OWN) < own_before + 3 && tk_mono_ms() < deadline)
        usleep(100000);
    CU_ASSERT_EQUAL(calls_of(AZ_SP_OWN), own_before + 3);
    CU_ASSERT(tk_wait_indexed(15000));
    static const struct {
        const char *sp, *id;
        bool stored;
    } ev[] = {
        {AZ_SP_OWN, "az-p-own", true},     {AZ_SP_OWN, "az-p-mix3", true},
        {AZ_SP_OWN, "az-p-self", true},    {AZ_SP_MATE, "az-p-mix1", true},
        {AZ_SP_MATE, "az-p-key1", true},   {AZ_SP_OTHER, "az-p-other", false},
        {AZ_SP_OTHER, "az-p-mix2", false}, {AZ_SP_MATE, "az-p-mate", false},
        {AZ_SP_OTHER, "az-p-key2", false},
    };
    for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
        tk_check(stored(ev[i].sp, ev[i].id) == ev[i].stored, "%s of %s: %s", ev[i].id, ev[i].sp,
                 ev[i].stored ? "not stored" : "stored");
}

/* A salesperson who moves to another team is out of the coordinator's
 * batches within a second (the gateway's cache follows nq:org:version). */
static void test_post_after_move(void)
{
    char res[256];
    int status;
    json_t *a = post_with(s_conn[AZ_COORD], s_headers[AZ_COORD],
                          json_pack("[o]", call_event("az-m-1", AZ_SP_MATE)), &status);
    tk_check(strcmp(results_of(a, res, sizeof(res)), "accepted") == 0, "before the move: %s", res);
    json_decref(a);
    tk_put_ok("/api/v1/salespeople/" AZ_SP_MATE,
              "{\"name\":\"同事\",\"team_id\":\"" AZ_TEAM_OTHER "\"}");
    usleep(1100 * 1000);
    a = post_with(s_conn[AZ_COORD], s_headers[AZ_COORD],
                  json_pack("[o]", call_event("az-m-2", AZ_SP_MATE)), &status);
    tk_check(strcmp(results_of(a, res, sizeof(res)), "rejected/salesperson_id") == 0,
             "a second after the move: %s", res);
    json_decref(a);
    tk_put_ok("/api/v1/salespeople/" AZ_SP_MATE,
              "{\"name\":\"同事\",\"team_id\":\"" AZ_TEAM_OWN "\"}");
    usleep(1100 * 1000);
    a = post_with(s_conn[AZ_COORD], s_headers[AZ_COORD],
                  json_pack("[o]", call_event("az-m-3", AZ_SP_MATE)), &status);
    tk_check(strcmp(results_of(a, res, sizeof(res)), "accepted") == 0, "moved back: %s", res);
    json_decref(a);
}

/* Reading activities: a team's events for its coordinator, another's 404 (the
 * matrix checks every parameter's status); the unknown ids only for every-team
 * callers. */
static void test_read_scoped(void)
{
    char ids[512];
    int status;
    json_t *page = get_as(AZ_COORD, "/api/v1/activities?team=" AZ_TEAM_OWN "&limit=200", &status);
    CU_ASSERT_EQUAL(status, 200);
    size_t i;
    json_t *it;
    json_array_foreach (json_object_get(page, "items"), i, it)
        CU_ASSERT(strcmp(tk_str(it, "salesperson_id"), AZ_SP_OTHER) != 0);
    CU_ASSERT(json_array_size(json_object_get(page, "items")) > 0);
    json_decref(page);
    json_decref(get_as(AZ_COORD, "/api/v1/activities?team=" AZ_TEAM_OTHER, &status));
    CU_ASSERT_EQUAL(status, 404);

    tk_post_counts(json_pack("[o]", tk_event("az-ghost-1", "call", "sp-az-ghost", "c-az-ghost",
                                             nq_access_now_ms(), NULL)),
                   1, 0);
    static const struct {
        az_who_t who;
        const char *sps;
        json_int_t customers;
    } want[] = {
        {AZ_MANAGER, "sp-az-ghost", 1},
        {AZ_COORD, "", 0},
        {AZ_TEAM_KEY, "", 0},
    };
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        json_t *u = get_as(want[k].who, "/api/v1/org/unknown", &status);
        CU_ASSERT_EQUAL(status, 200);
        json_t *items = json_pack("{s:O}", "items", json_object_get(u, "salespeople"));
        tk_check(strcmp(ids_of(items, "id", ids, sizeof(ids)), want[k].sps) == 0,
                 "unknown salespeople as %s: [%s], want [%s]", az_who_name(want[k].who), ids,
                 want[k].sps);
        CU_ASSERT_EQUAL(tk_num(u, "salespeople_total"), (json_int_t)strlen(want[k].sps) > 0);
        tk_check(tk_num(u, "customers_total") >= want[k].customers &&
                     (want[k].customers > 0 || tk_num(u, "customers_total") == 0),
                 "unknown customers as %s: %lld", az_who_name(want[k].who),
                 (long long)tk_num(u, "customers_total"));
        json_decref(items);
        json_decref(u);
    }
}

static CU_TestInfo tests[] = {
    {"setup", test_setup},
    {"the authorization matrix", test_matrix},
    {"alerts: list, one, act, stream", test_alerts},
    {"org lists", test_org_lists},
    {"leaderboards", test_boards},
    {"posting activities: per event", test_post_scoped},
    {"posting activities: a move follows", test_post_after_move},
    {"reading activities, unknown ids", test_read_scoped},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scope", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
