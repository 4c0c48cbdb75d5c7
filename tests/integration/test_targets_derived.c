/* test_targets_derived.c — targets of a quarter or year derived from the months' targets, and
 * leaderboards by attainment and pace, through the whole suite (harness.h: real Redis, every
 * process, HTTP), every figure worked out by hand below.
 *
 * No holidays are configured: a working day is Monday to Friday. July 2026 has 23 working days,
 * August 21, September 22 (the 1st is a Tuesday, the 30th a Wednesday). Every period is over
 * (the third quarter of 2026), so its working days have all elapsed.
 *
 * The org: team t-d (推导组) with sp-da 陈明, sp-db 刘洋, sp-dc 周杰, sp-dd 吴倩. Orders (yuan):
 *   sp-da  07-10 90,000  08-12 60,000  09-10 20,000  09-30 10,000   Q3 180,000, Sep 30,000
 *   sp-db  09-08 15,000  09-30 45,000                               Sep 60,000
 *   sp-dc  09-15 50,000                                             Sep 50,000
 *   sp-dd  09-21 44,000                                             Sep 44,000
 * The team's third quarter: 180,000 + 60,000 + 50,000 + 44,000 = 334,000.
 *
 * Targets set:
 *   sp-da  2026-07 sales 100,000.00, visits 20, orders 3, coverage 0.7
 *          2026-08 sales 120,000.00, visits 20, orders 3, coverage 0.8
 *          2026-09 sales  80,000.00, visits 20,           coverage 0.9
 *   sp-db  2026-09 sales 100,000.00;  sp-dd 2026-09 sales 40,000.00;  sp-dc none (at first)
 *   t-d    each month of Q3: sales 200,000.00
 *   company  2026-Q3 sales 1,000,000.00, and each month of Q3 500,000.00 (the quarter's wins)
 * Derived for 2026-Q3 (nothing set for it): sp-da sales 300,000.00, visits 60, coverage
 * (0.7 x 23 + 0.8 x 21 + 0.9 x 22) / 66 = 52.7 / 66 = 0.79848... -> 0.7985, orders none (no
 * September target: "incomplete"); t-d sales 600,000.00. The year 2026: no sales target (only
 * Q3's months have one), incomplete for the other nine months. */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define SCORE_MS 15000 /* how long scorers may take to apply what was accepted */
#define TEAM     "t-d"
#define SP_A     "sp-da"
#define SP_B     "sp-db"
#define SP_C     "sp-dc"
#define SP_D     "sp-dd"

/* ================================================================ helpers */

static void put_ok(const char *path, const char *body)
{
    json_decref(tk_call("PUT", path, body, 200));
}

/* A 400 that names `field` among its errors. */
static void expect_400(const char *path, const char *field)
{
    json_t *j = tk_call("GET", path, NULL, 400);
    tk_check(tk_names_field(json_object_get(j, "errors"), field),
             "GET %s: want an error on %s, got %s", path, field, tk_text(j));
    json_decref(j);
}

/* ================================================================ the org, orders, targets */

