/* test_timers.c — timer rules (services/alerting/timers.h) on the real suite, with
 * nq-alerting's clock run ahead (NQ_CLOCK_OFFSET_MS) instead of waiting days:
 *   - a visit to a key customer sets its deadline; two alerting replicas restarted
 *     (SIGKILL) with the clock 8 days ahead raise one customer_not_visited alert about
 *     the customer, its owner and team, with the bilingual title; still one after
 *     another SIGKILL and restart;
 *   - a new visit resolves it automatically (resolve_reason auto, an alert stream entry);
 *   - an urgent ticket, the clock 5 h ahead: one ticket_sla alert (critical); the ticket
 *     closed: resolved automatically;
 *   - alerting SIGKILLed between the two groups' acks (the deadlines' group
 *     "alerting-timers" and the alert rules' "alerting"), each order: one group's
 *     writes made to fail (a key of the wrong type) while the other acknowledges;
 *     after the restart the visit's deadline and the big order's alert are both
 *     there, the alert once;
 *   - a deployment from before the timers' group (dropped, an entry read by an old
 *     replica left pending in "alerting"): the group is made just before that entry,
 *     whose deadline is stored.
 *
 * The org: t-tm (计时组): sp-zw 张伟 owns cust-hl 华联超市 (key).
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

#define WAIT_MS 20000 /* how long an alert or a resolve may take here */
#define DAY_MS  86400000LL
#define HOUR_MS 3600000LL

static int64_t s_now;

/* Stop both replicas with SIGKILL, then start both with the clock `offset_ms` ahead. */
static void restart_alerting(int64_t offset_ms)
{
    char env[64];
    snprintf(env, sizeof(env), "NQ_CLOCK_OFFSET_MS=%lld", (long long)offset_ms);
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting-2", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_EQUAL_FATAL(nq_harness_setenv(tk_h, env), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting-2"), 0);
}

/* The first alert of `rule` once there is one, or NULL after WAIT_MS. */
static json_t *wait_alert(const char *rule)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (tk_mono_ms() < deadline) {
        json_t *items = tk_alerts_of(rule);
        if (json_array_size(items) > 0) {
            json_t *a = json_incref(json_array_get(items, 0));
            json_decref(items);
            return a;
        }
        json_decref(items);
        usleep(200000);
    }
    tk_check(false, "no %s alert", rule);
    return NULL;
}

static size_t count_of(const char *rule)
{
    json_t *items = tk_alerts_of(rule);
    size_t n = json_array_size(items);
    json_decref(items);
    return n;
}

/* Alert `id` once its state is `state`, or NULL after WAIT_MS. */
static json_t *wait_state(const char *id, const char *state)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s", id);
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (tk_mono_ms() < deadline) {
        json_t *a = tk_get_ok(path);
        if (strcmp(tk_str(a, "state"), state) == 0)
            return a;
        json_decref(a);
        usleep(200000);
    }
    tk_check(false, "alert %s never %s", id, state);
    return NULL;
}

/* The deadline of timer `member`, Unix ms, or 0 when it has none. */
static long long deadline_of(const char *member)
{
    redisReply *r = tk_cmd("ZSCORE %s %s", NQ_KEY_ALERT_TIMERS, member);
    long long v = r && r->type == REDIS_REPLY_STRING ? atoll(r->str) : 0;
    freeReplyObject(r);
    return v;
}

static bool wait_deadline(const char *member, bool present)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (tk_mono_ms() < deadline) {
        if ((deadline_of(member) != 0) == present)
            return true;
        usleep(100000);
    }
    return false;
}

/* Entries of the alert stream about alert `id` whose change is `change`. */
static int stream_changes(const char *id, const char *change)
{
    redisReply *r = tk_cmd("XRANGE %s - +", NQ_KEY_ALERTS);
    int n = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *fields = r->element[i]->element[1];
        const redisReply *eid = tk_field_of(fields, "id");
        const redisReply *packed = tk_field_of(fields, "a");
        if (!eid || !packed || strcmp(eid->str, id) != 0)
            continue;
        Nq__Alert *a = nq__alert__unpack(NULL, packed->len, (const uint8_t *)packed->str);
        n += a && a->change && strcmp(a->change, change) == 0;
        if (a)
            nq__alert__free_unpacked(a, NULL);
    }
    freeReplyObject(r);
    return n;
}

