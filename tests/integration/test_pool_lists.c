/* test_pool_lists.c — a team's public pool in its lists, through the real
 * suite: GET /api/v1/customers?team=<t>&status=pool reads the index of the
 * team's pool (nq:ix:customers:pool_team=<t>) beside its members' owner
 * indexes. A customer leaves its team's pool list when claimed, assigned or
 * given an owner by a put, and enters it when the sweep moves it there
 * (nq-customers restarted 61 days ahead); a coordinator sees their teams'
 * pools only (another team's pooled customer is not in their lists and its
 * page is 404), a salesperson their own team's; the index comes back when
 * the list indexes are built again (layout mark older); the pools' pair
 * indexes with class (team=&class=) move and come back with them. */
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
#define PASSWORD "pool-lists-password-1"
#define POOL_A   "nq:ix:customers:pool_team=t-a"
#define POOL_B   "nq:ix:customers:pool_team=t-b"
/* the pools' pair indexes with class (team=&class= reads them) */
#define PAIR_A "nq:ix:customers:pool_class=t-a/normal"
#define PAIR_B "nq:ix:customers:pool_class=t-b/normal"

static char s_coa[300]; /* t-a's coordinator */
static char s_cob[300]; /* t-b's coordinator */
static char s_sa2[300]; /* sp-a2 (t-a), a salesperson user */

/* The ids of a list as `session` sees it (NULL: the suite's key), in
 * order, comma-separated ("" none; "!<status>" when not 200). */
static const char *ids_as(const char *session, const char *path)
{
    static char out[2048];
    json_t *j = NULL;
    int status = session ? tk_as(session, "GET", path, NULL, &j) : 0;
    if (!session)
        j = tk_api_raw("GET", path, NULL, &status);
    out[0] = '\0';
    if (status != 200)
        snprintf(out, sizeof(out), "!%d", status);
    size_t i;
    json_t *it;
    json_array_foreach (status == 200 ? json_object_get(j, "items") : NULL, i, it)
        snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? "," : "",
                 tk_str(it, "id"));
    json_decref(j);
    return out;
}

static void check_ids(const char *session, const char *who, const char *path, const char *want)
{
    const char *got = ids_as(session, path);
    tk_check(strcmp(got, want) == 0, "%s %s: want [%s], got [%s]", who, path, want, got);
}

/* Whether customer `id` is in index `key`. */
static bool in_index(const char *key, const char *id)
{
    redisReply *r = tk_cmd("ZSCORE %s %s", key, id);
    bool in = r && r->type == REDIS_REPLY_STRING;
    freeReplyObject(r);
    return in;
}

static int suite_init(void)
{
    return tk_start((const char *[]){"NQ_POOL_SWEEP=on", NULL});
}

static int suite_cleanup(void)
{
    return tk_stop();
}

static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-a", "{\"name\":\"A\"}");
    tk_put_ok("/api/v1/teams/t-b", "{\"name\":\"B\"}");
    tk_put_ok("/api/v1/salespeople/sp-a1", "{\"name\":\"a1\",\"team_id\":\"t-a\"}");
    tk_put_ok("/api/v1/salespeople/sp-a2", "{\"name\":\"a2\",\"team_id\":\"t-a\"}");
    tk_put_ok("/api/v1/salespeople/sp-b1", "{\"name\":\"b1\",\"team_id\":\"t-b\"}");
    tk_sign_in("u-coa", "coordinator", "t-a", "", PASSWORD, s_coa, sizeof(s_coa));
    tk_sign_in("u-cob", "coordinator", "t-b", "", PASSWORD, s_cob, sizeof(s_cob));
    tk_sign_in("u-sa2", "salesperson", "", "sp-a2", PASSWORD, s_sa2, sizeof(s_sa2));
    tk_put_ok("/api/v1/customers/c-o1", "{\"name\":\"O1\",\"owner_id\":\"sp-a1\"}");
    tk_put_ok("/api/v1/customers/c-pa",
              "{\"name\":\"PA\",\"status\":\"pool\",\"pool_team\":\"t-a\"}");
    tk_put_ok("/api/v1/customers/c-pa2",
              "{\"name\":\"PA2\",\"status\":\"pool\",\"pool_team\":\"t-a\"}");
    tk_put_ok("/api/v1/customers/c-pb",
              "{\"name\":\"PB\",\"status\":\"pool\",\"pool_team\":\"t-b\"}");
    tk_put_ok("/api/v1/customers/c-free", "{\"name\":\"F\",\"status\":\"pool\"}"); /* no team's */
    CU_ASSERT_TRUE(in_index(POOL_A, "c-pa"));
    CU_ASSERT_TRUE(in_index(POOL_B, "c-pb"));
    CU_ASSERT_TRUE(in_index(PAIR_A, "c-pa"));
    CU_ASSERT_FALSE(in_index(PAIR_A, "c-o1"));
    CU_ASSERT_EQUAL(tk_redis_int("EXISTS %s", "nq:ix:customers:pool_team="), 0);
}

