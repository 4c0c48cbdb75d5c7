/* test_kpis_data.c — test_kpis's org and events, the counters counted by
 * hand from them, the metrics worked out by the formulas of docs/metrics.md,
 * and the checks of answers against them (see test_kpis.h). */
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

const ev_t s_events[] = {
    /* sp-zhang, 2025: a call in September; in October an order of 40000, a
     * visit of c-a1 and a rating of 4. */
    E("k-a-ly-call", "call", SP_A, NULL, D25("09-20", "10:00"), NULL),
    E("k-a-ly-order", "order", SP_A, "c-a1", D25("10-15", "10:00"), "40000.00"),
    E("k-a-ly-visit", "visit", SP_A, "c-a1", D25("10-16", "10:00"), NULL),
    EFB("k-a-ly-fb", SP_A, "c-a1", D25("10-17", "10:00"), 4, 0),
    /* sp-zhang, September 2026: SO-S1 12000 (due 10-08, fulfilled late in
     * October), SO-S2 8000 (due 09-30, fulfilled on time 09-29); a visit of
     * c-a2, a call, a payment of 5000, a rating of 3. */
    EO("k-a-s1", "order", SP_A, "c-a2", D26("09-22", "10:00"), "12000.00", "SO-S1", "2026-10-08"),
    EO("k-a-s2", "order", SP_A, "c-a1", D26("09-25", "10:00"), "8000.00", "SO-S2", "2026-09-30"),
    EF("k-a-s2-ful", SP_A, "c-a1", D26("09-29", "15:00"), NULL, "SO-S2", 1),
    E("k-a-s-visit", "visit", SP_A, "c-a2", D26("09-10", "10:00"), NULL),
    E("k-a-s-call", "call", SP_A, NULL, D26("09-11", "10:00"), NULL),
    E("k-a-s-pay", "payment", SP_A, "c-a1", D26("09-28", "10:00"), "5000.00"),
    EFB("k-a-s-fb", SP_A, "c-a2", D26("09-15", "10:00"), 3, 0),
    /* sp-zhang, October 2026: SO-A1 30000 (due 10-20, on time 10-19, 1500.50
     * returned on 10-31), SO-A2 20000 (due 11-05), SO-A3 10000 (no due date,
     * 4000 cancelled); SO-S1 fulfilled late; visits c-a1 twice, c-a3
     * (normal) and c-b3 (sp-li's key customer); 3 calls, a meeting, a new
     * customer, a payment of 25000, ratings 5 and 4 and an NPS-only answer,
     * a ticket; and the types that move no counter. */
    EO("k-a-o1", "order", SP_A, "c-a1", D26("10-09", "10:00"), "30000.00", "SO-A1", "2026-10-20"),
    EO("k-a-o2", "order", SP_A, "c-a2", D26("10-12", "11:00"), "20000.00", "SO-A2", "2026-11-05"),
    EO("k-a-o3", "order", SP_A, "c-a3", D26("10-15", "09:00"), "10000.00", "SO-A3", NULL),
    EO("k-a-x3", "order_cancelled", SP_A, "c-a3", D26("10-16", "10:00"), "4000.00", "SO-A3", NULL),
    EO("k-a-r1", "return", SP_A, "c-a1", D26("10-31", "10:00"), "1500.50", "SO-A1", NULL),
    EF("k-a-f1", SP_A, "c-a1", D26("10-19", "16:00"), "30000.00", "SO-A1", 1),
    EF("k-a-fs1", SP_A, "c-a2", D26("10-22", "16:00"), NULL, "SO-S1", 2),
    E("k-a-v1", "visit", SP_A, "c-a1", D26("10-13", "09:00"), NULL),
    E("k-a-v2", "visit", SP_A, "c-a1", D26("10-14", "09:00"), NULL),
    E("k-a-v3", "visit", SP_A, "c-a3", D26("10-15", "14:00"), NULL),
    E("k-a-v4", "visit", SP_A, "c-b3", D26("10-21", "10:00"), NULL),
    E("k-a-c1", "call", SP_A, "c-a1", D26("10-13", "15:00"), NULL),
    E("k-a-c2", "call", SP_A, NULL, D26("10-13", "16:00"), NULL),
    E("k-a-c3", "call", SP_A, "c-a3", D26("10-15", "10:00"), NULL),
    E("k-a-m1", "meeting", SP_A, NULL, D26("10-14", "14:00"), NULL),
    E("k-a-n1", "new_customer", SP_A, "c-a-new", D26("10-16", "15:00"), NULL),
    E("k-a-p1", "payment", SP_A, "c-a1", D26("10-23", "10:00"), "25000.00"),
    EFB("k-a-fb1", SP_A, "c-a1", D26("10-19", "18:00"), 5, 9),
    EFB("k-a-fb2", SP_A, "c-a3", D26("10-24", "18:00"), 4, 0),
    EFB("k-a-fb3", SP_A, "c-a1", D26("10-25", "18:00"), 0, 7),
    EX("k-a-t1", "ticket_opened", SP_A, "c-a1", D26("10-26", "10:00"), "ticket_id", "TK-A1"),
    EX("k-a-t2", "ticket_closed", SP_A, "c-a1", D26("10-27", "10:00"), "ticket_id", "TK-A1"),
    EO("k-a-i1", "invoice", SP_A, "c-a1", D26("10-10", "10:00"), "30000.00", "SO-A1", "2026-11-30"),
    EX("k-a-ci", "competitor_intel", SP_A, "c-a1", D26("10-18", "10:00"), "competitor", "某竞品"),
    EX("k-a-tr", "training", SP_A, NULL, D26("10-17", "19:00"), "course", "大客户谈判"),
    /* sp-li, October 2025: an order of 20000, 2000 of it returned. */
    EO("k-b-ly-o", "order", SP_B, "c-b1", D25("10-20", "10:00"), "20000.00", "SO-BLY", NULL),
    EO("k-b-ly-r", "return", SP_B, "c-b1", D25("10-21", "10:00"), "2000.00", "SO-BLY", NULL),
    /* sp-li, September 2026: an order of 10000, a visit of c-b2. */
    E("k-b-s-o", "order", SP_B, "c-b1", D26("09-15", "10:00"), "10000.00"),
    E("k-b-s-v", "visit", SP_B, "c-b2", D26("09-16", "10:00"), NULL),
    /* sp-li, October 2026: SO-B1 45000 (due 10-25, on time, 5000 returned),
     * SO-B2 5000 (due 10-28, on time), SO-B3 2000 on 10-31 due that evening
     * (not fulfilled); visits c-b1 twice and c-b3; 5 calls; a rating of 2; a
     * payment of 30000. */
    EO("k-b-o1", "order", SP_B, "c-b1", D26("10-10", "10:00"), "45000.00", "SO-B1", "2026-10-25"),
    EO("k-b-o2", "order", SP_B, "c-b2", D26("10-15", "14:00"), "5000.00", "SO-B2", "2026-10-28"),
    EO("k-b-o3", "order", SP_B, "c-b3", D26("10-31", "11:00"), "2000.00", "SO-B3",
       D26("10-31", "18:00")),
    EF("k-b-f1", SP_B, "c-b1", D26("10-24", "10:00"), NULL, "SO-B1", 1),
    EF("k-b-f2", SP_B, "c-b2", D26("10-29", "10:00"), NULL, "SO-B2", 1),
    EO("k-b-r1", "return", SP_B, "c-b1", D26("10-27", "10:00"), "5000.00", "SO-B1", NULL),
    E("k-b-v1", "visit", SP_B, "c-b1", D26("10-12", "10:00"), NULL),
    E("k-b-v2", "visit", SP_B, "c-b3", D26("10-13", "10:00"), NULL),
    E("k-b-v3", "visit", SP_B, "c-b1", D26("10-22", "10:00"), NULL),
    E("k-b-c1", "call", SP_B, "c-b1", D26("10-12", "11:00"), NULL),
    E("k-b-c2", "call", SP_B, "c-b2", D26("10-12", "12:00"), NULL),
    E("k-b-c3", "call", SP_B, NULL, D26("10-14", "10:00"), NULL),
    E("k-b-c4", "call", SP_B, "c-b3", D26("10-19", "10:00"), NULL),
    E("k-b-c5", "call", SP_B, NULL, D26("10-26", "10:00"), NULL),
    EFB("k-b-fb1", SP_B, "c-b1", D26("10-26", "18:00"), 2, 0),
    E("k-b-p1", "payment", SP_B, "c-b1", D26("10-28", "10:00"), "30000.00"),
    /* sp-wang, October 2026: an order of 47000 (as much as sp-li's net), a
     * visit of c-c1 (normal). */
    EO("k-c-o1", "order", SP_C, "c-c1", D26("10-16", "10:00"), "47000.00", "SO-C1", NULL),
    E("k-c-v1", "visit", SP_C, "c-c1", D26("10-17", "10:00"), NULL),
    /* sp-zhao (t-west), October 2026: an order of 3000, a visit of c-w1. */
    E("k-w-o1", "order", SP_W, "c-w1", D26("10-05", "10:00"), "3000.00"),
    E("k-w-v1", "visit", SP_W, "c-w1", D26("10-06", "10:00"), NULL),
};
const size_t s_n_events = sizeof(s_events) / sizeof(s_events[0]);