static void test_setup(void)
{
    put_ok("/api/v1/teams/" TEAM, "{\"name\":\"推导组\"}");
    static const char *const people[][2] = {
        {SP_A, "陈明"}, {SP_B, "刘洋"}, {SP_C, "周杰"}, {SP_D, "吴倩"}};
    for (size_t i = 0; i < 4; i++) {
        char path[128], body[128];
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        snprintf(body, sizeof(body), "{\"name\":\"%s\",\"team_id\":\"" TEAM "\"}", people[i][1]);
        put_ok(path, body);
    }

    static const char *const orders[][4] = {
        {"td-a1", SP_A, "2026-07-10T10:00:00+08:00", "90000.00"},
        {"td-a2", SP_A, "2026-08-12T10:00:00+08:00", "60000.00"},
        {"td-a3", SP_A, "2026-09-10T10:00:00+08:00", "20000.00"},
        {"td-a4", SP_A, "2026-09-30T10:00:00+08:00", "10000.00"},
        {"td-b1", SP_B, "2026-09-08T10:00:00+08:00", "15000.00"},
        {"td-b2", SP_B, "2026-09-30T15:00:00+08:00", "45000.00"},
        {"td-c1", SP_C, "2026-09-15T10:00:00+08:00", "50000.00"},
        {"td-d1", SP_D, "2026-09-21T10:00:00+08:00", "44000.00"},
    };
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
        json_array_append_new(arr, tk_event_at(orders[i][0], "order", orders[i][1], "c-td",
                                               orders[i][2], orders[i][3]));
    tk_post_counts(arr, 8, 0);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));

    static const char *const targets[][2] = {
        {"salespeople/" SP_A "/month/2026-07", "{\"targets\":{\"sales_amount\":\"100000.00\","
                                               "\"visits\":20,\"orders\":3,\"coverage\":0.7}}"},
        {"salespeople/" SP_A "/month/2026-08", "{\"targets\":{\"sales_amount\":\"120000.00\","
                                               "\"visits\":20,\"orders\":3,\"coverage\":0.8}}"},
        {"salespeople/" SP_A "/month/2026-09",
         "{\"targets\":{\"sales_amount\":\"80000.00\",\"visits\":20,\"coverage\":0.9}}"},
        {"salespeople/" SP_B "/month/2026-09", "{\"targets\":{\"sales_amount\":\"100000.00\"}}"},
        {"salespeople/" SP_D "/month/2026-09", "{\"targets\":{\"sales_amount\":\"40000.00\"}}"},
        {"teams/" TEAM "/month/2026-07", "{\"targets\":{\"sales_amount\":\"200000.00\"}}"},
        {"teams/" TEAM "/month/2026-08", "{\"targets\":{\"sales_amount\":\"200000.00\"}}"},
        {"teams/" TEAM "/month/2026-09", "{\"targets\":{\"sales_amount\":\"200000.00\"}}"},
        {"company/quarter/2026-Q3", "{\"targets\":{\"sales_amount\":\"1000000.00\"}}"},
        {"company/month/2026-07", "{\"targets\":{\"sales_amount\":\"500000.00\"}}"},
        {"company/month/2026-08", "{\"targets\":{\"sales_amount\":\"500000.00\"}}"},
        {"company/month/2026-09", "{\"targets\":{\"sales_amount\":\"500000.00\"}}"},
    };
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/targets/%s", targets[i][0]);
        put_ok(path, targets[i][1]);
    }
}

/* ================================================================ derived targets */

/* The metric `name` of an overview. */
static const json_t *metric_of(const json_t *ov, const char *name)
{
    return json_object_get(json_object_get(ov, "metrics"), name);
}

/* An overview's line of `metric`: target, its source, attainment (JSON texts). */
static void check_line(const json_t *ov, const char *metric, const char *target, const char *source,
                       const char *attainment, const char *ctx)
{
    char c[200];
    const json_t *m = metric_of(ov, metric);
    snprintf(c, sizeof(c), "%s %s target", ctx, metric);
    tk_check_like(json_object_get(m, "target"), target, c);
    snprintf(c, sizeof(c), "%s %s target_source", ctx, metric);
    tk_check_like(json_object_get(m, "target_source"), source, c);
    snprintf(c, sizeof(c), "%s %s attainment", ctx, metric);
    tk_check_like(json_object_get(m, "attainment"), attainment, c);
}

/* A quarter overview shows the sum of its months' targets, marked derived: 180,000 of 300,000
 * is 0.6 (the quarter is over, so pace too); visits 0 of 60; coverage 0.7985 (no key customers:
 * no attainment); orders have no September target: none. */
static void test_quarter_overview(void)
{
    json_t *j = tk_get_ok("/api/v1/kpis/salespeople/" SP_A "?period=quarter&at=2026-08-15");
    tk_check_like(json_object_get(json_object_get(j, "period"), "key"), "\"2026-Q3\"", "period");
    check_line(j, "sales_amount", "\"300000.00\"", "\"derived\"", "0.6", "sp-da Q3");
    tk_check_like(json_object_get(metric_of(j, "sales_amount"), "actual"), "\"180000.00\"",
                  "sp-da Q3 sales");
    tk_check_like(json_object_get(metric_of(j, "sales_amount"), "pace"), "0.6", "sp-da Q3 pace");
    check_line(j, "visits", "60", "\"derived\"", "0.0", "sp-da Q3");
    check_line(j, "coverage", "0.7985", "\"derived\"", "null", "sp-da Q3");
    check_line(j, "orders", "null", "null", "null", "sp-da Q3");
    json_decref(j);

    /* A month's target is its own: set. */
    j = tk_get_ok("/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-09-15");
    check_line(j, "sales_amount", "\"80000.00\"", "\"set\"", "0.375", "sp-da 2026-09");
    json_decref(j);

    /* The team's from its own months: 334,000 of 600,000 = 0.55666... -> 0.5567. */
    j = tk_get_ok("/api/v1/kpis/teams/" TEAM "?period=quarter&at=2026-08-15");
    check_line(j, "sales_amount", "\"600000.00\"", "\"derived\"", "0.5567", "t-d Q3");
    json_decref(j);
    /* The company set its quarter: that wins over the months' 1,500,000; 334,000 / 1,000,000. */
    j = tk_get_ok("/api/v1/kpis/company?period=quarter&at=2026-08-15");
    check_line(j, "sales_amount", "\"1000000.00\"", "\"set\"", "0.334", "company Q3");
    json_decref(j);
    /* The year: only Q3's months have targets, so none. */
    j = tk_get_ok("/api/v1/kpis/salespeople/" SP_A "?period=year&at=2026-08-15");
    check_line(j, "sales_amount", "null", "null", "null", "sp-da 2026");
    json_decref(j);
}

