/* test_pool_api.c — the public pool (公海) through the real suite: a team's
 * pool settings (checked, read back), claims (a salesperson at the class
 * limit 409, under it the owner set, another team's pool 404, two claims at
 * once: one wins), an assignment by a coordinator (another team's customer
 * 404), round-robin assignment of new customers in a team's pool, and the
 * move to the pool: a contacted customer, nq-customers restarted 61 days
 * ahead (NQ_CLOCK_OFFSET_MS), in the pool with the history entry, listed by
 * status=pool; a customer whose pool time is near warned instead. */
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

#define WAIT_MS  30000
#define DAY_MS   86400000LL
#define PASSWORD "pool-test-password-1"

static char s_sa2[300]; /* sp-a2's session header lines */
static char s_coa[300]; /* t-a's coordinator's */

/* POST as a session; the status, the answer in *out (caller's) when out. */
static int post_as(const char *session, const char *path, const char *body, json_t **out)
{
    return tk_as(session, "POST", path, body, out);
}

/* The reason of the last owner history entry of a customer answer. */
static const char *last_reason(const json_t *c)
{
    json_t *h = json_object_get(c, "owner_history");
    size_t n = json_array_size(h);
    return n ? tk_str(json_array_get(h, n - 1), "reason") : "";
}

static int suite_init(void)
{
    return tk_start((const char *[]){"NQ_POOL_SWEEP=on", NULL});
}

static void test_org(void)
{
    tk_put_ok("/api/v1/teams/t-a", "{\"name\":\"A\"}");
    tk_put_ok("/api/v1/teams/t-b", "{\"name\":\"B\"}");
    tk_put_ok("/api/v1/salespeople/sp-a1", "{\"name\":\"a1\",\"team_id\":\"t-a\"}");
    tk_put_ok("/api/v1/salespeople/sp-a2", "{\"name\":\"a2\",\"team_id\":\"t-a\"}");
    tk_put_ok("/api/v1/salespeople/sp-b1", "{\"name\":\"b1\",\"team_id\":\"t-b\"}");
    tk_put_ok("/api/v1/salespeople/sp-b2", "{\"name\":\"b2\",\"team_id\":\"t-b\"}");
    tk_sign_in("u-sa2", "salesperson", "", "sp-a2", PASSWORD, s_sa2, sizeof(s_sa2));
    tk_sign_in("u-coa", "coordinator", "t-a", "", PASSWORD, s_coa, sizeof(s_coa));
}

static int suite_cleanup(void)
{
    return tk_stop();
}

static void test_settings(void)
{
    json_t *g = tk_get_ok("/api/v1/teams/t-a/cadence");
    CU_ASSERT_EQUAL(tk_num(g, "normal_pool_days"), 60); /* 2 x 30 */
    CU_ASSERT_EQUAL(tk_num(g, "key_pool_multiple"), 2);
    CU_ASSERT_EQUAL(tk_num(g, "pool_warn_days"), 3);
    CU_ASSERT_STRING_EQUAL(tk_str(g, "assign_rule"), "none");
    json_decref(g);
    tk_expect_400("PUT", "/api/v1/teams/t-a/cadence",
                  "{\"key_pool_days\":30,\"key_pool_multiple\":2}", "key_pool_multiple");
    tk_expect_400("PUT", "/api/v1/teams/t-a/cadence", "{\"assign_rule\":\"random\"}",
                  "assign_rule");
    tk_expect_400("PUT", "/api/v1/teams/t-a/cadence", "{\"normal_claim_limit\":0}",
                  "normal_claim_limit");
    tk_put_ok("/api/v1/teams/t-a/cadence", "{\"normal_claim_limit\":1,\"key_pool_days\":63}");
    g = tk_get_ok("/api/v1/teams/t-a/cadence");
    CU_ASSERT_EQUAL(tk_num(g, "normal_claim_limit"), 1);
    CU_ASSERT_EQUAL(tk_num(g, "key_pool_days"), 63);
    CU_ASSERT_PTR_NULL(json_object_get(g, "key_pool_multiple"));
    tk_check_like(json_object_get(g, "overridden"), "[\"key_pool_days\",\"normal_claim_limit\"]",
                  "overridden");
    json_decref(g);
}

