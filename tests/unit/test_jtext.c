/* test_jtext.c — gateway/jtext.h: JSON text written straight into a buffer
 * (nq/buf.h) must always parse back (jansson) to what was written. */
#include <stdlib.h>
#include <string.h>

#include "jtext.h"
#include "nq_test.h"

/* Write {"s": <s>} and return the string jansson reads back (NULL for null). */
static char *roundtrip(const char *s)
{
    nq_buf_t t = NQ_BUF_INIT;
    nq_buf_adds(&t, "{\"s\":");
    jtext_str(&t, s);
    nq_buf_adds(&t, "}");
    CU_ASSERT_FALSE(t.failed);
    json_error_t err;
    json_t *v = json_loadb(t.buf, t.len, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    const char *got = json_string_value(json_object_get(v, "s"));
    char *copy = got ? strdup(got) : NULL;
    CU_ASSERT(got || json_is_null(json_object_get(v, "s")));
    json_decref(v);
    nq_buf_release(&t);
    return copy;
}

static void expect_same(const char *s)
{
    char *got = roundtrip(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, s);
    free(got);
}

static void test_strings(void)
{
    expect_same("");
    expect_same("evt-000123");
    expect_same("say \"hi\"");
    expect_same("back\\slash");
    expect_same("tab\there\nnewline\x01");
    expect_same("销售-拜访-001");
    expect_same("emoji \xF0\x9F\x98\x80");
    char *got = roundtrip(NULL);
    CU_ASSERT_PTR_NULL(got);
    /* Invalid UTF-8 becomes U+FFFD: still valid JSON. */
    got = roundtrip("bad \xC3\x28 byte");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "bad \xEF\xBF\xBD( byte");
    free(got);
    /* Long strings grow the buffer; every byte escaped at the worst. */
    char big[5000];
    memset(big, '"', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    expect_same(big);
}

static void test_numbers_and_values(void)
{
    nq_buf_t t = NQ_BUF_INIT;
    nq_buf_adds(&t, "[");
    nq_buf_addu64(&t, 0);
    nq_buf_adds(&t, ",");
    nq_buf_addu64(&t, 1234567890123ULL);
    nq_buf_adds(&t, ",");
    nq_buf_addu64(&t, UINT64_MAX);
    nq_buf_adds(&t, ",");
    nq_buf_addi64(&t, INT64_MIN);
    nq_buf_adds(&t, ",");
    nq_buf_addi64(&t, -42);
    nq_buf_adds(&t, ",");
    nq_buf_addi64(&t, 7);
    nq_buf_adds(&t, ",");
    json_t *real = json_real(0.1);
    jtext_json(&t, real); /* 10 significant digits, as every answer */
    json_decref(real);
    nq_buf_adds(&t, ",");
    json_t *obj = json_pack("{s:s, s:i}", "field", "amount", "n", 7);
    jtext_json(&t, obj);
    json_decref(obj);
    nq_buf_adds(&t, "]");
    CU_ASSERT_FALSE(t.failed);
    CU_ASSERT_STRING_EQUAL(t.buf,
                           "[0,1234567890123,18446744073709551615,-9223372036854775808,-42,7,0.1,"
                           "{\"field\":\"amount\",\"n\":7}]");
    CU_ASSERT_EQUAL(t.len, strlen(t.buf));
    nq_buf_release(&t);
    CU_ASSERT_EQUAL(t.alloc, 0);
    CU_ASSERT_EQUAL(t.len, 0);
}

static CU_TestInfo tests[] = {
    {"strings are quoted and escaped; they parse back", test_strings},
    {"numbers and jansson values", test_numbers_and_values},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"jtext", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