static json_t *ticket_event(const char *id, const char *type, const char *ticket,
                            const char *priority, int64_t at)
{
    json_t *ev = tk_event(id, type, "sp-zw", "cust-hl", at, NULL);
    json_object_set_new(ev, "ticket_id", json_string(ticket));
    if (priority)
        json_object_set_new(ev, "priority", json_string(priority));
    return ev;
}

/* ================================================================ tests */

static void test_setup(void)
{
    json_decref(tk_put("/api/v1/teams/t-tm", json_pack("{s:s}", "name", "计时组"), 200));
    json_decref(tk_put(
        "/api/v1/salespeople/sp-zw",
        json_pack("{s:s, s:s, s:s}", "name", "张伟", "team_id", "t-tm", "status", "active"), 200));
    json_decref(tk_put(
        "/api/v1/customers/cust-hl",
        json_pack("{s:s, s:s, s:s}", "name", "华联超市", "class", "key", "owner_id", "sp-zw"),
        200));
    /* the timer rules are in the table with their defaults */
    json_t *j = tk_get_ok("/api/v1/teams/t-tm/alert-rules");
    size_t i;
    json_t *row;
    int seen = 0;
    json_array_foreach (json_object_get(j, "rules"), i, row) {
        if (strcmp(tk_str(row, "rule"), "customer_not_visited") == 0) {
            CU_ASSERT_STRING_EQUAL(tk_str(row, "kind"), "timer");
            CU_ASSERT_EQUAL(tk_num(json_object_get(row, "params"), "key_days"), 7);
            seen++;
        } else if (strcmp(tk_str(row, "rule"), "ticket_sla") == 0) {
            CU_ASSERT_EQUAL(tk_num(json_object_get(row, "params"), "urgent_hours"), 4);
            seen++;
        }
    }
    CU_ASSERT_EQUAL(seen, 2);
    json_decref(j);
    tk_expect_400("PUT", "/api/v1/teams/t-tm/alert-rules",
                  "{\"rules\":{\"customer_not_visited\":{\"key_days\":0}}}",
                  "rules.customer_not_visited.key_days");
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_add(tk_h, "nq-alerting", "nq-alerting-2"), 0);
    usleep(300000);
}

static void test_not_visited(void)
{
    tk_post_counts(
        json_pack("[o]", tk_event("tm-visit-1", "visit", "sp-zw", "cust-hl", s_now, NULL)), 1, 0);
    CU_ASSERT_TRUE_FATAL(wait_deadline("customer_not_visited|cust-hl", true));
    CU_ASSERT_TRUE(deadline_of("customer_not_visited|cust-hl") > s_now + 7 * DAY_MS);
    CU_ASSERT_TRUE(tk_wait_indexed(WAIT_MS)); /* the customers service has the last contact */
    CU_ASSERT_EQUAL(count_of("customer_not_visited"), 0);

    restart_alerting(8 * DAY_MS);
    json_t *a = wait_alert("customer_not_visited");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "customer_id"), "cust-hl");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "salesperson_id"), "sp-zw");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "team_id"), "t-tm");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "link"), "/customers/cust-hl");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), "重点客户 华联超市 已 8 天未拜访（要求 7 天）");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title_en"),
                           "Key customer 华联超市 not visited for 8 days (limit 7 days)");
    CU_ASSERT_EQUAL(tk_num(a, "days"), 8);
    CU_ASSERT_EQUAL(tk_num(a, "max_days"), 7);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "state"), "open");
    json_decref(a);
    /* the follow-up (key cadence, 7 days) is overdue too */
    json_t *f = wait_alert("followup_due");
    CU_ASSERT_PTR_NOT_NULL(f);
    json_decref(f);
    usleep(3000000);
    CU_ASSERT_EQUAL(count_of("customer_not_visited"), 1);
    CU_ASSERT_TRUE(wait_deadline("customer_not_visited|cust-hl", false)); /* fired: off the clock */
    /* another SIGKILL and restart: still one */
    restart_alerting(8 * DAY_MS + HOUR_MS);
    usleep(4000000);
    CU_ASSERT_EQUAL(count_of("customer_not_visited"), 1);
    CU_ASSERT_EQUAL(count_of("followup_due"), 1);
}

