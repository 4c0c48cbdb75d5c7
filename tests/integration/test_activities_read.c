/* test_activities_read.c — the activity index (nq/actindex.h) through a
 * private suite (harness.h), over real HTTP:
 *   - events of every type (visits with geo, notes, attributes) read back by
 *     salesperson exactly as posted, plus received_at; duplicates and
 *     conflicts once or not at all; an unknown salesperson's events too;
 *   - by customer (and of one salesperson there), by team (its members'
 *     timelines merged), filtered by type and by from/to, paged with cursors
 *     at every page size, thousands of events in one millisecond included,
 *     and a type filter over a long timeline (short pages, a cursor to go on);
 *   - every bad parameter a 400 naming it; an unknown team a 404;
 *   - the console's salesperson page reads: a salesperson's events by path
 *     (/salespeople/{id}/activities), their trend (n periods, each beside
 *     its last year, each equal to that period's KPIs), and a team's
 *     members without an event in a day or week (/teams/{id}/idle);
 *   - nq-customers killed and restarted while events flow, and entries
 *     left pending by an instance that died: every event is in the index once;
 *   - the index after a rebuild request (with parts of it deleted first) and
 *     after a first start over the whole log equals the index before.
 */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nq/actindex.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define INDEX_MS 30000 /* how long the indexer may take to catch up */

/* ================================================================ helpers */

/* Every page of GET /api/v1/activities?<query>&limit=<limit>, items
 * appended in order; pages counted in *pages. New reference. */
static json_t *read_all(const char *query, int limit, int *pages)
{
    json_t *all = json_array();
    char cursor[NQ_ACTINDEX_CURSOR_MAX] = "";
    int n = 0;
    for (; n < 10000; n++) {
        char path[1024];
        snprintf(path, sizeof(path), "/api/v1/activities?%s&limit=%d%s%s", query, limit,
                 *cursor ? "&cursor=" : "", cursor);
        json_t *j = tk_call("GET", path, NULL, 200);
        json_t *items = json_object_get(j, "items");
        tk_check(json_is_array(items) && json_array_size(items) <= (size_t)limit,
                 "%s: a page of at most %d items: %s", path, limit, tk_text(j));
        json_array_extend(all, items);
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        tk_check(json_object_get(j, "next_cursor") != NULL, "%s: next_cursor is always there",
                 path);
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            break;
    }
    if (pages)
        *pages = n + 1;
    return all;
}

/* "id,id,..." of items, in order. */
static const char *ids_of(const json_t *items)
{
    static char buf[65536];
    size_t i, len = 0;
    json_t *e;
    buf[0] = '\0';
    json_array_foreach (items, i, e) {
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "",
                                tk_str(e, "event_id"));
        if (len >= sizeof(buf))
            break;
    }
    return buf;
}

/* The ids read, in pages of `limit`, are `want` or (events of one instant
 * in the other order) `or` (NULL: only want). */
static void check_ids_or(const char *query, int limit, const char *want, const char * or)
{
    json_t *all = read_all(query, limit, NULL);
    const char *got = ids_of(all);
    tk_check(strcmp(got, want) == 0 || (or &&strcmp(got, or) == 0),
             "%s (pages of %d): want [%s], got [%s]", query, limit, want, got);
    json_decref(all);
}

static void check_ids(const char *query, int limit, const char *want)
{
    check_ids_or(query, limit, want, NULL);
}

/* Items are newest first; ties in any stable order. */
static bool newest_first(const json_t *items)
{
    int64_t prev = INT64_MAX;
    size_t i;
    json_t *e;
    json_array_foreach (items, i, e) {
        int64_t at;
        if (nq_time_parse(tk_str(e, "occurred_at"), &at, NULL) != 0 || at > prev)
            return false;
        prev = at;
    }
    return true;
}

/* ================================================================ the data */

/* sp-a's events, one of each type, oldest first (times as answers write them,
 * so that an item equals what was posted). */
