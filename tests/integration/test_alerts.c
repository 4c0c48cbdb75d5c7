/* test_alerts.c — alerting over real HTTP against a private suite (harness.h):
 *   - every event rule raises what it should and nothing else, with its
 *     subject, names, numbers, bilingual titles and link;
 *   - the log read again from its start (the group's position reset: every
 *     entry redelivered) raises nothing twice;
 *   - nq-alerting SIGKILLed while big orders and negative feedback flow:
 *     after its restart every alert is raised, none twice;
 *   - two alerting replicas, one SIGKILLed: each alert once;
 *   - per-team thresholds change which alerts are raised; bad settings 400;
 *   - the lifecycle (ack, assign, comment, resolve) with its 409s and 400s,
 *     the filtered list pages with a checked cursor, changes on the SSE stream.
 *
 * The org: t-east (华东一组): sp-zw 张伟; t-west (华西组): sp-ln 李娜;
 * customer cust-001 杭州金达机电有限公司 (sp-zw's).
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define WAIT_MS 20000 /* how long alerting may take to catch up (a reclaim waits 5 s) */

static int64_t s_now;

/* ================================================================ helpers */

static json_t *ev(const char *id, const char *type, const char *sp, const char *amount)
{
    return tk_event(id, type, sp, "cust-001", s_now, amount);
}

static json_t *feedback(const char *id, const char *sp, int rating, int nps)
{
    json_t *e = ev(id, "feedback", sp, NULL);
    if (rating >= 0)
        json_object_set_new(e, "rating", json_integer(rating));
    if (nps >= 0)
        json_object_set_new(e, "nps", json_integer(nps));
    return e;
}

static json_t *with(json_t *e, const char *key, const char *value)
{
    json_object_set_new(e, key, json_string(value));
    return e;
}

/* Has alerting read and acknowledged the whole log? */
static bool caught_up(void)
{
    redisReply *last = redisCommand(tk_redis, "XREVRANGE %s + - COUNT 1", NQ_KEY_ACTIVITIES);
    redisReply *groups = redisCommand(tk_redis, "XINFO GROUPS %s", NQ_KEY_ACTIVITIES);
    bool done = false;
    for (size_t i = 0; groups && groups->type == REDIS_REPLY_ARRAY && i < groups->elements; i++) {
        const redisReply *g = groups->element[i];
        const char *name = NULL, *delivered = NULL;
        long long pending = -1;
        for (size_t k = 0; k + 1 < g->elements; k += 2) {
            const char *f = g->element[k]->str;
            if (strcmp(f, "name") == 0)
                name = g->element[k + 1]->str;
            else if (strcmp(f, "last-delivered-id") == 0)
                delivered = g->element[k + 1]->str;
            else if (strcmp(f, "pending") == 0)
                pending = g->element[k + 1]->integer;
        }
        if (name && strcmp(name, NQ_GROUP_ALERTING) == 0)
            done = pending == 0 && last && last->type == REDIS_REPLY_ARRAY && last->elements == 1 &&
                   delivered && strcmp(delivered, last->element[0]->element[0]->str) == 0;
    }
    freeReplyObject(last);
    freeReplyObject(groups);
    return done;
}

static bool wait_caught_up(int timeout_ms)
{
    int64_t deadline = tk_mono_ms() + timeout_ms;
    while (tk_mono_ms() < deadline) {
        if (caught_up())
            return true;
        usleep(50000);
    }
    return tk_check(false, "alerting did not catch up with the log in %d ms", timeout_ms);
}

/* Every alert of the list at `query` ("rule=big_order"), all pages. */
static json_t *all_alerts(const char *query)
{
    json_t *out = json_array();
    char cursor[256] = "";
    for (int page = 0; page < 100; page++) {
        char path[512];
        snprintf(path, sizeof(path), "/api/v1/alerts?%s&limit=500%s%s", query,
                 *cursor ? "&cursor=" : "", cursor);
        json_t *j = tk_get_ok(path);
        json_array_extend(out, json_object_get(j, "items"));
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            break;
    }
    return out;
}

