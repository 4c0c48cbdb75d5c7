/* test_overdue_metrics.c — the state metrics of the KPI table
 * (tickets_overdue, receivables_overdue, dso: nq/kpi.h) and what they are
 * read from: DSO arithmetic exact in fen and rounded half up to a tenth of
 * a day, no sales, a negative balance, team sums; the instant and the days
 * a period is read for at its edges; tickets overdue at the SLA boundary
 * (nq_custsum_tickets_overdue_at); when an invoice falls past due and the
 * overdue state of a customer (nq/receivable.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nq/custsum.h"
#include "nq/kpi.h"
#include "nq/period.h"
#include "nq/receivable.h"
#include "nq_test.h"

#define HOUR 3600000LL

/* Unix ms of a local (Asia/Shanghai) time "2026-11-01T10:00". */
static int64_t T(const char *local)
{
    char buf[64];
    const char *why;
    int64_t ms = 0;
    snprintf(buf, sizeof(buf), "%s:00+08:00", local);
    CU_ASSERT_FATAL(nq_time_parse(buf, &ms, &why) == 0);
    return ms;
}

static int init(void)
{
    return nq_zone_set("Asia/Shanghai");
}

/* The metric table: names, labels in both languages, state metrics that
 * neither accumulate nor come from the KPI hashes. */
static void test_registry(void)
{
    static const struct {
        const char *name;
        nq_metric_id_t id;
        nq_unit_t unit;
    } rows[] = {
        {"tickets_overdue", NQ_METRIC_TICKETS_OVERDUE, NQ_UNIT_COUNT},
        {"receivables_overdue", NQ_METRIC_RECEIVABLES_OVERDUE, NQ_UNIT_MONEY},
        {"dso", NQ_METRIC_DSO, NQ_UNIT_DAYS},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const nq_metric_def_t *d = &nq_metric_defs[rows[i].id];
        CU_ASSERT_EQUAL(nq_metric_find(rows[i].name), (int)rows[i].id);
        CU_ASSERT_EQUAL(d->unit, rows[i].unit);
        CU_ASSERT_TRUE(d->at_end);
        CU_ASSERT_TRUE(d->zh && *d->zh && d->en && *d->en);
        CU_ASSERT_FALSE(nq_metric_accumulates(rows[i].id)); /* no pace, no summed targets */
        CU_ASSERT_TRUE(nq_metric_needs_sets(rows[i].id));   /* read through nq_kpi_fetch */
    }
    CU_ASSERT_TRUE(nq_metric_accumulates(NQ_METRIC_SALES_AMOUNT));
    CU_ASSERT_EQUAL(nq_kpi_find("ar_overdue_fen"), NQ_KPI_AR_OVERDUE_FEN);
}

/* DSO = open balance at the end (0 when negative) x days / invoiced on
 * those days, in days rounded half up to 1 decimal. */
static void test_dso(void)
{
    static const struct {
        const char *name;
        int64_t balance, invoiced, days;
        bool defined;
        double dso;
    } rows[] = {
        {"a third of the month's invoices open", 100000, 300000, 30, true, 10.0},
        {"1 fen of 7 over 90 days: 12.857", 1, 7, 90, true, 12.9},
        {"a half rounds up: 1 x 1 / 4 = 0.25", 1, 4, 1, true, 0.3},
        {"just below a half: 1 x 1 / 4.0001 rounds down", 10000, 40001, 1, true, 0.2},
        {"no sales in the period: undefined", 500000, 0, 30, false, 0},
        {"overpaid: a negative balance counts 0", -20000, 100000, 31, true, 0},
        {"nothing open", 0, 100000, 31, true, 0},
        {"more open than invoiced: older invoices", 900000, 300000, 30, true, 90.0},
        {"a company's year, exact in fen", 123456789012, 987654321098, 365, true, 45.6},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_kpi_values_t v = {0};
        nq_kpi_state_t s = {
            .balance_fen = rows[i].balance, .invoiced_fen = rows[i].invoiced, .days = rows[i].days};
        nq_kpi_state_set(&v, &s);
        double got = -1;
        bool def = nq_metric_value(NQ_METRIC_DSO, &v, &got);
        CU_ASSERT_EQUAL(def, rows[i].defined);
        if (def && rows[i].defined)
            CU_ASSERT_DOUBLE_EQUAL(got, rows[i].dso, 1e-9);
        if (def != rows[i].defined || (def && fabs(got - rows[i].dso) > 1e-9))
            fprintf(stderr, "%s: %g, want %g\n", rows[i].name, got, rows[i].dso);
    }
}

