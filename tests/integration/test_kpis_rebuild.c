/* test_kpis_rebuild.c — test_kpis's rebuild from the activity log after
 * the aggregates were corrupted, with events arriving while it runs, and
 * nqctl rebuild --from (see test_kpis.h). */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nq/fielderr.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "test_kpis.h"

/* ---- the rebuild ---- */

/* A KPI hash (field -> integer) or visited set (members) as read from Redis. */
typedef struct rkey {
    char *key;
    bool set;        /* a visited set */
    size_t n;        /* fields or members */
    char **names;    /* field names or members */
    long long *vals; /* hash values */
} rkey_t;

typedef struct rmap {
    rkey_t *k;
    size_t n, cap;
} rmap_t;

static rkey_t *rmap_get(rmap_t *m, const char *key, bool set)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->k[i].key, key) == 0)
            return &m->k[i];
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->k = realloc(m->k, m->cap * sizeof(*m->k));
    }
    rkey_t *k = &m->k[m->n++];
    memset(k, 0, sizeof(*k));
    k->key = strdup(key);
    k->set = set;
    return k;
}

/* Add delta to field `name` (hash), or add member `name` (set). */
static void rkey_add(rkey_t *k, const char *name, long long delta)
{
    for (size_t i = 0; i < k->n; i++) {
        if (strcmp(k->names[i], name) == 0) {
            if (!k->set)
                k->vals[i] += delta;
            return;
        }
    }
    k->names = realloc(k->names, (k->n + 1) * sizeof(*k->names));
    k->vals = realloc(k->vals, (k->n + 1) * sizeof(*k->vals));
    k->names[k->n] = strdup(name);
    k->vals[k->n] = k->set ? 0 : delta;
    k->n++;
}

static void rmap_free(rmap_t *m)
{
    for (size_t i = 0; i < m->n; i++) {
        for (size_t f = 0; f < m->k[i].n; f++)
            free(m->k[i].names[f]);
        free(m->k[i].names);
        free(m->k[i].vals);
        free(m->k[i].key);
    }
    free(m->k);
    memset(m, 0, sizeof(*m));
}

/* Every KPI hash and visited set in Redis (SCAN + HGETALL / SMEMBERS). */
static void snapshot(rmap_t *m)
{
    char cursor[32] = "0";
    do {
        redisReply *r = redisCommand(tk_redis, "SCAN %s MATCH nq:{sp:* COUNT 1000", cursor);
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            tk_check(false, "SCAN failed");
            freeReplyObject(r);
            return;
        }
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        for (size_t i = 0; i < r->element[1]->elements; i++) {
            const char *key = r->element[1]->element[i]->str;
            bool hash = strstr(key, "}:kpi:") != NULL, set = strstr(key, "}:visited:") != NULL;
            if (!hash && !set)
                continue;
            rkey_t *k = rmap_get(m, key, set);
            redisReply *v = redisCommand(tk_redis, set ? "SMEMBERS %s" : "HGETALL %s", key);
            for (size_t f = 0; v && v->type == REDIS_REPLY_ARRAY && f < v->elements;
                 f += set ? 1 : 2)
                rkey_add(k, v->element[f]->str,
                         set ? 0 : strtoll(v->element[f + 1]->str, NULL, 10));
            freeReplyObject(v);
        }
        freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);
}

/* The value of `name` in k: *found tells whether it is there. */
static long long rkey_value(const rkey_t *k, const char *name, bool *found)
{
    for (size_t i = 0; k && i < k->n; i++)
        if (strcmp(k->names[i], name) == 0) {
            *found = true;
            return k->vals[i];
        }
    *found = false;
    return 0;
}

static const rkey_t *rmap_find(const rmap_t *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->k[i].key, key) == 0)
            return &m->k[i];
    return NULL;
}

/* Are the two maps equal, key by key, field by field? Differences go to stderr. */
static bool rmap_same(const rmap_t *want, const rmap_t *got, const char *what)
{
    int diffs = 0;
    for (int pass = 0; pass < 2; pass++) {
        const rmap_t *a = pass ? got : want, *b = pass ? want : got;
        for (size_t i = 0; i < a->n; i++) {
            const rkey_t *ka = &a->k[i], *kb = rmap_find(b, ka->key);
            if (!kb) {
                if (diffs++ < 20)
                    fprintf(stderr, "\n    %s: %s %s", what, ka->key,
                            pass ? "is there but should not be" : "is missing");
                continue;
            }
            for (size_t f = 0; f < ka->n; f++) {
                bool found;
                long long vb = rkey_value(kb, ka->names[f], &found);
                if (found && vb == ka->vals[f])
                    continue;
                if (diffs++ < 20)
                    fprintf(stderr, "\n    %s: %s %s: want %s%lld, got %s%lld", what, ka->key,
                            ka->names[f], "", pass ? (found ? vb : 0) : ka->vals[f],
                            found ? "" : "(absent) ", pass ? ka->vals[f] : vb);
            }
        }
    }
    return tk_check(diffs == 0, "%s: %d differences", what, diffs);
}

