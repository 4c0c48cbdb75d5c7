/* test_receivables.c — receivables and credit (issue 19) through the real
 * suite: invoices and payments posted through the API give the customer's
 * open balance, aging at a date, DSO, credit headroom and hold in its
 * summary; GET /api/v1/receivables per salesperson, team and company; an
 * order over the credit limit is flagged, and the hold lifts after a
 * payment; another team's figures are 404 for a coordinator; a rebuild's
 * replay gives the same figures.
 *
 * The org: t-r1 (sp-r1, coordinator u-ar, salesperson user u-sp), t-r2 (sp-r2). Customer r-1 of
 * sp-r1 with a credit limit of 1500.00, r-2 of sp-r2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/ar_totals.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define INDEX_MS 30000
#define PASSWORD "receivables-test-pass-1"

static char s_cookie[160];    /* the coordinator's session header line */
static char s_sp_cookie[160]; /* salesperson sp-r1's */

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

/* An event at a local time "2026-10-01T10:00:00+08:00" with extra fields
 * (a JSON object text, or NULL). */
static json_t *ev(const char *id, const char *type, const char *sp, const char *cust,
                  const char *at, const char *amount, const char *extra)
{
    json_t *e = tk_event_at(id, type, sp, cust, at, amount);
    if (extra) {
        json_t *x = json_loads(extra, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        json_object_update(e, x);
        json_decref(x);
    }
    return e;
}

/* Add user `id` with role, teams and salesperson, sign in, and keep the
 * session's header line in cookie (160 bytes). */
static void sign_in(const char *id, const char *role, const char *teams, const char *sp,
                    char *cookie)
{
    nq_user_t u = {0};
    char err[256] = "", body[160];
    snprintf(u.id, sizeof(u.id), "%s", id);
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.teams, sizeof(u.teams), "%s", teams);
    snprintf(u.salesperson, sizeof(u.salesperson), "%s", sp);
    tk_check(nq_access_user_add(tk_redis, &u, PASSWORD, err, sizeof(err)) == 0, "user add: %s",
             err);
    int status;
    char head[4096], v[256];
    snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"" PASSWORD "\"}", id);
    json_decref(tk_raw("POST", "/api/v1/auth/login", "Content-Type: application/json\r\n", body,
                       &status, head, sizeof(head)));
    tk_header(head, "Set-Cookie", v, sizeof(v));
    tk_check(status == 200 && strncmp(v, "nq_session=", 11) == 0, "sign-in: %d %s", status, head);
    snprintf(cookie, 160, "Cookie: %.*s\r\n", (int)strcspn(v, ";"), v);
}

static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-r1", "{\"name\":\"应收一组\",\"coordinators\":[\"u-ar\"]}");
    tk_put_ok("/api/v1/teams/t-r2", "{\"name\":\"应收二组\"}");
    tk_put_ok("/api/v1/salespeople/sp-r1", "{\"name\":\"王强\",\"team_id\":\"t-r1\"}");
    tk_put_ok("/api/v1/salespeople/sp-r2", "{\"name\":\"赵敏\",\"team_id\":\"t-r2\"}");
    tk_put_ok("/api/v1/customers/r-1", "{\"name\":\"华远贸易\",\"owner_id\":\"sp-r1\","
                                       "\"credit_limit\":\"1500.00\",\"payment_terms_days\":30}");
    tk_put_ok("/api/v1/customers/r-2", "{\"name\":\"北辰实业\",\"owner_id\":\"sp-r2\"}");
    sign_in("u-ar", "coordinator", "t-r1", "", s_cookie);
    sign_in("u-sp", "salesperson", "", "sp-r1", s_sp_cookie);

    /* r-1: three invoices of sp-r1 (1000.00 due 10-31, 500.00 of order SO-2
     * due 11-04, 200.00 due 11-19); a payment of 300.00 (oldest first), one
     * of 200.00 naming invoice inv-3. r-2: one invoice of sp-r2, overpaid. */
    tk_post_counts(
        json_pack(
            "[o, o, o, o, o, o, o]",
            ev("inv-1", "invoice", "sp-r1", "r-1", "2026-10-01T10:00:00+08:00", "1000.00",
               "{\"due_at\":\"2026-10-31\",\"order_id\":\"SO-1\"}"),
            ev("inv-2", "invoice", "sp-r1", "r-1", "2026-10-05T10:00:00+08:00", "500.00",
               "{\"due_at\":\"2026-11-04\",\"order_id\":\"SO-2\"}"),
            ev("inv-3", "invoice", "sp-r1", "r-1", "2026-10-20T10:00:00+08:00", "200.00",
               "{\"due_at\":\"2026-11-19\"}"),
            ev("pay-1", "payment", "sp-r1", "r-1", "2026-10-11T10:00:00+08:00", "300.00", NULL),
            ev("pay-2", "payment", "sp-r1", "r-1", "2026-10-23T10:00:00+08:00", "200.00",
               "{\"attributes\":{\"invoice_id\":\"inv-3\"}}"),
            ev("inv-9", "invoice", "sp-r2", "r-2", "2026-10-02T10:00:00+08:00", "400.00",
               "{\"due_at\":\"2026-11-01\"}"),
            ev("pay-9", "payment", "sp-r2", "r-2", "2026-10-03T10:00:00+08:00", "450.00", NULL)),
        7, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
}

