/* test_redis_acl.c — the suite with Redis ACL users (NQ_REDIS_ACL=on, as
 * the run command runs it): every service does its job as its own user (a
 * smoke flow: org and a team's alert rules, an order scored, indexed and
 * alerted, the alert acknowledged, a sign-in; Redis's ACL LOG stays empty), a connection
 * without a password gets nothing, the gateway's user cannot wipe Redis nor
 * write the activity log or the aggregates, no service user can run an
 * administrative command, each service's user writes and reads only its key
 * families (acl_cases.h). */
#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acl_cases.h"
#include "harness.h"
#include "nq/keys.h"
#include "nq/redis_acl.h"
#include "nq_test.h"
#include "testkit.h"

#define TEAM     "t-acl"
#define SP       "sp-acl-li"
#define CUSTOMER "c-acl-1"

static const char *const s_env[] = {"NQ_REDIS_ACL=on", NULL};

static int suite_init(void)
{
    return tk_start(s_env);
}

static int suite_cleanup(void)
{
    tk_stop();
    return 0;
}

/* A connection as `user` (NULL: no AUTH at all). */
static redisContext *connect_as(const char *user)
{
    char dir[400], pw[NQ_REDIS_PASSWORD_LEN + 1], err[300];
    redisContext *c =
        redisConnectWithTimeout("127.0.0.1", nq_harness_redis_port(tk_h), (struct timeval){5, 0});
    CU_ASSERT_FATAL(c && !c->err);
    if (!user)
        return c;
    snprintf(dir, sizeof(dir), "%s/redis-acl", nq_harness_dir(tk_h));
    CU_ASSERT_EQUAL_FATAL(nq_redis_acl_password(dir, user, pw, sizeof(pw), err, sizeof(err)), 0);
    redisReply *r = redisCommand(c, "AUTH %s %s", user, pw);
    CU_ASSERT_FATAL(r && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    return c;
}

/* Whether `c` is refused the command (an error reply starting with `code`). */
static bool refused(redisContext *c, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    bool no = r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, code, strlen(code)) == 0;
    if (!no)
        fprintf(stderr, "not refused with %s: %s -> %s\n", code, fmt,
                r ? (r->str ? r->str : "(a value)") : "no reply");
    freeReplyObject(r);
    return no;
}

