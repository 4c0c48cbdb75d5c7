/* tools/bench_stats.h — the pure pieces of nq-bench (no sockets, no clock).
 *
 * A latency histogram with bounded memory and bounded relative error, a
 * reader of the per-status counts in an activity answer, the time between two
 * clock readings, and readers of the numbers nq-bench samples from
 * /proc/<pid>/status and /proc/<pid>/stat.
 * Everything here takes plain data and returns plain data, so the unit test
 * (tests/unit/test_bench_stats.c) needs no running process.
 *
 *   bench_hist_t h;
 *   bench_hist_init(&h);
 *   bench_hist_record(&h, 1234);                  // e.g. microseconds
 *   uint64_t p99 = bench_hist_percentile(&h, 99.0);
 *
 *   bench_counts_t c;
 *   if (bench_answer_counts(body, len, &c) == 0) total += c.accepted;
 */
#ifndef NQ_TOOLS_BENCH_STATS_H
#define NQ_TOOLS_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ---- latency histogram ------------------------------------------------------
 * HDR-like log-linear buckets: values below 2 * BENCH_HIST_SUB are counted
 * exactly; above, every power-of-two range is split into BENCH_HIST_SUB equal
 * buckets, so a reported percentile is at most 1/BENCH_HIST_SUB (0.8 %) above
 * the true value and never below it. Covers the whole uint64_t range in a
 * fixed 58 KiB: the caller owns the struct (embed it or allocate it). */
#define BENCH_HIST_SUB_BITS 7
#define BENCH_HIST_SUB      (1u << BENCH_HIST_SUB_BITS)
#define BENCH_HIST_BUCKETS  ((64 - BENCH_HIST_SUB_BITS + 1) * BENCH_HIST_SUB)

typedef struct bench_hist {
    uint64_t counts[BENCH_HIST_BUCKETS]; /* values recorded per bucket */
    uint64_t count;                      /* values recorded */
    uint64_t min;                        /* smallest value (UINT64_MAX while empty) */
    uint64_t max;                        /* largest value (0 while empty) */
    long double sum;                     /* sum of the values, for the mean */
} bench_hist_t;

/* Empty the histogram. */
void bench_hist_init(bench_hist_t *h);

/* Count one value. */
void bench_hist_record(bench_hist_t *h, uint64_t value);

/* The value at percentile q (0 < q <= 100): the smallest recorded value's
 * bucket top such that at least q % of the values are at or below it,
 * clamped to the recorded maximum (so percentile 100 is the exact max).
 * Returns 0 when the histogram is empty or q is out of range. */
uint64_t bench_hist_percentile(const bench_hist_t *h, double q);

/* The bucket a value falls in, and the largest value of a bucket (exported
 * for the unit test). */
size_t bench_hist_bucket(uint64_t value);
uint64_t bench_hist_bucket_top(size_t bucket);

/* ---- activity answers ---------------------------------------------------- */

/* The top-level counts of a POST /api/v1/activities answer
 * ({"accepted":N,"duplicate":N,"conflict":N,"rejected":N,"results":[...]}). */
typedef struct bench_counts {
    int64_t accepted;  /* events stored */
    int64_t duplicate; /* events already stored before */
    int64_t conflict;  /* event_id reused with other content */
    int64_t rejected;  /* events refused as invalid */
} bench_counts_t;

/* Read the counts from a JSON answer body of `len` bytes (not necessarily
 * NUL-terminated). Only keys of the outermost object count, so nothing in
 * "results" can be mistaken for them; a missing count is 0. Linear in len and
 * allocation-free: the generator reads every answer at full load.
 * Returns 0, or -1 when the body is not an object with an "accepted" number
 * (an error answer such as {"error":"unavailable",...}); *out is zeroed then. */
int bench_answer_counts(const char *body, size_t len, bench_counts_t *out);

/* ---- time ----------------------------------------------------------------- */

#define BENCH_NS_PER_MS 1000000ULL

/* Seconds from from_ns to to_ns (uv_hrtime() values); 0 when to_ns is not later. */
double bench_since_s(uint64_t from_ns, uint64_t to_ns);

/* ---- /proc ---------------------------------------------------------------- */

/* The value of field `name` ("VmRSS", "VmHWM") in the text of
 * /proc/<pid>/status ("VmRSS:\t   12345 kB"), in kB; -1 when absent or malformed. */
int64_t bench_status_kb(const char *status, const char *name);

/* utime + stime (clock ticks) from the text of /proc/<pid>/stat, whose second
 * field, the command name in parentheses, may hold spaces and ')'; -1 when
 * malformed. */
int64_t bench_stat_cpu_ticks(const char *stat);

#endif
