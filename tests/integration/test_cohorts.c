/* test_cohorts.c — two figures that must keep to their period, through the whole suite
 * (harness.h: real Redis, every process, HTTP).
 *
 * On-time completion (docs/metrics.md): of the orders due in a period, the share fulfilled
 * on time, whenever the fulfilment is recorded. The events below are posted in a shuffled
 * order, half of them twice (redeliveries), and the rates of November, December, a day, a
 * week, the quarter, a salesperson, the company are checked against the cohort worked out
 * by hand, within [0, 1] (no event occurs after 2026-12-04: none is in the future). The
 * issue's case: an order due 2026-12-03 fulfilled on
 * 2026-11-30 counts in December only. A fulfilment recorded late raises a closed month's
 * rate. A rebuild over the log, after the sets were damaged, gives the same figures.
 *
 * Key customers (docs/metrics.md, nq/keyset.h): a period's coverage uses the key
 * customers at its end. Customers owned since before last month, visited then; one moves
 * to another salesperson now: last month's coverage of both stays as it was (1.0 for the
 * new owner, not 0.5), the current month of the new owner includes the customer and the
 * old owner's does not. A class change now likewise. `since` is checked (not before the
 * last change, not in the future), and the rebuild leaves the key-customer history alone.
 * A customer deleted now leaves last month as it was. A team's part of a month (a member
 * who moved during it) counts the key customers at the end of the member's days in the
 * team. */
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

#define SCORE_MS   15000 /* how long scorers may take to apply what was accepted */
#define REBUILD_MS 60000 /* how long a rebuild may take */
/* Ratios are shown rounded (4 decimals): a figure is right within half the last one. */
#define TOL 5.1e-5

/* ================================================================ helpers */

/* A ratio in an answer: `want` < 0 means null. Defined ratios must be within [0, 1]. */
static void check_ratio(const json_t *got, double want, const char *ctx)
{
    if (want < 0) {
        tk_check(json_is_null(got), "%s: want null, got %s", ctx, tk_text(got));
        return;
    }
    double v = json_number_value(got);
    tk_check(json_is_number(got) && fabs(v - want) < TOL, "%s: want %.4f, got %s", ctx, want,
             tk_text(got));
    tk_check(json_is_number(got) && v >= 0 && v <= 1, "%s: %s is not within [0, 1]", ctx,
             tk_text(got));
}

/* A salesperson's metric for the period of `kind` containing `at` (a date). */
static void check_sp(const char *sp, const char *kind, const char *at, const char *metric,
                     double want)
{
    char path[256], ctx[256];
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=%s&at=%s", sp, kind, at);
    snprintf(ctx, sizeof(ctx), "%s %s of %s %s", sp, metric, kind, at);
    json_t *j = tk_get_ok(path);
    check_ratio(json_object_get(json_object_get(j, "kpis"), metric), want, ctx);
    json_decref(j);
}

/* An overview's actual value of `metric` (path: /api/v1/kpis/...). */
static void check_overview(const char *path, const char *metric, double want)
{
    char ctx[256];
    snprintf(ctx, sizeof(ctx), "%s %s", path, metric);
    json_t *j = tk_get_ok(path);
    const json_t *m = json_object_get(json_object_get(j, "metrics"), metric);
    check_ratio(json_object_get(m, "actual"), want, ctx);
    json_decref(j);
}

/* Request a rebuild of everything and wait until it is done. */
static void rebuild(void)
{
    int status;
    json_t *j = tk_api_raw("POST", "/api/v1/admin/rebuild", NULL, &status);
    tk_check(status == 202, "POST rebuild: want 202, got %d %s", status, tk_text(j));
    json_decref(j);
    const char *state = "";
    for (int64_t deadline = tk_mono_ms() + REBUILD_MS; tk_mono_ms() < deadline; usleep(100000)) {
        j = tk_api("GET", "/api/v1/admin/rebuild", NULL, &status);
        state = json_string_value(json_object_get(j, "state"));
        bool over = state && (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0);
        tk_check(!state || strcmp(state, "failed") != 0, "rebuild failed: %s", tk_text(j));
        json_decref(j);
        if (over)
            return;
    }
    tk_check(false, "rebuild not done within %d ms", REBUILD_MS);
}

