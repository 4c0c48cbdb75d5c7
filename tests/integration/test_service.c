/* test_service.c — after-sales, satisfaction and training in the KPI metric
 * table (issue 19), through the real suite: tickets, feedback and training
 * posted through the API; the salesperson KPIs (tickets_opened/closed, nps,
 * feedback_score, training_hours, trainings), a leaderboard by nps in a team
 * and the company, the salesperson report with the period before; another
 * team's salesperson answered 404 to a team-limited key; the figures equal
 * after a rebuild from the activity log with the aggregates corrupted.
 * Satisfaction and training per scope and period (GET /api/v1/satisfaction,
 * /api/v1/training): the team's sums with the month before, its members,
 * the last comments, completion; promoters and detractors per member, team
 * and company with the month before, a retried answer counted once, equal
 * after a rebuild; required courses of the company and a team, done and
 * missing per member in the period, the team's completion; customer
 * figures without their month fields (old and mixed shapes) migrated by
 * nq-customers on connect to what a fresh index holds; the customer 360's satisfaction this month
 * against the month before (c-sv-2, events dated from now) and its last
 * comments; a replay of the log over the live index changes nothing.
 *
 * Org: team t-sv1 (sp-sv-a, sp-sv-b), team t-sv2 (sp-sv-c). Events in
 * November 2026 (Asia/Shanghai), one in October for the period before:
 *   sp-sv-a: NPS 10, 9, 3 (net 1 of 3: 0.3333), ratings 4, 5 (4.5);
 *            tickets T-1 opened and closed, T-2 opened; courses of 5400 s
 *            and 1800 s (2.0 hours, 2 courses); October: NPS 0 (-1.0)
 *   sp-sv-b: NPS 10, 10, 7 (net 2 of 3: 0.6667); a course without a length
 *   sp-sv-c: NPS 0 (-1.0)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/actindex.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq/token.h"
#include "nq_test.h"
#include "testkit.h"

#define SCORE_MS 30000
#define AT       "2026-11-15"

static char s_key_headers[256]; /* a read key limited to t-sv1 */

/* An event of `sp` at `at` with customer c-sv-1 and one more field. */
static json_t *ev(const char *id, const char *type, const char *sp, const char *at,
                  const char *field, json_t *value)
{
    json_t *e = tk_event_at(id, type, sp, strcmp(type, "training") ? "c-sv-1" : NULL, at, NULL);
    if (field)
        json_object_set_new(e, field, value);
    return e;
}

static json_t *nps(const char *id, const char *sp, const char *at, int answer)
{
    return ev(id, "feedback", sp, at, "nps", json_integer(answer));
}

static json_t *ticket(const char *id, const char *type, const char *at, const char *tid,
                      const char *priority)
{
    json_t *e = ev(id, type, "sp-sv-a", at, "ticket_id", json_string(tid));
    json_object_set_new(e, "priority", json_string(priority));
    return e;
}

static json_t *course(const char *id, const char *sp, const char *name, int seconds, int score)
{
    json_t *e = ev(id, "training", sp, "2026-11-12T19:00:00+08:00", "course", json_string(name));
    json_object_set_new(e, "score", json_integer(score));
    if (seconds)
        json_object_set_new(e, "duration_s", json_integer(seconds));
    return e;
}

static void test_setup(void)
{
    json_decref(tk_put("/api/v1/teams/t-sv1", json_pack("{s:s}", "name", "售后一组"), 200));
    json_decref(tk_put("/api/v1/teams/t-sv2", json_pack("{s:s}", "name", "售后二组"), 200));
    static const char *const people[][3] = {
        {"sp-sv-a", "张伟", "t-sv1"}, {"sp-sv-b", "李娜", "t-sv1"}, {"sp-sv-c", "赵强", "t-sv2"}};
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        json_decref(tk_put(
            path, json_pack("{s:s, s:s}", "name", people[i][1], "team_id", people[i][2]), 200));
    }
    json_decref(tk_put(
        "/api/v1/customers/c-sv-1",
        json_pack("{s:s, s:s, s:s}", "name", "明远贸易", "class", "key", "owner_id", "sp-sv-a"),
        200));
    char key[NQ_APIKEY_LEN + 1], err[256] = "";
    tk_check(nq_access_key_create(tk_redis, "read", "t-sv1", "service", key, NULL, err,
                                  sizeof(err)) == 0,
             "key create: %s", err);
    snprintf(s_key_headers, sizeof(s_key_headers), "Authorization: Bearer %s\r\n", key);
}

