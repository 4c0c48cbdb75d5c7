/* tests/unit/test_ratelimit.c — token buckets per caller (gateway/ratelimit.h). */
#include "nq_test.h"
#include "ratelimit.h"

#include <stdio.h>

/* A new bucket is full: burst requests at once, then one per 1/rate s. */
static void test_bucket(void)
{
    rate_bucket_t b = {0};
    int64_t wait = 0, t = 1000;
    for (int i = 0; i < 4; i++)
        CU_ASSERT(rate_bucket_take(&b, t, 2, 4, &wait));
    CU_ASSERT_FALSE(rate_bucket_take(&b, t, 2, 4, &wait));
    CU_ASSERT_EQUAL(wait, 500); /* 2 a second */
    CU_ASSERT_FALSE(rate_bucket_take(&b, t + 499, 2, 4, &wait));
    CU_ASSERT_EQUAL(wait, 1);
    CU_ASSERT(rate_bucket_take(&b, t + 500, 2, 4, &wait));
    CU_ASSERT_FALSE(rate_bucket_take(&b, t + 500, 2, 4, &wait));
    /* a long pause refills to the burst, not beyond */
    int ok = 0;
    for (int i = 0; i < 10; i++)
        ok += rate_bucket_take(&b, t + 60000, 2, 4, &wait);
    CU_ASSERT_EQUAL(ok, 4);
    /* time going back (another clock) never adds tokens */
    CU_ASSERT_FALSE(rate_bucket_take(&b, t, 2, 4, &wait));
    /* rate 0: no limit */
    rate_bucket_t free_bucket = {0};
    for (int i = 0; i < 1000; i++)
        CU_ASSERT(rate_bucket_take(&free_bucket, t, 0, 1, NULL));
}

/* Fractions of a token add up; wait never says 0. */
static void test_fractions(void)
{
    rate_bucket_t b = {0};
    int64_t wait = -1;
    CU_ASSERT(rate_bucket_take(&b, 1, 3, 1, &wait));
    CU_ASSERT_FALSE(rate_bucket_take(&b, 100, 3, 1, &wait));
    CU_ASSERT_EQUAL(wait, 235); /* 0.297 token there, 0.703 to come at 3/s: 234.3 ms */
    CU_ASSERT_FALSE(rate_bucket_take(&b, 334, 3, 1, &wait));
    CU_ASSERT_EQUAL(wait, 1);
    CU_ASSERT(rate_bucket_take(&b, 335, 3, 1, &wait));
    /* 2,000 a second with a burst of 4,000: a second of 6,000 requests sees 6,000 pass */
    rate_bucket_t feed = {0};
    int ok = 0;
    for (int ms = 1; ms <= 1000; ms++)
        for (int k = 0; k < 6; k++)
            ok += rate_bucket_take(&feed, ms, 2000, 4000, NULL);
    CU_ASSERT(ok >= 5990 && ok <= 6000);
}

/* One bucket per name; the table empties itself when full. */
static void test_table(void)
{
    rate_limits_t *rl = rate_limits_new(64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rl);
    int64_t wait;
    CU_ASSERT(rate_limits_take(rl, "k:a", 10, 1, 1, &wait));
    CU_ASSERT_FALSE(rate_limits_take(rl, "k:a", 10, 1, 1, &wait));
    CU_ASSERT(rate_limits_take(rl, "u:a", 10, 1, 1, &wait)); /* a user of the same id: another */
    CU_ASSERT_EQUAL(rate_limits_size(rl), 2);
    char name[RATE_NAME_MAX + 20];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "k:%d", i);
        CU_ASSERT(rate_limits_take(rl, name, 10, 1, 1, &wait));
        CU_ASSERT(rate_limits_size(rl) <= 64);
    }
    /* an overlong name is cut, not overrun */
    snprintf(name, sizeof(name), "k:%0*d", RATE_NAME_MAX + 10, 7);
    CU_ASSERT(rate_limits_take(rl, name, 10, 1, 1, &wait));
    CU_ASSERT_FALSE(rate_limits_take(rl, name, 10, 1, 1, &wait));
    rate_limits_free(rl);
    rate_limits_free(NULL);
}

static CU_TestInfo tests[] = {
    {"a bucket: burst, rate, refill, wait", test_bucket},
    {"fractions of tokens; a feed's second", test_fractions},
    {"buckets per name, bounded", test_table},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ratelimit", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