/* ================================================================ on-time completion */

#define SP_A "sp-ot-a"
#define SP_B "sp-ot-b"

/* One event: an order (due may be NULL, order_id may be NULL) or a fulfilment (on_time 1
 * true, 2 false). */
typedef struct oev {
    const char *id, *type, *sp, *at, *order_id, *due;
    int on_time;
} oev_t;

#define ORD(i, s, a, o, d)                                                                         \
    {                                                                                              \
        i, "order", s, a, o, d, 0                                                                  \
    }
#define FUL(i, s, a, o, t)                                                                         \
    {                                                                                              \
        i, "order_fulfilled", s, a, o, NULL, t                                                     \
    }
#define T(md, hm) "2026-" md "T" hm ":00+08:00"

/* By hand (due in: November / December, on time or not):
 *   sp-ot-a  A1 due 11-10, on time 11-09            Nov  on time
 *            A2 due 11-20, late 11-25               Nov  -
 *            A4 due 11-28, never fulfilled          Nov  -
 *            A3 due 12-03, on time 11-30 (the issue) Dec on time
 *            A5 due 12-15, on time 12-04            Dec  on time
 *            A6 ordered twice, due 12-20, on time 12-02   Dec  on time (one order)
 *            an order due 12-10 without order_id    Dec  - (nothing can name it)
 *            X9 fulfilled on time, never ordered; A7 ordered without due date, fulfilled;
 *            B2 (sp-ot-b's) fulfilled under sp-ot-a: none of these counts anywhere;
 *            A1 fulfilled again, late, 11-16: still on time (one on-time fulfilment is enough).
 *   sp-ot-b  B1 due 11-15, on time 11-14            Nov  on time
 *            B2 due 11-18, fulfilled only under sp-ot-a   Nov  -
 *            B4 due 11-05 (its on-time fulfilment comes later, in test_late_fulfilment)
 *            B3 due 12-01, on time 11-29            Dec  on time
 * November: a 1 of 3, b 1 of 3 (2 of 3 with B4's); December: a 3 of 4, b 1 of 1. */
static const oev_t s_orders[] = {
    ORD("ot-a1", SP_A, T("11-02", "10:00"), "A1", T("11-10", "12:00")),
    FUL("ot-a1f", SP_A, T("11-09", "10:00"), "A1", 1),
    ORD("ot-a2", SP_A, T("11-03", "10:00"), "A2", T("11-20", "12:00")),
    FUL("ot-a2f", SP_A, T("11-25", "10:00"), "A2", 2),
    ORD("ot-a4", SP_A, T("11-04", "10:00"), "A4", T("11-28", "12:00")),
    ORD("ot-a3", SP_A, T("11-05", "10:00"), "A3", T("12-03", "12:00")),
    FUL("ot-a3f", SP_A, T("11-30", "10:00"), "A3", 1),
    ORD("ot-a5", SP_A, T("11-06", "10:00"), "A5", T("12-15", "12:00")),
    FUL("ot-a5f", SP_A, T("12-04", "10:00"), "A5", 1),
    ORD("ot-a6", SP_A, T("11-07", "10:00"), "A6", T("12-20", "12:00")),
    ORD("ot-a6b", SP_A, T("11-08", "10:00"), "A6", T("12-20", "12:00")),
    FUL("ot-a6f", SP_A, T("12-02", "10:00"), "A6", 1),
    ORD("ot-anoid", SP_A, T("11-09", "10:00"), NULL, T("12-10", "12:00")),
    FUL("ot-x9f", SP_A, T("11-12", "10:00"), "X9", 1),
    ORD("ot-a7", SP_A, T("11-10", "10:00"), "A7", NULL),
    FUL("ot-a7f", SP_A, T("11-13", "10:00"), "A7", 1),
    FUL("ot-b2f", SP_A, T("11-17", "10:00"), "B2", 1),
    FUL("ot-a1n", SP_A, T("11-16", "10:00"), "A1", 2),
    ORD("ot-b1", SP_B, T("11-01", "10:00"), "B1", T("11-15", "12:00")),
    FUL("ot-b1f", SP_B, T("11-14", "10:00"), "B1", 1),
    ORD("ot-b2", SP_B, T("11-02", "10:00"), "B2", T("11-18", "12:00")),
    ORD("ot-b4", SP_B, T("11-01", "09:00"), "B4", T("11-05", "12:00")),
    ORD("ot-b3", SP_B, T("11-20", "10:00"), "B3", T("12-01", "12:00")),
    FUL("ot-b3f", SP_B, T("11-29", "10:00"), "B3", 1),
};
#define N_ORDERS (sizeof(s_orders) / sizeof(s_orders[0]))