static void test_post(void)
{
    json_t *evs =
        json_pack("[o, o, o, o, o, o, o, o, o, o, o, o, o, o, o, o]",
                  nps("sv-a-n1", "sp-sv-a", "2026-11-03T10:00:00+08:00", 10),
                  nps("sv-a-n2", "sp-sv-a", "2026-11-04T10:00:00+08:00", 9),
                  nps("sv-a-n3", "sp-sv-a", "2026-11-05T10:00:00+08:00", 3),
                  ev("sv-a-r1", "feedback", "sp-sv-a", "2026-11-05T11:00:00+08:00", "rating",
                     json_integer(4)),
                  ev("sv-a-r2", "feedback", "sp-sv-a", "2026-11-06T11:00:00+08:00", "rating",
                     json_integer(5)),
                  nps("sv-a-old", "sp-sv-a", "2026-10-20T10:00:00+08:00", 0),
                  ticket("sv-a-t1", "ticket_opened", "2026-11-02T09:00:00+08:00", "T-1", "urgent"),
                  ticket("sv-a-t1c", "ticket_closed", "2026-11-02T12:00:00+08:00", "T-1", "urgent"),
                  ticket("sv-a-t2", "ticket_opened", "2026-11-09T09:00:00+08:00", "T-2", "normal"),
                  course("sv-a-c1", "sp-sv-a", "大客户谈判", 5400, 92),
                  course("sv-a-c2", "sp-sv-a", "产品知识", 1800, 80),
                  nps("sv-b-n1", "sp-sv-b", "2026-11-03T10:00:00+08:00", 10),
                  nps("sv-b-n2", "sp-sv-b", "2026-11-04T10:00:00+08:00", 10),
                  nps("sv-b-n3", "sp-sv-b", "2026-11-05T10:00:00+08:00", 7),
                  course("sv-b-c1", "sp-sv-b", "大客户谈判", 0, 75),
                  nps("sv-c-n1", "sp-sv-c", "2026-11-03T10:00:00+08:00", 0));
    tk_post_counts(evs, 16, 0);
    /* a retry of two of them counts nothing again */
    tk_post_counts(json_pack("[o, o]", nps("sv-a-n1", "sp-sv-a", "2026-11-03T10:00:00+08:00", 10),
                             course("sv-a-c1", "sp-sv-a", "大客户谈判", 5400, 92)),
                   0, 2);
    /* a course longer than a day is refused, naming the field */
    json_t *bad = tk_post(json_pack("[o]", course("sv-bad", "sp-sv-a", "x", 86401, 1)), 400);
    tk_check(strstr(tk_text(bad), "duration_s") != NULL, "duration_s 86401 rejected: %s",
             tk_text(bad));
    json_decref(bad);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
}

/* The November figures of sp-sv-a, as the KPIs answer them. */
static void check_a(const json_t *k, const char *ctx)
{
    tk_check(tk_num(k, "tickets_opened") == 2 && tk_num(k, "tickets_closed") == 1,
             "%s: tickets 2 opened, 1 closed: %s", ctx, tk_text(k));
    tk_check_num(json_object_get(k, "nps"), 0.3333, "NPS (2 - 1) / 3");
    tk_check_num(json_object_get(k, "feedback_score"), 4.5, "ratings (4 + 5) / 2");
    tk_check_num(json_object_get(k, "training_hours"), 2.0, "(5400 + 1800) s");
    tk_check(tk_num(k, "trainings") == 2, "%s: 2 courses: %s", ctx, tk_text(k));
}

static void test_kpis(void)
{
    json_t *j = tk_get_ok("/api/v1/salespeople/sp-sv-a/kpis?period=month&at=" AT);
    check_a(json_object_get(j, "kpis"), "sp-sv-a 2026-11");
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/sp-sv-b/kpis?period=month&at=" AT);
    json_t *k = json_object_get(j, "kpis");
    tk_check_num(json_object_get(k, "nps"), 0.6667, "sp-sv-b NPS (2 - 0) / 3");
    tk_check(json_is_null(json_object_get(k, "feedback_score")), "no ratings: null: %s",
             tk_text(k));
    tk_check_num(json_object_get(k, "training_hours"), 0.0, "a course without a length");
    tk_check(tk_num(k, "trainings") == 1, "sp-sv-b 1 course: %s", tk_text(k));
    json_decref(j);
    j = tk_get_ok("/api/v1/salespeople/sp-sv-c/kpis?period=month&at=" AT);
    tk_check_num(json_object_get(json_object_get(j, "kpis"), "nps"), -1.0, "sp-sv-c detractor");
    json_decref(j);
    /* the team sums its members' counters: net 3 of 6 answers */
    j = tk_get_ok("/api/v1/kpis/teams/t-sv1?period=month&at=" AT);
    tk_check(strstr(tk_text(j), "\"nps\"") != NULL, "team overview has nps: %s", tk_text(j));
    json_decref(j);
}

/* The rank and value of `sp` on a board (-1 when absent). */
static int rank_of(const json_t *board, const char *sp, double *value)
{
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(board, "entries"), i, e) {
        if (strcmp(tk_str(e, "salesperson_id"), sp) == 0) {
            *value = json_number_value(json_object_get(e, "value"));
            return (int)tk_num(e, "rank");
        }
    }
    return -1;
}

static void test_board(void)
{
    double v = 0;
    json_t *b = tk_get_ok("/api/v1/leaderboards?scope=team:t-sv1&metric=nps&period=month&at=" AT);
    tk_check(rank_of(b, "sp-sv-b", &v) == 1 && v == 0.6667, "sp-sv-b first: %s", tk_text(b));
    tk_check(rank_of(b, "sp-sv-a", &v) == 2 && v == 0.3333, "sp-sv-a second: %s", tk_text(b));
    tk_check(rank_of(b, "sp-sv-c", &v) == -1, "sp-sv-c not in t-sv1: %s", tk_text(b));
    json_decref(b);
    b = tk_get_ok("/api/v1/leaderboards?scope=company&metric=nps&period=month&at=" AT);
    int a = rank_of(b, "sp-sv-a", &v), c = rank_of(b, "sp-sv-c", &v);
    tk_check(a > 0 && c > a && v == -1.0, "company: sp-sv-c (-1) below sp-sv-a: %s", tk_text(b));
    json_decref(b);
    b = tk_get_ok(
        "/api/v1/leaderboards?scope=team:t-sv1&metric=training_hours&period=month&at=" AT);
    tk_check(rank_of(b, "sp-sv-a", &v) == 1 && v == 2.0, "training hours: %s", tk_text(b));
    json_decref(b);
}

/* Promoters and detractors as metrics (November): sp-sv-a 2 and 1, sp-sv-b 2
 * and 0. A target of 4 promoters is half met; a ceiling of 2 detractors is met
 * (1 <= 2): a scorecard of both at 0.5 scores 100 x (0.5 x 0.5 + 0.5 x 1) = 75.
 * Boards: by detractors the fewest first; by promoters a tie shares rank 1. */
