/* test_membership.c — the org as one truth over time, over real HTTP against
 * a private suite (harness.h), every expectation computed by hand:
 *   - a move dated back (effective_from) moves a salesperson's figures from
 *     that day, the history before stays with the team they were in, and
 *     overviews, boards, member counts, splits and scores all agree;
 *   - leave with a date takes a salesperson off boards, member counts and
 *     splits from that day, their figures stay;
 *   - events of salespeople not in the directory are in the company's total
 *     under "unassigned" and listed with the customers not in it
 *     (GET /api/v1/org/unknown); under NQ_UNKNOWN_SALESPERSON=reject they
 *     are refused per event;
 *   - integrity (a team lists existing salespeople, a salesperson's team and
 *     a customer's owner exist), deleting teams, salespeople and customers,
 *     nqctl seed-demo --remove, and the histories made from the first layout;
 *   - the property: random events and random org changes, and every
 *     period's team totals equal their members' figures of the days they
 *     were in the team, the company's the teams' plus the unassigned part
 *     (the seed is printed on failure; NQ_TEST_SEED=<n> replays it).
 *
 * The data of the first suite (November 2026, Asia/Shanghai):
 *   t-a: sp-1, sp-2 since the start; sp-4 from 2026-12-01 (no team before).
 *   t-b: sp-3 since the start; sp-1 moves in from 2026-11-15.
 *   sp-2 is on leave from 2026-11-20. sp-typo is in no directory.
 *   orders: sp-1 10-20 50, 11-05 100, 11-14 7, 11-15 11, 11-20 200;
 *           sp-2 11-10 1000, 11-25 2000; sp-3 11-12 10000;
 *           sp-typo 11-26 99000 (customer c-nobody); sp-4 11-28 5, 12-02 3.
 *   November: t-a 100 + 7 + 1000 + 2000 = 3107 (4 orders), t-b 11 + 200 +
 *   10000 = 10211 (3), unassigned 99000 + 5 = 99005 (2), company 112323. */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#ifndef NQ_BIN_DIR
#error "NQ_BIN_DIR must name the build's bin directory"
#endif

#define SCORE_MS 15000 /* how long scorers may take to apply what was accepted */
#define NQCTL_MS 60000 /* how long one nqctl run may take */

/* ================================================================ helpers */

static void ok(const char *method, const char *path, const char *body)
{
    json_decref(tk_call(method, path, body, 200));
}

/* A 400 whose errors name `field`, and whose text (detail + reasons)
 * mentions `mention` (NULL: no check). */
static void refused(const char *method, const char *path, const char *body, const char *field,
                    const char *mention)
{
    json_t *j = tk_call(method, path, body, 400);
    tk_check(tk_names_field(json_object_get(j, "errors"), field),
             "%s %s: errors should name %s: %s", method, path, field, tk_text(j));
    if (mention)
        tk_check(strstr(tk_text(j), mention) != NULL, "%s %s: should mention %s: %s", method, path,
                 mention, tk_text(j));
    json_decref(j);
}

/* The actual of `metric` in an overview answer, as JSON text. */
static const char *actual(const json_t *ov, const char *metric)
{
    return tk_text(
        json_object_get(json_object_get(json_object_get(ov, "metrics"), metric), "actual"));
}

/* GET the overview of subject ("teams/t-a", "company") for period/at:
 * sales_amount and orders must be these (sales as "\"1.00\"" text). */
static json_t *overview(const char *subject, const char *period, const char *at, const char *sales,
                        const char *orders)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/kpis/%s?period=%s&at=%s", subject, period, at);
    json_t *j = tk_call("GET", path, NULL, 200);
    char s[4096];
    snprintf(s, sizeof(s), "%s", actual(j, "sales_amount"));
    tk_check(strcmp(s, sales) == 0, "%s: sales want %s, got %s", path, sales, s);
    if (orders)
        tk_check(strcmp(actual(j, "orders"), orders) == 0, "%s: orders want %s, got %s", path,
                 orders, actual(j, "orders"));
    return j;
}

static void check_members(const json_t *ov, int want, const char *ctx)
{
    tk_check(json_integer_value(json_object_get(ov, "members")) == want, "%s: want %d members: %s",
             ctx, want, tk_text(json_object_get(ov, "members")));
}

/* The ids of a board, "a,b,c" in rank order. */
static const char *board(const char *scope, const char *metric, const char *at)
{
    static char ids[512];
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/leaderboards?scope=%s&metric=%s&period=month&at=%s",
             scope, metric, at);
    json_t *j = tk_call("GET", path, NULL, 200);
    size_t i;
    json_t *e;
    ids[0] = '\0';
    json_array_foreach (json_object_get(j, "entries"), i, e) {
        size_t len = strlen(ids);
        snprintf(ids + len, sizeof(ids) - len, "%s%s", i ? "," : "", tk_str(e, "salesperson_id"));
    }
    json_decref(j);
    return ids;
}

static void check_board(const char *scope, const char *metric, const char *at, const char *want)
{
    const char *got = board(scope, metric, at);
    tk_check(strcmp(got, want) == 0, "board %s %s at %s: want [%s], got [%s]", scope, metric, at,
             want, got);
}

/* The members of GET /api/v1/teams/{id}, "a,b". */
static const char *team_members(const char *team)
{
    static char ids[512];
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/teams/%s", team);
    json_t *j = tk_call("GET", path, NULL, 200);
    size_t i;
    json_t *e;
    ids[0] = '\0';
    json_array_foreach (json_object_get(j, "members"), i, e) {
        size_t len = strlen(ids);
        snprintf(ids + len, sizeof(ids) - len, "%s%s", i ? "," : "", json_string_value(e));
    }
    json_decref(j);
    return ids;
}

/* ================================================================ suite 1: the org over time */