static json_t *oev_json(const oev_t *e)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event_id", e->id, "type", e->type,
                          "salesperson_id", e->sp, "customer_id", "c-ot", "occurred_at", e->at,
                          "source", "it-cohorts");
    if (strcmp(e->type, "order") == 0)
        json_object_set_new(o, "amount", json_string("100.00"));
    if (e->order_id)
        json_object_set_new(o, "order_id", json_string(e->order_id));
    if (e->due)
        json_object_set_new(o, "due_at", json_string(e->due));
    if (strcmp(e->type, "order_fulfilled") == 0)
        json_object_set_new(o, "on_time", json_boolean(e->on_time == 1));
    return o;
}

static const oev_t *find_order(const char *id)
{
    for (size_t i = 0; i < N_ORDERS; i++) {
        if (strcmp(s_orders[i].id, id) == 0)
            return &s_orders[i];
    }
    CU_FAIL_FATAL("no such event");
    return NULL;
}

static void test_post_orders(void)
{
    json_decref(tk_put("/api/v1/salespeople/" SP_A, json_pack("{s:s}", "name", "甲"), 200));
    json_decref(tk_put("/api/v1/salespeople/" SP_B, json_pack("{s:s}", "name", "乙"), 200));
    /* A fixed shuffle: fulfilments often come before their orders. */
    size_t order[N_ORDERS];
    for (size_t i = 0; i < N_ORDERS; i++)
        order[i] = i;
    uint32_t x = 2463534242u;
    for (size_t i = N_ORDERS; i > 1; i--) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t j = x % i, t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    json_t *first = json_array(), *again = json_array();
    int n_again = 0;
    for (size_t i = 0; i < N_ORDERS; i++) {
        const oev_t *e = &s_orders[order[i]];
        if (strcmp(e->id, "ot-b4") == 0 || strcmp(e->id, "ot-a1n") == 0)
            continue; /* both go with the redeliveries */
        json_array_append_new(first, oev_json(e));
        if (i % 2 == 0) {
            json_array_append_new(again, oev_json(e));
            n_again++;
        }
    }
    int n_first = (int)json_array_size(first);
    tk_post_counts(first, n_first, 0);
    json_array_append_new(again, oev_json(find_order("ot-a1n"))); /* A1 late, after on time */
    json_array_append_new(again, oev_json(find_order("ot-b4")));  /* B4, due 11-05 */
    tk_post_counts(again, 2, n_again);
    tk_wait_scored(SCORE_MS);
}

/* Every figure of the cohorts above; b_nov_on_time is 1 before B4's fulfilment, 2 after. */
static void check_cohorts(int b_nov_on_time)
{
    check_sp(SP_A, "month", "2026-11-15", "order_completion_rate", 1.0 / 3);
    check_sp(SP_A, "month", "2026-12-15", "order_completion_rate", 3.0 / 4);
    check_sp(SP_B, "month", "2026-11-15", "order_completion_rate", b_nov_on_time / 3.0);
    check_sp(SP_B, "month", "2026-12-15", "order_completion_rate", 1.0);
    /* The order: due 12-03, fulfilled 11-30. That day and its week (W49, 11-30 to
     * 12-06: A3 and B3) count it; 11-30, when it was fulfilled, had nothing due. */
    check_sp(SP_A, "day", "2026-12-03", "order_completion_rate", 1.0);
    check_sp(SP_A, "day", "2026-11-30", "order_completion_rate", -1);
    check_sp(SP_A, "week", "2026-12-03", "order_completion_rate", 1.0);
    check_sp(SP_B, "week", "2026-12-03", "order_completion_rate", 1.0);
    /* The quarter: the union of its months, 4 of 7 and 1 + b of 4. */
    check_sp(SP_A, "quarter", "2026-11-15", "order_completion_rate", 4.0 / 7);
    check_sp(SP_B, "quarter", "2026-11-15", "order_completion_rate", (1.0 + b_nov_on_time) / 4);
    /* The company: its members' cohorts summed. */
    check_overview("/api/v1/kpis/company?period=month&at=2026-11-15", "order_completion_rate",
                   (1.0 + b_nov_on_time) / 6);
    check_overview("/api/v1/kpis/company?period=month&at=2026-12-15", "order_completion_rate",
                   4.0 / 5);
}

