/* test_kpis_targets.c — test_kpis's targets: validation, attainment, pace
 * on working days, splits and their rules, zero targets, negative net
 * sales, coverage as customers change (see test_kpis.h). */
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

/* ---- targets ---- */

#define TGT_A_OCT                                                                                  \
    "{\"targets\":{\"sales_amount\":\"50000.00\",\"visits\":5,\"orders\":4,\"calls\":4,"           \
    "\"new_customers\":2,\"order_completion_rate\":0.9,\"coverage\":0.8,\"feedback_score\":4}}"
#define TGT_PATH_A_OCT "/api/v1/targets/salespeople/" SP_A "/month/2026-10"

/* PUT body to path (200, the answer holds the targets) and GET them back:
 * both must equal `want` (JSON text of the targets object). */
void put_targets(const char *path, const char *body, const char *want_text)
{
    int status;
    json_t *want = json_loads(want_text, 0, NULL);
    json_t *j = tk_api_raw("PUT", path, body, &status);
    tk_check(status == 200 && json_equal(json_object_get(j, "targets"), want),
             "PUT %s: want 200 with %s, got %d %s", path, want_text, status, tk_text(j));
    json_decref(j);
    j = tk_get_ok(path);
    tk_check(json_equal(json_object_get(j, "targets"), want), "GET %s: want %s, got %s", path,
             want_text, tk_text(j));
    tk_check(json_is_string(json_object_get(j, "updated_at")), "GET %s: updated_at missing: %s",
             path, tk_text(j));
    json_decref(j);
    json_decref(want);
}

void test_targets(void)
{
    static const char a_oct[] = "{\"sales_amount\":\"50000.00\",\"visits\":5,\"orders\":4,"
                                "\"calls\":4,\"new_customers\":2,\"order_completion_rate\":0.9,"
                                "\"coverage\":0.8,\"feedback_score\":4.0}";
    put_targets(TGT_PATH_A_OCT, TGT_A_OCT, a_oct);
    /* A PUT replaces the period's targets. */
    put_targets(TGT_PATH_A_OCT, "{\"targets\":{\"sales_amount\":1.5}}",
                "{\"sales_amount\":\"1.50\"}");
    put_targets(TGT_PATH_A_OCT, TGT_A_OCT, a_oct);

    /* Refused, with the field named; nothing is stored. */
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"salez\":100}}", "salez");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"sales_amount\":\"100.123\"}}",
                  "sales_amount");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"sales_amount\":100.125}}",
                  "sales_amount");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"visits\":1.5,\"coverage\":11}}",
                  "visits");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"visits\":1.5,\"coverage\":11}}",
                  "coverage");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"feedback_score\":6}}", "feedback_score");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"targets\":{\"orders\":-1}}", "orders");
    tk_expect_400("PUT", TGT_PATH_A_OCT, "{\"visits\":5}", "targets");
    tk_expect_400("PUT", "/api/v1/targets/salespeople/" SP_A "/month/2026-13", TGT_A_OCT, "key");
    tk_expect_400("PUT", "/api/v1/targets/salespeople/" SP_A "/month/2026-W43", TGT_A_OCT, "key");
    tk_expect_400("PUT", "/api/v1/targets/teams/" TEAM "/quarter/2026-Q5", TGT_A_OCT, "key");
    tk_expect_400("PUT", "/api/v1/targets/company/fortnight/2026-10", TGT_A_OCT, "period");
    tk_expect_400("GET", "/api/v1/targets/company/month/2026-00", NULL, "key");
    json_t *j = tk_get_ok(TGT_PATH_A_OCT);
    json_t *want = json_loads(a_oct, 0, NULL);
    tk_check(json_equal(json_object_get(j, "targets"), want), "targets after refused PUTs: %s",
             tk_text(j));
    json_decref(want);
    json_decref(j);

    put_targets("/api/v1/targets/salespeople/" SP_B "/month/2026-10",
                "{\"targets\":{\"sales_amount\":60000,\"visits\":6,\"new_customers\":1,"
                "\"order_completion_rate\":0.8}}",
                "{\"sales_amount\":\"60000.00\",\"visits\":6,\"new_customers\":1,"
                "\"order_completion_rate\":0.8}");
    put_targets("/api/v1/targets/salespeople/" SP_A "/month/2026-09",
                "{\"targets\":{\"sales_amount\":\"25000\",\"visits\":2,"
                "\"order_completion_rate\":0.9}}",
                "{\"sales_amount\":\"25000.00\",\"visits\":2,\"order_completion_rate\":0.9}");
    put_targets("/api/v1/targets/teams/" TEAM "/month/2026-10",
                "{\"targets\":{\"sales_amount\":\"150000.00\",\"visits\":10,\"coverage\":0.7}}",
                "{\"sales_amount\":\"150000.00\",\"visits\":10,\"coverage\":0.7}");
    put_targets("/api/v1/targets/company/month/2026-10",
                "{\"targets\":{\"sales_amount\":\"200000.00\",\"orders\":10}}",
                "{\"sales_amount\":\"200000.00\",\"orders\":10}");
    /* Targets of a period nobody set: none. */
    j = tk_get_ok("/api/v1/targets/teams/" TEAM "/month/2026-12");
    tk_check(json_object_size(json_object_get(j, "targets")) == 0, "no targets: %s", tk_text(j));
    json_decref(j);

    tset_put(&s_t_a_oct, M_SALES, 5000000);
    tset_put(&s_t_a_oct, M_VISITS, 5);
    tset_put(&s_t_a_oct, M_ORDERS, 4);
    tset_put(&s_t_a_oct, M_CALLS, 4);
    tset_put(&s_t_a_oct, M_NEW, 2);
    tset_put(&s_t_a_oct, M_COMPLETION, 0.9);
    tset_put(&s_t_a_oct, M_COVERAGE, 0.8);
    tset_put(&s_t_a_oct, M_FEEDBACK, 4);
    tset_put(&s_t_b_oct, M_SALES, 6000000);
    tset_put(&s_t_b_oct, M_VISITS, 6);
    tset_put(&s_t_b_oct, M_NEW, 1);
    tset_put(&s_t_b_oct, M_COMPLETION, 0.8);
    tset_put(&s_t_a_sep, M_SALES, 2500000);
    tset_put(&s_t_a_sep, M_VISITS, 2);
    tset_put(&s_t_a_sep, M_COMPLETION, 0.9);
    tset_put(&s_t_team_oct, M_SALES, 15000000);
    tset_put(&s_t_team_oct, M_VISITS, 10);
    tset_put(&s_t_team_oct, M_COVERAGE, 0.7);
    tset_put(&s_t_company_oct, M_SALES, 20000000);
    tset_put(&s_t_company_oct, M_ORDERS, 10);
}