static void test_nps_metrics(void)
{
    json_decref(tk_call("PUT", "/api/v1/teams/t-sv1/scorecard",
                        "{\"effective_from\":\"2026-11-01\",\"metrics\":["
                        "{\"metric\":\"nps_promoters\",\"weight\":0.5},"
                        "{\"metric\":\"nps_detractors\",\"weight\":0.5}],"
                        "\"bands\":[{\"name\":\"C\",\"min\":0}]}",
                        201));
    json_decref(tk_call("PUT", "/api/v1/targets/salespeople/sp-sv-a/month/2026-11",
                        "{\"targets\":{\"nps_promoters\":4,\"nps_detractors\":2}}", 200));
    json_t *j = tk_get_ok("/api/v1/kpis/salespeople/sp-sv-a?period=month&at=" AT);
    const json_t *pro = json_object_get(json_object_get(j, "metrics"), "nps_promoters"),
                 *det = json_object_get(json_object_get(j, "metrics"), "nps_detractors");
    tk_check_like(json_object_get(pro, "actual"), "2", "promoters 10, 9");
    tk_check_like(json_object_get(pro, "attainment"), "0.5", "2 of 4");
    tk_check_like(json_object_get(det, "actual"), "1", "detractor 3");
    tk_check_like(json_object_get(det, "attainment"), "1.0", "1 under the ceiling of 2");
    tk_check_str(json_object_get(det, "direction"), "lower_is_better", "detractors' direction");
    json_decref(j);
    j = tk_get_ok("/api/v1/scores/salespeople/sp-sv-a?period=month&at=" AT);
    tk_check_num(json_object_get(json_object_get(j, "scorecard"), "score"), 75.0,
                 "100 x (0.5 x 0.5 + 0.5 x 1)");
    json_decref(j);
    double v = 0;
    json_t *b = tk_get_ok(
        "/api/v1/leaderboards?scope=team:t-sv1&metric=nps_detractors&period=month&at=" AT);
    tk_check(rank_of(b, "sp-sv-b", &v) == 1 && v == 0, "no detractor first: %s", tk_text(b));
    tk_check(rank_of(b, "sp-sv-a", &v) == 2 && v == 1, "one detractor second: %s", tk_text(b));
    json_decref(b);
    b = tk_get_ok("/api/v1/leaderboards?scope=company&metric=nps_promoters&period=month&at=" AT);
    tk_check(rank_of(b, "sp-sv-a", &v) == 1 && rank_of(b, "sp-sv-b", &v) == 1 && v == 2,
             "two promoters each: rank 1: %s", tk_text(b));
    tk_check(rank_of(b, "sp-sv-c", &v) == 3 && v == 0, "none: third: %s", tk_text(b));
    json_decref(b);
}

static void test_report(void)
{
    json_t *j = tk_get_ok("/api/v1/reports/salespeople/sp-sv-a?period=month&at=" AT);
    check_a(json_object_get(j, "kpis"), "report");
    json_t *prev = json_object_get(j, "previous");
    tk_check_num(json_object_get(json_object_get(prev, "kpis"), "nps"), -1.0,
                 "October's NPS for comparison (one detractor)");
    json_decref(j);
}

/* A key limited to t-sv1 reads its team and nothing of t-sv2. */
static void test_scope(void)
{
    static const struct {
        const char *path;
        int want;
    } cases[] = {
        {"/api/v1/salespeople/sp-sv-a/kpis?period=month&at=" AT, 200},
        {"/api/v1/salespeople/sp-sv-c/kpis?period=month&at=" AT, 404},
        {"/api/v1/reports/salespeople/sp-sv-c?period=month&at=" AT, 404},
        {"/api/v1/leaderboards?scope=team:t-sv2&metric=nps&period=month&at=" AT, 404},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status = 0;
        char head[2048];
        json_t *j = tk_raw("GET", cases[i].path, s_key_headers, NULL, &status, head, sizeof(head));
        tk_check(status == cases[i].want, "%s: want %d, got %d %s", cases[i].path, cases[i].want,
                 status, tk_text(j));
        json_decref(j);
    }
}

/* The customer 360's tickets: T-1 (urgent) closed in 3 h, within its 4 h; T-2 (normal,
 * 9 November) open and long past its 72 h; NPS of c-sv-1's answers. */
static void test_customer(void)
{
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(SCORE_MS));
    json_t *s = tk_get_ok("/api/v1/customers/c-sv-1/summary");
    json_t *t = json_object_get(s, "tickets"), *sat = json_object_get(s, "satisfaction");
    tk_check(tk_num(t, "open") == 1 && tk_num(t, "overdue") == 1 && tk_num(t, "closed") == 1 &&
                 tk_num(t, "closed_late") == 0,
             "T-2 open and overdue, T-1 closed in time: %s", tk_text(t));
    tk_check_num(json_object_get(t, "median_hours_to_close"), 3.0, "T-1 took 3 hours");
    tk_check(tk_num(s, "open_tickets") == 1, "open_tickets: %s", tk_text(s));
    /* 8 answers: 10, 9, 10, 10 promoters; 7 passive; 3, 0, 0 detractors (one in October) */
    tk_check(tk_num(sat, "nps_answers") == 8, "8 NPS answers: %s", tk_text(sat));
    tk_check_num(json_object_get(sat, "nps"), 12.5, "(4 - 3) / 8 x 100");
    json_decref(s);
}

