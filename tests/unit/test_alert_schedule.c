/* test_alert_schedule.c — services/alerting/schedule.h: which schedule runs are
 * due (working days, holidays, make-up days, the zone, the minute, month end)
 * and the checks of behind_pace and no_activity, with their titles.
 *
 * The host TZ is forced to UTC and the zone set to Asia/Shanghai. Local
 * midnights (+08:00) as Unix ms were computed with Python's zoneinfo:
 *
 *   NQ_HOLIDAYS="2026-10-01..2026-10-07,2026-12-25"  NQ_MAKEUP_WORKDAYS="2026-10-10"
 *   2026-12-05 Saturday, 2026-12-07 Monday, 2026-12-25 Friday (holiday),
 *   2026-12-31 Thursday (month end), 2026-10-01 Thursday (holiday),
 *   2026-10-10 Saturday (make-up working day). */
#include <stdlib.h>
#include <string.h>

#include "alerting/rules.h"
#include "alerting/schedule.h"
#include "nq/period.h"
#include "nq/workdays.h"
#include "nq_test.h"

#define MIN_MS 60000LL
#define H_MS   (60 * MIN_MS)
#define DAY_MS (24 * H_MS)

#define SH_2026_10_01 1790784000000LL
#define SH_2026_10_10 1791561600000LL
#define SH_2026_12_01 1796054400000LL
#define SH_2026_12_05 1796400000000LL
#define SH_2026_12_07 1796572800000LL
#define SH_2026_12_25 (SH_2026_12_07 + 18 * DAY_MS)
#define SH_2026_12_31 1798646400000LL

static nq_calendar_t cal;

static int suite_init(void)
{
    setenv("TZ", "UTC", 1);
    const char *why;
    if (nq_zone_set("Asia/Shanghai") != 0 ||
        nq_calendar_parse(&cal, "2026-10-01..2026-10-07,2026-12-25", "2026-10-10", &why) != 0)
        return -1;
    return 0;
}

static int suite_clean(void)
{
    nq_calendar_free(&cal);
    return 0;
}

typedef struct due_case {
    const char *what;
    int64_t now;
    int64_t at_minute;
    bool due;
    const char *day; /* when due */
} due_case_t;

static const due_case_t due_cases[] = {
    {"Monday 15:00 for a 15:00 run", SH_2026_12_07 + 15 * H_MS, 900, true, "2026-12-07"},
    {"Monday 14:59:59.999 is before it", SH_2026_12_07 + 15 * H_MS - 1, 900, false, NULL},
    {"Monday 14:59", SH_2026_12_07 + 14 * H_MS + 59 * MIN_MS, 900, false, NULL},
    {"a run missed is due until the day ends", SH_2026_12_07 + DAY_MS - 1, 900, true, "2026-12-07"},
    {"the next day starts over", SH_2026_12_07 + DAY_MS + 14 * H_MS, 900, false, NULL},
    {"11:00 run at 11:00", SH_2026_12_07 + 11 * H_MS, 660, true, "2026-12-07"},
    {"11:00 run at 10:59", SH_2026_12_07 + 10 * H_MS + 59 * MIN_MS, 660, false, NULL},
    {"Saturday", SH_2026_12_05 + 16 * H_MS, 900, false, NULL},
    {"Sunday", SH_2026_12_05 + DAY_MS + 16 * H_MS, 900, false, NULL},
    {"a holiday on a weekday (National Day)", SH_2026_10_01 + 16 * H_MS, 900, false, NULL},
    {"a one-day holiday (12-25)", SH_2026_12_25 + 16 * H_MS, 900, false, NULL},
    {"a make-up Saturday is a working day", SH_2026_10_10 + 15 * H_MS, 900, true, "2026-10-10"},
    {"month end", SH_2026_12_31 + 15 * H_MS, 900, true, "2026-12-31"},
    {"month end, last instant", SH_2026_12_31 + DAY_MS - 1, 900, true, "2026-12-31"},
    {"first of the next month (a holiday-free Friday) before the run", SH_2026_12_31 + DAY_MS, 900,
     false, NULL},
    /* 2026-12-06T16:00Z is Monday 00:00 in Shanghai (Sunday in UTC): the zone decides */
    {"midnight run, Monday in the zone, Sunday in UTC", SH_2026_12_07, 0, true, "2026-12-07"},
    {"07:00Z is 15:00 in the zone", SH_2026_12_07 + 15 * H_MS, 900, true, "2026-12-07"},
    {"the last minute of the day", SH_2026_12_07 + DAY_MS - MIN_MS, 1439, true, "2026-12-07"},
    {"a minute outside the day", SH_2026_12_07 + 15 * H_MS, 1440, false, NULL},
    {"a negative minute", SH_2026_12_07 + 15 * H_MS, -1, false, NULL},
};