/* Hand-counted counters per salesperson and month, and the customers
 * visited that month. Quarters and years are their months summed (sets
 * joined). */
typedef struct month_row {
    const char *sp;
    const char *month;
    cnt_t c;
    const char *visited[4];
} month_row_t;

static const month_row_t s_months[] = {
    /* 2000000 = 12000 + 8000; SO-S2 due and on time in September. */
    {SP_A,
     "2026-09",
     {.sales = 2000000,
      .orders = 2,
      .visits = 1,
      .calls = 1,
      .collections = 500000,
      .order_value = 2000000,
      .due = 1,
      .on_time = 1,
      .fb_sum = 3,
      .fb_count = 1},
     {"c-a2"}},
    /* 5449950 = 30000 + 20000 + 10000 - 4000 - 1500.50; due in October:
     * SO-A1 (10-20) and SO-S1 (10-08), on time: SO-A1 only; ratings 5 + 4. */
    {SP_A,
     "2026-10",
     {.sales = 5449950,
      .orders = 3,
      .visits = 4,
      .calls = 3,
      .meetings = 1,
      .new_customers = 1,
      .collections = 2500000,
      .order_value = 6000000,
      .due = 2,
      .on_time = 1,
      .fb_sum = 9,
      .fb_count = 2,
      .tickets = 1},
     {"c-a1", "c-a3", "c-b3"}},
    /* SO-A2 falls due on 11-05. */
    {SP_A, "2026-11", {.due = 1}, {NULL}},
    {SP_A, "2025-09", {.calls = 1}, {NULL}},
    {SP_A,
     "2025-10",
     {.sales = 4000000,
      .orders = 1,
      .visits = 1,
      .order_value = 4000000,
      .fb_sum = 4,
      .fb_count = 1},
     {"c-a1"}},
    {SP_B,
     "2026-09",
     {.sales = 1000000, .orders = 1, .visits = 1, .order_value = 1000000},
     {"c-b2"}},
    /* 4700000 = 45000 + 5000 + 2000 - 5000; 3 due, 2 on time. */
    {SP_B,
     "2026-10",
     {.sales = 4700000,
      .orders = 3,
      .visits = 3,
      .calls = 5,
      .collections = 3000000,
      .order_value = 5200000,
      .due = 3,
      .on_time = 2,
      .fb_sum = 2,
      .fb_count = 1},
     {"c-b1", "c-b3"}},
    {SP_B, "2025-10", {.sales = 1800000, .orders = 1, .order_value = 2000000}, {NULL}},
    {SP_C,
     "2026-10",
     {.sales = 4700000, .orders = 1, .visits = 1, .order_value = 4700000},
     {"c-c1"}},
    {SP_W, "2026-10", {.sales = 300000, .orders = 1, .visits = 1, .order_value = 300000}, {"c-w1"}},
};
#define N_MONTHS (sizeof(s_months) / sizeof(s_months[0]))

