/* test_intel_api.c — competitor intel (issue 19) through the real suite:
 * competitor_intel events posted through the API, GET /api/v1/intel per
 * competitor and product in a month and a quarter (mentions, customers,
 * price first/last/min/max/avg exact in fen, notes, the series); the same
 * figures after duplicates are posted again, after the indexer reads the
 * whole log again, and after a rebuild's replay with the intel keys gone;
 * a coordinator and a salesperson of another team see none of ours; one
 * customer's intel (?customer=, from its timeline) with the same figures,
 * its reporters named, 404 out of scope; bad queries name their field, and
 * parameters the route does not take (?team=, ?salesperson=) are a 400 naming them.
 *
 * The org: t-i1 (sp-i1, sp-i2; coordinator u-i1), t-i2 (sp-i3; coordinator
 * u-i2, salesperson user u-s3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/keys.h"
#include "nq_test.h"
#include "testkit.h"

#define INDEX_MS 30000
#define PASSWORD "intel-test-pass-1"
/* "某竞品", percent-encoded for a query */
#define RIVAL     "某竞品"
#define RIVAL_URL "%E6%9F%90%E7%AB%9E%E5%93%81"
#define NOV       "/api/v1/intel?period=month&at=2026-11-15"
#define NOV_A100  NOV "&competitor=" RIVAL_URL "&product=A100"

static char s_coord1[160], s_coord2[160], s_sp3[160]; /* session header lines */

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

/* A competitor_intel event; price and text NULL for none. */
static json_t *intel(const char *id, const char *sp, const char *cust, const char *at,
                     const char *product, const char *price, const char *text)
{
    json_t *e = tk_event_at(id, "competitor_intel", sp, cust, at, NULL);
    json_object_set_new(e, "competitor", json_string(RIVAL));
    json_object_set_new(e, "product", json_string(product));
    if (price)
        json_object_set_new(e, "price", json_string(price));
    if (text)
        json_object_set_new(e, "text", json_string(text));
    return e;
}

static json_t *events(void)
{
    return json_pack(
        "[o, o, o, o, o, o, o]",
        intel("ci-1", "sp-i1", "i-1", "2026-11-03T10:00:00+08:00", "A100", "980.00",
              "对方降价 10%"),
        intel("ci-2", "sp-i2", "i-2", "2026-11-10T10:00:00+08:00", "A100", "950.50", "报价单"),
        intel("ci-3", "sp-i1", "i-1", "2026-11-20T10:00:00+08:00", "A100", "1000.01", NULL),
        intel("ci-4", "sp-i1", "i-2", "2026-11-21T10:00:00+08:00", "A100", NULL, "客户犹豫"),
        intel("ci-5", "sp-i1", "i-1", "2026-11-22T10:00:00+08:00", "B200", "10.00", NULL),
        intel("ci-6", "sp-i3", "i-3", "2026-11-05T10:00:00+08:00", "A100", "1.00", "另一组"),
        intel("ci-7", "sp-i1", "i-1", "2026-10-30T10:00:00+08:00", "A100", "800.00", NULL));
}

static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-i1", "{\"name\":\"情报一组\",\"coordinators\":[\"u-i1\"]}");
    tk_put_ok("/api/v1/teams/t-i2", "{\"name\":\"情报二组\",\"coordinators\":[\"u-i2\"]}");
    tk_put_ok("/api/v1/salespeople/sp-i1", "{\"name\":\"李娜\",\"team_id\":\"t-i1\"}");
    tk_put_ok("/api/v1/salespeople/sp-i2", "{\"name\":\"王芳\",\"team_id\":\"t-i1\"}");
    tk_put_ok("/api/v1/salespeople/sp-i3", "{\"name\":\"赵敏\",\"team_id\":\"t-i2\"}");
    tk_put_ok("/api/v1/customers/i-1", "{\"name\":\"华远贸易\",\"owner_id\":\"sp-i1\"}");
    tk_put_ok("/api/v1/customers/i-2", "{\"name\":\"北辰实业\",\"owner_id\":\"sp-i2\"}");
    tk_put_ok("/api/v1/customers/i-3", "{\"name\":\"南山科技\",\"owner_id\":\"sp-i3\"}");
    tk_sign_in("u-i1", "coordinator", "t-i1", "", PASSWORD, s_coord1, sizeof(s_coord1));
    tk_sign_in("u-i2", "coordinator", "t-i2", "", PASSWORD, s_coord2, sizeof(s_coord2));
    tk_sign_in("u-s3", "salesperson", "", "sp-i3", PASSWORD, s_sp3, sizeof(s_sp3));
    tk_post_counts(events(), 7, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
}

