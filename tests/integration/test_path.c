/* test_path.c — the foundation path over real HTTP, as docs/api-draft.md
 * describes it, against a private suite (harness.h): health; teams,
 * salespeople and customers; activities accepted, duplicate, in conflict and
 * invalid; KPIs of every period kind; isolation between salespeople and
 * weeks; the week boundary at Monday 00:00 +08:00; the alert stream and its
 * replay after Last-Event-ID; the salesperson report; graceful shutdown.
 *
 * Tests run in order and build on each other (the org first, then events).
 * Event times are computed from the current week so that they are always in
 * the past: D1 is last week's Wednesday 10:00 +08:00, D2 a week earlier. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "nq/httpc.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define HOUR_MS  3600000LL
#define DAY_MS   (24 * HOUR_MS)
#define POLL_MS  5000  /* how long KPIs may take to reflect an event */
#define ALERT_MS 10000 /* how long an alert may take to reach the stream */
#define TEAM     "t-it-east"
#define SP1      "sp-it-zhangwei"
#define SP2      "sp-it-lina"
#define SP_BIG   "sp-it-big"
#define SP3      "sp-it-wangfang"
#define SP4      "sp-it-liuyang"
#define CUSTOMER "c-it-jinda"
#define ORDER1   "e-it-order-1"
#define ORDER2   "e-it-order-2"
#define STREAM   "/api/v1/alerts/stream"

static nq_httpc_sse_t *s_sse; /* opened before the first big order */
static int64_t s_week0;       /* Monday 00:00 of the current week */
static int64_t s_d1, s_d2;    /* event days of SP1 and SP2 (10:00) */
static char s_alert1[128];    /* stream id of the alert for ORDER1 */

/* ---------------------------------------------------------------- helpers */

/* An activity event of SP `sp` on CUSTOMER at `at`; amount NULL if none. */
static json_t *event(const char *id, const char *type, const char *sp, int64_t at,
                     const char *amount)
{
    json_t *e = tk_event(id, type, sp, CUSTOMER, at, amount);
    json_object_set_new(e, "source", json_string("integration"));
    return e;
}

/* POST events (stolen) and check the status and the four counters. Returns
 * the answer for further checks (caller decrefs). */
static json_t *post(json_t *events, int want_status, int accepted, int duplicate, int conflict,
                    int rejected)
{
    int status;
    json_t *a = tk_api("POST", "/api/v1/activities", events, &status);
    CU_ASSERT_EQUAL(status, want_status);
    CU_ASSERT_EQUAL(tk_num(a, "accepted"), accepted);
    CU_ASSERT_EQUAL(tk_num(a, "duplicate"), duplicate);
    CU_ASSERT_EQUAL(tk_num(a, "conflict"), conflict);
    CU_ASSERT_EQUAL(tk_num(a, "rejected"), rejected);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(a, "results")),
                    (size_t)(accepted + duplicate + conflict + rejected));
    return a;
}

/* Check a period object against the period of `kind` containing `at`. */
static void check_period(const json_t *p, nq_period_kind_t kind, int64_t at)
{
    nq_period_t want;
    char start[48], end[48];
    CU_ASSERT_EQUAL_FATAL(nq_period_of(kind, at, &want), 0);
    nq_time_format(want.start_ms, start, sizeof(start));
    nq_time_format(want.end_ms, end, sizeof(end));
    CU_ASSERT_STRING_EQUAL(tk_str(p, "kind"), nq_period_kind_name(kind));
    CU_ASSERT_STRING_EQUAL(tk_str(p, "key"), want.key);
    CU_ASSERT_STRING_EQUAL(tk_str(p, "start"), start);
    CU_ASSERT_STRING_EQUAL(tk_str(p, "end"), end);
}

static bool kpis_are(const json_t *k, const char *amount, int orders, int visits, int calls)
{
    return strcmp(tk_str(k, "sales_amount"), amount) == 0 && tk_num(k, "orders") == orders &&
           tk_num(k, "visits") == visits && tk_num(k, "calls") == calls;
}

/* Poll the KPIs of `sp` for the period of `kind` containing `at` until they
 * are as wanted (or POLL_MS pass), then assert them and the period. */