/* Attainment, and pace on the working-day calendar. October 2026 has 22
 * weekdays; the holidays 10-01..10-07 take 5 of them (Thu 1, Fri 2, Mon 5,
 * Tue 6, Wed 7) and Saturday 10-10 is a make-up working day: 18. September
 * 2026 has 22 weekdays and the make-up Sunday 09-27: 23. Both months are
 * over, so every working day has elapsed and pace = attainment. */
void test_attainment_and_pace(void)
{
    json_t *j;
    j = check_overview("/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-10-15",
                       "salesperson", s_team, 1, "2026-10", "2026-09", "2025-10", &s_t_a_oct, true);
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "total"), "18.0",
                  "working days of 2026-10");
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "elapsed"), "18.0",
                  "elapsed working days of 2026-10");
    tk_check_like(ov(j, "sales_amount", "attainment"), "1.09", "54499.50 / 50000");
    tk_check_like(ov(j, "sales_amount", "pace"), "1.09", "pace of a past month");
    tk_check_like(ov(j, "sales_amount", "projection"), "\"54499.50\"",
                  "projection of a past month");
    tk_check_like(ov(j, "visits", "attainment"), "0.8", "4 / 5 visits");
    tk_check_like(ov(j, "coverage", "attainment"), "0.625", "coverage 0.5 / 0.8");
    tk_check_like(ov(j, "coverage", "pace"), "null", "no pace for a ratio");
    tk_check_like(ov(j, "order_completion_rate", "attainment"), "0.5556", "0.5 / 0.9");
    tk_check_like(ov(j, "feedback_score", "attainment"), "1.125", "4.5 / 4");
    tk_check_like(ov(j, "feedback_score", "target"), "4.0", "feedback target");
    tk_check_like(ov(j, "meetings", "attainment"), "null", "no target");
    json_decref(j);
    j = check_overview("/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-09-10",
                       "salesperson", s_team, 1, "2026-09", "2026-08", "2025-09", &s_t_a_sep, true);
    tk_check_like(json_object_get(json_object_get(j, "workdays"), "total"), "23.0",
                  "working days of 2026-09");
    tk_check_like(ov(j, "sales_amount", "pace"), "0.8", "20000 / 25000");
    json_decref(j);
    json_decref(check_overview("/api/v1/kpis/salespeople/" SP_B "?period=month&at=2026-10-15",
                               "salesperson", &s_team[1], 1, "2026-10", "2026-09", "2025-10",
                               &s_t_b_oct, true));
    j = check_overview("/api/v1/kpis/teams/" TEAM "?period=month&at=2026-10-15", "team", s_team, 3,
                       "2026-10", "2026-09", "2025-10", &s_t_team_oct, true);
    tk_check_like(ov(j, "sales_amount", "attainment"), "0.99", "148499.50 / 150000");
    tk_check_like(ov(j, "coverage", "attainment"), "0.8571", "0.6 / 0.7");
    json_decref(j);
    j = check_overview("/api/v1/kpis/company?period=month&at=2026-10-15", "company", s_all, 4,
                       "2026-10", "2026-09", "2025-10", &s_t_company_oct, true);
    tk_check_like(ov(j, "sales_amount", "attainment"), "0.7575", "151499.50 / 200000");
    tk_check_like(ov(j, "sales_amount", "pace"), "0.7575", "pace of a past month");
    tk_check_like(ov(j, "orders", "attainment"), "0.8", "8 / 10 orders");
    json_decref(j);
}

