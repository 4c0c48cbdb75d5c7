/* test_fielderr.c — nq/fielderr.h: the error list, ids, UTF-8 text and nq_one_of. */
#include <string.h>

#include "nq/fielderr.h"
#include "nq_test.h"

/* ---- the error list ----------------------------------------------------- */

static void test_add(void)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, "amount", "must be greater than %d", 0);
    CU_ASSERT_EQUAL(errs.n, 1);
    CU_ASSERT_EQUAL(errs.dropped, 0);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "amount");
    CU_ASSERT_STRING_EQUAL(errs.items[0].reason, "must be greater than 0");
    nq_field_errors_add(&errs, "location.lat", "%s", "must be a number");
    CU_ASSERT_EQUAL(errs.n, 2);
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "location.lat");
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "amount"); /* earlier entries untouched */
}

static void test_add_beyond_cap(void)
{
    nq_field_errors_t errs = {0};
    char field[16];
    for (int i = 0; i < NQ_FIELD_ERRORS_MAX + 3; i++) {
        snprintf(field, sizeof(field), "f%d", i);
        nq_field_errors_add(&errs, field, "reason %d", i);
    }
    CU_ASSERT_EQUAL(errs.n, NQ_FIELD_ERRORS_MAX);
    CU_ASSERT_EQUAL(errs.dropped, 3);
    /* The first ones are kept, in order. */
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "f0");
    CU_ASSERT_STRING_EQUAL(errs.items[NQ_FIELD_ERRORS_MAX - 1].field, "f7");
    CU_ASSERT_STRING_EQUAL(errs.items[NQ_FIELD_ERRORS_MAX - 1].reason, "reason 7");
    nq_field_errors_add(&errs, "again", "x");
    CU_ASSERT_EQUAL(errs.n, NQ_FIELD_ERRORS_MAX);
    CU_ASSERT_EQUAL(errs.dropped, 4);
}

static void test_add_truncates(void)
{
    nq_field_errors_t errs = {0};
    char longf[100], longr[400];
    memset(longf, 'f', sizeof(longf) - 1);
    longf[sizeof(longf) - 1] = '\0';
    memset(longr, 'r', sizeof(longr) - 1);
    longr[sizeof(longr) - 1] = '\0';
    nq_field_errors_add(&errs, longf, "%s", longr);
    CU_ASSERT_EQUAL(errs.n, 1);
    CU_ASSERT_EQUAL(strlen(errs.items[0].field), sizeof(errs.items[0].field) - 1);
    CU_ASSERT_EQUAL(strlen(errs.items[0].reason), sizeof(errs.items[0].reason) - 1);
    CU_ASSERT_EQUAL(errs.items[0].field[0], 'f');
    CU_ASSERT_EQUAL(errs.items[0].reason[0], 'r');
}

/* Field names and reasons quote the input: they stay valid UTF-8, and a
 * character that does not fit is left out whole. */
static void test_add_keeps_utf8(void)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, "no\xe5", "line %d is not valid JSON: %s", 2,
                        "invalid escape near '\"\\u\xe5'");
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "no\xEF\xBF\xBD");
    CU_ASSERT_STRING_EQUAL(errs.items[0].reason,
                           "line 2 is not valid JSON: invalid escape near '\"\\u\xEF\xBF\xBD'");
    char field[64] = "";
    for (int i = 0; i < 10; i++)
        strcat(field, "客户"); /* 60 bytes, more than a field name holds */
    nq_field_errors_add(&errs, field, "unknown field");
    CU_ASSERT_EQUAL(strlen(errs.items[1].field), 45); /* 15 whole characters of 3 bytes */
    CU_ASSERT_EQUAL(strncmp(errs.items[1].field, field, 45), 0);
    char reason[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(reason, "客"); /* 180 bytes */
    nq_field_errors_add(&errs, "x", "%s", reason);
    CU_ASSERT_EQUAL(strlen(errs.items[2].reason), 159);
    CU_ASSERT_TRUE(nq_valid_text(errs.items[2].reason, 1000));
}

/* ---- ids ---------------------------------------------------------------- */