static const char *const s_sp_a[] = {
    "{\"event_id\":\"a-01\",\"type\":\"visit\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-1\",\"occurred_at\":\"2026-11-02T09:30:00.000+08:00\",\"location\":{\"lat\":31.2304,"
    "\"lng\":121.4737,\"accuracy_m\":15.5},\"duration_s\":1800,\"purpose\":\"季度回访\","
    "\"outcome\":\"有意向\",\"notes\":\"客户关注新品，\\\"急\\\"\",\"attributes\":{\"区域\":"
    "\"华东\",\"crm\":\"x-1\"},\"source\":\"app\"}",
    "{\"event_id\":\"a-02\",\"type\":\"call\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-1\",\"occurred_at\":\"2026-11-03T10:05:00.000+08:00\",\"duration_s\":240,\"direction\":"
    "\"outbound\",\"outcome\":\"约好下周拜访\"}",
    "{\"event_id\":\"a-03\",\"type\":\"meeting\",\"salesperson_id\":\"sp-a\",\"occurred_at\":"
    "\"2026-11-04T14:00:00.000+08:00\",\"duration_s\":3600,\"purpose\":\"方案评审\","
    "\"location\":{\"lat\":39.9042,\"lng\":116.4074}}",
    "{\"event_id\":\"a-04\",\"type\":\"order\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-1\",\"occurred_at\":\"2026-11-05T11:00:00.000+08:00\",\"order_id\":\"SO-1\",\"amount\":"
    "\"86000.00\",\"due_at\":\"2026-12-10T00:00:00.000+08:00\",\"line_count\":3}",
    "{\"event_id\":\"a-05\",\"type\":\"order_fulfilled\",\"salesperson_id\":\"sp-a\","
    "\"customer_id\":\"c-1\",\"occurred_at\":\"2026-11-06T16:00:00.000+08:00\",\"order_id\":"
    "\"SO-1\",\"on_time\":true,\"amount\":\"86000.00\"}",
    "{\"event_id\":\"a-06\",\"type\":\"order_cancelled\",\"salesperson_id\":\"sp-a\","
    "\"customer_id\":\"c-2\",\"occurred_at\":\"2026-11-07T12:00:00.000+08:00\",\"order_id\":"
    "\"SO-7\",\"amount\":\"3200.00\"}",
    "{\"event_id\":\"a-07\",\"type\":\"return\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-2\",\"occurred_at\":\"2026-11-08T12:30:00.000+08:00\",\"order_id\":\"SO-2\",\"amount\":"
    "\"450.50\"}",
    "{\"event_id\":\"a-08\",\"type\":\"invoice\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-1\",\"occurred_at\":\"2026-11-09T17:00:00.000+08:00\",\"order_id\":\"SO-1\",\"amount\":"
    "\"86000.00\",\"due_at\":\"2026-12-26T00:00:00.000+08:00\"}",
    "{\"event_id\":\"a-09\",\"type\":\"payment\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-1\",\"occurred_at\":\"2026-11-10T09:00:00.000+08:00\",\"amount\":\"40000.00\"}",
    "{\"event_id\":\"a-10\",\"type\":\"new_customer\",\"salesperson_id\":\"sp-a\","
    "\"customer_id\":\"c-3\",\"occurred_at\":\"2026-11-11T15:00:00.000+08:00\"}",
    "{\"event_id\":\"a-11\",\"type\":\"feedback\",\"salesperson_id\":\"sp-a\",\"customer_id\":"
    "\"c-1\",\"occurred_at\":\"2026-11-12T18:00:00.000+08:00\",\"rating\":5,\"nps\":9,"
    "\"channel\":\"survey\",\"text\":\"服务及时\"}",
    "{\"event_id\":\"a-12\",\"type\":\"ticket_opened\",\"salesperson_id\":\"sp-a\","
    "\"customer_id\":\"c-2\",\"occurred_at\":\"2026-11-13T10:00:00.000+08:00\",\"ticket_id\":"
    "\"TK-1\",\"category\":\"质量投诉\",\"priority\":\"high\"}",
    "{\"event_id\":\"a-13\",\"type\":\"ticket_closed\",\"salesperson_id\":\"sp-a\","
    "\"customer_id\":\"c-2\",\"occurred_at\":\"2026-11-14T10:00:00.000+08:00\",\"ticket_id\":"
    "\"TK-1\",\"outcome\":\"已换货\"}",
    "{\"event_id\":\"a-14\",\"type\":\"competitor_intel\",\"salesperson_id\":\"sp-a\","
    "\"customer_id\":\"c-2\",\"occurred_at\":\"2026-11-15T13:00:00.000+08:00\",\"competitor\":"
    "\"某竞品\",\"product\":\"A100\",\"price\":\"980.00\",\"text\":\"对方降价 10%\"}",
    "{\"event_id\":\"a-15\",\"type\":\"training\",\"salesperson_id\":\"sp-a\",\"occurred_at\":"
    "\"2026-11-16T19:00:00.000+08:00\",\"course\":\"大客户谈判\",\"score\":92}",
};
#define N_SP_A (sizeof(s_sp_a) / sizeof(s_sp_a[0]))
#define SP_A_NEWEST_FIRST                                                                          \
    "a-15,a-14,a-13,a-12,a-11,a-10,a-09,a-08,a-07,a-06,a-05,a-04,a-03,a-02,a-01"

static void test_setup(void)
{
    json_decref(tk_call("PUT", "/api/v1/salespeople/sp-a", "{\"name\":\"张甲\"}", 200));
    json_decref(tk_call("PUT", "/api/v1/salespeople/sp-b", "{\"name\":\"李乙\"}", 200));
    json_decref(tk_call("PUT", "/api/v1/salespeople/sp-c", "{\"name\":\"王丙\"}", 200));
    json_decref(tk_call("PUT", "/api/v1/teams/t-1",
                        "{\"name\":\"一组\",\"members\":[\"sp-a\",\"sp-b\"]}", 200));
    json_decref(tk_call("PUT", "/api/v1/teams/t-empty", "{\"name\":\"空组\"}", 200));
    json_t *batch = json_array();
    for (size_t i = 0; i < N_SP_A; i++)
        json_array_append_new(batch, json_loads(s_sp_a[i], 0, NULL));
    json_decref(tk_post(batch, 202));
    /* sp-b at c-1 and c-2; one at the same instant as sp-a's visit */
    batch =
        json_pack("[o, o, o, o]",
                  tk_event_at("b-1", "visit", "sp-b", "c-1", "2026-11-02T09:30:00+08:00", NULL),
                  tk_event_at("b-2", "call", "sp-b", "c-1", "2026-11-20T08:00:00+08:00", NULL),
                  tk_event_at("b-3", "visit", "sp-b", "c-2", "2026-11-21T08:00:00+08:00", NULL),
                  tk_event_at("b-4", "call", "sp-b", NULL, "2026-10-31T23:59:59.999+08:00", NULL));
    json_decref(tk_post(batch, 202));
    /* resent (a duplicate), and the same id with other content (a conflict) */
    json_t *again = json_loads(s_sp_a[1], 0, NULL);
    json_t *other = tk_event_at("b-2", "call", "sp-b", "c-2", "2026-11-20T08:00:00+08:00", NULL);
    json_t *a = tk_post(json_pack("[o, o]", again, other), 207);
    tk_check(json_integer_value(json_object_get(a, "duplicate")) == 1 &&
                 json_integer_value(json_object_get(a, "conflict")) == 1,
             "a duplicate and a conflict: %s", tk_text(a));
    json_decref(a);
    /* a salesperson in no directory */
    json_decref(tk_post(json_pack("[o]", tk_event_at("typo-1", "visit", "sp-typo", "c-1",
                                                     "2026-11-22T10:00:00+08:00", NULL)),
                        202));
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
}