/* Working days of the period containing `at` and how many have elapsed at
 * `now`, on the calendar the suite was started with. */
static void workdays_of(int64_t at, int64_t now, double *total, double *elapsed)
{
    static const char *const holidays[] = {"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                                           "2026-10-05", "2026-10-06", "2026-10-07"};
    static const char *const makeup[] = {"2026-09-27", "2026-10-10"};
    nq_period_t month, d, week;
    *total = *elapsed = 0;
    nq_period_of(NQ_PERIOD_MONTH, at, &month);
    nq_period_of(NQ_PERIOD_DAY, month.start_ms, &d);
    for (; d.start_ms < month.end_ms; nq_period_next(&d, &d)) {
        nq_period_of(NQ_PERIOD_WEEK, d.start_ms, &week);
        bool work = (d.start_ms - week.start_ms + 43200000) / 86400000 < 5;
        for (size_t i = 0; i < sizeof(holidays) / sizeof(holidays[0]); i++)
            work = work && strcmp(d.key, holidays[i]) != 0;
        for (size_t i = 0; i < sizeof(makeup) / sizeof(makeup[0]); i++)
            work = work || strcmp(d.key, makeup[i]) == 0;
        if (!work)
            continue;
        *total += 1;
        if (now >= d.end_ms)
            *elapsed += 1;
        else if (now > d.start_ms)
            *elapsed += (double)(now - d.start_ms) / (double)(d.end_ms - d.start_ms);
    }
}

/* The current month (where "now" matters): elapsed working days follow the clock. */
void test_current_month(void)
{
    double total0, el0, total1, el1;
    int64_t before = nq_now_ms();
    json_t *j = tk_get_ok("/api/v1/kpis/salespeople/" SP_A "?period=month");
    int64_t after = nq_now_ms();
    workdays_of(before, before, &total0, &el0);
    workdays_of(after, after, &total1, &el1);
    json_t *wd = json_object_get(j, "workdays");
    double total = json_number_value(json_object_get(wd, "total"));
    double elapsed = json_number_value(json_object_get(wd, "elapsed"));
    tk_check(total == total0 || total == total1, "working days this month: want %.0f, got %s",
             total0, tk_text(wd));
    tk_check(elapsed >= el0 - 0.006 && elapsed <= el1 + 0.006,
             "elapsed working days now: want %.3f..%.3f, got %s", el0, el1, tk_text(wd));
    tk_check(elapsed < total || el1 >= total1, "this month is not over: %s", tk_text(wd));
    json_decref(j);
}

/* ---- splits ---- */

#define SPLIT_PATH "/api/v1/targets/teams/" TEAM "/month/2026-11/split"

/* POST a split; check method, team targets, the proposal (JSON text of
 * {sp: targets}) and that money and counts add up to the team's targets. */
static void check_split(const char *body, const char *method, const char *want_text, bool confirm)
{
    int status;
    json_t *j = tk_api_raw("POST", SPLIT_PATH, body, &status);
    json_t *want = json_loads(want_text, 0, NULL);
    tk_check(status == 200, "split %s: want 200, got %d %s", body, status, tk_text(j));
    tk_check_str(json_object_get(j, "method"), method, "split method");
    tk_check_str(json_object_get(j, "team_id"), TEAM, "split team");
    tk_check_str(json_object_get(json_object_get(j, "period"), "key"), "2026-11", "split period");
    tk_check(json_is_boolean(json_object_get(j, "confirmed")) &&
                 json_is_true(json_object_get(j, "confirmed")) == confirm,
             "split confirmed: want %d, got %s", confirm, tk_text(json_object_get(j, "confirmed")));
    json_t *team =
        json_loads("{\"sales_amount\":\"100000.00\",\"visits\":20,\"coverage\":0.8}", 0, NULL);
    tk_check(json_equal(json_object_get(j, "team_targets"), team), "split team_targets: %s",
             tk_text(json_object_get(j, "team_targets")));
    json_decref(team);
    json_t *proposal = json_object_get(j, "proposal");
    tk_check(json_equal(proposal, want), "split %s:\n      want %s\n      got  %s", body, want_text,
             tk_text(proposal));
    /* The shares add up exactly. */
    long long fen = 0, visits = 0;
    const char *sp;
    json_t *t;
    json_object_foreach (proposal, sp, t) {
        const char *money = tk_str(t, "sales_amount");
        fen += llround(strtod(money, NULL) * 100);
        visits += tk_num(t, "visits");
    }
    tk_check(fen == 10000000 && visits == 20, "split shares add up to %lld fen and %lld visits",
             fen, visits);
    json_decref(want);
    json_decref(j);
}

void test_splits(void)
{
    put_targets("/api/v1/targets/teams/" TEAM "/month/2026-11",
                "{\"targets\":{\"sales_amount\":\"100000.00\",\"visits\":20,\"coverage\":0.8}}",
                "{\"sales_amount\":\"100000.00\",\"visits\":20,\"coverage\":0.8}");
    /* Even: 10000000 fen / 3 = 3333333 r 1, the extra fen to the first
     * member (members come in id order: sp-li, sp-wang, sp-zhang); 20 / 3 =
     * 6 r 2 (the first two get one more); ratios as they are. */
    check_split("{\"method\":\"even\"}", "even",
                "{\"sp-li\":{\"sales_amount\":\"33333.34\",\"visits\":7,\"coverage\":0.8},"
                "\"sp-wang\":{\"sales_amount\":\"33333.33\",\"visits\":7,\"coverage\":0.8},"
                "\"sp-zhang\":{\"sales_amount\":\"33333.33\",\"visits\":6,\"coverage\":0.8}}",
                false);
    /* A proposal writes nothing. */
    json_t *j = tk_get_ok("/api/v1/targets/salespeople/" SP_A "/month/2026-11");
    tk_check(json_object_size(json_object_get(j, "targets")) == 0, "proposal stored: %s",
             tk_text(j));
    json_decref(j);
    /* Weights 3 : 2 : 1: 5000000, 3333333.33, 1666666.67 fen (the extra fen
     * to the largest remainder, sp-wang); 10, 6.67, 3.33 visits. */
    check_split("{\"method\":\"weights\",\"weights\":{\"sp-zhang\":3,\"sp-li\":2,\"sp-wang\":1}}",
                "weights",
                "{\"sp-zhang\":{\"sales_amount\":\"50000.00\",\"visits\":10,\"coverage\":0.8},"
                "\"sp-li\":{\"sales_amount\":\"33333.33\",\"visits\":7,\"coverage\":0.8},"
                "\"sp-wang\":{\"sales_amount\":\"16666.67\",\"visits\":3,\"coverage\":0.8}}",
                false);
    /* Last period (2026-10): sales 54499.50 : 47000 : 47000 of 148499.50 ->
     * 3670011.68, 3164994.16, 3164994.16 fen; visits 4 : 3 : 1 of 8 -> 10,
     * 7.5, 2.5 (the tie of remainders goes to the first member, sp-li). */
    check_split("{\"method\":\"last_period\"}", "last_period",
                "{\"sp-zhang\":{\"sales_amount\":\"36700.12\",\"visits\":10,\"coverage\":0.8},"
                "\"sp-li\":{\"sales_amount\":\"31649.94\",\"visits\":8,\"coverage\":0.8},"
                "\"sp-wang\":{\"sales_amount\":\"31649.94\",\"visits\":2,\"coverage\":0.8}}",
                false);
    /* Confirmed: the members' targets are the proposal. */
    check_split("{\"method\":\"weights\",\"weights\":{\"sp-zhang\":3,\"sp-li\":2,\"sp-wang\":1},"
                "\"confirm\":true}",
                "weights",
                "{\"sp-zhang\":{\"sales_amount\":\"50000.00\",\"visits\":10,\"coverage\":0.8},"
                "\"sp-li\":{\"sales_amount\":\"33333.33\",\"visits\":7,\"coverage\":0.8},"
                "\"sp-wang\":{\"sales_amount\":\"16666.67\",\"visits\":3,\"coverage\":0.8}}",
                true);
    static const char *const written[][2] = {
        {SP_A, "{\"sales_amount\":\"50000.00\",\"visits\":10,\"coverage\":0.8}"},
        {SP_B, "{\"sales_amount\":\"33333.33\",\"visits\":7,\"coverage\":0.8}"},
        {SP_C, "{\"sales_amount\":\"16666.67\",\"visits\":3,\"coverage\":0.8}"},
    };
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/targets/salespeople/%s/month/2026-11", written[i][0]);
        j = tk_get_ok(path);
        json_t *want = json_loads(written[i][1], 0, NULL);
        tk_check(json_equal(json_object_get(j, "targets"), want),
                 "confirmed split, %s: want %s, got %s", written[i][0], written[i][1], tk_text(j));
        json_decref(want);
        json_decref(j);
    }

    /* No team targets for 2026-12: 404. Bad requests: 400. */
    int status;
    j = tk_api_raw("POST", "/api/v1/targets/teams/" TEAM "/month/2026-12/split",
                   "{\"method\":\"even\"}", &status);
    tk_check(status == 404, "split without team targets: want 404, got %d %s", status, tk_text(j));
    json_decref(j);
    j = tk_api_raw("POST", "/api/v1/targets/teams/t-nobody/month/2026-11/split",
                   "{\"method\":\"even\"}", &status);
    tk_check(status == 404, "split of an unknown team: want 404, got %d %s", status, tk_text(j));
    json_decref(j);
    tk_expect_400("POST", SPLIT_PATH, "{\"method\":\"by_mood\"}", "method");
    tk_expect_400("POST", SPLIT_PATH, "{\"method\":\"weights\"}", "weights");
    tk_expect_400("POST", "/api/v1/targets/teams/" TEAM "/month/2026-13/split",
                  "{\"method\":\"even\"}", "key");
}