/* How many alerts of `rule` name event `event_id`. */
static int count_for(const json_t *alerts, const char *event_id)
{
    int n = 0;
    size_t i;
    json_t *a;
    json_array_foreach (alerts, i, a)
        n += strcmp(tk_str(a, "event_id"), event_id) == 0;
    return n;
}

static json_t *find_alert(const json_t *alerts, const char *event_id)
{
    size_t i;
    json_t *a;
    json_array_foreach (alerts, i, a) {
        if (strcmp(tk_str(a, "event_id"), event_id) == 0)
            return a;
    }
    return NULL;
}

/* Each of `n` ids "<prefix><i>" has exactly one alert in `alerts`. */
static void check_once(const json_t *alerts, const char *prefix, int n)
{
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof(id), "%s%d", prefix, i);
        int c = count_for(alerts, id);
        tk_check(c == 1, "%s: %d alerts, want 1", id, c);
    }
}

/* ================================================================ the org */

static void test_org(void)
{
    json_decref(tk_put("/api/v1/teams/t-east", json_pack("{s:s}", "name", "华东一组"), 200));
    json_decref(tk_put("/api/v1/teams/t-west", json_pack("{s:s}", "name", "华西组"), 200));
    json_decref(tk_put(
        "/api/v1/salespeople/sp-zw",
        json_pack("{s:s, s:s, s:s}", "name", "张伟", "team_id", "t-east", "status", "active"),
        200));
    json_decref(tk_put(
        "/api/v1/salespeople/sp-ln",
        json_pack("{s:s, s:s, s:s}", "name", "李娜", "team_id", "t-west", "status", "active"),
        200));
    json_decref(tk_put("/api/v1/customers/cust-001",
                       json_pack("{s:s, s:s, s:s}", "name", "杭州金达机电有限公司", "class", "key",
                                 "owner_id", "sp-zw"),
                       200));
}

/* ================================================================ rules */

