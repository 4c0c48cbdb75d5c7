/* tests/unit/test_accessdoc.c — the admin API's bodies of users and API keys
 * (gateway/accessdoc.h): what is taken, every error naming its field, and
 * JSON that never holds a hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accessdoc.h"
#include "nq_test.h"

static json_t *doc(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

/* Is `field` among errs? */
static bool names(const nq_field_errors_t *errs, const char *field)
{
    for (size_t i = 0; i < errs->n; i++)
        if (strcmp(errs->items[i].field, field) == 0)
            return true;
    return false;
}

static void test_user_ok(void)
{
    nq_user_t u;
    char pw[NQ_PASSWORD_MAX + 1];
    nq_field_errors_t errs = {0};
    json_t *j = doc("{\"id\":\"u-wang\",\"name\":\"王芳\",\"role\":\"coordinator\","
                    "\"teams\":[\"t-east\",\"t-west\"],\"salesperson_id\":null,"
                    "\"password\":\"a long password\"}");
    CU_ASSERT_EQUAL(access_user_parse(j, &u, pw, &errs), 0);
    CU_ASSERT_EQUAL(errs.n, 0);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "\n%s: %s\n", errs.items[i].field, errs.items[i].reason);
    CU_ASSERT_STRING_EQUAL(u.id, "u-wang");
    CU_ASSERT_STRING_EQUAL(u.name, "王芳");
    CU_ASSERT_STRING_EQUAL(u.role, "coordinator");
    CU_ASSERT_STRING_EQUAL(u.teams, "t-east,t-west");
    CU_ASSERT_STRING_EQUAL(u.salesperson, "");
    CU_ASSERT_STRING_EQUAL(pw, "a long password");
    json_decref(j);
}

