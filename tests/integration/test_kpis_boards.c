/* test_kpis_boards.c — test_kpis's leaderboards, scorecard and commission
 * plan versions, scores, commission, simulations and kept boards (see
 * test_kpis.h). */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nq/fielderr.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "test_kpis.h"

/* ---- leaderboards ---- */

/* One expected entry: salesperson, rank, previous rank, value as JSON text. */
typedef struct lb_want {
    const char *sp, *name;
    int rank, previous_rank;
    const char *value;
} lb_want_t;

static void check_board(const char *path, const char *metric, const lb_want_t *want, size_t n)
{
    json_t *j = tk_get_ok(path);
    tk_check_str(json_object_get(j, "metric"), metric, path);
    tk_check_str(json_object_get(json_object_get(j, "period"), "key"), "2026-10", path);
    json_t *entries = json_object_get(j, "entries");
    tk_check(json_array_size(entries) == n, "%s: want %zu entries, got %s", path, n,
             tk_text(entries));
    for (size_t i = 0; i < n && i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        char ctx[300];
        snprintf(ctx, sizeof(ctx), "%s entry %zu (%s)", path, i, want[i].sp);
        tk_check_str(json_object_get(e, "salesperson_id"), want[i].sp, ctx);
        tk_check_str(json_object_get(e, "name"), want[i].name, ctx);
        tk_check(tk_num(e, "rank") == want[i].rank &&
                     tk_num(e, "previous_rank") == want[i].previous_rank,
                 "%s: want rank %d, previous_rank %d; got %s", ctx, want[i].rank,
                 want[i].previous_rank, tk_text(e));
        tk_check(tk_num(e, "movement") == tk_num(e, "previous_rank") - tk_num(e, "rank"),
                 "%s: movement is previous_rank - rank: %s", ctx, tk_text(e));
        tk_check_like(json_object_get(e, "value"), want[i].value, ctx);
    }
    json_decref(j);
}

#define LB(scope, metric)                                                                          \
    "/api/v1/leaderboards?scope=" scope "&metric=" metric "&period=month&at=2026-10-31"

/* October 2026, the reference day 10-31: sp-zhang had 1500.50 returned that
 * day and sp-li took a 2000 order, so at the end of 10-30 the sales stood
 * at 56000, 45000 and 47000 (sp-wang), 3000 (sp-zhao). Nobody visited
 * anyone on 10-31. */
void test_leaderboards(void)
{
    static const lb_want_t team_sales[] = {
        {SP_A, "张伟", 1, 1, "\"54499.50\""},
        {SP_B, "李娜", 2, 3, "\"47000.00\""}, /* tie with sp-wang; by id */
        {SP_C, "王芳", 2, 2, "\"47000.00\""},
    };
    check_board(LB("team:" TEAM, "sales_amount"), "sales_amount", team_sales, 3);
    static const lb_want_t company_sales[] = {
        {SP_A, "张伟", 1, 1, "\"54499.50\""},
        {SP_B, "李娜", 2, 3, "\"47000.00\""},
        {SP_C, "王芳", 2, 2, "\"47000.00\""},
        {SP_W, "赵强", 4, 4, "\"3000.00\""},
    };
    check_board(LB("company", "sales_amount"), "sales_amount", company_sales, 4);
    static const lb_want_t team_visits[] = {
        {SP_A, "张伟", 1, 1, "4"}, {SP_B, "李娜", 2, 2, "3"}, {SP_C, "王芳", 3, 3, "1"}};
    check_board(LB("team:" TEAM, "visits"), "visits", team_visits, 3);
    /* Completion: sp-li 2 of 3 (SO-B3 fell due on 10-31, so 2 of 2 the day
     * before), sp-zhang 1 of 2, sp-wang had nothing due (last). */
    static const lb_want_t team_completion[] = {
        {SP_B, "李娜", 1, 1, "0.6667"}, {SP_A, "张伟", 2, 2, "0.5"}, {SP_C, "王芳", 3, 3, "null"}};
    check_board(LB("team:" TEAM, "order_completion_rate"), "order_completion_rate", team_completion,
                3);
    /* Coverage: sp-li 2 of 3 key customers, sp-zhang 1 of 2, sp-wang owns
     * none (last). No visit on 10-31, so the day before ranked the same. */
    static const lb_want_t team_coverage[] = {
        {SP_B, "李娜", 1, 1, "0.6667"}, {SP_A, "张伟", 2, 2, "0.5"}, {SP_C, "王芳", 3, 3, "null"}};
    check_board(LB("team:" TEAM, "coverage"), "coverage", team_coverage, 3);

    tk_expect_400("GET", LB("team:" TEAM, "happiness"), NULL, "metric");
    tk_expect_400("GET", LB("everyone", "visits"), NULL, "scope");
    /* An id one character too long is refused, not cut to a valid one. */
    char id[NQ_ID_MAX + 2], path[256];
    memset(id, 'x', NQ_ID_MAX + 1);
    id[NQ_ID_MAX + 1] = '\0';
    snprintf(path, sizeof(path), "/api/v1/leaderboards?scope=team:%s&metric=visits", id);
    tk_expect_400("GET", path, NULL, "id");
}