static void test_rules(void)
{
    json_t *events = json_array();
    json_array_append_new(events, ev("r-big", "order", "sp-zw", "99000.00"));
    json_array_append_new(events, ev("r-small", "order", "sp-zw", "49999.99"));
    json_array_append_new(
        events, with(ev("r-cancel", "order_cancelled", "sp-zw", "10000.00"), "order_id", "SO-1"));
    json_array_append_new(events,
                          with(ev("r-return", "return", "sp-zw", "9999.99"), "order_id", "SO-2"));
    json_array_append_new(events, feedback("r-fb-bad", "sp-zw", 2, -1));
    json_array_append_new(events, feedback("r-fb-nps", "sp-zw", 5, 6));
    json_array_append_new(events, feedback("r-fb-ok", "sp-zw", 3, 7));
    json_array_append_new(
        events, with(with(ev("r-tk-high", "ticket_opened", "sp-zw", NULL), "ticket_id", "TK-1"),
                     "priority", "high"));
    json_array_append_new(
        events, with(with(ev("r-tk-urgent", "ticket_opened", "sp-zw", NULL), "ticket_id", "TK-2"),
                     "priority", "urgent"));
    json_array_append_new(
        events, with(with(ev("r-tk-normal", "ticket_opened", "sp-zw", NULL), "ticket_id", "TK-3"),
                     "priority", "normal"));
    static const char *const prices[][2] = {
        {"r-ci-1", "1000.00"}, {"r-ci-2", "900.00"}, {"r-ci-3", "899.00"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *e = ev(prices[i][0], "competitor_intel", "sp-zw", NULL);
        json_object_del(e, "amount");
        with(with(with(e, "competitor", "某竞品"), "product", "A100"), "price", prices[i][1]);
        json_object_set_new(e, "occurred_at", json_integer(s_now + (json_int_t)i * 1000));
        json_array_append_new(events, e);
    }
    tk_post_counts(events, 13, 0);
    CU_ASSERT_FATAL(wait_caught_up(WAIT_MS));

    json_t *all = all_alerts("team=t-east");
    static const struct {
        const char *event, *rule, *severity;
        int want;
    } want[] = {
        {"r-big", "big_order", "warning", 1},
        {"r-small", NULL, NULL, 0},
        {"r-cancel", "cancel_or_return", "warning", 1},
        {"r-return", NULL, NULL, 0},
        {"r-fb-bad", "negative_feedback", "warning", 1},
        {"r-fb-nps", "negative_feedback", NULL, 1},
        {"r-fb-ok", NULL, NULL, 0},
        {"r-tk-high", "urgent_ticket", "warning", 1},
        {"r-tk-urgent", "urgent_ticket", "critical", 1},
        {"r-tk-normal", NULL, NULL, 0},
        {"r-ci-1", NULL, NULL, 0},                    /* the first observation */
        {"r-ci-2", "competitor_price", "warning", 1}, /* down 10% */
        {"r-ci-3", NULL, NULL, 0},                    /* down 0.11%: under 5% */
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        json_t *a = find_alert(all, want[i].event);
        tk_check(count_for(all, want[i].event) == want[i].want, "%s: %d alerts, want %d",
                 want[i].event, count_for(all, want[i].event), want[i].want);
        if (!a || !want[i].rule)
            continue;
        tk_check_str(json_object_get(a, "rule"), want[i].rule, want[i].event);
        if (want[i].severity)
            tk_check_str(json_object_get(a, "severity"), want[i].severity, want[i].event);
        tk_check_str(json_object_get(a, "state"), "open", want[i].event);
        tk_check_str(json_object_get(a, "team_id"), "t-east", want[i].event);
    }
    json_t *big = find_alert(all, "r-big");
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    tk_check_str(json_object_get(big, "title"),
                 "大额订单：张伟 的客户 杭州金达机电有限公司 下单 ¥99,000.00", "title");
    tk_check_str(json_object_get(big, "title_en"),
                 "Big order: 张伟's customer 杭州金达机电有限公司 ordered CNY 99,000.00",
                 "title_en");
    tk_check_str(
        json_object_get(big, "explanation_en"),
        "The order of CNY 99,000.00 is at or above the big-order threshold of CNY 50,000.00.",
        "explanation_en");
    tk_check_str(json_object_get(big, "salesperson_name"), "张伟", "salesperson_name");
    tk_check_str(json_object_get(big, "customer_name"), "杭州金达机电有限公司", "customer_name");
    tk_check_str(json_object_get(big, "team_name"), "华东一组", "team_name");
    tk_check_str(json_object_get(big, "amount"), "99000.00", "amount");
    tk_check_str(json_object_get(big, "threshold"), "50000.00", "threshold");
    tk_check_str(json_object_get(big, "link"), "/customers/cust-001", "link");
    CU_ASSERT(tk_str(big, "raised_at")[0] != '\0');
    CU_ASSERT(tk_str(big, "occurred_at")[0] != '\0');
    json_t *ci = find_alert(all, "r-ci-2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ci);
    tk_check_str(json_object_get(ci, "price"), "900.00", "price");
    tk_check_str(json_object_get(ci, "previous_price"), "1000.00", "previous_price");
    tk_check_num(json_object_get(ci, "drop_pct"), 10.0, "drop_pct");
    /* One alert read alone is what the list has. */
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s", tk_str(big, "id"));
    json_t *one = tk_get_ok(path);
    CU_ASSERT_TRUE(json_equal(one, big));
    json_decref(one);
    json_decref(all);
}

/* Every entry of the log delivered to alerting again: nothing raised twice. */
static void test_redelivered(void)
{
    long long alerts = tk_redis_int("XLEN %s", NQ_KEY_ALERTS);
    json_t *before = all_alerts("state=open");
    tk_redis_do("XGROUP SETID %s %s 0", NQ_KEY_ACTIVITIES, NQ_GROUP_ALERTING);
    /* An event posted after the reset comes through the same read. */
    tk_post_counts(json_pack("[o]", ev("rd-big", "order", "sp-zw", "70000.00")), 1, 0);
    CU_ASSERT_FATAL(wait_caught_up(WAIT_MS));
    json_t *after = all_alerts("state=open");
    CU_ASSERT_EQUAL(json_array_size(after), json_array_size(before) + 1);
    CU_ASSERT_EQUAL(count_for(after, "rd-big"), 1);
    CU_ASSERT_EQUAL(tk_redis_int("XLEN %s", NQ_KEY_ALERTS), alerts + 1);
    /* An operator sees alerting caught up. */
    CU_ASSERT_EQUAL(tk_metric("nq_alerting_lag_entries"), 0);
    CU_ASSERT_EQUAL(tk_metric("nq_alerting_pending_entries"), 0);
    CU_ASSERT_EQUAL(tk_metric("nq_alerts_stored"), alerts + 1);
    json_decref(before);
    json_decref(after);
}

/* ================================================================ crashes */

/* Post `n` big orders and `n` negative feedbacks "<prefix>o<i>", "<prefix>f<i>",
 * a pair per request; `at_kill` pairs in, SIGKILL `victim`. */
static void flow(const char *prefix, int n, int at_kill, const char *victim)
{
    for (int i = 0; i < n; i++) {
        if (i == at_kill)
            CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, victim, SIGKILL), 128 + SIGKILL);
        char o[64], f[64];
        snprintf(o, sizeof(o), "%so%d", prefix, i);
        snprintf(f, sizeof(f), "%sf%d", prefix, i);
        tk_post_counts(json_pack("[o, o]", ev(o, "order", i % 2 ? "sp-zw" : "sp-ln", "120000.00"),
                                 feedback(f, i % 2 ? "sp-ln" : "sp-zw", 1, 0)),
                       2, 0);
    }
}