static void expect_kpis(const char *sp, nq_period_kind_t kind, int64_t at, const char *amount,
                        int orders, int visits, int calls)
{
    char path[256], date[16];
    int status = 0;
    json_t *got = NULL;
    bool ok = false;
    tk_date_of(at, date, sizeof(date));
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=%s&at=%s", sp,
             nq_period_kind_name(kind), date);
    for (int64_t deadline = tk_mono_ms() + POLL_MS; !ok && tk_mono_ms() < deadline;) {
        json_decref(got);
        got = tk_api("GET", path, NULL, &status);
        ok = status == 200 && kpis_are(json_object_get(got, "kpis"), amount, orders, visits, calls);
        if (!ok)
            usleep(100000);
    }
    if (!ok) {
        char *text = got ? json_dumps(got, JSON_COMPACT) : NULL;
        fprintf(stderr, "\nGET %s: want %s/%d/%d/%d, got HTTP %d %s\n", path, amount, orders,
                visits, calls, status, text ? text : "(no JSON)");
        free(text);
    }
    CU_ASSERT(ok);
    CU_ASSERT_STRING_EQUAL(tk_str(got, "salesperson_id"), sp);
    check_period(json_object_get(got, "period"), kind, at);
    json_decref(got);
}

/* Read the stream until an `alert` event for event_id arrives or timeout_ms
 * pass. Copies its stream id into id_out, and the alert into *alert_out when
 * not NULL (caller decrefs). Alerts for other events before it are skipped,
 * except the one whose stream id is `not_id` (when not NULL), which fails the
 * test: it must not be sent again. */
static bool await_alert_json(nq_httpc_sse_t *s, const char *event_id, const char *not_id,
                             char *id_out, size_t len, json_t **alert_out)
{
    nq_httpc_sse_event_t ev;
    int64_t deadline = tk_mono_ms() + ALERT_MS;
    for (int64_t left; s && (left = deadline - tk_mono_ms()) > 0;) {
        if (nq_httpc_sse_next(s, &ev, (int)left) != 1)
            break;
        CU_ASSERT(!not_id || strcmp(ev.id, not_id) != 0);
        json_t *a = json_loads(ev.data, 0, NULL);
        bool mine = strcmp(ev.event, "alert") == 0 && strcmp(tk_str(a, "event_id"), event_id) == 0;
        if (mine) {
            CU_ASSERT_STRING_EQUAL(tk_str(a, "rule"), "big_order");
            /* The alert's own id; the event's id is its place in the alert stream
             * (an alert has one entry per raise and per change). */
            CU_ASSERT(tk_str(a, "id")[0] != '\0');
            CU_ASSERT_STRING_EQUAL(tk_str(a, "state"), "open");
            CU_ASSERT(ev.id[0] != '\0');
            snprintf(id_out, len, "%s", ev.id);
            if (alert_out)
                *alert_out = json_incref(a);
        }
        json_decref(a);
        if (mine)
            return true;
    }
    fprintf(stderr, "\nno alert for %s on the stream within %d ms\n", event_id, ALERT_MS);
    return false;
}

static bool await_alert(nq_httpc_sse_t *s, const char *event_id, const char *not_id, char *id_out,
                        size_t len)
{
    return await_alert_json(s, event_id, not_id, id_out, len, NULL);
}

/* ------------------------------------------------------------------ tests */

static void test_health(void)
{
    int status;
    json_t *j = tk_api("GET", "/livez", NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "status"), "ok");
    json_decref(j);
    j = tk_api("GET", "/readyz", NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "status"), "ready");
    static const char *const checks[] = {"redis",   "ingest",   "customers",   "reporting",
                                         "scoring", "alerting", "alert_stream"};
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
        CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(j, "checks"), checks[i]), "ok");
    json_decref(j);
}

/* The suite runs with NQ_REDIS_HOST set to the private Redis's Unix socket
 * (as the run command does): every process's connection is on it. */