/* ================================================================ reading back */

/* sp-a's events, every type, read back as posted plus received_at. */
static void test_every_type(void)
{
    json_t *j = tk_call("GET", "/api/v1/activities?salesperson=sp-a", NULL, 200);
    json_t *items = json_object_get(j, "items");
    tk_check(strcmp(ids_of(items), SP_A_NEWEST_FIRST) == 0, "sp-a newest first: %s", ids_of(items));
    tk_check(json_is_null(json_object_get(j, "next_cursor")), "one page: %s",
             tk_text(json_object_get(j, "next_cursor")));
    for (size_t i = 0; i < json_array_size(items) && i < N_SP_A; i++) {
        json_t *item = json_deep_copy(json_array_get(items, i));
        json_t *posted = json_loads(s_sp_a[N_SP_A - 1 - i], 0, NULL);
        int64_t at;
        tk_check(nq_time_parse(tk_str(item, "received_at"), &at, NULL) == 0 && at > 1790000000000LL,
                 "%s: received_at %s", tk_str(item, "event_id"), tk_str(item, "received_at"));
        json_object_del(item, "received_at");
        tk_check(json_equal(item, posted), "%s read back:\n      got  %s",
                 tk_str(posted, "event_id"), tk_text(item));
        if (!json_equal(item, posted))
            fprintf(stderr, "      want %s\n", tk_text(posted));
        json_decref(item);
        json_decref(posted);
    }
    json_decref(j);
    /* a duplicate is there once, a conflict not at all, an unknown salesperson's is */
    check_ids("salesperson=sp-b", 50, "b-3,b-2,b-1,b-4");
    json_t *b = read_all("salesperson=sp-b", 50, NULL);
    tk_check(strcmp(tk_str(json_array_get(b, 1), "customer_id"), "c-1") == 0,
             "b-2 as first stored, not the conflict: %s", tk_text(json_array_get(b, 1)));
    json_decref(b);
    check_ids("salesperson=sp-typo", 50, "typo-1");
    check_ids("salesperson=sp-nobody", 50, "");
    /* what the index holds: one event per field, one member per event */
    redisReply *r = tk_cmd("HLEN nq:{sp:sp-a}:acts");
    tk_check(r && r->integer == (long long)N_SP_A, "sp-a events stored once: %lld",
             r ? r->integer : -1);
    freeReplyObject(r);
    r = tk_cmd("ZCARD nq:{sp:sp-a}:timeline");
    tk_check(r && r->integer == (long long)N_SP_A, "sp-a timeline: %lld", r ? r->integer : -1);
    freeReplyObject(r);
}

/* c-1's events; a-01 and b-1 share an instant. */
#define C1    "typo-1,b-2,a-11,a-09,a-08,a-05,a-04,a-02,a-01,b-1"
#define C1_OR "typo-1,b-2,a-11,a-09,a-08,a-05,a-04,a-02,b-1,a-01"

static void test_by_customer(void)
{
    for (int limit = 1; limit <= 4; limit++)
        check_ids_or("customer=c-1", limit, C1, C1_OR);
    check_ids_or("customer=c-1", 50, C1, C1_OR);
    check_ids("customer=c-1&salesperson=sp-b", 50, "b-2,b-1");
    check_ids("customer=c-1&salesperson=sp-b", 1, "b-2,b-1");
    check_ids("customer=c-2", 50, "b-3,a-14,a-13,a-12,a-07,a-06");
    check_ids("customer=c-3", 50, "a-10");
    check_ids("customer=c-nobody", 50, "");
}

static void test_filters(void)
{
    check_ids("salesperson=sp-a&type=visit,call,meeting", 50, "a-03,a-02,a-01");
    check_ids("salesperson=sp-a&type=order_fulfilled", 50, "a-05");
    check_ids("salesperson=sp-a&type=visit&type=call", 50, "a-01"); /* the first one counts */
    check_ids_or("customer=c-1&type=visit", 50, "typo-1,a-01,b-1", "typo-1,b-1,a-01");
    check_ids("customer=c-1&type=visit&salesperson=sp-a", 50, "a-01");
    /* from is inclusive; to as a time exclusive, as a date through that day */
    check_ids("salesperson=sp-a&from=2026-11-14T10:00:00%2B08:00", 50, "a-15,a-14,a-13");
    check_ids("salesperson=sp-a&to=2026-11-03T10:05:00%2B08:00", 50, "a-01");
    check_ids("salesperson=sp-a&to=2026-11-03", 50, "a-02,a-01");
    check_ids("salesperson=sp-a&from=2026-11-05&to=2026-11-06", 50, "a-05,a-04");
    check_ids("salesperson=sp-b&from=2026-11-01", 50, "b-3,b-2,b-1");
    check_ids("salesperson=sp-b&to=1793462400000", 50, "b-4"); /* 2026-11-01 00:00 +08:00 */
    check_ids("salesperson=sp-a&from=2026-11-05&to=2026-11-12&type=order,payment,invoice", 1,
              "a-09,a-08,a-04");
    check_ids("salesperson=sp-a&from=2027-01-01", 50, "");
    check_ids("salesperson=sp-a&to=2001-01-01", 50, "");
}