/* The promoters and detractors of a satisfaction answer (or its "previous"). */
static void check_split(const json_t *j, int promoters, int detractors, const char *ctx)
{
    tk_check(tk_num(j, "promoters") == promoters && tk_num(j, "detractors") == detractors,
             "%s: %d promoters, %d detractors: %s", ctx, promoters, detractors, tk_text(j));
}

/* Each member's split: sp-sv-a 2 - 1 (the retried promoter once), sp-sv-b 2 - 0. */
static void check_members_split(const json_t *j)
{
    size_t i;
    json_t *sp;
    json_array_foreach (json_object_get(j, "salespeople"), i, sp) {
        bool a = strcmp(tk_str(sp, "salesperson_id"), "sp-sv-a") == 0;
        check_split(sp, 2, a ? 1 : 0, tk_str(sp, "salesperson_id"));
        if (a)
            check_split(json_object_get(sp, "previous"), 0, 1, "sp-sv-a 2026-10");
    }
}

/* The team t-sv1 in November: ratings 4, 5 (4.5); NPS answers 6, net 3 (50.0);
 * October: one detractor (-100.0); the retried events counted once. */
static void test_satisfaction(void)
{
    json_t *j = tk_get_ok("/api/v1/satisfaction?scope=team:t-sv1&period=2026-11");
    tk_check(tk_num(j, "ratings") == 2 && tk_num(j, "nps_answers") == 6 &&
                 tk_num(j, "nps_net") == 3,
             "t-sv1 2026-11: 2 ratings, 6 answers, net 3: %s", tk_text(j));
    tk_check_num(json_object_get(j, "avg_rating"), 4.5, "(4 + 5) / 2");
    tk_check_num(json_object_get(j, "nps"), 50.0, "3 / 6 x 100");
    check_split(j, 4, 1, "t-sv1 2026-11: 10, 9, 10, 10 promoters; 3 a detractor");
    json_t *prev = json_object_get(j, "previous"), *change = json_object_get(j, "change");
    check_split(prev, 0, 1, "t-sv1 2026-10: one detractor");
    tk_check_str(json_object_get(prev, "period"), "2026-10", "the month before");
    tk_check_num(json_object_get(prev, "nps"), -100.0, "October: one detractor");
    tk_check_num(json_object_get(change, "nps"), 150.0, "50 - (-100)");
    tk_check(json_is_null(json_object_get(change, "avg_rating")), "no October rating: %s",
             tk_text(change));
    tk_check(json_array_size(json_object_get(j, "salespeople")) == 2, "two members: %s",
             tk_text(j));
    check_members_split(j);
    json_t *comments = json_object_get(j, "comments");
    tk_check(json_array_size(comments) == 8, "8 feedback events in November: %s",
             tk_text(comments));
    tk_check_str(json_object_get(json_array_get(comments, 0), "event_id"), "sv-a-r2",
                 "newest first");
    json_decref(j);
    j = tk_get_ok("/api/v1/satisfaction?scope=salesperson:sp-sv-c&period=2026-Q4");
    tk_check_num(json_object_get(j, "nps"), -100.0, "sp-sv-c's quarter");
    check_split(j, 0, 1, "sp-sv-c 2026-Q4");
    check_split(json_object_get(j, "previous"), 0, 0, "sp-sv-c 2026-Q3: nothing");
    tk_check_str(json_object_get(json_object_get(j, "previous"), "period"), "2026-Q3",
                 "the quarter before");
    json_decref(j);
    j = tk_get_ok("/api/v1/satisfaction?period=2026");
    tk_check(tk_num(j, "promoters") >= 4 && tk_num(j, "detractors") >= 2 &&
                 tk_num(j, "promoters") - tk_num(j, "detractors") == tk_num(j, "nps_net"),
             "the company's split agrees with its net: %s", tk_text(j));
    tk_check(tk_num(j, "nps_answers") >= 7 && json_is_null(json_object_get(j, "salespeople")) &&
                 json_is_null(json_object_get(j, "comments")),
             "the company: totals only: %s", tk_text(j));
    json_decref(j);
    tk_expect_400("GET", "/api/v1/satisfaction?scope=team:t-sv1&period=2026-13", NULL, "period");
    tk_expect_400("GET", "/api/v1/satisfaction?scope=sales:x&period=2026-11", NULL, "scope");
    tk_expect_400("GET", "/api/v1/training?period=2026-W48", NULL, "period");
}

/* t-sv1 in November: both members trained (100.0), 3 courses, 2.0 hours;
 * t-sv2: its one member untrained (0.0). */
static void test_training(void)
{
    json_t *j = tk_get_ok("/api/v1/training?scope=team:t-sv1&period=2026-11");
    tk_check(tk_num(j, "members") == 2 && tk_num(j, "trained") == 2 && tk_num(j, "trainings") == 3,
             "t-sv1: 2 of 2 trained, 3 courses: %s", tk_text(j));
    tk_check_num(json_object_get(j, "completion"), 100.0, "2 / 2");
    tk_check_num(json_object_get(j, "training_hours"), 2.0, "(5400 + 1800) s");
    size_t i;
    json_t *sp;
    int seen = 0;
    json_array_foreach (json_object_get(j, "salespeople"), i, sp) {
        json_t *courses = json_object_get(sp, "courses");
        if (strcmp(tk_str(sp, "salesperson_id"), "sp-sv-a") == 0) {
            seen++;
            tk_check(json_array_size(courses) == 2 &&
                         tk_num(json_array_get(courses, 0), "score") +
                                 tk_num(json_array_get(courses, 1), "score") ==
                             92 + 80,
                     "sp-sv-a: 2 courses scored 92 and 80: %s", tk_text(courses));
        } else {
            seen++;
            tk_check(json_array_size(courses) == 1 &&
                         tk_num(json_array_get(courses, 0), "score") == 75,
                     "sp-sv-b: 1 course scored 75: %s", tk_text(courses));
        }
    }
    tk_check(seen == 2, "both members: %s", tk_text(j));
    json_decref(j);
    j = tk_get_ok("/api/v1/training?scope=team:t-sv2&period=2026-11");
    tk_check(tk_num(j, "members") == 1 && tk_num(j, "trained") == 0, "t-sv2: %s", tk_text(j));
    tk_check_num(json_object_get(j, "completion"), 0.0, "0 / 1");
    json_decref(j);
}

