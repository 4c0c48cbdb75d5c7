/* tools/bench_counters.h — the Redis counters nq-bench reads around a load.
 *
 * nq:stats:accepted and nq:stats:scored (nq/keys.h) are read with hiredis
 * sync: a handful of reads outside the hot path. Before the load, when the
 * load ended, then every BENCH_SCORED_POLL_MS until scored reaches what was
 * accepted. Unavailable counters are not fatal: `error` says why, and the
 * report says "not measured". A failed read drops the connection for good.
 *
 *   bench_counters_t r = {0};
 *   bench_counters_connect(&r, "127.0.0.1", 6390);
 *   bench_counters_before(&r);
 *   ... the load ...
 *   if (!bench_counters_after_load(&r))
 *       ... bench_counters_poll(&r, uv_hrtime()) every BENCH_SCORED_POLL_MS until it returns true ...
 *   bench_counters_close(&r);
 */
#ifndef NQ_TOOLS_BENCH_COUNTERS_H
#define NQ_TOOLS_BENCH_COUNTERS_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stdint.h>

#define BENCH_SCORED_POLL_MS 20 /* catch-up polling of nq:stats:scored */

typedef struct bench_counters {
    redisContext *ctx;  /* NULL when not used or lost */
    char error[160];    /* why they are unavailable, "" otherwise */
    int64_t accepted0;  /* nq:stats:accepted before the load */
    int64_t scored0;    /* nq:stats:scored before the load */
    int64_t accepted1;  /* nq:stats:accepted when the load ended */
    int64_t scored1;    /* nq:stats:scored at the first poll after the load */
    int64_t scored2;    /* nq:stats:scored at the end of the catch-up */
    bool caught_up;     /* scored2 >= accepted1 */
    uint64_t caught_ns; /* when caught_up was seen (uv_hrtime) */
} bench_counters_t;

/* Connect to the Redis of the counters (port 0: do not). Failure is
 * recorded in r->error and reported by bench_counters_before. */
void bench_counters_connect(bench_counters_t *r, const char *host, int64_t port);

/* The counters are not measured in this run: `why` goes into r->error. */
void bench_counters_skip(bench_counters_t *r, const char *why);

/* Read both counters before the load; a failure is a warning on stderr. */
void bench_counters_before(bench_counters_t *r);

/* The load ended: read accepted and scored. Returns true when there is
 * nothing to poll for (caught up already, or the counters are unavailable),
 * false when scored must be polled. */
bool bench_counters_after_load(bench_counters_t *r);

/* One catch-up poll of scored at `now` (uv_hrtime). Returns true when done:
 * caught up, or the counter could not be read. */
bool bench_counters_poll(bench_counters_t *r, uint64_t now);

/* Blocking: wait up to wait_s for scored to reach accepted (read now),
 * polling every BENCH_SCORED_POLL_MS. Returns whether it did; *waited_s is
 * the time spent. */
bool bench_counters_wait(bench_counters_t *r, int64_t wait_s, double *waited_s);

/* Drop the connection. */
void bench_counters_close(bench_counters_t *r);

#endif