/* Names come from the names index the org service keeps; a salesperson
 * missing from it (stored before the index existed) is named from the
 * profile. */
void test_board_names(void)
{
    redisReply *r = redisCommand(tk_redis, "HGET %s %s", NQ_KEY_SALESPEOPLE_NAMES, SP_A);
    tk_check(r && r->type == REDIS_REPLY_STRING && strcmp(r->str, "张伟") == 0,
             "the names index should hold %s's name", SP_A);
    freeReplyObject(r);
    freeReplyObject(redisCommand(tk_redis, "HDEL %s %s", NQ_KEY_SALESPEOPLE_NAMES, SP_A));
    /* Behind the org service's back: say the org changed, or the board kept
     * from the test before (with the indexed name) would answer. */
    freeReplyObject(redisCommand(tk_redis, "INCR %s", NQ_KEY_ORG_VERSION));
    static const lb_want_t team_sales[] = {
        {SP_A, "张伟", 1, 1, "\"54499.50\""},
        {SP_B, "李娜", 2, 3, "\"47000.00\""},
        {SP_C, "王芳", 2, 2, "\"47000.00\""},
    };
    check_board(LB("team:" TEAM, "sales_amount"), "sales_amount", team_sales, 3);
    freeReplyObject(
        redisCommand(tk_redis, "HSET %s %s %s", NQ_KEY_SALESPEOPLE_NAMES, SP_A, "张伟"));
}

/* ---- scorecards and commission plans ---- */

#define BANDS_CBAS                                                                                 \
    "\"bands\":[{\"name\":\"C\",\"min\":0},{\"name\":\"B\",\"min\":60},{\"name\":\"A\",\"min\":"   \
    "80},"                                                                                         \
    "{\"name\":\"S\",\"min\":100}]"
/* v1 for September on; v2 and v3 from October (v3, the higher, is in force);
 * v4 from 10-15, which starts no month before November. */
static const char *const s_scorecards[] = {
    "{\"effective_from\":\"2026-09-01\",\"metrics\":[{\"metric\":\"sales_amount\",\"weight\":0.5,"
    "\"cap\":1.5},{\"metric\":\"visits\",\"weight\":0.3,\"cap\":1.2},{\"metric\":"
    "\"order_completion_rate\",\"weight\":0.2}]," BANDS_CBAS "}",
    "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"calls\",\"weight\":1}],"
    "\"bands\":[{\"name\":\"C\",\"min\":0}]}",
    "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"sales_amount\",\"weight\":0.4,"
    "\"cap\":1.5},{\"metric\":\"visits\",\"weight\":0.2,\"cap\":2},{\"metric\":\"new_customers\","
    "\"weight\":0.2,\"cap\":1.5},{\"metric\":\"order_completion_rate\",\"weight\":0.2,\"cap\":1.5}"
    "]," BANDS_CBAS "}",
    "{\"effective_from\":\"2026-10-15\",\"metrics\":[{\"metric\":\"sales_amount\",\"weight\":1}],"
    "\"bands\":[{\"name\":\"X\",\"min\":0},{\"name\":\"Y\",\"min\":50}]}",
};
static const char *const s_commissions[] = {
    "{\"effective_from\":\"2026-09-01\",\"metric\":\"sales_amount\",\"tiers\":[{\"from\":0,"
    "\"rate\":0.01},{\"from\":0.8,\"rate\":0.02},{\"from\":1.0,\"rate\":0.03}],\"accelerator\":{"
    "\"above\":1.0,\"multiplier\":1.5}}",
    "{\"effective_from\":\"2026-10-01\",\"metric\":\"sales_amount\",\"tiers\":[{\"from\":0,"
    "\"rate\":0.01},{\"from\":0.5,\"rate\":0.02},{\"from\":1.0,\"rate\":0.04}],\"accelerator\":{"
    "\"above\":1.05,\"multiplier\":2}}",
};
#define SCORECARD_PATH  "/api/v1/teams/" TEAM "/scorecard"
#define COMMISSION_PATH "/api/v1/teams/" TEAM "/commission-plan"

/* JSON values equal with numbers compared by value (1 and 1.0 are the same:
 * the stored documents pass through Lua's cjson). */
static bool same_json(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return fabs(json_number_value(a) - json_number_value(b)) < 1e-12;
    if (json_is_array(a) && json_is_array(b)) {
        bool same = json_array_size(a) == json_array_size(b);
        for (size_t i = 0; same && i < json_array_size(a); i++)
            same = same_json(json_array_get(a, i), json_array_get(b, i));
        return same;
    }
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;
        bool same = json_object_size(a) == json_object_size(b);
        json_object_foreach ((json_t *)a, key, v) {
            same = same && same_json(v, json_object_get(b, key));
        }
        return same;
    }
    return json_equal(a, b);
}

/* GET a plan's versions: their numbers in order must be 1..n and their
 * effective dates those of docs[]. */