/* Each team's pool to its people only. */
static void test_scoped(void)
{
    check_ids(NULL, "admin", "/api/v1/customers?team=t-a&status=pool", "c-pa,c-pa2");
    check_ids(NULL, "admin", "/api/v1/customers?team=t-a", "c-o1,c-pa,c-pa2");
    check_ids(NULL, "admin", "/api/v1/customers?status=pool", "c-free,c-pa,c-pa2,c-pb");
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&status=pool", "c-pa,c-pa2");
    check_ids(s_coa, "coordinator A", "/api/v1/customers?status=pool", "c-pa,c-pa2");
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&class=normal", "c-o1,c-pa,c-pa2");
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b&status=pool", "c-pb");
    check_ids(s_cob, "coordinator B", "/api/v1/customers?status=pool", "c-pb");
    check_ids(s_sa2, "salesperson a2", "/api/v1/customers?team=t-a&status=pool", "c-pa,c-pa2");
    check_ids(s_sa2, "salesperson a2", "/api/v1/customers?status=pool", "c-pa,c-pa2");
    /* another team's list: nothing of it */
    const char *other = ids_as(s_cob, "/api/v1/customers?team=t-a&status=pool");
    tk_check(strstr(other, "c-pa") == NULL, "coordinator B sees t-a's pool: %s", other);
    /* a pooled customer's page: its team's people; writes stay claim and assign */
    CU_ASSERT_EQUAL(tk_as(s_coa, "GET", "/api/v1/customers/c-pa", NULL, NULL), 200);
    CU_ASSERT_EQUAL(tk_as(s_sa2, "GET", "/api/v1/customers/c-pa", NULL, NULL), 200);
    CU_ASSERT_EQUAL(tk_as(s_cob, "GET", "/api/v1/customers/c-pa", NULL, NULL), 404);
    CU_ASSERT_EQUAL(tk_as(s_coa, "GET", "/api/v1/customers/c-pb", NULL, NULL), 404);
    CU_ASSERT_EQUAL(tk_as(s_coa, "GET", "/api/v1/customers/c-free", NULL, NULL), 404);
    CU_ASSERT_EQUAL(tk_as(s_coa, "PATCH", "/api/v1/customers/c-pa", "{\"region\":\"x\"}", NULL),
                    404);
}

/* Claimed, assigned, given an owner by a put: out of the pool's list. */
static void test_leave(void)
{
    CU_ASSERT_EQUAL(tk_as(s_sa2, "POST", "/api/v1/customers/c-pa/claim", "{}", NULL), 200);
    CU_ASSERT_FALSE(in_index(POOL_A, "c-pa"));
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&status=pool", "c-pa2");
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a", "c-o1,c-pa,c-pa2");
    check_ids(s_sa2, "salesperson a2", "/api/v1/customers?team=t-a", "c-pa,c-pa2");
    CU_ASSERT_EQUAL(tk_as(s_cob, "POST", "/api/v1/customers/c-pb/assign",
                          "{\"salesperson_id\":\"sp-b1\",\"reason\":\"老客户\"}", NULL),
                    200);
    CU_ASSERT_FALSE(in_index(POOL_B, "c-pb"));
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b&status=pool", "");
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b", "c-pb");
    tk_put_ok("/api/v1/customers/c-pa2", "{\"name\":\"PA2\",\"owner_id\":\"sp-b1\"}");
    CU_ASSERT_FALSE(in_index(POOL_A, "c-pa2"));
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a", "c-o1,c-pa");
    CU_ASSERT_EQUAL(tk_redis_int("ZCARD %s", POOL_A), 0);
    /* deleted from a pool: out of its index */
    tk_put_ok("/api/v1/customers/c-gone",
              "{\"name\":\"G\",\"status\":\"pool\",\"pool_team\":\"t-b\"}");
    CU_ASSERT_TRUE(in_index(POOL_B, "c-gone"));
    json_decref(tk_call("DELETE", "/api/v1/customers/c-gone", NULL, 200));
    CU_ASSERT_EQUAL(tk_redis_int("EXISTS %s", POOL_B), 0);
    /* the pairs moved with them: team=&class= reads them */
    check_ids(NULL, "admin", "/api/v1/customers?team=t-a&class=normal", "c-o1,c-pa");
    check_ids(NULL, "admin", "/api/v1/customers?team=t-b&class=normal", "c-pa2,c-pb");
    check_ids(NULL, "admin", "/api/v1/customers?team=t-b&class=key", "");
    CU_ASSERT_EQUAL(tk_redis_int("EXISTS %s", PAIR_A), 0);
    CU_ASSERT_EQUAL(tk_redis_int("EXISTS %s", PAIR_B), 0);
}

