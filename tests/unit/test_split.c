/* test_split.c — services/reporting/split.h: splitting a team target among members.
 *
 * Money is split in fen and counts in whole units by largest remainder (ties to the first
 * member), so the shares add up exactly; ratios and scores are given whole to everyone. Every
 * expected share is computed by hand next to it. */
#include <string.h>

#include "nq_test.h"
#include "reporting/split.h"

/* Shares are whole numbers that add up exactly to `total`. */
static void adds_up(const double *shares, size_t n, double total)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(shares[i], (double)(long long)shares[i]);
        sum += shares[i];
    }
    CU_ASSERT_EQUAL(sum, total);
}

/* 1000.00 yuan = 100000 fen in 3: 33333.33 each; the one fen left goes to the first member. */
static void test_even_money(void)
{
    double zero[3] = {0, 0, 0}, ones[3] = {1, 1, 1}, s[3] = {-1, -1, -1};
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, zero, 3, s);
    CU_ASSERT_EQUAL(s[0], 33334);
    CU_ASSERT_EQUAL(s[1], 33333);
    CU_ASSERT_EQUAL(s[2], 33333);
    adds_up(s, 3, 100000);
    /* Equal weights are the same as even. */
    split_target(NQ_METRIC_COLLECTIONS, 100000, ones, 3, s);
    CU_ASSERT_EQUAL(s[0], 33334);
    CU_ASSERT_EQUAL(s[1], 33333);
    CU_ASSERT_EQUAL(s[2], 33333);
    /* 200000 fen: 66666.67 each, two fen left for the first two. */
    split_target(NQ_METRIC_SALES_AMOUNT, 200000, zero, 3, s);
    CU_ASSERT_EQUAL(s[0], 66667);
    CU_ASSERT_EQUAL(s[1], 66667);
    CU_ASSERT_EQUAL(s[2], 66666);
    adds_up(s, 3, 200000);
}

/* 100 visits in 3: 34, 33, 33; 7 calls in 7: 1 each; 2 meetings in 3: 1, 1, 0. */
static void test_even_counts(void)
{
    double zero[7] = {0}, s[7];
    split_target(NQ_METRIC_VISITS, 100, zero, 3, s);
    CU_ASSERT_EQUAL(s[0], 34);
    CU_ASSERT_EQUAL(s[1], 33);
    CU_ASSERT_EQUAL(s[2], 33);
    split_target(NQ_METRIC_CALLS, 7, zero, 7, s);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(s[i], 1);
    split_target(NQ_METRIC_MEETINGS, 2, zero, 3, s);
    CU_ASSERT_EQUAL(s[0], 1);
    CU_ASSERT_EQUAL(s[1], 1);
    CU_ASSERT_EQUAL(s[2], 0);
    /* 0 to split: 0 each. */
    split_target(NQ_METRIC_ORDERS, 0, zero, 3, s);
    CU_ASSERT_EQUAL(s[0], 0);
    CU_ASSERT_EQUAL(s[2], 0);
}

/* Weights 2:1:1 of 100000 fen: 50000, 25000, 25000. Of 10 visits: 5, 2.5, 2.5 -> 5, 2, 2 and
 * the one left goes to the larger remainder, tied between members 2 and 3: the first of them. */
static void test_weights(void)
{
    double w[3] = {2, 1, 1}, s[3];
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, w, 3, s);
    CU_ASSERT_EQUAL(s[0], 50000);
    CU_ASSERT_EQUAL(s[1], 25000);
    CU_ASSERT_EQUAL(s[2], 25000);
    split_target(NQ_METRIC_VISITS, 10, w, 3, s);
    CU_ASSERT_EQUAL(s[0], 5);
    CU_ASSERT_EQUAL(s[1], 3);
    CU_ASSERT_EQUAL(s[2], 2);
    adds_up(s, 3, 10);
    /* 1:2 of 10: 3.33, 6.67 -> 3, 6 and the remainder .67 wins: 3, 7. */
    double w12[2] = {1, 2};
    split_target(NQ_METRIC_VISITS, 10, w12, 2, s);
    CU_ASSERT_EQUAL(s[0], 3);
    CU_ASSERT_EQUAL(s[1], 7);
    /* A zero weight gets nothing: 0:1:3 of 100 -> 0, 25, 75. */
    double w013[3] = {0, 1, 3};
    split_target(NQ_METRIC_VISITS, 100, w013, 3, s);
    CU_ASSERT_EQUAL(s[0], 0);
    CU_ASSERT_EQUAL(s[1], 25);
    CU_ASSERT_EQUAL(s[2], 75);
    /* Fractional weights: 0.5:0.25:0.25 is 2:1:1. */
    double wf[3] = {0.5, 0.25, 0.25};
    split_target(NQ_METRIC_SALES_AMOUNT, 100001, wf, 3, s); /* 50000.5, 25000.25, 25000.25 */
    CU_ASSERT_EQUAL(s[0], 50001);
    CU_ASSERT_EQUAL(s[1], 25000);
    CU_ASSERT_EQUAL(s[2], 25000);
}

/* last_period: weights are the members' actuals of the period before. Sales of 3000.00,
 * 1000.00 and 0.00 share a 1000.00 target 3:1:0 = 750.00, 250.00, 0.00. Nobody sold: even. */
