/* test_split.c — services/reporting/split.h: splitting a team target among members.
 *
 * Money is split in fen and counts in whole units by largest remainder (ties to the first
 * member), so the shares add up exactly; ratios and scores are given whole to everyone. A member
 * without a weight gets the even share, nobody gets less than min_share of it, and nobody gets 0
 * while there is a unit for everyone. Every expected share is computed by hand next to it. */
#include <math.h>
#include <stdio.h>
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
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, zero, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 33334);
    CU_ASSERT_EQUAL(s[1], 33333);
    CU_ASSERT_EQUAL(s[2], 33333);
    adds_up(s, 3, 100000);
    /* Equal weights are the same as even. */
    split_target(NQ_METRIC_COLLECTIONS, 100000, ones, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 33334);
    CU_ASSERT_EQUAL(s[1], 33333);
    CU_ASSERT_EQUAL(s[2], 33333);
    /* 200000 fen: 66666.67 each, two fen left for the first two. */
    split_target(NQ_METRIC_SALES_AMOUNT, 200000, zero, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 66667);
    CU_ASSERT_EQUAL(s[1], 66667);
    CU_ASSERT_EQUAL(s[2], 66666);
    adds_up(s, 3, 200000);
}

/* 100 visits in 3: 34, 33, 33; 7 calls in 7: 1 each; 2 meetings in 3: 1, 1, 0. */
static void test_even_counts(void)
{
    double zero[7] = {0}, s[7];
    split_target(NQ_METRIC_VISITS, 100, zero, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 34);
    CU_ASSERT_EQUAL(s[1], 33);
    CU_ASSERT_EQUAL(s[2], 33);
    split_target(NQ_METRIC_CALLS, 7, zero, 7, 0, s);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(s[i], 1);
    split_target(NQ_METRIC_MEETINGS, 2, zero, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 1);
    CU_ASSERT_EQUAL(s[1], 1);
    CU_ASSERT_EQUAL(s[2], 0);
    /* 0 to split: 0 each. */
    split_target(NQ_METRIC_ORDERS, 0, zero, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 0);
    CU_ASSERT_EQUAL(s[2], 0);
}

/* Weights 2:1:1 of 100000 fen: 50000, 25000, 25000. Of 10 visits: 5, 2.5, 2.5 -> 5, 2, 2 and
 * the one left goes to the larger remainder, tied between members 2 and 3: the first of them. */
static void test_weights(void)
{
    double w[3] = {2, 1, 1}, s[3];
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 50000);
    CU_ASSERT_EQUAL(s[1], 25000);
    CU_ASSERT_EQUAL(s[2], 25000);
    split_target(NQ_METRIC_VISITS, 10, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 5);
    CU_ASSERT_EQUAL(s[1], 3);
    CU_ASSERT_EQUAL(s[2], 2);
    adds_up(s, 3, 10);
    /* 1:2 of 10: 3.33, 6.67 -> 3, 6 and the remainder .67 wins: 3, 7. */
    double w12[2] = {1, 2};
    split_target(NQ_METRIC_VISITS, 10, w12, 2, 0, s);
    CU_ASSERT_EQUAL(s[0], 3);
    CU_ASSERT_EQUAL(s[1], 7);
    /* A zero weight is no weight: it weighs the average of the others (2), 2:1:3 of 100 ->
     * 33.33, 16.67, 50 -> 33, 17, 50. */
    double w013[3] = {0, 1, 3};
    split_target(NQ_METRIC_VISITS, 100, w013, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 33);
    CU_ASSERT_EQUAL(s[1], 17);
    CU_ASSERT_EQUAL(s[2], 50);
    /* Fractional weights: 0.5:0.25:0.25 is 2:1:1. */
    double wf[3] = {0.5, 0.25, 0.25};
    split_target(NQ_METRIC_SALES_AMOUNT, 100001, wf, 3, 0, s); /* 50000.5, 25000.25, 25000.25 */
    CU_ASSERT_EQUAL(s[0], 50001);
    CU_ASSERT_EQUAL(s[1], 25000);
    CU_ASSERT_EQUAL(s[2], 25000);
}