static void test_valid_id(void)
{
    char id[NQ_ID_MAX + 2];
    memset(id, 'a', sizeof(id));
    id[NQ_ID_MAX] = '\0';
    CU_ASSERT_TRUE(nq_valid_id(id)); /* 64 */
    id[NQ_ID_MAX] = 'a';
    id[NQ_ID_MAX + 1] = '\0';
    CU_ASSERT_FALSE(nq_valid_id(id)); /* 65 */

    CU_ASSERT_TRUE(nq_valid_id("a"));
    CU_ASSERT_TRUE(nq_valid_id("Z"));
    CU_ASSERT_TRUE(nq_valid_id("0"));
    CU_ASSERT_TRUE(nq_valid_id("sp_001.east:team-9"));
    CU_ASSERT_TRUE(nq_valid_id("_.:-"));
    CU_ASSERT_TRUE(nq_valid_id("AZaz09"));
}

static void test_invalid_id(void)
{
    static const char *const bad[] = {
        "",    "{sp}", "a{b", "a}b", "a b",  " a",   "a\t", "a/b",  "a*b",  "a?b",
        "a@b", "a,b",  "a+b", "a#b", "a\nb", "\x7f", "é",   "用户", "a\"b", "a\\b",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_FALSE(nq_valid_id(bad[i]));
    CU_ASSERT_FALSE(nq_valid_id(NULL));
    /* Characters just outside each allowed range. */
    CU_ASSERT_FALSE(nq_valid_id("@")); /* 'A' - 1 */
    CU_ASSERT_FALSE(nq_valid_id("[")); /* 'Z' + 1 */
    CU_ASSERT_FALSE(nq_valid_id("`")); /* 'a' - 1 */
    CU_ASSERT_FALSE(nq_valid_id("/")); /* '0' - 1 */
    CU_ASSERT_FALSE(nq_valid_id(";")); /* ':' + 1 */
}

/* ---- text --------------------------------------------------------------- */

static void test_text_valid(void)
{
    CU_ASSERT_TRUE(nq_valid_text("", 0));
    CU_ASSERT_TRUE(nq_valid_text("plain ASCII ~!", 100));
    CU_ASSERT_TRUE(nq_valid_text("拜访客户，签订合同。", 100));
    CU_ASSERT_TRUE(nq_valid_text("tab\tand\nnewline", 100));
    CU_ASSERT_TRUE(nq_valid_text("\xc2\xa9", 10));         /* U+00A9, smallest 2-byte range */
    CU_ASSERT_TRUE(nq_valid_text("\xdf\xbf", 10));         /* U+07FF */
    CU_ASSERT_TRUE(nq_valid_text("\xe0\xa0\x80", 10));     /* U+0800, smallest 3-byte */
    CU_ASSERT_TRUE(nq_valid_text("\xed\x9f\xbf", 10));     /* U+D7FF, before surrogates */
    CU_ASSERT_TRUE(nq_valid_text("\xee\x80\x80", 10));     /* U+E000, after surrogates */
    CU_ASSERT_TRUE(nq_valid_text("\xef\xbf\xbd", 10));     /* U+FFFD */
    CU_ASSERT_TRUE(nq_valid_text("\xf0\x90\x80\x80", 10)); /* U+10000, smallest 4-byte */
    CU_ASSERT_TRUE(nq_valid_text("\xf0\x9f\x98\x80", 10)); /* U+1F600 emoji */
    CU_ASSERT_TRUE(nq_valid_text("\xf4\x8f\xbf\xbf", 10)); /* U+10FFFF, the last one */
}

static void test_text_invalid_utf8(void)
{
    static const char *const bad[] = {
        "\xc0\x80",             /* overlong NUL */
        "\xc1\xbf",             /* overlong U+007F */
        "\xe0\x80\x80",         /* overlong 3-byte */
        "\xe0\x9f\xbf",         /* overlong U+07FF */
        "\xf0\x80\x80\x80",     /* overlong 4-byte */
        "\xf0\x8f\xbf\xbf",     /* overlong U+FFFF */
        "\xed\xa0\x80",         /* U+D800, high surrogate */
        "\xed\xbf\xbf",         /* U+DFFF, low surrogate */
        "\xf4\x90\x80\x80",     /* U+110000 */
        "\xf7\xbf\xbf\xbf",     /* far beyond */
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xfc\x84\x80\x80\x80\x80",
        "\xfe",
        "\xff",
        "\x80",         /* lone continuation */
        "a\xbf",        /* continuation after ASCII */
        "\xe4\xbd",     /* truncated 3-byte (first two bytes of U+4F60) */
        "\xe4",         /* lead byte alone */
        "\xf0\x9f\x98", /* truncated 4-byte */
        "\xc3",         /* truncated 2-byte at the end */
        "\xe4\xbd"
        "a",                    /* ASCII where a continuation belongs */
        "\xc3\xc3\xa9",         /* lead byte where a continuation belongs */
        "ok \xe4\xbd\xa0 \xa0", /* valid then a stray continuation */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_FALSE(nq_valid_text(bad[i], 100));
}

static void test_text_controls(void)
{
    static const char *const bad[] = {"\x01", "a\rb", "\x1b[31m", "\x1f", "a\x0b", "\x0c", "\x08"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_FALSE(nq_valid_text(bad[i], 100));
    CU_ASSERT_TRUE(nq_valid_text("\t", 100));
    CU_ASSERT_TRUE(nq_valid_text("\n", 100));
    CU_ASSERT_TRUE(nq_valid_text(" ", 100)); /* 0x20 is the first non-control */
    CU_ASSERT_TRUE(nq_valid_text("~", 100)); /* 0x7e */
}

/* DEL (U+007F) and the C1 range (U+0080..U+009F) are control characters too (Unicode
 * category Cc; iscntrl(0x7f) is true), and the header promises text "without control
 * characters other than tab and newline". */
static void test_text_del_and_c1(void)
{
    CU_ASSERT_FALSE(nq_valid_text("\x7f", 100));
    CU_ASSERT_FALSE(nq_valid_text("a\x7f"
                                  "b",
                                  100));
    CU_ASSERT_FALSE(nq_valid_text("\xc2\x80", 100)); /* U+0080 */
    CU_ASSERT_FALSE(nq_valid_text("\xc2\x85", 100)); /* U+0085 NEL */
    CU_ASSERT_FALSE(nq_valid_text("\xc2\x9b", 100)); /* U+009B CSI */
    CU_ASSERT_FALSE(nq_valid_text("\xc2\x9f", 100)); /* U+009F */
    CU_ASSERT_TRUE(nq_valid_text("\xc2\xa0", 100));  /* U+00A0 NBSP is not a control */
}

static void test_text_max_bytes(void)
{
    const char *ni_hao = "你好"; /* 6 bytes */
    CU_ASSERT_TRUE(nq_valid_text(ni_hao, 6));
    CU_ASSERT_FALSE(nq_valid_text(ni_hao, 5));
    CU_ASSERT_FALSE(nq_valid_text(ni_hao, 0));
    CU_ASSERT_TRUE(nq_valid_text("abcd", 4));
    CU_ASSERT_FALSE(nq_valid_text("abcd", 3));
    CU_ASSERT_FALSE(nq_valid_text("a", 0));
    CU_ASSERT_TRUE(nq_valid_text("", 0));
    CU_ASSERT_FALSE(nq_valid_text(NULL, 100));

    char big[4002];
    memset(big, 'x', 4001);
    big[4001] = '\0';
    CU_ASSERT_FALSE(nq_valid_text(big, 4000));
    big[4000] = '\0';
    CU_ASSERT_TRUE(nq_valid_text(big, 4000));
}

/* ---- one_of ------------------------------------------------------------- */

static void test_one_of(void)
{
    static const char *const types[] = {"visit", "call", "order", NULL};
    static const char *const none[] = {NULL};
    CU_ASSERT_TRUE(nq_one_of("visit", types));
    CU_ASSERT_TRUE(nq_one_of("call", types));
    CU_ASSERT_TRUE(nq_one_of("order", types));
    CU_ASSERT_FALSE(nq_one_of("Call", types));
    CU_ASSERT_FALSE(nq_one_of("calls", types));
    CU_ASSERT_FALSE(nq_one_of("cal", types));
    CU_ASSERT_FALSE(nq_one_of("", types));
    CU_ASSERT_FALSE(nq_one_of(NULL, types));
    CU_ASSERT_FALSE(nq_one_of("visit", none));
}

static CU_TestInfo errors_tests[] = {
    {"add records field and formatted reason", test_add},
    {"add beyond the cap counts dropped", test_add_beyond_cap},
    {"add truncates long field and reason", test_add_truncates},
    {"add keeps field and reason valid UTF-8", test_add_keeps_utf8},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo check_tests[] = {
    {"valid ids, 64 characters", test_valid_id},
    {"invalid ids: 65, punctuation, empty, NULL", test_invalid_id},
    {"valid UTF-8 text", test_text_valid},
    {"overlong, surrogate, out-of-range, truncated", test_text_invalid_utf8},
    {"C0 controls except tab and newline", test_text_controls},
    {"DEL and C1 controls", test_text_del_and_c1},
    {"max_bytes boundary", test_text_max_bytes},
    {"one_of", test_one_of},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"field errors", NULL, NULL, NULL, NULL, errors_tests},
    {"shared checks", NULL, NULL, NULL, NULL, check_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
