/* test_alert_schedule.c — services/alerting/schedule.h: which schedule runs are
 * due (working days, holidays, make-up days, the zone, the minute, month end)
 * and the checks of behind_pace (a salesperson's and a team's), no_activity and
 * targets_missed (which periods close on which day, attainment edges, derived
 * targets), with their titles in both languages.
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
#include "nq/targets.h"
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

/* targets_missed's calendar: National Day through 10-08, New Year's Day a
 * holiday and the Saturday after it a make-up working day. */
#define SH_2026_10_08 1791388800000LL
#define SH_2026_10_09 1791475200000LL
#define SH_2026_11_02 1793548800000LL /* Monday; 11-01 is a Sunday */
#define SH_2026_08_01 1785513600000LL /* Saturday */
#define SH_2026_08_03 1785686400000LL
#define SH_2027_01_01 1798732800000LL
#define SH_2027_01_02 1798819200000LL /* Saturday, made a working day */
#define SH_2027_01_04 1798992000000LL
#define SH_2027_02_01 1801411200000LL

static nq_calendar_t cal, close_cal;

static int suite_init(void)
{
    setenv("TZ", "UTC", 1);
    const char *why;
    if (nq_zone_set("Asia/Shanghai") != 0 ||
        nq_calendar_parse(&cal, "2026-10-01..2026-10-07,2026-12-25", "2026-10-10", &why) != 0 ||
        nq_calendar_parse(&close_cal, "2026-10-01..2026-10-08,2027-01-01", "2027-01-02", &why) != 0)
        return -1;
    return 0;
}

static int suite_clean(void)
{
    nq_calendar_free(&cal);
    nq_calendar_free(&close_cal);
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
                              c->share,      c->min_pct, &month, &day,          NULL};
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
        "sp-zhangwei", NQ_METRIC_SALES_AMOUNT, &kpi, true, 36000000, 0.5, 80, &month, &day, NULL};
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
    CU_ASSERT_STRING_EQUAL(d.title, "sp-zhangwei 本月拜访进度 30%，低于 80%：还需 14 次");
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

/* A team's pace: the subject is the team, no salesperson, the team's name. */
static void test_team_pace(void)
{
    nq_period_t month, day;
    nq_period_of(NQ_PERIOD_MONTH, SH_2026_12_07, &month);
    nq_period_of(NQ_PERIOD_DAY, SH_2026_12_07, &day);
    nq_kpi_values_t kpi = {{0}};
    kpi.v[NQ_KPI_VISITS] = 86; /* of a plan to date of 120: 71.6 %, 34 to go */
    sched_pace_in_t in = {.metric = NQ_METRIC_VISITS,
                          .kpi = &kpi,
                          .has_target = true,
                          .target = 240,
                          .share = 0.5,
                          .min_pace_pct = 80,
                          .month = &month,
                          .day = &day,
                          .team_id = "t-east"};
    alert_draft_t d;
    CU_ASSERT_TRUE_FATAL(sched_behind_pace(&in, &d));
    CU_ASSERT_STRING_EQUAL(d.subject, "team:t-east|visits");
    CU_ASSERT_STRING_EQUAL(d.salesperson_id, "");
    CU_ASSERT_STRING_EQUAL(d.team_id, "t-east");
    CU_ASSERT_DOUBLE_EQUAL(d.gap, 34, 1e-9);
    alert_names_t names = {"", "", "华东一组"};
    alert_rule_find("behind_pace")->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(d.title, "华东一组 本月拜访进度 71%，低于 80%：还需 34 次");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "华东一组's visit pace this month is 71%, below 80%: 34 visits to go");
    CU_ASSERT_STRING_EQUAL(d.link, "/alerts?team=t-east");
    /* the same figures for a salesperson are another subject: both fire once each */
    in.salesperson_id = "sp-zhangwei";
    alert_draft_t mine;
    CU_ASSERT_TRUE_FATAL(sched_behind_pace(&in, &mine));
    CU_ASSERT_STRING_NOT_EQUAL(mine.subject, d.subject);
    CU_ASSERT_STRING_EQUAL(mine.team_id, "");
    Nq__Alert a = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, &names, NULL, 1, &a);
    CU_ASSERT_STRING_EQUAL(a.team_id, "t-east");
    CU_ASSERT_TRUE(a.has_pace && a.has_gap && !a.has_attainment);
}

/* ---- targets_missed ------------------------------------------------------- */

