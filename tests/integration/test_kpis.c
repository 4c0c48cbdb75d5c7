/* test_kpis.c — KPIs and everything built on them, over real HTTP against a
 * private suite (harness.h), with every expectation computed by hand from
 * the events below: per-salesperson KPIs and the overviews of a salesperson,
 * a team and the company (month, quarter, year; the period before, last
 * year, changes); coverage as customers change class and owner; targets
 * (validation, attainment, pace on a working-day calendar with holidays and
 * a make-up day); splits; leaderboards by a metric and by score; scorecard
 * and commission-plan versions, scores, commission and simulations; and the
 * rebuild from the activity log after the aggregates were corrupted in
 * Redis, with events arriving while it runs.
 *
 * The suite runs with NQ_HOLIDAYS=2026-10-01..2026-10-07 and
 * NQ_MAKEUP_WORKDAYS=2026-09-27,2026-10-10 (the National Day week). Event
 * times are fixed (September and October 2026, September and October 2025,
 * a few in early November 2026); only the check of the current month's
 * elapsed working days depends on the clock.
 *
 * The org: team t-east (sp-zhang 张伟, sp-li 李娜, sp-wang 王芳) and team
 * t-west (sp-zhao 赵强). Customers: c-a1, c-a2 key of sp-zhang, c-a3 normal
 * of sp-zhang; c-b1, c-b2, c-b3 key of sp-li, c-b4 potential of sp-li; c-c1
 * normal of sp-wang (who owns no key customer); c-w1 key of sp-zhao.
 *
 * The rebuild tests pad the log with N_PAD training events (which move only
 * `trainings`, in August) so that the scan lasts long enough for events to arrive while it
 * runs; NQ_TEST_TRACE=1 prints the job's state at each batch sent.
 *
 * Tests run in order and build on each other. Three of them hold
 * expectations the suite does not meet yet (the coverage board's previous
 * ranks, the next band from net sales below zero, a scorecard without
 * bands); each says what is expected next to the check.
 *
 * The program is in five files (test_kpis.h lists them); this one has the
 * org, the activities, the KPIs and the overviews, and the registration. */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nq/fielderr.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "test_kpis.h"

/* ================================================================ tests */

/* Teams first (a salesperson's team must exist), then the salespeople, whose
 * team makes them members since the start. */
void test_org(void)
{
    json_decref(tk_put("/api/v1/teams/" TEAM,
                       json_pack("{s:s, s:[s]}", "name", "华东一组", "coordinators", "u-zhou"),
                       200));
    json_decref(tk_put("/api/v1/teams/" TEAM_W, json_pack("{s:s}", "name", "华西组"), 200));
    static const char *const people[][3] = {
        {SP_A, "张伟", TEAM}, {SP_B, "李娜", TEAM}, {SP_C, "王芳", TEAM}, {SP_W, "赵强", TEAM_W}};
    for (size_t i = 0; i < 4; i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        json_decref(tk_put(
            path, json_pack("{s:s, s:s}", "name", people[i][1], "team_id", people[i][2]), 200));
    }
    static const char *const customers[][3] = {
        {"c-a1", "key", SP_A},       {"c-a2", "key", SP_A},    {"c-a3", "normal", SP_A},
        {"c-b1", "key", SP_B},       {"c-b2", "key", SP_B},    {"c-b3", "key", SP_B},
        {"c-b4", "potential", SP_B}, {"c-c1", "normal", SP_C}, {"c-w1", "key", SP_W},
    };
    for (size_t i = 0; i < sizeof(customers) / sizeof(customers[0]); i++) {
        char path[128], name[64];
        snprintf(path, sizeof(path), "/api/v1/customers/%s", customers[i][0]);
        snprintf(name, sizeof(name), "客户 %s", customers[i][0]);
        /* Owned since before every period read here (the events are from 2025 and 2026):
         * a key customer counts in the periods that end after it became one. */
        json_decref(
            tk_put(path,
                   json_pack("{s:s, s:s, s:s, s:s}", "name", name, "class", customers[i][1],
                             "owner_id", customers[i][2], "since", "2025-01-01T00:00:00+08:00"),
                   200));
    }
}

