/* test_delivery.c — alerts delivered to the teams' channels, against local receivers
 * (tests/integration/receiver.py, one per vendor format, each checking the vendor's
 * signature and body on its own):
 *   - channels added, listed (webhook and secret masked, never logged), refused with the
 *     field named, deleted; the test message reaches its receiver;
 *   - a big order reaches WeCom, DingTalk, Feishu, a signed webhook and e-mail (an SMTP
 *     server that refuses the first message with 451: retried); one receiver
 *     answering 500 twice is retried until it takes it; one slow receiver (3 s) delays
 *     none of the others; GET /alerts/{id} shows every delivery's state;
 *   - a receiver down for longer than the retry window (NQ_DELIVERY_WINDOW_S=4 here):
 *     a dead letter with its last error, then redriven once it is back;
 *   - a channel at its rate limit gets a digest of the alerts rather than losing any.
 *
 * The org: t-east (华东一组): sp-zw 张伟; t-west (华西组): sp-ln 李娜; t-north (华北组): sp-wq 王强.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "nq/httpc.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"
#include "receivers.h"

#define WAIT_MS     15000 /* how long a delivery may take here */
#define SLOW_MS     3000  /* the slow receiver's delay */
#define DT_SECRET   "SECdingtalk-secret-0123456789"
#define FS_SECRET   "feishu-secret-0123456789"
#define HOOK_SECRET "webhook-secret-0123456789"
#define MAIL_SECRET "mail-secret-0123456789"

static int64_t s_now;

enum { R_WECOM, R_DINGTALK, R_FEISHU, R_EMAIL, R_FLAKY, R_SLOW, R_DOWN, R_RATED, R_COUNT };

static receiver_t rx[R_COUNT] = {
    {.name = "wecom", .kind = "wecom", .secret = "", .mode = "ok"},
    {.name = "dingtalk", .kind = "dingtalk", .secret = DT_SECRET, .mode = "ok"},
    {.name = "feishu", .kind = "feishu", .secret = FS_SECRET, .mode = "ok"},
    {.name = "email", .kind = "email", .secret = MAIL_SECRET, .mode = "fail:1"},
    {.name = "flaky", .kind = "webhook", .secret = HOOK_SECRET, .mode = "fail:2"},
    {.name = "slow", .kind = "webhook", .secret = HOOK_SECRET, .mode = "slow:3000"},
    {.name = "down", .kind = "webhook", .secret = HOOK_SECRET, .mode = "down"},
    {.name = "rated", .kind = "webhook", .secret = HOOK_SECRET, .mode = "ok"},
};

/* The alert raised for event `event_id`, as GET /alerts/{id} answers it, once
 * every one of its deliveries is in state `state` (NULL: as soon as it exists). */
static json_t *alert_of(const char *event_id, const char *state, int want_deliveries)
{
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    while (tk_mono_ms() < deadline) {
        json_t *list = tk_get_ok("/api/v1/alerts?limit=500");
        size_t i;
        json_t *a;
        char id[128] = "";
        json_array_foreach (json_object_get(list, "items"), i, a) {
            if (strcmp(tk_str(a, "event_id"), event_id) == 0)
                snprintf(id, sizeof(id), "%s", tk_str(a, "id"));
        }
        json_decref(list);
        if (*id) {
            char path[200];
            snprintf(path, sizeof(path), "/api/v1/alerts/%s", id);
            json_t *one = tk_get_ok(path);
            json_t *d = json_object_get(one, "deliveries");
            bool all = json_array_size(d) == (size_t)want_deliveries;
            json_array_foreach (d, i, a)
                all = all && (!state || strcmp(tk_str(a, "state"), state) == 0);
            if (all)
                return one;
            json_decref(one);
        }
        usleep(100000);
    }
    tk_check(false, "the alert of %s never had %d deliveries %s", event_id, want_deliveries,
             state ? state : "");
    return NULL;
}