/* Events sent while a rebuild runs: calls, visits of c-b1 and every third
 * time an order of 100.00, by sp-li in early November. `expect` receives
 * their counters; returns how many were accepted. */
static int s_traffic; /* batches sent so far */

static void add_deltas(rmap_t *expect, const char *sp, const char *type, int64_t at,
                       const char *customer, long long fen)
{
    for (int kind = 0; kind < NQ_PERIOD_KIND_COUNT; kind++) {
        nq_period_t p;
        char key[160];
        nq_period_of((nq_period_kind_t)kind, at, &p);
        nq_key_kpi(key, sizeof(key), sp, &p);
        /* KPI hashes and visited sets are kept for days and months (weeks,
         * quarters and years are read as their sums and unions). */
        if (kind != NQ_PERIOD_DAY && kind != NQ_PERIOD_MONTH)
            continue;
        if (strcmp(type, "visit") == 0) {
            char set[160];
            nq_key_visited(set, sizeof(set), sp, &p);
            rkey_add(rmap_get(expect, set, true), customer, 0);
        }
        rkey_t *k = rmap_get(expect, key, false);
        if (strcmp(type, "call") == 0)
            rkey_add(k, "calls", 1);
        if (strcmp(type, "visit") == 0)
            rkey_add(k, "visits", 1);
        if (strcmp(type, "order") == 0) {
            rkey_add(k, "orders", 1);
            rkey_add(k, "sales_fen", fen);
            rkey_add(k, "order_value_fen", fen);
        }
    }
}

static void send_traffic(rmap_t *expect)
{
    int i = s_traffic++;
    int64_t call_at, visit_at, order_at;
    nq_time_parse("2026-11-03T09:00:00+08:00", &call_at, NULL);
    nq_time_parse("2026-11-04T09:00:00+08:00", &visit_at, NULL);
    nq_time_parse("2026-11-05T09:00:00+08:00", &order_at, NULL);
    call_at += i * 60000LL;
    visit_at += i * 60000LL;
    order_at += i * 60000LL;
    char t1[48], t2[48], t3[48], id1[32], id2[32], id3[32];
    nq_time_format(call_at, t1, sizeof(t1));
    nq_time_format(visit_at, t2, sizeof(t2));
    nq_time_format(order_at, t3, sizeof(t3));
    snprintf(id1, sizeof(id1), "rb-call-%d", i);
    snprintf(id2, sizeof(id2), "rb-visit-%d", i);
    snprintf(id3, sizeof(id3), "rb-order-%d", i);
    json_t *arr =
        json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]", "event_id", id1, "type",
                  "call", "salesperson_id", SP_B, "occurred_at", t1, "event_id", id2, "type",
                  "visit", "salesperson_id", SP_B, "customer_id", "c-b1", "occurred_at", t2);
    add_deltas(expect, SP_B, "call", call_at, NULL, 0);
    add_deltas(expect, SP_B, "visit", visit_at, "c-b1", 0);
    if (i % 3 == 0) {
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event_id", id3,
                                             "type", "order", "salesperson_id", SP_B, "customer_id",
                                             "c-b2", "occurred_at", t3, "amount", "100.00"));
        add_deltas(expect, SP_B, "order", order_at, NULL, 10000);
    }
    int n = (int)json_array_size(arr);
    tk_post_counts(arr, n, 0);
}

static bool running_state(const char *state)
{
    return strcmp(state, "requested") == 0 || strcmp(state, "scanning") == 0 ||
           strcmp(state, "pausing") == 0 || strcmp(state, "swapping") == 0;
}

/* Keep sending traffic while the rebuild runs (until `done` says it ended),
 * then a last batch. Returns how many batches were sent after a scorer had
 * started the job (scanning, pausing, swapping). */
static int traffic_until(rmap_t *expect, bool (*done)(void *), void *arg)
{
    int scanning_or_later = 0;
    for (int64_t deadline = tk_mono_ms() + REBUILD_MS; tk_mono_ms() < deadline;) {
        int status;
        json_t *st = tk_api("GET", "/api/v1/admin/rebuild", NULL, &status);
        const char *state = tk_str(st, "state");
        bool running = running_state(state);
        if (getenv("NQ_TEST_TRACE"))
            fprintf(stderr, "[%s]", state);
        scanning_or_later += running && strcmp(state, "requested") != 0;
        json_decref(st);
        if (!running && done(arg))
            break;
        send_traffic(expect);
        usleep(5000);
    }
    send_traffic(expect);
    return scanning_or_later;
}