/* GET path as the session of `cookie`: want 200. */
static json_t *get_as(const char *path, const char *cookie)
{
    int status;
    char head[4096];
    json_t *j = tk_raw("GET", path, cookie, NULL, &status, head, sizeof(head));
    tk_check(status == 200, "GET %s: %d %s", path, status, tk_text(j));
    return j;
}

/* The item of product `product` in an answer, or NULL. */
static json_t *item(const json_t *answer, const char *product)
{
    json_t *items = json_object_get(answer, "items"), *it;
    size_t i;
    json_array_foreach (items, i, it) {
        if (strcmp(tk_str(it, "product"), product) == 0)
            return it;
    }
    return NULL;
}

/* November for team t-i1 (its coordinator): A100 from ci-1..ci-4, not
 * sp-i3's ci-6 nor October's ci-7. Prices 980.00, 950.50, 1000.01: avg
 * 293051 / 3 = 97683.67 fen, rounded half up to 976.84. */
static void test_month_of_a_team(void)
{
    json_t *j = get_as(NOV, s_coord1);
    json_t *a = item(j, "A100"), *p = json_object_get(a, "price");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    tk_check(tk_num(a, "mentions") == 4, "A100 mentions 4: %s", tk_text(a));
    tk_check(tk_num(a, "customers") == 2, "A100 customers 2: %s", tk_text(a));
    tk_check(tk_num(p, "observations") == 3, "three prices: %s", tk_text(p));
    tk_check_str(json_object_get(p, "min"), "950.50", "min");
    tk_check(tk_num(p, "min_fen") == 95050, "min_fen: %s", tk_text(p));
    tk_check_str(json_object_get(p, "max"), "1000.01", "max");
    tk_check_str(json_object_get(p, "avg"), "976.84", "avg");
    tk_check(tk_num(p, "avg_fen") == 97684, "avg_fen: %s", tk_text(p));
    tk_check_str(json_object_get(json_object_get(p, "first"), "price"), "980.00", "first");
    tk_check_str(json_object_get(json_object_get(p, "last"), "price"), "1000.01", "last");
    tk_check_str(json_object_get(json_object_get(p, "first"), "at"),
                 "2026-11-03T10:00:00.000+08:00", "first at");
    json_t *notes = json_object_get(a, "notes");
    tk_check(json_array_size(notes) == 3, "three notes: %s", tk_text(notes));
    tk_check_str(json_object_get(json_array_get(notes, 0), "text"), "客户犹豫", "newest note");
    tk_check_str(json_object_get(json_array_get(notes, 0), "salesperson_id"), "sp-i1", "by");
    tk_check_str(json_object_get(json_array_get(notes, 0), "customer_id"), "i-2", "about");
    tk_check_str(json_object_get(json_array_get(notes, 2), "text"), "对方降价 10%", "oldest note");
    tk_check(json_object_get(a, "series") == NULL, "a series only for one pair: %s", tk_text(a));
    json_t *b = item(j, "B200");
    tk_check(b && tk_num(b, "mentions") == 1, "B200 once: %s", tk_text(j));
    tk_check_str(json_object_get(json_object_get(b, "price"), "avg"), "10.00", "B200 avg");
    tk_check(tk_num(j, "salespeople") == 2, "t-i1's two salespeople read: %s", tk_text(j));
    json_decref(j);

    /* the quarter adds October's 800.00: avg 373051 / 4 = 93262.75 -> 932.63 */
    j = get_as("/api/v1/intel?period=quarter&at=2026-11-15&competitor=" RIVAL_URL "&product=A100",
               s_coord1);
    a = item(j, "A100");
    p = json_object_get(a, "price");
    tk_check(a && tk_num(a, "mentions") == 5, "Q4 mentions 5: %s", tk_text(j));
    tk_check_str(json_object_get(p, "avg"), "932.63", "Q4 avg");
    tk_check_str(json_object_get(json_object_get(p, "first"), "price"), "800.00", "Q4 first");
    tk_check(json_array_size(json_object_get(j, "items")) == 1, "one pair: %s", tk_text(j));
    json_t *series = json_object_get(a, "series");
    tk_check(json_array_size(series) == 5, "five observations: %s", tk_text(series));
    tk_check_str(json_object_get(json_array_get(series, 0), "price"), "800.00", "oldest first");
    tk_check(json_is_null(json_object_get(json_array_get(series, 4), "price")),
             "ci-4 has no price: %s", tk_text(series));
    json_decref(j);
}