static void test_redis_socket(void)
{
    redisContext *c = nq_harness_redis_connect(tk_h);
    CU_ASSERT_FATAL(c && !c->err);
    redisReply *r = redisCommand(c, "CLIENT LIST");
    CU_ASSERT_FATAL(r && r->type == REDIS_REPLY_STRING);
    char want[320];
    snprintf(want, sizeof(want), "addr=%s:0 ", nq_harness_redis_socket(tk_h));
    size_t named = 0;
    for (char *line = strtok(r->str, "\n"); line; line = strtok(NULL, "\n")) {
        const char *name = strstr(line, " name=");
        if (!name || name[6] == ' ') /* unnamed: the test's own connection */
            continue;
        named++;
        if (!strstr(line, want))
            fprintf(stderr, "not on the socket: %s\n", line);
        CU_ASSERT_PTR_NOT_NULL(strstr(line, want));
    }
    /* ingest, scoring (applies and pulls), customers, alerting, reporting, gateway */
    CU_ASSERT(named >= 7);
    freeReplyObject(r);
    redisFree(c);
}

/* PUT path with body (stolen), expect 200, and GET it back; returns the GET
 * answer (caller decrefs). */
static json_t *put_and_get(const char *path, json_t *body)
{
    int status;
    json_t *j = tk_api("PUT", path, body, &status);
    CU_ASSERT_EQUAL(status, 200);
    json_decref(j);
    j = tk_api("GET", path, NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    return j;
}

/* The team first (a salesperson's team must exist), then its salespeople,
 * whose team makes them its members. */
static void test_org(void)
{
    json_t *j = put_and_get("/api/v1/teams/" TEAM, json_pack("{s:s, s:[s]}", "name", "华东一组",
                                                             "coordinators", "u-it-zhoumin"));
    CU_ASSERT_STRING_EQUAL(tk_str(j, "id"), TEAM);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "name"), "华东一组");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "members")), 0);
    const char *coordinator =
        json_string_value(json_array_get(json_object_get(j, "coordinators"), 0));
    CU_ASSERT_STRING_EQUAL(coordinator ? coordinator : "", "u-it-zhoumin");
    json_decref(j);

    static const char *const people[][2] = {
        {SP1, "张伟"}, {SP2, "李娜"}, {SP3, "王芳"}, {SP4, "刘洋"}};
    for (size_t i = 0; i < 4; i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        j = put_and_get(path, json_pack("{s:s, s:s, s:s}", "name", people[i][1], "team_id", TEAM,
                                        "status", "active"));
        CU_ASSERT_STRING_EQUAL(tk_str(j, "name"), people[i][1]);
        CU_ASSERT_STRING_EQUAL(tk_str(j, "team_id"), TEAM);
        json_decref(j);
    }
    int status;
    j = tk_api("GET", "/api/v1/teams/" TEAM, NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "members")), 4);
    json_decref(j);

    j = put_and_get("/api/v1/customers/" CUSTOMER,
                    json_pack("{s:s, s:s, s:s}", "name", "杭州金达机电有限公司", "class", "key",
                              "owner_id", SP1));
    CU_ASSERT_STRING_EQUAL(tk_str(j, "name"), "杭州金达机电有限公司");
    CU_ASSERT_STRING_EQUAL(tk_str(j, "class"), "key");
    CU_ASSERT_STRING_EQUAL(tk_str(j, "owner_id"), SP1);
    json_decref(j);
}

static void test_org_errors(void)
{
    int status;
    static const char *const unknown[] = {"/api/v1/teams/t-nobody", "/api/v1/salespeople/sp-nobody",
                                          "/api/v1/customers/c-nobody"};
    for (size_t i = 0; i < 3; i++) {
        json_t *j = tk_api("GET", unknown[i], NULL, &status);
        CU_ASSERT_EQUAL(status, 404);
        CU_ASSERT_STRING_EQUAL(tk_str(j, "error"), "not_found");
        json_decref(j);
    }
    json_t *j = tk_api(
        "PUT", "/api/v1/customers/c-it-bad",
        json_pack("{s:s, s:s, s:s}", "name", "坏客户", "class", "vip", "owner_id", SP1), &status);
    CU_ASSERT_EQUAL(status, 400);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "error"), "invalid");
    CU_ASSERT(tk_names_field(json_object_get(j, "errors"), "class"));
    json_decref(j);
    j = tk_api("GET", "/api/v1/customers/c-it-bad", NULL, &status);
    CU_ASSERT_EQUAL(status, 404); /* nothing stored */
    json_decref(j);

    /* A malformed \u escape before a multi-byte character: 400, and the
     * reason (which quotes the text) is valid UTF-8, so the answer parses. */
    static const char *const bodies[] = {"{\"name\":\"\\u\xe5\xae\xa2\"}",
                                         "{\"notes\":\"\\u\xc3\xa9\"}"};
    for (size_t i = 0; i < 2; i++) {
        j = tk_api_raw("PUT", "/api/v1/teams/t-x", bodies[i], &status);
        CU_ASSERT_EQUAL(status, 400);
        CU_ASSERT_STRING_EQUAL(tk_str(j, "error"), "invalid");
        CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(j, "detail"), "invalid escape"));
        json_decref(j);
    }
}