static void test_smoke_flow(void)
{
    int status;
    json_t *j = tk_put("/api/v1/teams/" TEAM, json_pack("{s:s}", "name", "ACL"), 200);
    json_decref(j);
    j = tk_put("/api/v1/teams/" TEAM "/alert-rules",
               json_pack("{s:{s:{s:s}}}", "rules", "big_order", "min_amount", "60000.00"), 200);
    json_decref(j);
    j = tk_put("/api/v1/salespeople/" SP, json_pack("{s:s, s:s}", "name", "李", "team_id", TEAM),
               200);
    json_decref(j);
    int64_t at = (int64_t)time(NULL) * 1000 - 60000;
    tk_post_counts(json_pack("[o,o]", tk_event("e-acl-1", "order", SP, CUSTOMER, at, "90000.00"),
                             tk_event("e-acl-2", "visit", SP, CUSTOMER, at, NULL)),
                   2, 0);
    CU_ASSERT_TRUE(tk_wait_scored(5000));
    CU_ASSERT_TRUE(tk_wait_indexed(5000));
    j = tk_get_ok("/api/v1/salespeople/" SP "/kpis?period=day");
    CU_ASSERT_PTR_NOT_NULL(j);
    json_decref(j);

    /* The big order's alert: raised by alerting, acknowledged through the gateway. */
    json_t *alerts = NULL;
    for (int i = 0; i < 100 && json_array_size(json_object_get(alerts, "items")) == 0; i++) {
        json_decref(alerts);
        usleep(100000);
        alerts = tk_api("GET", "/api/v1/alerts?state=open&team=" TEAM, NULL, &status);
    }
    json_t *first = json_array_get(json_object_get(alerts, "items"), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/alerts/%s/ack", tk_str(first, "id"));
    j = tk_api_raw("POST", path, "{}", &status);
    CU_ASSERT_EQUAL(status, 200);
    json_decref(j);
    /* The team's settings, quiet hours, a channel, its test message and a
     * redrive: written by the gateway (the receiver is down: alerting's concern). */
    json_decref(
        tk_call("PUT", "/api/v1/teams/" TEAM "/settings", "{\"leaderboard_visible\":true}", 200));
    json_decref(tk_call("PUT", "/api/v1/teams/" TEAM "/quiet-hours",
                        "{\"start\":\"22:00\",\"end\":\"08:00\"}", 200));
    j = tk_call("POST", "/api/v1/teams/" TEAM "/channels",
                "{\"kind\":\"webhook\",\"name\":\"acl\",\"webhook\":\"http://127.0.0.1:9/hook\","
                "\"secret\":\"acl-secret-0123456789\"}",
                201);
    char channel[64], body[400];
    snprintf(channel, sizeof(channel), "%s", tk_str(j, "id"));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/teams/" TEAM "/channels/%s/test", channel);
    json_decref(tk_call("POST", path, NULL, 202));
    snprintf(body, sizeof(body), "{\"deliveries\":[\"%s/" TEAM "/%s\"]}", tk_str(first, "id"),
             channel);
    j = tk_call("POST", "/api/v1/teams/" TEAM "/deliveries/redrive", body, 200);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "not_dead")), 1);
    json_decref(j);
    json_decref(tk_get_ok("/api/v1/teams/" TEAM "/deliveries/dead"));
    json_decref(alerts);
    j = tk_api_raw("POST", "/api/v1/auth/login", "{\"user\":\"nobody\",\"password\":\"wrong\"}",
                   &status);
    CU_ASSERT_EQUAL(status, 401);
    json_decref(j);
    j = tk_get_ok("/api/v1/audit?limit=5");
    CU_ASSERT_TRUE(json_array_size(json_object_get(j, "items")) > 0);
    json_decref(j);

    /* Each process keeps its instance name next to its own credentials. */
    redisReply *hb =
        redisCommand(tk_redis, "ZSCORE %s %s", NQ_KEY_HEARTBEATS, "nq-scoring/nq-scoring-1");
    CU_ASSERT_TRUE(hb && hb->type == REDIS_REPLY_STRING);
    freeReplyObject(hb);

    /* No service was refused anything on the way. */
    redisReply *log = redisCommand(tk_redis, "ACL LOG");
    CU_ASSERT_FATAL(log && log->type == REDIS_REPLY_ARRAY);
    if (log->elements > 0) {
        for (size_t i = 0; i < log->element[0]->elements; i++)
            if (log->element[0]->element[i]->str)
                fprintf(stderr, "ACL LOG: %s\n", log->element[0]->element[i]->str);
    }
    CU_ASSERT_EQUAL(log->elements, 0);
    freeReplyObject(log);
}

static void test_no_password_nothing(void)
{
    redisContext *c = connect_as(NULL);
    CU_ASSERT_TRUE(refused(c, "NOAUTH", "GET %s", NQ_KEY_STATS_ACCEPTED));
    CU_ASSERT_TRUE(refused(c, "NOAUTH", "FLUSHALL"));
    redisFree(c);
}