static void test_setup(void)
{
    ok("PUT", "/api/v1/teams/t-a", "{\"name\":\"甲组\"}");
    ok("PUT", "/api/v1/teams/t-b", "{\"name\":\"乙组\"}");
    ok("PUT", "/api/v1/salespeople/sp-1", "{\"name\":\"张一\",\"team_id\":\"t-a\"}");
    ok("PUT", "/api/v1/salespeople/sp-2", "{\"name\":\"李二\",\"team_id\":\"t-a\"}");
    ok("PUT", "/api/v1/salespeople/sp-3", "{\"name\":\"王三\",\"team_id\":\"t-b\"}");
    /* sp-4 joins t-a on 12-01: no team before. */
    ok("PUT", "/api/v1/salespeople/sp-4",
       "{\"name\":\"赵四\",\"team_id\":\"t-a\",\"effective_from\":\"2026-12-01\"}");
    ok("PUT", "/api/v1/customers/c-1",
       "{\"name\":\"一号\",\"class\":\"key\",\"owner_id\":\"sp-1\"}");
    ok("PUT", "/api/v1/customers/c-2", "{\"name\":\"二号\",\"owner_id\":\"sp-2\"}");
    ok("PUT", "/api/v1/customers/c-3", "{\"name\":\"三号\",\"owner_id\":\"sp-3\"}");
    ok("PUT", "/api/v1/customers/c-pool", "{\"name\":\"公海客户\"}"); /* no owner: the pool */
    tk_check(strcmp(team_members("t-a"), "sp-1,sp-2,sp-4") == 0, "t-a members: %s",
             team_members("t-a"));
}

/* A team lists only salespeople of the directory; a salesperson's team and
 * a customer's owner exist. Nothing is stored by a refused put. */
static void test_integrity(void)
{
    refused("PUT", "/api/v1/teams/t-c", "{\"name\":\"丙组\",\"members\":[\"sp-1\",\"sp-ghost\"]}",
            "members[1]", "sp-ghost");
    json_decref(tk_call("GET", "/api/v1/teams/t-c", NULL, 404));
    refused("PUT", "/api/v1/salespeople/sp-5", "{\"name\":\"钱五\",\"team_id\":\"t-ghost\"}",
            "team_id", "t-ghost");
    json_decref(tk_call("GET", "/api/v1/salespeople/sp-5", NULL, 404));
    refused("PUT", "/api/v1/customers/c-x", "{\"name\":\"某\",\"owner_id\":\"sp-ghost\"}",
            "owner_id", "sp-ghost");
    json_decref(tk_call("GET", "/api/v1/customers/c-x", NULL, 404));
    /* A change cannot be dated ahead, nor before 2000. */
    refused("PUT", "/api/v1/salespeople/sp-1",
            "{\"name\":\"张一\",\"team_id\":\"t-b\",\"effective_from\":\"2099-01-01\"}",
            "effective_from", NULL);
    refused("PUT", "/api/v1/salespeople/sp-1",
            "{\"name\":\"张一\",\"team_id\":\"t-a\",\"status\":\"leave\",\"status_from\":"
            "\"1999-12-31\"}",
            "status_from", NULL);
    tk_check(strcmp(team_members("t-a"), "sp-1,sp-2,sp-4") == 0, "t-a members unchanged: %s",
             team_members("t-a"));
}

static void test_events(void)
{
    json_t *a = tk_post(
        json_pack(
            "[o,o,o,o,o,o,o,o,o,o,o,o,o]",
            tk_event_at("m-1", "order", "sp-1", "c-1", "2026-10-20T10:00:00+08:00", "50.00"),
            tk_event_at("m-2", "order", "sp-1", "c-1", "2026-11-05T10:00:00+08:00", "100.00"),
            tk_event_at("m-3", "order", "sp-1", "c-1", "2026-11-14T23:30:00+08:00", "7.00"),
            tk_event_at("m-4", "order", "sp-1", "c-1", "2026-11-15T00:10:00+08:00", "11.00"),
            tk_event_at("m-5", "order", "sp-1", "c-1", "2026-11-20T10:00:00+08:00", "200.00"),
            tk_event_at("m-6", "order", "sp-2", "c-2", "2026-11-10T10:00:00+08:00", "1000.00"),
            tk_event_at("m-7", "order", "sp-2", "c-2", "2026-11-25T10:00:00+08:00", "2000.00"),
            tk_event_at("m-8", "order", "sp-3", "c-3", "2026-11-12T10:00:00+08:00", "10000.00"),
            tk_event_at("m-9", "order", "sp-typo", "c-nobody", "2026-11-26T10:00:00+08:00",
                        "99000.00"),
            tk_event_at("m-10", "order", "sp-4", "c-pool", "2026-11-28T10:00:00+08:00", "5.00"),
            tk_event_at("m-11", "order", "sp-4", "c-pool", "2026-12-02T10:00:00+08:00", "3.00"),
            tk_event_at("m-12", "visit", "sp-1", "c-1", "2026-11-14T10:00:00+08:00", NULL),
            tk_event_at("m-13", "visit", "sp-1", "c-1", "2026-11-16T10:00:00+08:00", NULL)),
        202);
    json_decref(a);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
}

/* Item 7 as the issue found it: a salesperson's team_id set to another
 * team moved their scores but the old team's board still listed them. */
