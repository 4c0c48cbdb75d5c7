/* tools/bench_seed.h — the seed step (--mode seed, --setup): realistic data before
 * any load.
 *
 * Blocking HTTP (nq/httpc.h) before the loop runs:
 *   PUT /api/v1/teams/{team}             {"name":...} (first: a salesperson's team must exist)
 *   PUT /api/v1/salespeople/sp-0000i     {"name":...,"team_id":team}, and --probe-sp (no team)
 *   PUT /api/v1/targets/salespeople/sp-0000i/month/{this month}, and the team's (N times one)
 *   POST /api/v1/activities              --seed-events generated events, 1000 per request,
 *                                        spread from the start of this month to now
 * then waits (up to --scored-wait) for nq:stats:scored to reach
 * nq:stats:accepted. Every request must be answered 2xx; a 503 is retried.
 */
#ifndef NQ_TOOLS_BENCH_SEED_H
#define NQ_TOOLS_BENCH_SEED_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_counters.h"
#include "bench_events.h"
#include "bench_opts.h"

/* What the seed step did. */
typedef struct bench_seed {
    bool ran;              /* the step was run */
    char error[320];       /* why it failed, "" when it did not */
    char month[16];        /* key of the month the targets were set for */
    int64_t puts;          /* teams, salespeople and targets stored */
    int64_t events_posted; /* events in requests answered 2xx */
    int64_t accepted;      /* of them accepted (the rest were duplicates, ...) */
    int64_t retries;       /* 503 answers retried */
    double put_s;          /* time of the PUTs */
    double post_s;         /* time of the event POSTs */
    double scored_wait_s;  /* from the last POST until scored caught up (or gave up) */
    bool caught_up;        /* scored reached accepted within --scored-wait */
} bench_seed_t;

/* Run the seed step with the options o; its events are generated with a
 * generator of gen's run id, seeded from gen's state (gen is not moved on),
 * and their scoring awaited on r. Returns 0, or -1 with sd->error set (what
 * was stored stays). */
int bench_seed_run(bench_seed_t *sd, const bench_opts_t *o, const bench_gen_t *gen,
                   bench_counters_t *r);

#endif