/* last_period: weights are the members' actuals of the period before. Sales of 3000.00,
 * 1000.00 and 0.00: the one who sold nothing weighs the average of the others (2000.00), so a
 * 1000.00 target goes 3:1:2 = 500.00, 166.67, 333.33 -- the even share for the third, never 0.
 * Nobody sold: even. */
static void test_last_period(void)
{
    double last[3] = {300000, 100000, 0}, s[3];
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, last, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 50000);
    CU_ASSERT_EQUAL(s[1], 16667);
    CU_ASSERT_EQUAL(s[2], 33333);
    adds_up(s, 3, 100000);
    /* Net sales below zero last period count as nothing: the even share too. */
    double neg[3] = {300000, 100000, -230006};
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, neg, 3, 0, s);
    CU_ASSERT_EQUAL(s[2], 33333);
    double none[3] = {0, 0, 0};
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, none, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 33334);
    CU_ASSERT_EQUAL(s[1], 33333);
    CU_ASSERT_EQUAL(s[2], 33333);
    /* Visits last period 7, 5, 3 (15) of 40: 18.67, 13.33, 8 -> 18, 13, 8 + 1 to the .67. */
    double v[3] = {7, 5, 3};
    split_target(NQ_METRIC_VISITS, 40, v, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 19);
    CU_ASSERT_EQUAL(s[1], 13);
    CU_ASSERT_EQUAL(s[2], 8);
    adds_up(s, 3, 40);
}

/* Ratios, scores and averages are not split: everyone gets the team's value. */
static void test_not_split(void)
{
    double w[3] = {2, 1, 1}, s[3];
    split_target(NQ_METRIC_COVERAGE, 0.8, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 0.8);
    CU_ASSERT_EQUAL(s[1], 0.8);
    CU_ASSERT_EQUAL(s[2], 0.8);
    split_target(NQ_METRIC_ORDER_COMPLETION_RATE, 0.95, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[2], 0.95);
    split_target(NQ_METRIC_FEEDBACK_SCORE, 4.5, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 4.5);
    CU_ASSERT_EQUAL(s[1], 4.5);
    /* An average order value is money but not additive: 500.00 for everyone. */
    split_target(NQ_METRIC_AVG_ORDER_VALUE, 50000, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 50000);
    CU_ASSERT_EQUAL(s[2], 50000);
    split_target(NQ_METRIC_ACTIVITY_TO_ORDER, 3.5, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[1], 3.5);
}

/* One member gets it all, whatever the weight. */
static void test_one_member(void)
{
    double w0[1] = {0}, w5[1] = {5}, s[1] = {-1};
    split_target(NQ_METRIC_SALES_AMOUNT, 123457, w0, 1, 0, s);
    CU_ASSERT_EQUAL(s[0], 123457);
    split_target(NQ_METRIC_VISITS, 17, w5, 1, 0, s);
    CU_ASSERT_EQUAL(s[0], 17);
    split_target(NQ_METRIC_COVERAGE, 0.8, w5, 1, 0, s);
    CU_ASSERT_EQUAL(s[0], 0.8);
    /* Nobody: nothing written. */
    split_target(NQ_METRIC_VISITS, 17, w5, 0, 0, s);
    CU_ASSERT_EQUAL(s[0], 0.8);
}

