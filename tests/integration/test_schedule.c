/* test_schedule.c — the schedule rules (services/alerting/schedule.h, schedrun.h) in a real
 * suite whose clock runs ahead (NQ_CLOCK_OFFSET_MS) to a day D, tomorrow in Shanghai, made a
 * working day whatever its weekday (NQ_MAKEUP_WORKDAYS=D):
 *   - at D 10:30 the suite gets its org, a target and the day's events; neither run is due, and
 *     nq-alerting raises nothing;
 *   - nq-alerting restarted at D 11:01: one no_activity alert, for the salesperson without an
 *     event today only; behind_pace (15:00) not yet;
 *   - restarted at D 15:01: one behind_pace alert for the salesperson with a target far behind
 *     pace, with its figures and titles; no second no_activity;
 *   - SIGKILLed and started again the same day: the runs are made again and raise nothing new.
 *
 * The org: t-sch (计划组): sp-behind 张伟 (a ¥100,000 month target, one ¥1,000 order today),
 * sp-idle 李娜 (nothing today), sp-active 王芳 (a visit today, no target).
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "neiqin.pb-c.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define WAIT_MS 20000 /* a schedule tick is 10 s; the first one comes 1 s after start */
#define MIN_MS  60000LL

static nq_period_t s_day;   /* D */
static nq_period_t s_month; /* D's month */

/* The clock offset that puts now at hh:mm of D. */
static int64_t offset_to(int hh, int mm)
{
    nq_clock_set_offset_ms(0);
    return s_day.start_ms + (hh * 60 + mm) * MIN_MS - nq_now_ms();
}

/* Raised entries of the alert stream of `rule` about `subject` (NULL: any). */
static int raised(const char *rule, const char *subject)
{
    redisReply *r = tk_cmd("XRANGE %s - +", NQ_KEY_ALERTS);
    int n = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *packed = tk_field_of(r->element[i]->element[1], "a");
        Nq__Alert *a =
            packed ? nq__alert__unpack(NULL, packed->len, (const uint8_t *)packed->str) : NULL;
        n += a && a->change && strcmp(a->change, "raised") == 0 && a->rule &&
             strcmp(a->rule, rule) == 0 && (!subject || strcmp(a->subject, subject) == 0);
        if (a)
            nq__alert__free_unpacked(a, NULL);
    }
    freeReplyObject(r);
    return n;
}

/* Lines of nq-alerting's log (all its runs) that report a schedule run. */
static int schedule_runs(void)
{
    char path[512], line[4096];
    nq_harness_log_path(tk_h, "nq-alerting", path, sizeof(path));
    FILE *f = fopen(path, "r");
    int n = 0;
    while (f && fgets(line, sizeof(line), f))
        n += strstr(line, "\"schedule_run\"") != NULL;
    if (f)
        fclose(f);
    return n;
}

/* Wait until `rule` has `want` alerts about subject, or WAIT_MS. */
static bool wait_raised(const char *rule, const char *subject, int want)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (raised(rule, subject) < want && tk_mono_ms() < deadline)
        usleep(200000);
    return raised(rule, subject) >= want;
}

/* Wait for one more schedule run in the log than `before`. */
static bool wait_run(int before)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (schedule_runs() <= before && tk_mono_ms() < deadline)
        usleep(200000);
    return schedule_runs() > before;
}