/* GET /targets shows what is set, and for a quarter or year what is derived (not stored) and
 * which months keep a metric from being derived. */
static void test_targets_get(void)
{
    json_t *j = tk_get_ok("/api/v1/targets/salespeople/" SP_A "/quarter/2026-Q3");
    tk_check_like(json_object_get(j, "targets"), "{}", "Q3 set");
    tk_check_like(json_object_get(j, "derived"),
                  "{\"sales_amount\":\"300000.00\",\"visits\":60,\"coverage\":0.7985}",
                  "Q3 derived");
    tk_check_like(json_object_get(j, "incomplete"), "{\"orders\":[\"2026-09\"]}", "Q3 incomplete");
    json_decref(j);
    tk_check(tk_redis_int("EXISTS nq:{sp:%s}:target:2026-Q3", SP_A) == 0,
             "derived targets are not stored");

    j = tk_get_ok("/api/v1/targets/salespeople/" SP_A "/year/2026");
    tk_check_like(json_object_get(j, "derived"), "{}", "2026 derived");
    tk_check_like(json_object_get(json_object_get(j, "incomplete"), "sales_amount"),
                  "[\"2026-01\",\"2026-02\",\"2026-03\",\"2026-04\",\"2026-05\",\"2026-06\","
                  "\"2026-10\",\"2026-11\",\"2026-12\"]",
                  "2026 incomplete sales");
    json_decref(j);

    j = tk_get_ok("/api/v1/targets/company/quarter/2026-Q3");
    tk_check_like(json_object_get(j, "targets"), "{\"sales_amount\":\"1000000.00\"}", "company Q3");
    tk_check_like(json_object_get(j, "derived"), "{}", "company Q3: set, nothing derived");
    json_decref(j);

    j = tk_get_ok("/api/v1/targets/salespeople/" SP_A "/month/2026-09");
    tk_check_like(json_object_get(j, "derived"), "{}", "a month is never derived");
    tk_check_like(json_object_get(j, "incomplete"), "{}", "a month is never incomplete");
    json_decref(j);

    /* A split shares what is set for the period: the quarter's derived target is not split. */
    json_decref(tk_call("POST", "/api/v1/targets/teams/" TEAM "/quarter/2026-Q3/split", "{}", 404));
}

/* Score and commission of a quarter use the derived target: 100 x 1 x 0.6 = 60.0; 1 % of
 * 180,000.00 = 1,800.00. */