static void test_cohort_figures(void)
{
    check_cohorts(1);
}

/* A fulfilment recorded in December for an order due in November raises November. */
static void test_late_fulfilment(void)
{
    oev_t late = FUL("ot-b4f", SP_B, T("11-04", "18:00"), "B4", 1);
    json_t *arr = json_array();
    json_array_append_new(arr, oev_json(&late));
    tk_post_counts(arr, 1, 0);
    tk_wait_scored(SCORE_MS);
    check_cohorts(2);
}

/* The due and on-time sets damaged, then rebuilt from the log: the same figures. */
static void test_rebuild_cohorts(void)
{
    tk_redis_do("DEL %s", "nq:{sp:" SP_A "}:ontime");
    tk_redis_do("DEL %s", "nq:{sp:" SP_B "}:due:2026-11");
    tk_redis_do("SADD %s X9", "nq:{sp:" SP_A "}:due:2026-12");
    check_sp(SP_A, "month", "2026-12-15", "order_completion_rate", 0.0);
    rebuild();
    check_cohorts(2);
}

/* ================================================================ key customers */

#define SP_K1  "sp-key-1"
#define SP_K2  "sp-key-2"
#define TEAM_K "t-key"

static char s_prev_at[16], s_cur_at[16]; /* a date in last month, in this month */
static char s_since[40];                 /* before last month began */

static void put_customer(const char *id, const char *cls, const char *owner, const char *since,
                         int want)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/customers/%s", id);
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", id, "class", cls, "owner_id", owner);
    if (since)
        json_object_set_new(body, "since", json_string(since));
    json_decref(tk_put(path, body, want));
}

static json_t *visit(const char *id, const char *sp, const char *cust, int64_t at)
{
    return tk_event(id, "visit", sp, cust, at, NULL);
}

/* Last month: sp-key-1 owns k1-a, k1-b, k1-c (key) and visits k1-a and k1-c; sp-key-2 owns
 * k2-a and visits it. This month (so far): sp-key-1 visits k1-a and k1-c, sp-key-2 k2-a. */
static void test_key_setup(void)
{
    int64_t now = nq_now_ms();
    nq_period_t cur, prev;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, now, &cur), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, cur.start_ms - 1, &prev), 0);
    nq_time_format(prev.start_ms + 10 * 86400000LL, s_prev_at, sizeof(s_prev_at));
    s_prev_at[10] = '\0';
    nq_time_format(now, s_cur_at, sizeof(s_cur_at));
    s_cur_at[10] = '\0';
    nq_time_format(prev.start_ms - 86400000LL, s_since, sizeof(s_since));

    /* The team first, then its salespeople (their team_id makes them members since the
     * start), then their customers: an org is entered in that order (docs/api.md). */
    json_decref(tk_put("/api/v1/teams/" TEAM_K, json_pack("{s:s}", "name", "重点组"), 200));
    json_decref(tk_put("/api/v1/salespeople/" SP_K1,
                       json_pack("{s:s, s:s}", "name", "丙", "team_id", TEAM_K), 200));
    json_decref(tk_put("/api/v1/salespeople/" SP_K2,
                       json_pack("{s:s, s:s}", "name", "丁", "team_id", TEAM_K), 200));
    put_customer("k1-a", "key", SP_K1, s_since, 200);
    put_customer("k1-b", "key", SP_K1, s_since, 200);
    put_customer("k1-c", "key", SP_K1, s_since, 200);
    put_customer("k2-a", "key", SP_K2, s_since, 200);

    int64_t in_prev = prev.start_ms + 3 * 86400000LL;
    json_t *arr = json_array();
    json_array_append_new(arr, visit("kv-1", SP_K1, "k1-a", in_prev));
    json_array_append_new(arr, visit("kv-2", SP_K1, "k1-c", in_prev + 3600000));
    json_array_append_new(arr, visit("kv-3", SP_K2, "k2-a", in_prev));
    json_array_append_new(arr, visit("kv-4", SP_K1, "k1-a", now));
    json_array_append_new(arr, visit("kv-5", SP_K1, "k1-c", now));
    json_array_append_new(arr, visit("kv-6", SP_K2, "k2-a", now));
    tk_post_counts(arr, 6, 0);
    tk_wait_scored(SCORE_MS);

    check_sp(SP_K1, "month", s_prev_at, "coverage", 2.0 / 3);
    check_sp(SP_K2, "month", s_prev_at, "coverage", 1.0);
    check_sp(SP_K1, "month", s_cur_at, "coverage", 2.0 / 3);
    check_sp(SP_K2, "month", s_cur_at, "coverage", 1.0);
}

