/* test_satisf.c — nq/satisf.h: average rating and NPS exact (hundredths,
 * tenths), a customer's month-keyed figures summed over a month, quarter
 * or year, the period before across a year's boundary, the ?period= forms,
 * sums of salespeople and training completion. */
#include <string.h>

#include "nq/satisf.h"
#include "nq_test.h"

static void test_arithmetic(void)
{
    static const struct {
        int64_t sum, ratings, answers, net;
        bool has_avg;
        int64_t avg;
        bool has_nps;
        int64_t nps;
    } rows[] = {
        {14, 3, 3, 1, true, 467, true, 333},   /* 4.666… -> 4.67; 1/3 -> 33.3 */
        {8, 3, 3, -1, true, 267, true, -333},  /* 2.666… -> 2.67; -33.3 */
        {5, 2, 8, 1, true, 250, true, 125},    /* 2.5 exact; 12.5 */
        {9, 2, 6, -1, true, 450, true, -167},  /* -16.66… -> -16.7 (away from 0) */
        {0, 0, 0, 0, false, 0, false, 0},      /* nothing answered */
        {5, 1, 1, 1, true, 500, true, 1000},   /* one promoter: 100 */
        {1, 1, 1, -1, true, 100, true, -1000}, /* one detractor: -100 */
        {0, 0, 4, 0, false, 0, true, 0},       /* only passives */
        {22, 7, 0, 0, true, 314, false, 0},    /* 3.1428… -> 3.14, no NPS */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_satisf_t s = {.rating_sum = rows[i].sum,
                         .ratings = rows[i].ratings,
                         .answers = rows[i].answers,
                         .net = rows[i].net};
        int64_t avg = -9, nps = -9;
        CU_ASSERT_EQUAL(nq_satisf_avg(&s, &avg), rows[i].has_avg);
        CU_ASSERT_EQUAL(nq_satisf_nps(&s, &nps), rows[i].has_nps);
        if (rows[i].has_avg)
            CU_ASSERT_EQUAL(avg, rows[i].avg);
        if (rows[i].has_nps)
            CU_ASSERT_EQUAL(nps, rows[i].nps);
    }
}

static void test_from_kpi_and_add(void)
{
    nq_kpi_values_t v = {0};
    v.v[NQ_KPI_FEEDBACK_SUM] = 9;
    v.v[NQ_KPI_FEEDBACK_COUNT] = 2;
    v.v[NQ_KPI_NPS_RESPONSES] = 3;
    v.v[NQ_KPI_NPS_NET] = -2;
    nq_satisf_t a, sum = {0};
    nq_satisf_from_kpi(&v, &a);
    CU_ASSERT_EQUAL(a.rating_sum, 9);
    CU_ASSERT_EQUAL(a.ratings, 2);
    CU_ASSERT_EQUAL(a.answers, 3);
    CU_ASSERT_EQUAL(a.net, -2);
    CU_ASSERT_FALSE(a.has_split);
    nq_satisf_add(&sum, &a);
    nq_satisf_add(&sum, &a);
    CU_ASSERT_EQUAL(sum.rating_sum, 18);
    CU_ASSERT_EQUAL(sum.answers, 6);
    CU_ASSERT_EQUAL(sum.net, -4);
    CU_ASSERT_FALSE(sum.has_split);
    /* customers' figures keep their split; a salesperson's ends it */
    nq_satisf_t c = {.answers = 2, .net = 1, .promoters = 1, .detractors = 0, .has_split = true};
    nq_satisf_t cs = {0};
    nq_satisf_add(&cs, &c);
    nq_satisf_add(&cs, &c);
    CU_ASSERT_TRUE(cs.has_split);
    CU_ASSERT_EQUAL(cs.promoters, 2);
    nq_satisf_add(&cs, &a);
    CU_ASSERT_FALSE(cs.has_split);
    CU_ASSERT_EQUAL(cs.promoters, 0);
    CU_ASSERT_EQUAL(cs.net, 0);
}

/* The split from the KPI counters: known when it agrees with the net and the
 * answers (counters scored before the split disagree: no split); a team's
 * sum keeps it only when every member's is known. */
