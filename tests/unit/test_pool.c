/* Tests for services/customers/pool.h: pool periods and due times in local
 * days, warnings, claim limits, settings checks, and the assignment picks. */
#include <string.h>

#include "nq/period.h"
#include "nq_test.h"
#include "pool.h"

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;
    CU_ASSERT_EQUAL_FATAL(nq_time_parse(rfc3339, &ms, NULL), 0);
    return ms;
}

/* Period per class: days set, else multiple x cadence, never below the cadence. */
static void test_period(void)
{
    pool_settings_t s;
    pool_settings_defaults(&s);
    static const struct {
        int days, multiple, cadence, want;
    } rows[] = {
        {0, 2, 30, 60},  /* the default: 2 x cadence */
        {0, 3, 7, 21},   /* a multiple */
        {45, 2, 30, 45}, /* days win over the multiple */
        {5, 2, 14, 14},  /* never shorter than the cadence */
        {0, 1, 1, 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        s.days[1] = rows[i].days;
        s.multiple[1] = rows[i].multiple;
        CU_ASSERT_EQUAL(pool_period_days(&s, 1, rows[i].cadence), rows[i].want);
    }
    CU_ASSERT_EQUAL(pool_period_days(&s, -1, 9), 9);
}

/* Due at the local midnight after day(base) + period; warned warn_days before. */
static void test_due(void)
{
    int64_t off = followup_zone_offset();
    static const struct {
        const char *base;
        int days, warn;
        const char *due, *warn_at;
    } rows[] = {
        {"2026-12-07T23:30:00+08:00", 60, 3, "2027-02-06T00:00:00+08:00",
         "2027-02-03T00:00:00+08:00"},
        {"2026-12-07T00:00:00+08:00", 14, 0, "2026-12-22T00:00:00+08:00",
         "2026-12-22T00:00:00+08:00"},
        {"2026-12-06T16:00:00Z", 1, 1, "2026-12-09T00:00:00+08:00", "2026-12-08T00:00:00+08:00"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t due = pool_due(at(rows[i].base), rows[i].days, off);
        CU_ASSERT_EQUAL(due, at(rows[i].due));
        CU_ASSERT_EQUAL(pool_warn_at(due, rows[i].warn), at(rows[i].warn_at));
    }
    CU_ASSERT_EQUAL(pool_base(5, 4, 3), 5);
    CU_ASSERT_EQUAL(pool_base(0, 4, 3), 4);
    CU_ASSERT_EQUAL(pool_base(0, 0, 3), 3);
    CU_ASSERT_EQUAL(pool_base(0, 0, 0), 0);
}

/* Wait for the warning, warn once per due time, then move. */
static void test_decide(void)
{
    static const struct {
        int64_t now, due, warn_at, warned_for;
        pool_action_t action;
        int64_t next;
    } rows[] = {
        {10, 100, 70, 0, POOL_WAIT, 70},
        {70, 100, 70, 0, POOL_WARN, 100},
        {80, 100, 70, 100, POOL_WAIT, 100}, /* warned already */
        {80, 100, 70, 50, POOL_WARN, 100},  /* warned for an earlier due time */
        {100, 100, 70, 100, POOL_MOVE, 0},
        {150, 100, 70, 0, POOL_MOVE, 0},   /* late: no warning first */
        {10, 100, 100, 0, POOL_WAIT, 100}, /* no warning days */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        pool_step_t s = pool_decide(rows[i].now, rows[i].due, rows[i].warn_at, rows[i].warned_for);
        CU_ASSERT_EQUAL(s.action, rows[i].action);
        if (s.action != POOL_MOVE)
            CU_ASSERT_EQUAL(s.next, rows[i].next);
    }
}

static void test_claim_limit(void)
{
    CU_ASSERT_TRUE(pool_claim_allowed(0, 0));
    CU_ASSERT_TRUE(pool_claim_allowed(1000, 0));
    CU_ASSERT_TRUE(pool_claim_allowed(1, 2));
    CU_ASSERT_FALSE(pool_claim_allowed(2, 2));
    CU_ASSERT_FALSE(pool_claim_allowed(3, 2));
}

static void test_picks(void)
{
    const char *ids[] = {"sp-1", "sp-2", "sp-3"};
    static const struct {
        const char *last;
        int want;
    } rr[] = {{NULL, 0}, {"", 0}, {"sp-1", 1}, {"sp-2", 2}, {"sp-3", 0}, {"sp-15", 1}, {"zz", 0}};
    for (size_t i = 0; i < sizeof(rr) / sizeof(rr[0]); i++)
        CU_ASSERT_EQUAL(pool_pick_round_robin(ids, 3, rr[i].last), rr[i].want);
    CU_ASSERT_EQUAL(pool_pick_round_robin(ids, 0, "sp-1"), -1);
    int64_t loads[][3] = {{3, 1, 2}, {1, 1, 1}, {5, 4, 0}, {2, 2, 1}};
    int want[] = {1, 0, 2, 2};
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(pool_pick_least_loaded(ids, loads[i], 3), want[i]);
    const char *rev[] = {"sp-9", "sp-2"};
    int64_t same[] = {4, 4};
    CU_ASSERT_EQUAL(pool_pick_least_loaded(rev, same, 2), 1); /* first by id */
    CU_ASSERT_EQUAL(pool_pick_least_loaded(ids, NULL, 0), -1);
}

static void test_settings(void)
{
    const char *values[POOL_FIELDS] = {NULL};
    pool_settings_t s;
    values[0] = "20"; /* key_pool_days */
    values[4] = "3";  /* normal_pool_multiple */
    values[6] = "5";  /* pool_warn_days */
    values[8] = "50"; /* normal_claim_limit */
    values[9] = "x";  /* unreadable: the default */
    values[10] = "round_robin";
    pool_settings_parse(&s, values);
    CU_ASSERT_EQUAL(s.days[0], 20);
    CU_ASSERT_EQUAL(s.multiple[1], 3);
    CU_ASSERT_EQUAL(s.multiple[2], POOL_DEFAULT_MULTIPLE);
    CU_ASSERT_EQUAL(s.warn_days, 5);
    CU_ASSERT_EQUAL(s.limit[1], 50);
    CU_ASSERT_EQUAL(s.limit[2], 0);
    CU_ASSERT_EQUAL(s.rule, POOL_RULE_ROUND_ROBIN);
    CU_ASSERT_TRUE(s.overridden[0]);
    CU_ASSERT_FALSE(s.overridden[9]);

    int cadence[FOLLOWUP_CLASSES] = {7, 30, 14};
    Nq__TeamCadence pb = NQ__TEAM_CADENCE__INIT;
    pool_settings_to_pb(&s, cadence, &pb);
    CU_ASSERT_EQUAL(pb.key_pool_days, 20);
    CU_ASSERT_FALSE(pb.has_key_pool_multiple);
    CU_ASSERT_EQUAL(pb.normal_pool_days, 90);
    CU_ASSERT_EQUAL(pb.normal_pool_multiple, 3);
    CU_ASSERT_EQUAL(pb.potential_pool_days, 28);
    CU_ASSERT_STRING_EQUAL(pb.assign_rule, "round_robin");
    CU_ASSERT_FALSE(pb.has_potential_claim_limit);
}

static void test_check(void)
{
    Nq__TeamCadence c = NQ__TEAM_CADENCE__INIT;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL(pool_check(&c, &errs), 0);
    c.has_key_pool_days = c.has_key_pool_multiple = 1;
    c.key_pool_days = 30;
    c.key_pool_multiple = 2;
    c.has_pool_warn_days = 1;
    c.pool_warn_days = -1;
    c.has_normal_claim_limit = 1;
    c.normal_claim_limit = 0;
    c.assign_rule = "random";
    CU_ASSERT_EQUAL(pool_check(&c, &errs), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 4);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "pool_warn_days");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "normal_claim_limit");
    CU_ASSERT_STRING_EQUAL(errs.items[2].field, "key_pool_multiple");
    CU_ASSERT_STRING_EQUAL(errs.items[3].field, "assign_rule");
    char values[POOL_FIELDS][16];
    c.assign_rule = "least_loaded";
    pool_put_values(&c, values);
    CU_ASSERT_STRING_EQUAL(values[0], "30");
    CU_ASSERT_STRING_EQUAL(values[1], "");
    CU_ASSERT_STRING_EQUAL(values[6], "-1");
    CU_ASSERT_STRING_EQUAL(values[10], "least_loaded");
}

static CU_TestInfo tests[] = {
    {"pool period per class", test_period},
    {"due and warning times in local days", test_due},
    {"wait, warn once, move", test_decide},
    {"claim limits", test_claim_limit},
    {"round robin and least loaded", test_picks},
    {"stored settings read", test_settings},
    {"a team's pool settings checked", test_check},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"pool", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
