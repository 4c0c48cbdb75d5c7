/* test_custalerts.c — the customer rules of alerting on the real suite:
 *   - credit_limit: an invoice, then an order over the credit limit, both through
 *     the API: the customers service flags the order and appends the signal in the
 *     same script; alerting raises one alert with the numbers and the title; a
 *     second flagged order while both alerting replicas are down (SIGKILL) is raised
 *     once after they start; another SIGKILL and restart and a replayed signal raise
 *     nothing twice; nothing stays pending; each credit alert has its auto-resolve
 *     record whenever it exists (written in the raising script: checked right after
 *     a SIGKILL); a payment that takes the balance under the limit resolves both
 *     credit alerts automatically;
 *   - invoice_past_due: an invoice 3 days past due fires once with the amount open;
 *     a partial payment leaves it open, the payment that settles it (oldest first)
 *     resolves it automatically;
 *   - pool_warning: a key customer visited, nq-customers and alerting 12 days ahead
 *     (NQ_CLOCK_OFFSET_MS): the pool sweep's warning becomes one alert to the owner.
 *
 * The org: t-ca (客户告警组): sp-ca 张伟 owns ca-cr 华联超市 (credit limit 2,000.00),
 * ca-inv 北辰实业 and ca-pool 金达机电 (key).
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define WAIT_MS 20000 /* how long an alert or a resolve may take here */
#define DAY_MS  86400000LL

static int64_t s_now;
static char s_credit_1[64], s_credit_2[64]; /* the credit alerts' ids */

/* Stop both replicas with SIGKILL; start them again with the clock `offset_ms`
 * ahead unless `down`. */
static void kill_alerting(void)
{
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_EQUAL(nq_harness_proc_stop(tk_h, "nq-alerting-2", SIGKILL), 128 + SIGKILL);
}

static void start_alerting(int64_t offset_ms)
{
    char env[64];
    snprintf(env, sizeof(env), "NQ_CLOCK_OFFSET_MS=%lld", (long long)offset_ms);
    CU_ASSERT_EQUAL_FATAL(nq_harness_setenv(tk_h, env), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-alerting-2"), 0);
}

static size_t count_of(const char *rule)
{
    json_t *items = tk_alerts_of(rule);
    size_t n = json_array_size(items);
    json_decref(items);
    return n;
}

/* The newest alert of `rule` once there are n, or NULL after WAIT_MS. */
static json_t *wait_alerts(const char *rule, size_t n)
{
    for (int64_t deadline = tk_mono_ms() + WAIT_MS; tk_mono_ms() < deadline; usleep(200000)) {
        json_t *items = tk_alerts_of(rule);
        if (json_array_size(items) >= n) {
            json_t *a = json_incref(json_array_get(items, 0));
            json_decref(items);
            return a;
        }
        json_decref(items);
    }
    tk_check(false, "not %zu %s alerts", n, rule);
    return NULL;
}

/* Alert `id` once its state is `state`, or NULL after WAIT_MS. */
static json_t *wait_state(const char *id, const char *state)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s", id);
    for (int64_t deadline = tk_mono_ms() + WAIT_MS; tk_mono_ms() < deadline; usleep(200000)) {
        json_t *a = tk_get_ok(path);
        if (strcmp(tk_str(a, "state"), state) == 0)
            return a;
        json_decref(a);
    }
    tk_check(false, "alert %s never %s", id, state);
    return NULL;
}

/* Until timer `member` is off the clock (handled); false after WAIT_MS. */
static bool wait_off_clock(const char *member)
{
    for (int64_t deadline = tk_mono_ms() + WAIT_MS; tk_mono_ms() < deadline; usleep(100000)) {
        redisReply *r = tk_cmd("ZSCORE %s %s", NQ_KEY_ALERT_TIMERS, member);
        bool gone = r && r->type == REDIS_REPLY_NIL;
        freeReplyObject(r);
        if (gone)
            return true;
    }
    return false;
}

/* The local date of ms, "2026-12-07". */
static void date_of(int64_t ms, char *buf, size_t len)
{
    char full[48];
    CU_ASSERT_FATAL(nq_time_format(ms, full, sizeof(full)) > 0);
    snprintf(buf, len, "%.10s", full);
}