/* Restart nq-alerting with its clock at hh:mm of D (sig: how the old one goes). */
static void alerting_at(int hh, int mm, int sig)
{
    int rc = nq_harness_proc_stop(tk_h, "nq-alerting", sig);
    CU_ASSERT(rc == 0 || rc == 128 + SIGKILL);
    char env[64];
    snprintf(env, sizeof(env), "NQ_CLOCK_OFFSET_MS=%lld", (long long)offset_to(hh, mm));
    CU_ASSERT_EQUAL_FATAL(nq_harness_setenv(tk_h, env), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
}

/* ================================================================ set-up at 10:30 */

static void test_setup(void)
{
    json_decref(tk_put("/api/v1/teams/t-sch", json_pack("{s:s}", "name", "计划组"), 200));
    const char *people[][2] = {{"sp-behind", "张伟"}, {"sp-idle", "李娜"}, {"sp-active", "王芳"}};
    for (size_t i = 0; i < 3; i++) {
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        json_decref(tk_put(path,
                           json_pack("{s:s, s:s, s:s}", "name", people[i][1], "team_id", "t-sch",
                                     "status", "active"),
                           200));
    }
    json_decref(tk_put("/api/v1/customers/cust-s1",
                       json_pack("{s:s, s:s, s:s}", "name", "杭州金达机电有限公司", "class", "key",
                                 "owner_id", "sp-behind"),
                       200));
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/targets/salespeople/sp-behind/month/%s", s_month.key);
    json_decref(tk_put(path, json_pack("{s:{s:s}}", "targets", "sales_amount", "100000.00"), 200));
    int64_t now = nq_now_ms();
    tk_post_counts(json_pack("[o, o]",
                             tk_event("e-s-order", "order", "sp-behind", "cust-s1", now, "1000.00"),
                             tk_event("e-s-visit", "visit", "sp-active", "cust-s1", now, NULL)),
                   2, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_scored(15000));
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(15000));
    /* the rules are listed with their times and thresholds, and an "at" is checked */
    json_t *j = tk_get_ok("/api/v1/teams/t-sch/alert-rules");
    size_t i;
    json_t *row;
    int seen = 0;
    json_array_foreach (json_object_get(j, "rules"), i, row) {
        json_t *params = json_object_get(row, "params");
        if (strcmp(tk_str(row, "rule"), "behind_pace") == 0) {
            CU_ASSERT_STRING_EQUAL(tk_str(row, "kind"), "schedule");
            CU_ASSERT_STRING_EQUAL(tk_str(params, "at"), "15:00");
            CU_ASSERT_EQUAL(tk_num(params, "min_pace_pct"), 80);
            seen++;
        } else if (strcmp(tk_str(row, "rule"), "no_activity") == 0) {
            CU_ASSERT_STRING_EQUAL(tk_str(params, "at"), "11:00");
            seen++;
        }
    }
    CU_ASSERT_EQUAL(seen, 2);
    json_decref(j);
    tk_expect_400("PUT", "/api/v1/teams/t-sch/alert-rules",
                  "{\"rules\":{\"behind_pace\":{\"at\":\"25:00\"}}}", "rules.behind_pace.at");
    tk_expect_400("PUT", "/api/v1/teams/t-sch/alert-rules",
                  "{\"rules\":{\"no_activity\":{\"at\":900}}}", "rules.no_activity.at");
    tk_expect_400("PUT", "/api/v1/teams/t-sch/alert-rules",
                  "{\"rules\":{\"behind_pace\":{\"min_pace_pct\":0}}}",
                  "rules.behind_pace.min_pace_pct");
    /* nq-alerting at 10:30 runs nothing: both runs are later in the day */
    int before = schedule_runs();
    usleep(12000 * 1000); /* more than a tick */
    CU_ASSERT_EQUAL(schedule_runs(), before);
    CU_ASSERT_EQUAL(raised("no_activity", NULL), 0);
    CU_ASSERT_EQUAL(raised("behind_pace", NULL), 0);
}

/* ================================================================ 11:01 */

static void test_idle_at_11(void)
{
    int before = schedule_runs();
    alerting_at(11, 1, SIGTERM);
    CU_ASSERT_TRUE(wait_raised("no_activity", "sp-idle", 1));
    CU_ASSERT_TRUE(wait_run(before));
    usleep(1500 * 1000);
    CU_ASSERT_EQUAL(raised("no_activity", NULL), 1); /* not the two with an event today */
    CU_ASSERT_EQUAL(raised("behind_pace", NULL), 0); /* 15:00 is not yet */
    json_t *list = tk_get_ok("/api/v1/alerts?rule=no_activity");
    json_t *a = json_array_get(json_object_get(list, "items"), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "salesperson_id"), "sp-idle");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "team_id"), "t-sch");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "severity"), "info");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "period"), s_day.key);
    char want[160];
    snprintf(want, sizeof(want), "李娜 今天（%s）还没有活动记录", s_day.key);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), want);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "link"), "/salespeople/sp-idle");
    json_decref(list);
}