static void check_versions(const char *path, const char *const *docs, size_t n)
{
    json_t *j = tk_get_ok(path);
    json_t *versions = json_object_get(j, "versions");
    tk_check(json_array_size(versions) == n, "%s: want %zu versions, got %s", path, n, tk_text(j));
    bool seen[8] = {false};
    size_t i;
    json_t *v;
    json_array_foreach (versions, i, v) {
        json_int_t version = tk_num(v, "version");
        if (version < 1 || version > (json_int_t)n || seen[version]) {
            tk_check(false, "%s: unexpected version %s", path, tk_text(v));
            continue;
        }
        seen[version] = true;
        json_t *doc = json_loads(docs[version - 1], 0, NULL);
        tk_check_str(json_object_get(v, "effective_from"), tk_str(doc, "effective_from"), path);
        /* What was sent, plus the version and when it was stored. */
        json_object_set_new(doc, "version", json_integer(version));
        json_object_set(doc, "created_at", json_object_get(v, "created_at"));
        tk_check(json_is_integer(json_object_get(v, "created_at")) && same_json(v, doc),
                 "%s version %lld: stored %s", path, (long long)version, tk_text(v));
        json_decref(doc);
    }
    json_decref(j);
}

void test_plans(void)
{
    for (size_t i = 0; i < 4; i++) {
        int status;
        json_t *j = tk_api_raw("PUT", SCORECARD_PATH, s_scorecards[i], &status);
        tk_check(status == 201 && tk_num(j, "version") == (json_int_t)i + 1,
                 "PUT scorecard %zu: want 201 version %zu, got %d %s", i + 1, i + 1, status,
                 tk_text(j));
        json_decref(j);
    }
    for (size_t i = 0; i < 2; i++) {
        int status;
        json_t *j = tk_api_raw("PUT", COMMISSION_PATH, s_commissions[i], &status);
        tk_check(status == 201 && tk_num(j, "version") == (json_int_t)i + 1,
                 "PUT commission plan %zu: want 201 version %zu, got %d %s", i + 1, i + 1, status,
                 tk_text(j));
        json_decref(j);
    }

    /* Refused documents name what is wrong and add no version. */
    tk_expect_400("PUT", SCORECARD_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"sales_amount\","
                  "\"weight\":0.5},{\"metric\":\"visits\",\"weight\":0.4}]}",
                  "metrics");
    tk_expect_400("PUT", SCORECARD_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"sales_amount\","
                  "\"weight\":0.5},{\"metric\":\"happiness\",\"weight\":0.5}]}",
                  "metrics[1]");
    tk_expect_400("PUT", SCORECARD_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"sales_amount\","
                  "\"weight\":1,\"cap\":0.5}]}",
                  "metrics[0]");
    tk_expect_400("PUT", SCORECARD_PATH, "{\"metrics\":[{\"metric\":\"visits\",\"weight\":1}]}",
                  "effective_from");
    tk_expect_400(
        "PUT", SCORECARD_PATH,
        "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"visits\","
        "\"weight\":1}],\"bands\":[{\"name\":\"B\",\"min\":60},{\"name\":\"C\",\"min\":0}]}",
        "bands[1]");
    tk_expect_400("PUT", SCORECARD_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"visits\","
                  "\"weight\":1}],\"colour\":\"red\"}",
                  "(body)");
    tk_expect_400("PUT", COMMISSION_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metric\":\"visits\",\"tiers\":[{\"from\":0,"
                  "\"rate\":0.01}]}",
                  "metric");
    tk_expect_400("PUT", COMMISSION_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metric\":\"sales_amount\",\"tiers\":[{"
                  "\"from\":0.1,\"rate\":0.01}]}",
                  "tiers[0]");
    tk_expect_400("PUT", COMMISSION_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metric\":\"sales_amount\",\"tiers\":[{"
                  "\"from\":0,\"rate\":0.01},{\"from\":0,\"rate\":0.02}]}",
                  "tiers[1]");
    tk_expect_400("PUT", COMMISSION_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metric\":\"sales_amount\",\"tiers\":[{"
                  "\"from\":0,\"rate\":1.5}]}",
                  "tiers[0]");
    tk_expect_400("PUT", COMMISSION_PATH,
                  "{\"effective_from\":\"2026-10-01\",\"metric\":\"sales_amount\",\"tiers\":[{"
                  "\"from\":0,\"rate\":0.01}],\"accelerator\":{\"above\":1,\"multiplier\":0.5}}",
                  "accelerator");
    tk_expect_400("PUT", COMMISSION_PATH, "[1, 2]", NULL);

    check_versions(SCORECARD_PATH, s_scorecards, 4);
    check_versions(COMMISSION_PATH, s_commissions, 2);
}

/* One scorecard line: metric, actual, target, attainment (JSON text), cap,
 * weight, contribution, note (NULL: null). */
void check_line(const json_t *lines, size_t i, const char *metric, const char *actual,
                const char *target, const char *attainment, double cap, double weight,
                double contribution, const char *note, const char *ctx)
{
    const json_t *l = json_array_get(lines, i);
    char c[200];
    snprintf(c, sizeof(c), "%s line %zu (%s)", ctx, i, metric);
    tk_check_str(json_object_get(l, "metric"), metric, c);
    tk_check_like(json_object_get(l, "actual"), actual, c);
    tk_check_like(json_object_get(l, "target"), target, c);
    tk_check_like(json_object_get(l, "attainment"), attainment, c);
    tk_check_num(json_object_get(l, "cap"), cap, c);
    tk_check_num(json_object_get(l, "weight"), weight, c);
    tk_check_num(json_object_get(l, "contribution"), contribution, c);
    if (note)
        tk_check_str(json_object_get(l, "note"), note, c);
    else
        tk_check(json_is_null(json_object_get(l, "note")), "%s: note should be null: %s", c,
                 tk_text(l));
}

