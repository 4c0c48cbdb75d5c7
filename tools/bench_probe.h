/* tools/bench_probe.h — the freshness probe of --mode freshness: how long after its
 * ack an event shows in the KPIs.
 *
 * One marker at a time, on two connections of its own beside the load's:
 * post marker k (an order of --probe-sp), and once it is acknowledged poll
 * GET .../{probe-sp}/kpis?period=day every --probe-poll-ms until "orders"
 * reaches base + markers acknowledged; the latency is from the ack to the end
 * of the first answer that shows it (an upper bound: the marker became
 * visible at most one poll interval plus one read earlier). The next marker
 * goes --probe-every-ms after the previous one was posted, or as soon as it
 * showed if that took longer. A marker that is not acknowledged (503, lost
 * connection) is posted again with the same event_id, so the order count
 * stays exact whatever happened to the answer.
 *
 * bench_run.c initialises and closes the probe's timer (its data: the probe),
 * calls bench_probe_kick whenever a probe connection is ready, and stops the
 * probe when the load stops or the run is aborted. The probe sees nothing of
 * the run but its own settings and connections.
 */
#ifndef NQ_TOOLS_BENCH_PROBE_H
#define NQ_TOOLS_BENCH_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "bench_conn.h"
#include "bench_events.h"
#include "bench_stats.h"

typedef enum {
    PROBE_OFF,     /* not started, or the load is over */
    PROBE_BASE,    /* reading the probe salesperson's order count before any marker */
    PROBE_IDLE,    /* waiting until the next marker is due */
    PROBE_POSTING, /* marker `k` is being posted (again after a failure) */
    PROBE_POLLING, /* marker `k` is acknowledged: polling until it shows */
} bench_probe_state_t;

typedef struct bench_probe {
    const char *run_id;        /* prefix of the markers' event_id; borrowed */
    const char *sp;            /* --probe-sp: whose orders the markers are; borrowed */
    int64_t every_ms;          /* --probe-every-ms */
    int64_t poll_ms;           /* --probe-poll-ms */
    int64_t wait_ms;           /* --probe-wait-ms */
    bench_conn_t *post;        /* connection posting the markers */
    bench_conn_t *poll;        /* connection reading the KPIs */
    uv_timer_t timer;          /* next marker or next poll; data: the run */
    bench_probe_state_t state; /* see bench_probe_state_t */
    char path[BENCH_PATH_MAX]; /* GET .../{probe}/kpis?period=day&at=<occurred_ms> */
    int64_t occurred_ms;       /* occurred_at of every marker: the run's start, one day */
    int64_t base;              /* orders of the probe's day before the first marker */
    int64_t acked;             /* markers acknowledged (accepted or duplicate) */
    uint64_t k;                /* number of the marker being posted / awaited */
    uint64_t due_ns;           /* when the next marker may be posted */
    uint64_t poll_due_ns;      /* when the next poll may be sent */
    uint64_t ack_ns;           /* when marker k was acknowledged */
    uint64_t posts;            /* marker requests written (retries included) */
    uint64_t polls;            /* KPI reads written */
    uint64_t visible;          /* markers seen in the KPIs */
    uint64_t late;             /* markers not seen within --probe-wait-ms */
    uint64_t post_failed;      /* marker posts not acknowledged (status, counts) */
    uint64_t poll_failed;      /* KPI reads without a readable order count */
    bench_hist_t hist;         /* ack -> visible, microseconds */
    bench_hist_t poll_hist;    /* one KPI read, microseconds (the probe's resolution) */
} bench_probe_t;

/* Start the probe (its settings, connections and timer set): the first read
 * learns the order count before any marker. */
void bench_probe_start(bench_probe_t *p);

/* Do what the probe's state asks for now, or arm the timer for when it is
 * due; nothing once stopped. Called by the timer, when a probe connection
 * (re)connects, and after each probe answer. */
void bench_probe_kick(bench_probe_t *p);

/* A probe answer on c (its post or poll connection): move the state on
 * (bench_probe_kick sends what comes next). */
void bench_probe_answer(bench_probe_t *p, bench_conn_t *c, const char *body, size_t len,
                        uint64_t now);

/* The load is over or the run aborted: no more markers, and the one still
 * out is not waited for. */
void bench_probe_stop(bench_probe_t *p);

#endif