typedef struct close_case {
    const char *what;
    int64_t now;
    int64_t at_minute;
    const char *day;       /* the run's day when due */
    const char *closed[3]; /* the periods closed, NULL-padded */
} close_case_t;

#define AT_0930 (9 * 60 + 30)

static const close_case_t close_cases[] = {
    {"first working day a Monday (the 1st a Sunday): the month",
     SH_2026_11_02 + 10 * H_MS,
     AT_0930,
     "2026-11-02",
     {"2026-10"}},
    {"at 09:30 sharp", SH_2026_11_02 + 9 * H_MS + 30 * MIN_MS, AT_0930, "2026-11-02", {"2026-10"}},
    {"a millisecond before 09:30", SH_2026_11_02 + 9 * H_MS + 30 * MIN_MS - 1, AT_0930, NULL, {0}},
    {"the next day is not the first working day",
     SH_2026_11_02 + DAY_MS + 10 * H_MS,
     AT_0930,
     NULL,
     {0}},
    {"missed at 09:30, made until the day ends",
     SH_2026_12_01 + DAY_MS - 1,
     AT_0930,
     "2026-12-01",
     {"2026-11"}},
    {"a quarter starts after a holiday: the month and the quarter",
     SH_2026_10_09 + 10 * H_MS,
     AT_0930,
     "2026-10-09",
     {"2026-09", "2026-Q3"}},
    {"the holiday itself", SH_2026_10_08 + 10 * H_MS, AT_0930, NULL, {0}},
    {"the 1st a holiday", SH_2026_10_01 + 10 * H_MS, AT_0930, NULL, {0}},
    {"New Year's Day a holiday", SH_2027_01_01 + 10 * H_MS, AT_0930, NULL, {0}},
    {"a make-up Saturday opens the year: month, quarter and year",
     SH_2027_01_02 + 10 * H_MS,
     AT_0930,
     "2027-01-02",
     {"2026-12", "2026-Q4", "2026"}},
    {"the Monday after it is not the first", SH_2027_01_04 + 10 * H_MS, AT_0930, NULL, {0}},
    {"the 1st a Saturday", SH_2026_08_01 + 10 * H_MS, AT_0930, NULL, {0}},
    {"the Monday after a weekend 1st",
     SH_2026_08_03 + 10 * H_MS,
     AT_0930,
     "2026-08-03",
     {"2026-07"}},
    {"a month inside a quarter", SH_2027_02_01 + 10 * H_MS, AT_0930, "2027-02-01", {"2027-01"}},
};

static void test_closes(void)
{
    for (size_t i = 0; i < sizeof(close_cases) / sizeof(close_cases[0]); i++) {
        const close_case_t *c = &close_cases[i];
        nq_period_t day, closed[3];
        size_t want = 0;
        while (want < 3 && c->closed[want])
            want++;
        size_t n = sched_closes(&close_cal, c->now, c->at_minute, &day, closed);
        if (n != want)
            fprintf(stderr, "\n    case \"%s\": %zu periods, want %zu\n", c->what, n, want);
        CU_ASSERT_EQUAL(n, want);
        for (size_t k = 0; k < n && k < want; k++)
            CU_ASSERT_STRING_EQUAL(closed[k].key, c->closed[k]);
        if (n > 0 && want > 0)
            CU_ASSERT_STRING_EQUAL(day.key, c->day);
    }
}

typedef struct missed_case {
    const char *what;
    nq_metric_id_t metric;
    int kpi[2];     /* counter ids set (NQ_KPI_NONE: none) */
    int64_t val[2]; /* their values */
    double target;  /* 0: none */
    nq_target_source_t source;
    int64_t min_pct;
    bool fires;
    double attainment; /* when it fires */
} missed_case_t;

#define NONE NQ_KPI_NONE