static void test_last_period(void)
{
    double last[3] = {300000, 100000, 0}, s[3];
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, last, 3, s);
    CU_ASSERT_EQUAL(s[0], 75000);
    CU_ASSERT_EQUAL(s[1], 25000);
    CU_ASSERT_EQUAL(s[2], 0);
    double none[3] = {0, 0, 0};
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, none, 3, s);
    CU_ASSERT_EQUAL(s[0], 33334);
    CU_ASSERT_EQUAL(s[1], 33333);
    CU_ASSERT_EQUAL(s[2], 33333);
    /* Visits last period 7, 5, 3 (15) of 40: 18.67, 13.33, 8 -> 18, 13, 8 + 1 to the .67. */
    double v[3] = {7, 5, 3};
    split_target(NQ_METRIC_VISITS, 40, v, 3, s);
    CU_ASSERT_EQUAL(s[0], 19);
    CU_ASSERT_EQUAL(s[1], 13);
    CU_ASSERT_EQUAL(s[2], 8);
    adds_up(s, 3, 40);
}

/* Ratios, scores and averages are not split: everyone gets the team's value. */
static void test_not_split(void)
{
    double w[3] = {2, 1, 1}, s[3];
    split_target(NQ_METRIC_COVERAGE, 0.8, w, 3, s);
    CU_ASSERT_EQUAL(s[0], 0.8);
    CU_ASSERT_EQUAL(s[1], 0.8);
    CU_ASSERT_EQUAL(s[2], 0.8);
    split_target(NQ_METRIC_ORDER_COMPLETION_RATE, 0.95, w, 3, s);
    CU_ASSERT_EQUAL(s[2], 0.95);
    split_target(NQ_METRIC_FEEDBACK_SCORE, 4.5, w, 3, s);
    CU_ASSERT_EQUAL(s[0], 4.5);
    CU_ASSERT_EQUAL(s[1], 4.5);
    /* An average order value is money but not additive: 500.00 for everyone. */
    split_target(NQ_METRIC_AVG_ORDER_VALUE, 50000, w, 3, s);
    CU_ASSERT_EQUAL(s[0], 50000);
    CU_ASSERT_EQUAL(s[2], 50000);
    split_target(NQ_METRIC_ACTIVITY_TO_ORDER, 3.5, w, 3, s);
    CU_ASSERT_EQUAL(s[1], 3.5);
}

/* One member gets it all, whatever the weight. */
static void test_one_member(void)
{
    double w0[1] = {0}, w5[1] = {5}, s[1] = {-1};
    split_target(NQ_METRIC_SALES_AMOUNT, 123457, w0, 1, s);
    CU_ASSERT_EQUAL(s[0], 123457);
    split_target(NQ_METRIC_VISITS, 17, w5, 1, s);
    CU_ASSERT_EQUAL(s[0], 17);
    split_target(NQ_METRIC_COVERAGE, 0.8, w5, 1, s);
    CU_ASSERT_EQUAL(s[0], 0.8);
    /* Nobody: nothing written. */
    split_target(NQ_METRIC_VISITS, 17, w5, 0, s);
    CU_ASSERT_EQUAL(s[0], 0.8);
}

/* Many members, awkward weights: the shares still add up to the fen. */
static void test_adds_up(void)
{
    double w[7] = {0.1, 0.2, 0.3, 0.7, 1.1, 0, 2.9}, s[7];
    split_target(NQ_METRIC_SALES_AMOUNT, 9999999, w, 7, s);
    adds_up(s, 7, 9999999);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_TRUE(s[i] >= 0);
    CU_ASSERT_EQUAL(s[5], 0);
    /* 0.1 / 5.3 x 9999999 = 188679.2 -> 188679 (remainders decide at most one fen). */
    CU_ASSERT_TRUE(s[0] == 188679 || s[0] == 188680);
    double ones[6] = {1, 1, 1, 1, 1, 1};
    split_target(NQ_METRIC_VISITS, 5, ones, 6, s); /* 0.83 each: 1 1 1 1 1 0 */
    adds_up(s, 6, 5);
    CU_ASSERT_EQUAL(s[0], 1);
    CU_ASSERT_EQUAL(s[4], 1);
    CU_ASSERT_EQUAL(s[5], 0);
}

static void test_method_names(void)
{
    CU_ASSERT_EQUAL(split_method_parse("even"), SPLIT_EVEN);
    CU_ASSERT_EQUAL(split_method_parse("weights"), SPLIT_WEIGHTS);
    CU_ASSERT_EQUAL(split_method_parse("last_period"), SPLIT_LAST_PERIOD);
    CU_ASSERT_EQUAL(split_method_parse("Even"), -1);
    CU_ASSERT_EQUAL(split_method_parse("even "), -1);
    CU_ASSERT_EQUAL(split_method_parse("last-period"), -1);
    CU_ASSERT_EQUAL(split_method_parse("weight"), -1);
    CU_ASSERT_EQUAL(split_method_parse(""), -1);
    CU_ASSERT_EQUAL(split_method_parse(NULL), -1);
    CU_ASSERT_STRING_EQUAL(split_method_name(SPLIT_EVEN), "even");
    CU_ASSERT_STRING_EQUAL(split_method_name(SPLIT_WEIGHTS), "weights");
    CU_ASSERT_STRING_EQUAL(split_method_name(SPLIT_LAST_PERIOD), "last_period");
    CU_ASSERT_STRING_EQUAL(split_method_name(SPLIT_METHODS), "unknown");
    for (int m = 0; m < SPLIT_METHODS; m++)
        CU_ASSERT_EQUAL(split_method_parse(split_method_name((split_method_t)m)), m);
}

static CU_TestInfo split_tests[] = {
    {"even: 1000.00 yuan in 3", test_even_money},
    {"even: counts", test_even_counts},
    {"weights 2:1:1 and remainders", test_weights},
    {"last_period shares, even when nobody had any", test_last_period},
    {"ratios, scores, averages are not split", test_not_split},
    {"one member, no member", test_one_member},
    {"shares add up exactly", test_adds_up},
    {"method names", test_method_names},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"split", NULL, NULL, NULL, NULL, split_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