static void test_claim_assign(void)
{
    tk_put_ok("/api/v1/customers/c-p2",
              "{\"name\":\"P2\",\"status\":\"pool\",\"pool_team\":\"t-a\"}");
    tk_put_ok("/api/v1/customers/c-p3",
              "{\"name\":\"P3\",\"status\":\"pool\",\"pool_team\":\"t-a\"}");
    tk_put_ok("/api/v1/customers/c-pb",
              "{\"name\":\"PB\",\"status\":\"pool\",\"pool_team\":\"t-b\"}");
    tk_put_ok("/api/v1/customers/c-o1", "{\"name\":\"O1\",\"owner_id\":\"sp-a1\"}");
    json_t *j = NULL;
    /* under the limit: theirs */
    CU_ASSERT_EQUAL(post_as(s_sa2, "/api/v1/customers/c-p2/claim", "{}", &j), 200);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "owner_id"), "sp-a2");
    CU_ASSERT_STRING_EQUAL(tk_str(j, "status"), "active");
    CU_ASSERT_STRING_EQUAL(last_reason(j), "claim");
    json_decref(j);
    /* at the limit (1 normal customer): 409 limit */
    CU_ASSERT_EQUAL(post_as(s_sa2, "/api/v1/customers/c-p3/claim", "{}", &j), 409);
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(j, "detail"), "limit"));
    json_decref(j);
    /* not theirs to claim: another team's pool, someone's customer, someone else */
    CU_ASSERT_EQUAL(post_as(s_sa2, "/api/v1/customers/c-pb/claim", "{}", NULL), 404);
    CU_ASSERT_EQUAL(post_as(s_sa2, "/api/v1/customers/c-o1/claim", "{}", NULL), 404);
    CU_ASSERT_EQUAL(
        post_as(s_sa2, "/api/v1/customers/c-p3/claim", "{\"salesperson_id\":\"sp-a1\"}", NULL),
        403);
    /* owned: not in the pool */
    CU_ASSERT_EQUAL(
        post_as(s_coa, "/api/v1/customers/c-o1/claim", "{\"salesperson_id\":\"sp-a2\"}", &j), 409);
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(j, "detail"), "not_in_pool"));
    json_decref(j);
    /* the coordinator assigns; another team's customer is not found */
    CU_ASSERT_EQUAL(post_as(s_coa, "/api/v1/customers/c-p3/assign",
                            "{\"salesperson_id\":\"sp-a1\",\"reason\":\"接手\"}", &j),
                    200);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "owner_id"), "sp-a1");
    CU_ASSERT_STRING_EQUAL(last_reason(j), "assign: by u-coa: 接手");
    json_decref(j);
    CU_ASSERT_EQUAL(
        post_as(s_coa, "/api/v1/customers/c-pb/assign", "{\"salesperson_id\":\"sp-a1\"}", NULL),
        404);
    CU_ASSERT_EQUAL(
        post_as(s_coa, "/api/v1/customers/c-p3/assign", "{\"salesperson_id\":\"sp-b1\"}", NULL),
        403);
    tk_expect_400("POST", "/api/v1/customers/c-p3/assign", "{\"salesperson_id\":\"\"}",
                  "salesperson_id");
}

/* Two claims at the same moment (two curl processes): one wins. */
static void test_concurrent_claims(void)
{
    tk_put_ok("/api/v1/customers/c-race", "{\"name\":\"R\",\"class\":\"key\",\"status\":\"pool\","
                                          "\"pool_team\":\"t-a\"}");
    char cmd[2048], dir[512];
    snprintf(dir, sizeof(dir), "%s", nq_harness_dir(tk_h));
    snprintf(cmd, sizeof(cmd),
             "for sp in sp-a1 sp-a2; do curl -s -o /dev/null -w '%%{http_code}\\n' -X POST "
             "-H 'Authorization: Bearer %s' -H 'Content-Type: application/json' "
             "-d \"{\\\"salesperson_id\\\":\\\"$sp\\\"}\" %s/api/v1/customers/c-race/claim "
             "> %s/race-$sp & done; wait",
             nq_harness_api_key(tk_h), nq_harness_url(tk_h), dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    int ok = 0, conflict = 0;
    const char *sps[] = {"sp-a1", "sp-a2"};
    for (int i = 0; i < 2; i++) {
        char path[600], code[16] = "";
        snprintf(path, sizeof(path), "%s/race-%s", dir, sps[i]);
        FILE *f = fopen(path, "r");
        if (f && fgets(code, sizeof(code), f)) {
            ok += atoi(code) == 200;
            conflict += atoi(code) == 409;
        }
        if (f)
            fclose(f);
    }
    CU_ASSERT_EQUAL(ok, 1);
    CU_ASSERT_EQUAL(conflict, 1);
    json_t *g = tk_get_ok("/api/v1/customers/c-race");
    CU_ASSERT_EQUAL(strncmp(last_reason(g), "claim: by ", 10), 0); /* the key's id */
    json_decref(g);
}

/* The owner of a customer once it has one (or ""). */
static const char *wait_owner(const char *id, char *buf, size_t len)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/customers/%s", id);
    buf[0] = '\0';
    for (int64_t deadline = tk_mono_ms() + WAIT_MS; tk_mono_ms() < deadline && !buf[0];
         usleep(50000)) {
        json_t *g = tk_get_ok(path);
        snprintf(buf, len, "%s", tk_str(g, "owner_id"));
        json_decref(g);
    }
    return buf;
}

static void test_round_robin(void)
{
    tk_put_ok("/api/v1/teams/t-b/cadence", "{\"assign_rule\":\"round_robin\"}");
    const char *want[] = {"sp-b1", "sp-b2", "sp-b1"};
    for (int i = 0; i < 3; i++) {
        char path[64], owner[64];
        snprintf(path, sizeof(path), "/api/v1/customers/c-rr%d", i);
        tk_put_ok(path, "{\"name\":\"RR\",\"status\":\"pool\",\"pool_team\":\"t-b\"}");
        CU_ASSERT_STRING_EQUAL(
            wait_owner(path + strlen("/api/v1/customers/"), owner, sizeof(owner)), want[i]);
    }
    json_t *g = tk_get_ok("/api/v1/customers/c-rr1");
    CU_ASSERT_STRING_EQUAL(last_reason(g), "assign: round_robin");
    CU_ASSERT_STRING_EQUAL(tk_str(g, "status"), "active");
    json_decref(g);
}