static json_t *money(const char *id, const char *type, const char *cust, int64_t at,
                     const char *amount)
{
    return tk_event(id, type, "sp-ca", cust, at, amount);
}

static json_t *invoice(const char *id, const char *cust, int64_t at, const char *amount,
                       int64_t due)
{
    char d[16];
    date_of(due, d, sizeof(d));
    json_t *e = money(id, "invoice", cust, at, amount);
    json_object_set_new(e, "due_at", json_string(d));
    return e;
}

static json_t *order(const char *id, const char *order_id, int64_t at, const char *amount)
{
    json_t *e = money(id, "order", "ca-cr", at, amount);
    json_object_set_new(e, "order_id", json_string(order_id));
    return e;
}

static void post_indexed(json_t *events)
{
    size_t n = json_array_size(events);
    tk_post_counts(events, (int)n, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(WAIT_MS));
}

/* Signal entries of `kind` on the stream. */
static int signals_of(const char *kind)
{
    redisReply *r = tk_cmd("XRANGE %s - +", NQ_KEY_CUSTOMER_SIGNALS);
    int n = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *k = tk_field_of(r->element[i]->element[1], "kind");
        n += k && strcmp(k->str, kind) == 0;
    }
    freeReplyObject(r);
    return n;
}

/* ================================================================ tests */

static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-ca", "{\"name\":\"客户告警组\"}");
    tk_put_ok("/api/v1/salespeople/sp-ca", "{\"name\":\"张伟\",\"team_id\":\"t-ca\"}");
    tk_put_ok("/api/v1/customers/ca-cr",
              "{\"name\":\"华联超市\",\"owner_id\":\"sp-ca\",\"credit_limit\":\"2000.00\"}");
    tk_put_ok("/api/v1/customers/ca-inv", "{\"name\":\"北辰实业\",\"owner_id\":\"sp-ca\"}");
    tk_put_ok("/api/v1/customers/ca-pool",
              "{\"name\":\"金达机电\",\"class\":\"key\",\"owner_id\":\"sp-ca\"}");
    /* the rules are in the table: invoice_past_due with its grace days */
    json_t *j = tk_get_ok("/api/v1/teams/t-ca/alert-rules");
    size_t i;
    json_t *row;
    int seen = 0;
    json_array_foreach (json_object_get(j, "rules"), i, row) {
        const char *rule = tk_str(row, "rule");
        if (strcmp(rule, "invoice_past_due") == 0) {
            CU_ASSERT_STRING_EQUAL(tk_str(row, "kind"), "timer");
            CU_ASSERT_EQUAL(tk_num(json_object_get(row, "params"), "grace_days"), 0);
            seen++;
        } else if (strcmp(rule, "credit_limit") == 0 || strcmp(rule, "pool_warning") == 0) {
            CU_ASSERT_STRING_EQUAL(tk_str(row, "kind"), "signal");
            seen++;
        }
    }
    CU_ASSERT_EQUAL(seen, 3);
    json_decref(j);
    tk_expect_400("PUT", "/api/v1/teams/t-ca/alert-rules",
                  "{\"rules\":{\"invoice_past_due\":{\"grace_days\":-1}}}",
                  "rules.invoice_past_due.grace_days");
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_add(tk_h, "nq-alerting", "nq-alerting-2"), 0);
    usleep(300000);
}

/* Does credit alert `id` have its auto-resolve record (nq:alert:timer:open
 * "credit_limit|ca-cr/<order ref>" -> id)? Written in the script that raises it,
 * so it holds after any SIGKILL. */
static bool credit_recorded(const char *id)
{
    redisReply *r = tk_cmd("HGETALL %s", NQ_KEY_ALERT_TIMER_OPEN);
    bool found = false;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2)
        found = found || (strncmp(r->element[i]->str, "credit_limit|ca-cr/", 19) == 0 &&
                          strcmp(r->element[i + 1]->str, id) == 0);
    freeReplyObject(r);
    return found;
}