static void test_paging(void)
{
    for (int limit = 1; limit <= 16; limit++) {
        int pages = 0;
        json_t *all = read_all("salesperson=sp-a", limit, &pages);
        tk_check(strcmp(ids_of(all), SP_A_NEWEST_FIRST) == 0, "pages of %d: %s", limit,
                 ids_of(all));
        tk_check(pages == (int)((N_SP_A + (size_t)limit - 1) / (size_t)limit),
                 "pages of %d: %d pages, no empty one at the end", limit, pages);
        json_decref(all);
    }
    /* the default page is 50, the most 200 */
    json_t *j = tk_call("GET", "/api/v1/activities?salesperson=sp-a&limit=200", NULL, 200);
    tk_check(json_array_size(json_object_get(j, "items")) == N_SP_A, "limit 200: %s", tk_text(j));
    json_decref(j);
}

static void test_team(void)
{
    const char *all = "b-3,b-2,a-15,a-14,a-13,a-12,a-11,a-10,a-09,a-08,a-07,a-06,a-05,a-04,a-03,"
                      "a-02,";
    json_t *t = read_all("team=t-1", 50, NULL);
    /* a-01 and b-1 share an instant: either order; b-4 is the oldest */
    const char *got = ids_of(t);
    tk_check(strncmp(got, all, strlen(all)) == 0 &&
                 (strcmp(got + strlen(all), "a-01,b-1,b-4") == 0 ||
                  strcmp(got + strlen(all), "b-1,a-01,b-4") == 0),
             "team t-1: %s", got);
    tk_check(newest_first(t), "team t-1 newest first");
    for (int limit = 1; limit <= 5; limit++) {
        json_t *paged = read_all("team=t-1", limit, NULL);
        tk_check(strcmp(ids_of(paged), got) == 0, "team t-1 in pages of %d: %s", limit,
                 ids_of(paged));
        json_decref(paged);
    }
    json_decref(t);
    check_ids_or("team=t-1&type=visit", 2, "b-3,a-01,b-1", "b-3,b-1,a-01");
    check_ids_or("team=t-1&type=visit&to=2026-11-20", 1, "a-01,b-1", "b-1,a-01");
    check_ids("team=t-empty", 50, "");
    json_decref(tk_call("GET", "/api/v1/activities?team=t-ghost", NULL, 404));
}

/* The idle members of `team` in `query`'s period: "sp-a,sp-b" in id order. */
static void check_idle(const char *team, const char *query, const char *want)
{
    char path[256], got[256] = "";
    snprintf(path, sizeof(path), "/api/v1/teams/%s/idle?%s", team, query);
    json_t *j = tk_call("GET", path, NULL, 200);
    size_t i, len = 0;
    json_t *e;
    json_array_foreach (json_object_get(j, "idle"), i, e)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s", i ? "," : "",
                                json_string_value(e));
    tk_check(strcmp(got, want) == 0 && strcmp(tk_str(j, "team_id"), team) == 0,
             "%s: idle %s, want %s: %s", path, got, want, tk_text(j));
    json_decref(j);
}

/* The trend of sp-a: each point's figures are those of its period and of its last year. */
static void check_trend(const char *query, const char *const *keys, size_t n)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/salespeople/sp-a/trend?%s", query);
    json_t *j = tk_call("GET", path, NULL, 200);
    json_t *points = json_object_get(j, "points");
    tk_check(json_array_size(points) == n && strcmp(tk_str(j, "salesperson_id"), "sp-a") == 0,
             "%s: %zu points: %s", path, n, tk_text(j));
    for (size_t i = 0; i < n && i < json_array_size(points); i++) {
        json_t *p = json_array_get(points, i);
        json_t *ly = json_object_get(p, "last_year");
        json_t *period = json_object_get(p, "period");
        tk_check(strcmp(tk_str(period, "key"), keys[i]) == 0, "%s: point %zu is %s, want %s", path,
                 i, tk_str(period, "key"), keys[i]);
        for (json_t *q = p; q; q = q == p ? ly : NULL) {
            char one[256];
            json_t *pq = json_object_get(q, "period");
            snprintf(one, sizeof(one), "/api/v1/salespeople/sp-a/kpis?period=%s&at=%s",
                     tk_str(pq, "kind"), tk_str(pq, "start"));
            for (char *c = one; *c; c++)
                if (*c == '+')
                    memmove(c + 3, c + 1, strlen(c + 1) + 1), memcpy(c, "%2B", 3);
            json_t *k = tk_call("GET", one, NULL, 200);
            tk_check(json_equal(json_object_get(q, "kpis"), json_object_get(k, "kpis")) &&
                         json_equal(pq, json_object_get(k, "period")),
                     "%s: %s differs from %s: %s", path, tk_str(pq, "key"), one, tk_text(k));
            json_decref(k);
        }
    }
    json_decref(j);
}