/* Many members, awkward weights: the shares still add up to the fen. */
static void test_adds_up(void)
{
    double w[7] = {0.1, 0.2, 0.3, 0.7, 1.1, 0, 2.9}, s[7];
    split_target(NQ_METRIC_SALES_AMOUNT, 9999999, w, 7, 0, s);
    adds_up(s, 7, 9999999);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_TRUE(s[i] > 0);
    /* The sixth weighs the average 5.3 / 6 = 0.8833 of 6.1833: 1428571.2 -> 1428571 or 2;
     * 0.1 / 6.1833 x 9999999 = 161725.1 -> 161725 (remainders decide at most one fen). */
    CU_ASSERT_TRUE(s[5] == 1428571 || s[5] == 1428572);
    CU_ASSERT_TRUE(s[0] == 161725 || s[0] == 161726);
    double ones[6] = {1, 1, 1, 1, 1, 1};
    split_target(NQ_METRIC_VISITS, 5, ones, 6, 0, s); /* 0.83 each: 1 1 1 1 1 0 */
    adds_up(s, 6, 5);
    CU_ASSERT_EQUAL(s[0], 1);
    CU_ASSERT_EQUAL(s[4], 1);
    CU_ASSERT_EQUAL(s[5], 0);
}

/* Nobody gets 0 while there is a unit for everyone: 40 visits among members who made 1000, 1
 * and 1 last period would give 39.92, 0.04, 0.04 -> 40, 0, 0; instead the two get one each. */
static void test_at_least_one_unit(void)
{
    double w[3] = {1000, 1, 1}, s[3];
    split_target(NQ_METRIC_VISITS, 40, w, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 38);
    CU_ASSERT_EQUAL(s[1], 1);
    CU_ASSERT_EQUAL(s[2], 1);
    /* 1.00 yuan by 1000000 : 1 : 1 -> 98, 1, 1 fen. */
    split_target(NQ_METRIC_SALES_AMOUNT, 100, (double[]){1000000, 1, 1}, 3, 0, s);
    CU_ASSERT_EQUAL(s[0], 98);
    CU_ASSERT_EQUAL(s[1], 1);
    CU_ASSERT_EQUAL(s[2], 1);
    /* Fewer units than members: some must get 0 (the caller flags them). */
    split_target(NQ_METRIC_MEETINGS, 2, w, 3, 0, s);
    adds_up(s, 3, 2);
}

/* min_share: 400 visits by 100 : 10 : 1 : 1 give 357.1, 35.7, 3.6, 3.6; with min_share 0.5
 * nobody gets less than half the even share (50): three are held at 50, the first gets 250.
 * With 0.2 (at least 20): 357.1 -> the two small ones at 20, then 360 by 100 : 10 = 327.27,
 * 32.73 -> 327, 33, 20, 20. min_share 1 is even. */
static void test_min_share(void)
{
    double w[4] = {100, 10, 1, 1}, s[4];
    split_target(NQ_METRIC_VISITS, 400, w, 4, 0.5, s);
    CU_ASSERT_EQUAL(s[0], 250);
    CU_ASSERT_EQUAL(s[1], 50);
    CU_ASSERT_EQUAL(s[2], 50);
    CU_ASSERT_EQUAL(s[3], 50);
    split_target(NQ_METRIC_VISITS, 400, w, 4, 0.2, s);
    CU_ASSERT_EQUAL(s[0], 327);
    CU_ASSERT_EQUAL(s[1], 33);
    CU_ASSERT_EQUAL(s[2], 20);
    CU_ASSERT_EQUAL(s[3], 20);
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, w, 4, 1, s);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(s[i], 25000);
    /* Out of range is clamped to 0..1. */
    split_target(NQ_METRIC_SALES_AMOUNT, 100000, w, 4, 7, s);
    CU_ASSERT_EQUAL(s[3], 25000);
}

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}

/* Random weights (some 0), totals and min_share: the shares add up, nobody gets less than the
 * minimum share (to the unit), and nobody gets 0 when there is a unit for everyone. */