static void check_flow(const char *prefix, int n)
{
    char o[32], f[32];
    snprintf(o, sizeof(o), "%so", prefix);
    snprintf(f, sizeof(f), "%sf", prefix);
    json_t *big = all_alerts("rule=big_order");
    json_t *fb = all_alerts("rule=negative_feedback");
    check_once(big, o, n);
    check_once(fb, f, n);
    json_decref(big);
    json_decref(fb);
}

static void test_killed_and_restarted(void)
{
    flow("k-", 60, 20, "nq-alerting");
    /* Stored while alerting is down: raised after it starts again. */
    CU_ASSERT_FALSE(nq_harness_proc_running(tk_h, "nq-alerting"));
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
    CU_ASSERT_FATAL(wait_caught_up(WAIT_MS));
    check_flow("k-", 60);
}

static void test_two_replicas(void)
{
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_add(tk_h, "nq-alerting", "nq-alerting-2"), 0);
    usleep(300000);
    flow("r2-", 60, 30, "nq-alerting");
    /* nq-alerting-2 takes over what the dead one left pending. */
    CU_ASSERT_FATAL(wait_caught_up(WAIT_MS));
    check_flow("r2-", 60);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
}

/* A replica that read entries and died before acknowledging them (a ghost
 * consumer reads them while the live replicas are stopped): the live ones
 * take them over once they are idle, and raise their alerts once. */