/* The stream is opened first, so the alert for the order must arrive on it. */
static void test_big_order_alert(void)
{
    s_sse = nq_httpc_sse_open(nq_harness_url(tk_h), STREAM, NULL, 5000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_sse);
    json_t *a = post(event(ORDER1, "order", SP1, s_d1, "80000.00"), 202, 1, 0, 0, 0);
    json_t *r = json_array_get(json_object_get(a, "results"), 0);
    CU_ASSERT_STRING_EQUAL(tk_str(r, "event_id"), ORDER1);
    CU_ASSERT_STRING_EQUAL(tk_str(r, "status"), "accepted");
    json_decref(a);
    CU_ASSERT(await_alert(s_sse, ORDER1, NULL, s_alert1, sizeof(s_alert1)));
}

/* Big orders of a salesperson and a customer the directory does not know,
 * right after big orders of known ones (a batch each, so that alerting has
 * several in flight): each title shows the ids, never names left from the
 * alerts before. */
static void test_big_order_unknown_names(void)
{
    static const char *const known[] = {"e-it-known-0", "e-it-known-1", "e-it-known-2"};
    static const char *const unknown[] = {"e-it-unknown-0", "e-it-unknown-1", "e-it-unknown-2"};
    char id[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_sse);
    json_t *batch = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(batch, event(known[i], "order", SP4, s_d1 + HOUR_MS, "60000.00"));
    json_decref(post(batch, 202, 3, 0, 0, 0));
    batch = json_array();
    for (size_t i = 0; i < 3; i++) {
        json_t *e = event(unknown[i], "order", "sp-typo", s_d1 + HOUR_MS, "99000.00");
        json_object_set_new(e, "customer_id", json_string("c-nobody"));
        json_array_append_new(batch, e);
    }
    for (size_t i = 0; i < 3; i++) {
        json_t *alert = NULL;
        CU_ASSERT_FATAL(await_alert_json(s_sse, known[i], NULL, id, sizeof(id), &alert));
        CU_ASSERT_STRING_EQUAL(tk_str(alert, "title"),
                               "大额订单：刘洋 的客户 杭州金达机电有限公司 下单 ¥60,000.00");
        json_decref(alert);
    }
    json_decref(post(batch, 202, 3, 0, 0, 0));
    for (size_t i = 0; i < 3; i++) {
        json_t *alert = NULL;
        CU_ASSERT_FATAL(await_alert_json(s_sse, unknown[i], NULL, id, sizeof(id), &alert));
        CU_ASSERT_STRING_EQUAL(tk_str(alert, "title"),
                               "大额订单：sp-typo 的客户 c-nobody 下单 ¥99,000.00");
        CU_ASSERT_STRING_EQUAL(tk_str(alert, "title_en"),
                               "Big order: sp-typo's customer c-nobody ordered CNY 99,000.00");
        CU_ASSERT_STRING_EQUAL(tk_str(alert, "salesperson_id"), "sp-typo");
        CU_ASSERT_STRING_EQUAL(tk_str(alert, "customer_id"), "c-nobody");
        json_decref(alert);
    }
}

/* A backfill: a big order of three weeks ago (outside the recency window the
 * suite runs with, 14 days) raises nothing; the recent one after it in the
 * same batch does, and says when its order happened. */
