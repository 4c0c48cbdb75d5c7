/* test_overview.c — services/reporting/overview.h: a subject's metrics against targets.
 *
 * attainment = actual / target; pace = actual / (target x elapsed / total); projection =
 * actual x total / elapsed; pace and projection only for metrics that accumulate. Every expected
 * value is computed by hand next to it. */
#include <math.h>
#include <string.h>

#include "nq_test.h"
#include "reporting/overview.h"

static bool near(double got, double want)
{
    return fabs(got - want) < 1e-9 * (fabs(want) > 1 ? fabs(want) : 1);
}

/* Sales 30000.00 of 50000.00, visits 12 of 20, coverage 3/4 of 0.8; half the working days gone
 * (10 of 20). */
static overview_input_t half_month(void)
{
    overview_input_t in;
    memset(&in, 0, sizeof(in));
    in.current.v[NQ_KPI_SALES_FEN] = 3000000;
    in.current.v[NQ_KPI_VISITS] = 12;
    in.current.v[NQ_KPI_KEY_VISITED] = 3;
    in.current.v[NQ_KPI_KEY_CUSTOMERS] = 4;
    in.previous.v[NQ_KPI_SALES_FEN] = 4500000;
    in.previous.v[NQ_KPI_VISITS] = 25;
    in.last_year.v[NQ_KPI_SALES_FEN] = 2000000;
    in.last_year.v[NQ_KPI_KEY_VISITED] = 1;
    in.last_year.v[NQ_KPI_KEY_CUSTOMERS] = 5;
    in.target[NQ_METRIC_SALES_AMOUNT] = 5000000;
    in.target[NQ_METRIC_VISITS] = 20;
    in.target[NQ_METRIC_COVERAGE] = 0.8;
    in.has_target[NQ_METRIC_SALES_AMOUNT] = true;
    in.has_target[NQ_METRIC_VISITS] = true;
    in.has_target[NQ_METRIC_COVERAGE] = true;
    in.workdays_total = 20;
    in.workdays_elapsed = 10;
    return in;
}

static void test_rows(void)
{
    overview_input_t in = half_month();
    overview_rows_t r;
    overview_compute(&in, &r);
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        CU_ASSERT_PTR_EQUAL(r.ptrs[m], &r.pb[m]);
        CU_ASSERT_STRING_EQUAL(r.pb[m].metric, nq_metric_defs[m].name);
    }
}

/* Sales: attainment 0.6; half the days call for 25000.00, 30000.00 is pace 1.2; projection
 * 30000.00 x 20 / 10 = 60000.00. Previous 45000.00, last year 20000.00. */
static void test_amount(void)
{
    overview_input_t in = half_month();
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *s = &r.pb[NQ_METRIC_SALES_AMOUNT];
    CU_ASSERT_TRUE(s->has_actual && s->actual == 3000000);
    CU_ASSERT_TRUE(s->has_target && s->target == 5000000);
    CU_ASSERT_TRUE(s->has_attainment && near(s->attainment, 0.6));
    CU_ASSERT_TRUE(s->has_pace && near(s->pace, 1.2));
    CU_ASSERT_TRUE(s->has_projection && near(s->projection, 6000000));
    CU_ASSERT_TRUE(s->has_previous && s->previous == 4500000);
    CU_ASSERT_TRUE(s->has_last_year && s->last_year == 2000000);

    /* Visits 12 of 20: attainment 0.6, pace 12 / 10 = 1.2, projection 24. */
    const Nq__MetricRow *v = &r.pb[NQ_METRIC_VISITS];
    CU_ASSERT_TRUE(v->has_attainment && near(v->attainment, 0.6));
    CU_ASSERT_TRUE(v->has_pace && near(v->pace, 1.2));
    CU_ASSERT_TRUE(v->has_projection && near(v->projection, 24));
    CU_ASSERT_TRUE(v->has_previous && v->previous == 25);
    CU_ASSERT_TRUE(v->has_last_year && v->last_year == 0);
}

/* 18.5 of 21 working days, sales 37000.00 of 50000.00:
 *   pace = 37000 / (50000 x 18.5 / 21) = 777000 / 925000 = 0.84
 *   projection = 37000 x 21 / 18.5 = 42000.00 */
static void test_fractional_days(void)
{
    overview_input_t in = half_month();
    in.current.v[NQ_KPI_SALES_FEN] = 3700000;
    in.workdays_total = 21;
    in.workdays_elapsed = 18.5;
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *s = &r.pb[NQ_METRIC_SALES_AMOUNT];
    CU_ASSERT_TRUE(s->has_attainment && near(s->attainment, 0.74));
    CU_ASSERT_TRUE(s->has_pace && near(s->pace, 0.84));
    CU_ASSERT_TRUE(s->has_projection && near(s->projection, 4200000));
    /* Period over: pace is attainment, projection the actual. */
    in.workdays_elapsed = 21;
    overview_compute(&in, &r);
    CU_ASSERT_TRUE(near(s->pace, 0.74));
    CU_ASSERT_TRUE(near(s->projection, 3700000));
}

