/* tools/bench_load.h — the load: what each load connection sends, when, and the
 * counts of what comes back.
 *
 * --mode write and freshness post batches of generated events
 * (bench_events.h); --mode read GETs the --path template. Flat out (--rate
 * 0) a connection sends again as soon as its answer is complete; with --rate
 * each connection keeps a schedule of one request every
 * bench_load_interval_ns, staggered across connections. A request due while
 * the previous one is still out waits for it (the "coordinated omission" of
 * closed-loop generators): its latency counts both from when it was written
 * and from when it was due.
 */
#ifndef NQ_TOOLS_BENCH_LOAD_H
#define NQ_TOOLS_BENCH_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench_conn.h"
#include "bench_opts.h"

/* Time between two requests of one connection at --rate, in ns; 0 flat out. */
uint64_t bench_load_interval_ns(const bench_opts_t *o);

/* Send c's next request now (flat out, or --rate and behind schedule) or arm
 * its pace timer for when it is due; `advance` moves the schedule on by one
 * request (after an answer; not after a reconnect). c must be ready. */
void bench_load_next(bench_conn_t *c, uint64_t now, bool advance);

/* Count a complete answer of the load (latencies, statuses, event counts). */
void bench_load_count(bench_conn_t *c, const char *body, size_t len, uint64_t now);

#endif