static void test_quarter_score(void)
{
    json_decref(tk_call("PUT", "/api/v1/teams/" TEAM "/scorecard",
                        "{\"effective_from\":\"2026-07-01\",\"metrics\":[{\"metric\":"
                        "\"sales_amount\",\"weight\":1}],\"bands\":[{\"name\":\"C\",\"min\":0},"
                        "{\"name\":\"B\",\"min\":50}]}",
                        201));
    json_decref(tk_call("PUT", "/api/v1/teams/" TEAM "/commission-plan",
                        "{\"effective_from\":\"2026-07-01\",\"metric\":\"sales_amount\","
                        "\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                        201));
    json_t *j = tk_get_ok("/api/v1/scores/salespeople/" SP_A "?period=quarter&at=2026-08-15");
    json_t *sc = json_object_get(j, "scorecard");
    tk_check_like(json_object_get(sc, "score"), "60.0", "Q3 score");
    json_t *line = json_array_get(json_object_get(sc, "metrics"), 0);
    tk_check_like(json_object_get(line, "target"), "\"300000.00\"", "Q3 scorecard target");
    tk_check_like(json_object_get(line, "target_source"), "\"derived\"", "Q3 scorecard source");
    json_t *cm = json_object_get(j, "commission");
    tk_check_like(json_object_get(cm, "commission"), "\"1800.00\"", "Q3 commission");
    tk_check_like(json_object_get(cm, "target_source"), "\"derived\"", "Q3 commission source");
    json_decref(j);
}

/* ================================================================ boards by attainment, pace */

#define BOARD(by)                                                                                  \
    "/api/v1/leaderboards?scope=team:" TEAM "&metric=sales_amount&period=month&at=2026-09-30"      \
    "&by=" by

/* One expected entry: who, rank, previous rank, and JSON texts of value, target, gap. */
typedef struct want {
    const char *sp;
    int rank, previous_rank;
    const char *value, *target, *source, *gap, *behind;
} want_t;

static void check_board(const char *path, const char *by, const want_t *want, size_t n)
{
    json_t *j = tk_get_ok(path);
    tk_check_like(json_object_get(j, "by"), by, path);
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "total"), "22.0", "workdays");
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "elapsed"), "22.0", "elapsed");
    json_t *entries = json_object_get(j, "entries");
    tk_check(json_array_size(entries) == n, "%s: want %zu entries, got %s", path, n,
             tk_text(entries));
    for (size_t i = 0; i < n && i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        char ctx[300];
        snprintf(ctx, sizeof(ctx), "%s entry %zu (%s)", path, i, want[i].sp);
        tk_check_like(json_object_get(e, "salesperson_id"), want[i].sp, ctx);
        tk_check(json_integer_value(json_object_get(e, "rank")) == want[i].rank &&
                     json_integer_value(json_object_get(e, "previous_rank")) ==
                         want[i].previous_rank,
                 "%s: want rank %d, previous %d; got %s", ctx, want[i].rank, want[i].previous_rank,
                 tk_text(e));
        tk_check_like(json_object_get(e, "value"), want[i].value, ctx);
        tk_check_like(json_object_get(e, "target"), want[i].target, ctx);
        tk_check_like(json_object_get(e, "target_source"), want[i].source, ctx);
        tk_check_like(json_object_get(e, "gap"), want[i].gap, ctx);
        tk_check_like(json_object_get(e, "behind"), want[i].behind, ctx);
    }
    json_decref(j);
}

/* September, the reference day 09-30 (sp-da sold 10,000 that day, sp-db 45,000). Attainment
 * now: sp-dd 44,000 / 40,000 = 1.1, sp-db 60,000 / 100,000 = 0.6, sp-da 30,000 / 80,000 =
 * 0.375, sp-dc no target (last, "no target"). At the end of 09-29: sp-dd 1.1, sp-da 20,000 /
 * 80,000 = 0.25, sp-db 15,000 / 100,000 = 0.15: sp-db moved up. The month is over, so pace is
 * attainment now; at the end of 09-29 21 of 22 working days had gone (sp-dd 44,000 / 38,181.82
 * = 1.1524, sp-da 0.2619, sp-db 0.1571): the same order. The gap is the target (all of it due
 * by now) minus the actual: sp-dd 4,000.00 ahead, sp-db 40,000.00 and sp-da 50,000.00 behind. */
static const want_t s_sep[] = {
    {"\"" SP_D "\"", 1, 1, "1.1", "\"40000.00\"", "\"set\"", "\"-4000.00\"", "false"},
    {"\"" SP_B "\"", 2, 3, "0.6", "\"100000.00\"", "\"set\"", "\"40000.00\"", "true"},
    {"\"" SP_A "\"", 3, 2, "0.375", "\"80000.00\"", "\"set\"", "\"50000.00\"", "true"},
    {"\"" SP_C "\"", 4, 4, "null", "null", "null", "null", "null"},
};

