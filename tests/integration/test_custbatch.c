/* test_custbatch.c — POST /api/v1/customers:batch and `nqctl import customers`
 * over it, against a private suite (harness.h):
 *   - a batch of good and bad rows: the good ones stored, each bad one refused
 *     on its own with the field named (bad class, no name, an id twice, no id,
 *     an owner not in the directory), in the request's order;
 *   - the same rows again change nothing (record, owner history, lists);
 *   - limits: more than 500 rows or 2 MiB of body (413), no list, an unknown
 *     member (400), in Chinese with Accept-Language: zh-CN;
 *   - a coordinator's batch is kept to their teams row by row: another team's
 *     customer is "not found", a new owner outside them refused, the rest stored;
 *   - nqctl imports a CSV (BOM, quoted comma) through it: a row the gateway
 *     refuses is in the rejects file with its line, the others stored.
 *
 * The org: t-cb1 (sp-cb1, coordinator u-cb), t-cb2 (sp-cb2, who owns c-other).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nq/buf.h"
#include "nq_test.h"
#include "testkit.h"

#define PATH     "/api/v1/customers:batch"
#define PASSWORD "batch-pass-1234"

static char s_cookie[160]; /* the coordinator's session header lines */

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-cb1", "{\"name\":\"批量一组\",\"coordinators\":[\"u-cb\"]}");
    tk_put_ok("/api/v1/teams/t-cb2", "{\"name\":\"批量二组\"}");
    tk_put_ok("/api/v1/salespeople/sp-cb1", "{\"name\":\"王五\",\"team_id\":\"t-cb1\"}");
    tk_put_ok("/api/v1/salespeople/sp-cb2", "{\"name\":\"赵六\",\"team_id\":\"t-cb2\"}");
    tk_put_ok("/api/v1/customers/c-other", "{\"name\":\"别组客户\",\"owner_id\":\"sp-cb2\"}");
    tk_sign_in("u-cb", "coordinator", "t-cb1", "", PASSWORD, s_cookie, sizeof(s_cookie));
}

/* Result i of a batch answer: its status, and (when rejected) that its
 * errors name `field`. */
static void check_result(const json_t *answer, size_t i, const char *status, const char *field)
{
    const json_t *r = json_array_get(json_object_get(answer, "results"), i);
    tk_check(tk_num(r, "index") == (json_int_t)i, "result %zu: index %lld", i,
             (long long)tk_num(r, "index"));
    tk_check_str(json_object_get(r, "status"), status, "status");
    if (field)
        tk_check(tk_names_field(json_object_get(r, "errors"), field), "result %zu: %s in %s", i,
                 field, tk_text(r));
}

static const char *const mixed =
    "{\"customers\":["
    "{\"id\":\"c-b1\",\"name\":\"杭州一号\",\"owner_id\":\"sp-cb1\",\"class\":\"key\","
    "\"tags\":[\"vip\"],\"credit_limit\":\"5000.00\"},"
    "{\"id\":\"c-b2\",\"name\":\"坏级别\",\"class\":\"vip\"},"
    "{\"id\":\"c-b3\",\"class\":\"normal\"},"
    "{\"id\":\"c-b1\",\"name\":\"又一个一号\"},"
    "{\"name\":\"没有编号\"},"
    "{\"id\":\"c-b4\",\"name\":\"无此业务员\",\"owner_id\":\"sp-nobody\"},"
    "{\"id\":\"c-b5\",\"name\":\"公海客户\",\"pool_team\":\"t-cb1\"}]}";