static void test_backfill_no_alert(void)
{
    json_t *batch =
        json_pack("[o, o]", event("e-it-backfill", "order", SP4, s_d1 - 21 * DAY_MS, "70000.00"),
                  event("e-it-after-backfill", "order", SP4, s_d1 + 2 * HOUR_MS, "70000.00"));
    json_decref(post(batch, 202, 2, 0, 0, 0));
    /* Alerting raises a batch's alerts in order: the old one would come first. */
    nq_httpc_sse_event_t ev;
    json_t *alert = NULL;
    for (int64_t left, deadline = tk_mono_ms() + ALERT_MS;
         !alert && (left = deadline - tk_mono_ms()) > 0 &&
         nq_httpc_sse_next(s_sse, &ev, (int)left) == 1;) {
        json_t *a = json_loads(ev.data, 0, NULL);
        CU_ASSERT_STRING_NOT_EQUAL(tk_str(a, "event_id"), "e-it-backfill");
        if (strcmp(tk_str(a, "event_id"), "e-it-after-backfill") == 0)
            alert = json_incref(a);
        json_decref(a);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(alert);
    char when[48];
    nq_time_format(s_d1 + 2 * HOUR_MS, when, sizeof(when));
    CU_ASSERT_STRING_EQUAL(tk_str(alert, "occurred_at"), when);
    CU_ASSERT(tk_str(alert, "raised_at")[0] != '\0');
    json_decref(alert);
}

static void test_duplicate_and_conflict(void)
{
    json_t *a = post(event(ORDER1, "order", SP1, s_d1, "80000.00"), 202, 0, 1, 0, 0);
    CU_ASSERT_STRING_EQUAL(tk_str(json_array_get(json_object_get(a, "results"), 0), "status"),
                           "duplicate");
    json_decref(a);
    a = post(event(ORDER1, "order", SP1, s_d1, "81000.00"), 409, 0, 0, 1, 0);
    CU_ASSERT_STRING_EQUAL(tk_str(json_array_get(json_object_get(a, "results"), 0), "status"),
                           "conflict");
    json_decref(a);
}

/* The status of result i of answer a. */
static const char *status_of(const json_t *a, size_t i)
{
    return tk_str(json_array_get(json_object_get(a, "results"), i), "status");
}

/* A batch of 2,500: ingest looks ids up and remembers them in chunks of 1,000
 * (Lua's unpack() limit), so duplicates and a conflict sit on both sides of
 * the chunk edges: an id stored by an earlier request (found in its bucket
 * by the second chunk), an id repeated across the first edge, a changed one
 * across the second. */
static void test_large_batch(void)
{
    json_decref(post(event("e-it-big-early", "order", SP_BIG, s_d1, "1.00"), 202, 1, 0, 0, 0));
    json_t *batch = json_array();
    for (int i = 0; i < 2500; i++) {
        char id[32];
        snprintf(id, sizeof(id), "e-it-big-%04d", i);
        const char *amount = "1.00";
        if (i == 1000) /* the same as 999 */
            snprintf(id, sizeof(id), "e-it-big-0999");
        else if (i == 1999)
            snprintf(id, sizeof(id), "e-it-big-early");
        else if (i == 2000) { /* 10, changed */
            snprintf(id, sizeof(id), "e-it-big-0010");
            amount = "2.00";
        }
        json_array_append_new(batch, event(id, "order", SP_BIG, s_d1, amount));
    }
    json_t *a = post(batch, 207, 2497, 2, 1, 0);
    CU_ASSERT_STRING_EQUAL(status_of(a, 999), "accepted");
    CU_ASSERT_STRING_EQUAL(status_of(a, 1000), "duplicate");
    CU_ASSERT_STRING_EQUAL(status_of(a, 1001), "accepted");
    CU_ASSERT_STRING_EQUAL(status_of(a, 1999), "duplicate");
    CU_ASSERT_STRING_EQUAL(status_of(a, 2000), "conflict");
    CU_ASSERT_STRING_EQUAL(status_of(a, 2499), "accepted");
    json_decref(a);
    expect_kpis(SP_BIG, NQ_PERIOD_DAY, s_d1, "2498.00", 2498, 0, 0);
}

static void test_invalid_events(void)
{
    json_t *no_sp = event("e-it-bad-1", "visit", SP1, s_d1, NULL);
    json_object_del(no_sp, "salesperson_id");
    json_t *a = post(json_pack("[o, o]", no_sp, event("e-it-bad-2", "order", SP1, s_d1, "12.345")),
                     400, 0, 0, 0, 2);
    json_t *results = json_object_get(a, "results");
    CU_ASSERT_STRING_EQUAL(tk_str(json_array_get(results, 0), "status"), "rejected");
    CU_ASSERT(
        tk_names_field(json_object_get(json_array_get(results, 0), "errors"), "salesperson_id"));
    CU_ASSERT(tk_names_field(json_object_get(json_array_get(results, 1), "errors"), "amount"));
    json_decref(a);

    int status;
    a = tk_api_raw("POST", "/api/v1/activities", "{\"event_id\": ", &status);
    CU_ASSERT_EQUAL(status, 400);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "error"), "invalid");
    json_decref(a);
}