/* A member's "required" of a training answer. */
static json_t *required_of(const json_t *j, const char *sp)
{
    size_t i;
    json_t *one;
    json_array_foreach (json_object_get(j, "salespeople"), i, one) {
        if (strcmp(tk_str(one, "salesperson_id"), sp) == 0)
            return json_object_get(one, "required");
    }
    return NULL;
}

/* The list `name` of a member's required courses as compact JSON. */
static void check_list(const json_t *req, const char *name, const char *want, const char *ctx)
{
    char *got = json_dumps(json_object_get(req, name), JSON_COMPACT);
    tk_check(got && strcmp(got, want) == 0, "%s: %s %s, want %s", ctx, name, got, want);
    free(got);
}

/* Required courses: the company's 大客户谈判, t-sv1's 产品知识 on top. In
 * November sp-sv-a took both, sp-sv-b only 大客户谈判: 1 of 2 (50.0);
 * October: none (0.0); sp-sv-c (t-sv2) has only the company's, missing. */
static void test_required_courses(void)
{
    json_t *j =
        tk_put("/api/v1/training/required", json_pack("{s:[s]}", "courses", "大客户谈判"), 200);
    tk_check_str(json_object_get(j, "scope"), "company", "the company's list");
    json_decref(j);
    j = tk_put("/api/v1/teams/t-sv1/training/required",
               json_pack("{s:[s, s]}", "courses", "产品知识", "大客户谈判"), 200);
    tk_check_str(json_object_get(j, "scope"), "team:t-sv1", "the team's list");
    json_decref(j);
    j = tk_get_ok("/api/v1/teams/t-sv1/training/required");
    check_list(j, "courses", "[\"产品知识\",\"大客户谈判\"]", "t-sv1 read back");
    json_decref(j);
    tk_expect_400("PUT", "/api/v1/teams/t-sv1/training/required",
                  "{\"courses\":[\"产品知识\",\"产品知识\"]}", "courses[1]");
    tk_expect_400("PUT", "/api/v1/training/required", "{\"courses\":[\"\"]}", "courses[0]");
    tk_expect_400("PUT", "/api/v1/training/required", "{\"course\":[]}", "course");
    json_decref(tk_put("/api/v1/teams/t-none/training/required",
                       json_pack("{s:[s]}", "courses", "x"), 404));

    j = tk_get_ok("/api/v1/training?scope=team:t-sv1&period=2026-11");
    check_list(j, "required_courses", "[\"大客户谈判\",\"产品知识\"]", "company's first");
    check_list(required_of(j, "sp-sv-a"), "missing", "[]", "sp-sv-a");
    check_list(required_of(j, "sp-sv-a"), "done", "[\"大客户谈判\",\"产品知识\"]", "sp-sv-a");
    check_list(required_of(j, "sp-sv-b"), "missing", "[\"产品知识\"]", "sp-sv-b");
    tk_check(tk_num(j, "required_completed") == 1, "1 of 2 did all: %s", tk_text(j));
    tk_check_num(json_object_get(j, "required_completion"), 50.0, "1 / 2");
    json_decref(j);
    j = tk_get_ok("/api/v1/training?scope=team:t-sv1&period=2026-10");
    tk_check_num(json_object_get(j, "required_completion"), 0.0, "nothing in October");
    check_list(required_of(j, "sp-sv-b"), "done", "[]", "sp-sv-b in October");
    json_decref(j);
    j = tk_get_ok("/api/v1/training?scope=salesperson:sp-sv-c&period=2026-11");
    check_list(j, "required_courses", "[\"大客户谈判\"]", "t-sv2: the company's only");
    check_list(required_of(j, "sp-sv-c"), "missing", "[\"大客户谈判\"]", "sp-sv-c");
    json_decref(j);
    j = tk_get_ok("/api/v1/training?period=2026-11");
    tk_check(json_is_null(json_object_get(j, "required_completion")), "company: null: %s",
             tk_text(j));
    json_decref(j);
    /* every write audited */
    j = tk_get_ok("/api/v1/audit?limit=50");
    tk_check(strstr(tk_text(j), "/api/v1/teams/:id/training/required") != NULL ||
                 strstr(tk_text(j), "training/required") != NULL,
             "the writes audited: %s", tk_text(j));
    json_decref(j);
    /* an empty list removes the team's */
    json_decref(
        tk_put("/api/v1/teams/t-sv1/training/required", json_pack("{s:[]}", "courses"), 200));
    j = tk_get_ok("/api/v1/training?scope=team:t-sv1&period=2026-11");
    check_list(j, "required_courses", "[\"大客户谈判\"]", "t-sv1 list removed");
    tk_check_num(json_object_get(j, "required_completion"), 100.0, "both took 大客户谈判");
    json_decref(j);
}

