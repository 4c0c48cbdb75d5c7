/* test_aftersales.c — nq/aftersales.h: NPS classes and figure, SLA targets
 * and breaches, the median time to close, competitor price statistics;
 * table-driven, exact integers. */
#include <string.h>

#include "nq/aftersales.h"
#include "nq_test.h"

#define H NQ_HOUR_MS

static void test_nps_class(void)
{
    static const struct {
        int answer, want;
    } cases[] = {{0, -1}, {6, -1}, {7, 0}, {8, 0}, {9, 1}, {10, 1}, {-1, 0}, {11, 0}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CU_ASSERT_EQUAL(nq_nps_class(cases[i].answer), cases[i].want);
}

static void test_nps_tenths(void)
{
    static const struct {
        int64_t promoters, detractors, answers;
        bool defined;
        int64_t want;
    } cases[] = {
        {2, 1, 3, true, 333},   /* 33.33 -> 33.3 */
        {1, 2, 3, true, -333},  /* -33.3 */
        {2, 0, 3, true, 667},   /* 66.67 -> 66.7 */
        {0, 2, 3, true, -667},  /* half away from zero below 0 too */
        {1, 0, 8, true, 125},   /* 12.5 exactly */
        {1, 0, 16, true, 63},   /* 6.25 -> 6.3 (half up) */
        {0, 1, 16, true, -63},  /* -6.25 -> -6.3 */
        {4, 4, 9, true, 0},     /* as many of each: 0 */
        {5, 0, 5, true, 1000},  /* all promoters: 100 */
        {0, 5, 5, true, -1000}, /* all detractors: -100 */
        {0, 0, 0, false, 0},    /* no answers: undefined */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 12345;
        bool ok = nq_nps_tenths(cases[i].promoters, cases[i].detractors, cases[i].answers, &t);
        CU_ASSERT_EQUAL(ok, cases[i].defined);
        if (ok && cases[i].defined)
            CU_ASSERT_EQUAL(t, cases[i].want);
        if (!ok)
            CU_ASSERT_EQUAL(t, 12345); /* untouched */
    }
}

static void test_sla(void)
{
    static const struct {
        const char *priority;
        int64_t target;
    } targets[] = {{"urgent", 4 * H}, {"high", 24 * H}, {"normal", 72 * H}, {"low", 168 * H},
                   {NULL, 72 * H},    {"", 72 * H},     {"URGENT", 72 * H}};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        CU_ASSERT_EQUAL(nq_sla_target_ms(targets[i].priority), targets[i].target);

    const int64_t opened = 1764547200000; /* 2025-12-01 08:00 Asia/Shanghai */
    static const struct {
        const char *priority;
        int64_t after;
        bool breached;
    } cases[] = {
        {"urgent", 4 * H, false},    /* exactly the target: on time */
        {"urgent", 4 * H + 1, true}, /* a ms later: breached */
        {"high", 24 * H - 1, false},      {"high", 24 * H + 1, true}, {"normal", 72 * H, false},
        {"normal", 72 * H + 60000, true}, {NULL, 72 * H + 1, true}, /* no priority: normal */
        {"low", 100 * H, false},          {"urgent", 0, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CU_ASSERT_EQUAL(nq_sla_breached(cases[i].priority, opened, opened + cases[i].after),
                        cases[i].breached);
    }
    CU_ASSERT_EQUAL(nq_sla_due_at("urgent", opened), opened + 4 * H);
}

static void test_median(void)
{
    static const struct {
        int64_t d[6];
        size_t n;
        int64_t want;
    } cases[] = {
        {{5 * H}, 1, 5 * H},
        {{3, 1, 2}, 3, 2},          /* unsorted input */
        {{4 * H, 2 * H}, 2, 3 * H}, /* even: the mean of the middle two */
        {{1, 2}, 2, 1},             /* 1.5 ms rounds down */
        {{10, 1, 7, 3}, 4, 5},      /* 3 and 7 */
        {{9, 9, 9, 1, 1, 1}, 6, 5},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t d[6], got = -1;
        memcpy(d, cases[i].d, sizeof(d));
        CU_ASSERT_TRUE(nq_median_ms(d, cases[i].n, &got));
        CU_ASSERT_EQUAL(got, cases[i].want);
    }
    int64_t got = -1;
    CU_ASSERT_FALSE(nq_median_ms(NULL, 0, &got));
    CU_ASSERT_EQUAL(got, -1);
    int64_t big[2] = {INT64_MAX - 2, INT64_MAX}; /* no overflow in the mean */
    CU_ASSERT_TRUE(nq_median_ms(big, 2, &got));
    CU_ASSERT_EQUAL(got, INT64_MAX - 1);
}

/* Observations in any order give the same figures. */
static void test_price_stats(void)
{
    static const struct {
        int64_t at, fen;
    } obs[] = {{3000, 9900}, {1000, 12000}, {2000, 10050}, {1000, 11000}, {3000, 9950}};
    const size_t n = sizeof(obs) / sizeof(obs[0]);
    static const size_t orders[][5] = {{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 4, 1, 0, 3}};
    for (size_t o = 0; o < 3; o++) {
        nq_price_stats_t ps = {0};
        for (size_t i = 0; i < n; i++)
            nq_price_stats_add(&ps, obs[orders[o][i]].at, obs[orders[o][i]].fen);
        CU_ASSERT_EQUAL(ps.n, 5);
        CU_ASSERT_EQUAL(ps.sum_fen, 52900);
        CU_ASSERT_EQUAL(ps.min_fen, 9900);
        CU_ASSERT_EQUAL(ps.max_fen, 12000);
        CU_ASSERT_EQUAL(ps.first_at, 1000);
        CU_ASSERT_EQUAL(ps.first_fen, 11000); /* the lower of the two at 1000 */
        CU_ASSERT_EQUAL(ps.last_at, 3000);
        CU_ASSERT_EQUAL(ps.last_fen, 9950); /* the higher of the two at 3000 */
        int64_t avg = 0;
        CU_ASSERT_TRUE(nq_price_stats_avg(&ps, &avg));
        CU_ASSERT_EQUAL(avg, 10580); /* 52900 / 5 */
    }
    static const struct {
        int64_t sum, n, want;
    } avgs[] = {{3, 2, 2}, {5, 4, 1}, {10, 4, 3}, {10001, 3, 3334}, {0, 1, 0}};
    for (size_t i = 0; i < sizeof(avgs) / sizeof(avgs[0]); i++) {
        nq_price_stats_t ps = {.n = avgs[i].n, .sum_fen = avgs[i].sum};
        int64_t avg = -1;
        CU_ASSERT_TRUE(nq_price_stats_avg(&ps, &avg));
        CU_ASSERT_EQUAL(avg, avgs[i].want);
    }
    nq_price_stats_t none = {0};
    int64_t avg = -1;
    CU_ASSERT_FALSE(nq_price_stats_avg(&none, &avg));
}

static CU_TestInfo tests[] = {
    {"NPS answer classes", test_nps_class},
    {"NPS in tenths, rounded half away from zero", test_nps_tenths},
    {"SLA targets by priority and breaches", test_sla},
    {"median time to close", test_median},
    {"price statistics, order-independent", test_price_stats},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"aftersales", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