static json_t *delivery_to(const json_t *alert, const receiver_t *r)
{
    size_t i;
    json_t *d;
    json_array_foreach (json_object_get(alert, "deliveries"), i, d) {
        if (strcmp(tk_str(d, "channel"), r->channel) == 0)
            return d;
    }
    return NULL;
}

/* ================================================================ the org */

static void test_org(void)
{
    static const char *const teams[][2] = {
        {"t-east", "华东一组"}, {"t-west", "华西组"}, {"t-north", "华北组"}};
    static const char *const people[][3] = {
        {"sp-zw", "张伟", "t-east"}, {"sp-ln", "李娜", "t-west"}, {"sp-wq", "王强", "t-north"}};
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/teams/%s", teams[i][0]);
        json_decref(tk_put(path, json_pack("{s:s}", "name", teams[i][1]), 200));
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", people[i][0]);
        json_decref(tk_put(path,
                           json_pack("{s:s, s:s, s:s}", "name", people[i][1], "team_id",
                                     people[i][2], "status", "active"),
                           200));
    }
    json_decref(tk_put("/api/v1/customers/cust-001",
                       json_pack("{s:s, s:s, s:s}", "name", "杭州金达机电有限公司", "class", "key",
                                 "owner_id", "sp-zw"),
                       200));
}

/* ================================================================ channels */

static void test_channels_api(void)
{
    for (int i = R_WECOM; i <= R_SLOW; i++)
        add_channel("t-east", &rx[i], 0);
    add_channel("t-west", &rx[R_DOWN], 0);
    add_channel("t-north", &rx[R_RATED], 2);
    /* listed masked */
    json_t *j = tk_get_ok("/api/v1/teams/t-east/channels");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "channels")), 6);
    char *text = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(text, "robot-key"));
    CU_ASSERT_PTR_NULL(strstr(text, "secret-0123"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "access_token=*****-key"));
    free(text);
    json_decref(j);
    /* refused naming the field; unknown team and channel 404 */
    tk_expect_400("POST", "/api/v1/teams/t-east/channels",
                  "{\"kind\":\"sms\",\"name\":\"x\",\"webhook\":\"http://h/\"}", "kind");
    tk_expect_400("POST", "/api/v1/teams/t-east/channels",
                  "{\"kind\":\"webhook\",\"name\":\"x\",\"webhook\":\"http://h/\"}", "secret");
    tk_expect_400("POST", "/api/v1/teams/t-east/channels",
                  "{\"kind\":\"wecom\",\"name\":\"x\",\"webhook\":\"javascript:x\"}", "webhook");
    tk_expect_400("POST", "/api/v1/teams/t-east/channels",
                  "{\"kind\":\"email\",\"name\":\"x\",\"smtp\":\"smtp://h\",\"from\":\"a@b.cn\"}",
                  "to");
    json_decref(tk_call("POST", "/api/v1/teams/t-nowhere/channels",
                        "{\"kind\":\"wecom\",\"name\":\"x\",\"webhook\":\"http://h/\"}", 404));
    json_decref(tk_call("DELETE", "/api/v1/teams/t-east/channels/ch-none", NULL, 404));
    json_decref(tk_call("POST", "/api/v1/teams/t-east/channels/ch-none/test", NULL, 404));
    /* a channel added and deleted */
    json_t *c =
        tk_call("POST", "/api/v1/teams/t-east/channels",
                "{\"kind\":\"wecom\",\"name\":\"gone\",\"webhook\":\"http://127.0.0.1:9/\"}", 201);
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/teams/t-east/channels/%s", tk_str(c, "id"));
    json_decref(tk_call("DELETE", path, NULL, 200));
    json_decref(tk_call("DELETE", path, NULL, 404));
    json_decref(c);
    /* the test message reaches the WeCom receiver; the channel shows it sent */
    snprintf(path, sizeof(path), "/api/v1/teams/t-east/channels/%s/test", rx[R_WECOM].channel);
    json_decref(tk_call("POST", path, NULL, 202));
    CU_ASSERT_TRUE(wait_count(&rx[R_WECOM], "测试", 1, WAIT_MS));
    /* and the e-mail one, refused once (451) and sent again */
    snprintf(path, sizeof(path), "/api/v1/teams/t-east/channels/%s/test", rx[R_EMAIL].channel);
    json_decref(tk_call("POST", path, NULL, 202));
    CU_ASSERT_TRUE(wait_count(&rx[R_EMAIL], "测试", 1, WAIT_MS));
    set_mode(&rx[R_EMAIL], "fail:1"); /* once more for the big order */
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    bool shown = false;
    while (!shown && tk_mono_ms() < deadline) {
        j = tk_get_ok("/api/v1/teams/t-east/channels");
        size_t i;
        json_t *ch;
        json_array_foreach (json_object_get(j, "channels"), i, ch) {
            if (strcmp(tk_str(ch, "id"), rx[R_WECOM].channel) == 0)
                shown = strcmp(tk_str(json_object_get(ch, "last_delivery"), "state"), "sent") == 0;
        }
        json_decref(j);
        usleep(100000);
    }
    CU_ASSERT_TRUE(shown);
}

