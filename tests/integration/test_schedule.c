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
 * sp-idle 李娜 (nothing today), sp-active 王芳 (a visit today, no target); the team a ¥50,000
 * month target, so the team as a whole is behind pace too.
 *
 * A second suite, "period close", puts the clock at 09:00 of January 2nd next year (Y+1), after
 * New Year's Day made a holiday and with the 2nd made a working day whatever its weekday: the
 * first working day of the month, quarter and year. The org t-close (结算组): sp-miss 张伟
 * (December: ¥261,000 of ¥300,000 and 6 of 10 visits; October and November visit targets too, so
 * Q4's visit target is derived: 30), sp-made 王芳 (¥150,000 of ¥100,000); the team a year target
 * of ¥1,000,000 (¥411,000 done). At 09:31 targets_missed raises sp-miss's December sales and
 * visits, sp-miss's Q4 visits (derived) and the team's year sales: four alerts, nothing for
 * sp-made; restarted after a SIGKILL the same morning, nothing twice.
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
    snprintf(path, sizeof(path), "/api/v1/targets/teams/t-sch/month/%s", s_month.key);
    json_decref(tk_put(path, json_pack("{s:{s:s}}", "targets", "sales_amount", "50000.00"), 200));
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
    CU_ASSERT_TRUE(wait_raised("behind_pace", NULL, 2));
    usleep(2000 * 1000);
    CU_ASSERT_EQUAL(raised("behind_pace", NULL), 2);
    CU_ASSERT_EQUAL(raised("behind_pace", "sp-behind|sales_amount"), 1);
    CU_ASSERT_EQUAL(raised("behind_pace", "team:t-sch|sales_amount"), 1);
    CU_ASSERT_EQUAL(raised("no_activity", NULL), 1); /* the 11:00 one, not again */
    json_t *list = tk_get_ok("/api/v1/alerts?rule=behind_pace&salesperson=sp-behind");
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
    /* the team's own: its counters (the ¥1,000 of its member) against its ¥50,000 target */
    list = tk_get_ok("/api/v1/alerts?rule=behind_pace&team=t-sch");
    json_t *items = json_object_get(list, "items");
    a = NULL;
    for (size_t i = 0; i < json_array_size(items); i++)
        if (strcmp(tk_str(json_array_get(items, i), "subject"), "team:t-sch|sales_amount") == 0)
            a = json_array_get(items, i);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    const char *sp = json_string_value(json_object_get(a, "salesperson_id"));
    CU_ASSERT(!sp || !*sp);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "team_id"), "t-sch");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "actual"), "1000.00");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "target"), "50000.00");
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a, "title"), "计划组 本月销售进度 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(a, "title_en"), "计划组's sales pace this month is "));
    CU_ASSERT_STRING_EQUAL(tk_str(a, "link"), "/alerts?team=t-sch");
    json_decref(list);
}

/* ================================================================ restart */

static void test_once_after_restart(void)
{
    int before = schedule_runs();
    alerting_at(15, 5, SIGKILL);
    CU_ASSERT_TRUE(wait_run(before)); /* the runs are made again ... */
    usleep(1000 * 1000);
    CU_ASSERT_EQUAL(raised("behind_pace", NULL), 2); /* ... and raise nothing twice */
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

/* ================================================================ period close */

static nq_period_t s_year; /* the year that closes: this one */

/* A key of the closing year: fmt with the year ("%s-12" -> "2026-12"). */
static const char *key_in(const char *fmt, char *buf, size_t len)
{
    snprintf(buf, len, fmt, s_year.key);
    return buf;
}

/* PUT targets (stolen) of a salesperson's or team's period. */
static void put_target(const char *who, const char *period, const char *key, json_t *targets)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/targets/%s/%s/%s", who, period, key);
    json_decref(tk_put(path, json_pack("{s:o}", "targets", targets), 200));
}