/* ---- zero targets, negative net sales, split rules ---- */

/* A stored target of 0 is no target on every read path. sp-wang's week 42
 * (10-12..10-18, scorecard v3, commission v2): sales 47000.00 against a
 * target of 0.00, 1 visit of 1. /kpis shows no sales target, attainment or
 * pace; /scores says "no target" for sales and for the commission; the
 * score (visits 1 / 1 x 20 = 20) is the same on the board by score. */
void test_zero_target_is_none(void)
{
    put_targets("/api/v1/targets/salespeople/" SP_C "/week/2026-W42",
                "{\"targets\":{\"sales_amount\":\"0.00\",\"visits\":1}}",
                "{\"sales_amount\":\"0.00\",\"visits\":1}");
    json_t *j = tk_get_ok("/api/v1/kpis/salespeople/" SP_C "?period=week&at=2026-10-16");
    tk_check_like(ov(j, "sales_amount", "actual"), "\"47000.00\"", "sp-wang W42 sales");
    tk_check_like(ov(j, "sales_amount", "target"), "null", "a target of 0 is no target (/kpis)");
    tk_check_like(ov(j, "sales_amount", "attainment"), "null", "no attainment without a target");
    tk_check_like(ov(j, "sales_amount", "pace"), "null", "no pace without a target");
    tk_check_like(ov(j, "visits", "target"), "1", "sp-wang W42 visits target");
    tk_check_like(ov(j, "visits", "attainment"), "1.0", "sp-wang W42 visits 1 / 1");
    json_decref(j);

    j = get_score(SP_C, "week", "2026-10-16");
    const json_t *sc = json_object_get(j, "scorecard"), *cm = json_object_get(j, "commission");
    tk_check_like(json_object_get(sc, "version"), "3", "sp-wang W42 scorecard version");
    const json_t *lines = json_object_get(sc, "metrics");
    check_line(lines, 0, "sales_amount", "\"47000.00\"", "null", "null", 1.5, 0.4, 0, "no target",
               "sp-wang W42");
    tk_check_str(json_object_get(json_array_get(lines, 0), "note_zh"), "未设目标",
                 "sp-wang W42 zh");
    check_line(lines, 1, "visits", "1", "1", "1.0", 2, 0.2, 20, NULL, "sp-wang W42");
    tk_check_num(json_object_get(sc, "score"), 20, "sp-wang W42 score");
    tk_check_str(json_object_get(cm, "commission"), "0.00", "sp-wang W42 commission");
    tk_check_like(json_object_get(cm, "target"), "null", "a target of 0 is no target (/scores)");
    tk_check_str(json_object_get(cm, "note"), "no target: no commission", "sp-wang W42 commission");
    json_decref(j);

    j = tk_get_ok("/api/v1/leaderboards?scope=team:" TEAM
                  "&metric=score&period=week&at=2026-10-16");
    size_t i;
    json_t *e;
    bool seen = false;
    json_array_foreach (json_object_get(j, "entries"), i, e) {
        if (strcmp(tk_str(e, "salesperson_id"), SP_C) == 0) {
            seen = true;
            tk_check_like(json_object_get(e, "value"), "20.0", "sp-wang W42 on the board by score");
        }
    }
    tk_check(seen, "sp-wang on the W42 board by score: %s", tk_text(j));
    json_decref(j);
}

