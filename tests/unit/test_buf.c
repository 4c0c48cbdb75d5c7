/* test_buf.c — nq/buf.h: the NUL after the content at every size (the
 * growth boundaries included), the sticky failure, integers without printf,
 * detach, remove, and the arrays' growth. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/buf.h"
#include "nq_test.h"

/* The invariants of nq/buf.h, checked on any buffer. */
static void check_invariants(const nq_buf_t *b)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(b->buf);
    if (b->alloc == 0) {
        CU_ASSERT_PTR_EQUAL(b->buf, nq_buf_empty);
        CU_ASSERT_EQUAL(b->len, 0);
    } else {
        CU_ASSERT(b->len < b->alloc);
    }
    CU_ASSERT_EQUAL(b->buf[b->len], '\0');
}

/* A new buffer is an empty string without an allocation; reset and release
 * bring it back to that. */
static void test_empty(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    check_invariants(&b);
    CU_ASSERT_STRING_EQUAL(b.buf, "");
    CU_ASSERT_EQUAL(nq_buf_avail(&b), 0);
    nq_buf_reset(&b); /* nothing to reset: the shared empty string is not written */
    nq_buf_release(&b);
    check_invariants(&b);
    CU_ASSERT_EQUAL(nq_buf_empty[0], '\0');

    CU_ASSERT_EQUAL(nq_buf_adds(&b, "abc"), 0);
    CU_ASSERT(b.alloc >= NQ_BUF_MIN);
    size_t alloc = b.alloc;
    char *at = b.buf;
    nq_buf_reset(&b);
    check_invariants(&b);
    CU_ASSERT_EQUAL(b.alloc, alloc); /* kept for the next fill */
    CU_ASSERT_PTR_EQUAL(b.buf, at);
    nq_buf_release(&b);
    CU_ASSERT_EQUAL(b.alloc, 0);
    check_invariants(&b);
}

/* One byte at a time up to 5,000: the content is right and NUL-terminated
 * after every add, and the allocation only ever doubles. */
