/* test_i18n_api.c — error answers in the language of Accept-Language, through the whole suite
 * (harness.h: real Redis, every process, HTTP).
 *
 * The same bad requests are sent without Accept-Language, with "en" and with "zh-CN": the
 * codes ("error") and the field names never change; "detail" and every "reason" are English
 * in the first two and Chinese in the third, whether the gateway found the error (a money
 * value with three decimals, an unknown metric) or a service did (ingest's amount and id
 * checks, reporting's period key), and whether the answer is a batch of events or an error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nq_test.h"

static nq_harness_t *s_h;
static nq_httpc_t *s_http;

/* A language's Accept-Language header lines, "" for none. */
static const char *header(const char *accept_language)
{
    static char buf[128];
    if (!accept_language)
        return "";
    snprintf(buf, sizeof(buf), "Accept-Language: %s\r\n", accept_language);
    return buf;
}

/* Send and parse the JSON answer (NULL when not JSON); *status gets the HTTP status. */
static json_t *send_json(const char *method, const char *path, const char *body,
                         const char *accept_language, int *status)
{
    nq_httpc_response_t r;
    int rc = nq_httpc_request(s_http, method, path, body ? "application/json" : NULL, body,
                              body ? strlen(body) : 0, header(accept_language), &r);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    *status = r.status;
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    if (!j)
        fprintf(stderr, "\n    not JSON (%d): %.*s\n", r.status, (int)r.len, r.body);
    nq_httpc_response_free(&r);
    return j;
}

/* The reason given for `field` in an "errors" array, or "(none)". */
static const char *reason_of(const json_t *errors, const char *field)
{
    size_t i;
    const json_t *e;
    json_array_foreach (errors, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
            return json_string_value(json_object_get(e, "reason"));
    }
    return "(none)";
}

static void expect_reason(const json_t *errors, const char *field, const char *want)
{
    const char *got = reason_of(errors, field);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\n    %s: got \"%s\", want \"%s\"\n", field, got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
}

static void expect_string(const json_t *obj, const char *key, const char *want)
{
    const char *got = json_string_value(json_object_get(obj, key));
    if (!got || strcmp(got, want) != 0)
        fprintf(stderr, "\n    %s: got \"%s\", want \"%s\"\n", key, got ? got : "(null)", want);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
}

static int suite_init(void)
{
    s_h = nq_harness_start(NULL);
    if (!s_h)
        return 1;
    s_http = nq_httpc_new(nq_harness_url(s_h));
    return s_http ? 0 : 1;
}

static int suite_clean(void)
{
    nq_httpc_destroy(&s_http);
    return nq_harness_stop(&s_h);
}

/* ---- bad activities: the batch answer's reasons ----------------------------------- */

#define BAD_ACTIVITIES                                                                             \
    "[{\"event_id\":\"i18n-1\",\"type\":\"order\",\"salesperson_id\":\"bad id!\","                 \
    "\"customer_id\":\"c-1\",\"occurred_at\":\"2026-11-20T10:00:00+08:00\",\"amount\":\"0\","      \
    "\"order_id\":\"o-1\"},"                                                                       \
    "{\"event_id\":\"i18n-2\",\"type\":\"order\",\"salesperson_id\":\"sp-1\","                     \
    "\"customer_id\":\"c-1\",\"occurred_at\":\"2026-11-20T10:00:00+08:00\","                       \
    "\"amount\":\"1.234\",\"order_id\":\"o-2\"},"                                                  \
    "{\"event_id\":\"i18n-3\",\"type\":\"teleport\",\"salesperson_id\":\"sp-1\","                  \
    "\"occurred_at\":\"2026-11-20T10:00:00+08:00\"}]"

/* The three events' errors in one language. */
static void activities_in(const char *accept_language, const char *const want[4])
{
    int status;
    json_t *a = send_json("POST", "/api/v1/activities", BAD_ACTIVITIES, accept_language, &status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(status, 400);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(a, "rejected")), 3);
    const json_t *results = json_object_get(a, "results");
    CU_ASSERT_EQUAL_FATAL(json_array_size(results), 3);
    const json_t *e0 = json_object_get(json_array_get(results, 0), "errors");
    const json_t *e1 = json_object_get(json_array_get(results, 1), "errors");
    const json_t *e2 = json_object_get(json_array_get(results, 2), "errors");
    expect_reason(e0, "salesperson_id", want[0]); /* ingest */
    expect_reason(e0, "amount", want[1]);         /* ingest */
    expect_reason(e1, "amount", want[2]);         /* the gateway's decoding */
    expect_reason(e2, "type", want[3]);           /* ingest, quoting the client's text */
    expect_string(json_array_get(results, 0), "status", "rejected");
    json_decref(a);
}

