/* tools/bench_run.h — one nq-bench run on its own libuv loop, phase by phase.
 *
 * connect -> load (--duration, or until Ctrl-C) -> drain (answers still out,
 * each bounded by --timeout-ms) -> catch-up (nq:stats:scored polled until it
 * reaches accepted, up to --scored-wait) -> last samples. Every CRON_MS the
 * processes' RSS is sampled and answers that take too long are given up.
 * This module owns every handle's lifetime (timers, signal, connections) and
 * wires the connections' hooks to the load (bench_load.h) or the probe
 * (bench_probe.h) by their role.
 */
#ifndef NQ_TOOLS_BENCH_RUN_H
#define NQ_TOOLS_BENCH_RUN_H

#include "bench.h"

/* The whole run of b (options checked, net resolved, counters read before).
 * Returns 0, or -1 when it could not start (out of memory; nothing was sent).
 * What happened is in b for the report. */
int bench_run(bench_t *b);

#endif
