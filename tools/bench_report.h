/* tools/bench_report.h — nq-bench's report: the figures of a run, as text or as
 * one JSON object (--json).
 *
 * Both formats print the same summary; bench/README.md says what each
 * figure means and bench/run.sh reads the JSON. --mode seed reports the seed
 * step alone (with a zeroed summary).
 *
 *   bench_summary_t s;
 *   bench_summarize(b, &s);
 *   if (b->o.json) bench_report_json(b, &s); else bench_report_text(b, &s);
 */
#ifndef NQ_TOOLS_BENCH_REPORT_H
#define NQ_TOOLS_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bench.h"

/* Percentiles of one histogram, in ms. */
typedef struct bench_lat {
    double ms[5];   /* p50, p99, p99.9, max, mean */
    uint64_t count; /* values recorded */
} bench_lat_t;

/* The figures both report formats print. */
typedef struct bench_summary {
    double load_s;          /* first request to the last answer */
    double accepted_per_s;  /* events accepted / load_s */
    double answers_per_s;   /* answers / load_s (--mode read) */
    double ok_per_s;        /* 2xx answers / load_s (--mode read) */
    double answer_bytes;    /* mean body size of the answers (--mode read) */
    bench_lat_t ack;        /* per request, from writing it to the end of its answer */
    bench_lat_t due;        /* per request, from when it was due (--rate) */
    bench_lat_t fresh;      /* probe: ack -> visible */
    bench_lat_t poll;       /* probe: one KPI read */
    bool scored;            /* the counters were read */
    int64_t accepted_delta; /* nq:stats:accepted over the load */
    int64_t scored_delta;   /* nq:stats:scored from before the load to the end of the catch-up */
    int64_t backlog;        /* accepted - scored when the load ended */
    double lag_s;           /* last ack to scored catching up (when caught_up) */
    double scored_per_s;    /* scored_delta / (start .. caught up, or end of the wait) */
    double bench_cpu_pct;   /* nq-bench's own CPU during the load, % of one core */
} bench_summary_t;

/* The figures of a finished run. */
void bench_summarize(const bench_t *b, bench_summary_t *s);

/* The report as text, on stdout. */
void bench_report_text(const bench_t *b, const bench_summary_t *s);

/* The report as one line of compact JSON, on stdout (bench_report_json.c). */
void bench_report_json(const bench_t *b, const bench_summary_t *s);

#endif