static void test_move_today(void)
{
    ok("PUT", "/api/v1/teams/t-x", "{\"name\":\"旧\"}");
    ok("PUT", "/api/v1/teams/t-y", "{\"name\":\"新\"}");
    ok("PUT", "/api/v1/salespeople/sp-x", "{\"name\":\"调动\",\"team_id\":\"t-x\"}");
    ok("PUT", "/api/v1/teams/t-x", "{\"name\":\"旧\",\"members\":[\"sp-x\"]}");
    ok("PUT", "/api/v1/salespeople/sp-x", "{\"name\":\"调动\",\"team_id\":\"t-y\"}");
    nq_period_t today;
    nq_period_of(NQ_PERIOD_DAY, nq_now_ms(), &today);
    check_board("team:t-x", "sales_amount", today.key, "");
    check_board("team:t-y", "sales_amount", today.key, "sp-x");
    tk_check(strcmp(team_members("t-x"), "") == 0, "t-x members: %s", team_members("t-x"));
    tk_check(strcmp(team_members("t-y"), "sp-x") == 0, "t-y members: %s", team_members("t-y"));
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/scores/salespeople/sp-x?period=month&at=%s", today.key);
    json_t *j = tk_call("GET", path, NULL, 200);
    tk_check(strcmp(tk_str(j, "team_id"), "t-y") == 0, "sp-x score: team %s", tk_text(j));
    json_decref(j);
    /* Yesterday they were still in t-x. */
    nq_period_t yesterday;
    nq_period_prev(&today, &yesterday);
    if (strncmp(yesterday.key, today.key, 7) == 0) /* the same month */
        check_board("team:t-x", "sales_amount", yesterday.key, "sp-x");
}

/* Item 7: sp-1 moves to t-b from 11-15 (recorded later, dated back). */
static void test_move(void)
{
    ok("PUT", "/api/v1/salespeople/sp-1",
       "{\"name\":\"张一\",\"team_id\":\"t-b\",\"effective_from\":\"2026-11-15\"}");
    json_t *j = tk_call("GET", "/api/v1/salespeople/sp-1", NULL, 200);
    tk_check(strcmp(tk_str(j, "team_id"), "t-b") == 0, "sp-1 team now: %s", tk_text(j));
    json_t *h = json_object_get(j, "history");
    tk_check(json_array_size(h) == 2 && !json_object_get(json_array_get(h, 0), "from") &&
                 strcmp(tk_str(json_array_get(h, 0), "team_id"), "t-a") == 0 &&
                 strcmp(tk_str(json_array_get(h, 1), "from"), "2026-11-15T00:00:00.000+08:00") ==
                     0 &&
                 strcmp(tk_str(json_array_get(h, 1), "team_id"), "t-b") == 0,
             "sp-1 history: t-a since the start, t-b from 11-15: %s", tk_text(h));
    json_decref(j);
    tk_check(strcmp(team_members("t-a"), "sp-2,sp-4") == 0, "t-a members: %s", team_members("t-a"));
    tk_check(strcmp(team_members("t-b"), "sp-1,sp-3") == 0, "t-b members: %s", team_members("t-b"));

    /* November: each team has sp-1's days in it. */
    json_decref(overview("teams/t-a", "month", "2026-11-30", "\"3107.00\"", "4"));
    json_decref(overview("teams/t-b", "month", "2026-11-30", "\"10211.00\"", "3"));
    /* October stays with t-a; the week of the move splits at Sunday 11-15. */
    json_decref(overview("teams/t-a", "month", "2026-10-15", "\"50.00\"", "1"));
    json_decref(overview("teams/t-b", "month", "2026-10-15", "\"0.00\"", "0"));
    json_decref(overview("teams/t-a", "week", "2026-11-12", "\"1007.00\"", "2"));
    json_decref(overview("teams/t-b", "week", "2026-11-12", "\"10011.00\"", "2"));
    j = overview("teams/t-a", "day", "2026-11-14", "\"7.00\"", "1");
    tk_check(strcmp(actual(j, "visits"), "1") == 0, "t-a 11-14 visits: %s", actual(j, "visits"));
    json_decref(j);
    j = overview("teams/t-b", "day", "2026-11-16", "\"0.00\"", "0");
    tk_check(strcmp(actual(j, "visits"), "1") == 0, "t-b 11-16 visits: %s", actual(j, "visits"));
    json_decref(j);
    /* A quarter: October and November as above, and sp-4's December in t-a. */
    json_decref(overview("teams/t-a", "quarter", "2026-11-30", "\"3160.00\"", "6"));
    json_decref(overview("teams/t-b", "quarter", "2026-11-30", "\"10211.00\"", "3"));
    /* The salesperson's own figures do not change. */
    json_decref(overview("salespeople/sp-1", "month", "2026-11-30", "\"318.00\"", "4"));

    /* Boards list who is in the team on the reference day; members too. */
    check_board("team:t-b", "sales_amount", "2026-11-30", "sp-3,sp-1");
    check_board("team:t-a", "sales_amount", "2026-11-10", "sp-2,sp-1");
    check_board("team:t-a", "orders", "2026-11-16", "sp-2");
    j = overview("teams/t-a", "month", "2026-11-10", "\"3107.00\"", "4");
    check_members(j, 2, "t-a on 11-10");
    json_decref(j);
    j = overview("teams/t-b", "month", "2026-11-16", "\"10211.00\"", "3");
    check_members(j, 2, "t-b on 11-16");
    json_decref(j);

    /* Scores use the team of the day of `at`. */
    j = tk_call("GET", "/api/v1/scores/salespeople/sp-1?period=month&at=2026-11-30", NULL, 200);
    tk_check(strcmp(tk_str(j, "team_id"), "t-b") == 0, "sp-1 score on 11-30: team %s", tk_text(j));
    json_decref(j);
    j = tk_call("GET", "/api/v1/scores/salespeople/sp-1?period=month&at=2026-11-10", NULL, 200);
    tk_check(strcmp(tk_str(j, "team_id"), "t-a") == 0, "sp-1 score on 11-10: team %s", tk_text(j));
    json_decref(j);

    /* A team put with members is a batch of moves from its day: sp-4 (listed)
     * is in t-a from 11-01, sp-2 (in t-a now, not listed) has no team from
     * then; a put without members leaves them as they are. */
    ok("PUT", "/api/v1/teams/t-a",
       "{\"name\":\"甲组\",\"members\":[\"sp-4\"],\"effective_from\":\"2026-11-01\"}");
    tk_check(strcmp(team_members("t-a"), "sp-4") == 0, "t-a after the batch: %s",
             team_members("t-a"));
    json_decref(overview("teams/t-a", "month", "2026-11-30", "\"112.00\"", "3"));
    ok("PUT", "/api/v1/teams/t-a", "{\"name\":\"甲组（更名）\"}");
    tk_check(strcmp(team_members("t-a"), "sp-4") == 0, "t-a after a rename: %s",
             team_members("t-a"));
    /* Undone: the same batch back, dated the same day. */
    ok("PUT", "/api/v1/teams/t-a",
       "{\"name\":\"甲组\",\"members\":[\"sp-2\"],\"effective_from\":\"2026-11-01\"}");
    ok("PUT", "/api/v1/salespeople/sp-4",
       "{\"name\":\"赵四\",\"team_id\":\"t-a\",\"effective_from\":\"2026-12-01\"}");
    /* sp-4 had no team before 11-01, so they have none at all now, until the
     * put of their own: from 12-01 again. */
    json_t *sp4 = tk_call("GET", "/api/v1/salespeople/sp-4", NULL, 200);
    json_t *h4 = json_object_get(sp4, "history");
    tk_check(json_array_size(h4) == 2 && !*tk_str(json_array_get(h4, 0), "team_id") &&
                 strcmp(tk_str(json_array_get(h4, 1), "from"), "2026-12-01T00:00:00.000+08:00") ==
                     0,
             "sp-4 history: no team, then t-a from 12-01: %s", tk_text(h4));
    json_decref(sp4);
    json_decref(overview("teams/t-a", "month", "2026-11-30", "\"3107.00\"", "4"));
}