/* ================================================================ delivery */

static void test_deliver_all(void)
{
    int64_t t0 = (int64_t)(nq_now_ms());
    tk_post_counts(
        json_pack("[o]", tk_event("d-big", "order", "sp-zw", "cust-001", s_now, "99000.00")), 1, 0);
    const char *title = "杭州金达机电有限公司";
    double at[R_COUNT] = {0};
    for (int i = R_WECOM; i <= R_FEISHU; i++)
        CU_ASSERT_TRUE(wait_count(&rx[i], title, 1, WAIT_MS));
    /* the e-mail: refused once (451), sent again, its subject the alert's title */
    CU_ASSERT_TRUE(wait_count(&rx[R_EMAIL], title, 1, WAIT_MS));
    /* the fast ones arrived well before the slow receiver could answer */
    for (int i = R_WECOM; i <= R_FEISHU; i++) {
        count_ok(&rx[i], title, &at[i]);
        tk_check(at[i] - (double)t0 < SLOW_MS, "%s got its message %.0f ms after the order",
                 rx[i].name, at[i] - (double)t0);
    }
    /* the flaky one: two 500s, then taken; the slow one: taken */
    CU_ASSERT_TRUE(wait_count(&rx[R_FLAKY], title, 1, WAIT_MS));
    CU_ASSERT_TRUE(wait_count(&rx[R_SLOW], title, 1, WAIT_MS));
    json_t *all = received(&rx[R_FLAKY]);
    CU_ASSERT_EQUAL(json_array_size(all), 3);
    json_decref(all);
    /* every delivery's state on the alert */
    json_t *a = alert_of("d-big", "sent", 6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    json_t *d = delivery_to(a, &rx[R_FLAKY]);
    CU_ASSERT_EQUAL(tk_num(d, "attempts"), 3);
    CU_ASSERT_EQUAL(tk_num(delivery_to(a, &rx[R_WECOM]), "attempts"), 1);
    CU_ASSERT_EQUAL(tk_num(delivery_to(a, &rx[R_EMAIL]), "attempts"), 2);
    CU_ASSERT_STRING_EQUAL(tk_str(delivery_to(a, &rx[R_EMAIL]), "kind"), "email");
    CU_ASSERT_STRING_EQUAL(tk_str(delivery_to(a, &rx[R_DINGTALK]), "kind"), "dingtalk");
    CU_ASSERT_TRUE(tk_num(d, "sent_at") > 0);
    json_decref(a);
    /* exactly once each */
    for (int i = R_WECOM; i <= R_SLOW; i++)
        tk_check(count_ok(&rx[i], title, NULL) == 1, "%s: not exactly one message", rx[i].name);
}

static void test_dead_and_redrive(void)
{
    tk_post_counts(
        json_pack("[o]", tk_event("d-west", "order", "sp-ln", "cust-w", s_now, "88000.00")), 1, 0);
    /* down for longer than the window: a dead letter with the last error */
    json_t *a = alert_of("d-west", "dead", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    json_t *d = delivery_to(a, &rx[R_DOWN]);
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(d, "last_error"), "HTTP 503"));
    CU_ASSERT_TRUE(tk_num(d, "attempts") >= 3); /* 4 s of backoff from 200 ms */
    char id[256];
    snprintf(id, sizeof(id), "%s", tk_str(d, "delivery"));
    json_decref(a);
    json_t *dead = tk_get_ok("/api/v1/teams/t-west/deliveries/dead");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(dead, "deliveries")), 1);
    CU_ASSERT_STRING_EQUAL(
        tk_str(json_array_get(json_object_get(dead, "deliveries"), 0), "delivery"), id);
    json_decref(dead);
    /* another team cannot redrive it; a bad body names the field */
    char body[400];
    snprintf(body, sizeof(body), "{\"deliveries\":[\"%s\"]}", id);
    tk_expect_400("POST", "/api/v1/teams/t-east/deliveries/redrive", body, "deliveries");
    tk_expect_400("POST", "/api/v1/teams/t-west/deliveries/redrive", "{\"deliveries\":[]}",
                  "deliveries");
    /* back up, redriven: taken */
    set_mode(&rx[R_DOWN], "ok");
    json_t *r = tk_call("POST", "/api/v1/teams/t-west/deliveries/redrive", body, 200);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "queued")), 1);
    json_decref(r);
    r = tk_call("POST", "/api/v1/teams/t-west/deliveries/redrive", body, 200);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(r, "not_dead")), 1); /* not twice */
    json_decref(r);
    CU_ASSERT_TRUE(wait_count(&rx[R_DOWN], "李娜", 1, WAIT_MS));
    a = alert_of("d-west", "sent", 1);
    CU_ASSERT_PTR_NOT_NULL(a);
    json_decref(a);
    dead = tk_get_ok("/api/v1/teams/t-west/deliveries/dead");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(dead, "deliveries")), 0);
    json_decref(dead);
}

