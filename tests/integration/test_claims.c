/* test_claims.c — the scripts that keep a scorer's applies exactly once
 * (services/scoring/claims.h), run against the suite's Redis on a stream of
 * their own, one race at a time.
 *
 * "Scorer" A applies as scorer.c does: SET its unchecked flag, WATCH the
 * claims counter, the guard, COPY the flag over the counter, MULTI, its
 * counter, XACK, EXEC, each command on its own connection in turn;
 * "scorer" B reclaims on another connection in the middle. Every case
 * checks what EXEC did and what the counter and the pending entries say.
 */
#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "harness.h"
#include "nq/scripts.h"
#include "nq_test.h"

#define LOG     "t:claims:log"
#define CLAIMS  "t:claims:counter"
#define APPLIED "t:claims:applied"   /* what the applies added up */
#define FLAG    "t:claims:unchecked" /* A's unchecked flag */
#define GROUP   "g"

static nq_harness_t *s_h;
static redisContext *s_a, *s_b; /* scorer A's connection, scorer B's */

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!r)
        fprintf(stderr, "\nredis: %s\n", c->errstr);
    return r;
}

static long long integer(redisContext *c, const char *fmt, const char *key)
{
    redisReply *r = cmd(c, fmt, key);
    long long v = !r                               ? -1
                  : r->type == REDIS_REPLY_INTEGER ? r->integer
                  : r->type == REDIS_REPLY_STRING  ? atoll(r->str)
                                                   : 0;
    freeReplyObject(r);
    return v;
}

/* Append an entry and have consumer `who` read it: its id into id. */
static void deliver(const char *who, char id[64])
{
    redisReply *r = cmd(s_a, "XADD " LOG " * n 1");
    snprintf(id, 64, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "?");
    freeReplyObject(r);
    freeReplyObject(cmd(s_a, "XREADGROUP GROUP " GROUP " %s COUNT 1 STREAMS " LOG " >", who));
}

/* Pending entries of consumer `who`. */
static long long pending_of(const char *who)
{
    redisReply *r = cmd(s_a, "XPENDING " LOG " " GROUP " - + 100 %s", who);
    long long n = r && r->type == REDIS_REPLY_ARRAY ? (long long)r->elements : -1;
    freeReplyObject(r);
    return n;
}

/* A's guard for n ids (its flag set and WATCH first, the flag copied after,
 * as scorer.c sends them): its reply's first integer, and the ids it kept in
 * kept (when not NULL). `guard` is the script's text; "" calls a script that
 * is not loaded (NOSCRIPT), as after SCRIPT FLUSH. */
static long long watch_and_guard_with(const char *guard, char ids[][64], size_t n, size_t *kept)
{
    freeReplyObject(cmd(s_a, "SET " FLAG " 1 EX %d", SCORER_UNCHECKED_TTL_S));
    freeReplyObject(cmd(s_a, "WATCH " CLAIMS));
    const char *argv[16];
    size_t argc = 0;
    char count[16];
    snprintf(count, sizeof(count), "%zu", n);
    const char *head[] = {*guard ? "EVAL" : "EVALSHA",
                          *guard ? guard : "0000000000000000000000000000000000000000",
                          "3",
                          LOG,
                          CLAIMS,
                          FLAG,
                          GROUP,
                          "A",
                          count};
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        argv[argc++] = head[i];
    for (size_t i = 0; i < n && argc < 16; i++)
        argv[argc++] = ids[i];
    redisReply *r = redisCommandArgv(s_a, (int)argc, argv, NULL);
    long long first = r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
                              r->element[0]->type == REDIS_REPLY_INTEGER
                          ? r->element[0]->integer
                          : -1;
    if (kept)
        *kept = r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 ? r->elements - 1 : 0;
    freeReplyObject(r);
    freeReplyObject(cmd(s_a, "COPY " FLAG " " CLAIMS " REPLACE"));
    return first;
}

static long long watch_and_guard(char ids[][64], size_t n, size_t *kept)
{
    return watch_and_guard_with(NQ_SCRIPT(SCORER_GUARD)->text, ids, n, kept);
}

/* A's transaction after its guard: add `add` to APPLIED and XACK the ids.
 * Returns 1 when EXEC ran it, 0 when EXEC discarded it, -1 on errors. */
static int apply(char ids[][64], size_t n, int add)
{
    freeReplyObject(cmd(s_a, "MULTI"));
    freeReplyObject(cmd(s_a, "INCRBY " APPLIED " %d", add));
    for (size_t i = 0; i < n; i++)
        freeReplyObject(cmd(s_a, "XACK " LOG " " GROUP " %s", ids[i]));
    redisReply *r = cmd(s_a, "EXEC");
    int ran = !r ? -1 : r->type == REDIS_REPLY_ARRAY ? 1 : r->type == REDIS_REPLY_NIL ? 0 : -1;
    freeReplyObject(r);
    return ran;
}

/* B takes over whatever was idle at least min_idle ms: how many it took. */
static long long reclaim(const char *min_idle)
{
    redisReply *r = cmd(s_b, "EVAL %s 2 %s %s %s %s %s %s %s", NQ_SCRIPT(SCORER_RECLAIM)->text, LOG,
                        CLAIMS, GROUP, "B", min_idle, "0-0", "100");
    long long n = r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
                          r->element[1]->type == REDIS_REPLY_ARRAY
                      ? (long long)r->element[1]->elements
                      : -1;
    freeReplyObject(r);
    return n;
}

