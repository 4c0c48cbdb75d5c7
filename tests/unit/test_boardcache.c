/* test_boardcache.c — services/reporting/boardcache.h: a board is answered from the cache
 * only under its own key and stamp, a put replaces, and both bounds (boards, rows) evict
 * the board used longest ago. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nq_test.h"
#include "reporting/boardcache.h"

/* n entries with ids "<prefix>0", "<prefix>1", ... and value i. */
static board_entry_t *board(const char *prefix, size_t n)
{
    board_entry_t *b = calloc(n, sizeof(*b));
    for (size_t i = 0; i < n; i++) {
        snprintf(b[i].id, sizeof(b[i].id), "%s%zu", prefix, i);
        b[i].value = (double)i;
        b[i].rank = (int)(n - i);
    }
    return b;
}

/* Every put and get at this time, unless a test says otherwise. */
#define T0 INT64_C(1795000000000)

static bool kept(board_cache_t *bc, const char *key, const char *stamp)
{
    size_t n = 0;
    return board_cache_get(bc, key, stamp, T0, &n) != NULL;
}

static void test_hit_only_at_same_stamp(void)
{
    board_cache_t *bc = board_cache_new(4, 100);
    board_entry_t *b = board("sp", 3);
    CU_ASSERT_PTR_NULL(board_cache_get(bc, "team:t1|month", "5:2", T0, &(size_t){0}));
    CU_ASSERT_EQUAL(board_cache_put(bc, "team:t1|month", "5:2", T0, b, 3), 0);
    b[0].value = 99; /* the cache holds a copy */
    size_t n = 0;
    const board_entry_t *got = board_cache_get(bc, "team:t1|month", "5:2", T0, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(got[2].id, "sp2");
    CU_ASSERT_EQUAL(got[0].value, 0);
    CU_ASSERT_EQUAL(got[0].rank, 3);
    CU_ASSERT_FALSE(kept(bc, "team:t1|month", "6:2")); /* a KPI changed since */
    CU_ASSERT_FALSE(kept(bc, "team:t1|month", "5:3")); /* the org changed since */
    CU_ASSERT_FALSE(kept(bc, "team:t1|week", "5:2"));  /* another board */
    free(b);
    board_cache_free(bc);
}

static void test_put_replaces(void)
{
    board_cache_t *bc = board_cache_new(4, 100);
    board_entry_t *b = board("a", 5), *c = board("b", 2);
    CU_ASSERT_EQUAL(board_cache_put(bc, "k", "1:1", T0, b, 5), 0);
    CU_ASSERT_EQUAL(board_cache_put(bc, "k", "2:1", T0, c, 2), 0);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 1);
    CU_ASSERT_EQUAL(board_cache_rows(bc), 2);
    CU_ASSERT_FALSE(kept(bc, "k", "1:1"));
    size_t n = 0;
    const board_entry_t *got = board_cache_get(bc, "k", "2:1", T0, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(got[1].id, "b1");
    free(b);
    free(c);
    board_cache_free(bc);
}

/* Three slots: the fourth board evicts the one used longest ago (a get counts as use). */
static void test_evicts_least_recent_board(void)
{
    board_cache_t *bc = board_cache_new(3, 100);
    board_entry_t *b = board("x", 1);
    board_cache_put(bc, "k1", "s", T0, b, 1);
    board_cache_put(bc, "k2", "s", T0, b, 1);
    board_cache_put(bc, "k3", "s", T0, b, 1);
    CU_ASSERT_TRUE(kept(bc, "k1", "s")); /* k2 is now the least recent */
    CU_ASSERT_EQUAL(board_cache_put(bc, "k4", "s", T0, b, 1), 0);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 3);
    CU_ASSERT_TRUE(kept(bc, "k1", "s"));
    CU_ASSERT_FALSE(kept(bc, "k2", "s"));
    CU_ASSERT_TRUE(kept(bc, "k3", "s"));
    CU_ASSERT_TRUE(kept(bc, "k4", "s"));
    free(b);
    board_cache_free(bc);
}