static void test_salesperson_page(void)
{
    CU_ASSERT_TRUE_FATAL(tk_wait_scored(15000));
    /* a salesperson's events by path: as ?salesperson= answers them, filters and pages too */
    json_t *a = tk_call("GET", "/api/v1/salespeople/sp-a/activities?limit=200", NULL, 200);
    json_t *b = tk_call("GET", "/api/v1/activities?salesperson=sp-a&limit=200", NULL, 200);
    tk_check(json_equal(a, b) &&
                 strcmp(ids_of(json_object_get(a, "items")), SP_A_NEWEST_FIRST) == 0,
             "by path: %s", ids_of(json_object_get(a, "items")));
    json_decref(a);
    json_decref(b);
    a = tk_call("GET", "/api/v1/salespeople/sp-a/activities?type=visit,call&limit=1", NULL, 200);
    tk_check(strcmp(ids_of(json_object_get(a, "items")), "a-02") == 0 &&
                 json_is_string(json_object_get(a, "next_cursor")),
             "by path, filtered, a page of 1: %s", tk_text(a));
    json_decref(a);
    tk_expect_400("GET", "/api/v1/salespeople/sp-a/activities?limit=0", NULL, "limit");
    tk_expect_400("GET", "/api/v1/salespeople/sp-a/activities?type=dance", NULL, "type");
    /* the trend: oldest first, the period of `at` last */
    check_trend("period=month&n=3&at=2026-11-15", (const char *[]){"2026-09", "2026-10", "2026-11"},
                3);
    check_trend("period=week&n=2&at=2026-11-04", (const char *[]){"2026-W44", "2026-W45"}, 2);
    json_t *t =
        tk_call("GET", "/api/v1/salespeople/sp-a/trend?period=month&at=2026-11-15", NULL, 200);
    json_t *last = json_array_get(json_object_get(t, "points"), 11);
    json_t *ly = json_object_get(last, "last_year");
    tk_check(json_array_size(json_object_get(t, "points")) == 12 &&
                 strcmp(tk_str(json_object_get(last, "period"), "key"), "2026-11") == 0 &&
                 strcmp(tk_str(json_object_get(ly, "period"), "key"), "2025-11") == 0 &&
                 strcmp(tk_str(json_object_get(last, "kpis"), "collections"), "40000.00") == 0,
             "12 months by default, 2026-11 beside 2025-11: %s", tk_text(t));
    json_decref(t);
    tk_expect_400("GET", "/api/v1/salespeople/sp-a/trend?n=0", NULL, "n");
    tk_expect_400("GET", "/api/v1/salespeople/sp-a/trend?n=25", NULL, "n");
    tk_expect_400("GET", "/api/v1/salespeople/sp-a/trend?n=3x", NULL, "n");
    tk_expect_400("GET", "/api/v1/salespeople/sp-a/trend?period=decade", NULL, "period");
    /* who of t-1 (sp-a, sp-b) has no event: a day, a week, the default day */
    check_idle("t-1", "at=2026-11-20", "sp-a");
    check_idle("t-1", "at=2026-11-02", "");
    check_idle("t-1", "at=2026-11-25", "sp-a,sp-b");
    check_idle("t-1", "period=week&at=2026-11-20", "");
    check_idle("t-1", "", "sp-a,sp-b");
    check_idle("t-empty", "at=2026-11-20", "");
    json_decref(tk_call("GET", "/api/v1/teams/t-ghost/idle", NULL, 404));
    tk_expect_400("GET", "/api/v1/teams/t-1/idle?at=yesterday", NULL, "at");
}

static void test_bad_parameters(void)
{
    tk_expect_400("GET", "/api/v1/activities", NULL, "salesperson");
    tk_expect_400("GET", "/api/v1/activities?type=visit", NULL, "salesperson");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp%20a", NULL, "salesperson");
    tk_expect_400("GET", "/api/v1/activities?salesperson=", NULL, "salesperson");
    tk_expect_400("GET", "/api/v1/activities?customer=c{1}", NULL, "customer");
    tk_expect_400("GET", "/api/v1/activities?team=t-1&customer=c-1", NULL, "team");
    tk_expect_400("GET", "/api/v1/activities?team=t-1&salesperson=sp-a", NULL, "team");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&type=vist", NULL, "type");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&type=visit,", NULL, "type");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&type=", NULL, "type");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&from=yesterday", NULL, "from");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&to=2026-13-01", NULL, "to");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&from=2026-11-05&to=2026-11-04", NULL,
                  "to");
    tk_expect_400("GET",
                  "/api/v1/activities?salesperson=sp-a&from=2026-11-05T00:00:00%2B08:00&to="
                  "2026-11-05T00:00:00%2B08:00",
                  NULL, "to");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&limit=0", NULL, "limit");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&limit=201", NULL, "limit");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&limit=5x", NULL, "limit");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&limit=-5", NULL, "limit");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&limit=", NULL, "limit");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&cursor=xyz", NULL, "cursor");
    tk_expect_400("GET", "/api/v1/activities?salesperson=sp-a&cursor=%zz", NULL, "cursor");
    tk_expect_400("GET", "/api/v1/activities?salesperson=%ff", NULL, "salesperson");
    /* a salesperson's cursor is not a customer's */
    json_t *j = tk_call("GET", "/api/v1/activities?salesperson=sp-a&limit=1", NULL, 200);
    char path[512];
    snprintf(path, sizeof(path), "/api/v1/activities?customer=c-1&cursor=%s",
             tk_str(j, "next_cursor"));
    json_decref(j);
    tk_expect_400("GET", path, NULL, "cursor");
    /* several wrong at once: each named */
    j = tk_call("GET", "/api/v1/activities?salesperson=sp-a&type=x&limit=0&from=z", NULL, 400);
    tk_check(json_array_size(json_object_get(j, "errors")) == 3, "three errors: %s", tk_text(j));
    json_decref(j);
    /* other methods on the path are the POST's or 405 */
    json_decref(tk_call("DELETE", "/api/v1/activities", NULL, 405));
    /* in Chinese when asked */
    nq_httpc_response_t r;
    CU_ASSERT_EQUAL_FATAL(nq_httpc_request(tk_http, "GET",
                                           "/api/v1/activities?salesperson=sp-a&type=vist&limit=1",
                                           NULL, NULL, 0, "Accept-Language: zh-CN\r\n", &r),
                          0);
    j = r.body ? json_loads(r.body, 0, NULL) : NULL;
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    tk_check(r.status == 400 && strcmp(tk_str(e, "field"), "type") == 0 &&
                 strcmp(tk_str(e, "reason"), "含有未知的活动类型（见 API 文档中的活动类型）") == 0,
             "zh-CN: %d %s", r.status, r.body ? r.body : "(none)");
    json_decref(j);
    nq_httpc_response_free(&r);
}