const char *const s_sps[N_SP] = {SP_A, SP_B, SP_C, SP_W};
const char *const s_team[3] = {SP_A, SP_B, SP_C};

/* The key customers each salesperson owns now (changed by the coverage test). */
const char *s_keys[N_SP][4] = {{"c-a1", "c-a2"}, {"c-b1", "c-b2", "c-b3"}, {NULL}, {"c-w1"}};

int sp_index(const char *sp)
{
    for (int i = 0; i < N_SP; i++)
        if (strcmp(s_sps[i], sp) == 0)
            return i;
    return -1;
}

/* Is month "2026-10" inside the period with key "2026-10", "2026-Q4" or "2026"? */
bool month_in(const char *month, const char *key)
{
    if (strlen(key) == 4)
        return strncmp(month, key, 4) == 0;
    if (key[5] == 'Q')
        return strncmp(month, key, 4) == 0 && (atoi(month + 5) - 1) / 3 + 1 == key[6] - '0';
    return strcmp(month, key) == 0;
}

void cnt_add(cnt_t *a, const cnt_t *b)
{
    long long *x = (long long *)a;
    const long long *y = (const long long *)b;
    for (size_t i = 0; i < sizeof(cnt_t) / sizeof(long long); i++)
        x[i] += y[i];
}