static void test_visit_and_call(void)
{
    json_t *a = post(json_pack("[o, o]", event("e-it-visit-1", "visit", SP1, s_d1 + HOUR_MS, NULL),
                               event("e-it-call-1", "call", SP1, s_d1 + 2 * HOUR_MS, NULL)),
                     202, 2, 0, 0, 0);
    json_decref(a);
}

/* One order (the duplicate counted once, the conflict not at all), one
 * visit, one call, in every period kind containing D1. */
static void test_kpis(void)
{
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++)
        expect_kpis(SP1, (nq_period_kind_t)k, s_d1, "80000.00", 1, 1, 1);
    usleep(500000); /* nothing late changes them */
    expect_kpis(SP1, NQ_PERIOD_WEEK, s_d1, "80000.00", 1, 1, 1);
}

static void test_no_leak(void)
{
    json_decref(post(json_pack("[o, o]", event("e-it-sp2-order", "order", SP2, s_d2, "1500.50"),
                               event("e-it-sp2-visit", "visit", SP2, s_d2 + HOUR_MS, NULL)),
                     202, 2, 0, 0, 0));
    expect_kpis(SP2, NQ_PERIOD_WEEK, s_d2, "1500.50", 1, 1, 0);
    expect_kpis(SP2, NQ_PERIOD_WEEK, s_d1, "0.00", 0, 0, 0);
    expect_kpis(SP1, NQ_PERIOD_WEEK, s_d2, "0.00", 0, 0, 0);
    expect_kpis(SP1, NQ_PERIOD_WEEK, s_d1, "80000.00", 1, 1, 1);
}

/* Sunday 23:59:59 +08:00 belongs to the week it ends; Monday 00:00 starts the next. */
static void test_week_boundary(void)
{
    int64_t sunday = s_week0 - 1000, monday = s_week0;
    json_decref(post(json_pack("[o, o]", event("e-it-sun", "visit", SP3, sunday, NULL),
                               event("e-it-mon", "visit", SP3, monday, NULL)),
                     202, 2, 0, 0, 0));
    expect_kpis(SP3, NQ_PERIOD_WEEK, sunday, "0.00", 0, 1, 0);
    expect_kpis(SP3, NQ_PERIOD_WEEK, monday, "0.00", 0, 1, 0);
    expect_kpis(SP3, NQ_PERIOD_DAY, sunday, "0.00", 0, 1, 0);
    expect_kpis(SP3, NQ_PERIOD_DAY, monday, "0.00", 0, 1, 0);
}

/* A second big order reaches the open stream; a new stream that starts after
 * the first alert's id replays the second one, and only it. */
static void test_alert_replay(void)
{
    char id2[128] = "", replayed[128] = "";
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_sse);
    CU_ASSERT_FATAL(s_alert1[0] != '\0');
    json_decref(post(event(ORDER2, "order", SP4, s_d1, "120000.00"), 202, 1, 0, 0, 0));
    CU_ASSERT_FATAL(await_alert(s_sse, ORDER2, NULL, id2, sizeof(id2)));
    nq_httpc_sse_close(&s_sse);

    nq_httpc_sse_t *s = nq_httpc_sse_open(nq_harness_url(tk_h), STREAM, s_alert1, 5000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(await_alert(s, ORDER2, s_alert1, replayed, sizeof(replayed)));
    CU_ASSERT_STRING_EQUAL(replayed, id2);
    nq_httpc_sse_close(&s);

    /* The list, newest first; other rules' alerts (if any) are skipped. */
    int status;
    size_t i, n = 0;
    json_t *j = tk_api("GET", "/api/v1/alerts?limit=50", NULL, &status), *a, *big[9] = {NULL};
    CU_ASSERT_EQUAL(status, 200);
    json_array_foreach (json_object_get(j, "items"), i, a) {
        if (strcmp(tk_str(a, "rule"), "big_order") != 0)
            continue;
        CU_ASSERT_STRING_NOT_EQUAL(tk_str(a, "event_id"), "e-it-backfill");
        if (n < 9)
            big[n] = a;
        n++;
    }
    /* ORDER1, three known, three unknown, the one after the backfill, ORDER2 */
    CU_ASSERT_EQUAL_FATAL(n, 9);
    CU_ASSERT_STRING_EQUAL(tk_str(big[0], "event_id"), ORDER2);
    CU_ASSERT_STRING_EQUAL(tk_str(big[8], "event_id"), ORDER1);
    CU_ASSERT_STRING_EQUAL(tk_str(big[8], "amount"), "80000.00");
    CU_ASSERT_STRING_EQUAL(tk_str(big[8], "salesperson_id"), SP1);
    char when[48];
    nq_time_format(s_d1, when, sizeof(when));
    CU_ASSERT_STRING_EQUAL(tk_str(big[8], "occurred_at"), when);
    CU_ASSERT_STRING_EQUAL(tk_str(big[8], "title"),
                           "大额订单：张伟 的客户 杭州金达机电有限公司 下单 ¥80,000.00");
    json_decref(j);
}

