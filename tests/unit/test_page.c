/* test_page.c — nq/page.h: a page's limit, and cursors that come back to the
 * list and filters they were made for, and to nothing else. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/page.h"
#include "nq_test.h"

static void test_limit(void)
{
    unsigned v = 0;
    const char *why = NULL;
    CU_ASSERT_EQUAL(nq_page_limit(NULL, &v, &why), 0);
    CU_ASSERT_EQUAL(v, NQ_PAGE_LIMIT_DEFAULT);
    CU_ASSERT_EQUAL(nq_page_limit("1", &v, &why), 0);
    CU_ASSERT_EQUAL(v, 1);
    CU_ASSERT_EQUAL(nq_page_limit("500", &v, &why), 0);
    CU_ASSERT_EQUAL(v, 500);
    CU_ASSERT_EQUAL(nq_page_limit("0050", &v, &why), 0);
    CU_ASSERT_EQUAL(v, 50);
    const char *bad[] = {"",   "0",  "501", "1000", "-1",  "+5",
                         "5 ", " 5", "5.0", "1e2",  "abc", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        CU_ASSERT_EQUAL(nq_page_limit(bad[i], &v, &why), -1);
        CU_ASSERT_PTR_NOT_NULL(why);
    }
}

static void test_round_trip(void)
{
    char cur[NQ_CURSOR_MAX], pos[NQ_CURSOR_POS_MAX + 1];
    const char *why = NULL;
    const char *positions[] = {"c-0042", "a", "1795000000000-0", "x:y.z_W-9"};
    for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
        int n = nq_page_cursor_encode(cur, sizeof(cur), "customers?class=key", positions[i]);
        CU_ASSERT_TRUE_FATAL(n > 0);
        CU_ASSERT_EQUAL((size_t)n, strlen(cur));
        /* base64url without padding: safe in a query string as it is */
        CU_ASSERT_EQUAL(
            strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            strlen(cur));
        CU_ASSERT_EQUAL(nq_page_cursor_decode(cur, "customers?class=key", pos, sizeof(pos), &why),
                        0);
        CU_ASSERT_STRING_EQUAL(pos, positions[i]);
    }
    /* The longest position fits NQ_CURSOR_MAX. */
    char longest[NQ_CURSOR_POS_MAX + 1];
    memset(longest, 'z', NQ_CURSOR_POS_MAX);
    longest[NQ_CURSOR_POS_MAX] = '\0';
    CU_ASSERT_TRUE(nq_page_cursor_encode(cur, sizeof(cur), "teams?archived=0", longest) > 0);
    CU_ASSERT_EQUAL(nq_page_cursor_decode(cur, "teams?archived=0", pos, sizeof(pos), &why), 0);
    CU_ASSERT_STRING_EQUAL(pos, longest);
    /* A position must be printable, without spaces, 1..NQ_CURSOR_POS_MAX bytes. */
    char too_long[NQ_CURSOR_POS_MAX + 2];
    memset(too_long, 'z', NQ_CURSOR_POS_MAX + 1);
    too_long[NQ_CURSOR_POS_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(nq_page_cursor_encode(cur, sizeof(cur), "s", too_long), -1);
    CU_ASSERT_EQUAL(nq_page_cursor_encode(cur, sizeof(cur), "s", ""), -1);
    CU_ASSERT_EQUAL(nq_page_cursor_encode(cur, sizeof(cur), "s", "a b"), -1);
    CU_ASSERT_EQUAL(nq_page_cursor_encode(cur, sizeof(cur), "s", "caf\xc3\xa9"), -1);
    CU_ASSERT_EQUAL(nq_page_cursor_encode(cur, 8, "s", "c-0042"), -1);
    /* A position buffer too small is refused, not cut. */
    CU_ASSERT_TRUE(nq_page_cursor_encode(cur, sizeof(cur), "s", "c-0042") > 0);
    CU_ASSERT_EQUAL(nq_page_cursor_decode(cur, "s", pos, 4, &why), -1);
}

/* A cursor of another list or of other filters is refused, and says so. */
static void test_scope(void)
{
    char cur[NQ_CURSOR_MAX], pos[NQ_CURSOR_POS_MAX + 1];
    const char *why = NULL;
    CU_ASSERT_TRUE_FATAL(nq_page_cursor_encode(cur, sizeof(cur), "customers?class=key", "c-1") > 0);
    const char *others[] = {"customers?class=normal", "customers", "salespeople?class=key",
                            "customers?class=key&owner=sp-1", ""};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        why = NULL;
        CU_ASSERT_EQUAL(nq_page_cursor_decode(cur, others[i], pos, sizeof(pos), &why), -1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(why);
        CU_ASSERT_PTR_NOT_NULL(strstr(why, "other filters"));
    }
}

/* Anything else is "not a cursor": garbage, padding, a cut or altered one. */
static void test_not_cursors(void)
{
    char cur[NQ_CURSOR_MAX], pos[NQ_CURSOR_POS_MAX + 1];
    const char *why = NULL;
    CU_ASSERT_TRUE_FATAL(nq_page_cursor_encode(cur, sizeof(cur), "teams", "t-1") > 0);
    char padded[NQ_CURSOR_MAX + 4], cut[NQ_CURSOR_MAX], altered[NQ_CURSOR_MAX];
    snprintf(padded, sizeof(padded), "%s==", cur);
    snprintf(cut, sizeof(cut), "%.*s", (int)strlen(cur) - 3, cur);
    snprintf(altered, sizeof(altered), "%s", cur);
    altered[0] = altered[0] == 'A' ? 'B' : 'A'; /* the format byte */
    char huge[NQ_CURSOR_MAX + 10];
    memset(huge, 'A', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    const char *bad[] = {"",     "x", "not a cursor", "%%%%", "AAAA",   "AQ",
                         padded, cut, altered,        huge,   "dGVhbXM"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        int rc = nq_page_cursor_decode(bad[i], "teams", pos, sizeof(pos), &why);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_PTR_NOT_NULL(why);
        if (rc == 0)
            fprintf(stderr, "\n    \"%s\" was taken as a cursor (position %s)", bad[i], pos);
    }
    /* The position inside must be printable too. */
    const unsigned char raw[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 'a', ' ', 'b'};
    char text[64];
    CU_ASSERT_PTR_NOT_NULL(sodium_bin2base64(text, sizeof(text), raw, sizeof(raw),
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    CU_ASSERT_EQUAL(nq_page_cursor_decode(text, "teams", pos, sizeof(pos), &why), -1);
}

static CU_TestInfo tests[] = {
    {"limit: 1..500, default 50", test_limit},
    {"cursor: encode, decode", test_round_trip},
    {"cursor: another list or other filters", test_scope},
    {"cursor: not a cursor", test_not_cursors},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"page", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