static void test_split_from_kpi(void)
{
    static const struct {
        int64_t answers, net, promoters, detractors;
        bool split;
    } rows[] = {
        {3, 1, 2, 1, true},   /* 10, 9, 3 */
        {3, 2, 2, 0, true},   /* 10, 10, 7 (a passive) */
        {1, -1, 0, 1, true},  /* one detractor */
        {4, 0, 0, 0, true},   /* only passives */
        {0, 0, 0, 0, true},   /* nothing answered */
        {3, 1, 0, 0, false},  /* the net without the split: scored before it was kept */
        {2, 0, 2, 2, false},  /* more promoters and detractors than answers */
        {3, 1, 3, 1, false},  /* disagrees with the net */
        {3, -1, -1, 0, false} /* negative */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_kpi_values_t v = {0};
        v.v[NQ_KPI_NPS_RESPONSES] = rows[i].answers;
        v.v[NQ_KPI_NPS_NET] = rows[i].net;
        v.v[NQ_KPI_NPS_PROMOTERS] = rows[i].promoters;
        v.v[NQ_KPI_NPS_DETRACTORS] = rows[i].detractors;
        nq_satisf_t s;
        nq_satisf_from_kpi(&v, &s);
        CU_ASSERT_EQUAL(s.has_split, rows[i].split);
        CU_ASSERT_EQUAL(s.promoters, rows[i].split ? rows[i].promoters : 0);
        CU_ASSERT_EQUAL(s.detractors, rows[i].split ? rows[i].detractors : 0);
        CU_ASSERT_EQUAL(s.net, rows[i].net);
    }
    /* a team: 2 - 1 of 3 and 2 - 0 of 3 is 4 - 1 of 6, NPS (4 - 1) / 6 = 50.0 */
    nq_satisf_t a = {.answers = 3, .net = 1, .promoters = 2, .detractors = 1, .has_split = true};
    nq_satisf_t b = {.answers = 3, .net = 2, .promoters = 2, .detractors = 0, .has_split = true};
    nq_satisf_t team = {0}, old = {.answers = 1, .net = 1};
    int64_t nps;
    nq_satisf_add(&team, &a);
    nq_satisf_add(&team, &b);
    CU_ASSERT_TRUE(team.has_split);
    CU_ASSERT_EQUAL(team.promoters, 4);
    CU_ASSERT_EQUAL(team.detractors, 1);
    CU_ASSERT_TRUE(nq_satisf_nps(&team, &nps));
    CU_ASSERT_EQUAL(nps, 500);
    nq_satisf_add(&team, &old); /* a member without a split: the team has none */
    CU_ASSERT_FALSE(team.has_split);
    CU_ASSERT_EQUAL(team.net, 4);
}