static void test_good_and_bad_rows(void)
{
    json_t *a = tk_call("POST", PATH, mixed, 200);
    CU_ASSERT_EQUAL(tk_num(a, "stored"), 2);
    CU_ASSERT_EQUAL(tk_num(a, "rejected"), 5);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(a, "results")), 7);
    check_result(a, 0, "stored", NULL);
    check_result(a, 1, "rejected", "class");
    check_result(a, 2, "rejected", "name");
    check_result(a, 3, "rejected", "id"); /* twice in the batch */
    check_result(a, 4, "rejected", "id"); /* none */
    check_result(a, 5, "rejected", "owner_id");
    check_result(a, 6, "stored", NULL);
    json_decref(a);
    json_t *c = tk_get_ok("/api/v1/customers/c-b1");
    tk_check_str(json_object_get(c, "name"), "杭州一号", "name");
    tk_check_str(json_object_get(c, "owner_id"), "sp-cb1", "owner_id");
    tk_check_str(json_object_get(c, "credit_limit"), "5000.00", "credit_limit");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(c, "owner_history")), 1);
    json_decref(c);
    json_decref(tk_call("GET", "/api/v1/customers/c-b2", NULL, 404));
    json_decref(tk_call("GET", "/api/v1/customers/c-b4", NULL, 404));
    c = tk_get_ok("/api/v1/customers/c-b5");
    tk_check_str(json_object_get(c, "pool_team"), "t-cb1", "pool_team");
    json_decref(c);
}

/* A record without the times a write sets. */
static char *record_text(const char *id)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/customers/%s", id);
    json_t *c = tk_get_ok(path);
    json_object_del(c, "updated_at");
    char *text = json_dumps(c, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(c);
    return text;
}

static void test_again_changes_nothing(void)
{
    char *before = record_text("c-b1"), *pool = record_text("c-b5");
    json_t *list = tk_get_ok("/api/v1/customers?owner=sp-cb1");
    size_t owned = json_array_size(json_object_get(list, "items"));
    json_decref(list);
    json_t *a = tk_call("POST", PATH, mixed, 200);
    CU_ASSERT_EQUAL(tk_num(a, "stored"), 2);
    json_decref(a);
    char *after = record_text("c-b1"), *pool_after = record_text("c-b5");
    tk_check(strcmp(before, after) == 0, "c-b1 changed:\n%s\n%s", before, after);
    tk_check(strcmp(pool, pool_after) == 0, "c-b5 changed:\n%s\n%s", pool, pool_after);
    list = tk_get_ok("/api/v1/customers?owner=sp-cb1");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(list, "items")), owned);
    json_decref(list);
    free(before);
    free(after);
    free(pool);
    free(pool_after);
}

/* {"customers":[n rows of about `pad` bytes of name each]} */
static char *rows_body(size_t n, size_t pad)
{
    nq_buf_t b;
    nq_buf_init(&b);
    nq_buf_adds(&b, "{\"customers\":[");
    for (size_t i = 0; i < n; i++) {
        nq_buf_addf(&b, "%s{\"id\":\"c-lim%zu\",\"name\":\"", i ? "," : "", i);
        for (size_t j = 0; j < pad; j++)
            nq_buf_addch(&b, 'x');
        nq_buf_adds(&b, "\"}");
    }
    nq_buf_adds(&b, "]}");
    char *text = strndup(b.buf, b.len);
    nq_buf_release(&b);
    return text;
}

static void test_limits(void)
{
    int status;
    char head[2048];
    char *body = rows_body(501, 1);
    json_t *a = tk_api_raw("POST", PATH, body, &status);
    CU_ASSERT_EQUAL(status, 413);
    tk_check_str(json_object_get(a, "error"), "too_large", "error");
    tk_check_str(json_object_get(a, "detail"), "at most 500 customers per request", "detail");
    json_decref(a);
    free(body);
    body = rows_body(400, 6000); /* 400 rows, 2.4 MB */
    a = tk_api_raw("POST", PATH, body, &status);
    CU_ASSERT_EQUAL(status, 413);
    json_decref(a);
    free(body);
    tk_expect_400("POST", PATH, "{\"customers\":{}}", "customers");
    tk_expect_400("POST", PATH, "{\"customers\":[]}", "customers");
    tk_expect_400("POST", PATH, "{\"customers\":[{\"id\":\"c-z\",\"name\":\"z\"}],\"x\":1}", "x");
    /* in Chinese when asked */
    char headers[256];
    snprintf(headers, sizeof(headers),
             "Authorization: Bearer %s\r\nAccept-Language: zh-CN\r\nContent-Type: "
             "application/json\r\n",
             nq_harness_api_key(tk_h));
    body = rows_body(501, 1);
    a = tk_raw("POST", PATH, headers, body, &status, head, sizeof(head));
    CU_ASSERT_EQUAL(status, 413);
    tk_check_str(json_object_get(a, "detail"), "每个请求最多 500 个客户", "detail");
    json_decref(a);
    free(body);
    /* nothing of them stored */
    json_decref(tk_call("GET", "/api/v1/customers/c-lim0", NULL, 404));
}

