/* test_rebuild_scope.c — services/scoring/rebuild_scope.h: which aggregates `nqctl rebuild
 * --from DATE` recomputes.
 *
 * A key's period is its last ':'-separated part; a period is in scope when it ends after the
 * date, so a period straddling the date is rebuilt whole and one ending exactly at it is not.
 * Instants are 00:00 +08:00, from `date -d <date>T00:00:00+08:00 +%s`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq_test.h"
#include "scoring/rebuild_scope.h"

#define DAY_MS (86400 * 1000LL)

#define SH_2026_01_01 1767196800000LL
#define SH_2026_10_01 1790784000000LL
#define SH_2026_10_26 1792944000000LL /* Monday of W44 */
#define SH_2026_11_01 1793462400000LL /* a Sunday */
#define SH_2026_11_02 1793548800000LL
#define SH_2026_11_23 1795363200000LL /* Monday of W48 */
#define SH_2026_11_26 1795622400000LL
#define SH_2026_11_30 1795968000000LL
#define SH_2026_12_01 1796054400000LL
#define SH_2027_01_01 1798732800000LL

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static void key_names(const char *key, nq_period_kind_t kind, const char *pkey, int64_t start,
                      int64_t end)
{
    nq_period_t p;
    memset(&p, 0, sizeof(p));
    CU_ASSERT_EQUAL_FATAL(rebuild_key_period(key, &p), 0);
    CU_ASSERT_EQUAL(p.kind, kind);
    CU_ASSERT_STRING_EQUAL(p.key, pkey);
    CU_ASSERT_EQUAL(p.start_ms, start);
    CU_ASSERT_EQUAL(p.end_ms, end);
}

static void test_key_period(void)
{
    key_names("nq:{sp:42}:kpi:2026-11-26", NQ_PERIOD_DAY, "2026-11-26", SH_2026_11_26,
              SH_2026_11_26 + DAY_MS);
    key_names("nq:{sp:42}:kpi:2026-W48", NQ_PERIOD_WEEK, "2026-W48", SH_2026_11_23, SH_2026_11_30);
    key_names("nq:{sp:42}:kpi:2026-11", NQ_PERIOD_MONTH, "2026-11", SH_2026_11_01, SH_2026_12_01);
    key_names("nq:{sp:42}:kpi:2026-Q4", NQ_PERIOD_QUARTER, "2026-Q4", SH_2026_10_01, SH_2027_01_01);
    key_names("nq:{sp:42}:kpi:2026", NQ_PERIOD_YEAR, "2026", SH_2026_01_01, SH_2027_01_01);
    /* Visited sets and rebuild shadows end the same way. */
    key_names("nq:{sp:42}:visited:2026-W48", NQ_PERIOD_WEEK, "2026-W48", SH_2026_11_23,
              SH_2026_11_30);
    key_names("nq:rb:7:{sp:42}:kpi:2026-11", NQ_PERIOD_MONTH, "2026-11", SH_2026_11_01,
              SH_2026_12_01);
    /* An id with colons in it does not matter, only the last part does. */
    key_names("nq:{sp:a:b:c}:kpi:2026-Q4", NQ_PERIOD_QUARTER, "2026-Q4", SH_2026_10_01,
              SH_2027_01_01);
}

static void test_key_without_period(void)
{
    static const char *const keys[] = {
        "nq:{sp:42}:kpi",          /* no period part */
        "nq:{sp:42}:kpi:",         /* an empty one */
        "2026-11",                 /* no ':' at all */
        "nq:{sp:42}:kpi:2025-W53", /* 2025 has 52 weeks */
        "nq:{sp:42}:kpi:2026-02-29",
        "nq:{sp:42}:kpi:2026-11-26:x",
        "nq:{sp:42}:kpi:2026-11 ",
        "nq:stream:events",
        "nq:{sp:42}:kpi:total",
        "",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        nq_period_t p;
        CU_ASSERT_EQUAL(rebuild_key_period(keys[i], &p), -1);
        CU_ASSERT_FALSE(rebuild_in_scope(keys[i], 0));
        CU_ASSERT_FALSE(rebuild_in_scope(keys[i], SH_2026_11_26));
    }
}