void test_activities(void)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s_n_events; i++)
        json_array_append_new(arr, ev_json(&s_events[i]));
    tk_post_counts(arr, (int)s_n_events, 0);
    /* Sent again (a client retry): duplicates, counted once. */
    tk_post_counts(
        json_pack("[o, o]", ev_json(find_event("k-a-o1")), ev_json(find_event("k-b-o3"))), 0, 2);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
}

/* Every metric of every salesperson for month, quarter and year. */
void test_salesperson_kpis(void)
{
    static const char *const periods[][3] = {
        {"month", "2026-10-15", "2026-10"},   {"month", "2026-09-30", "2026-09"},
        {"month", "2025-10-01", "2025-10"},   {"quarter", "2026-11-01", "2026-Q4"},
        {"quarter", "2026-07-01", "2026-Q3"}, {"year", "2026-10-15", "2026"},
        {"year", "2025-12-31", "2025"},
    };
    for (int s = 0; s < N_SP; s++)
        for (size_t p = 0; p < sizeof(periods) / sizeof(periods[0]); p++)
            check_sp_kpis(s_sps[s], periods[p][0], periods[p][1], periods[p][2]);

    /* The same figures written out, for a reader to check the arithmetic. */
    json_t *j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=month&at=2026-10-15");
    json_t *k = json_object_get(j, "kpis");
    tk_check_str(json_object_get(k, "sales_amount"), "54499.50", "sp-zhang 2026-10 sales");
    tk_check_str(json_object_get(k, "avg_order_value"), "20000.00", "sp-zhang 2026-10 avg");
    tk_check_str(json_object_get(k, "collections"), "25000.00", "sp-zhang 2026-10 collections");
    tk_check_num(json_object_get(k, "coverage"), 0.5,
                 "sp-zhang 2026-10 coverage (c-a1 of c-a1,c-a2)");
    tk_check_num(json_object_get(k, "order_completion_rate"), 0.5, "sp-zhang 2026-10 completion");
    tk_check_num(json_object_get(k, "activity_to_order"), 2.3333, "sp-zhang 2026-10 (4+3)/3");
    tk_check_num(json_object_get(k, "feedback_score"), 4.5, "sp-zhang 2026-10 (5+4)/2");
    tk_check(tk_num(k, "tickets_opened") == 1 && tk_num(k, "meetings") == 1 &&
                 tk_num(k, "new_customers") == 1,
             "sp-zhang 2026-10 tickets/meetings/new: %s", tk_text(k));
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=quarter&at=2026-10-15");
    tk_check_num(json_object_get(json_object_get(j, "kpis"), "order_completion_rate"), 0.3333,
                 "sp-zhang 2026-Q4 completion 1 of 3 due (SO-S1, SO-A1, SO-A2)");
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=year&at=2026-10-15");
    tk_check_str(json_object_get(json_object_get(j, "kpis"), "sales_amount"), "74499.50",
                 "sp-zhang 2026 sales");
    tk_check_num(json_object_get(json_object_get(j, "kpis"), "coverage"), 1.0,
                 "sp-zhang 2026 coverage (c-a1 and c-a2 visited)");
    json_decref(j);
    /* An order falls due in the period of its due_at and its on-time
     * fulfilment counts with it, whenever recorded: on 10-20 SO-A1 was due
     * (and fulfilled on time the day before), so that day's rate is 1 of 1;
     * on 10-19 nothing was due. */
    j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=day&at=2026-10-20");
    tk_check_num(json_object_get(json_object_get(j, "kpis"), "order_completion_rate"), 1.0,
                 "sp-zhang 2026-10-20 completion");
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=day&at=2026-10-19");
    tk_check(json_is_null(json_object_get(json_object_get(j, "kpis"), "order_completion_rate")),
             "sp-zhang 2026-10-19 completion: want null (nothing due), got %s",
             tk_text(json_object_get(json_object_get(j, "kpis"), "order_completion_rate")));
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=day&at=2026-10-16");
    tk_check_str(json_object_get(json_object_get(j, "kpis"), "sales_amount"), "-4000.00",
                 "sp-zhang 2026-10-16 (a cancellation only)");
    json_decref(j);
    /* Someone without any activity gets zeros and nulls. */
    check_sp_kpis("sp-nobody", "month", "2026-10-15", "2026-10");
}