static void test_coordinator_rows(void)
{
    json_t *a = NULL;
    int status = tk_as(s_cookie, "POST", PATH,
                       "{\"customers\":["
                       "{\"id\":\"c-b1\",\"name\":\"杭州一号\",\"owner_id\":\"sp-cb1\","
                       "\"class\":\"key\",\"tags\":[\"vip\"],\"credit_limit\":\"5000.00\"},"
                       "{\"id\":\"c-other\",\"name\":\"改别组的\",\"owner_id\":\"sp-cb1\"},"
                       "{\"id\":\"c-b6\",\"name\":\"给别组\",\"owner_id\":\"sp-cb2\"},"
                       "{\"id\":\"c-b7\",\"name\":\"本组新客户\",\"owner_id\":\"sp-cb1\"}]}",
                       &a);
    CU_ASSERT_EQUAL(status, 200);
    check_result(a, 0, "stored", NULL);
    check_result(a, 1, "rejected", "id");
    check_result(a, 2, "rejected", "owner_id");
    check_result(a, 3, "stored", NULL);
    json_decref(a);
    json_t *c = tk_get_ok("/api/v1/customers/c-other");
    tk_check_str(json_object_get(c, "name"), "别组客户", "name"); /* unchanged */
    json_decref(c);
    json_decref(tk_call("GET", "/api/v1/customers/c-b6", NULL, 404));
    json_decref(tk_get_ok("/api/v1/customers/c-b7"));
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_nqctl_import(void)
{
    char file[512], rejects[600], out[600];
    snprintf(file, sizeof(file), "%s/batch.csv", nq_harness_dir(tk_h));
    snprintf(rejects, sizeof(rejects), "%s.rejects.ndjson", file);
    snprintf(out, sizeof(out), "%s/batch.out", nq_harness_dir(tk_h));
    FILE *f = fopen(file, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fputs("\xEF\xBB\xBF"
          "编号,名称,级别,负责人\r\n"
          "c-n1,\"宁波, 一号\",重点,sp-cb1\r\n"
          "c-n2,无此人,普通,sp-nobody\r\n"
          "c-n3,宁波三号,潜在,sp-cb2\r\n",
          f);
    fclose(f);
    const char *words[] = {"import", "customers", file, NULL};
    CU_ASSERT_EQUAL(tk_nqctl("en", out, 60000, words), 1);
    tk_check(strstr(read_text(out), "stored     2") != NULL, "summary: %s", read_text(out));
    const char *rej = read_text(rejects);
    tk_check(strstr(rej, "{\"id\":\"c-n2\",\"line\":3,\"status\":\"rejected\",\"by\":\"gateway\","
                         "\"errors\":[{\"field\":\"owner_id\"") != NULL,
             "rejects: %s", rej);
    json_t *c = tk_get_ok("/api/v1/customers/c-n1");
    tk_check_str(json_object_get(c, "name"), "宁波, 一号", "name");
    tk_check_str(json_object_get(c, "class"), "key", "class");
    json_decref(c);
    json_decref(tk_get_ok("/api/v1/customers/c-n3"));
}

static CU_TestInfo tests[] = {
    {"the org, a coordinator signed in", test_setup},
    {"a batch of good and bad rows: each answered, the good stored", test_good_and_bad_rows},
    {"the same batch again changes nothing", test_again_changes_nothing},
    {"limits: rows, body, shape; in Chinese", test_limits},
    {"a coordinator's batch kept to their teams row by row", test_coordinator_rows},
    {"nqctl import customers through the batch route", test_nqctl_import},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"customers batch", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
