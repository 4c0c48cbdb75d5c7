/* tests/unit/test_teamcache.c — the gateway's cache of salespeople's teams
 * (gateway/teamcache.h): what is put is got, nothing else; bounded; clears
 * move the generation on. */
#include <stdio.h>
#include <string.h>

#include "nq_test.h"
#include "teamcache.h"

static void test_put_get(void)
{
    team_cache_t *tc = team_cache_new(8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_PTR_NULL(team_cache_get(tc, "sp-1"));
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-1", "t-east"), 0);
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-2", ""), 0); /* no team: known as such */
    CU_ASSERT_STRING_EQUAL(team_cache_get(tc, "sp-1"), "t-east");
    CU_ASSERT_STRING_EQUAL(team_cache_get(tc, "sp-2"), "");
    CU_ASSERT_PTR_NULL(team_cache_get(tc, "sp-3"));
    CU_ASSERT_PTR_NULL(team_cache_get(tc, "sp-"));
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-1", "t-west"), 0); /* replaced */
    CU_ASSERT_STRING_EQUAL(team_cache_get(tc, "sp-1"), "t-west");
    CU_ASSERT_EQUAL(team_cache_size(tc), 2);
    /* not ids: refused, never kept */
    CU_ASSERT_EQUAL(team_cache_put(tc, "", "t-east"), -1);
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp 4", "t-east"), -1);
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-4", "t east"), -1);
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-4", NULL), -1);
    CU_ASSERT_PTR_NULL(team_cache_get(tc, ""));
    CU_ASSERT_PTR_NULL(team_cache_get(tc, NULL));
    CU_ASSERT_EQUAL(team_cache_size(tc), 2);
    team_cache_free(tc);
    team_cache_free(NULL);
}

static void test_bounded_and_cleared(void)
{
    team_cache_t *tc = team_cache_new(3);
    char id[16];
    uint64_t g0 = team_cache_generation(tc);
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof(id), "sp-%d", i);
        CU_ASSERT_EQUAL(team_cache_put(tc, id, "t"), 0);
    }
    CU_ASSERT_EQUAL(team_cache_size(tc), 3);
    CU_ASSERT_EQUAL(team_cache_generation(tc), g0);
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-0", "u"), 0); /* a replacement does not grow it */
    CU_ASSERT_EQUAL(team_cache_size(tc), 3);
    CU_ASSERT_EQUAL(team_cache_put(tc, "sp-9", "t"), 0); /* full: emptied first */
    CU_ASSERT_EQUAL(team_cache_size(tc), 1);
    CU_ASSERT_PTR_NULL(team_cache_get(tc, "sp-0"));
    CU_ASSERT_STRING_EQUAL(team_cache_get(tc, "sp-9"), "t");
    CU_ASSERT_EQUAL(team_cache_generation(tc), g0 + 1);
    team_cache_clear(tc);
    CU_ASSERT_EQUAL(team_cache_size(tc), 0);
    CU_ASSERT_PTR_NULL(team_cache_get(tc, "sp-9"));
    CU_ASSERT_EQUAL(team_cache_generation(tc), g0 + 2);
    /* many entries, all found again */
    team_cache_t *big = team_cache_new(1000);
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof(id), "sp-%d", i);
        team_cache_put(big, id, i % 2 ? "t-odd" : "t-even");
    }
    int right = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof(id), "sp-%d", i);
        const char *t = team_cache_get(big, id);
        right += t && strcmp(t, i % 2 ? "t-odd" : "t-even") == 0;
    }
    CU_ASSERT_EQUAL(right, 1000);
    team_cache_free(big);
    team_cache_free(tc);
}

static CU_TestInfo tests[] = {
    {"put and get", test_put_get},
    {"bounded, cleared", test_bounded_and_cleared},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"team cache", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