/* ================================================================ 15:01 */

static void test_pace_at_15(void)
{
    alerting_at(15, 1, SIGTERM);
    CU_ASSERT_TRUE(wait_raised("behind_pace", NULL, 1));
    usleep(2000 * 1000);
    CU_ASSERT_EQUAL(raised("behind_pace", NULL), 1);
    CU_ASSERT_EQUAL(raised("behind_pace", "sp-behind|sales_amount"), 1);
    CU_ASSERT_EQUAL(raised("no_activity", NULL), 1); /* the 11:00 one, not again */
    json_t *list = tk_get_ok("/api/v1/alerts?rule=behind_pace");
    json_t *a = json_array_get(json_object_get(list, "items"), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "salesperson_id"), "sp-behind");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "metric"), "sales_amount");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "period"), s_month.key);
    CU_ASSERT_EQUAL(tk_num(a, "min_pace_pct"), 80);
    /* money figures in yuan like every amount; the gap is the plan to date less the ¥1,000
     * done, so pace = 1,000 / (1,000 + gap) */
    double pace = json_number_value(json_object_get(a, "pace"));
    CU_ASSERT(pace > 0 && pace < 0.8);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "actual"), "1000.00");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "target"), "100000.00");
    double gap = atof(tk_str(a, "gap"));
    CU_ASSERT(gap > 0 && gap < 100000);
    CU_ASSERT_DOUBLE_EQUAL(pace, 1000 / (1000 + gap), 1e-6);
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a, "title"), "张伟 本月销售进度 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a, "title"), "，低于 80%：还需 ¥"));
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a, "title_en"), "张伟's sales pace this month is "));
    CU_ASSERT_STRING_EQUAL(tk_str(a, "team_name"), "计划组");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "link"), "/salespeople/sp-behind");
    json_decref(list);
}

/* ================================================================ restart */

static void test_once_after_restart(void)
{
    int before = schedule_runs();
    alerting_at(15, 5, SIGKILL);
    CU_ASSERT_TRUE(wait_run(before)); /* the runs are made again ... */
    usleep(1000 * 1000);
    CU_ASSERT_EQUAL(raised("behind_pace", NULL), 1); /* ... and raise nothing twice */
    CU_ASSERT_EQUAL(raised("no_activity", NULL), 1);
}

/* ================================================================ wiring */

static int suite_init(void)
{
    nq_zone_set("Asia/Shanghai");
    nq_period_t today;
    nq_clock_set_offset_ms(0);
    if (nq_period_of(NQ_PERIOD_DAY, nq_now_ms(), &today) != 0 ||
        nq_period_of(NQ_PERIOD_DAY, today.end_ms, &s_day) != 0 ||
        nq_period_of(NQ_PERIOD_MONTH, s_day.start_ms, &s_month) != 0)
        return -1;
    static char offset[64], makeup[64];
    int64_t off = offset_to(10, 30);
    snprintf(offset, sizeof(offset), "NQ_CLOCK_OFFSET_MS=%lld", (long long)off);
    snprintf(makeup, sizeof(makeup), "NQ_MAKEUP_WORKDAYS=%s", s_day.key);
    const char *env[] = {offset, makeup, "NQ_ALERT_RULES_OFF=", NULL};
    nq_clock_set_offset_ms(off); /* this process's events at D 10:30 too */
    return tk_start(env);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

static CU_TestInfo tests[] = {
    {"at 10:30: org, target, events; no run is due", test_setup},
    {"at 11:01: one no_activity alert, for the one without an event", test_idle_at_11},
    {"at 15:01: one behind_pace alert with its figures", test_pace_at_15},
    {"SIGKILLed and started the same day: nothing twice", test_once_after_restart},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"schedule rules", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
