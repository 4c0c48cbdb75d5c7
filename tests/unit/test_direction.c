/* test_direction.c — a metric's direction (nq/kpi.h): which metrics are lower-is-better,
 * attainment in each direction (nq_attainment), the order boards rank in (board_rank), the
 * overview's figures against a ceiling (overview_against), scorecard lines, and the
 * targets_missed rule on a lower-is-better metric (sched_target_missed).
 *
 * Every expected value is worked out by hand in the row or comment beside it. Money in fen. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "alerting/rules.h"
#include "alerting/schedule.h"
#include "nq/kpi.h"
#include "nq/targets.h"
#include "nq_test.h"
#include "reporting/leaderboard.h"
#include "reporting/overview.h"
#include "reporting/plans.h"

#define HI NQ_HIGHER_IS_BETTER
#define LO NQ_LOWER_IS_BETTER

/* The table: exactly the three overdue states and nps_detractors are lower-is-better. */
static void test_table(void)
{
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        bool lower = m == NQ_METRIC_TICKETS_OVERDUE || m == NQ_METRIC_RECEIVABLES_OVERDUE ||
                     m == NQ_METRIC_DSO || m == NQ_METRIC_NPS_DETRACTORS;
        CU_ASSERT_EQUAL(nq_metric_direction((nq_metric_id_t)m), lower ? LO : HI);
    }
    CU_ASSERT_STRING_EQUAL(nq_direction_name(HI), "higher_is_better");
    CU_ASSERT_STRING_EQUAL(nq_direction_name(LO), "lower_is_better");
    CU_ASSERT_PTR_NULL(nq_direction_name(NQ_DIRECTION_COUNT));
    CU_ASSERT_EQUAL(nq_direction_sign(HI), 1);
    CU_ASSERT_EQUAL(nq_direction_sign(LO), -1);
    CU_ASSERT(isinf(nq_attainment_max(HI)));
    CU_ASSERT_DOUBLE_EQUAL(nq_attainment_max(LO), 1, 0);
}

/* Attainment: higher is actual / target (0 below zero); lower is 1 within the ceiling, else
 * target / actual. */
static void test_attainment(void)
{
    static const struct {
        nq_direction_t dir;
        double actual, target, want;
    } rows[] = {
        {HI, 150000, 100000, 1.5},  /* 1,500.00 sold of 1,000.00: 150 % */
        {HI, 50, 100, 0.5},         /* half the visits */
        {HI, 0, 100, 0},            /* nothing */
        {HI, -2300, 100000, 0},     /* a negative actual counts 0 */
        {LO, 0, 100000, 1},         /* nothing overdue: met, 100 % */
        {LO, 50000, 100000, 1},     /* half the ceiling: met, 100 % (never more) */
        {LO, 100000, 100000, 1},    /* exactly the ceiling: met */
        {LO, 200000, 100000, 0.5},  /* twice the allowed: 50 %, not 200 % */
        {LO, 400000, 100000, 0.25}, /* four times: 25 % */
        {LO, 3, 2, 2.0 / 3},        /* 3 overdue tickets, 2 allowed: 66.67 % */
        {LO, 12.5, 10, 0.8},        /* a DSO of 12.5 days against 10: 80 % */
        {LO, -5, 10, 1},            /* below zero (cannot happen): within the ceiling */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        double got = nq_attainment(rows[i].dir, rows[i].actual, rows[i].target);
        if (fabs(got - rows[i].want) > 1e-12)
            fprintf(stderr, "\n  row %zu: %g, want %g", i, got, rows[i].want);
        CU_ASSERT_DOUBLE_EQUAL(got, rows[i].want, 1e-12);
    }
}

/* A board of four (one without a value) ranked in each direction: the ids in order and their
 * ranks, ties by id as today. */
static void test_rank_order(void)
{
    static const struct {
        const char *id;
        double value;
        bool defined;
    } in[] = {{"d", 5, true}, {"c", 1, true}, {"b", 0, false}, {"a", 5, true}};
    static const struct {
        nq_direction_t dir;
        const char *ids[4];
        int ranks[4];
    } rows[] = {
        {HI, {"a", "d", "c", "b"}, {1, 1, 3, 4}}, /* 5, 5, 1, none */
        {LO, {"c", "a", "d", "b"}, {1, 2, 2, 4}}, /* 1, 5, 5, none: undefined still last */
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        board_entry_t b[4];
        memset(b, 0, sizeof(b));
        for (size_t i = 0; i < 4; i++) {
            snprintf(b[i].id, sizeof(b[i].id), "%s", in[i].id);
            b[i].value = b[i].before = in[i].value;
            b[i].defined = b[i].defined_before = in[i].defined;
        }
        board_rank(b, 4, rows[r].dir);
        for (size_t i = 0; i < 4; i++) {
            CU_ASSERT_STRING_EQUAL(b[i].id, rows[r].ids[i]);
            CU_ASSERT_EQUAL(b[i].rank, rows[r].ranks[i]);
            CU_ASSERT_EQUAL(b[i].previous_rank, rows[r].ranks[i]);
        }
    }
    /* the direction a board ranks in: the metric's by value, higher against targets */
    CU_ASSERT_EQUAL(board_direction(BOARD_BY_VALUE, NQ_METRIC_DSO), LO);
    CU_ASSERT_EQUAL(board_direction(BOARD_BY_VALUE, NQ_METRIC_SALES_AMOUNT), HI);
    CU_ASSERT_EQUAL(board_direction(BOARD_BY_ATTAINMENT, NQ_METRIC_DSO), HI);
}