static void test_dead_replica_entries(void)
{
    static const char *const live[] = {"nq-alerting", "nq-alerting-2"};
    for (size_t i = 0; i < 2; i++)
        CU_ASSERT_EQUAL_FATAL(nq_harness_proc_signal(tk_h, live[i], SIGSTOP), 0);
    flow("gh-", 5, -1, NULL);
    redisReply *r = redisCommand(tk_redis, "XREADGROUP GROUP %s ghost COUNT 100 STREAMS %s >",
                                 NQ_GROUP_ALERTING, NQ_KEY_ACTIVITIES);
    CU_ASSERT_FATAL(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1);
    CU_ASSERT_EQUAL(r->element[0]->element[1]->elements, 5); /* a request each */
    freeReplyObject(r);
    for (size_t i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(nq_harness_proc_signal(tk_h, live[i], SIGCONT), 0);
    CU_ASSERT_FATAL(wait_caught_up(WAIT_MS));
    check_flow("gh-", 5);
}

/* ================================================================ team settings */

static void test_team_rules(void)
{
    json_t *j = tk_get_ok("/api/v1/teams/t-east/alert-rules");
    tk_check_str(json_object_get(j, "team_id"), "t-east", "team_id");
    json_t *rules = json_object_get(j, "rules");
    CU_ASSERT(json_array_size(rules) >= 5);
    json_t *big = json_array_get(rules, 0);
    tk_check_str(json_object_get(big, "rule"), "big_order", "rule");
    tk_check_str(json_object_get(json_object_get(big, "params"), "min_amount"), "50000.00",
                 "default min_amount");
    json_decref(j);

    j = tk_put("/api/v1/teams/t-east/alert-rules",
               json_pack("{s:{s:{s:s}}}", "rules", "big_order", "min_amount", "100000.00"), 200);
    big = json_array_get(json_object_get(j, "rules"), 0);
    tk_check_str(json_object_get(json_object_get(big, "params"), "min_amount"), "100000.00",
                 "team min_amount");
    tk_check_str(
        json_object_get(json_object_get(json_object_get(big, "defaults"), "params"), "min_amount"),
        "50000.00", "company default");
    json_decref(j);
    json_decref(tk_put("/api/v1/teams/t-west/alert-rules",
                       json_pack("{s:{s:{s:b}}}", "rules", "negative_feedback", "enabled", 0),
                       200));
    j = tk_get_ok("/api/v1/teams/t-west/alert-rules");
    tk_check_like(json_object_get(j, "overrides"), "{\"negative_feedback\":{\"enabled\":false}}",
                  "overrides");
    json_decref(j);

    tk_post_counts(json_pack("[o, o, o, o]", ev("tr-east", "order", "sp-zw", "60000.00"),
                             ev("tr-west", "order", "sp-ln", "60000.00"),
                             feedback("tr-fb-west", "sp-ln", 1, -1),
                             feedback("tr-fb-east", "sp-zw", 1, -1)),
                   4, 0);
    CU_ASSERT_FATAL(wait_caught_up(WAIT_MS));
    json_t *all = all_alerts("state=open");
    CU_ASSERT_EQUAL(count_for(all, "tr-east"), 0);    /* under t-east's 100,000 */
    CU_ASSERT_EQUAL(count_for(all, "tr-west"), 1);    /* over the company's 50,000 */
    CU_ASSERT_EQUAL(count_for(all, "tr-fb-west"), 0); /* off for t-west */
    CU_ASSERT_EQUAL(count_for(all, "tr-fb-east"), 1);
    json_decref(all);

    /* Errors name what is wrong; nothing is written. */
    tk_expect_400("PUT", "/api/v1/teams/t-east/alert-rules", "{\"rules\":{\"big_orders\":{}}}",
                  "rules.big_orders");
    tk_expect_400("PUT", "/api/v1/teams/t-east/alert-rules",
                  "{\"rules\":{\"big_order\":{\"min_amonut\":\"1.00\"}}}",
                  "rules.big_order.min_amonut");
    tk_expect_400("PUT", "/api/v1/teams/t-east/alert-rules",
                  "{\"rules\":{\"negative_feedback\":{\"max_rating\":9}}}",
                  "rules.negative_feedback.max_rating");
    tk_expect_400("PUT", "/api/v1/teams/t-east/alert-rules", "{\"rule\":{}}", "rule");
    json_decref(tk_call("PUT", "/api/v1/teams/t-nobody/alert-rules", "{\"rules\":{}}", 404));
    json_decref(tk_call("GET", "/api/v1/teams/t-nobody/alert-rules", NULL, 404));
    j = tk_get_ok("/api/v1/teams/t-east/alert-rules");
    tk_check_like(json_object_get(j, "overrides"), "{\"big_order\":{\"min_amount\":\"100000.00\"}}",
                  "overrides kept");
    json_decref(j);
    /* {} clears them. */
    json_decref(tk_call("PUT", "/api/v1/teams/t-west/alert-rules", "{\"rules\":{}}", 200));
    j = tk_get_ok("/api/v1/teams/t-west/alert-rules");
    tk_check_like(json_object_get(j, "overrides"), "{}", "overrides cleared");
    json_decref(j);
}

/* ================================================================ lifecycle */

static json_t *act(const char *id, const char *action, const char *body, int want)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/%s", id, action);
    return tk_call("POST", path, body, want);
}