/* Another team's coordinator and salesperson see only sp-i3's ci-6; an
 * every-team caller sees all of November's A100. */
static void test_scope(void)
{
    const char *cookies[] = {s_coord2, s_sp3};
    for (size_t i = 0; i < 2; i++) {
        json_t *j = get_as(NOV, cookies[i]);
        json_t *a = item(j, "A100");
        tk_check(json_array_size(json_object_get(j, "items")) == 1 && a &&
                     tk_num(a, "mentions") == 1 && tk_num(a, "customers") == 1,
                 "t-i2 sees its own ci-6 only: %s", tk_text(j));
        tk_check_str(json_object_get(json_object_get(a, "price"), "max"), "1.00", "t-i2 max");
        tk_check(item(j, "B200") == NULL, "no B200 of t-i1: %s", tk_text(j));
        json_decref(j);
    }
    json_t *j = tk_get_ok(NOV_A100);
    json_t *a = item(j, "A100");
    tk_check(a && tk_num(a, "mentions") == 5 && tk_num(a, "customers") == 3, "everyone's A100: %s",
             tk_text(j));
    tk_check_str(json_object_get(json_object_get(a, "price"), "min"), "1.00", "company min");
    json_decref(j);
}

/* One customer's intel: i-1's November is ci-1, ci-3 (A100: 980.00 and
 * 1000.01, avg 198001 / 2 = 99000.5 -> 990.01) and ci-5 (B200), by sp-i1
 * alone; i-2's two notes come from both of t-i1's salespeople, named. */