static void test_random(void)
{
    uint64_t seed = 0x73706c6974ULL;
    double w[40], s[40];
    for (int round = 0; round < 20000; round++) {
        size_t n = 1 + rnd(&seed) % 40;
        for (size_t i = 0; i < n; i++)
            w[i] = rnd(&seed) % 4 ? (double)(rnd(&seed) % 1000000) / 100 : 0;
        double total = (double)(rnd(&seed) % (rnd(&seed) % 2 ? 100 : 10000000000ULL));
        double min_share = rnd(&seed) % 2 ? (double)(rnd(&seed) % 101) / 100 : 0;
        nq_metric_id_t m = rnd(&seed) % 2 ? NQ_METRIC_SALES_AMOUNT : NQ_METRIC_VISITS;
        split_target(m, total, w, n, min_share, s);
        double sum = 0, least = floor(min_share * total / (double)n);
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
            sum += s[i];
            ok = ok && s[i] == floor(s[i]) && s[i] >= least && (total < (double)n || s[i] >= 1);
        }
        CU_ASSERT_TRUE(ok && sum == total);
        if (!ok || sum != total) {
            fprintf(stderr, "\n    round %d: n %zu total %.0f min_share %.2f\n", round, n, total,
                    min_share);
            break;
        }
    }
}

/* The weights: {"sp01":1.5,"sp99":2} for a team of sp01..sp07. sp99 is not a member
 * and six members have no weight: refused, each named. */
static void test_match_weights(void)
{
    const char *members[7] = {"sp01", "sp02", "sp03", "sp04", "sp05", "sp06", "sp07"};
    const char *ids[2] = {"sp01", "sp99"};
    double given[2] = {1.5, 2}, w[7];
    nq_field_errors_t errs = {0};
    char detail[256];
    CU_ASSERT_EQUAL(
        split_match_weights(members, 7, ids, given, 2, w, &errs, detail, sizeof(detail)), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 7);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "weights.sp99");
    CU_ASSERT_PTR_NOT_NULL(strstr(errs.items[0].reason, "not a member"));
    for (size_t i = 1; i < 7; i++) {
        char field[32];
        snprintf(field, sizeof(field), "weights.%s", members[i]);
        CU_ASSERT_STRING_EQUAL(errs.items[i].field, field);
        CU_ASSERT_PTR_NOT_NULL(strstr(errs.items[i].reason, "without a weight"));
    }
    CU_ASSERT_STRING_EQUAL(detail, "the weights do not match the team's members: not members: "
                                   "sp99; members without a weight: sp02, sp03, sp04, sp05, "
                                   "sp06, sp07");
    /* Every member, nobody else: matched by member, in member order. */
    const char *all[3] = {"sp03", "sp01", "sp02"};
    double g3[3] = {3, 1, 2};
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(split_match_weights(members, 3, all, g3, 3, w, &errs, detail, sizeof(detail)),
                    0);
    CU_ASSERT_EQUAL(errs.n, 0);
    CU_ASSERT_EQUAL(w[0], 1);
    CU_ASSERT_EQUAL(w[1], 2);
    CU_ASSERT_EQUAL(w[2], 3);
    /* Many missing: the detail says how many more did not fit. */
    const char *many[40];
    char names[40][16];
    for (size_t i = 0; i < 40; i++) {
        snprintf(names[i], sizeof(names[i]), "sp-member-%02zu", i);
        many[i] = names[i];
    }
    double w40[40];
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(
        split_match_weights(many, 40, ids, given, 1, w40, &errs, detail, sizeof(detail)), -1);
    CU_ASSERT_EQUAL(errs.n, NQ_FIELD_ERRORS_MAX);
    CU_ASSERT_EQUAL(errs.dropped, 1 + 40 - NQ_FIELD_ERRORS_MAX); /* sp01 is no member here */
    CU_ASSERT_PTR_NOT_NULL(strstr(detail, "sp-member-00, sp-member-01"));
    CU_ASSERT_PTR_NOT_NULL(strstr(detail, "more)"));
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
    {"at least one unit each when there are enough", test_at_least_one_unit},
    {"min_share: a floor of the even share", test_min_share},
    {"random splits: add up, floors hold", test_random},
    {"weights must match the members", test_match_weights},
    {"method names", test_method_names},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"split", NULL, NULL, NULL, NULL, split_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