static bool api_rebuild_done(void *arg)
{
    int status;
    json_t *st = tk_api("GET", "/api/v1/admin/rebuild", NULL, &status);
    bool done =
        strcmp(tk_str(st, "state"), "done") == 0 || strcmp(tk_str(st, "state"), "failed") == 0;
    json_decref(st);
    return done;
}

static rmap_t s_truth; /* every aggregate as it should be */

/* Pad the log with training events (in August, moving only `trainings`), so that a
 * rebuild scans long enough for events to arrive while it does. */
static void pad_log(int n)
{
    for (int done = 0; done < n;) {
        json_t *arr = json_array();
        for (int i = 0; i < 5000 && done < n; i++, done++) {
            char id[32];
            snprintf(id, sizeof(id), "pad-%d", done);
            json_array_append_new(arr,
                                  json_pack("{s:s, s:s, s:s, s:s, s:s}", "event_id", id, "type",
                                            "training", "salesperson_id", SP_C, "occurred_at",
                                            "2026-08-03T19:00:00+08:00", "course", "产品培训"));
        }
        int k = (int)json_array_size(arr);
        tk_post_counts(arr, k, 0);
    }
}

void test_rebuild(void)
{
    int64_t t0 = tk_mono_ms();
    pad_log(N_PAD);
    if (getenv("NQ_TEST_TRACE"))
        fprintf(stderr, "[pad %lld ms]", (long long)(tk_mono_ms() - t0));
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));
    if (getenv("NQ_TEST_TRACE"))
        fprintf(stderr, "[scored %lld ms]", (long long)(tk_mono_ms() - t0));
    snapshot(&s_truth);
    tk_check(s_truth.n > 50, "snapshot: only %zu aggregates", s_truth.n);

    /* Corrupt: counters off, a member added and one removed, a key gone, a
     * bogus salesperson's hash and set, and a quarter hash such as the first
     * layout kept (now summed from months when read): the rebuild drops it. */
    tk_redis_do("HINCRBY nq:{sp:sp-zhang}:kpi:2026-10 sales_fen 99999");
    tk_redis_do("HINCRBY nq:{sp:sp-li}:kpi:2026-11 visits -2");
    tk_redis_do("HINCRBY nq:{sp:sp-li}:kpi:2026-Q4 visits -2");
    tk_redis_do("HSET nq:{sp:sp-wang}:kpi:2026-10-16 orders 7");
    tk_redis_do("SADD nq:{sp:sp-li}:visited:2026-10 c-bogus");
    tk_redis_do("SREM nq:{sp:sp-zhang}:visited:2026 c-a1");
    tk_redis_do("DEL nq:{sp:sp-zhao}:kpi:2026-10");
    tk_redis_do("HSET nq:{sp:sp-ghost}:kpi:2026-10 orders 5 sales_fen 100");
    tk_redis_do("SADD nq:{sp:sp-ghost}:visited:2026-W43 c-x");
    json_t *j = tk_get_ok("/api/v1/salespeople/" SP_A "/kpis?period=month&at=2026-10-15");
    tk_check_str(json_object_get(json_object_get(j, "kpis"), "sales_amount"), "55499.49",
                 "the corruption shows");
    json_decref(j);

    tk_expect_400("POST", "/api/v1/admin/rebuild", "{\"from\":\"last week\"}", "from");
    int status;
    j = tk_api_raw("POST", "/api/v1/admin/rebuild", NULL, &status);
    tk_check(status == 202 && strcmp(tk_str(j, "state"), "requested") == 0,
             "POST rebuild: want 202 requested, got %d %s", status, tk_text(j));
    json_decref(j);
    j = tk_api_raw("POST", "/api/v1/admin/rebuild", NULL, &status);
    tk_check(status == 400, "a second rebuild while one runs: want 400, got %d %s", status,
             tk_text(j));
    json_decref(j);
    int during = traffic_until(&s_truth, api_rebuild_done, NULL);
    tk_check(during > 0, "no events were sent while the rebuild scanned");

    j = tk_get_ok("/api/v1/admin/rebuild");
    tk_check(strcmp(tk_str(j, "state"), "done") == 0 && json_is_null(json_object_get(j, "error")) &&
                 json_is_string(json_object_get(j, "finished_at")) && tk_num(j, "scanned") > 0 &&
                 tk_num(j, "attempts") == 1 && *tk_str(j, "owner"),
             "rebuild status: %s", tk_text(j));
    json_decref(j);
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));

    rmap_t now = {0};
    snapshot(&now);
    rmap_same(&s_truth, &now, "after the rebuild");
    rmap_free(&now);
    tk_check(tk_redis_int("EXISTS %s", "nq:{sp:sp-ghost}:kpi:2026-10") == 0,
             "bogus hash still there");
    tk_check(tk_redis_int("EXISTS %s", NQ_KEY_SCORING_PAUSED) == 0, "scorers still paused");
    redisReply *r = redisCommand(tk_redis, "KEYS %s", NQ_KEY_SHADOW_PREFIX "*");
    tk_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 0, "shadow keys left: %zu",
             r ? r->elements : 0);
    freeReplyObject(r);

    /* Through the API: the figures are the hand-counted ones again, plus
     * the events sent during the rebuild, each once. */
    check_sp_kpis(SP_A, "month", "2026-10-15", "2026-10");
    check_sp_kpis(SP_W, "month", "2026-10-15", "2026-10");
    check_sp_kpis(SP_C, "month", "2026-10-16", "2026-10");
    int calls = s_traffic, orders = (s_traffic + 2) / 3;
    char want[64];
    j = tk_get_ok("/api/v1/salespeople/" SP_B "/kpis?period=month&at=2026-11-10");
    json_t *k = json_object_get(j, "kpis");
    snprintf(want, sizeof(want), "%d.00", orders * 100);
    tk_check(tk_num(k, "calls") == calls && tk_num(k, "visits") == calls &&
                 tk_num(k, "orders") == orders && strcmp(tk_str(k, "sales_amount"), want) == 0,
             "sp-li 2026-11: want %d calls, %d visits, %d orders, %s; got %s", calls, calls, orders,
             want, tk_text(k));
    json_decref(j);
}