/* The next band: name, points, option metrics with their "more", zh, en. */
static void check_next(const json_t *sc, const char *band, double points,
                       const char *const (*options)[2], size_t n, const char *zh, const char *en,
                       const char *ctx)
{
    const json_t *next = json_object_get(sc, "next_band");
    if (!band) {
        tk_check(json_is_null(next), "%s: at the top band next_band is null: %s", ctx,
                 tk_text(next));
        return;
    }
    tk_check_str(json_object_get(next, "band"), band, ctx);
    tk_check_num(json_object_get(next, "points"), points, ctx);
    const json_t *opts = json_object_get(next, "options");
    tk_check(json_array_size(opts) == n, "%s: want %zu options, got %s", ctx, n, tk_text(opts));
    for (size_t i = 0; i < n && i < json_array_size(opts); i++) {
        tk_check_str(json_object_get(json_array_get(opts, i), "metric"), options[i][0], ctx);
        tk_check_str(json_object_get(json_array_get(opts, i), "more"), options[i][1], ctx);
    }
    tk_check_str(json_object_get(next, "zh"), zh, ctx);
    tk_check_str(json_object_get(next, "en"), en, ctx);
}

/* One commission segment: from, to (JSON text), rate, amount, commission. */
static void check_tier(const json_t *tiers, size_t i, double from, const char *to, double rate,
                       const char *amount, const char *commission, const char *ctx)
{
    const json_t *t = json_array_get(tiers, i);
    char c[200];
    snprintf(c, sizeof(c), "%s tier %zu", ctx, i);
    tk_check_num(json_object_get(t, "from"), from, c);
    tk_check_like(json_object_get(t, "to"), to, c);
    tk_check_num(json_object_get(t, "rate"), rate, c);
    tk_check_str(json_object_get(t, "amount"), amount, c);
    tk_check_str(json_object_get(t, "commission"), commission, c);
}

/* sp-zhang, October (scorecard v3, commission v2):
 *   sales 54499.50 / 50000 = 1.08999 -> 100 x 0.4 x 1.08999 = 43.5996
 *   visits 4 / 5 = 0.8               -> 100 x 0.2 x 0.8     = 16
 *   new customers 1 / 2 = 0.5        -> 100 x 0.2 x 0.5     = 10
 *   completion 0.5 / 0.9 = 0.5556    -> 100 x 0.2 x 0.5556  = 11.1111
 *   score 80.7107 -> band A; S needs 19.2893 more points: sales would pass
 *   its cap (1.08999 + 19.2893 / 40 > 1.5), so would completion (0.5556 +
 *   0.9645 > 1.5); visits need 0.9645 x 5 = 4.82 -> 5, new customers 0.9645
 *   x 2 = 1.93 -> 2.
 *   commission: 25000 x 1% + 25000 x 2% + 2500 x 4% + (54499.50 - 52500) x
 *   4% x 2 = 250 + 500 + 100 + 159.96 = 1009.96. */
static void check_score_a_oct(const json_t *sc, const json_t *cm, const char *ctx)
{
    tk_check_like(json_object_get(sc, "version"), "3", ctx);
    tk_check_num(json_object_get(sc, "score"), 80.71, ctx);
    tk_check_str(json_object_get(sc, "band"), "A", ctx);
    const json_t *lines = json_object_get(sc, "metrics");
    tk_check(json_array_size(lines) == 4, "%s: want 4 lines: %s", ctx, tk_text(lines));
    check_line(lines, 0, "sales_amount", "\"54499.50\"", "\"50000.00\"", "1.09", 1.5, 0.4, 43.6,
               NULL, ctx);
    check_line(lines, 1, "visits", "4", "5", "0.8", 2, 0.2, 16, NULL, ctx);
    check_line(lines, 2, "new_customers", "1", "2", "0.5", 1.5, 0.2, 10, NULL, ctx);
    check_line(lines, 3, "order_completion_rate", "0.5", "0.9", "0.5556", 1.5, 0.2, 11.11, NULL,
               ctx);
    static const char *const options[][2] = {{"visits", "5"}, {"new_customers", "2"}};
    check_next(sc, "S", 19.29, options, 2, "拜访数再增加 5，或新客户数再增加 2",
               "5 more visits or 2 more new customers", ctx);

    tk_check_like(json_object_get(cm, "version"), "2", ctx);
    tk_check_str(json_object_get(cm, "metric"), "sales_amount", ctx);
    tk_check_str(json_object_get(cm, "actual"), "54499.50", ctx);
    tk_check_str(json_object_get(cm, "target"), "50000.00", ctx);
    tk_check_num(json_object_get(cm, "attainment"), 1.09, ctx);
    tk_check_str(json_object_get(cm, "commission"), "1009.96", ctx);
    const json_t *tiers = json_object_get(cm, "tiers");
    tk_check(json_array_size(tiers) == 4, "%s: want 4 tiers: %s", ctx, tk_text(tiers));
    check_tier(tiers, 0, 0, "0.5", 0.01, "25000.00", "250.00", ctx);
    check_tier(tiers, 1, 0.5, "1.0", 0.02, "25000.00", "500.00", ctx);
    check_tier(tiers, 2, 1.0, "1.05", 0.04, "2500.00", "100.00", ctx);
    check_tier(tiers, 3, 1.05, "null", 0.08, "1999.50", "159.96", ctx);
}