static void test_credit(void)
{
    post_indexed(
        json_pack("[o]", invoice("cr-inv-1", "ca-cr", s_now, "1500.00", s_now + 30 * DAY_MS)));
    CU_ASSERT_EQUAL(count_of("credit_limit"), 0);
    post_indexed(json_pack("[o]", order("cr-o-1", "SO-CA1", s_now + 1000, "800.00")));
    json_t *a = wait_alerts("credit_limit", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(
        tk_str(a, "title"),
        "华联超市 订单 ¥800.00 超出信用额度：应收 ¥1,500.00 + 订单 > 额度 ¥2,000.00");
    CU_ASSERT_STRING_EQUAL(
        tk_str(a, "title_en"),
        "华联超市: order of CNY 800.00 exceeds the credit limit: receivables CNY "
        "1,500.00 + order > limit CNY 2,000.00");
    tk_check_str(json_object_get(a, "amount"), "800.00", "order amount");
    tk_check_str(json_object_get(a, "balance"), "1500.00", "balance");
    tk_check_str(json_object_get(a, "threshold"), "2000.00", "limit");
    tk_check_str(json_object_get(a, "headroom"), "500.00", "headroom");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "order_id"), "SO-CA1");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "customer_id"), "ca-cr");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "salesperson_id"), "sp-ca");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "team_id"), "t-ca");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "severity"), "warning");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "link"), "/customers/ca-cr");
    snprintf(s_credit_1, sizeof(s_credit_1), "%s", tk_str(a, "id"));
    json_decref(a);
    CU_ASSERT_TRUE(credit_recorded(s_credit_1));
    /* an order within the limit raises nothing (1500 + 400 <= 2000) */
    post_indexed(json_pack("[o]", order("cr-o-ok", "SO-CA0", s_now + 1500, "400.00")));
    CU_ASSERT_EQUAL(signals_of("credit_limit"), 1);
}

/* Both replicas down while a second order is flagged: raised once they are back. */
static void test_credit_durable(void)
{
    kill_alerting();
    post_indexed(json_pack("[o]", order("cr-o-2", "SO-CA2", s_now + 2000, "900.00")));
    CU_ASSERT_EQUAL(signals_of("credit_limit"), 2);
    CU_ASSERT_EQUAL(count_of("credit_limit"), 1);
    start_alerting(0);
    json_t *a = wait_alerts("credit_limit", 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "order_id"), "SO-CA2");
    snprintf(s_credit_2, sizeof(s_credit_2), "%s", tk_str(a, "id"));
    json_decref(a);
    /* SIGKILL the moment the alert is stored: its record is there all the same */
    kill_alerting();
    CU_ASSERT_TRUE(credit_recorded(s_credit_1));
    CU_ASSERT_TRUE(credit_recorded(s_credit_2));
    start_alerting(0);
    /* the same signal appended again (a replay) raises nothing */
    redisReply *r = tk_cmd("XREVRANGE %s + - COUNT 1", NQ_KEY_CUSTOMER_SIGNALS);
    CU_ASSERT_FATAL(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1);
    const redisReply *f = r->element[0]->element[1];
    const char *argv[40] = {"XADD", NQ_KEY_CUSTOMER_SIGNALS, "*"};
    size_t argc = 3;
    for (size_t i = 0; i < f->elements && argc < 40; i++)
        argv[argc++] = f->element[i]->str;
    redisReply *x = redisCommandArgv(tk_redis, (int)argc, argv, NULL);
    CU_ASSERT_PTR_NOT_NULL(x);
    freeReplyObject(x);
    freeReplyObject(r);
    kill_alerting();
    start_alerting(0);
    usleep(4000000);
    CU_ASSERT_EQUAL(count_of("credit_limit"), 2);
    /* every signal acknowledged */
    r = tk_cmd("XPENDING %s alerting", NQ_KEY_CUSTOMER_SIGNALS);
    CU_ASSERT(r && r->type == REDIS_REPLY_ARRAY && r->element[0]->integer == 0);
    freeReplyObject(r);
}

/* A payment takes the balance (1500.00) down to 500.00, under the limit. */
static void test_credit_resolve(void)
{
    post_indexed(json_pack("[o]", money("cr-pay-1", "payment", "ca-cr", s_now + 3000, "1000.00")));
    const char *ids[] = {s_credit_1, s_credit_2}; /* every flagged order's alert */
    for (size_t i = 0; i < 2; i++) {
        json_t *a = wait_state(ids[i], "resolved");
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_STRING_EQUAL(tk_str(a, "resolve_reason"), "auto");
        json_decref(a);
    }
    CU_ASSERT_EQUAL(count_of("credit_limit"), 2);
}