static void test_customer(void)
{
    json_t *j = get_as(NOV "&customer=i-1", s_coord1);
    json_t *a = item(j, "A100"), *p = json_object_get(a, "price");
    tk_check_str(json_object_get(j, "customer"), "i-1", "the customer");
    tk_check(a && tk_num(a, "mentions") == 2 && tk_num(a, "customers") == 1, "i-1's A100 twice: %s",
             tk_text(j));
    tk_check(tk_num(p, "observations") == 2, "two prices: %s", tk_text(p));
    tk_check(tk_num(p, "min_fen") == 98000 && tk_num(p, "max_fen") == 100001, "range: %s",
             tk_text(p));
    tk_check_str(json_object_get(p, "avg"), "990.01", "i-1 avg");
    tk_check_str(json_object_get(json_object_get(p, "last"), "price"), "1000.01", "i-1 last");
    tk_check(json_array_size(json_object_get(a, "notes")) == 1, "one note: %s", tk_text(a));
    tk_check_str(
        json_object_get(json_array_get(json_object_get(a, "notes"), 0), "salesperson_name"), "李娜",
        "the note's reporter named");
    json_t *b = item(j, "B200");
    tk_check(b && tk_num(b, "mentions") == 1, "i-1's B200 once: %s", tk_text(j));
    tk_check(json_array_size(json_object_get(j, "items")) == 2 && tk_num(j, "salespeople") == 1,
             "two pairs by one salesperson: %s", tk_text(j));
    json_decref(j);

    /* the quarter's series of one pair adds October's ci-7 */
    j = get_as("/api/v1/intel?period=quarter&at=2026-11-15&customer=i-1&competitor=" RIVAL_URL
               "&product=A100",
               s_coord1);
    a = item(j, "A100");
    tk_check(a && tk_num(a, "mentions") == 3 && json_array_size(json_object_get(a, "series")) == 3,
             "i-1's Q4 A100: %s", tk_text(j));
    tk_check_str(json_object_get(json_array_get(json_object_get(a, "series"), 0), "price"),
                 "800.00", "oldest first");
    json_decref(j);

    j = get_as(NOV "&customer=i-2", s_coord1);
    a = item(j, "A100");
    json_t *notes = json_object_get(a, "notes");
    tk_check(a && tk_num(a, "mentions") == 2 && json_array_size(notes) == 2 &&
                 tk_num(j, "salespeople") == 2,
             "i-2 from both: %s", tk_text(j));
    tk_check_str(json_object_get(json_array_get(notes, 0), "salesperson_name"), "李娜",
                 "newest by");
    tk_check_str(json_object_get(json_array_get(notes, 1), "salesperson_name"), "王芳",
                 "oldest by");
    json_decref(j);

    /* i-3's owner sees its ci-6; another team's coordinator and salesperson get 404 */
    j = get_as(NOV "&customer=i-3", s_sp3);
    a = item(j, "A100");
    tk_check(a && tk_num(a, "mentions") == 1, "i-3 by its owner: %s", tk_text(j));
    json_decref(j);
    static const struct {
        const char *path;
        const char *cookie;
    } hidden[] = {
        {NOV "&customer=i-3", s_coord1},
        {NOV "&customer=i-1", s_coord2},
        {NOV "&customer=i-1", s_sp3},
        {NOV "&customer=i-none", s_coord1},
    };
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        int status;
        char head[4096];
        json_t *r =
            tk_raw("GET", hidden[i].path, hidden[i].cookie, NULL, &status, head, sizeof(head));
        tk_check(status == 404, "GET %s (case %zu): %d %s", hidden[i].path, i, status, tk_text(r));
        json_decref(r);
    }
}