/* nqctl runs as a child; `done` when it has exited. */
typedef struct child {
    pid_t pid;
    int status; /* exit status, -1 while running */
} child_t;

static bool child_done(void *arg)
{
    child_t *c = arg;
    int st;
    if (c->status < 0 && waitpid(c->pid, &st, WNOHANG) == c->pid)
        c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return c->status >= 0;
}

/* `nqctl --from 2026-11-01 rebuild` (its progress goes to nqctl.log in the
 * harness directory): only periods ending after 11-01 are recomputed, so a
 * corrupted October hash stays as it is while November is put right and a
 * quarter hash of the first layout (quarters are summed from months now) is
 * dropped. */
void test_nqctl_rebuild(void)
{
    tk_redis_do("HINCRBY nq:{sp:sp-zhang}:kpi:2026-10 sales_fen 777");
    tk_redis_do("HINCRBY nq:{sp:sp-zhang}:kpi:2026-Q4 sales_fen 777");
    tk_redis_do("HINCRBY nq:{sp:sp-li}:kpi:2026-11 calls 5");
    tk_redis_do("SADD nq:{sp:sp-li}:visited:2026-W44 c-bogus");
    char log[600];
    snprintf(log, sizeof(log), "%s/nqctl.log", nq_harness_dir(tk_h));
    child_t c = {.status = -1};
    c.pid = fork();
    if (c.pid == 0) {
        FILE *out = freopen(log, "a", stdout);
        FILE *err = out ? freopen(log, "a", stderr) : NULL;
        if (err)
            execl(NQ_BIN_DIR "/nqctl", "nqctl", "--url", nq_harness_url(tk_h), "--from",
                  "2026-11-01", "rebuild", (char *)NULL);
        _exit(127);
    }
    CU_ASSERT_FATAL(c.pid > 0);
    int during = traffic_until(&s_truth, child_done, &c);
    if (!child_done(&c)) {
        kill(c.pid, SIGKILL);
        waitpid(c.pid, NULL, 0);
    }
    tk_check(c.status == 0, "nqctl rebuild exited with %d (see %s)", c.status, log);
    tk_check(during > 0, "no events were sent while nqctl's rebuild scanned");
    CU_ASSERT_FATAL(tk_wait_scored(SCORE_MS));

    rmap_t now = {0};
    snapshot(&now);
    bool found;
    const rkey_t *oct = rmap_find(&now, "nq:{sp:sp-zhang}:kpi:2026-10");
    long long got = rkey_value(oct, "sales_fen", &found);
    tk_check(found && got == 5449950 + 777,
             "out of scope (ends 2026-11-01): want the corrupted 5450727, got %lld", got);
    rmap_free(&now);
    tk_redis_do("HINCRBY nq:{sp:sp-zhang}:kpi:2026-10 sales_fen -777");
    snapshot(&now);
    rmap_same(&s_truth, &now, "after nqctl rebuild --from 2026-11-01");
    rmap_free(&now);
}

void kpis_rebuild_free(void)
{
    rmap_free(&s_truth);
}