/* A team is its members' counters summed: its DSO is the team's balance x
 * days / the team's invoiced, and its overdue amounts add up exactly. */
static void test_team_sum(void)
{
    nq_kpi_state_t a = {.balance_fen = 100001,
                        .overdue_fen = 50001,
                        .invoiced_fen = 200000,
                        .days = 30,
                        .tickets_overdue = 2};
    nq_kpi_state_t b = {.balance_fen = 0,
                        .overdue_fen = 99,
                        .invoiced_fen = 100000,
                        .days = 30,
                        .tickets_overdue = 1};
    nq_kpi_values_t va = {0}, vb = {0}, team = {0};
    nq_kpi_state_set(&va, &a);
    nq_kpi_state_set(&vb, &b);
    nq_kpi_add(&team, &va);
    nq_kpi_add(&team, &vb);
    double x;
    CU_ASSERT_TRUE(nq_metric_value(NQ_METRIC_RECEIVABLES_OVERDUE, &team, &x));
    CU_ASSERT_DOUBLE_EQUAL(x, 50100, 0);
    CU_ASSERT_TRUE(nq_metric_value(NQ_METRIC_TICKETS_OVERDUE, &team, &x));
    CU_ASSERT_DOUBLE_EQUAL(x, 3, 0);
    CU_ASSERT_TRUE(nq_metric_value(NQ_METRIC_DSO, &team, &x));
    CU_ASSERT_DOUBLE_EQUAL(x, 10.0, 1e-9); /* 100001 x 30 / 300000 = 10.0001 */
    CU_ASSERT_TRUE(nq_metric_value(NQ_METRIC_DSO, &va, &x));
    CU_ASSERT_DOUBLE_EQUAL(x, 15.0, 1e-9); /* 100001 x 30 / 200000 = 15.00015 */
}

/* The instant a period is read for, and its days up to that instant. */
static void test_period_edges(void)
{
    nq_period_t nov, day;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, T("2026-11-10T12:00"), &nov) == 0);
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_DAY, T("2026-11-10T12:00"), &day) == 0);
    /* over: its last millisecond; running: now */
    CU_ASSERT_EQUAL(nq_kpi_state_at(nov.end_ms, T("2026-12-05T09:00")), nov.end_ms - 1);
    CU_ASSERT_EQUAL(nq_kpi_state_at(nov.end_ms, T("2026-11-10T12:00")), T("2026-11-10T12:00"));
    CU_ASSERT_EQUAL(nq_kpi_state_at(nov.end_ms, nov.end_ms - 1), nov.end_ms - 1);
    static const struct {
        const char *at;
        int64_t days;
    } rows[] = {
        {"2026-10-31T23:59", 0},  /* before it starts */
        {"2026-11-01T00:00", 1},  /* its first instant: the first day counts */
        {"2026-11-10T12:00", 10}, /* running */
        {"2026-11-30T23:59", 30}, /* its last day */
        {"2026-12-15T00:00", 30}, /* over: all of it */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        CU_ASSERT_EQUAL(nq_kpi_days_until(&nov, T(rows[i].at)), rows[i].days);
    CU_ASSERT_EQUAL(nq_kpi_days_until(&nov, nov.end_ms - 1), 30);
    CU_ASSERT_EQUAL(nq_kpi_days_until(&day, day.start_ms), 1);
    CU_ASSERT_EQUAL(nq_kpi_days_until(&day, day.start_ms - 1), 0);
}

/* Tickets overdue at an instant: normal 72 h, urgent 4 h; exactly the
 * target is on time; closed by then is not open. */
static void test_tickets_overdue(void)
{
    int64_t t0 = T("2026-11-02T09:00");
    char open1[48], open2[48], close1[32], open3[48];
    snprintf(open1, sizeof(open1), "%013lld\x1fnormal", (long long)t0);
    snprintf(close1, sizeof(close1), "%013lld", (long long)(t0 + 73 * HOUR));
    snprintf(open2, sizeof(open2), "%013lld\x1furgent", (long long)(t0 + 10 * HOUR));
    snprintf(open3, sizeof(open3), "%013lld\x1f", (long long)(t0 + 1 * HOUR)); /* no priority */
    const char *f[] = {"tk-1\x1fo",
                       open1,
                       "tk-1\x1f"
                       "c",
                       close1,
                       "tk-2\x1fo",
                       open2,
                       "tk-3\x1fo",
                       open3,
                       "tk-9\x1f"
                       "c",
                       close1,
                       "tk-1",
                       "3"};
    size_t n = sizeof(f) / sizeof(f[0]);
    static const struct {
        int64_t after; /* ms after t0 */
        int64_t overdue;
    } rows[] = {
        {-1, 0},                   /* before any opened */
        {10 * HOUR + 4 * HOUR, 0}, /* tk-2 exactly at its 4 h */
        {10 * HOUR + 4 * HOUR + 1, 1},
        {72 * HOUR, 1},     /* tk-1 exactly at 72 h: on time */
        {72 * HOUR + 1, 2}, /* tk-1 past, still open */
        {73 * HOUR, 1},     /* tk-1 closed this instant; tk-3 exactly at its 72 h: tk-2 */
        {73 * HOUR + 1, 2}, /* tk-2 and tk-3 */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t got = nq_custsum_tickets_overdue_at(f, n, t0 + rows[i].after);
        CU_ASSERT_EQUAL(got, rows[i].overdue);
        if (got != rows[i].overdue)
            fprintf(stderr, "at t0%+lld ms: %lld overdue, want %lld\n", (long long)rows[i].after,
                    (long long)got, (long long)rows[i].overdue);
    }
    CU_ASSERT_EQUAL(nq_custsum_tickets_overdue_at(f, 0, t0), 0);
}