/* Last month's figures, the same before and after anything done now. */
static void check_last_month(void)
{
    char path[128];
    check_sp(SP_K1, "month", s_prev_at, "coverage", 2.0 / 3);
    check_sp(SP_K2, "month", s_prev_at, "coverage", 1.0);
    snprintf(path, sizeof(path), "/api/v1/kpis/teams/" TEAM_K "?period=month&at=%s", s_prev_at);
    check_overview(path, "coverage", 3.0 / 4);
}

/* The issue: k1-c moves to sp-key-2 now. */
static void test_move_now(void)
{
    put_customer("k1-c", "key", SP_K2, NULL, 200);
    check_last_month();
    /* This month: sp-key-1 owns k1-a, k1-b (k1-a visited); sp-key-2 k2-a and k1-c (k2-a). */
    check_sp(SP_K1, "month", s_cur_at, "coverage", 1.0 / 2);
    check_sp(SP_K2, "month", s_cur_at, "coverage", 1.0 / 2);
    /* The customer reads back with when its new owner took over: now, today. */
    json_t *j = tk_get_ok("/api/v1/customers/k1-c");
    const char *since = json_string_value(json_object_get(j, "since"));
    tk_check(since && strncmp(since, s_cur_at, 10) == 0, "k1-c since: want today %s, got %s",
             s_cur_at, tk_text(j));
    json_decref(j);
}

/* A class change now: k1-b is no longer key. */
static void test_class_change_now(void)
{
    put_customer("k1-b", "normal", SP_K1, NULL, 200);
    check_last_month();
    check_sp(SP_K1, "month", s_cur_at, "coverage", 1.0);
    /* Put again unchanged: nothing moves, since stays. */
    json_t *before = tk_get_ok("/api/v1/customers/k1-b");
    put_customer("k1-b", "normal", SP_K1, NULL, 200);
    json_t *after = tk_get_ok("/api/v1/customers/k1-b");
    tk_check(json_equal(json_object_get(before, "since"), json_object_get(after, "since")),
             "an unchanged put moved since: %s", tk_text(after));
    json_decref(before);
    json_decref(after);
    check_last_month();
}

static void expect_400_since(const char *id, const char *owner, const char *since)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/customers/%s", id);
    int status;
    json_t *j = tk_api("PUT", path,
                       json_pack("{s:s, s:s, s:s, s:s}", "name", id, "class", "key", "owner_id",
                                 owner, "since", since),
                       &status);
    const char *field = json_string_value(
        json_object_get(json_array_get(json_object_get(j, "errors"), 0), "field"));
    tk_check(status == 400 && field && strcmp(field, "since") == 0,
             "PUT %s since %s: want 400 naming since, got %d %s", path, since, status, tk_text(j));
    json_decref(j);
}

/* A change may not be placed before the customer's last one, nor in the future; a refused
 * put changes nothing. */
static void test_since_refused(void)
{
    expect_400_since("k1-c", SP_K1, s_since);                     /* before today's move */
    expect_400_since("k2-a", SP_K1, "2099-01-01T00:00:00+08:00"); /* in the future */
    json_t *j = tk_get_ok("/api/v1/customers/k1-c");
    const char *owner = json_string_value(json_object_get(j, "owner_id"));
    tk_check(owner && strcmp(owner, SP_K2) == 0, "a refused put changed k1-c: %s", tk_text(j));
    json_decref(j);
    check_last_month();
    check_sp(SP_K2, "month", s_cur_at, "coverage", 1.0 / 2);
}