/* The sweep 61 days on: every customer not contacted goes to its owner's
 * team's pool; each coordinator sees their own team's only. */
static void test_sweep(void)
{
    CU_ASSERT_FATAL(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0);
    char env[64];
    snprintf(env, sizeof(env), "NQ_CLOCK_OFFSET_MS=%lld", 61 * DAY_MS);
    CU_ASSERT_FATAL(nq_harness_setenv(tk_h, env) == 0);
    CU_ASSERT_FATAL(nq_harness_proc_start(tk_h, "nq-customers") == 0);
    CU_ASSERT_FATAL(nq_harness_wait_ready(tk_h, WAIT_MS));
    const char *want_a = "c-o1,c-pa", *want_b = "c-pa2,c-pb";
    const char *got = "";
    for (int64_t end = tk_mono_ms() + WAIT_MS; tk_mono_ms() < end; usleep(100000)) {
        got = ids_as(NULL, "/api/v1/customers?status=pool");
        if (strcmp(got, "c-free,c-o1,c-pa,c-pa2,c-pb") == 0)
            break;
    }
    tk_check(strcmp(got, "c-free,c-o1,c-pa,c-pa2,c-pb") == 0, "all in the pool: %s", got);
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&status=pool", want_a);
    check_ids(s_coa, "coordinator A", "/api/v1/customers?status=pool", want_a);
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b&status=pool", want_b);
    check_ids(s_cob, "coordinator B", "/api/v1/customers?status=pool", want_b);
    check_ids(s_sa2, "salesperson a2", "/api/v1/customers?team=t-a&status=pool", want_a);
    CU_ASSERT_TRUE(in_index(POOL_A, "c-o1"));
    CU_ASSERT_TRUE(in_index(POOL_B, "c-pa2")); /* sp-b1's: t-b's pool now */
    CU_ASSERT_TRUE(in_index(PAIR_A, "c-o1"));
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&class=normal", want_a);
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b&class=normal", want_b);
    CU_ASSERT_EQUAL(tk_as(s_cob, "GET", "/api/v1/customers/c-o1", NULL, NULL), 404);
}

/* The indexes built again from the records (an older layout mark): the
 * pools' come back as the records say. */
static void test_rebuilt(void)
{
    tk_redis_do("DEL %s %s %s %s", POOL_A, POOL_B, PAIR_A, PAIR_B);
    tk_redis_do("SET %s 2", NQ_KEY_INDEX_LAYOUT);
    CU_ASSERT_FATAL(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM) == 0);
    CU_ASSERT_FATAL(nq_harness_proc_start(tk_h, "nq-customers") == 0);
    CU_ASSERT_FATAL(nq_harness_wait_ready(tk_h, WAIT_MS));
    bool built = false;
    for (int64_t end = tk_mono_ms() + WAIT_MS; !built && tk_mono_ms() < end; usleep(50000)) {
        redisReply *r = tk_cmd("GET %s", NQ_KEY_INDEX_LAYOUT);
        built = r && r->type == REDIS_REPLY_STRING && strcmp(r->str, NQ_INDEX_LAYOUT) == 0;
        freeReplyObject(r);
    }
    CU_ASSERT_FATAL(built);
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&status=pool", "c-o1,c-pa");
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b&status=pool", "c-pa2,c-pb");
    check_ids(s_coa, "coordinator A", "/api/v1/customers?team=t-a&class=normal", "c-o1,c-pa");
    check_ids(s_cob, "coordinator B", "/api/v1/customers?team=t-b&class=normal", "c-pa2,c-pb");
    CU_ASSERT_EQUAL(tk_redis_int("EXISTS %s", "nq:ix:customers:pool_team="), 0);
}

static CU_TestInfo tests[] = {
    {"two teams, their pools, three users", test_setup},
    {"a team's pool to its people only", test_scoped},
    {"claimed, assigned, put with an owner: out of the pool list", test_leave},
    {"moved by the sweep: into its team's pool list", test_sweep},
    {"the pool indexes built again from the records", test_rebuilt},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"pool lists", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