/* The key limited to t-sv1: the other team and its people are absent. */
static void test_satisfaction_scope(void)
{
    static const struct {
        const char *path;
        int want;
    } cases[] = {
        {"/api/v1/satisfaction?scope=team:t-sv1&period=2026-11", 200},
        {"/api/v1/satisfaction?scope=team:t-sv2&period=2026-11", 404},
        {"/api/v1/satisfaction?scope=salesperson:sp-sv-c&period=2026-11", 404},
        {"/api/v1/training?scope=team:t-sv2&period=2026-11", 404},
        {"/api/v1/training?scope=salesperson:sp-sv-c&period=2026-11", 404},
        {"/api/v1/training?scope=salesperson:sp-sv-a&period=2026-11", 200},
        {"/api/v1/teams/t-sv1/training/required", 200},
        {"/api/v1/teams/t-sv2/training/required", 404},
        {"/api/v1/training/required", 200},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status = 0;
        char head[2048];
        json_t *j = tk_raw("GET", cases[i].path, s_key_headers, NULL, &status, head, sizeof(head));
        tk_check(status == cases[i].want, "%s: want %d, got %d %s", cases[i].path, cases[i].want,
                 status, tk_text(j));
        json_decref(j);
    }
}

/* c-sv-2 (of sp-sv-d, team t-sv3): this month ratings 5, 3 and NPS 10, 6;
 * the month before rating 2 and NPS 0. */
/* A period with more trainings than an answer lists: sp-sv-c takes 大客户谈判 on 1 August,
 * then 200 more courses: the answer lists the 200 newest and says so (courses_truncated);
 * sp-sv-a's November is whole. */
static void test_courses_truncated(void)
{
    json_t *all = json_array();
    for (int i = 0; i <= NQ_ACTINDEX_LIMIT_MAX; i++) {
        char id[32], at[40];
        snprintf(id, sizeof(id), "sv-c-t%d", i);
        snprintf(at, sizeof(at), "2026-08-%02dT%02d:%02d:00+08:00", 1 + i / 60, 8 + (i % 60) / 10,
                 i % 10);
        json_array_append_new(all, ev(id, "training", "sp-sv-c", at, "course",
                                      json_string(i ? "晨会" : "大客户谈判")));
    }
    tk_post_counts(all, NQ_ACTINDEX_LIMIT_MAX + 1, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(SCORE_MS));
    json_t *j = tk_get_ok("/api/v1/training?scope=salesperson:sp-sv-c&period=2026-08");
    json_t *one = json_array_get(json_object_get(j, "salespeople"), 0);
    tk_check(tk_num(one, "trainings") == NQ_ACTINDEX_LIMIT_MAX + 1 &&
                 json_array_size(json_object_get(one, "courses")) == NQ_ACTINDEX_LIMIT_MAX &&
                 json_is_true(json_object_get(one, "courses_truncated")),
             "201 trainings, 200 listed, truncated: %.300s", tk_text(one));
    json_decref(j);
    j = tk_get_ok("/api/v1/training?scope=salesperson:sp-sv-a&period=2026-11");
    one = json_array_get(json_object_get(j, "salespeople"), 0);
    tk_check(json_is_false(json_object_get(one, "courses_truncated")), "whole: %s", tk_text(one));
    json_decref(j);
}

static void test_customer_periods(void)
{
    nq_period_t now, before;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, nq_now_ms(), &now) == 0 &&
                    nq_period_prev(&now, &before) == 0);
    json_decref(tk_put("/api/v1/teams/t-sv3", json_pack("{s:s}", "name", "售后三组"), 200));
    json_decref(tk_put("/api/v1/salespeople/sp-sv-d",
                       json_pack("{s:s, s:s}", "name", "周杰", "team_id", "t-sv3"), 200));
    json_decref(tk_put(
        "/api/v1/customers/c-sv-2",
        json_pack("{s:s, s:s, s:s}", "name", "华北商贸", "class", "normal", "owner_id", "sp-sv-d"),
        200));
    static const struct {
        const char *id;
        int month; /* 0 this, 1 the one before */
        int64_t after_ms;
        int rating, nps;
        const char *text;
    } fb[] = {
        {"sv-d-1", 1, 3600000, 2, 0, "太慢"},
        {"sv-d-2", 0, 1000, 5, 10, "服务及时"},
        {"sv-d-3", 0, 2000, 3, 6, NULL},
    };
    json_t *evs = json_array();
    for (size_t i = 0; i < 3; i++) {
        int64_t at = (fb[i].month ? before.start_ms : now.start_ms) + fb[i].after_ms;
        json_t *e = tk_event(fb[i].id, "feedback", "sp-sv-d", "c-sv-2", at, NULL);
        json_object_set_new(e, "rating", json_integer(fb[i].rating));
        json_object_set_new(e, "nps", json_integer(fb[i].nps));
        if (fb[i].text)
            json_object_set_new(e, "text", json_string(fb[i].text));
        json_array_append_new(evs, e);
    }
    tk_post_counts(evs, 3, 0);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(SCORE_MS));
    json_t *s = tk_get_ok("/api/v1/customers/c-sv-2/summary");
    json_t *sat = json_object_get(s, "satisfaction");
    json_t *m = json_object_get(json_object_get(sat, "periods"), "month");
    tk_check_str(json_object_get(m, "period"), now.key, "this month");
    tk_check(tk_num(m, "ratings") == 2 && tk_num(m, "promoters") == 1 &&
                 tk_num(m, "detractors") == 1,
             "this month: 2 ratings, 1 promoter, 1 detractor: %s", tk_text(m));
    tk_check_num(json_object_get(m, "avg_rating"), 4.0, "(5 + 3) / 2");
    tk_check_num(json_object_get(m, "nps"), 0.0, "(1 - 1) / 2");
    json_t *prev = json_object_get(m, "previous");
    tk_check_str(json_object_get(prev, "period"), before.key, "the month before");
    tk_check_num(json_object_get(prev, "nps"), -100.0, "one detractor");
    tk_check_num(json_object_get(json_object_get(m, "change"), "avg_rating"), 2.0, "4 - 2");
    tk_check(tk_num(sat, "ratings") == 3 && tk_num(sat, "nps_answers") == 3,
             "all-time figures kept: %s", tk_text(sat));
    json_t *c = json_object_get(sat, "comments");
    tk_check(json_array_size(c) == 3, "3 comments: %s", tk_text(c));
    tk_check_str(json_object_get(json_array_get(c, 0), "event_id"), "sv-d-3", "newest first");
    tk_check_str(json_object_get(json_array_get(c, 1), "text"), "服务及时", "its text");
    tk_check_str(json_object_get(json_array_get(c, 1), "salesperson_id"), "sp-sv-d", "by whom");
    json_decref(s);
}