/* A return-only week: sp-zhang's week 44 (10-26..11-01) has -1500.50 of net
 * sales against 10000.00 (set in test_scores). The actual stays -1500.50,
 * attainment, pace and projection are 0 with a note saying why, on /kpis
 * and /scores alike; no commission. */
void test_negative_net_sales(void)
{
    json_t *j = tk_get_ok("/api/v1/kpis/salespeople/" SP_A "?period=week&at=2026-10-28");
    tk_check_like(ov(j, "sales_amount", "actual"), "\"-1500.50\"", "sp-zhang W44 sales");
    tk_check_like(ov(j, "sales_amount", "target"), "\"10000.00\"", "sp-zhang W44 target");
    tk_check_like(ov(j, "sales_amount", "attainment"), "0.0", "negative sales: attainment 0");
    tk_check_like(ov(j, "sales_amount", "pace"), "0.0", "negative sales: pace 0");
    tk_check_like(ov(j, "sales_amount", "projection"), "\"0.00\"", "negative sales: projection 0");
    char note[200];
    const char *en = json_string_value(ov(j, "sales_amount", "note"));
    const char *zh = json_string_value(ov(j, "sales_amount", "note_zh"));
    snprintf(note, sizeof(note), "%s", en ? en : "(none)");
    tk_check(en && strstr(en, "negative") && zh && strstr(zh, "为负"),
             "sp-zhang W44: the sales row says why: %s",
             tk_text(json_object_get(json_object_get(j, "metrics"), "sales_amount")));
    tk_check_like(ov(j, "visits", "note"), "null", "other rows have no note");
    json_decref(j);

    j = get_score(SP_A, "week", "2026-10-28");
    const json_t *line =
        json_array_get(json_object_get(json_object_get(j, "scorecard"), "metrics"), 0);
    tk_check_like(json_object_get(line, "attainment"), "0.0", "sp-zhang W44 scorecard attainment");
    tk_check_str(json_object_get(line, "note"), note, "sp-zhang W44 scorecard note");
    const json_t *cm = json_object_get(j, "commission");
    tk_check_like(json_object_get(cm, "attainment"), "0.0", "sp-zhang W44 commission attainment");
    tk_check_str(json_object_get(cm, "commission"), "0.00", "sp-zhang W44 commission");
    tk_check_str(json_object_get(cm, "note"), note, "sp-zhang W44 commission note");
    json_decref(j);
}