/* A board by dso's value: 20.0 days, 10.0 days, 30.0 days -> 10.0 first. Counters: balance x
 * days over invoiced (nq_metric_value). */
static void test_rank_dso(void)
{
    static const struct {
        const char *id;
        int64_t num, invoiced; /* ar_dso_num, ar_invoiced_fen */
    } in[] = {{"sp-a", 600000, 30000}, {"sp-b", 300000, 30000}, {"sp-c", 900000, 30000}};
    board_entry_t b[3];
    memset(b, 0, sizeof(b));
    for (size_t i = 0; i < 3; i++) {
        nq_kpi_values_t v = {{0}};
        v.v[NQ_KPI_AR_DSO_NUM] = in[i].num;
        v.v[NQ_KPI_AR_INVOICED_FEN] = in[i].invoiced;
        snprintf(b[i].id, sizeof(b[i].id), "%s", in[i].id);
        board_set_metric(&b[i], NQ_METRIC_DSO, &v, &v);
    }
    board_rank(b, 3, board_direction(BOARD_BY_VALUE, NQ_METRIC_DSO));
    CU_ASSERT_STRING_EQUAL(b[0].id, "sp-b"); /* 10.0 */
    CU_ASSERT_STRING_EQUAL(b[1].id, "sp-a"); /* 20.0 */
    CU_ASSERT_STRING_EQUAL(b[2].id, "sp-c"); /* 30.0 */
    CU_ASSERT_DOUBLE_EQUAL(b[0].value, 10.0, 1e-9);
}

/* The overview against a ceiling: attainment as above, the gap is the actual over the ceiling
 * (> 0 behind), no pace (a state), no negative note. */