/* A rebuild recomputes the log's aggregates and leaves the key-customer history: every
 * figure stays. */
static void test_rebuild_keeps_history(void)
{
    rebuild();
    check_last_month();
    check_sp(SP_K1, "month", s_cur_at, "coverage", 1.0);
    check_sp(SP_K2, "month", s_cur_at, "coverage", 1.0 / 2);
    check_cohorts(2);
}

/* A key customer deleted now leaves its owner's key customers from now on: k2-a still
 * counts in sp-key-2's last month (visited: 1.0), not in this month's (only k1-c, which
 * sp-key-2 has not visited: 0). */
static void test_delete_now(void)
{
    int status;
    json_t *j = tk_api("DELETE", "/api/v1/customers/k2-a", NULL, &status);
    tk_check(status == 200 && json_is_string(json_object_get(j, "deleted_at")),
             "DELETE k2-a: want 200 with deleted_at, got %d %s", status, tk_text(j));
    json_decref(j);
    j = tk_api("GET", "/api/v1/customers/k2-a", NULL, &status);
    tk_check(status == 404, "GET k2-a after its delete: want 404, got %d %s", status, tk_text(j));
    json_decref(j);
    check_last_month();
    check_sp(SP_K2, "month", s_cur_at, "coverage", 0.0);
}

/* A team's part of a period reads the key customers at the end of the member's days in
 * it. k1-d becomes sp-key-1's key customer on day 20 of last month, and sp-key-1 moves to
 * t-key2 from day 11: t-key's last month has sp-key-1's days 1-10 (key customers at day 11:
 * k1-a, k1-b, k1-c; k1-a and k1-c visited on day 4) and sp-key-2's month (k2-a, visited):
 * 3 / 4, where key customers at the month's end would give 3 / 5. t-key2 has days 11 to
 * the end: k1-a..k1-d, none visited then: 0. sp-key-1's own month: 2 / 4. */
static void test_partial_span(void)
{
    char path[128], day11[40], day20[40];
    nq_period_t cur, prev;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, nq_now_ms(), &cur), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, cur.start_ms - 1, &prev), 0);
    nq_time_format(prev.start_ms + 10 * 86400000LL, day11, sizeof(day11));
    nq_time_format(prev.start_ms + 19 * 86400000LL, day20, sizeof(day20));
    put_customer("k1-d", "key", SP_K1, day20, 200);
    json_decref(tk_put("/api/v1/teams/t-key2", json_pack("{s:s}", "name", "重点二组"), 200));
    json_decref(tk_put(
        "/api/v1/salespeople/" SP_K1,
        json_pack("{s:s, s:s, s:s}", "name", "丙", "team_id", "t-key2", "effective_from", day11),
        200));
    snprintf(path, sizeof(path), "/api/v1/kpis/teams/" TEAM_K "?period=month&at=%s", s_prev_at);
    check_overview(path, "coverage", 3.0 / 4);
    snprintf(path, sizeof(path), "/api/v1/kpis/teams/t-key2?period=month&at=%s", s_prev_at);
    check_overview(path, "coverage", 0.0);
    check_sp(SP_K1, "month", s_prev_at, "coverage", 2.0 / 4);
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
    {"orders and fulfilments, shuffled, half of them twice", test_post_orders},
    {"on-time completion: the cohort of each period, within [0, 1]", test_cohort_figures},
    {"a fulfilment recorded late raises a closed month", test_late_fulfilment},
    {"rebuild: damaged due and on-time sets recomputed", test_rebuild_cohorts},
    {"key customers owned since before last month, visited", test_key_setup},
    {"a key customer moved now: last month stays, this month follows", test_move_now},
    {"a class change now: last month stays", test_class_change_now},
    {"since: not before the last change, not in the future", test_since_refused},
    {"rebuild: key-customer history untouched", test_rebuild_keeps_history},
    {"a key customer deleted now: last month stays", test_delete_now},
    {"a team's part of a month: key customers at the end of the member's days", test_partial_span},
    {"graceful shutdown", test_shutdown},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"cohorts", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