/* Member `metric` of an overview's metrics, its field `field`. */
const json_t *ov(const json_t *j, const char *metric, const char *field)
{
    return json_object_get(json_object_get(json_object_get(j, "metrics"), metric), field);
}

const json_t *ov_change(const json_t *j, const char *metric, const char *which)
{
    return json_object_get(ov(j, metric, "change"), which);
}

const char *const s_all[4] = {SP_A, SP_B, SP_C, SP_W};

void test_overviews(void)
{
    json_t *j;
    j = check_overview("/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-10-15",
                       "salesperson", s_team, 1, "2026-10", "2026-09", "2025-10", NULL, true);
    tk_check_str(json_object_get(j, "name"), "张伟", "salesperson overview name");
    /* (54499.50 - 20000) / 20000 and (54499.50 - 40000) / 40000 */
    tk_check_like(ov_change(j, "sales_amount", "previous"), "1.725", "sp-zhang sales vs 2026-09");
    tk_check_like(ov_change(j, "sales_amount", "last_year"), "0.3625", "sp-zhang sales vs 2025-10");
    /* completion 0.5 against 1.0 in September; none was due in 2025-10 */
    tk_check_like(ov_change(j, "order_completion_rate", "previous"), "-0.5", "completion change");
    tk_check_like(ov(j, "order_completion_rate", "last_year"), "null", "completion 2025-10");
    json_decref(j);
    json_decref(check_overview("/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-09-10",
                               "salesperson", s_team, 1, "2026-09", "2026-08", "2025-09", NULL,
                               true));
    json_decref(check_overview("/api/v1/kpis/salespeople/" SP_C "?period=month&at=2026-10-15",
                               "salesperson", &s_team[2], 1, "2026-10", "2026-09", "2025-10", NULL,
                               true));
    json_decref(check_overview("/api/v1/kpis/salespeople/" SP_B "?period=quarter&at=2026-10-15",
                               "salesperson", &s_team[1], 1, "2026-Q4", "2026-Q3", "2025-Q4", NULL,
                               false));
    json_decref(check_overview("/api/v1/kpis/salespeople/" SP_A "?period=year&at=2026-10-15",
                               "salesperson", s_team, 1, "2026", "2025", "2025", NULL, false));

    /* A team is its members summed. */
    j = check_overview("/api/v1/kpis/teams/" TEAM "?period=month&at=2026-10-15", "team", s_team, 3,
                       "2026-10", "2026-09", "2025-10", NULL, true);
    tk_check_str(json_object_get(j, "name"), "华东一组", "team overview name");
    tk_check_like(ov(j, "sales_amount", "actual"), "\"148499.50\"", "team sales");
    tk_check_like(ov(j, "avg_order_value", "actual"), "\"22714.29\"", "team avg 159000 / 7");
    tk_check_like(ov(j, "coverage", "actual"), "0.6", "team coverage (1 + 2 + 0) / (2 + 3 + 0)");
    tk_check_like(ov(j, "order_completion_rate", "actual"), "0.6", "team completion (1+2)/(2+3)");
    tk_check_like(ov(j, "activity_to_order", "actual"), "2.2857", "team (8 + 8) / 7");
    tk_check_like(ov(j, "feedback_score", "actual"), "3.6667", "team (5 + 4 + 2) / 3");
    tk_check_like(ov(j, "sales_amount", "previous"), "\"30000.00\"", "team sales 2026-09");
    tk_check_like(ov_change(j, "sales_amount", "previous"), "3.95",
                  "team (148499.5 - 30000) / 30000");
    tk_check_like(ov_change(j, "sales_amount", "last_year"), "1.5603",
                  "team (148499.5 - 58000) / 58000");
    json_decref(j);
    /* Working days of a quarter: 18 in October, 21 in November, 23 in
     * December; July 23, August 21, September 23 (with the make-up Sunday). */
    j = check_overview("/api/v1/kpis/teams/" TEAM "?period=quarter&at=2026-10-15", "team", s_team,
                       3, "2026-Q4", "2026-Q3", "2025-Q4", NULL, false);
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "total"), "62.0", "2026-Q4 days");
    json_decref(j);
    j = check_overview("/api/v1/kpis/teams/" TEAM "?period=quarter&at=2026-08-15", "team", s_team,
                       3, "2026-Q3", "2026-Q2", "2025-Q3", NULL, true);
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "total"), "67.0", "2026-Q3 days");
    json_decref(j);
    json_decref(check_overview("/api/v1/kpis/teams/" TEAM "?period=year&at=2026-10-15", "team",
                               s_team, 3, "2026", "2025", "2025", NULL, false));

    /* The company is every salesperson, t-west's too. */
    j = check_overview("/api/v1/kpis/company?period=month&at=2026-10-15", "company", s_all, 4,
                       "2026-10", "2026-09", "2025-10", NULL, true);
    tk_check_like(ov(j, "sales_amount", "actual"), "\"151499.50\"", "company sales");
    tk_check_like(ov(j, "orders", "actual"), "8", "company orders");
    tk_check_like(ov(j, "coverage", "actual"), "0.6667", "company coverage (3 + 1) / (5 + 1)");
    json_decref(j);
    json_decref(check_overview("/api/v1/kpis/company?period=quarter&at=2026-10-15", "company",
                               s_all, 4, "2026-Q4", "2026-Q3", "2025-Q4", NULL, false));
    json_decref(check_overview("/api/v1/kpis/company?period=year&at=2026-10-15", "company", s_all,
                               4, "2026", "2025", "2025", NULL, false));

    int status;
    j = tk_api("GET", "/api/v1/kpis/teams/t-nobody?period=month", NULL, &status);
    tk_check(status == 404, "unknown team: want 404, got %d %s", status, tk_text(j));
    json_decref(j);
}

