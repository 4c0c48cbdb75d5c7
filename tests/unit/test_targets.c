/* test_targets.c — nq/targets.h: a quarter's and a year's targets derived from the months'
 * where not set (sums for counts and amounts, the working-day weighted mean for quotients),
 * only when every part has one, with the months that lack one named; which hashes a period
 * is resolved from; what a stored value counts as. Every expected figure is worked out by
 * hand next to it. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq/targets.h"
#include "nq_test.h"

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static nq_calendar_t s_none; /* no holidays: Monday to Friday */

/* The hashes of period `key` of `kind`, with working days on the calendar `cal`. */
static nq_target_reads_t reads_on(const nq_calendar_t *cal, nq_period_kind_t kind, const char *key)
{
    nq_period_t p;
    nq_target_reads_t r;
    CU_ASSERT_FATAL(nq_period_from_key(kind, key, &p) == 0);
    CU_ASSERT_FATAL(nq_target_reads_init(&r, &p, cal) == 0);
    return r;
}

static nq_target_reads_t reads(nq_period_kind_t kind, const char *key)
{
    return reads_on(&s_none, kind, key);
}

/* A quarter's months' working days, as a test wants them. */
static void month_days(nq_target_reads_t *r, double a, double b, double c)
{
    r->workdays[1] = a;
    r->workdays[2] = b;
    r->workdays[3] = c;
}

/* A target hash with the given metric/value text pairs set (NULL-terminated). */
static nq_targets_t hash(const char *first, ...)
{
    nq_targets_t t;
    nq_targets_clear(&t);
    va_list ap;
    va_start(ap, first);
    for (const char *f = first; f; f = va_arg(ap, const char *))
        nq_targets_set_field(&t, f, va_arg(ap, const char *));
    va_end(ap);
    return t;
}

#define EMPTY hash(NULL)

static void is(const nq_targets_t *t, nq_metric_id_t m, nq_target_source_t source, double value)
{
    CU_ASSERT_EQUAL(t->source[m], source);
    CU_ASSERT(fabs(t->value[m] - value) < 1e-9);
}

/* The hashes of a quarter (itself, then its months) and of a year (itself, its quarters, its
 * months), with their working days; a day, week or month is its own. Without holidays the
 * third quarter of 2026 has 23 + 21 + 22 = 66 working days and 2026 has 261 (52 weeks and a
 * Thursday). With the National Day week off and two make-up days (2026-09-27, 2026-10-10):
 * September 23, October 18. */
static void test_reads(void)
{
    nq_target_reads_t r = reads(NQ_PERIOD_QUARTER, "2026-Q3");
    CU_ASSERT_EQUAL_FATAL(r.n, 4);
    static const char *const q_keys[] = {"2026-Q3", "2026-07", "2026-08", "2026-09"};
    static const double q_days[] = {66, 23, 21, 22};
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_STRING_EQUAL(r.period[i].key, q_keys[i]);
        CU_ASSERT_EQUAL(r.workdays[i], q_days[i]);
    }
    CU_ASSERT_EQUAL(r.period[1].kind, NQ_PERIOD_MONTH);

    r = reads(NQ_PERIOD_YEAR, "2026");
    CU_ASSERT_EQUAL_FATAL(r.n, 17);
    static const char *const y_keys[] = {"2026",    "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
                                         "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                         "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
                                         "2026-11", "2026-12"};
    for (int i = 0; i < 17; i++)
        CU_ASSERT_STRING_EQUAL(r.period[i].key, y_keys[i]);
    CU_ASSERT_EQUAL(r.workdays[0], 261);
    CU_ASSERT_EQUAL(r.workdays[3], 66);
    CU_ASSERT_EQUAL(r.workdays[1] + r.workdays[2] + r.workdays[3] + r.workdays[4], 261);

    nq_calendar_t cal;
    const char *why;
    CU_ASSERT_FATAL(
        nq_calendar_parse(&cal, "2026-10-01..2026-10-07", "2026-09-27,2026-10-10", &why) == 0);
    r = reads_on(&cal, NQ_PERIOD_YEAR, "2026");
    CU_ASSERT_EQUAL(r.workdays[5 + 8], 23); /* September */
    CU_ASSERT_EQUAL(r.workdays[5 + 9], 18); /* October */
    CU_ASSERT_EQUAL(r.workdays[0], 261 + 2 - 5);
    nq_calendar_free(&cal);

    static const struct {
        nq_period_kind_t kind;
        const char *key;
    } own[] = {
        {NQ_PERIOD_MONTH, "2026-11"}, {NQ_PERIOD_WEEK, "2026-W48"}, {NQ_PERIOD_DAY, "2026-11-26"}};
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
        r = reads(own[i].kind, own[i].key);
        CU_ASSERT_EQUAL(r.n, 1);
        CU_ASSERT_STRING_EQUAL(r.period[0].key, own[i].key);
    }
    nq_period_t bad = {.kind = NQ_PERIOD_QUARTER};
    CU_ASSERT_EQUAL(nq_target_reads_init(&r, &bad, &s_none), -1);
    CU_ASSERT_EQUAL(r.n, 0);
}