/* sp-li, October: sales 47000 / 60000 -> 31.3333; visits 3 / 6 -> 10; new
 * customers 0 / 1 -> 0; completion 2/3 is 0.6667 as shown, 0.6667 / 0.8 =
 * 0.833375 -> 0.8334, 16.6675 points; score 58.0008 (band C). B needs
 * 1.9992 points: sales 1.9992 / 40 x 60000 = 2998.8 -> 2999; visits 0.1 x 6
 * = 0.6 -> 1; new customers 0.1 x 1 -> 1; completion up to (0.833375 +
 * 0.09996) x 0.8 = 74.67 % -> 74.7 %. Commission: 30000 x 1% + 17000 x 2%
 * = 640. */
static void check_score_b_oct(const json_t *sc, const json_t *cm, const char *ctx)
{
    tk_check_like(json_object_get(sc, "version"), "3", ctx);
    tk_check_num(json_object_get(sc, "score"), 58.0, ctx);
    tk_check_str(json_object_get(sc, "band"), "C", ctx);
    const json_t *lines = json_object_get(sc, "metrics");
    check_line(lines, 0, "sales_amount", "\"47000.00\"", "\"60000.00\"", "0.7833", 1.5, 0.4, 31.33,
               NULL, ctx);
    check_line(lines, 1, "visits", "3", "6", "0.5", 2, 0.2, 10, NULL, ctx);
    check_line(lines, 2, "new_customers", "0", "1", "0.0", 1.5, 0.2, 0, NULL, ctx);
    check_line(lines, 3, "order_completion_rate", "0.6667", "0.8", "0.8334", 1.5, 0.2, 16.67, NULL,
               ctx);
    static const char *const options[][2] = {{"sales_amount", "2999.00"},
                                             {"visits", "1"},
                                             {"new_customers", "1"},
                                             {"order_completion_rate", "74.7%"}};
    check_next(
        sc, "B", 2.0, options, 4,
        "销售额再增加 ¥2,999.00，或拜访数再增加 1，或新客户数再增加 1，或订单按时完成率提高到 "
        "74.7%",
        "CNY 2,999.00 more sales or 1 more visits or 1 more new customers or on-time order "
        "completion up to 74.7%",
        ctx);
    tk_check_str(json_object_get(cm, "commission"), "640.00", ctx);
    tk_check_num(json_object_get(cm, "attainment"), 0.7833, ctx);
    const json_t *tiers = json_object_get(cm, "tiers");
    tk_check(json_array_size(tiers) == 2, "%s: want 2 tiers: %s", ctx, tk_text(tiers));
    check_tier(tiers, 0, 0, "0.5", 0.01, "30000.00", "300.00", ctx);
    check_tier(tiers, 1, 0.5, "1.0", 0.02, "17000.00", "340.00", ctx);
}

/* sp-wang has no targets: every line says so, the score is 0 and no
 * commission is paid. */
static void check_score_c_oct(const json_t *sc, const json_t *cm, const char *ctx)
{
    tk_check_num(json_object_get(sc, "score"), 0, ctx);
    tk_check_str(json_object_get(sc, "band"), "C", ctx);
    const json_t *lines = json_object_get(sc, "metrics");
    check_line(lines, 0, "sales_amount", "\"47000.00\"", "null", "null", 1.5, 0.4, 0, "no target",
               ctx);
    check_line(lines, 3, "order_completion_rate", "null", "null", "null", 1.5, 0.2, 0, "no target",
               ctx);
    check_next(sc, "B", 60, NULL, 0, "", "", ctx);
    tk_check_str(json_object_get(cm, "commission"), "0.00", ctx);
    tk_check_str(json_object_get(cm, "actual"), "47000.00", ctx);
    tk_check(json_is_null(json_object_get(cm, "target")) &&
                 json_array_size(json_object_get(cm, "tiers")) == 0,
             "%s: no target, no tiers: %s", ctx, tk_text(cm));
    tk_check_str(json_object_get(cm, "note"), "no target: no commission", ctx);
}

json_t *get_score(const char *sp, const char *period, const char *at)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/scores/salespeople/%s?period=%s&at=%s", sp, period, at);
    json_t *j = tk_get_ok(path);
    tk_check_str(json_object_get(j, "salesperson_id"), sp, path);
    return j;
}