static void test_close_setup(void)
{
    json_decref(tk_put("/api/v1/teams/t-close", json_pack("{s:s}", "name", "结算组"), 200));
    const char *people[][2] = {{"sp-miss", "张伟"}, {"sp-made", "王芳"}};
    for (size_t i = 0; i < 2; i++) {
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        json_decref(tk_put(path,
                           json_pack("{s:s, s:s, s:s}", "name", people[i][1], "team_id", "t-close",
                                     "status", "active"),
                           200));
    }
    json_decref(tk_put("/api/v1/customers/cust-c1",
                       json_pack("{s:s, s:s, s:s}", "name", "杭州金达机电有限公司", "class", "key",
                                 "owner_id", "sp-miss"),
                       200));
    char k[32];
    put_target("salespeople/sp-miss", "month", key_in("%s-12", k, sizeof(k)),
               json_pack("{s:s, s:i}", "sales_amount", "300000.00", "visits", 10));
    put_target("salespeople/sp-miss", "month", key_in("%s-10", k, sizeof(k)),
               json_pack("{s:i}", "visits", 10));
    put_target("salespeople/sp-miss", "month", key_in("%s-11", k, sizeof(k)),
               json_pack("{s:i}", "visits", 10));
    put_target("salespeople/sp-made", "month", key_in("%s-12", k, sizeof(k)),
               json_pack("{s:s}", "sales_amount", "100000.00"));
    put_target("teams/t-close", "year", s_year.key,
               json_pack("{s:s}", "sales_amount", "1000000.00"));
    nq_period_t dec15;
    CU_ASSERT_EQUAL_FATAL(
        nq_period_from_key(NQ_PERIOD_DAY, key_in("%s-12-15", k, sizeof(k)), &dec15), 0);
    int64_t at = dec15.start_ms + 10 * 60 * MIN_MS;
    json_t *events =
        json_pack("[o, o]", tk_event("e-c-o1", "order", "sp-miss", "cust-c1", at, "261000.00"),
                  tk_event("e-c-o2", "order", "sp-made", "cust-c1", at, "150000.00"));
    for (int i = 0; i < 6; i++) {
        char id[32];
        snprintf(id, sizeof(id), "e-c-v%d", i);
        json_array_append_new(events, tk_event(id, "visit", "sp-miss", "cust-c1", at + i, NULL));
    }
    tk_post_counts(events, 8, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_scored(15000));
    CU_ASSERT_EQUAL(raised("targets_missed", NULL), 0); /* 09:00: before the run */
}

/* The alert of `subject` and `period` in the list, or NULL. */
static json_t *find_alert(json_t *items, const char *subject, const char *period)
{
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *a = json_array_get(items, i);
        if (strcmp(tk_str(a, "subject"), subject) == 0 && strcmp(tk_str(a, "period"), period) == 0)
            return a;
    }
    return NULL;
}