/* 1,200 events of one millisecond (an import without times): paged whole. */
static void test_one_millisecond(void)
{
    int n = 0, c9_visits = 0;
    for (int b = 0; b < 3; b++) {
        json_t *batch = json_array();
        for (int i = 0; i < 400; i++, n++) {
            char id[32];
            snprintf(id, sizeof(id), "ms-%04d", n);
            bool visit = i % 2; /* a visit has a customer, a call some */
            json_array_append_new(batch, tk_event_at(id, visit ? "visit" : "call", "sp-c",
                                                     visit || i % 3 ? "c-9" : NULL,
                                                     "2026-11-25T00:00:00+08:00", NULL));
            c9_visits += visit;
        }
        json_decref(tk_post(batch, 202));
    }
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    const int limits[] = {50, 7, 200};
    for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
        json_t *all = read_all("salesperson=sp-c", limits[k], NULL);
        tk_check(json_array_size(all) == 1200, "pages of %d: %zu events", limits[k],
                 json_array_size(all));
        char *seen = calloc(1200, 1);
        size_t i;
        json_t *e;
        int twice = 0;
        json_array_foreach (all, i, e) {
            int id = atoi(tk_str(e, "event_id") + 3);
            if (id >= 0 && id < 1200)
                twice += seen[id]++ ? 1 : 0;
        }
        tk_check(twice == 0, "pages of %d: %d events twice", limits[k], twice);
        free(seen);
        json_decref(all);
    }
    json_t *visits = read_all("customer=c-9&type=visit", 50, NULL);
    tk_check(json_array_size(visits) == (size_t)c9_visits, "c-9's visits: %zu of %d",
             json_array_size(visits), c9_visits);
    json_decref(visits);
}

/* A type filter over a long timeline: 3 visits under 2,500 newer calls.
 * A page reads at most NQ_ACTINDEX_SCAN_BUDGET members: the first comes
 * back short with a cursor, the pages after it find the visits. */
static void test_scan_bound(void)
{
    json_t *batch = json_array();
    for (int i = 0; i < 3; i++) {
        char id[32], at[40];
        snprintf(id, sizeof(id), "far-v-%d", i);
        snprintf(at, sizeof(at), "2026-10-0%dT09:00:00+08:00", i + 1);
        json_array_append_new(batch, tk_event_at(id, "visit", "sp-e", "c-e", at, NULL));
    }
    json_decref(tk_post(batch, 202));
    for (int b = 0; b < 5; b++) {
        batch = json_array();
        for (int i = 0; i < 500; i++) {
            char id[32];
            snprintf(id, sizeof(id), "far-c-%d-%d", b, i);
            json_t *e = tk_event_at(id, "call", "sp-e", "c-e", "2026-11-01T09:00:00+08:00", NULL);
            json_object_set_new(e, "occurred_at", json_integer(1793494800000LL + b * 1000 + i));
            json_array_append_new(batch, e);
        }
        json_decref(tk_post(batch, 202));
    }
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    json_t *j = tk_call("GET", "/api/v1/activities?salesperson=sp-e&type=visit", NULL, 200);
    tk_check(json_array_size(json_object_get(j, "items")) == 0 &&
                 json_is_string(json_object_get(j, "next_cursor")),
             "the first page of visits is short, with a cursor: %s", tk_text(j));
    json_decref(j);
    int pages = 0;
    json_t *all = read_all("salesperson=sp-e&type=visit", 50, &pages);
    tk_check(strcmp(ids_of(all), "far-v-2,far-v-1,far-v-0") == 0 && pages == 2,
             "the visits on the second page: %s in %d pages", ids_of(all), pages);
    json_decref(all);
    all = read_all("customer=c-e&type=visit", 2, &pages);
    tk_check(strcmp(ids_of(all), "far-v-2,far-v-1,far-v-0") == 0, "c-e's visits: %s", ids_of(all));
    json_decref(all);
    /* unfiltered, a page reads only what it shows */
    j = tk_call("GET", "/api/v1/activities?salesperson=sp-e&limit=3", NULL, 200);
    tk_check(strcmp(ids_of(json_object_get(j, "items")), "far-c-4-499,far-c-4-498,far-c-4-497") ==
                 0,
             "the newest calls: %s", tk_text(j));
    json_decref(j);
}

/* ================================================================ restarts, rebuilds */

/* Post `rounds` batches of `per` events of sp-r, numbered from *next;
 * between rounds, act(round). */
static void flow(int rounds, int per, int *next, void (*act)(int round))
{
    for (int r = 0; r < rounds; r++) {
        json_t *batch = json_array();
        for (int i = 0; i < per; i++, (*next)++) {
            char id[32];
            snprintf(id, sizeof(id), "r-%05d", *next);
            json_array_append_new(batch, tk_event(id, *next % 2 ? "visit" : "order", "sp-r", "c-r",
                                                  1793500000000LL + *next * 1000,
                                                  *next % 2 ? NULL : "10.00"));
        }
        json_decref(tk_post(batch, 202));
        if (act)
            act(r);
    }
}