/* 10 rows in all: 4 + 4 kept, a board of 6 evicts both older ones (least recent first). */
static void test_row_bound(void)
{
    board_cache_t *bc = board_cache_new(8, 10);
    board_entry_t *b = board("r", 11);
    board_cache_put(bc, "k1", "s", T0, b, 4);
    board_cache_put(bc, "k2", "s", T0, b, 4);
    CU_ASSERT_EQUAL(board_cache_rows(bc), 8);
    CU_ASSERT_EQUAL(board_cache_put(bc, "k3", "s", T0, b, 3), 0); /* 11 > 10: k1 goes */
    CU_ASSERT_FALSE(kept(bc, "k1", "s"));
    CU_ASSERT_TRUE(kept(bc, "k2", "s"));
    CU_ASSERT_EQUAL(board_cache_rows(bc), 7);
    CU_ASSERT_EQUAL(board_cache_put(bc, "k4", "s", T0, b, 10), 0); /* everything else goes */
    CU_ASSERT_EQUAL(board_cache_boards(bc), 1);
    CU_ASSERT_EQUAL(board_cache_rows(bc), 10);
    CU_ASSERT_EQUAL(board_cache_put(bc, "k5", "s", T0, b, 11), -1); /* bigger than the bound */
    CU_ASSERT_FALSE(kept(bc, "k5", "s"));
    CU_ASSERT_TRUE(kept(bc, "k4", "s"));
    free(b);
    board_cache_free(bc);
}

static void test_limits(void)
{
    board_cache_t *bc = board_cache_new(2, 10);
    board_entry_t *b = board("l", 1);
    char long_key[BOARD_CACHE_KEY_MAX + 2];
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';
    CU_ASSERT_EQUAL(board_cache_put(bc, long_key, "s", T0, b, 1), -1);
    char long_stamp[BOARD_CACHE_STAMP_MAX + 2];
    memset(long_stamp, '1', sizeof(long_stamp) - 1);
    long_stamp[sizeof(long_stamp) - 1] = '\0';
    CU_ASSERT_EQUAL(board_cache_put(bc, "k", long_stamp, T0, b, 1), -1);
    CU_ASSERT_EQUAL(board_cache_boards(bc), 0);
    CU_ASSERT_EQUAL(board_cache_put(bc, "empty", "s", T0, b, 0), 0); /* a team of nobody */
    size_t n = 7;
    CU_ASSERT_PTR_NOT_NULL(board_cache_get(bc, "empty", "s", T0, &n));
    CU_ASSERT_EQUAL(n, 0);
    board_cache_free(bc);
    board_cache_t *none = board_cache_new(0, 10); /* caching turned off */
    CU_ASSERT_PTR_NOT_NULL_FATAL(none);
    CU_ASSERT_EQUAL(board_cache_put(none, "k", "s", T0, b, 1), -1);
    CU_ASSERT_FALSE(kept(none, "k", "s"));
    board_cache_free(none);
    free(b);
}

/* Kept for BOARD_CACHE_MAX_AGE_MS, not a millisecond more; a clock going back misses. */
static void test_max_age(void)
{
    board_cache_t *bc = board_cache_new(2, 10);
    board_entry_t *b = board("t", 1);
    size_t n = 0;
    board_cache_put(bc, "k", "s", T0, b, 1);
    CU_ASSERT_PTR_NOT_NULL(board_cache_get(bc, "k", "s", T0 + BOARD_CACHE_MAX_AGE_MS - 1, &n));
    CU_ASSERT_PTR_NULL(board_cache_get(bc, "k", "s", T0 + BOARD_CACHE_MAX_AGE_MS, &n));
    CU_ASSERT_PTR_NULL(board_cache_get(bc, "k", "s", T0 - 1, &n));
    free(b);
    board_cache_free(bc);
}

static CU_TestInfo cache_tests[] = {
    {"a hit needs the same key and stamp", test_hit_only_at_same_stamp},
    {"a put replaces the board under its key", test_put_replaces},
    {"the board used longest ago is evicted", test_evicts_least_recent_board},
    {"rows are bounded in all", test_row_bound},
    {"long keys and stamps, empty boards, no slots", test_limits},
    {"kept for a bounded time", test_max_age},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"boardcache", NULL, NULL, NULL, NULL, cache_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
