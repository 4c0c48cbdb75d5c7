/* test_jnum.c — gateway/jnum.h: each real of a parsed document with its text. */
#include <string.h>

#include "jnum.h"
#include "nq_test.h"

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loadb(text, strlen(text), JSON_REJECT_DUPLICATES, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

/* The text of real `v` in the index, "" when not found. */
static const char *text_of(const jnum_index_t *nums, const json_t *v)
{
    static char buf[128];
    size_t len = 0;
    const char *t = jnum_text(nums, v, &len);
    snprintf(buf, sizeof(buf), "%.*s", t ? (int)len : 0, t ? t : "");
    return buf;
}

static void test_pairs_in_document_order(void)
{
    const char *text = "{\"b\":1.50000000000000000001,\"a\":[0.29999999999999999, 7, -0.0,"
                       "{\"s\":\"1.5 \\\" 2.5e3\",\"x\":1E2}],\"c\":true,\"d\":null,\"e\":-12}";
    json_t *j = load(text);
    jnum_index_t *nums = jnum_index(j, text, strlen(text));
    CU_ASSERT_PTR_NOT_NULL_FATAL(nums);
    json_t *a = json_object_get(j, "a");
    CU_ASSERT_STRING_EQUAL(text_of(nums, json_object_get(j, "b")), "1.50000000000000000001");
    CU_ASSERT_STRING_EQUAL(text_of(nums, json_array_get(a, 0)), "0.29999999999999999");
    CU_ASSERT_STRING_EQUAL(text_of(nums, json_array_get(a, 2)), "-0.0");
    CU_ASSERT_STRING_EQUAL(text_of(nums, json_object_get(json_array_get(a, 3), "x")), "1E2");
    /* Integers, strings and other nodes are not reals: no text. */
    CU_ASSERT_STRING_EQUAL(text_of(nums, json_array_get(a, 1)), "");
    CU_ASSERT_STRING_EQUAL(text_of(nums, json_object_get(j, "e")), "");
    CU_ASSERT_STRING_EQUAL(text_of(nums, j), "");
    jnum_free(&nums);
    CU_ASSERT_PTR_NULL(nums);
    jnum_free(&nums); /* twice is fine */
    json_decref(j);
}

static void test_many(void)
{
    /* 3,000 reals: lookups stay exact. */
    static char text[3000 * 16 + 8];
    size_t w = 0;
    text[w++] = '[';
    for (int i = 0; i < 3000; i++)
        w += (size_t)snprintf(text + w, sizeof(text) - w, "%s%d.%03d", i ? "," : "", i, i % 1000);
    text[w++] = ']';
    text[w] = '\0';
    json_t *j = load(text);
    jnum_index_t *nums = jnum_index(j, text, w);
    CU_ASSERT_PTR_NOT_NULL_FATAL(nums);
    for (int i = 0; i < 3000; i += 97) {
        char want[32];
        snprintf(want, sizeof(want), "%d.%03d", i, i % 1000);
        CU_ASSERT_STRING_EQUAL(text_of(nums, json_array_get(j, (size_t)i)), want);
    }
    jnum_free(&nums);
    json_decref(j);
}

static void test_wrong_text(void)
{
    json_t *j = load("[1.5, 2.5]");
    CU_ASSERT_PTR_NULL(jnum_index(j, "[1.5]", 5));
    CU_ASSERT_PTR_NULL(jnum_index(j, "[1.5, 2.5, 3.5]", 15));
    CU_ASSERT_PTR_NULL(jnum_index(NULL, "[]", 2));
    size_t len = 0;
    CU_ASSERT_PTR_NULL(jnum_text(NULL, j, &len));
    json_decref(j);
    /* No reals at all: an empty index. */
    j = load("{\"a\":\"x\",\"b\":[1,2]}");
    jnum_index_t *nums = jnum_index(j, "{\"a\":\"x\",\"b\":[1,2]}", 19);
    CU_ASSERT_PTR_NOT_NULL(nums);
    CU_ASSERT_PTR_NULL(jnum_text(nums, json_array_get(json_object_get(j, "b"), 0), &len));
    jnum_free(&nums);
    json_decref(j);
}

static CU_TestInfo jnum_tests[] = {
    {"reals paired with their text in document order", test_pairs_in_document_order},
    {"many reals", test_many},
    {"a text that is not the tree's: no index", test_wrong_text},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"jnum", NULL, NULL, NULL, NULL, jnum_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