/* The feedback score shown is the one used: ratings 3, 3, 2 (sp-li's first
 * days of August 2026, a month nothing else looks at) are 2.6667, and against a target of 4 the attainment is
 * 2.6667 / 4 = 0.666675 -> 0.6667 (from 2.67 it would be 0.6675). */
void test_ratio_shown_is_used(void)
{
    json_t *arr = json_array();
    static const int ratings[] = {3, 3, 2};
    for (int i = 0; i < 3; i++) {
        char id[32], at[40];
        snprintf(id, sizeof(id), "k-b-aug-fb%d", i);
        snprintf(at, sizeof(at), "2026-08-0%dT10:00:00+08:00", i + 3);
        ev_t e = EFB(id, SP_B, "c-b1", at, ratings[i], 0);
        json_array_append_new(arr, ev_json(&e));
    }
    tk_post_counts(arr, 3, 0);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    put_targets("/api/v1/targets/salespeople/" SP_B "/month/2026-08",
                "{\"targets\":{\"feedback_score\":4}}", "{\"feedback_score\":4.0}");
    json_t *j = tk_get_ok("/api/v1/kpis/salespeople/" SP_B "?period=month&at=2026-08-10");
    tk_check_like(ov(j, "feedback_score", "actual"), "2.6667", "sp-li 2026-08 feedback 8 / 3");
    tk_check_like(ov(j, "feedback_score", "attainment"), "0.6667", "sp-li 2026-08 2.6667 / 4");
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/" SP_B "/kpis?period=month&at=2026-08-10");
    tk_check_like(json_object_get(json_object_get(j, "kpis"), "feedback_score"), "2.6667",
                  "sp-li 2026-08 kpis feedback");
    json_decref(j);
}

#define SPLIT_OCT "/api/v1/targets/teams/" TEAM "/month/2026-10/split"
#define SPLIT_DEC "/api/v1/targets/teams/" TEAM "/month/2026-12/split"

/* The warnings of a split answer: want n, and one on (sp, metric) whose
 * reason contains `part` (sp NULL: the team's). */
static void check_warning(const json_t *j, const char *sp, const char *metric, const char *part)
{
    size_t i;
    json_t *w;
    json_array_foreach (json_object_get(j, "warnings"), i, w) {
        const json_t *who = json_object_get(w, "salesperson_id");
        if ((sp ? json_is_string(who) && strcmp(json_string_value(who), sp) == 0
                : json_is_null(who)) &&
            strcmp(tk_str(w, "metric"), metric) == 0 && strstr(tk_str(w, "reason"), part) &&
            *tk_str(w, "zh"))
            return;
    }
    tk_check(false, "split: want a warning on %s %s (%s): %s", sp ? sp : "the team", metric, part,
             tk_text(json_object_get(j, "warnings")));
}

/* Nobody is proposed 0 while there is enough to share, 0 shares and team
 * targets of 0 are flagged, and weights must match the members. */