static void test_auto_resolve_visit(void)
{
    json_t *a = wait_alert("customer_not_visited");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    char id[128];
    snprintf(id, sizeof(id), "%s", tk_str(a, "id"));
    json_decref(a);
    restart_alerting(0); /* back to today: the new visit's own deadline is days away */
    tk_post_counts(
        json_pack("[o]", tk_event("tm-visit-2", "visit", "sp-zw", "cust-hl", s_now + 60000, NULL)),
        1, 0);
    a = wait_state(id, "resolved");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "resolve_reason"), "auto");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "change"), "resolved");
    json_decref(a);
    CU_ASSERT_EQUAL(stream_changes(id, "resolved"), 1);
    json_t *f = wait_alert("followup_due");
    if (f) {
        json_t *r = wait_state(tk_str(f, "id"), "resolved");
        CU_ASSERT_PTR_NOT_NULL(r);
        json_decref(r);
    }
    json_decref(f);
    CU_ASSERT_EQUAL(count_of("customer_not_visited"), 1);
}

static void test_ticket_sla(void)
{
    tk_post_counts(
        json_pack("[o]", ticket_event("tm-tk-open", "ticket_opened", "TK-9", "urgent", s_now)), 1,
        0);
    CU_ASSERT_TRUE_FATAL(wait_deadline("ticket_sla|TK-9", true));
    long long due = deadline_of("ticket_sla|TK-9") - 4 * HOUR_MS; /* opened at + 4 h */
    CU_ASSERT_TRUE(due > s_now - 1000 && due <= s_now);
    CU_ASSERT_EQUAL(count_of("ticket_sla"), 0);
    restart_alerting(5 * HOUR_MS);
    json_t *a = wait_alert("ticket_sla");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "severity"), "critical");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "ticket_id"), "TK-9");
    CU_ASSERT_EQUAL(tk_num(a, "max_hours"), 4);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), "工单 TK-9 超过 4 小时未关闭：张伟 的客户 华联超市");
    char id[128];
    snprintf(id, sizeof(id), "%s", tk_str(a, "id"));
    json_decref(a);
    CU_ASSERT_TRUE(wait_deadline("ticket_sla|TK-9", false));
    tk_post_counts(json_pack("[o]", ticket_event("tm-tk-close", "ticket_closed", "TK-9", NULL,
                                                 s_now + 120000)),
                   1, 0);
    a = wait_state(id, "resolved");
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "resolve_reason"), "auto");
    json_decref(a);
    CU_ASSERT_EQUAL(count_of("ticket_sla"), 1);
    CU_ASSERT_TRUE(wait_deadline("ticket_sla|TK-9", false));
}

/* Entries of the log delivered to `group`, not yet acknowledged. */
static long long pending_of(const char *group)
{
    redisReply *r = tk_cmd("XPENDING %s %s", NQ_KEY_ACTIVITIES, group);
    long long n = r && r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
                          r->element[0]->type == REDIS_REPLY_INTEGER
                      ? r->element[0]->integer
                      : -1;
    freeReplyObject(r);
    return n;
}

static bool wait_pending(const char *group, bool some)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (tk_mono_ms() < deadline) {
        long long n = pending_of(group);
        if (n >= 0 && (n > 0) == some)
            return true;
        usleep(100000);
    }
    return tk_check(false, "group %s: pending never %s", group, some ? "some" : "none");
}

/* SIGKILL both replicas, run `repair` on Redis, start both (the clock now). */
static void kill_repair_start(const char *repair, const char *key)
{
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting-2", SIGKILL), 128 + SIGKILL);
    tk_redis_do(repair, key);
    CU_ASSERT_EQUAL_FATAL(nq_harness_setenv(tk_h, "NQ_CLOCK_OFFSET_MS=0"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting-2"), 0);
}

/* The alert raised, its entry acknowledged by "alerting", the deadline not
 * stored (the clock is not a sorted set): killed there, both survive. */
static void test_killed_after_alert_ack(void)
{
    restart_alerting(0);
    tk_redis_do("DEL %s", NQ_KEY_ALERT_TIMERS);
    tk_redis_do("SET %s broken", NQ_KEY_ALERT_TIMERS);
    CU_ASSERT_EQUAL(count_of("big_order"), 0);
    tk_post_counts(
        json_pack("[o, o]", tk_event("kb-visit", "visit", "sp-zw", "cust-hl", s_now + 180000, NULL),
                  tk_event("kb-order", "order", "sp-zw", "cust-hl", s_now + 180000, "120000.00")),
        2, 0);
    json_t *a = wait_alert("big_order");
    CU_ASSERT_PTR_NOT_NULL(a);
    json_decref(a);
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERTING, false));
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERT_TIMERS, true)); /* read, not stored */
    kill_repair_start("DEL %s", NQ_KEY_ALERT_TIMERS);
    /* only the redelivered visit can put the deadline back: the clock was emptied */
    CU_ASSERT_TRUE(wait_deadline("customer_not_visited|cust-hl", true));
    CU_ASSERT_TRUE(deadline_of("customer_not_visited|cust-hl") > s_now + 7 * DAY_MS);
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERT_TIMERS, false));
    CU_ASSERT_EQUAL(count_of("big_order"), 1);
}

