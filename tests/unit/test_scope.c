/* tests/unit/test_scope.c — team scoping (gateway/scope.h): who sees which
 * team, salesperson and customer, from the role's reach and the caller's
 * teams. */
#include <stdio.h>
#include <string.h>

#include "nq_test.h"
#include "scope.h"

static void test_every_team(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_ALL, false, "t-east", "");
    CU_ASSERT(gw_scope_all(&s));
    CU_ASSERT(gw_scope_sees_team(&s, "t-west"));
    CU_ASSERT(gw_scope_sees_salesperson(&s, "sp-x", "t-west"));
    CU_ASSERT(gw_scope_sees_customer(&s, "", NULL)); /* the pool */
    CU_ASSERT(gw_scope_sees_company_people(&s));
    /* a key without teams reaches every team, whatever its scope row says */
    gw_scope_make(&s, NQ_REACH_TEAMS, true, "", "");
    CU_ASSERT(gw_scope_all(&s));
    gw_scope_of(&s, NULL); /* open routes */
    CU_ASSERT(gw_scope_all(&s));
}

static void test_teams(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_TEAMS, false, "t-east, t-north", "sp-me");
    CU_ASSERT_FALSE(gw_scope_all(&s));
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT(gw_scope_sees_team(&s, "t-east"));
    CU_ASSERT(gw_scope_sees_team(&s, "t-north"));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, "t-west"));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, "t-eas"));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, ""));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, NULL));
    CU_ASSERT(gw_scope_sees_salesperson(&s, "sp-a", "t-east"));
    CU_ASSERT_FALSE(gw_scope_sees_salesperson(&s, "sp-b", "t-west"));
    CU_ASSERT_FALSE(gw_scope_sees_salesperson(&s, "sp-c", NULL)); /* no team, or unknown */
    CU_ASSERT(gw_scope_sees_customer(&s, "sp-a", "t-north"));
    CU_ASSERT_FALSE(gw_scope_sees_customer(&s, "sp-b", "t-west"));
    CU_ASSERT_FALSE(gw_scope_sees_customer(&s, "", "t-east")); /* the pool */
    CU_ASSERT_FALSE(gw_scope_sees_company_people(&s));
    /* a key limited to teams */
    gw_scope_make(&s, NQ_REACH_ALL, true, "t-west", "");
    CU_ASSERT_EQUAL(s.reach, NQ_REACH_TEAMS);
    CU_ASSERT(gw_scope_sees_team(&s, "t-west"));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, "t-east"));
    /* a coordinator without teams sees none */
    gw_scope_make(&s, NQ_REACH_TEAMS, false, "", "");
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, "t-east"));
    CU_ASSERT_FALSE(gw_scope_sees_salesperson(&s, "sp-a", "t-east"));
}

static void test_alerts(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_TEAMS, false, "t-east", "");
    CU_ASSERT(gw_scope_sees_alert(&s, "t-east", "sp-x"));
    CU_ASSERT_FALSE(gw_scope_sees_alert(&s, "t-west", "sp-x"));
    CU_ASSERT_FALSE(gw_scope_sees_alert(&s, "", "sp-x")); /* raised with no team */
    gw_scope_make(&s, NQ_REACH_SELF, false, "", "sp-me");
    CU_ASSERT(gw_scope_sees_alert(&s, "t-east", "sp-me"));
    CU_ASSERT_FALSE(gw_scope_sees_alert(&s, "t-east", "sp-x"));
    gw_scope_make(&s, NQ_REACH_ALL, false, "", "");
    CU_ASSERT(gw_scope_sees_alert(&s, "", ""));
}

static void test_self(void)
{
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_SELF, false, "t-east", "sp-me");
    CU_ASSERT(gw_scope_sees_salesperson(&s, "sp-me", NULL));
    CU_ASSERT_FALSE(gw_scope_sees_salesperson(&s, "sp-other", "t-east"));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, "t-east")); /* not even their team's data */
    CU_ASSERT(gw_scope_sees_customer(&s, "sp-me", NULL));
    CU_ASSERT_FALSE(gw_scope_sees_customer(&s, "sp-other", "t-east"));
    CU_ASSERT_FALSE(gw_scope_sees_company_people(&s));
    /* a salesperson user who is no salesperson sees nothing */
    gw_scope_make(&s, NQ_REACH_SELF, false, "", "");
    CU_ASSERT_FALSE(gw_scope_sees_salesperson(&s, "", NULL));
    CU_ASSERT_FALSE(gw_scope_sees_customer(&s, "", NULL));
}