static void test_rate_digest(void)
{
    /* six big orders at once to a channel that takes 2 messages a minute */
    json_t *events = json_array();
    for (int i = 0; i < 6; i++) {
        char eid[32], amount[32];
        snprintf(eid, sizeof(eid), "d-rate-%d", i);
        snprintf(amount, sizeof(amount), "%d.00", 60000 + i);
        json_array_append_new(events, tk_event(eid, "order", "sp-wq", "cust-n", s_now, amount));
    }
    tk_post_counts(events, 6, 0);
    int64_t deadline = tk_mono_ms() + WAIT_MS;
    size_t alerts = 0, messages = 0;
    while (tk_mono_ms() < deadline && alerts < 6) {
        json_t *all = received(&rx[R_RATED]);
        alerts = messages = 0;
        size_t i;
        json_t *m;
        json_array_foreach (all, i, m) {
            messages++;
            alerts += json_array_size(json_object_get(json_object_get(m, "body"), "alerts"));
        }
        json_decref(all);
        usleep(100000);
    }
    tk_check(alerts == 6, "the rated channel got %zu of 6 alerts", alerts);
    tk_check(messages <= 2, "the rated channel got %zu messages, at most 2 a minute", messages);
}

static void test_quiet_hours(void)
{
    /* quiet hours around now in the zone: a warning is held, a critical alert passes */
    nq_period_t day;
    int64_t now = nq_now_ms();
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_DAY, now, &day), 0);
    int minute = (int)((now - day.start_ms) / 60000);
    int start = (minute + 1440 - 60) % 1440, end = (minute + 60) % 1440;
    char body[96];
    snprintf(body, sizeof(body), "{\"start\":\"%02d:%02d\",\"end\":\"%02d:%02d\"}", start / 60,
             start % 60, end / 60, end % 60);
    char end_s[8];
    snprintf(end_s, sizeof(end_s), "%02d:%02d", end / 60, end % 60);
    json_t *j = tk_call("PUT", "/api/v1/teams/t-north/quiet-hours", body, 200);
    CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(j, "quiet_hours"), "end"), end_s);
    json_decref(j);
    j = tk_get_ok("/api/v1/teams/t-north/quiet-hours");
    CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(j, "quiet_hours"), "start"));
    json_decref(j);
    tk_expect_400("PUT", "/api/v1/teams/t-north/quiet-hours",
                  "{\"start\":\"25:00\",\"end\":\"08:00\"}", "start");
    json_decref(tk_call("PUT", "/api/v1/teams/t-nowhere/quiet-hours", "{}", 404));
    json_t *tk = tk_event("q-urgent", "ticket_opened", "sp-wq", "cust-n", s_now, NULL);
    json_object_set_new(tk, "ticket_id", json_string("TK-Q1"));
    json_object_set_new(tk, "priority", json_string("urgent"));
    tk_post_counts(
        json_pack("[o, o]", tk_event("q-big", "order", "sp-wq", "cust-n", s_now, "77000.00"), tk),
        2, 0);
    CU_ASSERT_TRUE(wait_count(&rx[R_RATED], "TK-Q1", 1, WAIT_MS)); /* critical: through */
    json_t *a = alert_of("q-big", "held", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    json_t *d = json_array_get(json_object_get(a, "deliveries"), 0);
    int64_t until = day.start_ms + (int64_t)end * 60000;
    if (end < minute)
        until += 86400000;
    CU_ASSERT_EQUAL(tk_num(d, "next_at"), until);
    json_decref(a);
    CU_ASSERT_EQUAL(count_ok(&rx[R_RATED], "77,000.00", NULL), 0);
    CU_ASSERT_EQUAL(count_ok(&rx[R_RATED], "77000.00", NULL), 0);
    json_decref(tk_call("PUT", "/api/v1/teams/t-north/quiet-hours", "{}", 200));
}

