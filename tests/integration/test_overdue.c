/* test_overdue.c — the state metrics tickets_overdue, receivables_overdue
 * and dso, and the customer list's overdue=receivable, through the real
 * suite: a salesperson's figures at the end of October and of November,
 * a team leaderboard by each, the list of customers with an invoice past
 * due now (in and out as a payment arrives), duplicates that change
 * nothing, and a rebuild's replay that gives the same figures and list.
 *
 * The org: t-o1 with sp-o1 and sp-o2. Customers o-1 and o-3 of sp-o1, o-2 of
 * sp-o2. Due dates in 2099 stay "not yet due" whenever the test runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq_test.h"
#include "testkit.h"

#define INDEX_MS 30000
#define LOOK_MS  15000 /* the indexer looks at due customers every second */

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

/* An event at a local time with extra fields (a JSON object text, or NULL). */
static json_t *ev(const char *id, const char *type, const char *sp, const char *cust,
                  const char *at, const char *amount, const char *extra)
{
    json_t *e = tk_event_at(id, type, sp, cust, at, amount);
    if (extra) {
        json_t *x = json_loads(extra, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        json_object_update(e, x);
        json_decref(x);
    }
    return e;
}

/* The October events: invoices and a payment, tickets. */
static json_t *october(void)
{
    return json_pack(
        "[o, o, o, o, o, o, o, o, o]",
        ev("o-a1", "invoice", "sp-o1", "o-1", "2026-10-01T10:00:00+08:00", "1000.00",
           "{\"due_at\":\"2026-10-15\"}"),
        ev("o-a2", "invoice", "sp-o1", "o-1", "2026-10-10T10:00:00+08:00", "500.00",
           "{\"due_at\":\"2099-06-30\"}"),
        ev("o-c1", "invoice", "sp-o1", "o-3", "2026-10-12T10:00:00+08:00", "200.00",
           "{\"due_at\":\"2099-01-31\"}"),
        ev("o-b1", "invoice", "sp-o2", "o-2", "2026-10-05T10:00:00+08:00", "300.00",
           "{\"due_at\":\"2026-10-20\"}"),
        ev("o-p1", "payment", "sp-o2", "o-2", "2026-10-25T10:00:00+08:00", "300.00", NULL),
        /* sp-o1: an urgent ticket never closed; one closed within its 72 h */
        ev("o-t1", "ticket_opened", "sp-o1", "o-1", "2026-10-02T09:00:00+08:00", NULL,
           "{\"ticket_id\":\"tk-1\",\"priority\":\"urgent\"}"),
        ev("o-t2", "ticket_opened", "sp-o1", "o-3", "2026-10-30T10:00:00+08:00", NULL,
           "{\"ticket_id\":\"tk-2\"}"),
        ev("o-t3", "ticket_closed", "sp-o1", "o-3", "2026-10-31T09:00:00+08:00", NULL,
           "{\"ticket_id\":\"tk-2\"}"),
        /* sp-o2: 72 h from 10-29 00:00 end at 11-01 00:00: on time in October */
        ev("o-t4", "ticket_opened", "sp-o2", "o-2", "2026-10-29T00:00:00+08:00", NULL,
           "{\"ticket_id\":\"tk-3\",\"priority\":\"normal\"}"));
}

#define N_OCTOBER 9

/* The ids of the first page of a list, comma-separated (static buffer). */
static const char *ids_of(const char *path)
{
    static char out[512];
    json_t *j = tk_get_ok(path);
    json_t *items = json_object_get(j, "items");
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(items) && at < sizeof(out); i++)
        at += (size_t)snprintf(out + at, sizeof(out) - at, "%s%s", i ? "," : "",
                               tk_str(json_array_get(items, i), "id"));
    json_decref(j);
    return out;
}

/* Wait until list `path` reads `want` (the indexer's looks run every second). */
static bool list_becomes(const char *path, const char *want)
{
    for (int64_t deadline = tk_mono_ms() + LOOK_MS; tk_mono_ms() < deadline; usleep(50000)) {
        if (strcmp(ids_of(path), want) == 0)
            return true;
    }
    return tk_check(false, "%s: want [%s], got [%s]", path, want, ids_of(path));
}

/* A salesperson's metric of a month (a date in it). */
static json_t *metric_of(const char *sp, const char *at, const char *metric)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=month&at=%s", sp, at);
    json_t *j = tk_get_ok(path);
    json_t *v = json_incref(json_object_get(json_object_get(j, "kpis"), metric));
    json_decref(j);
    return v;
}