/* Coverage 3/4 = 0.75 of 0.8: attainment 0.9375, but no pace and no projection. */
static void test_ratio(void)
{
    overview_input_t in = half_month();
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *c = &r.pb[NQ_METRIC_COVERAGE];
    CU_ASSERT_TRUE(c->has_actual && c->actual == 0.75);
    CU_ASSERT_TRUE(c->has_target && c->target == 0.8);
    CU_ASSERT_TRUE(c->has_attainment && near(c->attainment, 0.9375));
    CU_ASSERT_FALSE(c->has_pace);
    CU_ASSERT_FALSE(c->has_projection);
    CU_ASSERT_FALSE(c->has_previous); /* no key customers in the period before */
    CU_ASSERT_TRUE(c->has_last_year && c->last_year == 0.2); /* 1 / 5 */
    /* An average order value is money, but not accumulated: no projection either. */
    in.current.v[NQ_KPI_ORDERS] = 2;
    in.current.v[NQ_KPI_ORDER_VALUE_FEN] = 500000;
    overview_compute(&in, &r);
    const Nq__MetricRow *a = &r.pb[NQ_METRIC_AVG_ORDER_VALUE];
    CU_ASSERT_TRUE(a->has_actual && a->actual == 250000);
    CU_ASSERT_FALSE(a->has_projection);
    CU_ASSERT_FALSE(a->has_pace);
    /* Undefined ratios (no orders due) have no actual and so no attainment. */
    in.has_target[NQ_METRIC_ORDER_COMPLETION_RATE] = true;
    in.target[NQ_METRIC_ORDER_COMPLETION_RATE] = 0.9;
    overview_compute(&in, &r);
    const Nq__MetricRow *o = &r.pb[NQ_METRIC_ORDER_COMPLETION_RATE];
    CU_ASSERT_FALSE(o->has_actual);
    CU_ASSERT_TRUE(o->has_target && o->target == 0.9);
    CU_ASSERT_FALSE(o->has_attainment);
}

/* No target: no target, no attainment, no pace; the projection does not need one. Orders 0:
 * projection 0. A target of 0 is no target either: not shown, no attainment, no pace. */
static void test_no_target(void)
{
    overview_input_t in = half_month();
    in.current.v[NQ_KPI_CALLS] = 7;
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *c = &r.pb[NQ_METRIC_CALLS];
    CU_ASSERT_TRUE(c->has_actual && c->actual == 7);
    CU_ASSERT_FALSE(c->has_target);
    CU_ASSERT_FALSE(c->has_attainment);
    CU_ASSERT_FALSE(c->has_pace);
    CU_ASSERT_TRUE(c->has_projection && near(c->projection, 14));
    const Nq__MetricRow *o = &r.pb[NQ_METRIC_ORDERS];
    CU_ASSERT_TRUE(o->has_actual && o->actual == 0);
    CU_ASSERT_TRUE(o->has_projection && o->projection == 0);

    in.has_target[NQ_METRIC_CALLS] = true;
    in.target[NQ_METRIC_CALLS] = 0;
    overview_compute(&in, &r);
    CU_ASSERT_FALSE(c->has_target);
    CU_ASSERT_FALSE(c->has_attainment);
    CU_ASSERT_FALSE(c->has_pace);
    CU_ASSERT_TRUE(c->has_projection && near(c->projection, 14));
    CU_ASSERT_PTR_NULL(c->note);
}

/* A return-only month: net sales -2300.06 against 83636.36 (-0.0275 of it), 10 of 20 working
 * days gone. The actual stays -2300.06 (and the change against the month before is honest);
 * attainment, pace and projection are 0, and the row says why. */