/* The value of gauge `name` in /metrics, or -1 when it is not there. */
static void kill_and_restart(int round)
{
    if (round == 5)
        tk_check(nq_harness_proc_stop(tk_h, "nq-customers", SIGKILL) == 128 + SIGKILL,
                 "nq-customers killed");
    if (round == 8) { /* another instance takes two entries and dies with them */
        redisReply *r = tk_cmd("XREADGROUP GROUP %s nq-customers/ghost COUNT 2 STREAMS %s >",
                               NQ_GROUP_INDEX, NQ_KEY_ACTIVITIES);
        tk_check(r && r->type == REDIS_REPLY_ARRAY, "the ghost read: %s",
                 r && r->type == REDIS_REPLY_ERROR ? r->str : "ok");
        freeReplyObject(r);
    }
    if (round == 11) { /* /metrics shows the index behind: entries unread, the ghost's pending */
        long long lag = tk_metric("nq_index_lag_entries"),
                  pending = tk_metric("nq_index_pending_entries");
        tk_check(lag >= 1 && pending >= 2,
                 "/metrics while the indexer is down: lag %lld, pending %lld", lag, pending);
    }
    if (round == 12)
        tk_check(nq_harness_proc_start(tk_h, "nq-customers") == 0, "nq-customers started again");
    if (round == 20) /* a clean stop of a running instance (slow to start under valgrind) */
        tk_check(nq_harness_wait_ready(tk_h, 30000) &&
                     nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0,
                 "nq-customers stopped");
    if (round == 22)
        tk_check(nq_harness_proc_start(tk_h, "nq-customers") == 0, "nq-customers started again");
    usleep(20000);
}

/* Every r-<n> in sp-r's and c-r's timelines, once. */
static void check_flowed(int n)
{
    json_t *lists[] = {read_all("salesperson=sp-r", 200, NULL),
                       read_all("customer=c-r", 200, NULL)};
    for (size_t l = 0; l < 2; l++) {
        char *seen = calloc((size_t)n, 1);
        int twice = 0, missing = 0;
        size_t i;
        json_t *e;
        json_array_foreach (lists[l], i, e) {
            int id = atoi(tk_str(e, "event_id") + 2);
            if (id >= 0 && id < n)
                twice += seen[id]++ ? 1 : 0;
        }
        for (int k = 0; k < n; k++)
            missing += !seen[k];
        tk_check(json_array_size(lists[l]) == (size_t)n && twice == 0 && missing == 0,
                 "%s: %zu events of %d, %d twice, %d missing", l ? "c-r" : "sp-r",
                 json_array_size(lists[l]), n, twice, missing);
        tk_check(newest_first(lists[l]), "newest first");
        free(seen);
        json_decref(lists[l]);
    }
    redisReply *h = tk_cmd("HLEN nq:{sp:sp-r}:acts"), *z = tk_cmd("ZCARD nq:{sp:sp-r}:timeline");
    tk_check(h && z && h->integer == n && z->integer == n, "sp-r holds %lld events, %lld members",
             h ? h->integer : -1, z ? z->integer : -1);
    freeReplyObject(h);
    freeReplyObject(z);
}

static void test_restart_while_flowing(void)
{
    int next = 0;
    flow(30, 40, &next, kill_and_restart);
    CU_ASSERT_TRUE_FATAL(nq_harness_proc_running(tk_h, "nq-customers"));
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    check_flowed(next);
    long long lag = tk_metric("nq_index_lag_entries"),
              pending = tk_metric("nq_index_pending_entries");
    tk_check(lag == 0 && pending == 0, "/metrics once indexed: lag %lld, pending %lld", lag,
             pending);
}

/* ---- the index as a whole ---- */

typedef struct dump {
    char *buf;
    size_t len, cap;
} dump_t;