static void test_gateway_user_limits(void)
{
    redisContext *c = connect_as("nq-gateway");
    redisReply *r = redisCommand(c, "GET %s", NQ_KEY_STATS_ACCEPTED);
    CU_ASSERT_TRUE(r && r->type == REDIS_REPLY_STRING);
    freeReplyObject(r);
    r = redisCommand(c, "HSET %s x 1", NQ_KEY_SESSION_PREFIX "acl-test");
    CU_ASSERT_TRUE(r && r->type == REDIS_REPLY_INTEGER);
    freeReplyObject(r);
    CU_ASSERT_TRUE(refused(c, "NOPERM", "FLUSHALL"));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "CONFIG SET appendonly no"));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "KEYS *"));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "XADD %s * b x", NQ_KEY_ACTIVITIES));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "HSET %s fen 1", NQ_KEY_SP_PREFIX SP "}:kpi:d:20260101"));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "INCR %s", NQ_KEY_STATS_SCORED));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "DEL %s", NQ_KEY_TEAMS));
    CU_ASSERT_TRUE(refused(c, "NOPERM", "SET other:key 1"));
    redisFree(c);
}

static void test_service_users_no_admin(void)
{
    static const char *const users[] = {"nq-ingest", "nq-scoring", "nq-customers", "nq-alerting",
                                        "nq-reporting"};
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        redisContext *c = connect_as(users[i]);
        CU_ASSERT_TRUE(refused(c, "NOPERM", "FLUSHALL"));
        CU_ASSERT_TRUE(refused(c, "NOPERM", "ACL SETUSER %s on", users[i]));
        CU_ASSERT_TRUE(refused(c, "NOPERM", "SHUTDOWN"));
        CU_ASSERT_TRUE(refused(c, "NOPERM", "SET other:key 1"));
        redisFree(c);
    }
}

/* Whether `c` may run the command: a reply that is no error (true), or
 * NOPERM (false); any other answer fails the test. */
static bool allowed(redisContext *c, const char *fmt, const char *key)
{
    redisReply *r = redisCommand(c, fmt, key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    bool ok = r->type != REDIS_REPLY_ERROR;
    if (!ok && strncmp(r->str, "NOPERM", 6) != 0) {
        fprintf(stderr, "%s on %s: %s\n", fmt, key, r->str);
        CU_FAIL("an error other than NOPERM");
    }
    freeReplyObject(r);
    return ok;
}

/* Each service's user writes inside its families and is refused outside;
 * reads only what it reads (acl_cases.h, also held against nq_redis_acl_may
 * by tests/unit/test_acl_grants.c). */
static void test_service_key_patterns(void)
{
    for (size_t i = 0; i < sizeof(acl_cases) / sizeof(acl_cases[0]); i++) {
        redisContext *c = connect_as(acl_cases[i].user);
        bool w = allowed(c, "SET %s acl", acl_cases[i].key);
        bool r = allowed(c, "GET %s", acl_cases[i].key);
        if (w != acl_cases[i].write || r != acl_cases[i].read)
            fprintf(stderr, "%s %s: write %d read %d\n", acl_cases[i].user, acl_cases[i].key, w, r);
        CU_ASSERT_EQUAL(w, acl_cases[i].write);
        CU_ASSERT_EQUAL(r, acl_cases[i].read);
        CU_ASSERT_EQUAL(w, nq_redis_acl_may(acl_cases[i].user, acl_cases[i].key, true));
        CU_ASSERT_EQUAL(r, nq_redis_acl_may(acl_cases[i].user, acl_cases[i].key, false));
        redisFree(c);
        freeReplyObject(redisCommand(tk_redis, "DEL %s", acl_cases[i].key));
    }
}

/* The refusals above are the test's own: the harness counts the ACL LOG's
 * entries at its stop as failed requests. */
static void test_forget_refusals(void)
{
    redisReply *r = redisCommand(tk_redis, "ACL LOG RESET");
    CU_ASSERT_TRUE(r && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
}

static void test_stop(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

static CU_TestInfo tests[] = {
    {"every service does its job as its own user", test_smoke_flow},
    {"no password, nothing", test_no_password_nothing},
    {"the gateway's user reads, writes only its families, administers nothing",
     test_gateway_user_limits},
    {"no service user may administer Redis", test_service_users_no_admin},
    {"each service's user writes and reads only its families", test_service_key_patterns},
    {"forget the refusals the test asked for", test_forget_refusals},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"redis_acl", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