static const missed_case_t missed_cases[] = {
    {"sales at 87%",
     NQ_METRIC_SALES_AMOUNT,
     {NQ_KPI_SALES_FEN, NONE},
     {26100000},
     30000000,
     NQ_TARGET_SET,
     100,
     true,
     0.87},
    {"sales exactly at target",
     NQ_METRIC_SALES_AMOUNT,
     {NQ_KPI_SALES_FEN, NONE},
     {30000000},
     30000000,
     NQ_TARGET_SET,
     100,
     false,
     0},
    {"sales a fen short",
     NQ_METRIC_SALES_AMOUNT,
     {NQ_KPI_SALES_FEN, NONE},
     {29999999},
     30000000,
     NQ_TARGET_SET,
     100,
     true,
     29999999.0 / 30000000},
    {"above target",
     NQ_METRIC_SALES_AMOUNT,
     {NQ_KPI_SALES_FEN, NONE},
     {40000000},
     30000000,
     NQ_TARGET_SET,
     100,
     false,
     0},
    {"no target: nothing",
     NQ_METRIC_SALES_AMOUNT,
     {NQ_KPI_SALES_FEN, NONE},
     {0},
     0,
     NQ_TARGET_NONE,
     100,
     false,
     0},
    {"a derived quarter target missed",
     NQ_METRIC_VISITS,
     {NQ_KPI_VISITS, NONE},
     {90},
     120,
     NQ_TARGET_DERIVED,
     100,
     true,
     0.75},
    {"threshold 80: 85% is enough",
     NQ_METRIC_VISITS,
     {NQ_KPI_VISITS, NONE},
     {85},
     100,
     NQ_TARGET_SET,
     80,
     false,
     0},
    {"threshold 80: 79% is not",
     NQ_METRIC_VISITS,
     {NQ_KPI_VISITS, NONE},
     {79},
     100,
     NQ_TARGET_SET,
     80,
     true,
     0.79},
    {"returns above orders: attainment 0",
     NQ_METRIC_SALES_AMOUNT,
     {NQ_KPI_SALES_FEN, NONE},
     {-100000},
     30000000,
     NQ_TARGET_SET,
     100,
     true,
     0},
    {"nothing done at all", NQ_METRIC_VISITS, {NONE, NONE}, {0}, 40, NQ_TARGET_SET, 100, true, 0},
    {"a ratio: coverage 3 of 5 against 0.8",
     NQ_METRIC_COVERAGE,
     {NQ_KPI_KEY_VISITED, NQ_KPI_KEY_CUSTOMERS},
     {3, 5},
     0.8,
     NQ_TARGET_SET,
     100,
     true,
     0.75},
    {"a ratio without a denominator is undefined: nothing",
     NQ_METRIC_COVERAGE,
     {NONE, NONE},
     {0},
     0.8,
     NQ_TARGET_SET,
     100,
     false,
     0},
};

static void test_missed(void)
{
    nq_period_t month;
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(NQ_PERIOD_MONTH, "2026-11", &month), 0);
    for (size_t i = 0; i < sizeof(missed_cases) / sizeof(missed_cases[0]); i++) {
        const missed_case_t *c = &missed_cases[i];
        nq_kpi_values_t kpi = {{0}};
        for (size_t k = 0; k < 2; k++)
            if (c->kpi[k] != NONE)
                kpi.v[c->kpi[k]] = c->val[k];
        nq_targets_t t;
        nq_targets_clear(&t);
        t.value[c->metric] = c->target;
        t.source[c->metric] = c->source;
        sched_close_in_t in = {"sp-zhangwei", "t-east", c->metric, &kpi, &t, c->min_pct, &month};
        alert_draft_t d;
        bool fires = sched_target_missed(&in, &d);
        if (fires != c->fires)
            fprintf(stderr, "\n    case \"%s\": fired %d, want %d\n", c->what, fires, c->fires);
        CU_ASSERT_EQUAL(fires, c->fires);
        if (!fires || !c->fires)
            continue;
        CU_ASSERT_STRING_EQUAL(d.rule, "targets_missed");
        CU_ASSERT_STRING_EQUAL(d.window, "2026-11");
        CU_ASSERT_STRING_EQUAL(d.period, "2026-11");
        CU_ASSERT_STRING_EQUAL(d.period_kind, "month");
        CU_ASSERT_STRING_EQUAL(d.salesperson_id, "sp-zhangwei");
        CU_ASSERT_STRING_EQUAL(d.team_id, "");
        CU_ASSERT_DOUBLE_EQUAL(d.attainment, c->attainment, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(d.target, c->target, 1e-9);
        CU_ASSERT_EQUAL(d.target_derived, c->source == NQ_TARGET_DERIVED);
        CU_ASSERT_EQUAL(d.min_attainment_pct, c->min_pct);
    }
}