static void test_secrets_not_logged(void)
{
    static const char *const names[] = {"nq-alerting", "nq-gateway"};
    for (size_t i = 0; i < 2; i++) {
        char path[512];
        nq_harness_log_path(tk_h, names[i], path, sizeof(path));
        FILE *f = fopen(path, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        char line[8192];
        while (fgets(line, sizeof(line), f)) {
            tk_check(!strstr(line, "secret-0123") && !strstr(line, "robot-key"),
                     "%s logged a secret: %s", names[i], line);
        }
        fclose(f);
    }
}

/* ================================================================ wiring */

static int suite_init(void)
{
    static const char *const env[] = {"NQ_DELIVERY_RETRY_MS=200", "NQ_DELIVERY_WINDOW_S=4",
                                      "NQ_DELIVERY_TIMEOUT_MS=8000",
                                      "NQ_CONSOLE_URL=http://console.test", NULL};
    s_now = nq_now_ms();
    return receivers_suite_start(env, rx, R_COUNT);
}

static int suite_cleanup(void)
{
    return receivers_suite_stop(rx, R_COUNT);
}

static CU_TestInfo tests[] = {
    {"the org", test_org},
    {"channels: add, list masked, refuse, delete, test message", test_channels_api},
    {"an alert to every vendor; 500s retried; a slow receiver delays no other", test_deliver_all},
    {"down past the retry window: dead letter, then redrive", test_dead_and_redrive},
    {"at the rate limit: a digest, nothing lost", test_rate_digest},
    {"quiet hours: a warning held, a critical alert through", test_quiet_hours},
    {"no secret in the logs", test_secrets_not_logged},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"delivery", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
