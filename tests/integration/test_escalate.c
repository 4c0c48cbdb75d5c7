/* test_escalate.c — alerts not acknowledged in time escalate (services/alerting/escalate.h),
 * with one "minute" of escalate_after_min shortened to 100 ms (NQ_ALERT_ESCALATE_UNIT_MS,
 * test only) and t-esc's big_order set to 20 of them (2 s):
 *   - escalate_after_min is a setting of every rule: shown, changed, refused naming the field;
 *   - with two alerting replicas running, an alert left open escalates once: one "escalated"
 *     entry on the alert stream, escalated_at on the alert, state still open, and the
 *     escalation reaches the team's channels (local receivers) as its own delivery, marked
 *     "已升级 · Escalated", besides the first one;
 *   - an alert acknowledged before its deadline never escalates;
 *   - a deadline that passes while every alerting process is down escalates once one is back
 *     (the clock is in Redis).
 *
 * The org: t-esc (升级组): sp-zw 张伟.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "neiqin.pb-c.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "receivers.h"
#include "testkit.h"

#define WAIT_MS     15000 /* how long an alert, an escalation or a delivery may take here */
#define ESCALATE_MS 2000  /* t-esc's big_order: 20 "minutes" of 100 ms */
#define HOOK_SECRET "webhook-secret-0123456789"

static int64_t s_now;

enum { R_WECOM, R_HOOK, R_COUNT };

static receiver_t rx[R_COUNT] = {
    {.name = "wecom", .kind = "wecom", .secret = "", .mode = "ok"},
    {.name = "hook", .kind = "webhook", .secret = HOOK_SECRET, .mode = "ok"},
};

/* A big order of sp-zw for `amount` yuan; the id of its alert (waits for it). */
static void raise_big_order(const char *event_id, const char *amount, char *id, size_t len)
{
    tk_post_counts(
        json_pack("[o]", tk_event(event_id, "order", "sp-zw", "cust-001", s_now, amount)), 1, 0);
    *id = '\0';
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (!*id && tk_mono_ms() < deadline) {
        json_t *list = tk_get_ok("/api/v1/alerts?limit=500");
        size_t i;
        json_t *a;
        json_array_foreach (json_object_get(list, "items"), i, a) {
            if (strcmp(tk_str(a, "event_id"), event_id) == 0)
                snprintf(id, len, "%s", tk_str(a, "id"));
        }
        json_decref(list);
        if (!*id)
            usleep(50000);
    }
    tk_check(*id != '\0', "no alert for %s", event_id);
}

static json_t *alert_get(const char *id)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s", id);
    return tk_get_ok(path);
}

/* The alert once it has escalated, or NULL after WAIT_MS. */
static json_t *wait_escalated(const char *id)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (tk_mono_ms() < deadline) {
        json_t *a = alert_get(id);
        if (json_object_get(a, "escalated_at"))
            return a;
        json_decref(a);
        usleep(100000);
    }
    tk_check(false, "alert %s never escalated", id);
    return NULL;
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

/* Is alert `id` on the escalation clock? */
static bool on_clock(const char *id)
{
    redisReply *r = tk_cmd("ZSCORE %s %s", NQ_KEY_ALERT_ESCALATE, id);
    bool on = r && r->type == REDIS_REPLY_STRING;
    freeReplyObject(r);
    return on;
}

/* ================================================================ set-up */

static void test_setup(void)
{
    json_decref(tk_put("/api/v1/teams/t-esc", json_pack("{s:s}", "name", "升级组"), 200));
    json_decref(tk_put(
        "/api/v1/salespeople/sp-zw",
        json_pack("{s:s, s:s, s:s}", "name", "张伟", "team_id", "t-esc", "status", "active"), 200));
    json_decref(tk_put("/api/v1/customers/cust-001",
                       json_pack("{s:s, s:s, s:s}", "name", "杭州金达机电有限公司", "class", "key",
                                 "owner_id", "sp-zw"),
                       200));
    for (int i = 0; i < R_COUNT; i++)
        add_channel("t-esc", &rx[i], 0);
    /* every rule shows escalate_after_min and its default */
    json_t *j = tk_get_ok("/api/v1/teams/t-esc/alert-rules");
    json_t *big = json_array_get(json_object_get(j, "rules"), 0);
    CU_ASSERT_STRING_EQUAL(tk_str(big, "rule"), "big_order");
    CU_ASSERT_EQUAL(tk_num(big, "escalate_after_min"), 60);
    CU_ASSERT_EQUAL(tk_num(json_object_get(big, "defaults"), "escalate_after_min"), 60);
    json_decref(j);
    tk_expect_400("PUT", "/api/v1/teams/t-esc/alert-rules",
                  "{\"rules\":{\"big_order\":{\"escalate_after_min\":-1}}}",
                  "rules.big_order.escalate_after_min");
    tk_expect_400("PUT", "/api/v1/teams/t-esc/alert-rules",
                  "{\"rules\":{\"big_order\":{\"escalate_after_min\":\"soon\"}}}",
                  "rules.big_order.escalate_after_min");
    j = tk_put("/api/v1/teams/t-esc/alert-rules",
               json_pack("{s:{s:{s:i}}}", "rules", "big_order", "escalate_after_min", 20), 200);
    CU_ASSERT_EQUAL(tk_num(json_array_get(json_object_get(j, "rules"), 0), "escalate_after_min"),
                    20);
    json_decref(j);
    /* a second replica: both look for due escalations */
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_add(tk_h, "nq-alerting", "nq-alerting-2"), 0);
    usleep(300000);
}

/* ================================================================ escalation */