/* Item 9: sp-2 is on leave from 11-20. */
static void test_leave(void)
{
    ok("PUT", "/api/v1/salespeople/sp-2",
       "{\"name\":\"李二\",\"team_id\":\"t-a\",\"status\":\"leave\",\"status_from\":\"2026-11-"
       "20\"}");
    /* Off boards and member counts from that day; figures stay. */
    check_board("team:t-a", "sales_amount", "2026-11-19", "sp-2");
    check_board("team:t-a", "sales_amount", "2026-11-30", "");
    check_board("company", "sales_amount", "2026-11-30", "sp-3,sp-1,sp-4,sp-x");
    check_board("company", "score", "2026-11-30", "sp-1,sp-3,sp-4,sp-x");
    json_t *j = overview("teams/t-a", "month", "2026-11-19", "\"3107.00\"", "4");
    check_members(j, 1, "t-a on 11-19");
    json_decref(j);
    j = overview("teams/t-a", "month", "2026-11-30", "\"3107.00\"", "4");
    check_members(j, 0, "t-a on 11-30");
    json_decref(j);
    /* A split of December shares among the active members now: sp-4 only. */
    ok("PUT", "/api/v1/targets/teams/t-a/month/2026-12",
       "{\"targets\":{\"sales_amount\":\"300.00\"}}");
    j = tk_call("POST", "/api/v1/targets/teams/t-a/month/2026-12/split", "{\"method\":\"even\"}",
                200);
    json_t *want = json_loads("{\"sp-4\":{\"sales_amount\":\"300.00\"}}", 0, NULL);
    tk_check(json_equal(json_object_get(j, "proposal"), want), "split t-a 2026-12: %s",
             tk_text(json_object_get(j, "proposal")));
    json_decref(want);
    json_decref(j);
    /* The simulation lists the members of the day of at. */
    j = tk_call("POST", "/api/v1/teams/t-a/simulations?period=month&at=2026-11-19", "{}", 200);
    tk_check(
        json_array_size(json_object_get(j, "salespeople")) == 1 &&
            strcmp(tk_str(json_array_get(json_object_get(j, "salespeople"), 0), "salesperson_id"),
                   "sp-2") == 0,
        "simulation t-a on 11-19: %s", tk_text(json_object_get(j, "salespeople")));
    json_decref(j);
    /* Back from leave from 11-28: on the board of 11-30 again. */
    ok("PUT", "/api/v1/salespeople/sp-2",
       "{\"name\":\"李二\",\"team_id\":\"t-a\",\"status\":\"active\",\"status_from\":"
       "\"2026-11-28\"}");
    check_board("team:t-a", "sales_amount", "2026-11-30", "sp-2");
    check_board("team:t-a", "sales_amount", "2026-11-25", "");
}

/* The unknown list: {"id","events",...} of `kind` for id, or NULL. */
static json_t *unknown_entry(json_t *list, const char *kind, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(list, kind), i, e) {
        if (strcmp(tk_str(e, "id"), id) == 0)
            return e;
    }
    return NULL;
}

/* Item 8 (accept): sp-typo's order counts in the company under "unassigned",
 * with sp-4's days without a team; both ids are listed as unknown. */
static void test_unknown(void)
{
    json_t *j = overview("company", "month", "2026-11-30", "\"112323.00\"", "9");
    json_t *un = json_object_get(j, "unassigned");
    tk_check(strcmp(tk_str(json_object_get(un, "kpis"), "sales_amount"), "99005.00") == 0 &&
                 json_integer_value(json_object_get(un, "salespeople")) == 2,
             "company 2026-11 unassigned: %s", tk_text(un));
    json_decref(j);
    j = tk_call("GET", "/api/v1/org/unknown", NULL, 200);
    json_t *sp = unknown_entry(j, "salespeople", "sp-typo");
    tk_check(sp && json_integer_value(json_object_get(sp, "events")) == 1 &&
                 *tk_str(sp, "first_seen") && *tk_str(sp, "last_seen"),
             "unknown salespeople: %s", tk_text(j));
    tk_check(json_array_size(json_object_get(j, "salespeople")) == 1, "only sp-typo: %s",
             tk_text(j));
    json_t *cu = unknown_entry(j, "customers", "c-nobody");
    tk_check(cu && json_integer_value(json_object_get(cu, "events")) == 1, "unknown customers: %s",
             tk_text(j));
    json_decref(j);
    /* Resent: a duplicate is not counted again. */
    json_decref(tk_post(json_pack("[o]", tk_event_at("m-9", "order", "sp-typo", "c-nobody",
                                                     "2026-11-26T10:00:00+08:00", "99000.00")),
                        202));
    j = tk_call("GET", "/api/v1/org/unknown", NULL, 200);
    sp = unknown_entry(j, "salespeople", "sp-typo");
    tk_check(sp && json_integer_value(json_object_get(sp, "events")) == 1,
             "a duplicate is not counted: %s", tk_text(j));
    json_decref(j);

    /* The typo fixed in the directory: sp-typo is t-b's since the start, off
     * the list, and the company total stays. */
    ok("PUT", "/api/v1/salespeople/sp-typo", "{\"name\":\"错号\",\"team_id\":\"t-b\"}");
    j = tk_call("GET", "/api/v1/org/unknown", NULL, 200);
    tk_check(!unknown_entry(j, "salespeople", "sp-typo"), "sp-typo still listed: %s", tk_text(j));
    json_decref(j);
    json_decref(overview("teams/t-b", "month", "2026-11-30", "\"109211.00\"", "4"));
    j = overview("company", "month", "2026-11-30", "\"112323.00\"", "9");
    tk_check(
        strcmp(tk_str(json_object_get(json_object_get(j, "unassigned"), "kpis"), "sales_amount"),
               "5.00") == 0,
        "company unassigned after the fix: %s", tk_text(json_object_get(j, "unassigned")));
    json_decref(j);
}