/* The wording in both languages: a salesperson's month, a team's derived quarter, a year. */
static void test_missed_texts(void)
{
    const alert_rule_t *r = alert_rule_find("targets_missed");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->kind, ALERT_KIND_SCHEDULE);
    CU_ASSERT_EQUAL(r->params[0].def, AT_0930);
    CU_ASSERT_EQUAL(r->params[1].def, 100);
    CU_ASSERT_EQUAL(r->params[2].def, ALERT_METRICS_ALL);
    nq_period_t month, quarter, year;
    nq_period_from_key(NQ_PERIOD_MONTH, "2026-11", &month);
    nq_period_from_key(NQ_PERIOD_QUARTER, "2026-Q4", &quarter);
    nq_period_from_key(NQ_PERIOD_YEAR, "2026", &year);
    nq_kpi_values_t kpi = {{0}};
    kpi.v[NQ_KPI_SALES_FEN] = 26100000;
    kpi.v[NQ_KPI_VISITS] = 90;
    nq_targets_t t;
    nq_targets_clear(&t);
    t.value[NQ_METRIC_SALES_AMOUNT] = 30000000;
    t.source[NQ_METRIC_SALES_AMOUNT] = NQ_TARGET_SET;
    sched_close_in_t in = {"sp-zhangwei", "t-east", NQ_METRIC_SALES_AMOUNT, &kpi, &t, 100, &month};
    alert_draft_t d;
    CU_ASSERT_TRUE_FATAL(sched_target_missed(&in, &d));
    alert_names_t names = {"张伟", "", "华东一组"};
    r->describe(&d, &names);
    CU_ASSERT_STRING_EQUAL(
        d.title, "张伟 2026年11月 销售额 完成 87%（¥261,000.00 / ¥300,000.00），未达成目标");
    CU_ASSERT_STRING_EQUAL(
        d.title_en,
        "张伟, Nov 2026: sales at 87% of target (CNY 261,000.00 / CNY 300,000.00), target missed");
    CU_ASSERT_STRING_EQUAL(d.explanation, "2026年11月 已结束：销售额 完成 ¥261,000.00，目标 "
                                          "¥300,000.00，达成率 87%，低于 100%。");
    CU_ASSERT_STRING_EQUAL(d.link, "/salespeople/sp-zhangwei");
    Nq__Alert a = NQ__ALERT__INIT;
    alert_draft_to_proto(&d, &names, "t-east", 1, &a);
    CU_ASSERT_TRUE(a.has_attainment && a.has_min_attainment_pct && a.has_actual && a.has_target);
    CU_ASSERT_FALSE(a.has_pace || a.has_gap || a.has_min_pace_pct);
    CU_ASSERT_DOUBLE_EQUAL(a.attainment, 0.87, 1e-9);
    CU_ASSERT_EQUAL(a.min_attainment_pct, 100);
    CU_ASSERT_STRING_EQUAL(a.period_kind, "month");

    /* the team's quarter, its visits target derived from the months' */
    t.value[NQ_METRIC_VISITS] = 120;
    t.source[NQ_METRIC_VISITS] = NQ_TARGET_DERIVED;
    sched_close_in_t team = {NULL, "t-east", NQ_METRIC_VISITS, &kpi, &t, 100, &quarter};
    CU_ASSERT_TRUE_FATAL(sched_target_missed(&team, &d));
    CU_ASSERT_STRING_EQUAL(d.subject, "team:t-east|visits");
    CU_ASSERT_STRING_EQUAL(d.window, "2026-Q4");
    alert_names_t team_names = {"", "", "华东一组"};
    r->describe(&d, &team_names);
    CU_ASSERT_STRING_EQUAL(d.title,
                           "华东一组 2026年第4季度 拜访数 完成 75%（90 / 120），未达成目标");
    CU_ASSERT_STRING_EQUAL(d.title_en,
                           "华东一组, 2026 Q4: visits at 75% of target (90 / 120), target missed");
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation, "（由各月目标推算）"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d.explanation_en, "derived from its months' targets"));
    CU_ASSERT_STRING_EQUAL(d.link, "/alerts?team=t-east");

    /* a year, the name unknown: the id */
    team.period = &year;
    CU_ASSERT_TRUE_FATAL(sched_target_missed(&team, &d));
    alert_names_t unnamed = {"", "", ""};
    r->describe(&d, &unnamed);
    CU_ASSERT_STRING_EQUAL(d.title, "t-east 2026年 拜访数 完成 75%（90 / 120），未达成目标");
    CU_ASSERT_STRING_EQUAL(d.period_kind, "year");
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
    {"behind_pace of a team: its subject, titles and link", test_team_pace},
    {"targets_missed: which periods close on which day", test_closes},
    {"targets_missed at the edges of attainment, derived targets, no target", test_missed},
    {"targets_missed titles in both languages", test_missed_texts},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"alert schedule", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