static void test_invoice_past_due(void)
{
    post_indexed(json_pack(
        "[o]", invoice("iv-1", "ca-inv", s_now - 10 * DAY_MS, "1000.00", s_now - 3 * DAY_MS)));
    json_t *a = wait_alerts("invoice_past_due", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), "北辰实业 发票 iv-1 逾期 3 天未付：未付 ¥1,000.00");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "invoice_id"), "iv-1");
    tk_check_str(json_object_get(a, "amount"), "1000.00", "amount open");
    CU_ASSERT_EQUAL(tk_num(a, "days"), 3);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "salesperson_id"), "sp-ca");
    char id[64];
    snprintf(id, sizeof(id), "%s", tk_str(a, "id"));
    json_decref(a);
    CU_ASSERT_TRUE(wait_off_clock("invoice_past_due|ca-inv/iv-1"));
    /* a partial payment: 600.00 still open, the alert stays */
    post_indexed(json_pack("[o]", money("iv-pay-1", "payment", "ca-inv", s_now, "400.00")));
    CU_ASSERT_TRUE(wait_off_clock("invoice_past_due|ca-inv")); /* the recheck ran */
    json_t *g = wait_state(id, "open");
    CU_ASSERT_PTR_NOT_NULL(g);
    json_decref(g);
    /* the rest: resolved */
    post_indexed(json_pack("[o]", money("iv-pay-2", "payment", "ca-inv", s_now + 1, "600.00")));
    a = wait_state(id, "resolved");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "resolve_reason"), "auto");
    json_decref(a);
    kill_alerting();
    start_alerting(0);
    usleep(3000000);
    CU_ASSERT_EQUAL(count_of("invoice_past_due"), 1);
}

/* Visited today; 12 days on a key customer (pool 14 days, warned 3 before) is warned. */
static void test_pool_warning(void)
{
    post_indexed(json_pack("[o]", tk_event("ca-visit", "visit", "sp-ca", "ca-pool", s_now, NULL)));
    CU_ASSERT_EQUAL(count_of("pool_warning"), 0);
    char env[64];
    snprintf(env, sizeof(env), "NQ_CLOCK_OFFSET_MS=%lld", 12 * DAY_MS);
    kill_alerting();
    CU_ASSERT_FATAL(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0);
    CU_ASSERT_FATAL(nq_harness_setenv(tk_h, env) == 0);
    CU_ASSERT_FATAL(nq_harness_proc_start(tk_h, "nq-customers") == 0);
    start_alerting(12 * DAY_MS);
    json_t *a = wait_alerts("pool_warning", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(tk_str(a, "title"), "金达机电 将于 3 天后退回公海（已 12 天未跟进）");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "customer_id"), "ca-pool");
    CU_ASSERT_STRING_EQUAL(tk_str(a, "salesperson_id"), "sp-ca");
    CU_ASSERT_EQUAL(tk_num(a, "max_days"), 14);
    json_decref(a);
    kill_alerting();
    start_alerting(12 * DAY_MS);
    usleep(3000000);
    CU_ASSERT_EQUAL(count_of("pool_warning"), 1);
    CU_ASSERT_EQUAL(signals_of("pool_warning"), 1);
}

/* ================================================================ wiring */

static int suite_init(void)
{
    s_now = nq_now_ms() - 1000;
    return tk_start((const char *[]){"NQ_POOL_SWEEP=on", NULL});
}

static int suite_cleanup(void)
{
    return tk_stop();
}

static CU_TestInfo tests[] = {
    {"the rules and their settings; a second replica", test_setup},
    {"credit: one alert per flagged order with its numbers", test_credit},
    {"credit: flagged while alerting is down, once after; a replay raises nothing",
     test_credit_durable},
    {"credit: a payment under the limit resolves it", test_credit_resolve},
    {"invoice past due: once; a partial payment leaves it, the rest resolves it",
     test_invoice_past_due},
    {"pool warning: 12 days ahead, once", test_pool_warning},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"customer alerts", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