static void dump_add(dump_t *d, const char *bytes, size_t len)
{
    if (d->len + len + 16 > d->cap) {
        d->cap = (d->len + len + 16) * 2;
        d->buf = realloc(d->buf, d->cap);
    }
    d->len += (size_t)snprintf(d->buf + d->len, 16, "%zu:", len);
    memcpy(d->buf + d->len, bytes, len);
    d->len += len;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct pair {
    const redisReply *field, *value;
} pair_t;

static int by_field(const void *a, const void *b)
{
    const pair_t *x = a, *y = b;
    return strcmp(x->field->str, y->field->str);
}

/* Every index key and its content, in one canonical string; *keys counts them. */
static dump_t dump_index(size_t *keys)
{
    dump_t d = {0};
    char *names[20000];
    size_t n = 0;
    const char *patterns[] = {"nq:{sp:*}:acts", "nq:{sp:*}:timeline", "nq:cust:*:timeline"};
    for (size_t p = 0; p < 3; p++) {
        char cursor[32] = "0";
        do {
            redisReply *r = tk_cmd("SCAN %s MATCH %s COUNT 1000", cursor, patterns[p]);
            if (!r || r->type != REDIS_REPLY_ARRAY) {
                freeReplyObject(r);
                break;
            }
            snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
            for (size_t i = 0; i < r->element[1]->elements && n < 20000; i++)
                names[n++] = strdup(r->element[1]->element[i]->str);
            freeReplyObject(r);
        } while (strcmp(cursor, "0") != 0);
    }
    qsort(names, n, sizeof(names[0]), by_str);
    for (size_t k = 0; k < n; k++) {
        dump_add(&d, names[k], strlen(names[k]));
        bool hash = strstr(names[k], ":acts") != NULL;
        redisReply *r = hash ? tk_cmd("HGETALL %s", names[k]) : tk_cmd("ZRANGE %s 0 -1", names[k]);
        if (hash) { /* fields in order, each with its value */
            size_t n_pairs = r->elements / 2;
            pair_t *pairs = malloc((n_pairs + 1) * sizeof(*pairs));
            for (size_t i = 0; i < n_pairs; i++)
                pairs[i] = (pair_t){r->element[2 * i], r->element[2 * i + 1]};
            qsort(pairs, n_pairs, sizeof(*pairs), by_field);
            for (size_t i = 0; i < n_pairs; i++) {
                dump_add(&d, pairs[i].field->str, pairs[i].field->len);
                dump_add(&d, pairs[i].value->str, pairs[i].value->len);
            }
            free(pairs);
        } else {
            for (size_t i = 0; i < r->elements; i++)
                dump_add(&d, r->element[i]->str, r->element[i]->len);
        }
        freeReplyObject(r);
        free(names[k]);
    }
    *keys = n;
    return d;
}

static bool same_dump(const dump_t *a, const dump_t *b)
{
    return a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0;
}

/* A rebuild request sets the index group back to the start of the log: with
 * some of the index deleted first, the replay puts back exactly what was. */
static void test_rebuild(void)
{
    size_t keys_before, keys_after;
    dump_t before = dump_index(&keys_before);
    tk_check(keys_before > 10, "index keys: %zu", keys_before);
    freeReplyObject(tk_cmd("DEL nq:{sp:sp-a}:acts nq:cust:c-1:timeline nq:{sp:sp-r}:timeline"));
    redisReply *m = tk_cmd("ZRANGE nq:{sp:sp-b}:timeline 0 0");
    if (m && m->elements == 1)
        freeReplyObject(tk_cmd("ZREM nq:{sp:sp-b}:timeline %s", m->element[0]->str));
    freeReplyObject(m);
    m = tk_cmd("HRANDFIELD nq:{sp:sp-c}:acts");
    if (m && m->type == REDIS_REPLY_STRING)
        freeReplyObject(tk_cmd("HDEL nq:{sp:sp-c}:acts %s", m->str));
    freeReplyObject(m);
    json_t *j = tk_call("POST", "/api/v1/admin/rebuild", NULL, 202);
    json_decref(j);
    long long requested = 0;
    redisReply *r = tk_cmd("HGET %s %s", NQ_KEY_REBUILD_JOB, "requested_at");
    if (r && r->type == REDIS_REPLY_STRING)
        requested = strtoll(r->str, NULL, 10);
    freeReplyObject(r);
    tk_check(requested > 0, "the job was requested");
    for (int64_t deadline = tk_mono_ms() + INDEX_MS;
         tk_mono_ms() < deadline && tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) != requested;)
        usleep(20000);
    tk_check(tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) == requested,
             "the indexer replayed for the request");
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    dump_t after = dump_index(&keys_after);
    tk_check(keys_after == keys_before && same_dump(&before, &after),
             "the index after the replay equals before: %zu keys then, %zu now", keys_before,
             keys_after);
    /* and a second look for the same request replays nothing */
    sleep(2);
    tk_check(tk_indexed(), "nothing more to index");
    free(before.buf);
    free(after.buf);
}

/* A first start over an existing log (no group, no index) indexes all of it. */
static void test_backfill(void)
{
    size_t keys_before, keys_after;
    dump_t before = dump_index(&keys_before);
    tk_check(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0, "nq-customers stopped");
    freeReplyObject(tk_cmd("XGROUP DESTROY %s %s", NQ_KEY_ACTIVITIES, NQ_GROUP_INDEX));
    const char *patterns[] = {"nq:{sp:*}:acts", "nq:{sp:*}:timeline", "nq:cust:*:timeline"};
    for (size_t p = 0; p < 3; p++) {
        redisReply *r = tk_cmd("KEYS %s", patterns[p]);
        for (size_t i = 0; r && i < r->elements; i++)
            freeReplyObject(tk_cmd("DEL %s", r->element[i]->str));
        freeReplyObject(r);
    }
    size_t none;
    dump_t empty = dump_index(&none);
    tk_check(none == 0, "the index is gone: %zu keys", none);
    free(empty.buf);
    tk_check(nq_harness_proc_start(tk_h, "nq-customers") == 0, "nq-customers started");
    CU_ASSERT_TRUE_FATAL(nq_harness_wait_ready(tk_h, 20000));
    for (int64_t deadline = tk_mono_ms() + INDEX_MS; tk_mono_ms() < deadline && !tk_indexed();)
        usleep(20000);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    dump_t after = dump_index(&keys_after);
    tk_check(keys_after == keys_before && same_dump(&before, &after),
             "the index made from the whole log equals before: %zu keys then, %zu now", keys_before,
             keys_after);
    char path[512], line[1024];
    nq_harness_log_path(tk_h, "nq-customers", path, sizeof(path));
    FILE *f = fopen(path, "r");
    bool created = false;
    while (f && fgets(line, sizeof(line), f))
        created |= strstr(line, "index_group_created") != NULL;
    if (f)
        fclose(f);
    tk_check(created, "the log says the group was created and the log indexed from its start");
    check_flowed(1200);
    free(before.buf);
    free(after.buf);
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
    {"setup: the org, events of every type", test_setup},
    {"every type read back as posted", test_every_type},
    {"by customer", test_by_customer},
    {"filters: type, from, to", test_filters},
    {"pages at every size", test_paging},
    {"a team: its members' timelines merged", test_team},
    {"the salesperson page's reads: events by path, trend, idle members", test_salesperson_page},
    {"bad parameters: a 400 naming each", test_bad_parameters},
    {"1,200 events of one millisecond", test_one_millisecond},
    {"a type filter over a long timeline: bounded pages", test_scan_bound},
    {"nq-customers killed and restarted while events flow", test_restart_while_flowing},
    {"a rebuild request replays the index", test_rebuild},
    {"a first start over the whole log", test_backfill},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"activities read back", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