/* r-1 at 12-15: inv-1 700.00 open 45 days past due, inv-2 500.00 41 days,
 * inv-3 paid by name: 1200.00 in 31-60; DSO over the 90 days before. */
static void test_aging_at_a_date(void)
{
    json_t *j = tk_get_ok("/api/v1/receivables?scope=salesperson:sp-r1&at=2026-12-15");
    json_t *aging = json_object_get(j, "aging");
    tk_check_str(json_object_get(j, "balance"), "1200.00", "sp-r1 balance");
    tk_check_str(json_object_get(aging, "d31_60"), "1200.00", "31-60 days");
    tk_check_str(json_object_get(aging, "d1_30"), "0.00", "1-30 days");
    tk_check_str(json_object_get(aging, "not_due"), "0.00", "not due");
    tk_check_str(json_object_get(j, "overdue"), "1200.00", "overdue");
    tk_check(tk_num(j, "open_invoices") == 2, "two open invoices: %s", tk_text(j));
    /* 1200 / 1700 * 90 = 63.53 days */
    tk_check(json_real_value(json_object_get(j, "dso_days")) == 63.5, "DSO 63.5: %s", tk_text(j));
    json_decref(j);

    /* before the due dates: all not due; before pay-1: 1000.00 and 500.00 */
    j = tk_get_ok("/api/v1/receivables?scope=salesperson:sp-r1&at=2026-10-06");
    tk_check_str(json_object_get(j, "balance"), "1500.00", "10-06 balance");
    tk_check_str(json_object_get(json_object_get(j, "aging"), "not_due"), "1500.00", "10-06");
    json_decref(j);

    /* r-2 overpaid: a credit of 50.00, balance -50.00 */
    j = tk_get_ok("/api/v1/receivables?scope=salesperson:sp-r2&at=2026-12-15");
    tk_check_str(json_object_get(j, "credit"), "50.00", "sp-r2 credit");
    tk_check_str(json_object_get(j, "balance"), "-50.00", "sp-r2 balance");
    tk_check_str(json_object_get(j, "open"), "0.00", "sp-r2 open");
    json_decref(j);

    j = tk_get_ok("/api/v1/receivables?scope=company&at=2026-12-15");
    tk_check_str(json_object_get(j, "balance"), "1150.00", "company balance");
    tk_check(tk_num(j, "customers") == 2, "two customers read: %s", tk_text(j));
    json_decref(j);
    j = tk_get_ok("/api/v1/receivables?scope=team:t-r1&at=2026-12-15");
    tk_check_str(json_object_get(j, "balance"), "1200.00", "team t-r1");
    json_t *people = json_object_get(j, "salespeople");
    tk_check(json_array_size(people) == 1 &&
                 strcmp(tk_str(json_array_get(people, 0), "salesperson_id"), "sp-r1") == 0,
             "t-r1's people: sp-r1: %s", tk_text(j));
    tk_check_str(json_object_get(json_array_get(people, 0), "balance"), "1200.00", "sp-r1 in t-r1");
    json_decref(j);

    tk_expect_400("GET", "/api/v1/receivables?scope=region:x", NULL, "scope");
    tk_expect_400("GET", "/api/v1/receivables?at=2026-13-40", NULL, "at");
    tk_expect_400("GET", "/api/v1/receivables?at=yesterday", NULL, "at");
}