/* Contacted today, nq-customers 61 days ahead: a normal customer (pool 60
 * days) goes to the pool; a key one of t-a (pool 63 days, warned 3 before)
 * is warned. */
static void test_move_to_pool(void)
{
    int64_t now = nq_now_ms();
    tk_put_ok("/api/v1/customers/c-m1", "{\"name\":\"M1\",\"owner_id\":\"sp-b2\"}");
    tk_put_ok("/api/v1/customers/c-m2",
              "{\"name\":\"M2\",\"class\":\"key\",\"owner_id\":\"sp-a1\"}");
    tk_put_ok("/api/v1/teams/t-b/cadence", "{}"); /* no rule: it stays in the pool */
    tk_post_counts(json_pack("[o,o]", tk_event("pv-1", "visit", "sp-b2", "c-m1", now - 1000, NULL),
                             tk_event("pv-2", "visit", "sp-a1", "c-m2", now - 1000, NULL)),
                   2, 0);
    CU_ASSERT_FATAL(tk_wait_indexed(WAIT_MS));
    CU_ASSERT_EQUAL(tk_redis_int("SCARD %s", "nq:customers") > 0, 1);
    CU_ASSERT_FATAL(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0);
    char env[64];
    snprintf(env, sizeof(env), "NQ_CLOCK_OFFSET_MS=%lld", 61 * DAY_MS);
    CU_ASSERT_FATAL(nq_harness_setenv(tk_h, env) == 0);
    CU_ASSERT_FATAL(nq_harness_proc_start(tk_h, "nq-customers") == 0);
    CU_ASSERT_FATAL(nq_harness_wait_ready(tk_h, WAIT_MS));
    json_t *g = NULL;
    for (int64_t deadline = tk_mono_ms() + WAIT_MS; tk_mono_ms() < deadline; usleep(100000)) {
        json_decref(g);
        g = tk_get_ok("/api/v1/customers/c-m1");
        if (strcmp(tk_str(g, "status"), "pool") == 0)
            break;
    }
    CU_ASSERT_STRING_EQUAL(tk_str(g, "status"), "pool");
    CU_ASSERT_PTR_NULL(json_object_get(g, "owner_id"));
    CU_ASSERT_STRING_EQUAL(tk_str(g, "pool_team"), "t-b");
    CU_ASSERT_STRING_EQUAL(last_reason(g), "pool: not contacted 60 days");
    json_decref(g);
    json_t *l = tk_get_ok("/api/v1/customers?status=pool&limit=500");
    tk_check(strstr(tk_text(json_object_get(l, "items")), "\"c-m1\"") != NULL,
             "c-m1 listed in the pool: %s", tk_text(l));
    json_decref(l);
    /* the key customer: warned, still its owner's */
    long long warned = 0;
    for (int64_t deadline = tk_mono_ms() + WAIT_MS; tk_mono_ms() < deadline && !warned;
         usleep(100000))
        warned = tk_redis_int("HEXISTS %s pool_warned_for", "nq:cust:c-m2");
    CU_ASSERT_EQUAL(warned, 1);
    g = tk_get_ok("/api/v1/customers/c-m2");
    CU_ASSERT_STRING_EQUAL(tk_str(g, "owner_id"), "sp-a1");
    json_decref(g);
    /* on the signals stream (kind pool_warning): c-m2 of sp-a1 (and c-race, also a key customer of t-a) */
    redisReply *w = tk_cmd("XRANGE %s - +", NQ_KEY_CUSTOMER_SIGNALS);
    int found = 0;
    for (size_t i = 0; w && w->type == REDIS_REPLY_ARRAY && i < w->elements; i++) {
        const redisReply *f = w->element[i]->element[1];
        const redisReply *cu = tk_field_of(f, "customer_id"),
                         *sp = tk_field_of(f, "salesperson_id"), *kind = tk_field_of(f, "kind");
        if (cu && strcmp(cu->str, "c-m2") == 0) {
            found++;
            CU_ASSERT_STRING_EQUAL(sp ? sp->str : "", "sp-a1");
            CU_ASSERT_STRING_EQUAL(kind ? kind->str : "", "pool_warning");
        }
        CU_ASSERT_FALSE(cu && strcmp(cu->str, "c-m1") == 0); /* moved, not warned */
    }
    CU_ASSERT_EQUAL(found, 1);
    freeReplyObject(w);
}

static CU_TestInfo tests[] = {
    {"teams, salespeople, users", test_org},
    {"a team's pool settings", test_settings},
    {"claims and assignments", test_claim_assign},
    {"two claims at once: one wins", test_concurrent_claims},
    {"round-robin assignment of new pool customers", test_round_robin},
    {"the move to the pool 61 days on, and a warning", test_move_to_pool},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"public pool", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