static void test_bad_queries(void)
{
    static const struct {
        const char *path, *field;
    } cases[] = {
        {"/api/v1/intel?period=week", "period"},
        {"/api/v1/intel?period=fortnight", "period"},
        {"/api/v1/intel?at=yesterday", "at"},
        {"/api/v1/intel?limit=0", "limit"},
        {"/api/v1/intel?limit=201", "limit"},
        {"/api/v1/intel?competitor=", "competitor"},
        {"/api/v1/intel?competitor=a%01b", "competitor"},
        {"/api/v1/intel?competitor=x&product=a%1Fb", "product"},
        {"/api/v1/intel?customer=a%20b", "customer"},
        {"/api/v1/intel?customer=", "customer"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tk_expect_400("GET", cases[i].path, NULL, cases[i].field);
    /* parameters the route does not take: 400 naming them for every caller, before any
     * scoping (t-i1's coordinator naming t-i2 or its salesperson, or their own team) */
    static const struct {
        const char *path, *field, *cookie;
    } others[] = {
        {"/api/v1/intel?team=t-i2", "team", s_coord1},
        {"/api/v1/intel?salesperson=sp-i3&period=month", "salesperson", s_coord1},
        {"/api/v1/intel?team=t-i1", "team", s_coord1},
        {"/api/v1/intel?period=month&foo=1", "foo", s_sp3},
        {"/api/v1/intel?team=t-i1", "team", NULL},
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        int status;
        char head[4096];
        json_t *j = others[i].cookie ? tk_raw("GET", others[i].path, others[i].cookie, NULL,
                                              &status, head, sizeof(head))
                                     : tk_api_raw("GET", others[i].path, NULL, &status);
        tk_check(status == 400 && tk_names_field(json_object_get(j, "errors"), others[i].field),
                 "GET %s (case %zu): want 400 naming %s, got %d %s", others[i].path, i,
                 others[i].field, status, tk_text(j));
        json_decref(j);
    }
}

/* The answers the next tests compare: the team's month and quarter. */
static char *snapshot(void)
{
    json_t *m = get_as(NOV, s_coord1);
    json_t *q =
        get_as("/api/v1/intel?period=quarter&at=2026-11-15&competitor=" RIVAL_URL "&product=A100",
               s_coord1);
    json_t *c = get_as(NOV "&customer=i-1", s_coord1);
    json_t *both = json_pack("[o, o, o]", m, q, c);
    char *text = json_dumps(both, JSON_SORT_KEYS);
    json_decref(both);
    return text;
}

static void check_same(const char *before, const char *what)
{
    char *after = snapshot();
    tk_check(strcmp(before, after) == 0, "%s: %s, before %s", what, after, before);
    free(after);
}

/* The same events posted again are duplicates; the indexer reading the whole
 * log again (its group set back) counts nothing twice. */
static void test_redelivery(void)
{
    char *before = snapshot();
    tk_post_counts(events(), 0, 7);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    check_same(before, "after duplicates");
    tk_redis_do("XGROUP SETID %s " NQ_GROUP_INDEX " 0", NQ_KEY_ACTIVITIES);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    check_same(before, "after the log read again");
    free(before);
}

/* A rebuild's replay with the intel keys gone gives the same answers. */
static void test_rebuild(void)
{
    char *before = snapshot();
    static const char *const sps[] = {"sp-i1", "sp-i2", "sp-i3"};
    static const char *const parts[] = {"obs", "notes", "sums:2026-10", "sums:2026-11"};
    for (size_t s = 0; s < 3; s++) {
        for (size_t k = 0; k < 4; k++) {
            char key[160];
            snprintf(key, sizeof(key), NQ_KEY_SP_PREFIX "%s" NQ_KEY_SP_INTEL_SUFFIX "%s", sps[s],
                     parts[k]);
            tk_redis_do("DEL %s", key);
        }
    }
    tk_redis_do("DEL %s", NQ_KEY_INTEL_SALESPEOPLE);
    json_t *gone = get_as(NOV, s_coord1);
    tk_check(json_array_size(json_object_get(gone, "items")) == 0, "keys gone: %s", tk_text(gone));
    json_decref(gone);
    json_decref(tk_call("POST", "/api/v1/admin/rebuild", NULL, 202));
    long long requested = tk_redis_int("HGET %s requested_at", NQ_KEY_REBUILD_JOB);
    for (int64_t deadline = tk_mono_ms() + INDEX_MS;
         tk_mono_ms() < deadline && tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) != requested;)
        usleep(20000);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    CU_ASSERT_TRUE(tk_wait_rebuild_ended(INDEX_MS));
    check_same(before, "after the rebuild's replay");
    free(before);
}

static CU_TestInfo tests[] = {
    {"the org and the intel events", test_setup},
    {"a team's month and quarter per competitor and product", test_month_of_a_team},
    {"callers of another team see nothing of ours", test_scope},
    {"one customer's intel, its reporters named, 404 out of scope", test_customer},
    {"bad queries name their field", test_bad_queries},
    {"duplicates and redelivery change nothing", test_redelivery},
    {"a rebuild's replay gives the same figures", test_rebuild},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"intel", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