/* Read the stream until an alert_changed event for `id` in `state`. */
static bool await_change(nq_httpc_sse_t *s, const char *id, const char *state)
{
    nq_httpc_sse_event_t e;
    int64_t deadline = tk_mono_ms() + 10000;
    for (int64_t left; s && (left = deadline - tk_mono_ms()) > 0;) {
        if (nq_httpc_sse_next(s, &e, (int)left) != 1)
            break;
        json_t *a = json_loads(e.data, 0, NULL);
        bool mine = strcmp(e.event, "alert_changed") == 0 && strcmp(tk_str(a, "id"), id) == 0 &&
                    strcmp(tk_str(a, "state"), state) == 0;
        json_decref(a);
        if (mine)
            return true;
    }
    return tk_check(false, "no alert_changed for %s (%s) on the stream", id, state);
}

static void test_lifecycle(void)
{
    json_t *all = all_alerts("rule=big_order&team=t-east");
    json_t *a = find_alert(all, "r-big");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    char id[80];
    snprintf(id, sizeof(id), "%s", tk_str(a, "id"));
    json_decref(all);
    nq_httpc_sse_t *s =
        nq_httpc_sse_open(nq_harness_url(tk_h), "/api/v1/alerts/stream", NULL, 5000);
    CU_ASSERT_PTR_NOT_NULL(s);

    json_t *j = act(id, "ack", "{\"comment\":\"在跟进\",\"author\":\"coord-1\"}", 200);
    tk_check_str(json_object_get(j, "state"), "acknowledged", "after ack");
    CU_ASSERT(tk_str(j, "acknowledged_at")[0] != '\0');
    tk_check_str(json_object_get(json_array_get(json_object_get(j, "comments"), 0), "text"),
                 "在跟进", "ack comment");
    json_decref(j);
    CU_ASSERT(await_change(s, id, "acknowledged"));
    j = act(id, "ack", NULL, 409);
    tk_check_str(json_object_get(j, "error"), "conflict", "ack twice");
    CU_ASSERT(strstr(tk_str(j, "detail"), "open") != NULL);
    json_decref(j);
    j = act(id, "assign", "{\"assignee\":\"sp-ln\"}", 200);
    tk_check_str(json_object_get(j, "assignee"), "sp-ln", "assignee");
    json_decref(j);
    json_decref(act(id, "comment", "{\"text\":\"客户已回电\"}", 200));
    j = act(id, "resolve", NULL, 200);
    tk_check_str(json_object_get(j, "state"), "resolved", "resolved");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "comments")), 2);
    CU_ASSERT_EQUAL(tk_num(j, "version"), 5);
    json_decref(j);
    CU_ASSERT(await_change(s, id, "resolved"));
    nq_httpc_sse_close(&s);
    json_decref(act(id, "resolve", NULL, 409));
    json_decref(act(id, "ack", NULL, 409));
    json_decref(act(id, "assign", "{\"assignee\":\"sp-zw\"}", 409));
    json_decref(act(id, "comment", "{\"text\":\"复盘\"}", 200)); /* comments stay possible */

    /* Bad requests. */
    json_decref(act(id, "close", NULL, 404));
    json_decref(act("0000000000000-0000000000000000", "ack", NULL, 404));
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/assign", id);
    tk_expect_400("POST", path, "{}", "assignee");
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/comment", id);
    tk_expect_400("POST", path, "{\"text\":\"x\",\"mood\":1}", "mood");
    json_decref(tk_call("GET", "/api/v1/alerts/0000000000000-0000000000000000", NULL, 404));

    /* The list by state. */
    json_t *resolved = all_alerts("state=resolved");
    CU_ASSERT_EQUAL(json_array_size(resolved), 1);
    CU_ASSERT_STRING_EQUAL(tk_str(json_array_get(resolved, 0), "id"), id);
    json_decref(resolved);
    json_t *open = all_alerts("state=open");
    CU_ASSERT_PTR_NULL(find_alert(open, "r-big"));
    json_decref(open);
}