static void test_due(void)
{
    for (size_t i = 0; i < sizeof(due_cases) / sizeof(due_cases[0]); i++) {
        const due_case_t *c = &due_cases[i];
        nq_period_t day;
        bool due = sched_due(&cal, c->now, c->at_minute, &day);
        if (due != c->due)
            fprintf(stderr, "\n    case \"%s\": due %d, want %d\n", c->what, due, c->due);
        CU_ASSERT_EQUAL(due, c->due);
        if (due && c->due)
            CU_ASSERT_STRING_EQUAL(day.key, c->day);
    }
}

typedef struct pace_case {
    const char *what;
    nq_metric_id_t metric;
    int64_t actual; /* fen for sales, visits for visits */
    double target;  /* 0: none */
    double share;
    int64_t min_pct;
    bool fires;
    double pace, gap; /* when it fires */
} pace_case_t;

static const pace_case_t pace_cases[] = {
    {"sales at 62% of plan", NQ_METRIC_SALES_AMOUNT, 3100000, 10000000, 0.5, 80, true, 0.62,
     1900000},
    {"sales exactly at 80%", NQ_METRIC_SALES_AMOUNT, 4000000, 10000000, 0.5, 80, false, 0, 0},
    {"sales a fen below 80% of plan to date", NQ_METRIC_SALES_AMOUNT, 3999999, 10000000, 0.5, 80,
     true, 0.7999998, 1000001},
    {"sales ahead of plan", NQ_METRIC_SALES_AMOUNT, 9000000, 10000000, 0.5, 80, false, 0, 0},
    {"no target", NQ_METRIC_SALES_AMOUNT, 0, 0, 0.5, 80, false, 0, 0},
    {"no working day gone yet", NQ_METRIC_SALES_AMOUNT, 0, 10000000, 0, 80, false, 0, 0},
    {"returns above orders: pace 0", NQ_METRIC_SALES_AMOUNT, -200000, 10000000, 0.5, 80, true, 0,
     5200000},
    {"visits at half of plan", NQ_METRIC_VISITS, 10, 40, 0.5, 80, true, 0.5, 10},
    {"visits: the gap rounds up to a whole visit", NQ_METRIC_VISITS, 10, 41, 0.5, 80, true,
     10.0 / 20.5, 11},
    {"threshold 100%: at plan is not behind", NQ_METRIC_VISITS, 20, 40, 0.5, 100, false, 0, 0},
    {"month end: the whole target is the plan", NQ_METRIC_VISITS, 30, 40, 1.0, 80, true, 0.75, 10},
};

static void test_pace(void)
{
    nq_period_t month, day;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, SH_2026_12_07, &month), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_DAY, SH_2026_12_07, &day), 0);
    for (size_t i = 0; i < sizeof(pace_cases) / sizeof(pace_cases[0]); i++) {
        const pace_case_t *c = &pace_cases[i];
        nq_kpi_values_t kpi = {{0}};
        kpi.v[c->metric == NQ_METRIC_VISITS ? NQ_KPI_VISITS : NQ_KPI_SALES_FEN] = c->actual;
        sched_pace_in_t in = {"sp-zhangwei", c->metric,  &kpi,   c->target > 0, c->target,
                              c->share,      c->min_pct, &month, &day};
        alert_draft_t d;
        bool fires = sched_behind_pace(&in, &d);
        if (fires != c->fires)
            fprintf(stderr, "\n    case \"%s\": fired %d, want %d\n", c->what, fires, c->fires);
        CU_ASSERT_EQUAL(fires, c->fires);
        if (!fires || !c->fires)
            continue;
        CU_ASSERT_STRING_EQUAL(d.rule, "behind_pace");
        CU_ASSERT_STRING_EQUAL(d.severity, "warning");
        CU_ASSERT_STRING_EQUAL(d.window, "2026-12-07");
        CU_ASSERT_STRING_EQUAL(d.period, "2026-12");
        CU_ASSERT_STRING_EQUAL(d.metric, nq_metric_defs[c->metric].name);
        char subject[64];
        snprintf(subject, sizeof(subject), "sp-zhangwei|%s", nq_metric_defs[c->metric].name);
        CU_ASSERT_STRING_EQUAL(d.subject, subject);
        CU_ASSERT_DOUBLE_EQUAL(d.pace, c->pace, 1e-9);
        if (d.gap != c->gap)
            fprintf(stderr, "\n    case \"%s\": gap %.9f, want %.9f\n", c->what, d.gap, c->gap);
        CU_ASSERT_DOUBLE_EQUAL(d.gap, c->gap, 1e-9);
        CU_ASSERT_EQUAL(d.min_pace_pct, c->min_pct);
    }
}