agg_t expect_of(const char *const *sps, size_t n, const char *key)
{
    agg_t a = {0};
    for (size_t s = 0; s < n; s++) {
        const char *visited[16];
        size_t nv = 0;
        for (size_t i = 0; i < N_MONTHS; i++) {
            const month_row_t *r = &s_months[i];
            if (strcmp(r->sp, sps[s]) != 0 || !month_in(r->month, key))
                continue;
            cnt_add(&a.c, &r->c);
            for (int v = 0; v < 4 && r->visited[v]; v++) {
                size_t k = 0;
                while (k < nv && strcmp(visited[k], r->visited[v]) != 0)
                    k++;
                if (k == nv && nv < 16)
                    visited[nv++] = r->visited[v];
            }
        }
        int si = sp_index(sps[s]);
        for (int k = 0; si >= 0 && k < 4 && s_keys[si][k]; k++) {
            a.key_customers++;
            for (size_t v = 0; v < nv; v++)
                a.key_visited += strcmp(visited[v], s_keys[si][k]) == 0;
        }
    }
    return a;
}

/* ---- metrics, by the formulas of docs/metrics.md ---- */

const metric_def_t s_metrics[M_COUNT] = {
    [M_SALES] = {"sales_amount", U_MONEY, true},
    [M_ORDERS] = {"orders", U_COUNT, true},
    [M_VISITS] = {"visits", U_COUNT, true},
    [M_CALLS] = {"calls", U_COUNT, true},
    [M_MEETINGS] = {"meetings", U_COUNT, true},
    [M_NEW] = {"new_customers", U_COUNT, true},
    [M_COLLECTIONS] = {"collections", U_MONEY, true},
    [M_COVERAGE] = {"coverage", U_RATIO, false},
    [M_COMPLETION] = {"order_completion_rate", U_RATIO, false},
    [M_AVG] = {"avg_order_value", U_MONEY, false},
    [M_A2O] = {"activity_to_order", U_RATIO, false},
    [M_FEEDBACK] = {"feedback_score", U_SCORE, false},
    [M_TICKETS] = {"tickets_opened", U_COUNT, true},
};