/* Deleting: a team only without members (archived), a salesperson archived
 * (no team, left, from today; past figures stay), a customer removed. */
static void test_deletes(void)
{
    refused("DELETE", "/api/v1/teams/t-b", NULL, "members", "sp-3");
    json_t *j = tk_call("DELETE", "/api/v1/salespeople/sp-3", NULL, 200);
    tk_check(strcmp(tk_str(j, "status"), "left") == 0 && *tk_str(j, "deleted_at") &&
                 !*tk_str(j, "team_id"),
             "deleted sp-3: %s", tk_text(j));
    json_decref(j);
    j = tk_call("GET", "/api/v1/salespeople/sp-3", NULL, 200);
    tk_check(*tk_str(j, "deleted_at"), "sp-3 is kept, archived: %s", tk_text(j));
    json_decref(j);
    json_decref(tk_call("DELETE", "/api/v1/salespeople/sp-3", NULL, 200)); /* again: the same */
    /* Past figures stay with t-b and the company; the past board keeps them. */
    json_decref(overview("teams/t-b", "month", "2026-11-30", "\"109211.00\"", "4"));
    json_decref(overview("company", "month", "2026-11-30", "\"112323.00\"", "9"));
    tk_check(strstr(board("team:t-b", "sales_amount", "2026-11-30"), "sp-3") != NULL,
             "sp-3 on t-b's November board");
    /* ...but not today's, nor anyone's team or owner any more. */
    nq_period_t now;
    nq_period_of(NQ_PERIOD_DAY, nq_now_ms(), &now);
    tk_check(!strstr(board("company", "sales_amount", now.key), "sp-3"), "sp-3 on today's board");
    tk_check(strcmp(team_members("t-b"), "sp-1,sp-typo") == 0, "t-b members: %s",
             team_members("t-b"));
    refused("PUT", "/api/v1/customers/c-3", "{\"name\":\"三号\",\"owner_id\":\"sp-3\"}", "owner_id",
            "sp-3");
    refused("PUT", "/api/v1/teams/t-b", "{\"name\":\"乙组\",\"members\":[\"sp-1\",\"sp-3\"]}",
            "members[1]", "sp-3");

    /* A team without members: archived, kept for its past, no one joins it. */
    ok("PUT", "/api/v1/teams/t-c", "{\"name\":\"丙组\"}");
    j = tk_call("DELETE", "/api/v1/teams/t-c", NULL, 200);
    tk_check(*tk_str(j, "deleted_at"), "deleted t-c: %s", tk_text(j));
    json_decref(j);
    j = tk_call("GET", "/api/v1/teams/t-c", NULL, 200);
    tk_check(*tk_str(j, "deleted_at"), "t-c kept, archived: %s", tk_text(j));
    json_decref(j);
    refused("PUT", "/api/v1/salespeople/sp-4", "{\"name\":\"赵四\",\"team_id\":\"t-c\"}", "team_id",
            "t-c");
    json_decref(tk_call("DELETE", "/api/v1/teams/t-nobody", NULL, 404));

    /* A customer: gone from the directory and its owner's key customers. */
    j = tk_call("GET", "/api/v1/salespeople/sp-1/kpis?period=month&at=2026-11-30", NULL, 200);
    tk_check(json_integer_value(json_object_get(json_object_get(j, "kpis"), "orders")) == 4,
             "sp-1 orders: %s", tk_text(j));
    json_decref(j);
    tk_check(tk_redis_int("SCARD %s", "nq:{sp:sp-1}:key_customers") == 1,
             "c-1 is sp-1's key customer");
    json_decref(tk_call("DELETE", "/api/v1/customers/c-1", NULL, 200));
    json_decref(tk_call("GET", "/api/v1/customers/c-1", NULL, 404));
    json_decref(tk_call("DELETE", "/api/v1/customers/c-1", NULL, 404));
    tk_check(tk_redis_int("SCARD %s", "nq:{sp:sp-1}:key_customers") == 0,
             "c-1 left the key customers");
    /* Its events stay. */
    json_decref(overview("salespeople/sp-1", "month", "2026-11-30", "\"318.00\"", "4"));
}

/* Run nqctl seed-demo against the suite; its exit code. */
static int nqctl(const char *const *args)
{
    return tk_nqctl(NULL, NULL, NQCTL_MS, args);
}