static void test_against_ceiling(void)
{
    static const struct {
        double actual, target, attainment, gap;
    } rows[] = {
        {200000, 100000, 0.5, 100000}, /* 2,000.00 overdue, 1,000.00 allowed: 1,000.00 over */
        {80000, 100000, 1, -20000},    /* 200.00 under the ceiling */
        {0, 100000, 1, -100000},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        overview_against_t a;
        overview_against(NQ_METRIC_RECEIVABLES_OVERDUE, true, rows[i].actual, true, rows[i].target,
                         0.5, &a);
        CU_ASSERT_TRUE(a.has_attainment && a.has_gap);
        CU_ASSERT_FALSE(a.has_pace || a.has_projection || a.negative);
        CU_ASSERT_DOUBLE_EQUAL(a.attainment, rows[i].attainment, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(a.gap, rows[i].gap, 1e-9);
    }
}

/* A scorecard of sales (0.6) and overdue receivables (0.4, cap 1.5): sales 120,000.00 of
 * 100,000.00 -> 1.2 x 60 = 72 points; overdue 3,000.00 against 1,000.00 -> 1/3 x 40 = 13.33;
 * score 85.33. Within the ceiling the overdue line counts 1 (40 points, not more). */
static void test_scorecard(void)
{
    json_error_t e;
    json_t *j = json_loads("{\"effective_from\":\"2026-11-01\",\"metrics\":[{\"metric\":\"sales_"
                           "amount\",\"weight\":0.6},"
                           "{\"metric\":\"receivables_overdue\",\"weight\":0.4,\"cap\":1.5}]}",
                           0, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    scorecard_t sc;
    nq_field_errors_t errs;
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL_FATAL(scorecard_parse(j, &sc, &errs), 0);
    json_decref(j);
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_SALES_FEN] = 12000000;
    in.values.v[NQ_KPI_AR_OVERDUE_FEN] = 300000;
    in.target[NQ_METRIC_SALES_AMOUNT] = 10000000;
    in.target[NQ_METRIC_RECEIVABLES_OVERDUE] = 100000;
    in.has_target[NQ_METRIC_SALES_AMOUNT] = in.has_target[NQ_METRIC_RECEIVABLES_OVERDUE] = true;
    CU_ASSERT_DOUBLE_EQUAL(scorecard_score(&sc, &in), 72 + 40.0 / 3, 1e-9);
    json_t *x = scorecard_explain(&sc, &in);
    json_t *line = json_array_get(json_object_get(x, "metrics"), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(line, "direction")),
                           "lower_is_better");
    CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(line, "attainment")), 0.3333, 1e-9);
    json_decref(x);
    /* the next band (A from 90): 4.67 points; from overdue receivables 4.67 / 40 = 0.1167 more
     * attainment, 0.45 in all: 1000 / 0.45 = 2222.22 -> at most 2222.00 */
    sc.bands[0] = (sc_band_t){"C", 0};
    sc.bands[1] = (sc_band_t){"A", 90};
    sc.n_bands = 2;
    x = scorecard_explain(&sc, &in);
    json_t *opts = json_object_get(json_object_get(x, "next_band"), "options");
    CU_ASSERT_EQUAL(json_array_size(opts), 2);
    json_t *o = json_array_get(opts, 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "en")),
                           "overdue receivables down to 2222.00");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "zh")), "逾期应收款降低到 2222.00");
    json_decref(x);
    in.values.v[NQ_KPI_AR_OVERDUE_FEN] = 50000; /* 500.00: within the ceiling */
    CU_ASSERT_DOUBLE_EQUAL(scorecard_score(&sc, &in), 72 + 40, 1e-9);
    /* a commission never pays on a lower-is-better metric */
    j = json_loads("{\"effective_from\":\"2026-11-01\",\"metric\":\"receivables_overdue\","
                   "\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                   0, &e);
    commission_plan_t cp;
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(commission_parse(j, &cp, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "metric");
    json_decref(j);
}

/* targets_missed on tickets_overdue (2 allowed): fires above the ceiling, whatever a threshold
 * above 100 % says (a ceiling's attainment is at most 100 %); the texts say "over its ceiling". */
static void test_missed_ceiling(void)
{
    static const struct {
        int64_t overdue, min_pct;
        bool fires;
        int pct; /* the attainment it reads, rounded down */
    } rows[] = {
        {3, 100, true, 66}, /* 2 / 3 */
        {2, 100, false, 0}, /* at the ceiling: met */
        {0, 100, false, 0}, /* none overdue */
        {2, 120, false, 0}, /* 120 % reads as 100 % */
        {4, 60, true, 50},  /* 50 % below 60 % */
        {3, 60, false, 0},  /* 66 % is not below 60 % */
    };
    nq_period_t month;
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(NQ_PERIOD_MONTH, "2026-11", &month), 0);
    nq_targets_t t;
    nq_targets_clear(&t);
    t.value[NQ_METRIC_TICKETS_OVERDUE] = 2;
    t.source[NQ_METRIC_TICKETS_OVERDUE] = NQ_TARGET_SET;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_kpi_values_t kpi = {{0}};
        kpi.v[NQ_KPI_TICKETS_OVERDUE] = rows[i].overdue;
        sched_close_in_t in = {"sp-li",         "",    NQ_METRIC_TICKETS_OVERDUE, &kpi, &t,
                               rows[i].min_pct, &month};
        alert_draft_t d;
        bool fires = sched_target_missed(&in, &d);
        CU_ASSERT_EQUAL(fires, rows[i].fires);
        if (fires)
            CU_ASSERT_EQUAL((int)(d.attainment * 100 + 1e-9), rows[i].pct);
    }
    nq_kpi_values_t kpi = {{0}};
    kpi.v[NQ_KPI_TICKETS_OVERDUE] = 4;
    sched_close_in_t in = {"sp-li", "", NQ_METRIC_TICKETS_OVERDUE, &kpi, &t, 100, &month};
    alert_draft_t d;
    CU_ASSERT_TRUE_FATAL(sched_target_missed(&in, &d));
    alert_names_t names = {"李娜", "", ""};
    alert_rule_find("targets_missed")->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(
        d.title_en, "李娜, Nov 2026: overdue tickets over its ceiling, 50% attained (4 / 2), "
                    "target missed");
    CU_ASSERT_STRING_EQUAL(d.title,
                           "李娜 2026年11月 超时工单数 超出上限，达成率 50%（4 / 2），未达成目标");
    CU_ASSERT_STRING_EQUAL(
        d.explanation, "2026年11月 已结束：超时工单数 为 4，超出允许的上限 2（越低越好），达成率 "
                       "50%，低于 100%。");
}

static CU_TestInfo direction_tests[] = {
    {"the table: which metrics are lower-is-better", test_table},
    {"attainment in each direction", test_attainment},
    {"board order in each direction, ties and undefined", test_rank_order},
    {"a board by dso ranks the lowest first", test_rank_dso},
    {"overview against a ceiling", test_against_ceiling},
    {"scorecard and commission on a lower-is-better metric", test_scorecard},
    {"targets_missed above a ceiling", test_missed_ceiling},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"direction", NULL, NULL, NULL, NULL, direction_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