static void test_list_pages(void)
{
    json_t *all = all_alerts("salesperson=sp-zw");
    size_t n = json_array_size(all);
    CU_ASSERT(n > 10);
    /* Newest first, and no alert twice across pages of 3. */
    char cursor[256] = "";
    size_t seen = 0;
    for (int page = 0; page < 200; page++) {
        char path[512];
        snprintf(path, sizeof(path), "/api/v1/alerts?salesperson=sp-zw&limit=3%s%s",
                 *cursor ? "&cursor=" : "", cursor);
        json_t *j = tk_get_ok(path);
        size_t i;
        json_t *a;
        json_array_foreach (json_object_get(j, "items"), i, a) {
            CU_ASSERT_STRING_EQUAL(tk_str(a, "id"), tk_str(json_array_get(all, seen), "id"));
            tk_check_str(json_object_get(a, "salesperson_id"), "sp-zw", "filter");
            seen++;
        }
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            break;
    }
    CU_ASSERT_EQUAL(seen, n);
    for (size_t i = 1; i < n; i++) /* ids sort in raise order: newest first */
        CU_ASSERT(strcmp(tk_str(json_array_get(all, i - 1), "id"),
                         tk_str(json_array_get(all, i), "id")) > 0);
    json_decref(all);

    /* A cursor of other filters, or none at all; bad filters. */
    json_t *j = tk_get_ok("/api/v1/alerts?salesperson=sp-zw&limit=1");
    char path[512];
    snprintf(path, sizeof(path), "/api/v1/alerts?salesperson=sp-ln&limit=1&cursor=%s",
             tk_str(j, "next_cursor"));
    json_decref(j);
    json_t *e = tk_call("GET", path, NULL, 400);
    CU_ASSERT(tk_names_field(json_object_get(e, "errors"), "cursor"));
    json_decref(e);
    tk_expect_400("GET", "/api/v1/alerts?cursor=nonsense", NULL, "cursor");
    tk_expect_400("GET", "/api/v1/alerts?state=closed", NULL, "state");
    tk_expect_400("GET", "/api/v1/alerts?rule=big_orders", NULL, "rule");
    tk_expect_400("GET", "/api/v1/alerts?salesperson=a%20b", NULL, "salesperson");
    tk_expect_400("GET", "/api/v1/alerts?limit=0", NULL, "limit");
    tk_expect_400("GET", "/api/v1/alerts?limit=501", NULL, "limit");
}

/* ================================================================ suite */

static int suite_init(void)
{
    s_now = nq_now_ms();
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop() == 0 ? 0 : -1;
}

static CU_TestInfo tests[] = {
    {"the org", test_org},
    {"each rule raises what it should", test_rules},
    {"the log delivered again raises nothing twice", test_redelivered},
    {"per-team thresholds", test_team_rules},
    {"alerting SIGKILLed and restarted: every alert once", test_killed_and_restarted},
    {"two replicas, one SIGKILLed: every alert once", test_two_replicas},
    {"a dead replica's pending entries are taken over", test_dead_replica_entries},
    {"lifecycle: ack, assign, comment, resolve, 409s, SSE", test_lifecycle},
    {"the list: filters, pages, cursors", test_list_pages},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"alerts", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