static void test_seed_demo_remove(void)
{
    tk_check(nqctl((const char *[]){"seed-demo", NULL}) == 0, "nqctl seed-demo");
    tk_check(strcmp(team_members("t-east"), "sp-lina,sp-liuyang,sp-wangfang,sp-zhangwei") == 0,
             "demo team: %s", team_members("t-east"));
    tk_check(nqctl((const char *[]){"seed-demo", "--remove", NULL}) == 0,
             "nqctl seed-demo --remove");
    json_t *j = tk_call("GET", "/api/v1/teams/t-east", NULL, 200);
    tk_check(*tk_str(j, "deleted_at") && json_array_size(json_object_get(j, "members")) == 0,
             "demo team archived: %s", tk_text(j));
    json_decref(j);
    j = tk_call("GET", "/api/v1/salespeople/sp-zhangwei", NULL, 200);
    tk_check(strcmp(tk_str(j, "status"), "left") == 0 && *tk_str(j, "deleted_at"),
             "demo salesperson: %s", tk_text(j));
    json_decref(j);
    json_decref(tk_call("GET", "/api/v1/customers/c-hz-jinda", NULL, 404));
    tk_check(nqctl((const char *[]){"seed-demo", "--remove", NULL}) == 0, "--remove twice");
    /* Seeding again restores it. */
    tk_check(nqctl((const char *[]){"seed-demo", NULL}) == 0, "nqctl seed-demo again");
    tk_check(strcmp(team_members("t-east"), "sp-lina,sp-liuyang,sp-wangfang,sp-zhangwei") == 0,
             "demo team again: %s", team_members("t-east"));
}

/* An org written by the first layout (a members list per team, team_id in
 * profiles, no histories) gets histories when nq-customers connects. */
static void test_first_layout(void)
{
    static const char *const cmds[][6] = {
        {"HSET", "nq:team:t-old", "name", "旧组", "members", "[\"sp-o1\",\"sp-o2\"]"},
        {"HSET", "nq:{sp:sp-o1}:profile", "name", "老一", "team_id", "t-old"},
        {"HSET", "nq:{sp:sp-o2}:profile", "name", "老二", "status", "leave"},
        {"SADD", "nq:teams", "t-old", NULL},
        {"SADD", "nq:salespeople", "sp-o1", "sp-o2"},
        {"DEL", "nq:org:layout", NULL},
    };
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM), 0);
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        int argc = 0;
        while (argc < 6 && cmds[i][argc])
            argc++;
        freeReplyObject(redisCommandArgv(tk_redis, argc, (const char **)cmds[i], NULL));
    }
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-customers"), 0);
    CU_ASSERT_FATAL(nq_harness_wait_ready(tk_h, 10000));
    for (int64_t end = tk_mono_ms() + 5000; tk_mono_ms() < end; usleep(50000)) {
        redisReply *r = redisCommand(tk_redis, "GET nq:org:layout");
        bool done = r && r->type == REDIS_REPLY_STRING && strcmp(r->str, NQ_ORG_LAYOUT) == 0;
        freeReplyObject(r);
        if (done)
            break;
    }
    tk_check(strcmp(team_members("t-old"), "sp-o1,sp-o2") == 0, "t-old members: %s",
             team_members("t-old"));
    json_t *j = tk_call("GET", "/api/v1/salespeople/sp-o2", NULL, 200);
    tk_check(strcmp(tk_str(j, "team_id"), "t-old") == 0 &&
                 strcmp(tk_str(j, "status"), "leave") == 0,
             "sp-o2 from the first layout: %s", tk_text(j));
    json_decref(j);
    /* Everyone else kept their history. */
    tk_check(strcmp(team_members("t-b"), "sp-1,sp-typo") == 0, "t-b members: %s",
             team_members("t-b"));
    /* The list indexes are built again after the upgrade: the list has them. */
    char ids[256] = "";
    for (int64_t end = tk_mono_ms() + 5000; strcmp(ids, "sp-o1,sp-o2") != 0 && tk_mono_ms() < end;
         usleep(50000)) {
        json_t *l = tk_call("GET", "/api/v1/salespeople?team=t-old", NULL, 200);
        size_t i;
        json_t *e;
        ids[0] = '\0';
        json_array_foreach (json_object_get(l, "items"), i, e) {
            size_t len = strlen(ids);
            snprintf(ids + len, sizeof(ids) - len, "%s%s", i ? "," : "", tk_str(e, "id"));
        }
        json_decref(l);
    }
    tk_check(strcmp(ids, "sp-o1,sp-o2") == 0, "GET /api/v1/salespeople?team=t-old: [%s]", ids);
}