/* Without --from every period is in scope, old and new. */
static void test_scope_everything(void)
{
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:1999-01-01", 0));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W48", 0));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-11", 0));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-Q4", 0));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:visited:2030", 0));
}

/* From Thursday 2026-11-26 00:00: */
static void test_scope_mid_month(void)
{
    int64_t from = SH_2026_11_26;
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-11", from));  /* straddles */
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-10", from)); /* over before */
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-12", from));  /* after */
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W48", from)); /* Mon 23 .. Sun 29 */
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W47", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-11-26", from));
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-11-25", from)); /* ends at it */
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-Q4", from));
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-Q3", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026", from));
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2025", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:visited:2026-W48", from));
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:visited:2026-W47", from));
}

/* From Sunday 2026-11-01 00:00: October ends exactly there and is not rebuilt; November starts
 * there and is; week 44 (Mon 26 October .. Sun 1 November) straddles it and is. */
static void test_scope_at_boundary(void)
{
    int64_t from = SH_2026_11_01;
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-10", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-11", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W44", from));
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W43", from));
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-10-31", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-11-01", from));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-Q4", from));
    /* One millisecond earlier, the last instant of October: October is in. */
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-10", from - 1));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-10-31", from - 1));
    /* From Monday 2 November, week 44 is over too. */
    CU_ASSERT_FALSE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W44", SH_2026_11_02));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W44", SH_2026_11_02 - 1));
    CU_ASSERT_TRUE(rebuild_in_scope("nq:{sp:42}:kpi:2026-W44", SH_2026_10_26));
}

/* Which live keys a rebuild replaces: the log's aggregates, nothing of the org. */
static void test_recomputes(void)
{
    int64_t from = SH_2026_11_26;
    CU_ASSERT_TRUE(rebuild_recomputes("nq:{sp:42}:kpi:2026-11", 0));
    CU_ASSERT_TRUE(rebuild_recomputes("nq:{sp:42}:visited:2026-11-26", from));
    CU_ASSERT_TRUE(rebuild_recomputes("nq:{sp:42}:due:2026-12", from));
    CU_ASSERT_TRUE(rebuild_recomputes("nq:{sp:42}:due:2026-11-26", 0));
    CU_ASSERT_FALSE(rebuild_recomputes("nq:{sp:42}:due:2026-10", from)); /* over before */
    CU_ASSERT_FALSE(rebuild_recomputes("nq:{sp:42}:kpi:2026-11-25", from));
    /* The on-time set has no period: every rebuild recomputes it whole. */
    CU_ASSERT_TRUE(rebuild_recomputes("nq:{sp:42}:ontime", 0));
    CU_ASSERT_TRUE(rebuild_recomputes("nq:{sp:a:b}:ontime", from));
    /* Org history, the activity index (replayed by its indexer) and everything else stays. */
    static const char *const kept[] = {
        "nq:{sp:42}:key_customers",
        "nq:{sp:42}:key_log",
        "nq:{sp:42}:profile",
        "nq:{sp:42}:target:2026-11",
        "nq:team:t1:target:2026-11",
        "nq:activities",
        "nq:rb:3:{sp:42}:ontime",
        "nq:{sp:42}:ontime:x",
        "nq:{sp:42}:due",
        "nq:{sp:42}:acts",
        "nq:{sp:42}:timeline",
        "nq:{sp:kpi:2026-11}:timeline",
        "",
    };
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        CU_ASSERT_FALSE(rebuild_recomputes(kept[i], 0));
        if (rebuild_recomputes(kept[i], 0))
            fprintf(stderr, "\n    %s would be replaced\n", kept[i]);
    }
}

static CU_TestInfo key_tests[] = {
    {"the period of a key, all five kinds", test_key_period},
    {"keys without a period", test_key_without_period},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo scope_tests[] = {
    {"from 0: every period", test_scope_everything},
    {"from a date in a month", test_scope_mid_month},
    {"from a period boundary", test_scope_at_boundary},
    {"the aggregates a rebuild replaces", test_recomputes},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"rebuild keys", zone_shanghai, NULL, NULL, NULL, key_tests},
    {"rebuild scope", zone_shanghai, NULL, NULL, NULL, scope_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