static void check_metric(const char *sp, const char *at, const char *metric, const char *want)
{
    char ctx[160];
    snprintf(ctx, sizeof(ctx), "%s %s of the month of %s", sp, metric, at);
    json_t *v = metric_of(sp, at, metric);
    tk_check_like(v, want, ctx);
    json_decref(v);
}

static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-o1", "{\"name\":\"催收组\"}");
    tk_put_ok("/api/v1/salespeople/sp-o1", "{\"name\":\"周洁\",\"team_id\":\"t-o1\"}");
    tk_put_ok("/api/v1/salespeople/sp-o2", "{\"name\":\"吴刚\",\"team_id\":\"t-o1\"}");
    tk_put_ok("/api/v1/customers/o-1", "{\"name\":\"远东机电\",\"owner_id\":\"sp-o1\"}");
    tk_put_ok("/api/v1/customers/o-2", "{\"name\":\"南方化工\",\"owner_id\":\"sp-o2\"}");
    tk_put_ok("/api/v1/customers/o-3", "{\"name\":\"西岭物流\",\"owner_id\":\"sp-o1\"}");
    tk_post_counts(october(), N_OCTOBER, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
}

/* At the end of October: sp-o1 has o-a1 1000.00 past due (o-a2, o-c1 due in
 * 2099), 1700.00 open of 1700.00 invoiced over 31 days: DSO 31.0; tk-1 is
 * overdue, tk-2 was closed in time. sp-o2 was paid: 0.00, DSO 0.0; tk-3 is
 * exactly at its target (on time), and overdue at the end of November. */
static void test_metrics(void)
{
    check_metric("sp-o1", "2026-10-15", "receivables_overdue", "\"1000.00\"");
    check_metric("sp-o1", "2026-10-15", "dso", "31.0");
    check_metric("sp-o1", "2026-10-15", "tickets_overdue", "1");
    check_metric("sp-o2", "2026-10-15", "receivables_overdue", "\"0.00\"");
    check_metric("sp-o2", "2026-10-15", "dso", "0.0");
    check_metric("sp-o2", "2026-10-15", "tickets_overdue", "0");
    check_metric("sp-o2", "2026-11-15", "tickets_overdue", "1");
    /* November invoiced nothing: no DSO */
    check_metric("sp-o1", "2026-11-15", "dso", "null");
    check_metric("sp-o1", "2026-11-15", "receivables_overdue", "\"1000.00\"");
    /* a team overview sums its members */
    json_t *j = tk_get_ok("/api/v1/kpis/teams/t-o1?period=month&at=2026-10-15");
    json_t *m = json_object_get(json_object_get(j, "metrics"), "receivables_overdue");
    tk_check_like(json_object_get(m, "actual"), "\"1000.00\"", "t-o1 receivables_overdue");
    tk_check_like(json_object_get(m, "direction"), "\"lower_is_better\"", "its direction");
    m = json_object_get(json_object_get(j, "metrics"), "dso");
    tk_check_like(json_object_get(m, "actual"), "26.4", "t-o1 dso: 1700 x 31 / 2000 = 26.35");
    m = json_object_get(json_object_get(j, "metrics"), "sales_amount");
    tk_check_like(json_object_get(m, "direction"), "\"higher_is_better\"", "sales' direction");
    json_decref(j);
    /* the metric list says the same */
    j = tk_get_ok("/api/v1/metrics");
    json_t *list = json_object_get(j, "metrics");
    json_t *dso = json_array_get(list, NQ_METRIC_DSO);
    tk_check(json_array_size(list) == NQ_METRIC_COUNT && strcmp(tk_str(dso, "metric"), "dso") == 0,
             "the metric list: %s", tk_text(j));
    tk_check_like(json_object_get(dso, "direction"), "\"lower_is_better\"", "dso in the list");
    tk_check_like(json_object_get(dso, "unit"), "\"days\"", "dso's unit");
    tk_check_like(json_object_get(json_array_get(list, 0), "direction"), "\"higher_is_better\"",
                  "sales_amount in the list");
    json_decref(j);
}

/* Boards by each, lower is better: sp-o2 first on the October receivables,
 * DSO and tickets; in November both have one ticket overdue: a tie, by id.
 * The same live and after a rebuild's replay (check_boards). */