/* When an invoice falls past due, and whether a customer is overdue now. */
static void test_ar_overdue_state(void)
{
    CU_ASSERT_EQUAL(nq_ar_overdue_from(T("2026-11-01T10:00")), T("2026-11-02T00:00"));
    CU_ASSERT_EQUAL(nq_ar_overdue_from(T("2026-11-01T00:00")), T("2026-11-02T00:00"));
    char i1[80], i2[80], p1[80];
    snprintf(i1, sizeof(i1), "%lld|%lld|100000|sp-a|SO-1", (long long)T("2026-10-01T10:00"),
             (long long)T("2026-11-01T10:00"));
    snprintf(i2, sizeof(i2), "%lld|%lld|50000|sp-b|", (long long)T("2026-10-20T10:00"),
             (long long)T("2026-11-20T10:00"));
    snprintf(p1, sizeof(p1), "%lld|100000|sp-a|", (long long)T("2026-11-05T10:00"));
    const char *f[] = {"i|i-1", i1, "i|i-2", i2, "p|x/0", p1};
    static const struct {
        const char *at;
        bool overdue;
        const char *next; /* NULL: none */
    } rows[] = {
        {"2026-10-15T00:00", false, "2026-11-02T00:00"}, /* only i-1 issued */
        {"2026-11-01T23:59", false, "2026-11-02T00:00"}, /* its due day */
        {"2026-11-02T00:00", true, "2026-11-21T00:00"},  /* a day past; i-2 later */
        {"2026-11-05T10:00", false, "2026-11-21T00:00"}, /* paid (oldest first) */
        {"2026-11-21T00:00", true, NULL},                /* i-2 past due */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_ar_t ar;
        CU_ASSERT_FATAL(nq_ar_parse(&ar, f, 6) == 0);
        int64_t at = T(rows[i].at), next = -1;
        bool overdue = !rows[i].overdue;
        nq_ar_apply(&ar, at);
        nq_ar_overdue_state(&ar, at, &overdue, &next);
        CU_ASSERT_EQUAL(overdue, rows[i].overdue);
        CU_ASSERT_EQUAL(next, rows[i].next ? T(rows[i].next) : 0);
        if (overdue != rows[i].overdue || next != (rows[i].next ? T(rows[i].next) : 0))
            fprintf(stderr, "at %s: overdue %d next %lld\n", rows[i].at, overdue, (long long)next);
        if (i == 0) { /* invoiced per salesperson in [from, to) */
            CU_ASSERT_EQUAL(nq_ar_invoiced(&ar, NULL, T("2026-10-01T00:00"), T("2026-11-01T00:00")),
                            150000);
            CU_ASSERT_EQUAL(
                nq_ar_invoiced(&ar, "sp-a", T("2026-10-01T10:00"), T("2026-10-20T10:00")), 100000);
            CU_ASSERT_EQUAL(
                nq_ar_invoiced(&ar, "sp-b", T("2026-10-01T00:00"), T("2026-10-20T10:00")),
                0); /* the end is left out */
        }
        nq_ar_free(&ar);
    }
}

static CU_TestInfo tests[] = {
    {"the three metrics in the table, bilingual, state", test_registry},
    {"DSO exact in fen, half up, no sales, negative balance", test_dso},
    {"a team's sums and DSO", test_team_sum},
    {"the instant and days read at the period's edges", test_period_edges},
    {"tickets overdue at the SLA boundary, closes", test_tickets_overdue},
    {"invoices falling past due; overdue state; invoiced", test_ar_overdue_state},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"overdue_metrics", init, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