void test_scores(void)
{
    json_t *j = get_score(SP_A, "month", "2026-10-15");
    tk_check_str(json_object_get(j, "team_id"), TEAM, "score team");
    tk_check_str(json_object_get(json_object_get(j, "period"), "key"), "2026-10", "score period");
    check_score_a_oct(json_object_get(j, "scorecard"), json_object_get(j, "commission"),
                      "score sp-zhang 2026-10");
    json_decref(j);
    j = get_score(SP_B, "month", "2026-10-31");
    check_score_b_oct(json_object_get(j, "scorecard"), json_object_get(j, "commission"),
                      "score sp-li 2026-10");
    json_decref(j);
    j = get_score(SP_C, "month", "2026-10-01");
    check_score_c_oct(json_object_get(j, "scorecard"), json_object_get(j, "commission"),
                      "score sp-wang 2026-10");
    json_decref(j);

    /* September: v1 and commission v1 (the October versions start later).
     * sales 20000 / 25000 = 0.8 -> 100 x 0.5 x 0.8 = 40; visits 1 / 2 ->
     * 15; completion 1 / 0.9 = 1.1111 -> 22.2222; score 77.2222 (B). A needs
     * 2.7778: sales 2.7778 / 50 x 25000 = 1388.89 -> 1389; visits 0.0926 x 2
     * -> 1; completion up to 1 + 0.1389 x 0.9 = 112.5 %. Commission: 20000 x
     * 1% = 200 (nothing above 80 %). */
    j = get_score(SP_A, "month", "2026-09-20");
    const json_t *sc = json_object_get(j, "scorecard"), *cm = json_object_get(j, "commission");
    tk_check_like(json_object_get(sc, "version"), "1", "score sp-zhang 2026-09 version");
    tk_check_num(json_object_get(sc, "score"), 77.22, "score sp-zhang 2026-09");
    tk_check_str(json_object_get(sc, "band"), "B", "band sp-zhang 2026-09");
    const json_t *lines = json_object_get(sc, "metrics");
    check_line(lines, 0, "sales_amount", "\"20000.00\"", "\"25000.00\"", "0.8", 1.5, 0.5, 40, NULL,
               "2026-09");
    check_line(lines, 1, "visits", "1", "2", "0.5", 1.2, 0.3, 15, NULL, "2026-09");
    check_line(lines, 2, "order_completion_rate", "1.0", "0.9", "1.1111", 1.5, 0.2, 22.22, NULL,
               "2026-09");
    static const char *const options[][2] = {
        {"sales_amount", "1389.00"}, {"visits", "1"}, {"order_completion_rate", "112.5%"}};
    check_next(sc, "A", 2.78, options, 3,
               "销售额再增加 ¥1,389.00，或拜访数再增加 1，或订单按时完成率提高到 112.5%",
               "CNY 1,389.00 more sales or 1 more visits or on-time order completion up to 112.5%",
               "score sp-zhang 2026-09");
    tk_check_like(json_object_get(cm, "version"), "1", "commission sp-zhang 2026-09 version");
    tk_check_str(json_object_get(cm, "commission"), "200.00", "commission sp-zhang 2026-09");
    tk_check(json_array_size(json_object_get(cm, "tiers")) == 1, "commission 2026-09 tiers: %s",
             tk_text(cm));
    check_tier(json_object_get(cm, "tiers"), 0, 0, "0.8", 0.01, "20000.00", "200.00",
               "commission sp-zhang 2026-09");
    json_decref(j);

    /* Week 43 (10-19..10-25) starts after 10-15: v4; week 42 does not: v3. */
    j = get_score(SP_A, "week", "2026-10-20");
    tk_check_like(json_object_get(json_object_get(j, "scorecard"), "version"), "4", "2026-W43");
    tk_check_str(json_object_get(json_object_get(j, "scorecard"), "band"), "X", "2026-W43 band");
    tk_check_like(json_object_get(json_object_get(j, "commission"), "version"), "2", "2026-W43");
    json_decref(j);
    j = get_score(SP_A, "week", "2026-10-14");
    tk_check_like(json_object_get(json_object_get(j, "scorecard"), "version"), "3", "2026-W42");
    json_decref(j);
    /* Net sales below zero (a return in a week without orders) count as 0
     * attainment, and the way to the next band starts from the actual:
     * sp-zhang's week 44 (10-26..11-01) has -1500.50 against 10000; under v4
     * (sales alone) band Y needs 50 points = 5000.00 of sales, i.e. 6500.50
     * more: 6501 in whole yuan. */
    put_targets("/api/v1/targets/salespeople/" SP_A "/week/2026-W44",
                "{\"targets\":{\"sales_amount\":\"10000.00\"}}", "{\"sales_amount\":\"10000.00\"}");
    j = get_score(SP_A, "week", "2026-10-28");
    sc = json_object_get(j, "scorecard");
    tk_check_like(json_object_get(sc, "version"), "4", "2026-W44 version");
    tk_check_num(json_object_get(sc, "score"), 0, "2026-W44 score");
    tk_check_str(json_object_get(sc, "band"), "X", "2026-W44 band");
    tk_check_like(json_object_get(json_array_get(json_object_get(sc, "metrics"), 0), "actual"),
                  "\"-1500.50\"", "2026-W44 sales");
    static const char *const up[][2] = {{"sales_amount", "6501.00"}};
    check_next(sc, "Y", 50, up, 1, "销售额再增加 ¥6,501.00", "CNY 6,501.00 more sales",
               "score sp-zhang 2026-W44 (net sales -1500.50)");
    json_decref(j);
    /* Before any version: none applies. Another team without plans: none. */
    j = get_score(SP_A, "month", "2026-08-15");
    tk_check(json_is_null(json_object_get(j, "scorecard")) &&
                 json_is_null(json_object_get(j, "commission")),
             "2026-08: no version in force: %s", tk_text(j));
    json_decref(j);
    j = get_score(SP_W, "month", "2026-10-15");
    tk_check_str(json_object_get(j, "team_id"), TEAM_W, "sp-zhao team");
    tk_check(json_is_null(json_object_get(j, "scorecard")) &&
                 json_is_null(json_object_get(j, "commission")),
             "t-west has no plans: %s", tk_text(j));
    json_decref(j);
}