/* Ask for a rebuild and wait until the index replayed the log and the
 * scorers finished. */
static void rebuild(void)
{
    json_decref(tk_call("POST", "/api/v1/admin/rebuild", NULL, 202));
    long long requested = tk_redis_int("HGET %s requested_at", NQ_KEY_REBUILD_JOB);
    for (int64_t deadline = tk_mono_ms() + 60000;
         tk_mono_ms() < deadline && tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) != requested;)
        usleep(20000); /* the activity index replays the log once it sees the request */
    CU_ASSERT_TRUE_FATAL(tk_wait_rebuild_ended(60000));
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(SCORE_MS));
}

/* A replay over the live index (every event redelivered) changes no figure. */
static void test_redelivery(void)
{
    static const char *const paths[] = {
        "/api/v1/customers/c-sv-2/summary",
        "/api/v1/customers/c-sv-1/summary",
        "/api/v1/satisfaction?scope=team:t-sv1&period=2026-11",
        "/api/v1/training?scope=team:t-sv1&period=2026-11",
    };
    char *before[4];
    for (size_t i = 0; i < 4; i++) {
        json_t *j = tk_get_ok(paths[i]);
        before[i] = json_dumps(j, JSON_SORT_KEYS);
        json_decref(j);
    }
    rebuild();
    for (size_t i = 0; i < 4; i++) {
        json_t *j = tk_get_ok(paths[i]);
        char *after = json_dumps(j, JSON_SORT_KEYS);
        tk_check(strcmp(before[i], after) == 0, "%s after a replay %s, before %s", paths[i], after,
                 before[i]);
        free(after);
        free(before[i]);
        json_decref(j);
    }
}

/* Corrupt the counters and drop the customer's figures, rebuild from the
 * log: every figure as live. */
static void test_rebuild(void)
{
    json_t *sum = tk_get_ok("/api/v1/customers/c-sv-1/summary");
    char *sum_live = json_dumps(sum, JSON_SORT_KEYS);
    json_decref(sum);
    tk_redis_do("DEL %s", "nq:cust:c-sv-1:sums");
    tk_redis_do("DEL %s", "nq:cust:c-sv-1:tickets");
    tk_redis_do("DEL %s", "nq:cust:c-sv-1:timeline");
    json_t *live = tk_get_ok("/api/v1/salespeople/sp-sv-a/kpis?period=month&at=" AT);
    char *want = json_dumps(json_object_get(live, "kpis"), JSON_SORT_KEYS);
    tk_redis_do("HINCRBY nq:{sp:sp-sv-a}:kpi:2026-11 nps_net 5");
    tk_redis_do("HDEL nq:{sp:sp-sv-a}:kpi:2026-11 training_s");
    tk_redis_do("HINCRBY nq:{sp:sp-sv-a}:kpi:2026-11 tickets_closed 3");
    tk_redis_do("HINCRBY nq:{sp:sp-sv-a}:kpi:2026-11 nps_promoters 4");
    tk_redis_do("HDEL nq:{sp:sp-sv-b}:kpi:2026-11 nps_promoters");
    json_t *team = tk_get_ok("/api/v1/satisfaction?scope=team:t-sv1&period=2026-11");
    tk_check(json_is_null(json_object_get(team, "promoters")),
             "a split that disagrees with the net is not shown: %s", tk_text(team));
    json_decref(team);
    json_t *bad = tk_get_ok("/api/v1/salespeople/sp-sv-a/kpis?period=month&at=" AT);
    char *corrupt = json_dumps(json_object_get(bad, "kpis"), JSON_SORT_KEYS);
    tk_check(strcmp(want, corrupt) != 0, "the corruption shows: %s", corrupt);
    rebuild();
    json_t *again = tk_get_ok("/api/v1/salespeople/sp-sv-a/kpis?period=month&at=" AT);
    char *got = json_dumps(json_object_get(again, "kpis"), JSON_SORT_KEYS);
    tk_check(strcmp(want, got) == 0, "after the rebuild %s, live %s", got, want);
    check_a(json_object_get(again, "kpis"), "rebuilt");
    team = tk_get_ok("/api/v1/satisfaction?scope=team:t-sv1&period=2026-11");
    check_split(team, 4, 1, "t-sv1 rebuilt");
    check_members_split(team);
    json_decref(team);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(SCORE_MS));
    sum = tk_get_ok("/api/v1/customers/c-sv-1/summary");
    char *sum_again = json_dumps(sum, JSON_SORT_KEYS);
    tk_check(strcmp(sum_live, sum_again) == 0, "customer 360 after the replay %s, live %s",
             sum_again, sum_live);
    json_decref(sum);
    free(sum_live);
    free(sum_again);
    free(want);
    free(corrupt);
    free(got);
    json_decref(live);
    json_decref(bad);
    json_decref(again);
}

