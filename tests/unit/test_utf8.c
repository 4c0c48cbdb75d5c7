/* test_utf8.c — nq/utf8.h: sequences and cleaning text for JSON answers. */
#include <jansson.h>
#include <string.h>

#include "nq/utf8.h"
#include "nq_test.h"

static size_t seq(const char *s)
{
    return nq_utf8_seq(s, strlen(s) ? strlen(s) : 1, NULL);
}

static void test_seq(void)
{
    uint32_t cp = 0;
    CU_ASSERT_EQUAL(nq_utf8_seq("a", 1, &cp), 1);
    CU_ASSERT_EQUAL(cp, 'a');
    CU_ASSERT_EQUAL(nq_utf8_seq("", 1, &cp), 1); /* NUL */
    CU_ASSERT_EQUAL(cp, 0);
    CU_ASSERT_EQUAL(nq_utf8_seq("\xc3\xa9", 2, &cp), 2); /* é */
    CU_ASSERT_EQUAL(cp, 0xE9);
    CU_ASSERT_EQUAL(nq_utf8_seq("\xe5\xae\xa2", 3, &cp), 3); /* 客 */
    CU_ASSERT_EQUAL(cp, 0x5BA2);
    CU_ASSERT_EQUAL(nq_utf8_seq("\xf0\x9f\x98\x80", 4, &cp), 4); /* U+1F600 */
    CU_ASSERT_EQUAL(cp, 0x1F600);
    CU_ASSERT_EQUAL(seq("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
    CU_ASSERT_EQUAL(seq("\xef\xbf\xbd"), 3);     /* U+FFFD */
}

static void test_seq_invalid(void)
{
    static const char *const bad[] = {
        "\x80",     /* stray continuation */
        "\xbf",     /* stray continuation */
        "\xc3",     /* truncated */
        "\xe5\xae", /* truncated */
        "\xe5\xae"
        "a",                /* bad continuation */
        "\xc0\xaf",         /* overlong '/' */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong */
        "\xf0\x80\x80\xaf", /* overlong */
        "\xed\xa0\x80",     /* surrogate U+D800 */
        "\xed\xbf\xbf",     /* surrogate U+DFFF */
        "\xf4\x90\x80\x80", /* U+110000 */
        "\xf5\x80\x80\x80", /* lead byte past U+10FFFF */
        "\xff",             /* never in UTF-8 */
        "\xfe",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(seq(bad[i]), 0);
    /* Only `avail` bytes are read. */
    CU_ASSERT_EQUAL(nq_utf8_seq("\xe5\xae\xa2", 2, NULL), 0);
    CU_ASSERT_EQUAL(nq_utf8_seq("\xe5\xae\xa2", 1, NULL), 0);
}

static void test_clean(void)
{
    char buf[64];
    CU_ASSERT_EQUAL(nq_utf8_clean(buf, sizeof(buf), "plain 中文 é"), strlen("plain 中文 é"));
    CU_ASSERT_STRING_EQUAL(buf, "plain 中文 é");
    /* The text jansson gives for "\u" before 客: its first byte only. */
    nq_utf8_clean(buf, sizeof(buf), "invalid escape near '\"\\u\xe5'");
    CU_ASSERT_STRING_EQUAL(buf, "invalid escape near '\"\\u\xEF\xBF\xBD'");
    /* Each invalid byte becomes one U+FFFD; what follows is kept. */
    nq_utf8_clean(buf, sizeof(buf),
                  "a\x80"
                  "b\xe4\xb8"
                  "c\xc0\xaf"
                  "d");
    CU_ASSERT_STRING_EQUAL(buf, "a\xEF\xBF\xBD"
                                "b\xEF\xBF\xBD\xEF\xBF\xBD"
                                "c\xEF\xBF\xBD\xEF\xBF\xBD"
                                "d");
    CU_ASSERT_EQUAL(nq_utf8_clean(buf, sizeof(buf), NULL), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    /* Control characters are valid UTF-8: JSON escapes them. */
    nq_utf8_clean(buf, sizeof(buf), "a\tb\x01");
    CU_ASSERT_STRING_EQUAL(buf, "a\tb\x01");
}

static void test_clean_truncates_between_characters(void)
{
    char buf[8];
    CU_ASSERT_EQUAL(nq_utf8_clean(buf, sizeof(buf), "客户客户"), 6); /* 7 bytes of room */
    CU_ASSERT_STRING_EQUAL(buf, "客户");
    CU_ASSERT_EQUAL(nq_utf8_clean(buf, sizeof(buf), "abcde\x80"), 5); /* U+FFFD does not fit */
    CU_ASSERT_STRING_EQUAL(buf, "abcde");
    CU_ASSERT_EQUAL(nq_utf8_clean(buf, sizeof(buf), "abcdefghij"), 7);
    CU_ASSERT_STRING_EQUAL(buf, "abcdefg");
    CU_ASSERT_EQUAL(nq_utf8_clean(buf, 1, "abc"), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

/* Whatever the bytes, the result is a string jansson takes. */
static void test_clean_always_json(void)
{
    char src[257], dst[1024];
    unsigned state = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t n = 1 + round % 256;
        for (size_t i = 0; i < n; i++) {
            state = state * 1103515245u + 12345u;
            src[i] = (char)(1 + (state >> 16) % 255); /* no NUL inside */
        }
        src[n] = '\0';
        nq_utf8_clean(dst, sizeof(dst) - round % 700, src);
        json_t *s = json_string(dst);
        CU_ASSERT_PTR_NOT_NULL(s);
        json_decref(s);
    }
}

/* A valid start cut short by the end is told apart from invalid bytes (a text
 * read in blocks reads on; a cut reason is shortened, not garbled). */
static void test_cut(void)
{
    static const char *const cut[] = {"\xc3",         "\xe5",         "\xe5\xae", "\xf0\x9f",
                                      "\xf0\x9f\x98", "\xf4\x8f\xbf", "\xe0\xa0", "\xed\x9f"};
    for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        CU_ASSERT_TRUE(nq_utf8_cut(cut[i], strlen(cut[i])));
        CU_ASSERT_EQUAL(seq(cut[i]), 0);
    }
    static const char *const not_cut[] = {
        "a",        "\xc3\xa9", "\x80",
        "\xc0",     "\xc1",     "\xe0\x80", /* overlong whatever follows */
        "\xed\xa0",                         /* a surrogate whatever follows */
        "\xf4\x90",                         /* past U+10FFFF */
        "\xf5",     "\xff",     "\xe5\x41",
    };
    for (size_t i = 0; i < sizeof(not_cut) / sizeof(not_cut[0]); i++)
        CU_ASSERT_FALSE(nq_utf8_cut(not_cut[i], strlen(not_cut[i])));
}

static void test_valid(void)
{
    CU_ASSERT_TRUE(nq_utf8_valid("", 0));
    CU_ASSERT_TRUE(
        nq_utf8_valid("plain 中文 é \xf0\x9f\x98\x80", strlen("plain 中文 é \xf0\x9f\x98\x80")));
    CU_ASSERT_TRUE(nq_utf8_valid("a\0b", 3)); /* NUL is a character */
    CU_ASSERT_FALSE(nq_utf8_valid("\xFF,张伟", strlen("\xFF,张伟")));
    CU_ASSERT_FALSE(nq_utf8_valid("a\xd5", 2)); /* cut at the end: not valid */
    CU_ASSERT_FALSE(nq_utf8_valid("\xed\xa0\x80", 3));
    CU_ASSERT_TRUE(nq_utf8_valid("\xe5\xae\xa2", 3));
    CU_ASSERT_FALSE(nq_utf8_valid("\xe5\xae\xa2", 2));
}

static CU_TestInfo utf8_tests[] = {
    {"valid sequences", test_seq},
    {"invalid sequences", test_seq_invalid},
    {"a valid start cut by the end", test_cut},
    {"whole texts", test_valid},
    {"clean: invalid bytes become U+FFFD", test_clean},
    {"clean: truncated between characters", test_clean_truncates_between_characters},
    {"clean: any bytes give a JSON string", test_clean_always_json},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"utf8", NULL, NULL, NULL, NULL, utf8_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
