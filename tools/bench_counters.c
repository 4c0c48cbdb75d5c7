/* tools/bench_counters.c — nq:stats:accepted / nq:stats:scored over hiredis sync.
 * See bench_counters.h. */
#include "bench_counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "bench_stats.h"
#include "nq/keys.h"

/* GET an integer counter (missing = 0). Returns 0, or -1 with r->error set
 * and the connection dropped. */
static int read_counter(bench_counters_t *r, const char *key, int64_t *out)
{
    if (!r->ctx)
        return -1;
    redisReply *reply = redisCommand(r->ctx, "GET %s", key);
    int rc = -1;
    if (!reply) {
        snprintf(r->error, sizeof(r->error), "GET %s: %s", key, r->ctx->errstr);
    } else if (reply->type == REDIS_REPLY_NIL) {
        *out = 0;
        rc = 0;
    } else if (reply->type == REDIS_REPLY_STRING) {
        *out = strtoll(reply->str, NULL, 10);
        rc = 0;
    } else {
        snprintf(r->error, sizeof(r->error), "GET %s: unexpected reply type %d", key, reply->type);
    }
    freeReplyObject(reply);
    if (rc != 0)
        bench_counters_close(r);
    return rc;
}

void bench_counters_connect(bench_counters_t *r, const char *host, int64_t port)
{
    if (port == 0) {
        bench_counters_skip(r, "not read (--redis-port 0)");
        return;
    }
    struct timeval tv = {2, 0};
    r->ctx = redisConnectWithTimeout(host, (int)port, tv);
    if (!r->ctx || r->ctx->err) {
        snprintf(r->error, sizeof(r->error), "Redis %s:%lld: %s", host, (long long)port,
                 r->ctx ? r->ctx->errstr : "out of memory");
        bench_counters_close(r);
    } else {
        redisSetTimeout(r->ctx, tv);
    }
}

void bench_counters_skip(bench_counters_t *r, const char *why)
{
    snprintf(r->error, sizeof(r->error), "%s", why);
}

void bench_counters_before(bench_counters_t *r)
{
    if (read_counter(r, NQ_KEY_STATS_ACCEPTED, &r->accepted0) == 0)
        read_counter(r, NQ_KEY_STATS_SCORED, &r->scored0);
    if (r->error[0])
        fprintf(stderr, "nq-bench: warning: scoring progress not measured: %s\n", r->error);
}

bool bench_counters_after_load(bench_counters_t *r)
{
    if (read_counter(r, NQ_KEY_STATS_ACCEPTED, &r->accepted1) != 0 ||
        read_counter(r, NQ_KEY_STATS_SCORED, &r->scored1) != 0)
        return true;
    r->scored2 = r->scored1;
    if (r->scored1 >= r->accepted1) {
        r->caught_up = true;
        r->caught_ns = uv_hrtime();
        return true;
    }
    return false;
}

bool bench_counters_poll(bench_counters_t *r, uint64_t now)
{
    if (read_counter(r, NQ_KEY_STATS_SCORED, &r->scored2) != 0)
        return true;
    if (r->scored2 >= r->accepted1) {
        r->caught_up = true;
        r->caught_ns = now;
    }
    return r->caught_up;
}

bool bench_counters_wait(bench_counters_t *r, int64_t wait_s, double *waited_s)
{
    uint64_t t0 = uv_hrtime();
    int64_t accepted, scored;
    bool caught_up = false;
    if (read_counter(r, NQ_KEY_STATS_ACCEPTED, &accepted) == 0) {
        while (read_counter(r, NQ_KEY_STATS_SCORED, &scored) == 0) {
            if (scored >= accepted) {
                caught_up = true;
                break;
            }
            if (bench_since_s(t0, uv_hrtime()) >= (double)wait_s)
                break;
            usleep(BENCH_SCORED_POLL_MS * 1000);
        }
    }
    *waited_s = bench_since_s(t0, uv_hrtime());
    return caught_up;
}

void bench_counters_close(bench_counters_t *r)
{
    redisFree(r->ctx);
    r->ctx = NULL;
}