static void test_report(void)
{
    char path[256], date[16];
    int status;
    tk_date_of(s_d1, date, sizeof(date));
    snprintf(path, sizeof(path), "/api/v1/reports/salespeople/%s?period=month&at=%s", SP1, date);
    json_t *j = tk_api("GET", path, NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "salesperson_id"), SP1);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "name"), "张伟");
    check_period(json_object_get(j, "period"), NQ_PERIOD_MONTH, s_d1);
    CU_ASSERT(kpis_are(json_object_get(j, "kpis"), "80000.00", 1, 1, 1));
    nq_period_t month, prev;
    nq_period_of(NQ_PERIOD_MONTH, s_d1, &month);
    nq_period_prev(&month, &prev);
    check_period(json_object_get(json_object_get(j, "previous"), "period"), NQ_PERIOD_MONTH,
                 prev.start_ms);
    json_decref(j);
}

static void test_graceful_shutdown(void)
{
    nq_httpc_sse_close(&s_sse);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tk_h);
    CU_ASSERT_EQUAL(tk_stop(), 0); /* the client first: idle connections must not hold the
                                      gateway up */
}

/* ------------------------------------------------------------------ suite */

static int suite_init(void)
{
    nq_period_t week;
    if (nq_zone_set("Asia/Shanghai") != 0 || nq_period_of(NQ_PERIOD_WEEK, nq_now_ms(), &week) != 0)
        return -1;
    s_week0 = week.start_ms;
    s_d1 = s_week0 - 5 * DAY_MS + 10 * HOUR_MS;
    s_d2 = s_d1 - 7 * DAY_MS;
    /* Every event here is at most 12 days old; the backfill test's is 3 weeks. */
    return tk_start((const char *[]){NQ_HARNESS_REDIS_SOCKET, "NQ_ALERT_RECENCY_S=1209600", NULL});
}

static int suite_cleanup(void)
{
    nq_httpc_sse_close(&s_sse);
    tk_stop();
    return 0;
}

static CU_TestInfo path_tests[] = {
    {"livez and readyz", test_health},
    {"every process on Redis's Unix socket", test_redis_socket},
    {"teams, salespeople, customers", test_org},
    {"org errors: 404 and field errors", test_org_errors},
    {"big order accepted, alert streamed", test_big_order_alert},
    {"big order of unknown people: titled with their ids", test_big_order_unknown_names},
    {"backfilled big order: no alert; alerts carry occurred_at", test_backfill_no_alert},
    {"duplicate and conflict", test_duplicate_and_conflict},
    {"batch of 2,500: duplicates and conflicts across chunk edges", test_large_batch},
    {"invalid events", test_invalid_events},
    {"visit and call", test_visit_and_call},
    {"kpis for every period", test_kpis},
    {"no leak across salespeople and weeks", test_no_leak},
    {"week boundary at Monday 00:00", test_week_boundary},
    {"alert replay after Last-Event-ID", test_alert_replay},
    {"salesperson report", test_report},
    {"graceful shutdown", test_graceful_shutdown},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"foundation path", suite_init, suite_cleanup, NULL, NULL, path_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