static void test_negative_actual(void)
{
    overview_input_t in = half_month();
    in.current.v[NQ_KPI_SALES_FEN] = -230006;
    in.target[NQ_METRIC_SALES_AMOUNT] = 8363636;
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *s = &r.pb[NQ_METRIC_SALES_AMOUNT];
    CU_ASSERT_TRUE(s->has_actual && s->actual == -230006);
    CU_ASSERT_TRUE(s->has_target && s->target == 8363636);
    CU_ASSERT_TRUE(s->has_attainment && s->attainment == 0);
    CU_ASSERT_TRUE(s->has_pace && s->pace == 0);
    CU_ASSERT_TRUE(s->has_projection && s->projection == 0);
    CU_ASSERT_TRUE(s->has_previous && s->previous == 4500000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s->note);
    CU_ASSERT_PTR_NOT_NULL(strstr(s->note, "negative"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(s->note_zh);
    CU_ASSERT_PTR_NOT_NULL(strstr(s->note_zh, "为负"));
    /* Without a target, the projection alone is clamped, with the same note. */
    in.has_target[NQ_METRIC_SALES_AMOUNT] = false;
    overview_compute(&in, &r);
    CU_ASSERT_FALSE(s->has_attainment);
    CU_ASSERT_TRUE(s->has_projection && s->projection == 0);
    CU_ASSERT_PTR_NOT_NULL(s->note);
    /* Zero is not negative: no note. Other rows never have one here. */
    in.current.v[NQ_KPI_SALES_FEN] = 0;
    overview_compute(&in, &r);
    CU_ASSERT_PTR_NULL(s->note);
    for (int m = 0; m < NQ_METRIC_COUNT; m++)
        CU_ASSERT_PTR_NULL(r.pb[m].note);
    /* A negative NPS (one detractor of one answer: -1) against 0.3: attainment 0, a note
     * about detractors, not about returns. */
    in.current.v[NQ_KPI_NPS_NET] = -1;
    in.current.v[NQ_KPI_NPS_RESPONSES] = 1;
    in.has_target[NQ_METRIC_NPS] = true;
    in.target[NQ_METRIC_NPS] = 0.3;
    overview_compute(&in, &r);
    const Nq__MetricRow *n = &r.pb[NQ_METRIC_NPS];
    CU_ASSERT_TRUE(n->has_actual && n->actual == -1);
    CU_ASSERT_TRUE(n->has_attainment && n->attainment == 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n->note);
    CU_ASSERT_PTR_NOT_NULL(strstr(n->note, "detractors"));
    CU_ASSERT_PTR_NULL(strstr(n->note, "returned"));
    CU_ASSERT_PTR_NOT_NULL(strstr(n->note_zh, "贬损者"));
}

/* Attainment is computed from the ratio as shown: 2 calls per 3 orders is 0.6667, against 0.8
 * that is 0.833375 (shown 0.8334), not 0.6666.../0.8 = 0.83333 (0.8333). Ratings 3, 3, 2 are
 * 2.6667 against 4: 0.666675. */
static void test_attainment_of_shown_ratio(void)
{
    overview_input_t in = half_month();
    in.current.v[NQ_KPI_CALLS] = 2;
    in.current.v[NQ_KPI_VISITS] = 0;
    in.current.v[NQ_KPI_ORDERS] = 3;
    in.current.v[NQ_KPI_FEEDBACK_SUM] = 8;
    in.current.v[NQ_KPI_FEEDBACK_COUNT] = 3;
    in.has_target[NQ_METRIC_ACTIVITY_TO_ORDER] = in.has_target[NQ_METRIC_FEEDBACK_SCORE] = true;
    in.target[NQ_METRIC_ACTIVITY_TO_ORDER] = 0.8;
    in.target[NQ_METRIC_FEEDBACK_SCORE] = 4;
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *a = &r.pb[NQ_METRIC_ACTIVITY_TO_ORDER];
    CU_ASSERT_TRUE(a->has_actual && a->actual == 0.6667);
    CU_ASSERT_TRUE(a->has_attainment && near(a->attainment, 0.833375));
    CU_ASSERT_EQUAL(nq_round_to(a->attainment, 10000), 0.8334);
    const Nq__MetricRow *f = &r.pb[NQ_METRIC_FEEDBACK_SCORE];
    CU_ASSERT_TRUE(f->has_actual && f->actual == 2.6667);
    CU_ASSERT_TRUE(f->has_attainment && near(f->attainment, 0.666675));
    CU_ASSERT_EQUAL(nq_round_to(f->attainment, 10000), 0.6667);
}

/* No working day gone (first day of the month before 00:00, or a month of holidays): no pace
 * and no projection, attainment as usual. */
static void test_zero_elapsed(void)
{
    overview_input_t in = half_month();
    in.workdays_elapsed = 0;
    overview_rows_t r;
    overview_compute(&in, &r);
    const Nq__MetricRow *s = &r.pb[NQ_METRIC_SALES_AMOUNT];
    CU_ASSERT_TRUE(s->has_attainment && near(s->attainment, 0.6));
    CU_ASSERT_FALSE(s->has_pace);
    CU_ASSERT_FALSE(s->has_projection);
    in.workdays_total = 0;
    overview_compute(&in, &r);
    CU_ASSERT_FALSE(s->has_pace);
    CU_ASSERT_FALSE(s->has_projection);
    CU_ASSERT_TRUE(s->has_attainment);
    /* Elapsed without a total (cannot happen, but must not divide by zero). */
    in.workdays_elapsed = 3;
    overview_compute(&in, &r);
    CU_ASSERT_FALSE(s->has_pace);
    CU_ASSERT_FALSE(s->has_projection);
}

static void test_accumulates(void)
{
    static const nq_metric_id_t yes[] = {
        NQ_METRIC_SALES_AMOUNT,   NQ_METRIC_ORDERS,         NQ_METRIC_VISITS,
        NQ_METRIC_CALLS,          NQ_METRIC_MEETINGS,       NQ_METRIC_NEW_CUSTOMERS,
        NQ_METRIC_COLLECTIONS,    NQ_METRIC_TICKETS_OPENED, NQ_METRIC_TICKETS_CLOSED,
        NQ_METRIC_TRAINING_HOURS, NQ_METRIC_TRAININGS,      NQ_METRIC_NPS_PROMOTERS,
        NQ_METRIC_NPS_DETRACTORS};
    static const nq_metric_id_t no[] = {
        NQ_METRIC_COVERAGE,          NQ_METRIC_ORDER_COMPLETION_RATE, NQ_METRIC_AVG_ORDER_VALUE,
        NQ_METRIC_ACTIVITY_TO_ORDER, NQ_METRIC_FEEDBACK_SCORE,        NQ_METRIC_NPS,
        NQ_METRIC_TICKETS_OVERDUE,   NQ_METRIC_RECEIVABLES_OVERDUE,   NQ_METRIC_DSO};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        CU_ASSERT_TRUE(overview_accumulates(yes[i]));
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        CU_ASSERT_FALSE(overview_accumulates(no[i]));
    CU_ASSERT_EQUAL(sizeof(yes) / sizeof(yes[0]) + sizeof(no) / sizeof(no[0]), NQ_METRIC_COUNT);
}

/* The one computation rows and boards share: half the days gone, sales 30,000.00 of 50,000.00 is
 * attainment 0.6, pace 1.2, projection 60,000.00 and 5,000.00 ahead of the plan to date (gap
 * -500,000 fen); coverage 0.5 of 0.8 is 0.3 short of its target, without pace. A derived target
 * is marked in the row. */
static void test_against(void)
{
    CU_ASSERT(near(overview_share(20, 10), 0.5));
    CU_ASSERT(near(overview_share(0, 3), 0));
    overview_against_t a;
    overview_against(NQ_METRIC_SALES_AMOUNT, true, 3000000, true, 5000000, 0.5, &a);
    CU_ASSERT_TRUE(a.has_attainment && a.has_pace && a.has_projection && a.has_gap);
    CU_ASSERT(near(a.attainment, 0.6) && near(a.pace, 1.2) && near(a.projection, 6000000));
    CU_ASSERT(near(a.gap, -500000));
    CU_ASSERT_FALSE(a.negative);
    overview_against(NQ_METRIC_COVERAGE, true, 0.5, true, 0.8, 0.5, &a);
    CU_ASSERT_TRUE(a.has_attainment && a.has_gap);
    CU_ASSERT_FALSE(a.has_pace || a.has_projection);
    CU_ASSERT(near(a.attainment, 0.625) && near(a.gap, 0.3));
    overview_against(NQ_METRIC_SALES_AMOUNT, true, 3000000, false, 0, 0.5, &a);
    CU_ASSERT_FALSE(a.has_attainment || a.has_pace || a.has_gap);
    CU_ASSERT_TRUE(a.has_projection);
    overview_against(NQ_METRIC_COVERAGE, false, 0, true, 0.8, 0.5, &a);
    CU_ASSERT_FALSE(a.has_attainment || a.has_gap || a.negative);

    overview_input_t in = half_month();
    in.target_derived[NQ_METRIC_VISITS] = true;
    overview_rows_t r;
    overview_compute(&in, &r);
    CU_ASSERT_STRING_EQUAL(r.pb[NQ_METRIC_SALES_AMOUNT].target_source, "set");
    CU_ASSERT_STRING_EQUAL(r.pb[NQ_METRIC_VISITS].target_source, "derived");
    CU_ASSERT_PTR_NULL(r.pb[NQ_METRIC_MEETINGS].target_source);
}

static CU_TestInfo overview_tests[] = {
    {"one row per metric, in table order", test_rows},
    {"amounts and counts: attainment, pace, projection", test_amount},
    {"fractional working days", test_fractional_days},
    {"ratios: no pace, no projection", test_ratio},
    {"no target, or a target of 0: no attainment", test_no_target},
    {"negative actual: attainment, pace, projection 0 with a note", test_negative_actual},
    {"attainment of a ratio as shown", test_attainment_of_shown_ratio},
    {"zero elapsed: no pace, no projection", test_zero_elapsed},
    {"overview_accumulates", test_accumulates},
    {"overview_against, target_source", test_against},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"overview", NULL, NULL, NULL, NULL, overview_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