static void test_boards(void)
{
    check_board(BOARD("attainment"), "\"attainment\"", s_sep, 4);
    check_board(BOARD("pace"), "\"pace\"", s_sep, 4);
    json_t *j = tk_get_ok(BOARD("pace"));
    json_t *c = json_array_get(json_object_get(j, "entries"), 3);
    tk_check_like(json_object_get(c, "actual"), "\"50000.00\"", "sp-dc actual");
    tk_check_like(json_object_get(c, "note"), "\"no target\"", "sp-dc note");
    tk_check_like(json_object_get(c, "note_zh"), "\"未设目标\"", "sp-dc note_zh");
    json_t *a = json_array_get(json_object_get(j, "entries"), 2);
    tk_check_like(json_object_get(a, "attainment"), "0.375", "sp-da attainment");
    tk_check_like(json_object_get(a, "pace"), "0.375", "sp-da pace");
    tk_check_like(json_object_get(a, "name"), "\"陈明\"", "sp-da name");
    json_decref(j);
    /* The same request by value is a board of its own (the kept answers key on by). */
    j = tk_get_ok(BOARD("value"));
    tk_check(!json_object_get(j, "by"), "by value: no by in the answer: %s", tk_text(j));
    tk_check_like(json_object_get(json_array_get(json_object_get(j, "entries"), 0), "value"),
                  "\"60000.00\"", "by value: sp-db first");
    json_decref(j);

    /* A quarter's board uses each one's derived target: only sp-da has one (300,000.00). */
    j = tk_get_ok("/api/v1/leaderboards?scope=team:" TEAM
                  "&metric=sales_amount&period=quarter&at=2026-09-30&by=attainment");
    json_t *first = json_array_get(json_object_get(j, "entries"), 0);
    tk_check_like(json_object_get(first, "salesperson_id"), "\"" SP_A "\"", "Q3 board first");
    tk_check_like(json_object_get(first, "value"), "0.6", "Q3 board sp-da");
    tk_check_like(json_object_get(first, "target_source"), "\"derived\"", "Q3 board source");
    tk_check_like(json_object_get(first, "gap"), "\"120000.00\"", "Q3 board gap");
    json_decref(j);

    expect_400(BOARD("speed"), "by");
    expect_400("/api/v1/leaderboards?scope=team:" TEAM "&metric=coverage&period=month&by=pace",
               "by");
    expect_400("/api/v1/leaderboards?scope=team:" TEAM "&metric=score&period=month&by=pace", "by");
}

/* A target set after a board was kept changes the next answer: sp-dc's September target of
 * 25,000.00 makes 50,000 / 25,000 = 2.0, first (also at the end of 09-29: 2.0). */
static void test_target_changes_kept_board(void)
{
    check_board(BOARD("attainment"), "\"attainment\"", s_sep, 4); /* kept */
    put_ok("/api/v1/targets/salespeople/" SP_C "/month/2026-09",
           "{\"targets\":{\"sales_amount\":\"25000.00\"}}");
    static const want_t after[] = {
        {"\"" SP_C "\"", 1, 1, "2.0", "\"25000.00\"", "\"set\"", "\"-25000.00\"", "false"},
        {"\"" SP_D "\"", 2, 2, "1.1", "\"40000.00\"", "\"set\"", "\"-4000.00\"", "false"},
        {"\"" SP_B "\"", 3, 4, "0.6", "\"100000.00\"", "\"set\"", "\"40000.00\"", "true"},
        {"\"" SP_A "\"", 4, 3, "0.375", "\"80000.00\"", "\"set\"", "\"50000.00\"", "true"},
    };
    check_board(BOARD("attainment"), "\"attainment\"", after, 4);

    /* A month's target moves the quarter's derived one: sp-da's July at 160,000.00 makes the
     * quarter 360,000.00 and its attainment 0.5. */
    json_t *j = tk_get_ok("/api/v1/leaderboards?scope=team:" TEAM
                          "&metric=sales_amount&period=quarter&at=2026-09-30&by=attainment");
    json_decref(j);
    put_ok("/api/v1/targets/salespeople/" SP_A "/month/2026-07",
           "{\"targets\":{\"sales_amount\":\"160000.00\"}}");
    j = tk_get_ok("/api/v1/leaderboards?scope=team:" TEAM
                  "&metric=sales_amount&period=quarter&at=2026-09-30&by=attainment");
    json_t *first = json_array_get(json_object_get(j, "entries"), 0);
    tk_check_like(json_object_get(first, "target"), "\"360000.00\"",
                  "Q3 board after July's change");
    tk_check_like(json_object_get(first, "value"), "0.5", "Q3 board sp-da after July's change");
    json_decref(j);
}

static void test_shutdown(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

/* ================================================================ suite */

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    tk_stop();
    return 0;
}

static CU_TestInfo tests[] = {
    {"the org, orders of the third quarter, months' targets", test_setup},
    {"a quarter's overview: the months' targets summed, derived", test_quarter_overview},
    {"GET targets: derived and incomplete, nothing stored", test_targets_get},
    {"a quarter's score and commission on the derived target", test_quarter_score},
    {"boards by attainment and pace: ranks, gaps, no target last", test_boards},
    {"a target change reaches a kept board", test_target_changes_kept_board},
    {"graceful shutdown", test_shutdown},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"targets derived", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