static void test_close_at_0931(void)
{
    alerting_at(9, 31, SIGTERM);
    CU_ASSERT_TRUE(wait_raised("targets_missed", NULL, 4));
    usleep(2000 * 1000);
    CU_ASSERT_EQUAL(raised("targets_missed", NULL), 4);
    CU_ASSERT_EQUAL(raised("targets_missed", "sp-miss|sales_amount"), 1);
    CU_ASSERT_EQUAL(raised("targets_missed", "sp-miss|visits"), 2); /* December and Q4 */
    CU_ASSERT_EQUAL(raised("targets_missed", "team:t-close|sales_amount"), 1);
    CU_ASSERT_EQUAL(raised("targets_missed", "sp-made|sales_amount"), 0);
    json_t *list = tk_get_ok("/api/v1/alerts?rule=targets_missed");
    json_t *items = json_object_get(list, "items");
    char dec[32], q4[32], title[256];
    key_in("%s-12", dec, sizeof(dec));
    key_in("%s-Q4", q4, sizeof(q4));
    json_t *a = find_alert(items, "sp-miss|sales_amount", dec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "actual"), "261000.00");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "target"), "300000.00");
    CU_ASSERT_DOUBLE_EQUAL(json_number_value(json_object_get(a, "attainment")), 0.87, 1e-9);
    CU_ASSERT_EQUAL(tk_num(a, "min_attainment_pct"), 100);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "period_kind"), "month");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "team_id"), "t-close");
    snprintf(title, sizeof(title),
             "张伟 %s年12月 销售额 完成 87%%（¥261,000.00 / ¥300,000.00），未达成目标", s_year.key);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), title);
    snprintf(
        title, sizeof(title),
        "张伟, Dec %s: sales at 87%% of target (CNY 261,000.00 / CNY 300,000.00), target missed",
        s_year.key);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title_en"), title);
    a = find_alert(items, "sp-miss|visits", q4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE(tk_near(json_object_get(a, "target"), 30));
    CU_ASSERT_TRUE(tk_near(json_object_get(a, "actual"), 6));
    CU_ASSERT_TRUE(json_is_true(json_object_get(a, "target_derived")));
    CU_ASSERT_STRING_EQUAL(tk_str(a, "period_kind"), "quarter");
    a = find_alert(items, "team:t-close|sales_amount", s_year.key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "actual"), "411000.00"); /* both members' December */
    CU_ASSERT_STRING_EQUAL(tk_str(a, "target"), "1000000.00");
    const char *sp = json_string_value(json_object_get(a, "salesperson_id"));
    CU_ASSERT(!sp || !*sp);
    snprintf(title, sizeof(title),
             "结算组 %s年 销售额 完成 41%%（¥411,000.00 / ¥1,000,000.00），未达成目标", s_year.key);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), title);
    json_decref(list);
}

static void test_close_once(void)
{
    int before = schedule_runs();
    alerting_at(10, 0, SIGKILL);
    CU_ASSERT_TRUE(wait_run(before));
    usleep(1000 * 1000);
    CU_ASSERT_EQUAL(raised("targets_missed", NULL), 4);
}

static int close_init(void)
{
    nq_zone_set("Asia/Shanghai");
    nq_clock_set_offset_ms(0);
    nq_period_t next;
    char key[32];
    if (nq_period_of(NQ_PERIOD_YEAR, nq_now_ms(), &s_year) != 0 ||
        nq_period_next(&s_year, &next) != 0)
        return -1;
    snprintf(key, sizeof(key), "%s-01-02", next.key); /* the run's day: next year's 2nd */
    if (nq_period_from_key(NQ_PERIOD_DAY, key, &s_day) != 0 ||
        nq_period_of(NQ_PERIOD_MONTH, s_day.start_ms, &s_month) != 0)
        return -1;
    static char offset[64], holidays[64], makeup[64];
    int64_t off = offset_to(9, 0);
    snprintf(offset, sizeof(offset), "NQ_CLOCK_OFFSET_MS=%lld", (long long)off);
    snprintf(holidays, sizeof(holidays), "NQ_HOLIDAYS=%s-01-01", next.key);
    snprintf(makeup, sizeof(makeup), "NQ_MAKEUP_WORKDAYS=%s", s_day.key);
    const char *env[] = {offset, holidays, makeup, "NQ_ALERT_RULES_OFF=behind_pace,no_activity",
                         NULL};
    nq_clock_set_offset_ms(off);
    return tk_start(env);
}

static CU_TestInfo tests[] = {
    {"at 10:30: org, target, events; no run is due", test_setup},
    {"at 11:01: one no_activity alert, for the one without an event", test_idle_at_11},
    {"at 15:01: one behind_pace alert with its figures", test_pace_at_15},
    {"SIGKILLed and started the same day: nothing twice", test_once_after_restart},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo close_tests[] = {
    {"at 09:00 of the first working day: org, targets, December's events", test_close_setup},
    {"at 09:31: the month, the quarter (derived) and the team's year missed", test_close_at_0931},
    {"SIGKILLed and started the same morning: nothing twice", test_close_once},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"schedule rules", suite_init, suite_cleanup, NULL, NULL, tests},
    {"period close", close_init, suite_cleanup, NULL, NULL, close_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
