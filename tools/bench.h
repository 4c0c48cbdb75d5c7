/* tools/bench.h — the state of one nq-bench run, shared by the modules that
 * drive it (bench_run.c), send on its connections (bench_load.c,
 * bench_probe.c) and print it (bench_report.c, bench_report_json.c).
 *
 * Data only: each module's functions sit in its own header. One process, one
 * thread, one libuv loop: nothing here is locked. nq-bench.c fills it from the
 * command line; the large histograms make it a static, not a local.
 */
#ifndef NQ_TOOLS_BENCH_H
#define NQ_TOOLS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "bench_conn.h"
#include "bench_counters.h"
#include "bench_events.h"
#include "bench_opts.h"
#include "bench_probe.h"
#include "bench_procs.h"
#include "bench_read_sample.h"
#include "bench_seed.h"
#include "bench_stats.h"

#define BENCH_MAX_STATUS 600 /* statuses 100..599 are counted one by one */

typedef struct bench {
    bench_opts_t o;                       /* options */
    bench_mode_t mode;                    /* o.mode parsed */
    size_t n_conns;                       /* load connections, plus the probe's two */
    bench_net_t net;                      /* where to connect, hooks, transport errors */
    bench_gen_t gen;                      /* event generator */
    uint64_t next_seq;                    /* seq of the next event */
    bench_conn_t *conns;                  /* n_conns of them */
    uv_timer_t stop_timer;                /* end of the load */
    uv_timer_t cron;                      /* sampling and timeouts */
    uv_timer_t poll;                      /* catch-up polling */
    uv_signal_t sigint;                   /* Ctrl-C ends the load early */
    bool stopping;                        /* no new requests */
    bool load_done;                       /* every answer is in (or given up) */
    bool finished;                        /* handles are closing */
    char abort_reason[320];               /* set when the run was aborted */
    uint64_t t_ns[BENCH_AT_COUNT];        /* load started, drain ended, catch-up ended */
    uint64_t t_last_ack_ns;               /* last answer completed */
    double self_cpu_s[2];                 /* own CPU at load start and load end */
    uint64_t requests;                    /* requests written */
    uint64_t answers;                     /* answers complete */
    uint64_t events_sent;                 /* events in requests written */
    uint64_t uncounted;                   /* answers without counts (errors, 503s) */
    bench_counts_t totals;                /* counts summed over all answers */
    uint64_t by_status[BENCH_MAX_STATUS]; /* answers per status; [0] = other */
    bench_hist_t hist;                    /* per-request latency, microseconds */
    bench_hist_t hist_due;                /* the same from when each request was due (--rate) */
    uint64_t read_seq;                    /* reads sent: {sp} is sp-(read_seq % salespeople + 1) */
    uint64_t ok_answers;                  /* answers 2xx */
    uint64_t answer_bytes;                /* body bytes of every answer */
    bench_probe_t probe;                  /* --mode freshness */
    bench_seed_t seed;                    /* --mode seed, --setup */
    bench_read_sample_t sample;           /* --mode read */
    bench_counters_t redis;               /* nq:stats:* */
    bench_procs_t procs;                  /* sampled processes */
} bench_t;

#endif