/* A customer's figures hash as sorted "field=value" lines (caller frees). */
static char *sums_text(const char *customer)
{
    redisReply *r = tk_cmd("HGETALL nq:cust:%s:sums", customer);
    json_t *lines = json_array();
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2)
        json_array_append_new(lines,
                              json_sprintf("%s=%s", r->element[i]->str, r->element[i + 1]->str));
    freeReplyObject(r);
    /* sorted: the hash's order is not the test's business */
    size_t n = json_array_size(lines);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (strcmp(json_string_value(json_array_get(lines, k)),
                       json_string_value(json_array_get(lines, i))) < 0) {
                json_t *a = json_incref(json_array_get(lines, i));
                json_array_set(lines, i, json_array_get(lines, k));
                json_array_set_new(lines, k, a);
            }
    char *text = json_dumps(lines, JSON_COMPACT);
    json_decref(lines);
    return text;
}

/* Drop the month fields of the feedback figures of `customer` whose month
 * starts with `prefix` ("20": all), as an indexer without them left them. */
static void old_shape(const char *customer, const char *prefix)
{
    static const char *const names[] = {"rating_sum", "rating_count", "nps_count", "promoters",
                                        "detractors"};
    redisReply *r = tk_cmd("HKEYS nq:cust:%s:sums", customer);
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const char *f = r->element[i]->str, *bar = strchr(f, '|');
        for (size_t k = 0; bar && bar - f == 7 && k < 5; k++) {
            if (strcmp(bar + 1, names[k]) == 0 && strncmp(f, prefix, strlen(prefix)) == 0)
                tk_redis_do("HDEL nq:cust:%s:sums %s", customer, f);
        }
    }
    freeReplyObject(r);
}

/* Restart nq-customers and wait for its figures' migration to set its mark. */
static void migrate_again(void)
{
    tk_redis_do("DEL %s", NQ_KEY_CUSTSUMS_LAYOUT);
    tk_check(nq_harness_wait_ready(tk_h, 30000) &&
                 nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0,
             "nq-customers stopped");
    tk_check(nq_harness_proc_start(tk_h, "nq-customers") == 0, "nq-customers started again");
    long long mark = 0;
    for (int64_t deadline = tk_mono_ms() + 60000; tk_mono_ms() < deadline && mark != 2;) {
        usleep(20000);
        mark = tk_redis_int("GET %s", NQ_KEY_CUSTSUMS_LAYOUT);
    }
    CU_ASSERT_EQUAL_FATAL(mark, 2);
    CU_ASSERT_TRUE_FATAL(nq_harness_wait_ready(tk_h, 30000));
}

/* Feedback indexed before the month fields: c-sv-1 without any (October and
 * November), c-sv-2 without this month's (the month before kept: a mixed
 * shape). The migration gives back the fresh index's figures, and a second
 * run changes nothing. */
static void test_custsums_layout(void)
{
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(SCORE_MS));
    tk_check(tk_redis_int("GET %s", NQ_KEY_CUSTSUMS_LAYOUT) == 2, "the mark of a new install");
    char *fresh1 = sums_text("c-sv-1"), *fresh2 = sums_text("c-sv-2");
    nq_period_t now;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, nq_now_ms(), &now) == 0);
    old_shape("c-sv-1", "20");
    old_shape("c-sv-2", now.key);
    char *old1 = sums_text("c-sv-1"), *old2 = sums_text("c-sv-2");
    tk_check(strcmp(old1, fresh1) != 0 && strcmp(old2, fresh2) != 0 &&
                 strstr(old1, "2026-11|nps_count") == NULL,
             "the old shape: %s; %s", old1, old2);
    for (int run = 0; run < 2; run++) {
        migrate_again();
        char *got1 = sums_text("c-sv-1"), *got2 = sums_text("c-sv-2");
        tk_check(strcmp(got1, fresh1) == 0, "run %d: c-sv-1 %s, fresh %s", run, got1, fresh1);
        tk_check(strcmp(got2, fresh2) == 0, "run %d: c-sv-2 %s, fresh %s", run, got2, fresh2);
        free(got1);
        free(got2);
    }
    json_t *s = tk_get_ok("/api/v1/customers/c-sv-2/summary");
    json_t *m =
        json_object_get(json_object_get(json_object_get(s, "satisfaction"), "periods"), "month");
    tk_check(tk_num(m, "ratings") == 2 && tk_num(m, "promoters") == 1,
             "this month's figures back: %s", tk_text(m));
    json_decref(s);
    free(fresh1);
    free(fresh2);
    free(old1);
    free(old2);
}

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop() == 0 ? 0 : -1;
}

static CU_TestInfo tests[] = {
    {"org and a team-limited key", test_setup},
    {"tickets, feedback and training posted", test_post},
    {"salesperson KPIs: tickets, NPS, rating, training", test_kpis},
    {"leaderboards by nps and training_hours", test_board},
    {"promoters and detractors: targets, a scorecard, leaderboards", test_nps_metrics},
    {"the salesperson report with the month before", test_report},
    {"another team's figures: 404", test_scope},
    {"the customer 360: tickets against their SLA, NPS", test_customer},
    {"satisfaction of a team, a salesperson, the company", test_satisfaction},
    {"training: courses, scores, completion", test_training},
    {"satisfaction and training of another team: 404", test_satisfaction_scope},
    {"required courses: done and missing, a team's completion", test_required_courses},
    {"the customer 360: this month against the month before, comments", test_customer_periods},
    {"a period's courses beyond what an answer lists: courses_truncated", test_courses_truncated},
    {"a replay over the live index changes nothing", test_redelivery},
    {"a rebuild gives the live figures back", test_rebuild},
    {"customer figures without month fields: migrated as a fresh index", test_custsums_layout},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"service", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