/* By score, October at 10-31: 80.71, 58, 0 (the day before: 81.91 with
 * 56000 of sales, 65 with SO-B3 not yet due, 0); sp-zhao's team has no
 * scorecard: unranked, last. */
void test_score_boards(void)
{
    static const lb_want_t team[] = {
        {SP_A, "张伟", 1, 1, "80.71"}, {SP_B, "李娜", 2, 2, "58.0"}, {SP_C, "王芳", 3, 3, "0.0"}};
    check_board(LB("team:" TEAM, "score"), "score", team, 3);
    static const lb_want_t company[] = {{SP_A, "张伟", 1, 1, "80.71"},
                                        {SP_B, "李娜", 2, 2, "58.0"},
                                        {SP_C, "王芳", 3, 3, "0.0"},
                                        {SP_W, "赵强", 4, 4, "null"}};
    check_board(LB("company", "score"), "score", company, 4);
}

/* A scorecard without bands ("bands": []) is a valid document: it is
 * stored as sent and it applies (a score, no band). t-west has no other
 * plan, so sp-zhao is scored under it from October. */
void test_scorecard_without_bands(void)
{
    static const char *const doc[] = {
        "{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":\"visits\","
        "\"weight\":1}],\"bands\":[]}"};
    int status;
    json_t *j = tk_api_raw("PUT", "/api/v1/teams/" TEAM_W "/scorecard", doc[0], &status);
    tk_check(status == 201 && tk_num(j, "version") == 1, "PUT scorecard without bands: got %d %s",
             status, tk_text(j));
    json_decref(j);
    check_versions("/api/v1/teams/" TEAM_W "/scorecard", doc, 1);
    j = get_score(SP_W, "month", "2026-10-15");
    const json_t *sc = json_object_get(j, "scorecard");
    tk_check(json_is_object(sc), "sp-zhao 2026-10: the scorecard in force is missing: %s",
             tk_text(j));
    tk_check_like(json_object_get(sc, "version"), "1", "sp-zhao scorecard version");
    tk_check_num(json_object_get(sc, "score"), 0, "sp-zhao score (no target)");
    json_decref(j);
}

/* The entry of salesperson `id` in an array of {"salesperson_id",...}
 * (members come in id order), or NULL. */
static json_t *person(const json_t *people, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach (people, i, e) {
        if (strcmp(tk_str(e, "salesperson_id"), id) == 0)
            return e;
    }
    return NULL;
}

/* Drafts scored next to the live plans; nothing changes. Draft scorecard:
 * sales 0.5, visits 0.5 -> sp-zhang 54.4995 + 40 = 94.50 (top band), sp-li
 * 39.1667 + 25 = 64.17 (5.83 short of 高: 7000.00 more sales or 1 more
 * visit), sp-wang 0. Draft commission 4 % flat: 2179.98, 1880.00, 0.00. */