/* A customer's figures hash: the months of a period summed, the rest left out. */
static void test_customer(void)
{
    const char *fields[] = {
        "rating_sum",           "40", /* all-time: not a month's */
        "2026-01|rating_sum",   "9",  "2026-01|rating_count", "2", "2026-01|nps_count",  "2",
        "2026-01|promoters",    "1",  "2026-01|detractors",   "1", "2025-12|rating_sum", "5",
        "2025-12|rating_count", "1",  "2025-12|nps_count",    "1", "2025-12|promoters",  "1",
        "2025-10|rating_sum",   "2",  "2025-10|rating_count", "1", "2025-10|nps_count",  "1",
        "2025-10|detractors",   "1",  "2026-01|orders",       "7", "2026-13|rating_sum", "99",
        "2026-01|rating_sum x", "1",  "2025-11|rating_count", "x",
    };
    size_t n = sizeof(fields) / sizeof(fields[0]);
    nq_period_t jan, dec, q4, y25;
    nq_satisf_t s;
    int64_t t;
    CU_ASSERT_EQUAL_FATAL(nq_satisf_period_parse("2026-01", &jan), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_prev(&jan, &dec), 0);
    CU_ASSERT_STRING_EQUAL(dec.key, "2025-12"); /* the month before, across the year */
    nq_satisf_customer(fields, n, &jan, &s);
    CU_ASSERT_EQUAL(s.rating_sum, 9);
    CU_ASSERT_EQUAL(s.ratings, 2);
    CU_ASSERT_EQUAL(s.answers, 2);
    CU_ASSERT_EQUAL(s.promoters, 1);
    CU_ASSERT_EQUAL(s.detractors, 1);
    CU_ASSERT_EQUAL(s.net, 0);
    CU_ASSERT_TRUE(nq_satisf_nps(&s, &t) && t == 0);
    nq_satisf_customer(fields, n, &dec, &s);
    CU_ASSERT_EQUAL(s.rating_sum, 5);
    CU_ASSERT_TRUE(nq_satisf_nps(&s, &t) && t == 1000);
    CU_ASSERT_EQUAL_FATAL(nq_satisf_period_parse("2025-Q4", &q4), 0);
    nq_satisf_customer(fields, n, &q4, &s); /* October and December */
    CU_ASSERT_EQUAL(s.rating_sum, 7);
    CU_ASSERT_EQUAL(s.ratings, 2);
    CU_ASSERT_EQUAL(s.answers, 2);
    CU_ASSERT_EQUAL(s.net, 0);
    CU_ASSERT_TRUE(nq_satisf_avg(&s, &t) && t == 350);
    CU_ASSERT_EQUAL_FATAL(nq_satisf_period_parse("2025", &y25), 0);
    nq_satisf_customer(fields, n, &y25, &s);
    CU_ASSERT_EQUAL(s.rating_sum, 7);
    nq_satisf_customer(NULL, 0, &jan, &s);
    CU_ASSERT_FALSE(nq_satisf_avg(&s, &t));
    CU_ASSERT_FALSE(nq_satisf_nps(&s, &t));
}

static void test_periods(void)
{
    static const struct {
        const char *text;
        int ok;
        nq_period_kind_t kind;
        const char *prev;
    } rows[] = {
        {"2026-11", 0, NQ_PERIOD_MONTH, "2026-10"},
        {"2026-01", 0, NQ_PERIOD_MONTH, "2025-12"},
        {"2026-Q1", 0, NQ_PERIOD_QUARTER, "2025-Q4"},
        {"2026-Q3", 0, NQ_PERIOD_QUARTER, "2026-Q2"},
        {"2026", 0, NQ_PERIOD_YEAR, "2025"},
        {"2026-13", -1, 0, NULL},
        {"2026-Q5", -1, 0, NULL},
        {"2026-W48", -1, 0, NULL},
        {"2026-11-26", -1, 0, NULL},
        {"", -1, 0, NULL},
        {"month", -1, 0, NULL},
        {"2026-1", -1, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        nq_period_t p, prev;
        CU_ASSERT_EQUAL(nq_satisf_period_parse(rows[i].text, &p), rows[i].ok);
        if (rows[i].ok != 0)
            continue;
        CU_ASSERT_EQUAL(p.kind, rows[i].kind);
        CU_ASSERT_EQUAL_FATAL(nq_period_prev(&p, &prev), 0);
        CU_ASSERT_STRING_EQUAL(prev.key, rows[i].prev);
    }
    nq_period_t p;
    CU_ASSERT_EQUAL(nq_satisf_period_parse(NULL, &p), -1);
}

static void test_completion(void)
{
    static const struct {
        int64_t trained, members;
        bool has;
        int64_t tenths;
    } rows[] = {
        {0, 4, true, 0},   {1, 4, true, 250}, {4, 4, true, 1000}, {1, 3, true, 333},
        {2, 3, true, 667}, {1, 6, true, 167}, {0, 0, false, 0},   {5, 8, true, 625},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t t = -1;
        CU_ASSERT_EQUAL(nq_training_completion(rows[i].trained, rows[i].members, &t), rows[i].has);
        if (rows[i].has)
            CU_ASSERT_EQUAL(t, rows[i].tenths);
    }
}

static CU_TestInfo tests[] = {
    {"average rating and NPS exact", test_arithmetic},
    {"from the KPI counters; sums of people", test_from_kpi_and_add},
    {"promoters and detractors from the KPI counters", test_split_from_kpi},
    {"a customer's months in a period", test_customer},
    {"?period= forms and the period before", test_periods},
    {"training completion", test_completion},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"satisf", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
