/* tools/bench_procs.h — the processes nq-bench watches: their memory and CPU from /proc.
 *
 * The processes come from a directory of NAME.pid files (--pids-dir) and a
 * list of pids (--pids), sorted by name. During a run their VmRSS is sampled
 * (the peak is kept) and their CPU ticks are read at three moments: load
 * start, load end, run end; bench_stats.h parses what /proc holds.
 *
 *   bench_procs_t ps = {0};
 *   if (bench_procs_find(&ps, "var/run", NULL, err, sizeof(err)) != 0) ...
 *   bench_procs_sample_cpu(&ps, BENCH_AT_START);
 *   bench_procs_sample_rss(&ps);                   // every 500 ms
 *   bench_procs_free(&ps);
 */
#ifndef NQ_TOOLS_BENCH_PROCS_H
#define NQ_TOOLS_BENCH_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* When CPU ticks are read: the slots of bench_proc_t.ticks. */
enum { BENCH_AT_START, BENCH_AT_LOAD_END, BENCH_AT_END, BENCH_AT_COUNT };

/* A process whose memory and CPU are sampled. */
typedef struct bench_proc {
    char name[64];                 /* pid file stem or comm */
    int pid;                       /* process id */
    bool gone;                     /* it exited during the run */
    int64_t peak_rss_kb;           /* largest VmRSS seen */
    int64_t hwm_kb;                /* VmHWM at the end, -1 if unknown */
    int64_t ticks[BENCH_AT_COUNT]; /* utime+stime at each moment (-1 unknown) */
} bench_proc_t;

typedef struct bench_procs {
    bench_proc_t *list; /* sorted by name; owned */
    size_t n;           /* how many */
} bench_procs_t;

/* Add the processes of every DIR/NAME.pid file of pids_dir and of the pids
 * in `pids` ("P1,P2"); either may be NULL. Every one must be running.
 * Returns 0, or -1 with a reason in err. */
int bench_procs_find(bench_procs_t *ps, const char *pids_dir, const char *pids, char *err,
                     size_t len);

/* Sample every process's VmRSS (and VmHWM); mark the ones that are gone. */
void bench_procs_sample_rss(bench_procs_t *ps);

/* Record every process's CPU ticks in slot `at` (BENCH_AT_*). */
void bench_procs_sample_cpu(bench_procs_t *ps, int at);

/* Whether a process exited during the run. */
bool bench_procs_gone(const bench_procs_t *ps);

/* CPU of p from moment `from` to moment `to` as % of one core, given when
 * each moment was (t_ns[BENCH_AT_*], uv_hrtime()); -1 if unknown. */
double bench_proc_cpu_pct(const bench_proc_t *p, const uint64_t t_ns[BENCH_AT_COUNT], int from,
                          int to);

/* nq-bench's own CPU time so far (user + system), in seconds. */
double bench_self_cpu_s(void);

/* Free the list (ps reusable, empty). */
void bench_procs_free(bench_procs_t *ps);

#endif