/* a / b as shown (docs/metrics.md): rounded half up to 1 / scale, scale 10^4
 * for ratios and scores, 1 (the fen) for an average amount. */
bool ratio(long long a, long long b, long long scale, double *v)
{
    if (b == 0)
        return false;
    *v = (double)((2 * a * scale + b) / (2 * b)) / (double)scale;
    return true;
}

/* A derived ratio (attainment, change) to 4 decimals, half up. */
double round4(double x)
{
    return (x < 0 ? -1 : 1) * floor(fabs(x) * 10000 + 0.5 + 1e-7) / 10000;
}

/* The metric's value (fen for money); false when undefined (a ratio over zero). */
bool metric_of(const agg_t *a, metric_t m, double *v)
{
    const cnt_t *c = &a->c;
    const long long plain[M_COUNT] = {[M_SALES] = c->sales,
                                      [M_ORDERS] = c->orders,
                                      [M_VISITS] = c->visits,
                                      [M_CALLS] = c->calls,
                                      [M_MEETINGS] = c->meetings,
                                      [M_NEW] = c->new_customers,
                                      [M_COLLECTIONS] = c->collections,
                                      [M_TICKETS] = c->tickets};
    switch (m) {
    case M_COVERAGE:
        return ratio(a->key_visited, a->key_customers, 10000, v);
    case M_COMPLETION:
        return ratio(c->on_time, c->due, 10000, v);
    case M_AVG:
        return ratio(c->order_value, c->orders, 1, v);
    case M_A2O:
        return ratio(c->visits + c->calls, c->orders, 10000, v);
    case M_FEEDBACK:
        return ratio(c->fb_sum, c->fb_count, 10000, v);
    default:
        *v = (double)plain[m];
        return true;
    }
}

void fmt_fen(long long fen, char *buf, size_t len)
{
    snprintf(buf, len, "%s%lld.%02lld", fen < 0 ? "-" : "", llabs(fen) / 100, llabs(fen) % 100);
}

/* Check an answer's value of metric m: null when undefined, money as a
 * string to the fen, counts whole, ratios and scores to 4 decimals. */
void check_metric(const json_t *got, metric_t m, bool defined, double v, const char *ctx)
{
    char want[48];
    if (!defined) {
        tk_check(json_is_null(got), "%s %s: want null, got %s", ctx, s_metrics[m].name,
                 tk_text(got));
        return;
    }
    switch (s_metrics[m].unit) {
    case U_MONEY:
        fmt_fen(llround(v), want, sizeof(want));
        tk_check(json_is_string(got) && strcmp(json_string_value(got), want) == 0,
                 "%s %s: want \"%s\", got %s", ctx, s_metrics[m].name, want, tk_text(got));
        break;
    case U_COUNT:
        tk_check(json_is_integer(got) && json_integer_value(got) == llround(v),
                 "%s %s: want %lld, got %s", ctx, s_metrics[m].name, llround(v), tk_text(got));
        break;
    case U_RATIO:
        tk_check(tk_near(got, round(v * 10000) / 10000), "%s %s: want %.4f, got %s", ctx,
                 s_metrics[m].name, round(v * 10000) / 10000, tk_text(got));
        break;
    case U_SCORE:
        tk_check(tk_near(got, round4(v)), "%s %s: want %.4f, got %s", ctx, s_metrics[m].name,
                 round4(v), tk_text(got));
        break;
    }
}

/* ---- targets kept by the test, as they were PUT ---- */

tset_t s_t_a_oct, s_t_b_oct, s_t_team_oct, s_t_company_oct, s_t_a_sep;

void tset_put(tset_t *t, metric_t m, double v)
{
    t->has[m] = true;
    t->v[m] = v;
}

/* ================================================================ checks */

/* GET /api/v1/salespeople/{sp}/kpis?period=kind&at=at: every metric equals
 * the hand count of the period `key`. */