static void test_stop(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

/* ================================================================ suite 2: reject */

static void test_reject(void)
{
    ok("PUT", "/api/v1/teams/t-r", "{\"name\":\"拒组\"}");
    ok("PUT", "/api/v1/salespeople/sp-r1", "{\"name\":\"在册\",\"team_id\":\"t-r\"}");
    json_t *a = tk_post(
        json_pack("[o,o]",
                  tk_event_at("r-1", "order", "sp-r1", "c-r", "2026-11-26T10:00:00+08:00", "10.00"),
                  tk_event_at("r-2", "order", "sp-ghost", "c-r", "2026-11-26T10:00:00+08:00",
                              "99000.00")),
        207);
    json_t *r = json_array_get(json_object_get(a, "results"), 1);
    json_t *e = json_array_get(json_object_get(r, "errors"), 0);
    tk_check(strcmp(tk_str(r, "status"), "rejected") == 0 &&
                 strcmp(tk_str(e, "field"), "salesperson_id") == 0 &&
                 strstr(tk_str(e, "reason"), "unknown salesperson"),
             "r-2 refused: %s", tk_text(a));
    json_decref(a);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    json_decref(overview("company", "month", "2026-11-30", "\"10.00\"", "1"));
    json_t *j = tk_call("GET", "/api/v1/org/unknown", NULL, 200);
    json_t *sp = unknown_entry(j, "salespeople", "sp-ghost");
    tk_check(sp && json_integer_value(json_object_get(sp, "events")) == 1, "sp-ghost listed: %s",
             tk_text(j));
    json_decref(j);
    /* Once in the directory, the same event is accepted (it was not remembered). */
    ok("PUT", "/api/v1/salespeople/sp-ghost", "{\"name\":\"补录\",\"team_id\":\"t-r\"}");
    json_decref(tk_post(json_pack("[o]", tk_event_at("r-2", "order", "sp-ghost", "c-r",
                                                     "2026-11-26T10:00:00+08:00", "99000.00")),
                        202));
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    json_decref(overview("teams/t-r", "month", "2026-11-30", "\"99010.00\"", "2"));
}

/* ================================================================ suite 3: the property */

#define P_PEOPLE  6
#define P_TEAMS   3
#define P_DAYS    61 /* 2026-10-01 .. 2026-11-30 */
#define P_EVENTS  160
#define P_CHANGES 14
#define DAY_MS    86400000LL

static unsigned s_seed;

static unsigned rnd(unsigned n)
{
    s_seed = s_seed * 1103515245u + 12345u;
    return (s_seed >> 16) % n;
}

static const char *const p_teams[P_TEAMS] = {"pt-0", "pt-1", "pt-2"};

/* The oracle: each person's team on each day (the id of p_teams, -1 none),
 * and their sales (fen) and orders per day. The last person is not in the
 * directory. */
typedef struct oracle {
    int team[P_PEOPLE + 1][P_DAYS];
    long long fen[P_PEOPLE + 1][P_DAYS];
    int orders[P_PEOPLE + 1][P_DAYS];
    bool has_history[P_PEOPLE + 1];
} oracle_t;

static int64_t p_day(int d)
{
    nq_period_t p;
    nq_period_from_key(NQ_PERIOD_DAY, "2026-10-01", &p);
    nq_period_of(NQ_PERIOD_DAY, p.start_ms + (int64_t)d * DAY_MS + 12 * 3600000, &p);
    return p.start_ms;
}

static void p_id(char *buf, size_t len, int i)
{
    if (i < P_PEOPLE)
        snprintf(buf, len, "p-%d", i);
    else
        snprintf(buf, len, "p-typo");
}

/* "from day d on, team t" (-1 none) in the oracle. */
static void p_move(oracle_t *o, int i, int d, int t)
{
    for (int x = d; x < P_DAYS; x++)
        o->team[i][x] = t;
}

/* Sum the oracle over [start, end): of team t (-1 none, -2 everyone). */
static void p_sum(const oracle_t *o, int t, int64_t start, int64_t end, long long *fen,
                  long long *orders)
{
    *fen = *orders = 0;
    for (int i = 0; i <= P_PEOPLE; i++) {
        for (int d = 0; d < P_DAYS; d++) {
            int64_t day = p_day(d);
            if (day >= start && day < end && (t == -2 || o->team[i][d] == t)) {
                *fen += o->fen[i][d];
                *orders += o->orders[i][d];
            }
        }
    }
}

static void test_property(void)
{
    const char *env = getenv("NQ_TEST_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 20261207u;
    s_seed = seed;
    oracle_t *o = calloc(1, sizeof(*o));
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    char path[200], body[300], id[32];
    for (int t = 0; t < P_TEAMS; t++) {
        snprintf(path, sizeof(path), "/api/v1/teams/%s", p_teams[t]);
        ok("PUT", path, "{\"name\":\"随机组\"}");
    }
    /* Everyone starts in a team or none, since the start. */
    for (int i = 0; i <= P_PEOPLE; i++)
        p_move(o, i, 0, -1);
    for (int i = 0; i < P_PEOPLE; i++) {
        int t = rnd(4) ? (int)rnd(P_TEAMS) : -1;
        p_id(id, sizeof(id), i);
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", id);
        snprintf(body, sizeof(body), "{\"name\":\"随机%d\",\"team_id\":\"%s\"}", i,
                 t < 0 ? "" : p_teams[t]);
        ok("PUT", path, body);
        p_move(o, i, 0, t);
        o->has_history[i] = t >= 0;
    }
    /* Events, in batches, in random order. */
    json_t *batch = json_array();
    for (int k = 0; k < P_EVENTS; k++) {
        int i = (int)rnd(P_PEOPLE + 1), d = (int)rnd(P_DAYS);
        long long fen = 100 + rnd(1000000);
        char ev_id[32], at[40], amount[32];
        snprintf(ev_id, sizeof(ev_id), "prop-%u-%d", seed, k);
        nq_time_format(p_day(d) + (int64_t)rnd(86400) * 1000, at, sizeof(at));
        snprintf(amount, sizeof(amount), "%lld.%02lld", fen / 100, fen % 100);
        p_id(id, sizeof(id), i);
        json_array_append_new(batch, tk_event_at(ev_id, "order", id, "c-any", at, amount));
        o->fen[i][d] += fen;
        o->orders[i][d]++;
        if (json_array_size(batch) == 40 || k == P_EVENTS - 1) {
            json_decref(tk_post(batch, 202));
            batch = json_array();
        }
    }
    json_decref(batch);
    /* Org changes, each "from day D on": salesperson moves (or no team),
     * leaves, and team puts with members (a batch of moves). */
    for (int k = 0; k < P_CHANGES; k++) {
        int d = (int)rnd(P_DAYS), kind = (int)rnd(5);
        char from[16];
        nq_period_t day;
        nq_period_of(NQ_PERIOD_DAY, p_day(d), &day);
        snprintf(from, sizeof(from), "%s", day.key);
        if (kind < 3) { /* a salesperson's team */
            int i = (int)rnd(P_PEOPLE), t = rnd(5) ? (int)rnd(P_TEAMS) : -1;
            p_id(id, sizeof(id), i);
            snprintf(path, sizeof(path), "/api/v1/salespeople/%s", id);
            snprintf(body, sizeof(body),
                     "{\"name\":\"随机%d\",\"team_id\":\"%s\",\"effective_from\":\"%s\"}", i,
                     t < 0 ? "" : p_teams[t], from);
            ok("PUT", path, body);
            p_move(o, i, d, t);
        } else if (kind == 3) { /* a leave: figures do not move */
            int i = (int)rnd(P_PEOPLE);
            int t = o->team[i][P_DAYS - 1];
            p_id(id, sizeof(id), i);
            snprintf(path, sizeof(path), "/api/v1/salespeople/%s", id);
            snprintf(body, sizeof(body),
                     "{\"name\":\"随机%d\",\"team_id\":\"%s\",\"status\":\"leave\","
                     "\"status_from\":\"%s\"}",
                     i, t < 0 ? "" : p_teams[t], from);
            ok("PUT", path, body);
        } else { /* a team's members from D: listed join, current ones not listed leave */
            int t = (int)rnd(P_TEAMS);
            bool listed[P_PEOPLE] = {false};
            char members[200] = "";
            for (int i = 0; i < P_PEOPLE; i++) {
                if (rnd(3) != 0)
                    continue;
                listed[i] = true;
                size_t len = strlen(members);
                snprintf(members + len, sizeof(members) - len, "%s\"p-%d\"", len ? "," : "", i);
            }
            snprintf(path, sizeof(path), "/api/v1/teams/%s", p_teams[t]);
            snprintf(body, sizeof(body),
                     "{\"name\":\"随机组\",\"members\":[%s],\"effective_from\":\"%s\"}", members,
                     from);
            ok("PUT", path, body);
            for (int i = 0; i < P_PEOPLE; i++) {
                if (listed[i])
                    p_move(o, i, d, t);
                else if (o->team[i][P_DAYS - 1] == t)
                    p_move(o, i, d, -1);
            }
        }
    }
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));

    /* Every month, week and some days of October and November, and the
     * quarter: each team's total, the unassigned part and the company's. */
    bool good = true;
    for (int d = 0; d < P_DAYS && good; d += 1 + (int)rnd(6)) {
        for (int kind = NQ_PERIOD_DAY; kind <= NQ_PERIOD_QUARTER && good; kind++) {
            nq_period_t p;
            char at[16];
            nq_period_of((nq_period_kind_t)kind, p_day(d) + 3600000, &p);
            nq_period_t day;
            nq_period_of(NQ_PERIOD_DAY, p_day(d), &day);
            snprintf(at, sizeof(at), "%s", day.key);
            long long fen, orders, sum_fen = 0, sum_orders = 0;
            char want[48], want_orders[24], subject[32];
            for (int t = -1; t < P_TEAMS; t++) {
                p_sum(o, t, p.start_ms, p.end_ms, &fen, &orders);
                sum_fen += fen;
                sum_orders += orders;
                snprintf(want, sizeof(want), "\"%lld.%02lld\"", fen / 100, fen % 100);
                snprintf(want_orders, sizeof(want_orders), "%lld", orders);
                if (t < 0) {
                    snprintf(path, sizeof(path), "/api/v1/kpis/company?period=%s&at=%s",
                             nq_period_kind_name(p.kind), at);
                    json_t *j = tk_call("GET", path, NULL, 200);
                    json_t *un = json_object_get(json_object_get(j, "unassigned"), "kpis");
                    char got[48];
                    snprintf(got, sizeof(got), "\"%s\"", tk_str(un, "sales_amount"));
                    good = tk_check(strcmp(got, want) == 0 &&
                                        json_integer_value(json_object_get(un, "orders")) == orders,
                                    "%s unassigned: want %s / %s, got %s", path, want, want_orders,
                                    tk_text(un));
                    json_decref(j);
                    continue;
                }
                snprintf(subject, sizeof(subject), "teams/%s", p_teams[t]);
                json_t *j = overview(subject, nq_period_kind_name(p.kind), at, want, want_orders);
                good = good && strcmp(actual(j, "orders"), want_orders) == 0;
                json_decref(j);
            }
            p_sum(o, -2, p.start_ms, p.end_ms, &fen, &orders);
            good = tk_check(fen == sum_fen && orders == sum_orders,
                            "oracle: everyone %lld = teams + unassigned %lld", fen, sum_fen) &&
                   good;
            snprintf(want, sizeof(want), "\"%lld.%02lld\"", fen / 100, fen % 100);
            snprintf(want_orders, sizeof(want_orders), "%lld", orders);
            json_decref(overview("company", nq_period_kind_name(p.kind), at, want, want_orders));
        }
    }
    if (!good || CU_get_number_of_failures() > 0)
        fprintf(stderr, "\n    property test seed: %u (NQ_TEST_SEED=%u replays it)\n", seed, seed);
    free(o);
}