/* The summary now: 1200.00 open against a limit of 1500.00: headroom
 * 300.00, no hold. An order of 400.00 is flagged; a second invoice takes
 * the balance over the limit: credit hold; a payment lifts it. */
static void test_credit(void)
{
    json_t *s = tk_get_ok("/api/v1/customers/r-1/summary");
    json_t *ar = json_object_get(s, "receivables");
    tk_check_str(json_object_get(ar, "balance"), "1200.00", "summary balance");
    tk_check_str(json_object_get(ar, "credit_headroom"), "300.00", "headroom");
    tk_check(json_is_false(json_object_get(ar, "credit_hold")), "no hold: %s", tk_text(ar));
    json_decref(s);

    int64_t now = nq_now_ms();
    tk_post_counts(json_pack("[o, o]",
                             tk_event("ord-1", "order", "sp-r1", "r-1", now - 60000, "400.00"),
                             tk_event("ord-2", "order", "sp-r1", "r-1", now - 50000, "100.00")),
                   2, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    s = tk_get_ok("/api/v1/customers/r-1/summary");
    ar = json_object_get(s, "receivables");
    json_t *flagged = json_object_get(ar, "flagged_orders");
    tk_check(tk_num(ar, "credit_flags") == 1 && json_array_size(flagged) == 1,
             "the 400.00 order is flagged, the 100.00 one not: %s", tk_text(ar));
    tk_check_str(json_object_get(json_array_get(flagged, 0), "amount"), "400.00", "flagged amount");
    tk_check_str(json_object_get(json_array_get(flagged, 0), "balance_before"), "1200.00",
                 "balance before");
    json_decref(s);

    tk_post_counts(
        json_pack("[o]", ev("inv-4", "invoice", "sp-r1", "r-1", "2026-11-20T10:00:00+08:00",
                            "400.00", "{\"due_at\":\"2026-12-20\"}")),
        1, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    s = tk_get_ok("/api/v1/customers/r-1/summary");
    ar = json_object_get(s, "receivables");
    tk_check(json_is_true(json_object_get(ar, "credit_hold")), "1600.00 over 1500.00: hold: %s",
             tk_text(ar));
    tk_check_str(json_object_get(ar, "credit_headroom"), "-100.00", "headroom below 0");
    json_decref(s);

    tk_post_counts(
        json_pack("[o]", tk_event("pay-3", "payment", "sp-r1", "r-1", now - 1000, "250.00")), 1, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    s = tk_get_ok("/api/v1/customers/r-1/summary");
    ar = json_object_get(s, "receivables");
    tk_check(json_is_false(json_object_get(ar, "credit_hold")), "1350.00: hold lifted: %s",
             tk_text(ar));
    tk_check_str(json_object_get(ar, "balance"), "1350.00", "after the payment");
    json_decref(s);
}

/* The coordinator of t-r1: their team and salesperson; t-r2's are 404. */
static void test_scoping(void)
{
    int status;
    char head[1024];
    json_t *j = tk_raw("GET", "/api/v1/receivables?scope=team:t-r1&at=2026-12-15", s_cookie, NULL,
                       &status, head, sizeof(head));
    tk_check(status == 200, "own team: %d %s", status, tk_text(j));
    json_decref(j);
    static const char *const hidden[] = {"/api/v1/receivables?scope=team:t-r2",
                                         "/api/v1/receivables?scope=salesperson:sp-r2",
                                         "/api/v1/customers/r-2/summary"};
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        j = tk_raw("GET", hidden[i], s_cookie, NULL, &status, head, sizeof(head));
        tk_check(status == 404, "%s: %d %s", hidden[i], status, tk_text(j));
        json_decref(j);
    }
    j = tk_raw("GET", "/api/v1/receivables?scope=salesperson:sp-r1", s_cookie, NULL, &status, head,
               sizeof(head));
    tk_check(status == 200, "own salesperson: %d %s", status, tk_text(j));
    json_decref(j);
    /* salesperson sp-r1: themselves and the company totals; no team, nobody else */
    static const struct {
        const char *path;
        int want;
    } sp_reads[] = {
        {"/api/v1/receivables?scope=salesperson:sp-r1", 200},
        {"/api/v1/receivables?scope=company", 200},
        {"/api/v1/receivables?scope=salesperson:sp-r2", 404},
        {"/api/v1/receivables?scope=team:t-r1", 404},
    };
    for (size_t i = 0; i < sizeof(sp_reads) / sizeof(sp_reads[0]); i++) {
        j = tk_raw("GET", sp_reads[i].path, s_sp_cookie, NULL, &status, head, sizeof(head));
        tk_check(status == sp_reads[i].want, "salesperson %s: %d, want %d: %s", sp_reads[i].path,
                 status, sp_reads[i].want, tk_text(j));
        json_decref(j);
    }
}

/* Team t-r3 (sp-r3a, sp-r3b): r-3 has invoices of both, paid oldest first,
 * by name (partly) and by order; r-4 is overpaid by sp-r3a (a credit).
 * Times are days before now, so every fact is in the past. */
#define DAY_MS 86400000LL
static json_t *ev_ago(const char *id, const char *type, const char *sp, const char *cust,
                      int days_ago, const char *amount, int due_in_days, const char *extra)
{
    int64_t now = nq_now_ms();
    json_t *e = tk_event(id, type, sp, cust, now - days_ago * DAY_MS, amount);
    if (due_in_days != 0) {
        nq_period_t d;
        CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_DAY, now + due_in_days * DAY_MS, &d) == 0);
        json_object_set_new(e, "due_at", json_string(d.key));
    }
    if (extra) {
        json_t *x = json_loads(extra, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        json_object_update(e, x);
        json_decref(x);
    }
    return e;
}

/* The same events each call (a copy; times fixed at the first). */
static json_t *team_events(void)
{
    static json_t *events;
    if (!events)
        events = json_pack("[o, o, o, o, o, o, o, o]",
                           ev_ago("inv-31", "invoice", "sp-r3a", "r-3", 100, "1000.00", -70,
                                  "{\"order_id\":\"SO-31\"}"),
                           ev_ago("inv-32", "invoice", "sp-r3b", "r-3", 40, "500.00", -10,
                                  "{\"order_id\":\"SO-32\"}"),
                           ev_ago("inv-33", "invoice", "sp-r3a", "r-3", 5, "200.00", 25, NULL),
                           ev_ago("pay-31", "payment", "sp-r3b", "r-3", 30, "300.00", 0, NULL),
                           ev_ago("pay-32", "payment", "sp-r3a", "r-3", 4, "150.00", 0,
                                  "{\"attributes\":{\"invoice_id\":\"inv-33\"}}"),
                           ev_ago("pay-33", "payment", "sp-r3b", "r-3", 3, "100.00", 0,
                                  "{\"order_id\":\"SO-32\"}"),
                           ev_ago("inv-41", "invoice", "sp-r3b", "r-4", 20, "400.00", 10, NULL),
                           ev_ago("pay-41", "payment", "sp-r3a", "r-4", 2, "650.00", 0, NULL));
    return json_deep_copy(events);
}

/* The totals complete ("ready": else both reads are per customer) and the
 * indexer's receivables looks done: none due now. */
static bool looks_done(void)
{
    for (int64_t deadline = tk_mono_ms() + INDEX_MS; tk_mono_ms() < deadline; usleep(20000)) {
        char fmt[64];
        snprintf(fmt, sizeof(fmt), "ZCOUNT %%s -inf %lld", (long long)nq_now_ms());
        redisReply *mark = tk_cmd("GET %s", NQ_KEY_AR_TOTALS);
        bool ready =
            mark && mark->type == REDIS_REPLY_STRING && strcmp(mark->str, NQ_AR_TOTALS_READY) == 0;
        freeReplyObject(mark);
        if (ready && tk_redis_int(fmt, NQ_KEY_AR_DUE) == 0)
            return true;
    }
    return false;
}

/* The answer for now (kept totals) and at today's date (per customer), as
 * JSON text. */
static char *read_scope(const char *scope, bool now)
{
    char path[160];
    nq_period_t d;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_DAY, nq_now_ms(), &d) == 0);
    snprintf(path, sizeof(path), "/api/v1/receivables?scope=%s%s%s", scope,
             now ? "" : "&at=", now ? "" : d.key);
    json_t *j = tk_get_ok(path);
    char *text = json_dumps(j, JSON_SORT_KEYS);
    json_decref(j);
    return text;
}