static void check_boards(const char *when)
{
    static const struct {
        const char *metric, *at, *first, *first_value, *second_value;
        int second_rank;
    } rows[] = {
        {"receivables_overdue", "2026-10-31", "sp-o2", "\"0.00\"", "\"1000.00\"", 2},
        {"dso", "2026-10-31", "sp-o2", "0.0", "31.0", 2},
        {"tickets_overdue", "2026-10-31", "sp-o2", "0", "1", 2},
        {"tickets_overdue", "2026-11-30", "sp-o1", "1", "1", 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char path[200];
        snprintf(path, sizeof(path),
                 "/api/v1/leaderboards?scope=team:t-o1&metric=%s&period=month&at=%s",
                 rows[i].metric, rows[i].at);
        json_t *j = tk_get_ok(path);
        json_t *e = json_object_get(j, "entries");
        tk_check(json_array_size(e) == 2, "%s %s: two entries: %s", when, path, tk_text(j));
        tk_check_like(json_object_get(j, "direction"), "\"lower_is_better\"", path);
        json_t *a = json_array_get(e, 0), *b = json_array_get(e, 1);
        tk_check(strcmp(tk_str(a, "salesperson_id"), rows[i].first) == 0 && tk_num(a, "rank") == 1,
                 "%s %s: %s first: %s", when, path, rows[i].first, tk_text(j));
        tk_check_like(json_object_get(a, "value"), rows[i].first_value, path);
        tk_check_like(json_object_get(b, "value"), rows[i].second_value, path);
        tk_check(tk_num(b, "rank") == rows[i].second_rank, "%s %s: second's rank: %s", when, path,
                 tk_text(j));
        json_decref(j);
    }
}

static void test_leaderboards(void)
{
    check_boards("live");
}

/* A scorecard of the two overdue figures, 0.5 each, and sp-o1's October
 * ceilings: receivables 500.00 (1000.00 overdue: 500 / 1000 = 0.5) and 2
 * tickets (1 overdue: within, 1.0). Score 50 x 0.5 + 50 x 1.0 = 75.00. */
static void test_scorecard(void)
{
    json_decref(tk_call("PUT", "/api/v1/teams/t-o1/scorecard",
                        "{\"effective_from\":\"2026-10-01\",\"metrics\":["
                        "{\"metric\":\"receivables_overdue\",\"weight\":0.5},"
                        "{\"metric\":\"tickets_overdue\",\"weight\":0.5}]}",
                        201));
    tk_put_ok("/api/v1/targets/salespeople/sp-o1/month/2026-10",
              "{\"targets\":{\"receivables_overdue\":\"500.00\",\"tickets_overdue\":2}}");
    json_t *j = tk_get_ok("/api/v1/scores/salespeople/sp-o1?period=month&at=2026-10-15");
    json_t *sc = json_object_get(j, "scorecard");
    tk_check_like(json_object_get(sc, "score"), "75.0", "sp-o1's October score");
    static const char *const want[][2] = {{"receivables_overdue", "0.5"},
                                          {"tickets_overdue", "1.0"}};
    for (size_t i = 0; i < 2; i++) {
        json_t *line = json_array_get(json_object_get(sc, "metrics"), i);
        tk_check(strcmp(tk_str(line, "metric"), want[i][0]) == 0, "line %zu: %s", i, tk_text(sc));
        tk_check_like(json_object_get(line, "attainment"), want[i][1], want[i][0]);
        tk_check_like(json_object_get(line, "direction"), "\"lower_is_better\"", want[i][0]);
    }
    json_decref(j);
    /* the overview agrees: attainment 0.5, over the ceiling by 500.00 */
    j = tk_get_ok("/api/v1/kpis/salespeople/sp-o1?period=month&at=2026-10-15");
    json_t *m = json_object_get(json_object_get(j, "metrics"), "receivables_overdue");
    tk_check_like(json_object_get(m, "attainment"), "0.5", "overview attainment");
    json_decref(j);
}

/* The list now: o-1 has o-a1 past due; o-2 was paid; o-3's invoice is due in
 * 2099 (its next look is then). A payment of 1000.00 takes o-1 out. */
static void test_list(void)
{
    list_becomes("/api/v1/customers?overdue=receivable", "o-1");
    tk_check(strcmp(ids_of("/api/v1/customers?overdue=receivable&owner=sp-o2"), "") == 0,
             "sp-o2 has no overdue customer");
    tk_check(strcmp(ids_of("/api/v1/customers?overdue=receivable&team=t-o1&class=normal"), "o-1") ==
                 0,
             "with team and class: %s",
             ids_of("/api/v1/customers?overdue=receivable&team=t-o1&class=normal"));
    /* o-1 and o-3 wait for their 2099 due dates: the local midnight after them */
    redisReply *r = tk_cmd("ZSCORE %s o-3", NQ_KEY_AR_DUE);
    tk_check(r && r->type == REDIS_REPLY_STRING && strcmp(r->str, "4073558400000") == 0,
             "o-3's next look at 2099-02-01 00:00 +08:00: %s", r && r->str ? r->str : "none");
    freeReplyObject(r);
    r = tk_cmd("ZSCORE %s o-2", NQ_KEY_AR_DUE);
    tk_check(r && r->type == REDIS_REPLY_NIL, "o-2 has nothing open: no look");
    freeReplyObject(r);

    tk_post_counts(json_pack("[o]", ev("o-p2", "payment", "sp-o1", "o-1",
                                       "2026-11-20T10:00:00+08:00", "1000.00", NULL)),
                   1, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    list_becomes("/api/v1/customers?overdue=receivable", "");
    /* paid on 11-20: still past due at the end of October, not at November's */
    check_metric("sp-o1", "2026-10-15", "receivables_overdue", "\"1000.00\"");
    check_metric("sp-o1", "2026-11-15", "receivables_overdue", "\"0.00\"");
    tk_expect_400("GET", "/api/v1/customers?overdue=late", NULL, "overdue");
}

/* The figures of both months, as one text. */
static char *figures(void)
{
    static const char *const metrics[] = {"receivables_overdue", "dso", "tickets_overdue"};
    static const char *const sps[] = {"sp-o1", "sp-o2"};
    static const char *const months[] = {"2026-10-15", "2026-11-15"};
    json_t *all = json_array();
    for (size_t s = 0; s < 2; s++)
        for (size_t m = 0; m < 2; m++)
            for (size_t k = 0; k < 3; k++)
                json_array_append_new(all, metric_of(sps[s], months[m], metrics[k]));
    json_array_append_new(all, json_string(ids_of("/api/v1/customers?overdue=receivable")));
    char *text = json_dumps(all, JSON_ENCODE_ANY);
    json_decref(all);
    return text;
}

/* The same events again (new deliveries of the same event ids): nothing moves. */
static void test_duplicates(void)
{
    char *before = figures();
    tk_post_counts(october(), 0, N_OCTOBER);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    char *after = figures();
    tk_check(strcmp(before, after) == 0, "after duplicates %s, before %s", after, before);
    free(before);
    free(after);
}

/* Drop what the indexer keeps for these figures (tickets hashes, o-1's
 * facts, the looks, the list index); a rebuild's replay gives them back
 * equal, the overdue list too. */
static void test_rebuild(void)
{
    char *before = figures();
    tk_redis_do("DEL %s", "nq:{sp:sp-o1}:tickets");
    tk_redis_do("DEL %s", "nq:{sp:sp-o2}:tickets");
    tk_redis_do("DEL %s", "nq:cust:o-1:ar"); /* set again by events that join the timeline */
    tk_redis_do("DEL %s", "nq:cust:o-1:timeline");
    tk_redis_do("DEL %s", "nq:cust:o-1:sums");
    tk_redis_do("DEL %s", NQ_KEY_AR_DUE);
    tk_redis_do("DEL %s", "nq:ix:customers:overdue=receivable");
    json_decref(tk_call("POST", "/api/v1/admin/rebuild", NULL, 202));
    long long requested = tk_redis_int("HGET %s requested_at", NQ_KEY_REBUILD_JOB);
    for (int64_t deadline = tk_mono_ms() + INDEX_MS;
         tk_mono_ms() < deadline && tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) != requested;)
        usleep(20000);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    CU_ASSERT_TRUE(tk_wait_rebuild_ended(INDEX_MS));
    /* the looks the replay asked for have run once o-3's is scheduled again */
    for (int64_t deadline = tk_mono_ms() + LOOK_MS;
         tk_mono_ms() < deadline && tk_redis_int("ZSCORE %s o-3", NQ_KEY_AR_DUE) == 0;)
        usleep(50000);
    char *after = figures();
    tk_check(strcmp(before, after) == 0, "after the replay %s, live %s", after, before);
    free(before);
    free(after);
    check_boards("rebuilt");
}

static CU_TestInfo tests[] = {
    {"the org, invoices, payments and tickets", test_setup},
    {"receivables_overdue, dso, tickets_overdue at a month's end", test_metrics},
    {"team boards by the three, lowest first", test_leaderboards},
    {"a scorecard of ceilings", test_scorecard},
    {"overdue=receivable: in, out after a payment", test_list},
    {"duplicates change nothing", test_duplicates},
    {"a rebuild's replay gives the same figures and list", test_rebuild},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"overdue", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