static const char *const activities_en[4] = {
    "must be 1-64 characters of A-Z a-z 0-9 _ . : -",
    "must be greater than 0",
    "more than two decimals",
    "unknown event type 'teleport'",
};

static void test_activities(void)
{
    static const char *const zh[4] = {
        "应为 1-64 个字符，只能是 A-Z a-z 0-9 _ . : -",
        "金额须大于 0",
        "小数超过两位",
        "未知的活动类型“teleport”",
    };
    activities_in(NULL, activities_en);
    activities_in("en", activities_en);
    activities_in("en-US,en;q=0.9", activities_en);
    activities_in("zh-CN", zh);
    activities_in("zh-CN,zh;q=0.9,en;q=0.8", zh); /* what a browser in China sends */
    activities_in("fr, zh;q=0.5", zh);
    activities_in("zh;q=0.2, en", activities_en);
    activities_in("de", activities_en);
}

/* ---- bad targets: error answers from the gateway and from reporting --------------- */

static void targets_in(const char *accept_language, const char *const want[5])
{
    int status;
    /* Found by the gateway: an unknown metric and a negative amount. */
    json_t *a = send_json("PUT", "/api/v1/targets/salespeople/sp-1/month/2026-11",
                          "{\"targets\":{\"sales_amount\":\"-5.00\",\"bogus\":1}}", accept_language,
                          &status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(status, 400);
    expect_string(a, "error", "invalid");
    expect_string(a, "detail", want[0]);
    expect_reason(json_object_get(a, "errors"), "bogus", want[1]);
    expect_reason(json_object_get(a, "errors"), "sales_amount", want[2]);
    json_decref(a);
    /* Found by reporting: a key that is no month. */
    a = send_json("PUT", "/api/v1/targets/salespeople/sp-1/month/2026-13",
                  "{\"targets\":{\"sales_amount\":\"5000.00\"}}", accept_language, &status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(status, 400);
    expect_string(a, "error", "invalid");
    expect_string(a, "detail", want[3]);
    expect_reason(json_object_get(a, "errors"), "key", want[4]);
    json_decref(a);
}

static void test_targets(void)
{
    static const char *const en[5] = {
        "invalid targets",
        "unknown metric (see docs/metrics.md)",
        "must not be negative",
        "invalid targets: key is not a month key (like 2026-11, 2026-W48)",
        "is not a month key (like 2026-11, 2026-W48)",
    };
    static const char *const zh[5] = {
        "目标有误",
        "未知指标（见 docs/metrics.md）",
        "不能为负数",
        "目标有误：key 不是有效的 month 期间（如 2026-11、2026-W48）",
        "不是有效的 month 期间（如 2026-11、2026-W48）",
    };
    targets_in(NULL, en);
    targets_in("en-GB", en);
    targets_in("zh-CN", zh);
    targets_in("zh-Hans", zh);
}

/* ---- the gateway's own answers: no route, no JSON ---------------------------------- */

static void test_gateway_answers(void)
{
    int status;
    json_t *a = send_json("GET", "/api/v1/nowhere", NULL, "zh-CN", &status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(status, 404);
    expect_string(a, "error", "not_found");
    expect_string(a, "detail", "没有这个路径");
    json_decref(a);
    a = send_json("GET", "/api/v1/nowhere", NULL, NULL, &status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    expect_string(a, "detail", "no such path");
    json_decref(a);
    /* A parser's message inside a template: the template translated, the message kept. */
    a = send_json("PUT", "/api/v1/teams/t-x", "{\"name\":", "zh-CN", &status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(status, 400);
    const char *detail = json_string_value(json_object_get(a, "detail"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(detail);
    CU_ASSERT_EQUAL(strncmp(detail, "请求体不是有效的 JSON：", strlen("请求体不是有效的 JSON：")),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(detail, "（第 1 行，第 "));
    json_decref(a);
}

static CU_TestInfo tests[] = {
    {"bad activities: reasons in the asked language", test_activities},
    {"bad targets: detail and reasons, gateway's and reporting's", test_targets},
    {"the gateway's own error answers", test_gateway_answers},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"i18n_api", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