/* ================================================================ suites */

static int suite1_init(void)
{
    static const char *const env[] = {NULL};
    return tk_start(env);
}

static int suite_reject_init(void)
{
    static const char *const env[] = {"NQ_UNKNOWN_SALESPERSON=reject", NULL};
    return tk_start(env);
}

static int suite_cleanup(void)
{
    if (tk_h)
        tk_stop();
    return 0;
}

static CU_TestInfo org_tests[] = {
    {"setup: teams, then their salespeople, customers", test_setup},
    {"integrity: missing salespeople, teams, owners; dates", test_integrity},
    {"events of October and November", test_events},
    {"a move today: the old team's board no longer lists them", test_move_today},
    {"a move dated back: figures by day, boards, members, scores agree", test_move},
    {"leave with a date: off boards, counts, splits; figures stay", test_leave},
    {"unknown salespeople: unassigned in the company, listed", test_unknown},
    {"deleting teams, salespeople, customers", test_deletes},
    {"nqctl seed-demo --remove", test_seed_demo_remove},
    {"histories from the first layout", test_first_layout},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo reject_tests[] = {
    {"NQ_UNKNOWN_SALESPERSON=reject: refused per event, listed", test_reject},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo property_tests[] = {
    {"random events and org changes: team totals, unassigned, company", test_property},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"org over time", suite1_init, suite_cleanup, NULL, NULL, org_tests},
    {"unknown salespeople refused", suite_reject_init, suite_cleanup, NULL, NULL, reject_tests},
    {"property", suite1_init, suite_cleanup, NULL, NULL, property_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