/* The deadline stored and acknowledged by "alerting-timers", the alert not
 * raised (the context read fails on the prices, which only the alert rules'
 * cycle reads): killed there, both survive, the deadline as it was. */
static void test_killed_after_timers_ack(void)
{
    tk_redis_do("DEL %s", NQ_KEY_ALERT_PRICES);
    tk_redis_do("SET %s broken", NQ_KEY_ALERT_PRICES);
    json_t *intel = tk_event("kb-intel", "competitor_intel", "sp-zw", "cust-hl", s_now, NULL);
    json_object_set_new(intel, "competitor", json_string("某竞品"));
    json_object_set_new(intel, "product", json_string("A100"));
    json_object_set_new(intel, "price", json_string("1000.00"));
    tk_post_counts(
        json_pack("[o, o, o]", ticket_event("kb-tk", "ticket_opened", "TK-KB", "urgent", s_now),
                  tk_event("kb-order-2", "order", "sp-zw", "cust-hl", s_now + 1000, "130000.00"),
                  intel),
        3, 0);
    CU_ASSERT_TRUE_FATAL(wait_deadline("ticket_sla|TK-KB", true));
    long long due = deadline_of("ticket_sla|TK-KB");
    CU_ASSERT_TRUE(due - 4 * HOUR_MS > s_now - 1000 && due - 4 * HOUR_MS <= s_now);
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERT_TIMERS, false));
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERTING, true)); /* read, not raised */
    CU_ASSERT_EQUAL(count_of("big_order"), 1);
    kill_repair_start("DEL %s", NQ_KEY_ALERT_PRICES);
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (count_of("big_order") < 2 && tk_mono_ms() < deadline)
        usleep(200000);
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERTING, false));
    CU_ASSERT_EQUAL(count_of("big_order"), 2);
    CU_ASSERT_EQUAL(deadline_of("ticket_sla|TK-KB"), due);
}

/* The timers' group dropped; a ticket's entry read through "alerting" by a
 * replica that died (as one from before the group would have left it): the
 * group is made where the entry is delivered again. */
static void test_upgrade_start(void)
{
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting-2", SIGKILL), 128 + SIGKILL);
    tk_redis_do("XGROUP DESTROY %s %s", NQ_KEY_ACTIVITIES, NQ_GROUP_ALERT_TIMERS);
    tk_post_counts(
        json_pack("[o]", ticket_event("up-tk", "ticket_opened", "TK-UP", "urgent", s_now)), 1, 0);
    redisReply *r = tk_cmd("XREADGROUP GROUP %s ghost COUNT 100 STREAMS %s >", NQ_GROUP_ALERTING,
                           NQ_KEY_ACTIVITIES);
    CU_ASSERT_FATAL(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1);
    CU_ASSERT_EQUAL(r->element[0]->element[1]->elements, 1);
    freeReplyObject(r);
    CU_ASSERT_EQUAL(deadline_of("ticket_sla|TK-UP"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting-2"), 0);
    CU_ASSERT_TRUE(wait_deadline("ticket_sla|TK-UP", true));
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERT_TIMERS, false));
    CU_ASSERT_TRUE(wait_pending(NQ_GROUP_ALERTING, false)); /* the ghost's, taken over */
}

/* ================================================================ wiring */

static int suite_init(void)
{
    s_now = nq_now_ms() - 600000; /* events ten minutes ago */
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

static CU_TestInfo tests[] = {
    {"the timer rules and their settings; a second replica", test_setup},
    {"not visited: one alert after a restart 8 days ahead, two replicas", test_not_visited},
    {"a visit resolves it automatically", test_auto_resolve_visit},
    {"ticket SLA: urgent, 5 h ahead; closed: resolved automatically", test_ticket_sla},
    {"SIGKILL after the alert's ack, before the deadline's", test_killed_after_alert_ack},
    {"SIGKILL after the deadline's ack, before the alert's", test_killed_after_timers_ack},
    {"the timers' group made before what \"alerting\" has pending", test_upgrade_start},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"timers", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