/* Nothing in the way: the guard says all mine, EXEC applies and acknowledges. */
static void test_clean_apply(void)
{
    char ids[2][64];
    deliver("A", ids[0]);
    deliver("A", ids[1]);
    CU_ASSERT_EQUAL(watch_and_guard(ids, 2, NULL), 1);
    CU_ASSERT_EQUAL(apply(ids, 2, 10), 1);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), 10);
    CU_ASSERT_EQUAL(pending_of("A"), 0);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", CLAIMS), 0);
}

/* B reclaims A's entries between A's guard and A's EXEC: the reclaim bumps
 * the counter A watches, so EXEC applies nothing and the entries are B's. */
static void test_reclaim_in_between(void)
{
    char ids[2][64];
    deliver("A", ids[0]);
    deliver("A", ids[1]);
    CU_ASSERT_EQUAL(watch_and_guard(ids, 2, NULL), 1);
    CU_ASSERT_EQUAL(reclaim("0"), 2);
    CU_ASSERT_EQUAL(apply(ids, 2, 5), 0);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), 10);
    CU_ASSERT_EQUAL(pending_of("A"), 0);
    CU_ASSERT_EQUAL(pending_of("B"), 2);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", CLAIMS), 1);
}

/* A tries again with entries now B's: its guard keeps none and bumps the
 * counter, so its own EXEC applies nothing. */
static void test_guard_finds_them_gone(void)
{
    redisReply *r = cmd(s_a, "XPENDING " LOG " " GROUP " - + 10 B");
    char ids[2][64];
    size_t n = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements && n < 2; i++)
        snprintf(ids[n++], 64, "%s", r->element[i]->element[0]->str);
    freeReplyObject(r);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    size_t kept = 99;
    CU_ASSERT_EQUAL(watch_and_guard(ids, 2, &kept), 0);
    CU_ASSERT_EQUAL(kept, 0);
    CU_ASSERT_EQUAL(apply(ids, 2, 5), 0);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), 10);
    CU_ASSERT_EQUAL(pending_of("B"), 2);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", CLAIMS), 2);
}

/* One entry B's, one A's: the guard keeps A's, EXEC discards the attempt,
 * and the retry with what was kept applies it. */
static void test_partial_then_retry(void)
{
    redisReply *r = cmd(s_a, "XPENDING " LOG " " GROUP " - + 1 B");
    char ids[2][64];
    snprintf(ids[0], 64, "%s",
             r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 ? r->element[0]->element[0]->str
                                                                   : "?");
    freeReplyObject(r);
    deliver("A", ids[1]);
    size_t kept = 99;
    CU_ASSERT_EQUAL(watch_and_guard(ids, 2, &kept), 0);
    CU_ASSERT_EQUAL(kept, 1);
    CU_ASSERT_EQUAL(apply(ids, 2, 5), 0);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), 10);
    CU_ASSERT_EQUAL(watch_and_guard(&ids[1], 1, NULL), 1);
    CU_ASSERT_EQUAL(apply(&ids[1], 1, 3), 1);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), 13);
    CU_ASSERT_EQUAL(pending_of("A"), 0);
    CU_ASSERT_EQUAL(pending_of("B"), 2);
}

/* A reclaim that takes nothing leaves the counter alone: applies elsewhere
 * are not discarded for nothing. */
static void test_empty_reclaim(void)
{
    long long before = integer(s_a, "GET %s", CLAIMS);
    CU_ASSERT_EQUAL(reclaim("3600000"), 0);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", CLAIMS), before);
}

/* The guard did not run (the scripts were flushed): its flag, copied over
 * the counter A watches, makes EXEC apply nothing; once the guard runs again
 * the batch is applied, once. */
static void test_guard_not_run(void)
{
    char ids[1][64];
    deliver("A", ids[0]);
    long long applied = integer(s_a, "GET %s", APPLIED);
    CU_ASSERT_EQUAL(watch_and_guard_with("", ids, 1, NULL), -1);
    CU_ASSERT_EQUAL(apply(ids, 1, 7), 0);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), applied);
    CU_ASSERT_EQUAL(pending_of("A"), 1);
    CU_ASSERT_EQUAL(watch_and_guard(ids, 1, NULL), 1);
    CU_ASSERT_EQUAL(integer(s_a, "EXISTS %s", FLAG), 0); /* the guard dropped it */
    CU_ASSERT_EQUAL(apply(ids, 1, 7), 1);
    CU_ASSERT_EQUAL(integer(s_a, "GET %s", APPLIED), applied + 7);
    CU_ASSERT_EQUAL(pending_of("A"), 0);
}

static int suite_init(void)
{
    s_h = nq_harness_start(NULL);
    if (!s_h)
        return -1;
    s_a = nq_harness_redis_connect(s_h);
    s_b = nq_harness_redis_connect(s_h);
    if (!s_a || s_a->err || !s_b || s_b->err)
        return -1;
    freeReplyObject(cmd(s_a, "XGROUP CREATE " LOG " " GROUP " 0 MKSTREAM"));
    return 0;
}

static int suite_cleanup(void)
{
    if (s_a)
        redisFree(s_a);
    if (s_b)
        redisFree(s_b);
    return nq_harness_stop(&s_h) == 0 ? 0 : -1;
}

static CU_TestInfo claims_tests[] = {
    {"nothing in the way: applied and acknowledged", test_clean_apply},
    {"a reclaim between guard and EXEC: nothing applied", test_reclaim_in_between},
    {"entries gone: the guard discards its own EXEC", test_guard_finds_them_gone},
    {"some gone: discarded, the rest applied on retry", test_partial_then_retry},
    {"a reclaim that takes nothing bumps nothing", test_empty_reclaim},
    {"a guard that did not run: nothing applied until it runs", test_guard_not_run},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scorer claims", suite_init, suite_cleanup, NULL, NULL, claims_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
