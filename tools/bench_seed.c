/* tools/bench_seed.c — the seed step's requests. See bench_seed.h. */
#include "bench_seed.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "bench_stats.h"
#include "nq/httpc.h"
#include "nq/period.h"

#define SEED_BATCH    1000         /* events per request of the seed step */
#define SEED_SEQ_BASE (1ULL << 40) /* seq of the first seeded event: never a load's */
#define SEED_RETRIES  20           /* 503 answers a seed request may get in a row */
#define SEED_RETRY_US 200000       /* wait before retrying a 503 */

/* A salesperson's monthly targets; the team's are --salespeople times these. */
#define SEED_TARGET_SALES_YUAN 600000
#define SEED_TARGET_ORDERS     80
#define SEED_TARGET_VISITS     150
#define SEED_TARGET_CALLS      150

/* One request of the seed step; 2xx expected. A 503 is retried after
 * SEED_RETRY_US, up to SEED_RETRIES times in a row. Returns 0 with the answer
 * in *out (the caller frees it), or -1 with sd->error set (*out freed). */
static int seed_request(bench_seed_t *sd, nq_httpc_t *h, const char *method, const char *path,
                        const char *body, size_t len, nq_httpc_response_t *out)
{
    for (int tries = 0;; tries++) {
        int rc = nq_httpc_request(h, method, path, "application/json", body, len, NULL, out);
        if (rc != 0) {
            snprintf(sd->error, sizeof(sd->error), "%s %s: %s", method, path,
                     nq_httpc_strerror(rc));
            return -1;
        }
        if (out->status >= 200 && out->status < 300)
            return 0;
        if (out->status != 503 || tries >= SEED_RETRIES) {
            snprintf(sd->error, sizeof(sd->error), "%s %s: %d %.200s", method, path, out->status,
                     out->body ? out->body : "");
            nq_httpc_response_free(out);
            return -1;
        }
        nq_httpc_response_free(out);
        sd->retries++;
        usleep(SEED_RETRY_US);
    }
}

/* PUT `body` (a reference is stolen; NULL = out of memory) at path. Returns 0 or -1. */
static int seed_put(bench_seed_t *sd, nq_httpc_t *h, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    nq_httpc_response_t r;
    json_decref(body);
    if (!text) {
        snprintf(sd->error, sizeof(sd->error), "out of memory");
        return -1;
    }
    int rc = seed_request(sd, h, "PUT", path, text, strlen(text), &r);
    free(text);
    nq_httpc_response_free(&r);
    if (rc == 0)
        sd->puts++;
    return rc;
}

/* {"targets":{...}} for `times` salespeople. */
static json_t *seed_targets(int64_t times)
{
    char sales[32];
    snprintf(sales, sizeof(sales), "%lld.00", (long long)(SEED_TARGET_SALES_YUAN * times));
    return json_pack("{s:{s:s, s:I, s:I, s:I}}", "targets", "sales_amount", sales, "orders",
                     (json_int_t)(SEED_TARGET_ORDERS * times), "visits",
                     (json_int_t)(SEED_TARGET_VISITS * times), "calls",
                     (json_int_t)(SEED_TARGET_CALLS * times));
}

/* The team, its salespeople, the probe salesperson, and this month's targets. */
static int seed_org(bench_seed_t *sd, nq_httpc_t *h, const bench_opts_t *o)
{
    char path[256], sp[16];
    uint32_t n = (uint32_t)o->salespeople;
    snprintf(path, sizeof(path), "/api/v1/teams/%s", o->team);
    if (seed_put(sd, h, path, json_pack("{s:s}", "name", "nq-bench team")))
        return -1; /* first: a salesperson's team must exist */
    for (uint32_t i = 1; i <= n; i++) {
        bench_sp_id(sp, sizeof(sp), i);
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", sp);
        if (seed_put(sd, h, path,
                     json_pack("{s:s+, s:s}", "name", "nq-bench ", sp, "team_id", o->team)))
            return -1;
        snprintf(path, sizeof(path), "/api/v1/targets/salespeople/%s/month/%s", sp, sd->month);
        if (seed_put(sd, h, path, seed_targets(1)))
            return -1;
    }
    snprintf(path, sizeof(path), "/api/v1/targets/teams/%s/month/%s", o->team, sd->month);
    if (seed_put(sd, h, path, seed_targets(n)))
        return -1;
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s", o->probe_sp);
    return seed_put(sd, h, path, json_pack("{s:s}", "name", "nq-bench freshness probe"));
}

/* --seed-events events of this month, SEED_BATCH per request. */
static int seed_events(bench_seed_t *sd, nq_httpc_t *h, const bench_opts_t *o,
                       const bench_gen_t *gen, const nq_period_t *month)
{
    bench_gen_t g;
    size_t cap = BENCH_EVENT_MAX * SEED_BATCH + 2;
    char *buf = malloc(cap);
    int64_t now = nq_now_ms();
    if (!buf || bench_gen_init(&g, gen->run_id, gen->rng * 31 + 7, (uint32_t)o->salespeople,
                               (uint32_t)o->customers, now - month->start_ms) != 0) {
        free(buf);
        snprintf(sd->error, sizeof(sd->error), "out of memory");
        return -1;
    }
    int rc = 0;
    for (int64_t done = 0; rc == 0 && done < o->seed_events;) {
        size_t n =
            (size_t)(o->seed_events - done < SEED_BATCH ? o->seed_events - done : SEED_BATCH);
        nq_httpc_response_t r;
        bench_counts_t counts;
        int len =
            bench_batch_write(&g, buf, cap, n, true, SEED_SEQ_BASE + (uint64_t)done, nq_now_ms());
        if (len < 0) {
            snprintf(sd->error, sizeof(sd->error), "a seed batch did not fit (a bug in nq-bench)");
            rc = -1;
        } else if ((rc = seed_request(sd, h, "POST", BENCH_ACTIVITY_PATH, buf, (size_t)len, &r)) ==
                   0) {
            if (bench_answer_counts(r.body, r.len, &counts) == 0)
                sd->accepted += counts.accepted;
            sd->events_posted += (int64_t)n;
            done += (int64_t)n;
            nq_httpc_response_free(&r);
        }
    }
    free(buf);
    return rc;
}

int bench_seed_run(bench_seed_t *sd, const bench_opts_t *o, const bench_gen_t *gen,
                   bench_counters_t *r)
{
    nq_period_t month;
    nq_httpc_t *h = nq_httpc_new(o->url);
    sd->ran = true;
    if (!h) {
        snprintf(sd->error, sizeof(sd->error), "out of memory");
        return -1;
    }
    nq_httpc_set_timeout(h, (int)o->timeout_ms);
    nq_period_of(NQ_PERIOD_MONTH, nq_now_ms(), &month);
    snprintf(sd->month, sizeof(sd->month), "%s", month.key);
    uint64_t t0 = uv_hrtime();
    int rc = seed_org(sd, h, o);
    uint64_t t1 = uv_hrtime();
    sd->put_s = bench_since_s(t0, t1);
    if (rc == 0)
        rc = seed_events(sd, h, o, gen, &month);
    sd->post_s = bench_since_s(t1, uv_hrtime());
    nq_httpc_destroy(&h);
    if (rc == 0)
        sd->caught_up = bench_counters_wait(r, o->scored_wait_s, &sd->scored_wait_s);
    return rc;
}