void check_sp_kpis(const char *sp, const char *kind, const char *at, const char *key)
{
    char path[256], ctx[160];
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=%s&at=%s", sp, kind, at);
    snprintf(ctx, sizeof(ctx), "%s %s", sp, key);
    json_t *j = tk_get_ok(path);
    tk_check_str(json_object_get(json_object_get(j, "period"), "key"), key, path);
    tk_check_str(json_object_get(j, "salesperson_id"), sp, path);
    json_t *k = json_object_get(j, "kpis");
    /* the model's metrics, the after-sales and training ones test_service checks, and the
     * state metrics test_overdue checks, promoters and detractors */
    tk_check(json_object_size(k) == M_COUNT + 9 && json_object_get(k, "nps") &&
                 json_object_get(k, "dso") && json_object_get(k, "tickets_overdue") &&
                 json_object_get(k, "receivables_overdue") &&
                 json_object_get(k, "tickets_closed") && json_object_get(k, "training_hours") &&
                 json_object_get(k, "trainings") && json_object_get(k, "nps_promoters") &&
                 json_object_get(k, "nps_detractors"),
             "%s: want %d metrics, got %s", path, M_COUNT + 9, tk_text(k));
    agg_t a = expect_of(&sp, 1, key);
    for (int m = 0; m < M_COUNT; m++) {
        double v = 0;
        bool defined = metric_of(&a, (metric_t)m, &v);
        check_metric(json_object_get(k, s_metrics[m].name), (metric_t)m, defined, v, ctx);
    }
    json_decref(j);
}

/* The change (a - b) / |b| to 4 decimals, or null. */
void check_change(const json_t *got, bool has_a, double a, bool has_b, double b, const char *ctx,
                  const char *what)
{
    if (!has_a || !has_b || b == 0) {
        tk_check(json_is_null(got), "%s change.%s: want null, got %s", ctx, what, tk_text(got));
        return;
    }
    double want = round4((a - b) / fabs(b));
    tk_check(tk_near(got, want), "%s change.%s: want %.4f, got %s", ctx, what, want, tk_text(got));
}

/* An overview (/api/v1/kpis/...) of the salespeople sps for the period
 * `key` (`prev` before it, `ly` a year earlier), against targets t (NULL:
 * none set). `past`: the period is over, so elapsed = total working days,
 * pace = attainment and projection = actual. */
