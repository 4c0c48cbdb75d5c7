/* Tests for services/customers/followup.h: cadence defaults and checks, and
 * due dates in local (Asia/Shanghai) days. */
#include <string.h>

#include "followup.h"
#include "nq/period.h"
#include "nq_test.h"

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;
    CU_ASSERT_EQUAL_FATAL(nq_time_parse(rfc3339, &ms, NULL), 0);
    return ms;
}

static void test_defaults(void)
{
    int d[FOLLOWUP_CLASSES];
    followup_defaults(d);
    CU_ASSERT_EQUAL(d[followup_class("key")], 7);
    CU_ASSERT_EQUAL(d[followup_class("normal")], 30);
    CU_ASSERT_EQUAL(d[followup_class("potential")], 14);
    CU_ASSERT_EQUAL(followup_class("vip"), -1);
    CU_ASSERT_EQUAL(followup_class(NULL), -1);
    CU_ASSERT_TRUE(followup_is_contact("visit"));
    CU_ASSERT_TRUE(followup_is_contact("call"));
    CU_ASSERT_TRUE(followup_is_contact("meeting"));
    CU_ASSERT_FALSE(followup_is_contact("order"));
    CU_ASSERT_FALSE(followup_is_contact(NULL));
}

/* Overdue from the local midnight after day(base) + days, whatever the hour
 * of the contact: late at night and early in the morning alike. */
static void test_due(void)
{
    int64_t off = followup_zone_offset();
    CU_ASSERT_EQUAL(off, 8 * 3600000LL);
    CU_ASSERT_EQUAL(followup_due(at("2026-12-07T23:30:00+08:00"), 7, off),
                    at("2026-12-15T00:00:00+08:00"));
    CU_ASSERT_EQUAL(followup_due(at("2026-12-07T00:00:00+08:00"), 7, off),
                    at("2026-12-15T00:00:00+08:00"));
    /* 2026-12-06 23:59 UTC is already Dec 7 in Shanghai */
    CU_ASSERT_EQUAL(followup_due(at("2026-12-06T23:59:00Z"), 1, off),
                    at("2026-12-09T00:00:00+08:00"));
    /* across a month and a year */
    CU_ASSERT_EQUAL(followup_due(at("2026-12-20T10:00:00+08:00"), 30, off),
                    at("2027-01-20T00:00:00+08:00"));
    /* before 1970 local: floor, not truncation */
    CU_ASSERT_EQUAL(followup_due(-1, 0, off), at("1970-01-02T00:00:00+08:00"));
}

static void test_check(void)
{
    Nq__TeamCadence c = NQ__TEAM_CADENCE__INIT;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL(followup_check(&c, &errs), 0); /* all defaults */
    c.has_key_days = 1;
    c.key_days = 5;
    c.has_normal_days = 1;
    c.normal_days = 0;
    c.has_potential_days = 1;
    c.potential_days = 366;
    CU_ASSERT_EQUAL(followup_check(&c, &errs), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 2);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "normal_days");
    CU_ASSERT_STRING_EQUAL(errs.items[0].reason, "must be an integer from 1 to 365");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "potential_days");
}

static CU_TestInfo tests[] = {
    {"company defaults and contact types", test_defaults},
    {"due dates in local days", test_due},
    {"a team's cadence checked", test_check},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"follow-up", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
