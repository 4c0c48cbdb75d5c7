/* tests/unit/test_orgnames.c — names next to org ids (gateway/orgnames.h):
 * which ids an answer needs named, and the names written beside them.
 * Table-driven. */
#include <string.h>

#include "nq_test.h"
#include "orgnames.h"

static void test_needed(void)
{
    static const struct {
        const char *records; /* JSON */
        const char *keys;    /* the keys needed, space-separated */
    } cases[] = {
        {"[]", ""},
        {"{}", ""},
        {"{\"id\":\"sp-a\",\"team_id\":\"t-east\"}", "t:t-east"},
        {"[{\"owner_id\":\"\",\"pool_team\":\"t-east\",\"owner_history\":[{\"owner_id\":\"sp-a\"},"
         "{\"owner_id\":\"\"}]},{\"owner_id\":\"sp-b\",\"owner_history\":[{\"owner_id\":\"sp-a\"}]}"
         "]",
         "s:sp-a s:sp-b t:t-east"},
        {"[{\"notes\":[{\"salesperson_id\":\"sp-c\"},{\"salesperson_id\":\"sp-c\"}]}]", "s:sp-c"},
        {"[{\"salesperson_id\":\"sp-d\",\"customer_id\":\"c-1\"}]", "s:sp-d"},
        {"[{\"owner_id\":\"not an id\",\"team_id\":7,\"pool_team\":null}]", ""},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        json_t *records = json_loads(cases[c].records, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(records);
        json_t *need = gw_names_needed(records);
        CU_ASSERT_PTR_NOT_NULL_FATAL(need);
        const char *key;
        json_t *v;
        size_t n = 0; /* compared as sets: each key needed is listed, as many */
        json_object_foreach (need, key, v) {
            CU_ASSERT_TRUE(json_is_null(v));
            CU_ASSERT_PTR_NOT_NULL(strstr(cases[c].keys, key));
            n++;
        }
        size_t want = 0;
        for (const char *p = cases[c].keys; *p; p++)
            want += p == cases[c].keys || p[-1] == ' ';
        CU_ASSERT_EQUAL(n, want);
        json_decref(need);
        json_decref(records);
    }
}

static void test_apply(void)
{
    json_t *records = json_loads(
        "[{\"owner_id\":\"\",\"pool_team\":\"t-east\",\"owner_history\":[{\"owner_id\":\"sp-a\"},"
        "{\"owner_id\":\"\"}]},{\"owner_id\":\"sp-x\",\"team_id\":\"t-west\"}]",
        0, NULL);
    json_t *names = json_pack("{s:s, s:s, s:n, s:n}", "s:sp-a", "李娜", "t:t-east", "华东一组",
                              "s:sp-x", "t:t-west");
    CU_ASSERT_PTR_NOT_NULL_FATAL(records);
    CU_ASSERT_PTR_NOT_NULL_FATAL(names);
    gw_names_apply(records, names);
    json_t *a = json_array_get(records, 0), *b = json_array_get(records, 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(a, "pool_team_name")), "华东一组");
    CU_ASSERT_PTR_NULL(json_object_get(a, "owner_name")); /* the pool: no owner */
    json_t *h0 = json_array_get(json_object_get(a, "owner_history"), 0);
    json_t *h1 = json_array_get(json_object_get(a, "owner_history"), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(h0, "owner_name")), "李娜");
    CU_ASSERT_PTR_NULL(json_object_get(h1, "owner_name"));
    /* unknown names: no member, the id stays */
    CU_ASSERT_PTR_NULL(json_object_get(b, "owner_name"));
    CU_ASSERT_PTR_NULL(json_object_get(b, "team_name"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "owner_id")), "sp-x");
    json_decref(names);
    json_decref(records);
}

static void test_kind(void)
{
    static const struct {
        const char *key;
        char kind;
        const char *id;
    } cases[] = {
        {"s:sp-a", GW_NAME_SP, "sp-a"},
        {"t:t-east", GW_NAME_TEAM, "t-east"},
        {"x:sp-a", 0, NULL},
        {"s:", 0, NULL},
        {"s", 0, NULL},
        {"", 0, NULL},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const char *id = NULL;
        CU_ASSERT_EQUAL(gw_names_kind(cases[c].key, &id), cases[c].kind);
        if (cases[c].id)
            CU_ASSERT_STRING_EQUAL(id, cases[c].id);
    }
}

static CU_TestInfo tests[] = {
    {"the ids an answer needs named", test_needed},
    {"names written beside the ids", test_apply},
    {"the kind and id of a key", test_kind},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"orgnames", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
