/* test_trainreq.c — gateway/trainreq.h: the required courses document
 * checked field by field, the company's and a team's lists merged, and a
 * salesperson's done and missing courses. */
#include <stdlib.h>
#include <string.h>

#include "nq_test.h"
#include "trainreq.h"

static void test_check(void)
{
    char long_name[GW_TRAINREQ_NAME_MAX + 2];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    json_t *many = json_array();
    for (int i = 0; i <= GW_TRAINREQ_MAX; i++)
        json_array_append_new(many, json_sprintf("c%d", i));
    static const struct {
        const char *doc; /* NULL: the cases built below */
        const char *field;
    } rows[] = {
        {"{\"courses\":[\"安全生产\",\"产品知识\"]}", NULL},
        {"{\"courses\":[]}", NULL},
        {"{}", "courses"},
        {"{\"courses\":\"安全生产\"}", "courses"},
        {"{\"courses\":[\"a\",\"\"]}", "courses[1]"},
        {"{\"courses\":[\"a\",3]}", "courses[1]"},
        {"{\"courses\":[\"a\",\"b\",\"a\"]}", "courses[2]"},
        {"{\"courses\":[\"a\"],\"team\":\"x\"}", "team"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *doc = json_loads(rows[i].doc, 0, NULL);
        nq_field_errors_t errs = {0};
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        CU_ASSERT_EQUAL(gw_trainreq_check(doc, &errs), rows[i].field ? -1 : 0);
        if (rows[i].field) {
            CU_ASSERT_EQUAL(errs.n, 1);
            CU_ASSERT_STRING_EQUAL(errs.items[0].field, rows[i].field);
        }
        json_decref(doc);
    }
    nq_field_errors_t errs = {0};
    json_t *doc = json_pack("{s:[s]}", "courses", long_name);
    CU_ASSERT_EQUAL(gw_trainreq_check(doc, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "courses[0]");
    json_decref(doc);
    long_name[GW_TRAINREQ_NAME_MAX] = '\0'; /* exactly the longest */
    doc = json_pack("{s:[s]}", "courses", long_name);
    CU_ASSERT_EQUAL(gw_trainreq_check(doc, &errs), 0);
    json_decref(doc);
    memset(&errs, 0, sizeof(errs));
    doc = json_pack("{s:O}", "courses", many); /* one more than allowed */
    CU_ASSERT_EQUAL(gw_trainreq_check(doc, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "courses");
    json_array_remove(many, 0);
    json_decref(doc);
    doc = json_pack("{s:O}", "courses", many);
    CU_ASSERT_EQUAL(gw_trainreq_check(doc, &errs), 0);
    json_decref(doc);
    json_decref(many);
    CU_ASSERT_EQUAL(gw_trainreq_check(NULL, &errs), -1);
}

static void test_union_and_status(void)
{
    json_t *company = json_pack("{s:[s, s]}", "courses", "安全生产", "合规");
    json_t *team = json_pack("{s:[s, s]}", "courses", "产品知识", "安全生产");
    json_t *bad = json_pack("{s:s}", "courses", "x");
    json_t *req = gw_trainreq_union(company, team);
    char *text = json_dumps(req, JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(text, "[\"安全生产\",\"合规\",\"产品知识\"]");
    free(text);
    json_t *none = gw_trainreq_union(NULL, bad);
    CU_ASSERT_EQUAL(json_array_size(none), 0);
    json_t *courses = json_pack("[{s:s}, {s:s}, {s:n}, {s:s}]", "course", "产品知识", "course",
                                "安全生产", "course", "course", "别的课");
    static const struct {
        size_t taken; /* the first `taken` courses */
        const char *want;
        bool all;
    } rows[] = {
        {0, "{\"done\":[],\"missing\":[\"安全生产\",\"合规\",\"产品知识\"]}", false},
        {1, "{\"done\":[\"产品知识\"],\"missing\":[\"安全生产\",\"合规\"]}", false},
        {4, "{\"done\":[\"安全生产\",\"产品知识\"],\"missing\":[\"合规\"]}", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *some = json_array();
        for (size_t k = 0; k < rows[i].taken; k++)
            json_array_append(some, json_array_get(courses, k));
        bool all = true;
        json_t *st = gw_trainreq_status(req, rows[i].taken ? some : NULL, &all);
        text = json_dumps(st, JSON_COMPACT);
        CU_ASSERT_STRING_EQUAL(text, rows[i].want);
        CU_ASSERT_EQUAL(all, rows[i].all);
        free(text);
        json_decref(st);
        json_decref(some);
    }
    /* everything done; nothing required is done by anyone */
    json_array_append_new(courses, json_pack("{s:s}", "course", "合规"));
    bool all = false;
    json_t *st = gw_trainreq_status(req, courses, &all);
    CU_ASSERT_TRUE(all);
    json_decref(st);
    st = gw_trainreq_status(none, NULL, &all);
    CU_ASSERT_TRUE(all);
    json_decref(st);
    json_decref(courses);
    json_decref(none);
    json_decref(req);
    json_decref(company);
    json_decref(team);
    json_decref(bad);
}

static CU_TestInfo tests[] = {
    {"the document checked, each field named", test_check},
    {"company and team lists merged; done and missing", test_union_and_status},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"trainreq", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