json_t *check_overview(const char *path, const char *subject, const char *const *sps, size_t n,
                       const char *key, const char *prev, const char *ly, const tset_t *t,
                       bool past)
{
    json_t *j = tk_get_ok(path);
    tk_check_str(json_object_get(j, "subject"), subject, path);
    tk_check(tk_num(j, "members") == (json_int_t)n, "%s: want members %zu, got %s", path, n,
             tk_text(json_object_get(j, "members")));
    tk_check_str(json_object_get(json_object_get(j, "period"), "key"), key, path);
    json_t *wd = json_object_get(j, "workdays");
    if (past)
        tk_check(tk_near(json_object_get(wd, "elapsed"),
                         json_number_value(json_object_get(wd, "total"))),
                 "%s: a past period has every working day elapsed: %s", path, tk_text(wd));
    agg_t cur = expect_of(sps, n, key), before = expect_of(sps, n, prev),
          last = expect_of(sps, n, ly);
    json_t *metrics = json_object_get(j, "metrics");
    /* the model's metrics, and the after-sales, training and NPS ones test_service checks */
    tk_check(json_object_size(metrics) == M_COUNT + 9 && json_object_get(metrics, "dso") &&
                 json_object_get(metrics, "nps_detractors"),
             "%s: want %d metrics", path, M_COUNT + 9);
    for (int m = 0; m < M_COUNT; m++) {
        char ctx[300];
        const char *name = s_metrics[m].name;
        json_t *row = json_object_get(metrics, name);
        double a = 0, b = 0, l = 0;
        bool has_a = metric_of(&cur, (metric_t)m, &a), has_b = metric_of(&before, (metric_t)m, &b),
             has_l = metric_of(&last, (metric_t)m, &l);
        snprintf(ctx, sizeof(ctx), "%s actual", path);
        check_metric(json_object_get(row, "actual"), (metric_t)m, has_a, a, ctx);
        snprintf(ctx, sizeof(ctx), "%s previous (%s)", path, prev);
        check_metric(json_object_get(row, "previous"), (metric_t)m, has_b, b, ctx);
        snprintf(ctx, sizeof(ctx), "%s last_year (%s)", path, ly);
        check_metric(json_object_get(row, "last_year"), (metric_t)m, has_l, l, ctx);
        snprintf(ctx, sizeof(ctx), "%s %s", path, name);
        json_t *change = json_object_get(row, "change");
        check_change(json_object_get(change, "previous"), has_a, a, has_b, b, ctx, "previous");
        check_change(json_object_get(change, "last_year"), has_a, a, has_l, l, ctx, "last_year");
        bool accum = s_metrics[m].accumulates;
        if (past && accum) {
            snprintf(ctx, sizeof(ctx), "%s projection", path);
            check_metric(json_object_get(row, "projection"), (metric_t)m, has_a, a, ctx);
        } else if (!accum) {
            tk_check(json_is_null(json_object_get(row, "projection")) &&
                         json_is_null(json_object_get(row, "pace")),
                     "%s %s: a ratio has no pace or projection: %s", path, name, tk_text(row));
        }
        bool has_t = t && t->has[m];
        snprintf(ctx, sizeof(ctx), "%s target", path);
        check_metric(json_object_get(row, "target"), (metric_t)m, has_t, has_t ? t->v[m] : 0, ctx);
        bool has_att = has_t && has_a && t->v[m] > 0;
        double att = has_att ? round4(fmax(a / t->v[m], 0)) : 0; /* of the value shown */
        if (has_att)
            tk_check(tk_near(json_object_get(row, "attainment"), att),
                     "%s %s attainment: want %.4f, got %s", path, name, att,
                     tk_text(json_object_get(row, "attainment")));
        else
            tk_check(json_is_null(json_object_get(row, "attainment")),
                     "%s %s attainment: want null, got %s", path, name,
                     tk_text(json_object_get(row, "attainment")));
        if (past && accum && has_att)
            tk_check(tk_near(json_object_get(row, "pace"), att),
                     "%s %s pace (= attainment in a past period): want %.4f, got %s", path, name,
                     att, tk_text(json_object_get(row, "pace")));
        else if (!has_t)
            tk_check(json_is_null(json_object_get(row, "pace")), "%s %s: pace without a target: %s",
                     path, name, tk_text(json_object_get(row, "pace")));
    }
    return j;
}

/* ---- activities ---- */

json_t *ev_json(const ev_t *e)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "event_id", e->id, "type", e->type,
                          "salesperson_id", e->sp, "occurred_at", e->at, "source", "it-kpis");
    if (e->cust)
        json_object_set_new(o, "customer_id", json_string(e->cust));
    if (e->amount)
        json_object_set_new(o, "amount", json_string(e->amount));
    if (e->order_id)
        json_object_set_new(o, "order_id", json_string(e->order_id));
    if (e->due)
        json_object_set_new(o, "due_at", json_string(e->due));
    if (e->on_time)
        json_object_set_new(o, "on_time", json_boolean(e->on_time == 1));
    if (e->rating)
        json_object_set_new(o, "rating", json_integer(e->rating));
    if (e->nps)
        json_object_set_new(o, "nps", json_integer(e->nps));
    if (e->xk)
        json_object_set_new(o, e->xk, json_string(e->xv));
    return o;
}

const ev_t *find_event(const char *id)
{
    for (size_t i = 0; i < s_n_events; i++)
        if (strcmp(s_events[i].id, id) == 0)
            return &s_events[i];
    return &s_events[0];
}