static void test_user_bad(void)
{
    nq_user_t u;
    char pw[NQ_PASSWORD_MAX + 1];
    nq_field_errors_t errs = {0};
    /* each member wrong its own way: each named */
    json_t *j = doc("{\"id\":\"a b\",\"name\":\"\",\"role\":\"root\",\"teams\":[\"ok\",\"no way\"],"
                    "\"salesperson_id\":7,\"password\":\"short\",\"extra\":1}");
    CU_ASSERT_EQUAL(access_user_parse(j, &u, pw, &errs), -1);
    const char *want[] = {"id", "name", "role", "teams[1]", "salesperson_id", "password", "extra"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CU_ASSERT(names(&errs, want[i]));
    json_decref(j);
    /* the role's reason lists the roles of the table */
    memset(&errs, 0, sizeof(errs));
    j = doc("{\"id\":\"x\",\"role\":\"root\",\"password\":\"a long password\"}");
    CU_ASSERT_EQUAL(access_user_parse(j, &u, pw, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(errs.items[0].reason, "admin, manager, coordinator, salesperson"));
    json_decref(j);
    /* required members; a name over 128 bytes; invalid UTF-8; 33 teams */
    memset(&errs, 0, sizeof(errs));
    j = doc("{}");
    CU_ASSERT_EQUAL(access_user_parse(j, &u, pw, &errs), -1);
    CU_ASSERT(names(&errs, "id") && names(&errs, "role") && names(&errs, "password"));
    json_decref(j);
    char big[400];
    memset(big, 'a', 129);
    big[129] = '\0';
    j = json_pack("{s:s, s:s, s:s, s:s}", "id", "x", "role", "admin", "password", "a long password",
                  "name", big);
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(access_user_parse(j, &u, pw, &errs), -1);
    CU_ASSERT(names(&errs, "name"));
    json_decref(j);
    json_t *teams = json_array();
    for (int i = 0; i < NQ_TEAMS_MAX + 1; i++)
        json_array_append_new(teams, json_string("t"));
    j = json_pack("{s:s, s:s, s:s, s:o}", "id", "x", "role", "admin", "password", "a long password",
                  "teams", teams);
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(access_user_parse(j, &u, pw, &errs), -1);
    CU_ASSERT(names(&errs, "teams"));
    json_decref(j);
}

static void test_patch(void)
{
    access_patch_t p;
    nq_field_errors_t errs = {0};
    json_t *j = doc("{\"status\":\"disabled\",\"teams\":[],\"salesperson_id\":\"\"}");
    CU_ASSERT_EQUAL(access_patch_parse(j, "u-li", "u-admin", &p, &errs), 0);
    CU_ASSERT_EQUAL(p.p.status, 1);
    CU_ASSERT_STRING_EQUAL(p.p.teams, "");
    CU_ASSERT_STRING_EQUAL(p.p.salesperson, "");
    CU_ASSERT_PTR_NULL(p.p.name);
    CU_ASSERT_PTR_NULL(p.p.role);
    CU_ASSERT_PTR_NULL(p.p.password);
    json_decref(j);
    j = doc("{\"password\":\"another long one\",\"status\":\"active\",\"role\":\"manager\"}");
    CU_ASSERT_EQUAL(access_patch_parse(j, "u-li", "u-admin", &p, &errs), 0);
    CU_ASSERT_EQUAL(p.p.status, 0);
    CU_ASSERT_STRING_EQUAL(p.p.password, "another long one");
    CU_ASSERT_STRING_EQUAL(p.p.role, "manager");
    CU_ASSERT_PTR_NULL(p.p.teams);
    json_decref(j);
    /* nothing to change; a bad status; one's own user */
    j = doc("{}");
    CU_ASSERT_EQUAL(access_patch_parse(j, "u-li", "u-admin", &p, &errs), -2);
    json_decref(j);
    j = doc("{\"status\":\"gone\"}");
    CU_ASSERT_EQUAL(access_patch_parse(j, "u-li", "u-admin", &p, &errs), -1);
    CU_ASSERT(names(&errs, "status"));
    json_decref(j);
    memset(&errs, 0, sizeof(errs));
    j = doc("{\"status\":\"disabled\",\"role\":\"coordinator\"}");
    CU_ASSERT_EQUAL(access_patch_parse(j, "u-admin", "u-admin", &p, &errs), -1);
    CU_ASSERT(names(&errs, "status") && names(&errs, "role"));
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(access_patch_parse(j, "u-li", "u-admin", &p, &errs), 0);
    json_decref(j);
}

static void test_key(void)
{
    access_key_in_t k;
    nq_field_errors_t errs = {0};
    json_t *j = doc("{\"name\":\"erp\",\"scope\":\"ingest\",\"sources\":[\"erp\",\"crm\"]}");
    CU_ASSERT_EQUAL(access_key_parse(j, &k, &errs), 0);
    CU_ASSERT_STRING_EQUAL(k.name, "erp");
    CU_ASSERT_STRING_EQUAL(k.scope, "ingest");
    CU_ASSERT_STRING_EQUAL(k.teams, "");
    CU_ASSERT_STRING_EQUAL(k.sources, "erp,crm");
    json_decref(j);
    j = doc("{\"name\":\"有空格 的\",\"scope\":\"root\",\"teams\":\"t-east\"}");
    CU_ASSERT_EQUAL(access_key_parse(j, &k, &errs), -1);
    CU_ASSERT(names(&errs, "name") && names(&errs, "scope") && names(&errs, "teams"));
    json_decref(j);
}

static void test_json(void)
{
    nq_user_t u = {.id = "u-li",
                   .role = "coordinator",
                   .teams = "t-east,t-west",
                   .pwhash = "$argon2id$v=19$secret",
                   .created = 1764000000000LL};
    json_t *j = access_user_json(&u);
    char *text = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(text, "argon2"));
    CU_ASSERT_PTR_NULL(strstr(text, "pwhash"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "name")), "u-li");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "teams")), 2);
    CU_ASSERT(json_is_null(json_object_get(j, "last_login_at")));
    CU_ASSERT(json_is_null(json_object_get(j, "salesperson_id")));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "status")), "active");
    free(text);
    json_decref(j);
    nq_apikey_t k = {.id = "0123456789ab",
                     .hash = "0123456789abcdef",
                     .name = "erp",
                     .scope = "ingest",
                     .revoked = 1764000000000LL};
    j = access_key_json(&k);
    text = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(text, "0123456789abcdef"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "status")), "revoked");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "teams")), 0);
    free(text);
    json_decref(j);
}

static CU_TestInfo tests[] = {
    {"a new user is read member by member", test_user_ok},
    {"every wrong member of a new user is named", test_user_bad},
    {"a change of a user", test_patch},
    {"a new API key", test_key},
    {"JSON without hashes", test_json},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"access documents", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