static void test_graceful_shutdown(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(tk_h);
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

/* ================================================================ suite */

static int suite_init(void)
{
    static const char *const env[] = {"NQ_HOLIDAYS=" HOLIDAYS, "NQ_MAKEUP_WORKDAYS=" MAKEUP, NULL};
    return tk_start(env);
}

static int suite_cleanup(void)
{
    kpis_rebuild_free();
    tk_stop();
    return 0;
}

static CU_TestInfo kpi_tests[] = {
    {"org: two teams, four salespeople, customers", test_org},
    {"activities of every type over two months and last year", test_activities},
    {"salesperson kpis: month, quarter, year, day", test_salesperson_kpis},
    {"overviews: salesperson, team, company; previous, last year, change", test_overviews},
    {"targets: put, get, replace, refused values", test_targets},
    {"attainment and pace on working days (holidays, make-up day)", test_attainment_and_pace},
    {"the current month: elapsed working days follow now", test_current_month},
    {"splits: even, weights, last period; confirm; 404", test_splits},
    {"leaderboards by a metric: ranks, ties, movement", test_leaderboards},
    {"board names: the names index, or the profile", test_board_names},
    {"scorecard and commission plan versions; refused documents", test_plans},
    {"scores: contributions, band, next band, commission tiers", test_scores},
    {"leaderboards by score", test_score_boards},
    {"simulations: live and draft side by side, nothing stored", test_simulation},
    {"a scorecard without bands", test_scorecard_without_bands},
    {"a target of 0 is no target on every read path", test_zero_target_is_none},
    {"negative net sales: attainment, pace, projection 0 with a note", test_negative_net_sales},
    {"a ratio is used as it is shown", test_ratio_shown_is_used},
    {"splits: nobody 0, warnings, weights match the members", test_split_rules},
    {"coverage follows class and owner changes from their since", test_coverage_follows_customers},
    {"rebuild: corrupted aggregates restored, events during it counted once", test_rebuild},
    {"nqctl rebuild --from: only later periods", test_nqctl_rebuild},
    {"kept boards: computed afresh after an event, a member, a rename", test_kept_boards},
    {"graceful shutdown", test_graceful_shutdown},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"kpis", suite_init, suite_cleanup, NULL, NULL, kpi_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