void test_split_rules(void)
{
    /* last_period of October (the team's 150000.00, 10 visits, coverage 0.7)
     * on September: sales 20000 : 10000 : 0 and visits 1 : 1 : 0. sp-wang sold
     * nothing and is weighted like the average (15000, 1): 2 : 1 : 1.5 ->
     * 66666.67, 33333.33, 50000.00 (= even); visits 1 : 1 : 1 -> 4, 3, 3 in
     * id order (sp-li, sp-wang, sp-zhang: the tie of remainders goes to the
     * first). */
    int status;
    json_t *j = tk_api_raw("POST", SPLIT_OCT, "{\"method\":\"last_period\"}", &status);
    tk_check(status == 200, "split 2026-10 last_period: want 200, got %d %s", status, tk_text(j));
    json_t *want =
        json_loads("{\"sp-zhang\":{\"sales_amount\":\"66666.67\",\"visits\":3,\"coverage\":0.7},"
                   "\"sp-li\":{\"sales_amount\":\"33333.33\",\"visits\":4,\"coverage\":0.7},"
                   "\"sp-wang\":{\"sales_amount\":\"50000.00\",\"visits\":3,\"coverage\":0.7}}",
                   0, NULL);
    tk_check(json_equal(json_object_get(j, "proposal"), want),
             "split 2026-10 last_period: nobody gets 0: %s",
             tk_text(json_object_get(j, "proposal")));
    json_decref(want);
    check_warning(j, SP_C, "sales_amount", "even share");
    check_warning(j, SP_C, "visits", "even share");
    tk_check(json_array_size(json_object_get(j, "warnings")) == 2, "want 2 warnings: %s",
             tk_text(json_object_get(j, "warnings")));
    json_decref(j);

    /* min_share 0.5 with weights 8 : 1 : 1 of 10 visits: even 3.33, at least
     * 1.67 each: 6.67, 1.67, 1.67 -> 7, 2, 1 (remainders .67 .67 .67: sp-zhang's
     * is a hair larger in binary, then the tie goes to the first in id order,
     * sp-li); sales 150000.00 -> 100000.00, 25000.00, 25000.00. */
    j = tk_api_raw("POST", SPLIT_OCT,
                   "{\"method\":\"weights\",\"weights\":{\"sp-zhang\":8,\"sp-li\":1,\"sp-wang\":1},"
                   "\"min_share\":0.5}",
                   &status);
    tk_check(status == 200, "split with min_share: want 200, got %d %s", status, tk_text(j));
    want =
        json_loads("{\"sp-zhang\":{\"sales_amount\":\"100000.00\",\"visits\":7,\"coverage\":0.7},"
                   "\"sp-li\":{\"sales_amount\":\"25000.00\",\"visits\":2,\"coverage\":0.7},"
                   "\"sp-wang\":{\"sales_amount\":\"25000.00\",\"visits\":1,\"coverage\":0.7}}",
                   0, NULL);
    tk_check(json_equal(json_object_get(j, "proposal"), want), "split with min_share 0.5: %s",
             tk_text(json_object_get(j, "proposal")));
    tk_check_num(json_object_get(j, "min_share"), 0.5, "split min_share");
    json_decref(want);
    json_decref(j);

    /* December: a team target of 0 is no target and is flagged; 2 meetings
     * among 3 go to the first two in id order and leave sp-zhang with 0,
     * flagged. */
    put_targets("/api/v1/targets/teams/" TEAM "/month/2026-12",
                "{\"targets\":{\"sales_amount\":\"0.00\",\"meetings\":2,\"visits\":30}}",
                "{\"sales_amount\":\"0.00\",\"meetings\":2,\"visits\":30}");
    j = tk_api_raw("POST", SPLIT_DEC, "{\"method\":\"even\"}", &status);
    tk_check(status == 200, "split 2026-12: want 200, got %d %s", status, tk_text(j));
    want = json_loads("{\"meetings\":2,\"visits\":30}", 0, NULL);
    tk_check(json_equal(json_object_get(j, "team_targets"), want),
             "a team target of 0 is not split: %s", tk_text(json_object_get(j, "team_targets")));
    json_decref(want);
    tk_check_like(
        json_object_get(json_object_get(json_object_get(j, "proposal"), SP_A), "meetings"), "0",
        "2 meetings among 3");
    check_warning(j, NULL, "sales_amount", "team target is 0");
    check_warning(j, SP_A, "meetings", "share is 0");
    json_decref(j);

    /* Weights that leave members out or name strangers: 400, each named. */
    j = tk_api_raw("POST", SPLIT_OCT,
                   "{\"method\":\"weights\",\"weights\":{\"sp-zhang\":1.5,\"sp99\":2}}", &status);
    tk_check(status == 400 && strcmp(tk_str(j, "error"), "invalid") == 0,
             "weights with sp99 and members missing: want 400, got %d %s", status, tk_text(j));
    static const char *const fields[] = {"weights.sp99", "weights.sp-li", "weights.sp-wang"};
    for (size_t k = 0; k < 3; k++)
        tk_check(tk_names_field(json_object_get(j, "errors"), fields[k]),
                 "errors should name %s: %s", fields[k], tk_text(j));
    tk_check(!tk_names_field(json_object_get(j, "errors"), "weights.sp-zhang"),
             "sp-zhang's weight is fine: %s", tk_text(j));
    tk_check(strstr(tk_str(j, "detail"), "sp99") && strstr(tk_str(j, "detail"), "sp-li, sp-wang"),
             "the detail lists them: %s", tk_text(j));
    json_decref(j);
    tk_expect_400("POST", SPLIT_OCT,
                  "{\"method\":\"weights\",\"weights\":{\"sp-zhang\":1,\"sp-li\":0,\"sp-wang\":1}}",
                  "weights.sp-li");
    tk_expect_400("POST", SPLIT_OCT, "{\"method\":\"even\",\"weights\":{\"sp-zhang\":1}}",
                  "weights");
    tk_expect_400("POST", SPLIT_OCT, "{\"method\":\"even\",\"min_share\":2}", "min_share");
    tk_expect_400("POST", SPLIT_OCT, "{\"method\":\"even\",\"min_share\":\"half\"}", "min_share");
    /* Nothing was written by any of these. */
    j = tk_get_ok("/api/v1/targets/salespeople/" SP_C "/month/2026-12");
    tk_check(json_object_size(json_object_get(j, "targets")) == 0, "proposals store nothing: %s",
             tk_text(j));
    json_decref(j);
}

