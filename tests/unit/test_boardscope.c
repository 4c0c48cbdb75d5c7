/* tests/unit/test_boardscope.c — leaderboards cut to their caller
 * (gateway/boardscope.h): every-team callers get the board whole; a
 * coordinator's company board their teams' people and the company totals; a
 * salesperson their own entry, and teammates' rank and name by the team's
 * setting. */
#include <string.h>

#include "boardscope.h"
#include "nq_test.h"

/* A company board of three: sp-a (t-east) 700.00, sp-b (t-east) 300.00, sp-c (t-west) 50.00. */
static const char *const board_text =
    "{\"metric\":\"sales_amount\",\"entries\":["
    "{\"rank\":1,\"previous_rank\":2,\"movement\":1,\"salesperson_id\":\"sp-a\",\"name\":\"A\","
    "\"value\":\"700.00\"},"
    "{\"rank\":2,\"previous_rank\":1,\"movement\":-1,\"salesperson_id\":\"sp-b\",\"name\":\"B\","
    "\"value\":\"300.00\"},"
    "{\"rank\":3,\"previous_rank\":3,\"movement\":0,\"salesperson_id\":\"sp-c\",\"name\":\"C\","
    "\"value\":\"50.00\"}]}";
static const char *const teams[] = {"t-east", "t-east", "t-west"};

static json_t *cut(const gw_scope_t *s, bool company, const char *own, bool visible)
{
    json_t *b = json_loads(board_text, 0, NULL);
    gw_board_scope(b, s, company, teams, own, visible);
    return b;
}

static const char *entry_sp(const json_t *b, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(b, "entries"), i), "salesperson_id"));
}

static void test_every_team(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_ALL, false, "", "");
    json_t *b = cut(&s, true, NULL, false);
    json_t *whole = json_loads(board_text, 0, NULL);
    CU_ASSERT(json_equal(b, whole));
    json_decref(whole);
    json_decref(b);
}

static void test_coordinator(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_TEAMS, false, "t-east", "");
    json_t *b = cut(&s, true, NULL, false);
    json_t *entries = json_object_get(b, "entries");
    CU_ASSERT_EQUAL(json_array_size(entries), 2);
    CU_ASSERT_STRING_EQUAL(entry_sp(b, 0), "sp-a");
    CU_ASSERT_STRING_EQUAL(entry_sp(b, 1), "sp-b");
    json_t *totals = json_object_get(b, "company_totals");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(totals, "salespeople")), 3);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(totals, "value")), "1050.00");
    json_decref(b);
    /* their own team's board: whole */
    b = cut(&s, false, NULL, false);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "entries")), 3);
    CU_ASSERT_PTR_NULL(json_object_get(b, "company_totals"));
    json_decref(b);
    /* a board by attainment: no sum */
    json_t *by = json_loads(board_text, 0, NULL);
    json_object_set_new(by, "by", json_string("attainment"));
    gw_board_scope(by, &s, true, teams, NULL, false);
    CU_ASSERT(json_is_null(json_object_get(json_object_get(by, "company_totals"), "value")));
    json_decref(by);
}

static void test_salesperson(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_SELF, false, "", "sp-b");
    json_t *b = cut(&s, true, "t-east", false);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "entries")), 1);
    CU_ASSERT_STRING_EQUAL(entry_sp(b, 0), "sp-b");
    CU_ASSERT_PTR_NULL(json_object_get(b, "company_totals"));
    json_decref(b);
    /* teammates visible: rank and name, no figures; another team's people never */
    b = cut(&s, true, "t-east", true);
    json_t *entries = json_object_get(b, "entries");
    CU_ASSERT_EQUAL(json_array_size(entries), 2);
    json_t *mate = json_array_get(entries, 0), *self = json_array_get(entries, 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(mate, "name")), "A");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(mate, "rank")), 1);
    CU_ASSERT_PTR_NULL(json_object_get(mate, "value"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(self, "value")), "300.00");
    json_decref(b);
}

static void test_setting(void)
{
    CU_ASSERT_FALSE(gw_board_mates_visible(NULL));
    CU_ASSERT_FALSE(gw_board_mates_visible(""));
    CU_ASSERT_FALSE(gw_board_mates_visible("{}"));
    CU_ASSERT_FALSE(gw_board_mates_visible("{\"leaderboard_visible\":false}"));
    CU_ASSERT_FALSE(gw_board_mates_visible("{\"leaderboard_visible\":1}"));
    CU_ASSERT_FALSE(gw_board_mates_visible("not json"));
    CU_ASSERT(gw_board_mates_visible("{\"leaderboard_visible\":true}"));
}

static CU_TestInfo tests[] = {
    {"every team: whole", test_every_team},
    {"a coordinator: their people, company totals", test_coordinator},
    {"a salesperson: themselves, teammates by setting", test_salesperson},
    {"the team setting", test_setting},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"board scope", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