void test_simulation(void)
{
    static const char *const reads[] = {
        "/api/v1/kpis/teams/" TEAM "?period=month&at=2026-10-15",
        "/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-10-15",
        "/api/v1/scores/salespeople/" SP_A "?period=month&at=2026-10-15",
        SCORECARD_PATH,
        COMMISSION_PATH,
        "/api/v1/targets/salespeople/" SP_A "/month/2026-10",
    };
    json_t *before[6], *after[6];
    for (size_t i = 0; i < 6; i++)
        before[i] = tk_get_ok(reads[i]);
    int status;
    json_t *j = tk_api_raw(
        "POST", "/api/v1/teams/" TEAM "/simulations?period=month&at=2026-10-15",
        "{\"scorecard\":{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":"
        "\"sales_amount\",\"weight\":0.5},{\"metric\":\"visits\",\"weight\":0.5}],\"bands\":[{"
        "\"name\":\"低\",\"min\":0},{\"name\":\"高\",\"min\":70}]},\"commission\":{"
        "\"effective_from\":\"2026-10-01\",\"metric\":\"sales_amount\",\"tiers\":[{\"from\":0,"
        "\"rate\":0.04}]}}",
        &status);
    tk_check(status == 200, "simulation: want 200, got %d %s", status, tk_text(j));
    json_t *people = json_object_get(j, "salespeople");
    tk_check(json_array_size(people) == 3, "simulation: want 3 salespeople, got %s", tk_text(j));
    static const char *const ids[] = {SP_A, SP_B, SP_C};
    static const double draft_score[] = {94.5, 64.17, 0};
    static const char *const draft_band[] = {"高", "低", "低"};
    static const char *const draft_commission[] = {"2179.98", "1880.00", "0.00"};
    /* draft minus live: the rounded scores' points, the commission to the fen */
    static const double score_diff[] = {13.79, 6.17, 0};
    static const char *const commission_diff[] = {"1170.02", "1240.00", "0.00"};
    for (size_t i = 0; i < 3 && i < json_array_size(people); i++) {
        json_t *p = person(people, ids[i]);
        char ctx[80];
        snprintf(ctx, sizeof(ctx), "simulation %s", ids[i]);
        tk_check_str(json_object_get(p, "salesperson_id"), ids[i], ctx);
        json_t *sc = json_object_get(p, "scorecard"), *cm = json_object_get(p, "commission");
        void (*live)(const json_t *, const json_t *, const char *) = i == 0   ? check_score_a_oct
                                                                     : i == 1 ? check_score_b_oct
                                                                              : check_score_c_oct;
        live(json_object_get(sc, "live"), json_object_get(cm, "live"), ctx);
        json_t *d = json_object_get(sc, "draft");
        tk_check_num(json_object_get(d, "score"), draft_score[i], ctx);
        tk_check_str(json_object_get(d, "band"), draft_band[i], ctx);
        tk_check(!json_object_get(d, "version"), "%s: a draft has no version: %s", ctx, tk_text(d));
        tk_check_str(json_object_get(json_object_get(cm, "draft"), "commission"),
                     draft_commission[i], ctx);
        tk_check_num(json_object_get(sc, "difference"), score_diff[i], ctx);
        tk_check_str(json_object_get(cm, "difference"), commission_diff[i], ctx);
    }
    json_t *d = json_object_get(json_object_get(person(people, SP_A), "scorecard"), "draft");
    check_next(d, NULL, 0, NULL, 0, NULL, NULL, "simulation sp-zhang draft");
    d = json_object_get(json_object_get(person(people, SP_B), "scorecard"), "draft");
    static const char *const options[][2] = {{"sales_amount", "7000.00"}, {"visits", "1"}};
    check_next(d, "高", 5.83, options, 2, "销售额再增加 ¥7,000.00，或拜访数再增加 1",
               "CNY 7,000.00 more sales or 1 more visits", "simulation sp-li draft");
    json_decref(j);

    j = tk_api_raw("POST", "/api/v1/teams/t-nobody/simulations?period=month&at=2026-10-15", "{}",
                   &status);
    tk_check(status == 404, "simulation of an unknown team: want 404, got %d %s", status,
             tk_text(j));
    json_decref(j);
    tk_expect_400("POST", "/api/v1/teams/" TEAM "/simulations?period=month&at=2026-10-15",
                  "{\"scorecard\":{\"effective_from\":\"2026-10-01\",\"metrics\":[{\"metric\":"
                  "\"sales_amount\",\"weight\":0.5}]}}",
                  "metrics");
    for (size_t i = 0; i < 6; i++) {
        after[i] = tk_get_ok(reads[i]);
        tk_check(json_equal(before[i], after[i]), "simulation changed %s:\n      before %s",
                 reads[i], tk_text(before[i]));
        json_decref(before[i]);
        json_decref(after[i]);
    }
}

/* A board is kept between requests, but a scored event, a new member and a
 * rename each make the next request compute it afresh (each step fails with a
 * board kept too long). Runs last: it adds a team and two salespeople. */
void test_kept_boards(void)
{
    static const char path[] = "/api/v1/leaderboards?scope=team:t-kept&metric=orders&period="
                               "month&at=2026-10-31";
    json_decref(tk_put("/api/v1/teams/t-kept", json_pack("{s:s}", "name", "缓存组"), 200));
    json_decref(tk_put("/api/v1/salespeople/sp-k1",
                       json_pack("{s:s, s:s}", "name", "陈静", "team_id", "t-kept"), 200));
    static const lb_want_t none[] = {{"sp-k1", "陈静", 1, 1, "0"}};
    check_board(path, "orders", none, 1);
    check_board(path, "orders", none, 1); /* kept */

    tk_post_counts(json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "event_id", "k-kept-o1",
                             "type", "order", "salesperson_id", "sp-k1", "customer_id", "c-a1",
                             "occurred_at", "2026-10-20T10:00:00+08:00", "amount", "100.00",
                             "order_id", "SO-K1", "source", "it-kpis"),
                   1, 0);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    static const lb_want_t one[] = {{"sp-k1", "陈静", 1, 1, "1"}};
    check_board(path, "orders", one, 1);

    json_decref(tk_put("/api/v1/salespeople/sp-k2", json_pack("{s:s}", "name", "孙磊"), 200));
    json_decref(tk_put("/api/v1/teams/t-kept",
                       json_pack("{s:s, s:[s,s]}", "name", "缓存组", "members", "sp-k1", "sp-k2"),
                       200));
    static const lb_want_t two[] = {{"sp-k1", "陈静", 1, 1, "1"}, {"sp-k2", "孙磊", 2, 2, "0"}};
    check_board(path, "orders", two, 2);

    json_decref(tk_put("/api/v1/salespeople/sp-k1",
                       json_pack("{s:s, s:s}", "name", "陈静怡", "team_id", "t-kept"), 200));
    static const lb_want_t renamed[] = {{"sp-k1", "陈静怡", 1, 1, "1"},
                                        {"sp-k2", "孙磊", 2, 2, "0"}};
    check_board(path, "orders", renamed, 2);
}