/* Customers in a pool: whose pool it is, against each reach (table). */
static void test_pool(void)
{
    const struct {
        nq_reach_t reach;
        const char *teams, *self; /* the caller */
        const char *pool, *self_team;
        bool seen;
    } rows[] = {
        {NQ_REACH_ALL, "", "", "t-east", NULL, true},
        {NQ_REACH_ALL, "", "", "", NULL, true}, /* no pool team: the company's */
        {NQ_REACH_TEAMS, "t-east,t-north", "", "t-north", NULL, true},
        {NQ_REACH_TEAMS, "t-east", "", "t-west", NULL, false},
        {NQ_REACH_TEAMS, "t-east", "", "", NULL, false},
        {NQ_REACH_TEAMS, "t-east", "", NULL, NULL, false},
        {NQ_REACH_TEAMS, "", "", "t-east", NULL, false}, /* a coordinator without teams */
        {NQ_REACH_SELF, "", "sp-me", "t-east", "t-east", true},
        {NQ_REACH_SELF, "", "sp-me", "t-west", "t-east", false},
        {NQ_REACH_SELF, "", "sp-me", "t-east", NULL, false}, /* their team unknown */
        {NQ_REACH_SELF, "", "sp-me", "", "", false},
        {NQ_REACH_SELF, "", "", "t-east", "t-east", false}, /* no salesperson */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        gw_scope_t s;
        gw_scope_make(&s, rows[i].reach, false, rows[i].teams, rows[i].self);
        if (gw_scope_sees_pool(&s, rows[i].pool, rows[i].self_team) != rows[i].seen)
            fprintf(stderr, "\n    row %zu: want %d", i, rows[i].seen);
        CU_ASSERT_EQUAL(gw_scope_sees_pool(&s, rows[i].pool, rows[i].self_team), rows[i].seen);
    }
}

/* The roles' rows say how far each reaches. */
static void test_roles_reach(void)
{
    gw_principal_t p = {0};
    gw_scope_t s;
    const char *const names[] = {"admin", "manager", "coordinator", "salesperson"};
    const nq_reach_t want[] = {NQ_REACH_ALL, NQ_REACH_ALL, NQ_REACH_TEAMS, NQ_REACH_SELF};
    for (int i = 0; i < 4; i++) {
        p.role = nq_role_find(names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p.role);
        snprintf(p.teams, sizeof(p.teams), "t-east");
        snprintf(p.salesperson, sizeof(p.salesperson), "sp-me");
        gw_scope_of(&s, &p);
        CU_ASSERT_EQUAL(s.reach, want[i]);
    }
}

/* More teams than kept: narrower, never wider. */
static void test_many_teams(void)
{
    char teams[4096] = "";
    for (int i = 0; i < SCOPE_TEAMS_MAX + 5; i++)
        snprintf(teams + strlen(teams), sizeof(teams) - strlen(teams), "t%d,", i);
    gw_scope_t s;
    gw_scope_make(&s, NQ_REACH_TEAMS, false, teams, "");
    CU_ASSERT_EQUAL(s.n, SCOPE_TEAMS_MAX);
    CU_ASSERT(gw_scope_sees_team(&s, "t0"));
    CU_ASSERT_FALSE(gw_scope_sees_team(&s, "t40"));
}

static CU_TestInfo tests[] = {
    {"every-team callers see everything", test_every_team},
    {"team-limited callers see their teams", test_teams},
    {"a salesperson sees themselves", test_self},
    {"alerts by their team and salesperson", test_alerts},
    {"the pool: whose it is, by reach", test_pool},
    {"each role's reach", test_roles_reach},
    {"too many teams narrow", test_many_teams},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scope", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