/* The wording the issue asks for, in both languages, and the console link. */
static void test_pace_texts(void)
{
    nq_period_t month, day;
    nq_period_of(NQ_PERIOD_MONTH, SH_2026_12_07, &month);
    nq_period_of(NQ_PERIOD_DAY, SH_2026_12_07, &day);
    const alert_rule_t *r = alert_rule_find("behind_pace");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->kind, ALERT_KIND_SCHEDULE);
    nq_kpi_values_t kpi = {{0}};
    kpi.v[NQ_KPI_SALES_FEN] = 7020000; /* ¥70,200 of a ¥180,000 plan to date */
    sched_pace_in_t in = {
        "sp-zhangwei", NQ_METRIC_SALES_AMOUNT, &kpi, true, 36000000, 0.5, 80, &month, &day};
    alert_draft_t d;
    CU_ASSERT_TRUE_FATAL(sched_behind_pace(&in, &d));
    alert_names_t names = {"张伟", "", "华东一组"};
    r->describe(&d, &names);
    /* pace 70,200 / 180,000 = 39%; the gap 180,000 - 70,200 */
    CU_ASSERT_STRING_EQUAL(d.title, "张伟 本月销售进度 39%，低于 80%：还需 ¥109,800.00");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "张伟's sales pace this month is 39%, below 80%: CNY 109,800.00 to go");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation, "¥360,000.00"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation_en, "CNY 70,200.00"));
    CU_ASSERT_STRING_EQUAL(d.link, "/salespeople/sp-zhangwei");

    kpi.v[NQ_KPI_VISITS] = 6;
    in.metric = NQ_METRIC_VISITS;
    in.target = 40;
    in.share = 0.5;
    CU_ASSERT_TRUE_FATAL(sched_behind_pace(&in, &d));
    alert_names_t unnamed = {"", "", ""};
    r->describe(&d, &unnamed);
    CU_ASSERT_STRING_EQUAL(d.title, "sp-zhangwei 本月拜访进度 30%，低于 80%：还需 14 次拜访");
    CU_ASSERT_STRING_EQUAL(
        d.title_en, "sp-zhangwei's visit pace this month is 30%, below 80%: 14 visits to go");

    Nq__Alert a = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, &names, "t-east", 1, &a);
    CU_ASSERT_STRING_EQUAL(a.metric, "visits");
    CU_ASSERT_STRING_EQUAL(a.period, "2026-12");
    CU_ASSERT_TRUE(a.has_pace && a.has_gap && a.has_actual && a.has_target && a.has_min_pace_pct);
    CU_ASSERT_DOUBLE_EQUAL(a.actual, 6, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(a.gap, 14, 1e-9);
    CU_ASSERT_EQUAL(a.min_pace_pct, 80);
    CU_ASSERT_FALSE(a.has_amount_fen);
}

static void test_no_activity(void)
{
    nq_period_t day;
    nq_period_of(NQ_PERIOD_DAY, SH_2026_12_07 + 11 * H_MS, &day);
    alert_draft_t d;
    sched_no_activity("sp-lina", &day, 660, &d);
    CU_ASSERT_STRING_EQUAL(d.rule, "no_activity");
    CU_ASSERT_STRING_EQUAL(d.severity, "info");
    CU_ASSERT_STRING_EQUAL(d.subject, "sp-lina");
    CU_ASSERT_STRING_EQUAL(d.window, "2026-12-07");
    const alert_rule_t *r = alert_rule_find("no_activity");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    alert_names_t names = {"李娜", "", ""};
    r->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title, "李娜 今天（2026-12-07）还没有活动记录");
    CU_ASSERT_STRING_EQUAL(d.title_en, "李娜 has no activity recorded today (2026-12-07)");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation, "11:00"));
    CU_ASSERT_STRING_EQUAL(d.link, "/salespeople/sp-lina");
    Nq__Alert a = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, &names, NULL, 1, &a);
    CU_ASSERT_STRING_EQUAL(a.period, "2026-12-07");
    CU_ASSERT_FALSE(a.has_pace);
    CU_ASSERT_PTR_NULL(a.metric);
}

static CU_TestInfo tests[] = {
    {"which runs are due: working days, holidays, zone, minute, month end", test_due},
    {"behind_pace at the edges of its threshold", test_pace},
    {"behind_pace titles in both languages, figures in the alert", test_pace_texts},
    {"no_activity draft and titles", test_no_activity},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"alert schedule", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