static void test_escalates_once(void)
{
    char id[128];
    int64_t t0 = nq_now_ms();
    raise_big_order("e-open", "91000.00", id, sizeof(id));
    CU_ASSERT_TRUE_FATAL(*id);
    CU_ASSERT_TRUE(on_clock(id));
    CU_ASSERT_TRUE(wait_count(&rx[R_HOOK], "91000.00", 1, WAIT_MS)); /* the first delivery */
    json_t *a = wait_escalated(id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "state"), "open");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "severity"), "warning"); /* kept */
    CU_ASSERT_STRING_EQUAL(tk_str(a, "change"), "escalated");
    json_decref(a);
    tk_check(nq_now_ms() - t0 >= ESCALATE_MS, "escalated %lld ms after the raise, before 2 s",
             (long long)(nq_now_ms() - t0));
    /* the escalation reaches both channels, marked, as a delivery of its own */
    CU_ASSERT_TRUE(wait_count(&rx[R_HOOK], "\"escalated\":true", 1, WAIT_MS));
    CU_ASSERT_TRUE(wait_count(&rx[R_WECOM], "已升级", 1, WAIT_MS));
    /* two replicas looked, later ticks too: still once */
    usleep(3000000);
    CU_ASSERT_EQUAL(stream_changes(id, "escalated"), 1);
    CU_ASSERT_EQUAL(stream_changes(id, "raised"), 1);
    CU_ASSERT_FALSE(on_clock(id));
    CU_ASSERT_EQUAL(count_ok(&rx[R_HOOK], "91000.00", NULL), 2);
    CU_ASSERT_EQUAL(count_ok(&rx[R_HOOK], "\"escalated\":true", NULL), 1);
    CU_ASSERT_EQUAL(count_ok(&rx[R_WECOM], "已升级", NULL), 1);
    a = alert_get(id);
    CU_ASSERT_EQUAL(tk_num(a, "version"), 2);
    size_t i, escalations = 0;
    json_t *d;
    json_array_foreach (json_object_get(a, "deliveries"), i, d) {
        CU_ASSERT_STRING_EQUAL(tk_str(d, "state"), "sent");
        escalations += json_is_true(json_object_get(d, "escalation"));
    }
    CU_ASSERT_EQUAL(json_array_size(json_object_get(a, "deliveries")), 2 * R_COUNT);
    CU_ASSERT_EQUAL(escalations, R_COUNT);
    json_decref(a);
    /* still acknowledged as usual afterwards */
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/ack", id);
    json_decref(tk_call("POST", path, NULL, 200));
}

static void test_acked_not_escalated(void)
{
    char id[128], path[200];
    raise_big_order("e-acked", "92000.00", id, sizeof(id));
    CU_ASSERT_TRUE_FATAL(*id);
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/ack", id);
    json_decref(tk_call("POST", path, "{\"comment\":\"在跟进\"}", 200));
    CU_ASSERT_FALSE(on_clock(id));
    usleep((ESCALATE_MS + 2500) * 1000);
    json_t *a = alert_get(id);
    CU_ASSERT_PTR_NULL(json_object_get(a, "escalated_at"));
    CU_ASSERT_STRING_EQUAL(tk_str(a, "state"), "acknowledged");
    CU_ASSERT_EQUAL(tk_num(a, "version"), 2);
    json_decref(a);
    CU_ASSERT_EQUAL(stream_changes(id, "escalated"), 0);
    CU_ASSERT_EQUAL(count_ok(&rx[R_HOOK], "92000.00", NULL), 1); /* the first one only */
}

static void test_across_restart(void)
{
    char id[128];
    raise_big_order("e-down", "93000.00", id, sizeof(id));
    CU_ASSERT_TRUE_FATAL(*id);
    CU_ASSERT_TRUE(wait_count(&rx[R_HOOK], "93000.00", 1, WAIT_MS));
    CU_ASSERT_TRUE(wait_count(&rx[R_WECOM], "93,000.00", 1, WAIT_MS));
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting-2", SIGKILL), 128 + SIGKILL);
    usleep((ESCALATE_MS + 1000) * 1000); /* the deadline passes while none runs */
    json_t *a = alert_get(id);
    CU_ASSERT_PTR_NULL(json_object_get(a, "escalated_at"));
    json_decref(a);
    CU_ASSERT_TRUE(on_clock(id));
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
    a = wait_escalated(id);
    CU_ASSERT_PTR_NOT_NULL(a);
    json_decref(a);
    CU_ASSERT_TRUE(wait_count(&rx[R_HOOK], "\"escalated\":true", 2, WAIT_MS));
    usleep(2000000);
    CU_ASSERT_EQUAL(stream_changes(id, "escalated"), 1);
    CU_ASSERT_EQUAL(count_ok(&rx[R_HOOK], "93000.00", NULL), 2);
    CU_ASSERT_FALSE(on_clock(id));
}

/* ================================================================ wiring */

static int suite_init(void)
{
    static const char *const env[] = {"NQ_ALERT_ESCALATE_UNIT_MS=100", "NQ_DELIVERY_RETRY_MS=200",
                                      NULL};
    s_now = nq_now_ms();
    return receivers_suite_start(env, rx, R_COUNT);
}

static int suite_cleanup(void)
{
    return receivers_suite_stop(rx, R_COUNT);
}

static CU_TestInfo tests[] = {
    {"escalate_after_min: shown, set, refused naming the field", test_setup},
    {"left open: escalates once (two replicas), reaches the channels", test_escalates_once},
    {"acknowledged in time: never escalates", test_acked_not_escalated},
    {"a deadline passed while alerting was down escalates after it starts", test_across_restart},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"escalation", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