/* A value above 0 is set; 0 (no target), a negative, text, an overflow and unknown fields are
 * not. */
static void test_fields(void)
{
    nq_targets_t t = hash("sales_amount", "10000000", "visits", "0", "orders", "-3", "calls", "ten",
                          "meetings", "1e999", "coverage", "0.8", "_updated_at", "1795656600000",
                          "happiness", "5", "new_customers", "", "tickets_opened", "4x", NULL);
    is(&t, NQ_METRIC_SALES_AMOUNT, NQ_TARGET_SET, 10000000);
    is(&t, NQ_METRIC_COVERAGE, NQ_TARGET_SET, 0.8);
    static const nq_metric_id_t none[] = {NQ_METRIC_VISITS,        NQ_METRIC_ORDERS,
                                          NQ_METRIC_CALLS,         NQ_METRIC_MEETINGS,
                                          NQ_METRIC_NEW_CUSTOMERS, NQ_METRIC_TICKETS_OPENED};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        is(&t, none[i], NQ_TARGET_NONE, 0);
    CU_ASSERT_STRING_EQUAL(nq_target_source_name(NQ_TARGET_SET), "set");
    CU_ASSERT_STRING_EQUAL(nq_target_source_name(NQ_TARGET_DERIVED), "derived");
    CU_ASSERT_PTR_NULL(nq_target_source_name(NQ_TARGET_NONE));
}

/* 2026-Q4 from October 100,000.00, November 120,000.00, December 80,000.00 = 300,000.00; visits
 * 80 + 90 + 100 = 270; orders only in October and November: none, December named; a metric
 * nobody set: none and nothing named; the quarter's own hash wins where it sets one (calls),
 * and a 0 in it is no target (visits still derived). */
static void test_quarter(void)
{
    nq_targets_t set[4] = {
        hash("calls", "500", "visits", "0", NULL),
        hash("sales_amount", "10000000", "visits", "80", "orders", "10", "calls", "100", NULL),
        hash("sales_amount", "12000000", "visits", "90", "orders", "12", "calls", "100", NULL),
        hash("sales_amount", "8000000", "visits", "100", "calls", "100", NULL),
    };
    nq_target_reads_t r = reads(NQ_PERIOD_QUARTER, "2026-Q4");
    nq_targets_t t;
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_SALES_AMOUNT, NQ_TARGET_DERIVED, 30000000);
    is(&t, NQ_METRIC_VISITS, NQ_TARGET_DERIVED, 270);
    is(&t, NQ_METRIC_CALLS, NQ_TARGET_SET, 500);
    is(&t, NQ_METRIC_ORDERS, NQ_TARGET_NONE, 0);
    is(&t, NQ_METRIC_MEETINGS, NQ_TARGET_NONE, 0);
    CU_ASSERT_EQUAL(t.missing[NQ_METRIC_ORDERS], 1u << 2);
    CU_ASSERT_EQUAL(t.missing[NQ_METRIC_MEETINGS], 0);
    CU_ASSERT_EQUAL(t.missing[NQ_METRIC_SALES_AMOUNT], 0);

    const char *keys[12];
    CU_ASSERT_EQUAL_FATAL(nq_targets_missing(&t, NQ_METRIC_ORDERS, &r, keys), 1);
    CU_ASSERT_STRING_EQUAL(keys[0], "2026-12");
    CU_ASSERT_EQUAL(nq_targets_missing(&t, NQ_METRIC_MEETINGS, &r, keys), 0);

    /* Only October has orders: November and December named. */
    set[2] = hash("sales_amount", "12000000", NULL);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    CU_ASSERT_EQUAL(nq_targets_missing(&t, NQ_METRIC_ORDERS, &r, keys), 2);
    CU_ASSERT_STRING_EQUAL(keys[0], "2026-11");
    CU_ASSERT_STRING_EQUAL(keys[1], "2026-12");
    /* Set for the quarter: nothing missing, whatever the months have. */
    set[0] = hash("orders", "30", NULL);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_ORDERS, NQ_TARGET_SET, 30);
    CU_ASSERT_EQUAL(t.missing[NQ_METRIC_ORDERS], 0);
}

