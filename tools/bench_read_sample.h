/* tools/bench_read_sample.h — one GET of the read path before the load (--mode read).
 *
 * Does the path answer what it should? Its status, size and the length of
 * every top-level array (the `entries` of a leaderboard: is it 200 long?)
 * go into the report. Blocking HTTP (nq/httpc.h), salesperson 1 for {sp}.
 */
#ifndef NQ_TOOLS_BENCH_READ_SAMPLE_H
#define NQ_TOOLS_BENCH_READ_SAMPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench_events.h"
#include "bench_opts.h"

typedef struct bench_read_sample {
    bool taken;                /* the request was sent */
    int status;                /* its status, 0 on a transport error */
    size_t bytes;              /* body length */
    json_t *arrays;            /* {"entries":200,...}: top-level arrays and their lengths; owned */
    char path[BENCH_PATH_MAX]; /* the path read */
} bench_read_sample_t;

/* GET o->path (o->url, o->timeout_ms) once into sm. Not taken when the path
 * does not expand or out of memory. */
void bench_read_sample_take(bench_read_sample_t *sm, const bench_opts_t *o);

/* Free what sm holds (safe on a sample not taken). */
void bench_read_sample_free(bench_read_sample_t *sm);

#endif