/* The kept totals equal the per-customer path, for the team and each member. */
static void check_now_equals_per_customer(void)
{
    static const char *const scopes[] = {"team:t-r3", "salesperson:sp-r3a", "salesperson:sp-r3b",
                                         "company"};
    CU_ASSERT_TRUE_FATAL(looks_done());
    for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
        char *fast = read_scope(scopes[i], true), *slow = read_scope(scopes[i], false);
        tk_check(strcmp(fast, slow) == 0, "%s: now %s, per customer %s", scopes[i], fast, slow);
        free(fast);
        free(slow);
    }
}

static void test_team_now(void)
{
    tk_put_ok("/api/v1/teams/t-r3", "{\"name\":\"应收三组\"}");
    tk_put_ok("/api/v1/salespeople/sp-r3a", "{\"name\":\"钱进\",\"team_id\":\"t-r3\"}");
    tk_put_ok("/api/v1/salespeople/sp-r3b", "{\"name\":\"孙莉\",\"team_id\":\"t-r3\"}");
    tk_put_ok("/api/v1/customers/r-3", "{\"name\":\"东海机电\",\"owner_id\":\"sp-r3a\"}");
    tk_put_ok("/api/v1/customers/r-4", "{\"name\":\"西山建材\",\"owner_id\":\"sp-r3b\"}");
    tk_post_counts(team_events(), 8, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    check_now_equals_per_customer();
    /* r-3: inv-31 700.00 open (pay-31 oldest first), inv-32 400.00 (pay-33 by
     * order), inv-33 50.00 (pay-32 by name); r-4: inv-41 paid, 250.00 credit */
    json_t *j = tk_get_ok("/api/v1/receivables?scope=team:t-r3");
    tk_check_str(json_object_get(j, "open"), "1150.00", "team open");
    tk_check_str(json_object_get(j, "credit"), "250.00", "team credit");
    tk_check_str(json_object_get(json_object_get(j, "aging"), "d61_90"), "700.00", "61-90 days");
    tk_check(tk_num(j, "open_invoices") == 3, "three open: %s", tk_text(j));
    /* r-3 and r-4 have facts of both members: each counts once */
    tk_check(tk_num(j, "customers") == 2, "two customers: %s", tk_text(j));
    json_decref(j);
    /* the same events again: duplicates, nothing moves */
    tk_post_counts(team_events(), 0, 8);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    check_now_equals_per_customer();
    j = tk_get_ok("/api/v1/receivables?scope=team:t-r3");
    tk_check_str(json_object_get(j, "open"), "1150.00", "team open after duplicates");
    json_decref(j);
    /* a Redis from before the totals were kept: none, no mark; the fill gives them */
    static const char *const parts[] = {"due", "invoiced", "credit", "shared"};
    static const char *const sps[] = {"sp-r1", "sp-r2", "sp-r3a", "sp-r3b", NQ_AR_COMPANY};
    static const char *const custs[] = {"r-1", "r-2", "r-3", "r-4"};
    char key[160];
    for (size_t s = 0; s < sizeof(sps) / sizeof(sps[0]); s++)
        for (int p = 0; p < 4; p++) {
            nq_key_sp_ar_totals(key, sizeof(key), sps[s], parts[p]);
            tk_redis_do("DEL %s", key);
        }
    for (size_t c = 0; c < sizeof(custs) / sizeof(custs[0]); c++) {
        nq_key_customer_ar_sum(key, sizeof(key), custs[c]);
        tk_redis_do("DEL %s", key);
    }
    tk_redis_do("DEL %s", NQ_KEY_AR_TOTALS);
    check_now_equals_per_customer();
    j = tk_get_ok("/api/v1/receivables?scope=team:t-r3");
    tk_check_str(json_object_get(j, "open"), "1150.00", "team open after the fill");
    json_decref(j);
    /* totals complete but marked "ready" without the shared-customer sets: filled again */
    for (size_t s = 0; s < sizeof(sps) / sizeof(sps[0]); s++) {
        nq_key_sp_ar_totals(key, sizeof(key), sps[s], "shared");
        tk_redis_do("DEL %s", key);
    }
    tk_redis_do("SET %s ready", NQ_KEY_AR_TOTALS);
    check_now_equals_per_customer();
}

/* A rebuild's replay with the receivables gone gives the same figures. */
static void test_rebuild(void)
{
    json_t *before = tk_get_ok("/api/v1/receivables?scope=company&at=2026-12-15");
    json_t *sum_before = tk_get_ok("/api/v1/customers/r-1/summary");
    char *a = json_dumps(before, JSON_SORT_KEYS),
         *sa = json_dumps(json_object_get(sum_before, "receivables"), JSON_SORT_KEYS);
    tk_redis_do("DEL %s", "nq:cust:r-1:ar");
    tk_redis_do("DEL %s", "nq:cust:r-1:sums");
    tk_redis_do("DEL %s", "nq:cust:r-1:timeline");
    tk_redis_do("DEL %s", NQ_KEY_AR_CUSTOMERS);
    tk_redis_do("DEL %s", "nq:cust:r-3:ar");
    tk_redis_do("DEL %s", "nq:cust:r-3:timeline");
    char *team_before = read_scope("team:t-r3", true);
    json_decref(tk_call("POST", "/api/v1/admin/rebuild", NULL, 202));
    long long requested = tk_redis_int("HGET %s requested_at", NQ_KEY_REBUILD_JOB);
    for (int64_t deadline = tk_mono_ms() + INDEX_MS;
         tk_mono_ms() < deadline && tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) != requested;)
        usleep(20000);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    CU_ASSERT_TRUE(tk_wait_rebuild_ended(INDEX_MS));
    json_t *after = tk_get_ok("/api/v1/receivables?scope=company&at=2026-12-15");
    json_t *sum_after = tk_get_ok("/api/v1/customers/r-1/summary");
    char *b = json_dumps(after, JSON_SORT_KEYS),
         *sb = json_dumps(json_object_get(sum_after, "receivables"), JSON_SORT_KEYS);
    tk_check(strcmp(a, b) == 0, "company after the replay %s, live %s", b, a);
    tk_check(strcmp(sa, sb) == 0, "r-1's summary after the replay %s, live %s", sb, sa);
    check_now_equals_per_customer();
    char *team_after = read_scope("team:t-r3", true);
    tk_check(strcmp(team_before, team_after) == 0, "t-r3 now after the replay %s, live %s",
             team_after, team_before);
    free(team_before);
    free(team_after);
    free(a);
    free(b);
    free(sa);
    free(sb);
    json_decref(before);
    json_decref(after);
    json_decref(sum_before);
    json_decref(sum_after);
}

static CU_TestInfo tests[] = {
    {"the org, invoices and payments", test_setup},
    {"aging at a date per salesperson, team, company; DSO", test_aging_at_a_date},
    {"credit: headroom, flagged orders, hold and its release", test_credit},
    {"a coordinator reads their team only", test_scoping},
    {"a team's totals for now equal the per-customer path, after duplicates and a fill",
     test_team_now},
    {"a rebuild's replay gives the same figures", test_rebuild},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"receivables", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