/* Quotients: the mean weighted by working days, rounded like the metric. Coverage 0.7, 0.8, 0.9
 * over 18, 21, 23 days: (12.6 + 16.8 + 20.7) / 62 = 0.80806... -> 0.8081; equal targets give
 * that target (feedback 4.5); average order value 1,000.00, 2,000.00, 1,500.00 over 20, 21, 22
 * days: (2,000,000 + 4,200,000 + 3,300,000) fen / 63 = 150,793.65... -> 150,794 fen; months
 * without working days (a calendar of holidays): the plain mean. */
static void test_quotients(void)
{
    nq_targets_t set[4] = {
        EMPTY,
        hash("coverage", "0.7", "feedback_score", "4.5", "avg_order_value", "100000", NULL),
        hash("coverage", "0.8", "feedback_score", "4.5", "avg_order_value", "200000", NULL),
        hash("coverage", "0.9", "feedback_score", "4.5", "avg_order_value", "150000", NULL),
    };
    nq_target_reads_t r = reads(NQ_PERIOD_QUARTER, "2026-Q4");
    month_days(&r, 18, 21, 23);
    nq_targets_t t;
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_COVERAGE, NQ_TARGET_DERIVED, 0.8081);
    is(&t, NQ_METRIC_FEEDBACK_SCORE, NQ_TARGET_DERIVED, 4.5);
    month_days(&r, 20, 21, 22);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_AVG_ORDER_VALUE, NQ_TARGET_DERIVED, 150794);
    month_days(&r, 0, 0, 0);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_COVERAGE, NQ_TARGET_DERIVED, 0.8); /* (0.7 + 0.8 + 0.9) / 3 */
    is(&t, NQ_METRIC_AVG_ORDER_VALUE, NQ_TARGET_DERIVED, 150000);
}

/* A year from its quarters, each set or derived from its months. Sales: Q1 set 300,000.00, Q2
 * from 100,000.00 a month, Q3 set 330,000.00, Q4 from October and November only: no year
 * target, and December is the month to set (Q4's other months have one; Q1 and Q3 are set).
 * With December at 110,000.00: 300,000 + 300,000 + 330,000 + 310,000 = 1,240,000.00. Coverage
 * 0.8 set for Q1 and Q3, 0.6 a month in Q2 and Q4 (quarters of 60, 61, 64, 62 days):
 * (0.8 x 60 + 0.6 x 61 + 0.8 x 64 + 0.6 x 62) / 247 = 173 / 247 = 0.70040... -> 0.7004. A
 * year's own target wins. */
