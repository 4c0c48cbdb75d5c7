/* test_boardcache.c — gateway/boardcache.h: an answer comes from the cache only under its
 * own key and stamp and for a bounded time, a put replaces, and both bounds (answers,
 * bytes) evict the answer used longest ago. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boardcache.h"
#include "nq_test.h"

/* Every put and get at this time, unless a test says otherwise. */
#define T0 INT64_C(1795000000000)

static bool kept(board_cache_t *bc, const char *key, const char *stamp)
{
    size_t len = 0;
    return board_cache_get(bc, key, stamp, T0, &len) != NULL;
}

/* put with the text's own length */
static int put(board_cache_t *bc, const char *key, const char *stamp, const char *text)
{
    return board_cache_put(bc, key, stamp, T0, text, strlen(text));
}

static void test_hit_only_at_same_stamp(void)
{
    board_cache_t *bc = board_cache_new(4, 100);
    char text[] = "{\"entries\":[1]}";
    size_t len = 0;
    CU_ASSERT_PTR_NULL(board_cache_get(bc, "team:t1|month", "5:2", T0, &len));
    CU_ASSERT_EQUAL(put(bc, "team:t1|month", "5:2", text), 0);
    text[0] = 'X'; /* the cache holds a copy */
    const char *got = board_cache_get(bc, "team:t1|month", "5:2", T0, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(len, strlen(text));
    CU_ASSERT_NSTRING_EQUAL(got, "{\"entries\":[1]}", len);
    CU_ASSERT_FALSE(kept(bc, "team:t1|month", "6:2")); /* a KPI changed since */
    CU_ASSERT_FALSE(kept(bc, "team:t1|month", "5:3")); /* the org changed since */
    CU_ASSERT_FALSE(kept(bc, "team:t1|week", "5:2"));  /* another board */
    board_cache_free(bc);
}

static void test_put_replaces(void)
{
    board_cache_t *bc = board_cache_new(4, 100);
    CU_ASSERT_EQUAL(put(bc, "k", "1:1", "aaaaa"), 0);
    CU_ASSERT_EQUAL(put(bc, "k", "2:1", "bb"), 0);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 1);
    CU_ASSERT_EQUAL(board_cache_bytes(bc), 2);
    CU_ASSERT_FALSE(kept(bc, "k", "1:1"));
    size_t len = 0;
    const char *got = board_cache_get(bc, "k", "2:1", T0, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(len, 2);
    CU_ASSERT_NSTRING_EQUAL(got, "bb", 2);
    board_cache_free(bc);
}

/* Three slots: the fourth answer evicts the one used longest ago (a get counts as use). */
static void test_evicts_least_recent(void)
{
    board_cache_t *bc = board_cache_new(3, 100);
    put(bc, "k1", "s", "x");
    put(bc, "k2", "s", "x");
    put(bc, "k3", "s", "x");
    CU_ASSERT_TRUE(kept(bc, "k1", "s")); /* k2 is now the least recent */
    CU_ASSERT_EQUAL(put(bc, "k4", "s", "x"), 0);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 3);
    CU_ASSERT_TRUE(kept(bc, "k1", "s"));
    CU_ASSERT_FALSE(kept(bc, "k2", "s"));
    CU_ASSERT_TRUE(kept(bc, "k3", "s"));
    CU_ASSERT_TRUE(kept(bc, "k4", "s"));
    board_cache_free(bc);
}

/* 10 bytes in all: 4 + 4 kept; 3 more evict k1; 10 evict everything else; 11 never fit. */
static void test_byte_bound(void)
{
    board_cache_t *bc = board_cache_new(8, 10);
    put(bc, "k1", "s", "1111");
    put(bc, "k2", "s", "2222");
    CU_ASSERT_EQUAL(board_cache_bytes(bc), 8);
    CU_ASSERT_EQUAL(put(bc, "k3", "s", "333"), 0);
    CU_ASSERT_FALSE(kept(bc, "k1", "s"));
    CU_ASSERT_TRUE(kept(bc, "k2", "s"));
    CU_ASSERT_EQUAL(board_cache_bytes(bc), 7);
    CU_ASSERT_EQUAL(put(bc, "k4", "s", "4444444444"), 0);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 1);
    CU_ASSERT_EQUAL(board_cache_bytes(bc), 10);
    CU_ASSERT_EQUAL(put(bc, "k5", "s", "55555555555"), -1);
    CU_ASSERT_FALSE(kept(bc, "k5", "s"));
    CU_ASSERT_TRUE(kept(bc, "k4", "s"));
    board_cache_free(bc);
}

static void test_limits(void)
{
    board_cache_t *bc = board_cache_new(2, 10);
    char long_key[BOARD_CACHE_KEY_MAX + 2];
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';
    CU_ASSERT_EQUAL(put(bc, long_key, "s", "x"), -1);
    char long_stamp[BOARD_CACHE_STAMP_MAX + 2];
    memset(long_stamp, '1', sizeof(long_stamp) - 1);
    long_stamp[sizeof(long_stamp) - 1] = '\0';
    CU_ASSERT_EQUAL(put(bc, "k", long_stamp, "x"), -1);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 0);
    CU_ASSERT_EQUAL(put(bc, "empty", "s", ""), 0);
    size_t len = 7;
    CU_ASSERT_PTR_NOT_NULL(board_cache_get(bc, "empty", "s", T0, &len));
    CU_ASSERT_EQUAL(len, 0);
    board_cache_free(bc);
    board_cache_t *none = board_cache_new(0, 10); /* caching turned off */
    CU_ASSERT_PTR_NOT_NULL_FATAL(none);
    CU_ASSERT_EQUAL(put(none, "k", "s", "x"), -1);
    CU_ASSERT_FALSE(kept(none, "k", "s"));
    board_cache_free(none);
}

/* Kept for BOARD_CACHE_MAX_AGE_MS, not a millisecond more; a clock going back misses. */
static void test_max_age(void)
{
    board_cache_t *bc = board_cache_new(2, 10);
    size_t len = 0;
    put(bc, "k", "s", "t");
    CU_ASSERT_PTR_NOT_NULL(board_cache_get(bc, "k", "s", T0 + BOARD_CACHE_MAX_AGE_MS - 1, &len));
    CU_ASSERT_PTR_NULL(board_cache_get(bc, "k", "s", T0 + BOARD_CACHE_MAX_AGE_MS, &len));
    CU_ASSERT_PTR_NULL(board_cache_get(bc, "k", "s", T0 - 1, &len));
    board_cache_free(bc);
}

static CU_TestInfo cache_tests[] = {
    {"a hit needs the same key and stamp", test_hit_only_at_same_stamp},
    {"a put replaces the answer under its key", test_put_replaces},
    {"the answer used longest ago is evicted", test_evicts_least_recent},
    {"bytes are bounded in all", test_byte_bound},
    {"long keys and stamps, empty answers, no slots", test_limits},
    {"kept for a bounded time", test_max_age},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"boardcache", NULL, NULL, NULL, NULL, cache_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