/* Coverage counts the key customers a salesperson owns at the end of the
 * period; a change given a `since` counts from then. Both changes here take
 * effect from 2025-01-01, when the customers were set up, so they reach every
 * period read (a change without `since` takes effect now and leaves these
 * closed months alone: test_cohorts.c). c-b3 moves to sp-zhang (who visited
 * it on 10-21): sp-zhang 2 of 3, sp-li 1 of 2. Then c-a2 becomes a normal
 * customer: sp-zhang 2 of 2; in September (c-a2 was the only customer
 * visited) 0 of 2. */
void test_coverage_follows_customers(void)
{
    json_decref(tk_put("/api/v1/customers/c-b3",
                       json_pack("{s:s, s:s, s:s, s:s}", "name", "客户 c-b3", "class", "key",
                                 "owner_id", SP_A, "since", "2025-01-01T00:00:00+08:00"),
                       200));
    s_keys[0][2] = "c-b3";
    s_keys[1][2] = NULL;
    check_sp_kpis(SP_A, "month", "2026-10-15", "2026-10");
    check_sp_kpis(SP_B, "month", "2026-10-15", "2026-10");
    check_sp_kpis(SP_A, "month", "2026-09-15", "2026-09");
    check_sp_kpis(SP_B, "month", "2026-09-15", "2026-09");
    json_t *j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=month&at=2026-10-15");
    tk_check_like(json_object_get(json_object_get(j, "kpis"), "coverage"), "0.6667",
                  "sp-zhang after c-b3 moved to him");
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/" SP_B "/kpis?period=month&at=2026-10-15");
    tk_check_like(json_object_get(json_object_get(j, "kpis"), "coverage"), "0.5",
                  "sp-li after c-b3 left him");
    json_decref(j);
    json_decref(check_overview("/api/v1/kpis/teams/" TEAM "?period=month&at=2026-10-15", "team",
                               s_team, 3, "2026-10", "2026-09", "2025-10", &s_t_team_oct, true));

    json_decref(tk_put("/api/v1/customers/c-a2",
                       json_pack("{s:s, s:s, s:s, s:s}", "name", "客户 c-a2", "class", "normal",
                                 "owner_id", SP_A, "since", "2025-01-01T00:00:00+08:00"),
                       200));
    s_keys[0][1] = "c-b3";
    s_keys[0][2] = NULL;
    j = check_overview("/api/v1/kpis/salespeople/" SP_A "?period=month&at=2026-10-15",
                       "salesperson", s_team, 1, "2026-10", "2026-09", "2025-10", &s_t_a_oct, true);
    tk_check_like(ov(j, "coverage", "actual"), "1.0", "sp-zhang: c-a1 and c-b3 of c-a1, c-b3");
    tk_check_like(ov(j, "coverage", "previous"), "0.0", "sp-zhang 2026-09: only c-a2 was visited");
    tk_check_like(ov(j, "coverage", "attainment"), "1.25", "coverage 1.0 / 0.8");
    json_decref(j);
    j = check_overview("/api/v1/kpis/teams/" TEAM "?period=month&at=2026-10-15", "team", s_team, 3,
                       "2026-10", "2026-09", "2025-10", &s_t_team_oct, true);
    tk_check_like(ov(j, "coverage", "actual"), "0.75", "team (2 + 1 + 0) / (2 + 2 + 0)");
    json_decref(j);
    j = check_overview("/api/v1/kpis/company?period=month&at=2026-10-15", "company", s_all, 4,
                       "2026-10", "2026-09", "2025-10", &s_t_company_oct, true);
    tk_check_like(ov(j, "coverage", "actual"), "0.8", "company (2 + 1 + 0 + 1) / (2 + 2 + 0 + 1)");
    json_decref(j);
}