static void test_year(void)
{
    nq_targets_t set[17];
    for (int i = 0; i < 17; i++)
        nq_targets_clear(&set[i]);
    set[1] = hash("sales_amount", "30000000", "coverage", "0.8", NULL); /* Q1 */
    set[3] = hash("sales_amount", "33000000", "coverage", "0.8", NULL); /* Q3 */
    for (int m = 3; m < 6; m++)                                         /* April .. June */
        set[5 + m] = hash("sales_amount", "10000000", "coverage", "0.6", NULL);
    for (int m = 9; m < 12; m++) /* October .. December */
        set[5 + m] = hash("sales_amount", "10000000", "coverage", "0.6", NULL);
    set[5 + 11] = hash("coverage", "0.6", NULL); /* December: no sales target */
    nq_target_reads_t r = reads(NQ_PERIOD_YEAR, "2026");
    static const double quarter_days[] = {60, 61, 64, 62};
    for (int q = 0; q < 4; q++)
        r.workdays[1 + q] = quarter_days[q];
    nq_targets_t t;
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_SALES_AMOUNT, NQ_TARGET_NONE, 0);
    CU_ASSERT_EQUAL(t.missing[NQ_METRIC_SALES_AMOUNT], 1u << 11);
    const char *keys[12];
    CU_ASSERT_EQUAL_FATAL(nq_targets_missing(&t, NQ_METRIC_SALES_AMOUNT, &r, keys), 1);
    CU_ASSERT_STRING_EQUAL(keys[0], "2026-12");
    is(&t, NQ_METRIC_COVERAGE, NQ_TARGET_DERIVED, 0.7004);

    set[5 + 11] = hash("sales_amount", "11000000", "coverage", "0.6", NULL);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_SALES_AMOUNT, NQ_TARGET_DERIVED, 124000000);
    CU_ASSERT_EQUAL(t.missing[NQ_METRIC_SALES_AMOUNT], 0);

    /* Q2 has nothing at all: its three months are named with December's. */
    for (int m = 3; m < 6; m++)
        nq_targets_clear(&set[5 + m]);
    set[5 + 11] = hash("coverage", "0.6", NULL);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    CU_ASSERT_EQUAL(nq_targets_missing(&t, NQ_METRIC_SALES_AMOUNT, &r, keys), 4);
    CU_ASSERT_STRING_EQUAL(keys[0], "2026-04");
    CU_ASSERT_STRING_EQUAL(keys[2], "2026-06");
    CU_ASSERT_STRING_EQUAL(keys[3], "2026-12");

    set[0] = hash("sales_amount", "150000000", NULL);
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_SALES_AMOUNT, NQ_TARGET_SET, 150000000);
}

/* A day, week or month is its own hash, never derived; other counts of reads are refused. */
static void test_own_and_export(void)
{
    nq_targets_t set[1] = {hash("sales_amount", "5000000", NULL)};
    nq_target_reads_t r = reads(NQ_PERIOD_MONTH, "2026-11");
    nq_targets_t t;
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(set, &r, &t), 0);
    is(&t, NQ_METRIC_SALES_AMOUNT, NQ_TARGET_SET, 5000000);
    r.n = 2;
    CU_ASSERT_EQUAL(nq_targets_resolve(set, &r, &t), -1);
    r.n = 0;
    CU_ASSERT_EQUAL(nq_targets_resolve(set, &r, &t), -1);

    nq_targets_t q[4] = {EMPTY, hash("visits", "10", NULL), hash("visits", "10", NULL),
                         hash("visits", "10", NULL)};
    r = reads(NQ_PERIOD_QUARTER, "2026-Q4");
    CU_ASSERT_EQUAL_FATAL(nq_targets_resolve(q, &r, &t), 0);
    double target[NQ_METRIC_COUNT];
    bool has[NQ_METRIC_COUNT], derived[NQ_METRIC_COUNT];
    nq_targets_export(&t, target, has, derived);
    CU_ASSERT_TRUE(has[NQ_METRIC_VISITS]);
    CU_ASSERT_TRUE(derived[NQ_METRIC_VISITS]);
    CU_ASSERT_EQUAL(target[NQ_METRIC_VISITS], 30);
    CU_ASSERT_FALSE(has[NQ_METRIC_SALES_AMOUNT]);
    CU_ASSERT_FALSE(derived[NQ_METRIC_SALES_AMOUNT]);
    CU_ASSERT_EQUAL(target[NQ_METRIC_SALES_AMOUNT], 0);
}

static CU_TestInfo target_tests[] = {
    {"the hashes a period is resolved from", test_reads},
    {"stored values: above 0 is a target", test_fields},
    {"a quarter: sums, set wins, months missing", test_quarter},
    {"quotients: mean weighted by working days", test_quotients},
    {"a year from its quarters", test_year},
    {"own periods, export", test_own_and_export},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"targets", zone_shanghai, NULL, NULL, NULL, target_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