static void test_growth_one_by_one(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    size_t grows = 0, alloc = 0;
    int bad = 0;
    for (size_t i = 0; i < 5000; i++) {
        CU_ASSERT_EQUAL_FATAL(nq_buf_addch(&b, (char)('a' + i % 26)), 0);
        bad += b.len != i + 1 || b.buf[b.len] != '\0' || b.len >= b.alloc ||
               b.buf[i] != (char)('a' + i % 26);
        if (b.alloc != alloc) {
            bad += alloc != 0 && b.alloc != 2 * alloc;
            alloc = b.alloc;
            grows++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(b.alloc, 8192);
    CU_ASSERT_EQUAL(grows, 6); /* 256, 512, ..., 8192 */
    nq_buf_release(&b);
}

/* Content that fills the allocation but for the NUL's byte does not grow
 * it; one byte more does, and the NUL still has its byte. */
static void test_exact_boundary(void)
{
    char fill[NQ_BUF_MIN * 2];
    memset(fill, 'x', sizeof(fill));
    nq_buf_t b = NQ_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(nq_buf_add(&b, fill, NQ_BUF_MIN - 1), 0);
    CU_ASSERT_EQUAL(b.alloc, NQ_BUF_MIN);
    CU_ASSERT_EQUAL(nq_buf_avail(&b), 0);
    check_invariants(&b);
    CU_ASSERT_EQUAL_FATAL(nq_buf_addch(&b, 'y'), 0);
    CU_ASSERT_EQUAL(b.alloc, 2 * NQ_BUF_MIN);
    CU_ASSERT_EQUAL(b.len, NQ_BUF_MIN);
    CU_ASSERT_EQUAL(b.buf[NQ_BUF_MIN - 1], 'y');
    check_invariants(&b);
    nq_buf_release(&b);

    /* Exactly the first allocation at once: the NUL needs one more byte. */
    CU_ASSERT_EQUAL_FATAL(nq_buf_add(&b, fill, NQ_BUF_MIN), 0);
    CU_ASSERT_EQUAL(b.alloc, 2 * NQ_BUF_MIN);
    check_invariants(&b);
    nq_buf_release(&b);

    /* A large add jumps straight to the doubling step that holds it. */
    static char big[10000];
    memset(big, 'z', sizeof(big));
    CU_ASSERT_EQUAL_FATAL(nq_buf_add(&b, big, sizeof(big)), 0);
    CU_ASSERT_EQUAL(b.alloc, 16384);
    check_invariants(&b);
    nq_buf_release(&b);
}

/* Bytes with NULs inside stay as they are; the content still ends in a NUL. */
static void test_binary(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    CU_ASSERT_EQUAL(nq_buf_add(&b, "a\0b", 3), 0);
    CU_ASSERT_EQUAL(nq_buf_add(&b, NULL, 0), 0);
    CU_ASSERT_EQUAL(b.len, 3);
    CU_ASSERT_EQUAL(memcmp(b.buf, "a\0b\0", 4), 0);
    nq_buf_release(&b);
}

/* Integers: the extremes, and the same text as printf. */
static void test_integers(void)
{
    nq_buf_t b = NQ_BUF_INIT, want = NQ_BUF_INIT;
    static const int64_t values[] = {0, 7, -7, 10, -10, 1000000007, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        nq_buf_addi64(&b, values[i]);
        nq_buf_addch(&b, ',');
        nq_buf_addf(&want, "%" PRId64 ",", values[i]);
    }
    nq_buf_addu64(&b, UINT64_MAX);
    nq_buf_addf(&want, "%" PRIu64, UINT64_MAX);
    CU_ASSERT_FALSE(b.failed || want.failed);
    CU_ASSERT_STRING_EQUAL(b.buf, want.buf);
    CU_ASSERT_STRING_EQUAL(b.buf, "0,7,-7,10,-10,1000000007,9223372036854775807,"
                                  "-9223372036854775808,18446744073709551615");
    nq_buf_release(&b);
    nq_buf_release(&want);
}

/* printf: short and long results (past the first allocation) both land. */
static void test_printf(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    CU_ASSERT_EQUAL(nq_buf_addf(&b, "%s=%d", "n", 42), 0);
    CU_ASSERT_STRING_EQUAL(b.buf, "n=42");
    CU_ASSERT_EQUAL(nq_buf_addf(&b, "|%0300d|", 5), 0);
    CU_ASSERT_EQUAL(b.len, 4 + 302);
    CU_ASSERT_EQUAL(b.buf[4 + 300], '5');
    CU_ASSERT_EQUAL(b.buf[b.len - 1], '|');
    check_invariants(&b);
    CU_ASSERT_EQUAL(nq_buf_addf(&b, "%s", ""), 0);
    CU_ASSERT_EQUAL(b.len, 4 + 302);
    nq_buf_release(&b);
}

/* A failure (here: a size that cannot be allocated) keeps the content,
 * sticks until reset, and is reported by every later add. */
static void test_failure_sticks(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    nq_buf_adds(&b, "kept");
    CU_ASSERT_EQUAL(nq_buf_grow(&b, SIZE_MAX - 2), -1);
    CU_ASSERT_TRUE(b.failed);
    CU_ASSERT_STRING_EQUAL(b.buf, "kept");
    CU_ASSERT_EQUAL(nq_buf_adds(&b, "more"), -1);
    CU_ASSERT_EQUAL(nq_buf_addf(&b, "%d", 1), -1);
    CU_ASSERT_EQUAL(nq_buf_addi64(&b, -5), -1);
    CU_ASSERT_STRING_EQUAL(b.buf, "kept");
    CU_ASSERT_PTR_NULL(nq_buf_detach(&b, NULL)); /* incomplete content is not handed out */
    check_invariants(&b);
    CU_ASSERT_FALSE(b.failed);

    nq_buf_adds(&b, "x");
    nq_buf_grow(&b, SIZE_MAX);
    CU_ASSERT_TRUE(b.failed);
    nq_buf_reset(&b);
    CU_ASSERT_FALSE(b.failed);
    CU_ASSERT_EQUAL(nq_buf_adds(&b, "again"), 0);
    CU_ASSERT_STRING_EQUAL(b.buf, "again");
    nq_buf_release(&b);
}

/* Detach hands over the content (an empty one too) and leaves an empty buffer. */
static void test_detach(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    size_t len = 99;
    char *s = nq_buf_detach(&b, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s, "");
    CU_ASSERT_EQUAL(len, 0);
    free(s);

    nq_buf_adds(&b, "hello");
    s = nq_buf_detach(&b, &len);
    CU_ASSERT_STRING_EQUAL(s, "hello");
    CU_ASSERT_EQUAL(len, 5);
    CU_ASSERT_EQUAL(b.alloc, 0);
    check_invariants(&b);
    free(s);
}

/* Writing in place: grow, write up to avail, setlen. */
static void test_in_place(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    nq_buf_adds(&b, "ab");
    CU_ASSERT_EQUAL_FATAL(nq_buf_grow(&b, 100), 0);
    CU_ASSERT(nq_buf_avail(&b) >= 100);
    size_t avail = nq_buf_avail(&b);
    memset(b.buf + b.len, 'c', avail); /* every byte up to the NUL's */
    nq_buf_setlen(&b, b.len + avail);
    check_invariants(&b);
    CU_ASSERT_EQUAL(b.len, b.alloc - 1);
    CU_ASSERT_EQUAL(b.buf[2], 'c');
    nq_buf_release(&b);
}

/* Remove: from the front (consumed input), the middle and the end. */
static void test_remove(void)
{
    nq_buf_t b = NQ_BUF_INIT;
    nq_buf_adds(&b, "0123456789");
    nq_buf_remove(&b, 0, 3);
    CU_ASSERT_STRING_EQUAL(b.buf, "3456789");
    nq_buf_remove(&b, 2, 2);
    CU_ASSERT_STRING_EQUAL(b.buf, "34789");
    nq_buf_remove(&b, 3, 2);
    CU_ASSERT_STRING_EQUAL(b.buf, "347");
    nq_buf_remove(&b, 0, 3);
    CU_ASSERT_STRING_EQUAL(b.buf, "");
    check_invariants(&b);
    nq_buf_release(&b);
}

/* Arrays double from their first size; a failure leaves the array as it was. */
static void test_array(void)
{
    int *a = NULL;
    size_t cap = 0;
    int bad = 0;
    for (size_t n = 0; n < 100; n++) {
        int *grown = nq_array_grow(a, &cap, n + 1, 16, sizeof(*a));
        CU_ASSERT_PTR_NOT_NULL_FATAL(grown);
        a = grown;
        a[n] = (int)n;
        bad += cap < n + 1 || (cap != 16 && cap != 32 && cap != 64 && cap != 128);
    }
    for (int i = 0; i < 100; i++)
        bad += a[i] != i;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(cap, 128);
    CU_ASSERT_PTR_EQUAL(nq_array_grow(a, &cap, 128, 16, sizeof(*a)), a); /* room already */
    CU_ASSERT_PTR_NULL(nq_array_grow(a, &cap, SIZE_MAX / 2, 16, sizeof(*a)));
    CU_ASSERT_EQUAL(cap, 128);
    CU_ASSERT_EQUAL(a[99], 99);
    free(a);
}

static CU_TestInfo tests[] = {
    {"a new buffer is an empty string; reset keeps the allocation", test_empty},
    {"one byte at a time: NUL-terminated, doubling", test_growth_one_by_one},
    {"growth at the exact boundaries keeps the NUL's byte", test_exact_boundary},
    {"bytes with NULs", test_binary},
    {"integers without printf agree with printf", test_integers},
    {"printf, short and long", test_printf},
    {"a failure keeps the content and sticks until reset", test_failure_sticks},
    {"detach", test_detach},
    {"writing in place", test_in_place},
    {"remove", test_remove},
    {"arrays", test_array},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"buf", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
