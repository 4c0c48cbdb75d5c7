/* tools/bench_opts.h — nq-bench's command line: one table of options (pure: no I/O
 * but the usage text).
 *
 * Every option is a row of the table in bench_opts.c (flag, type, bounds,
 * default, one line of help); --help prints the table. Values are checked
 * against their bounds here; what depends on several options (the mode's
 * defaults, the URL, the generator) is checked by nq-bench.c.
 *
 *   bench_opts_t o;
 *   char err[512];
 *   if (bench_opts_parse(&o, argc, argv, err, sizeof(err)) != 0)
 *       fprintf(stderr, "nq-bench: %s\n", err);
 */
#ifndef NQ_TOOLS_BENCH_OPTS_H
#define NQ_TOOLS_BENCH_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a run does (--mode). */
typedef enum { MODE_WRITE, MODE_READ, MODE_SEED, MODE_FRESHNESS, MODE_COUNT } bench_mode_t;

/* The --mode names, indexed by bench_mode_t. */
extern const char *const bench_mode_names[MODE_COUNT];

typedef struct bench_opts {
    const char *mode;       /* write, read, seed or freshness */
    const char *url;        /* gateway base URL */
    int64_t connections;    /* keep-alive connections */
    int64_t batch;          /* events per request */
    int64_t rate;           /* events/s over all connections, 0 = flat out */
    int64_t duration_s;     /* length of the load */
    int64_t salespeople;    /* distinct salesperson ids */
    int64_t customers;      /* distinct customer ids */
    const char *spread;     /* occurred_at: "now" or "week" */
    const char *mix;        /* event mix: "default" or "customers" */
    const char *zone;       /* zone of "week" */
    const char *run_id;     /* event_id prefix, NULL = generated */
    int64_t seed;           /* generator seed, 0 = from the clock */
    int64_t timeout_ms;     /* longest wait for one answer */
    const char *redis_host; /* where the counters are */
    int64_t redis_port;     /* 0 = do not read them */
    int64_t scored_wait_s;  /* longest wait for scored to catch up */
    const char *pids_dir;   /* directory of NAME.pid files to sample */
    const char *pids;       /* "P1,P2" to sample */
    const char *path;       /* --mode read: path template */
    const char *team;       /* team id of the seed step and of {team} */
    bool setup;             /* seed before the load */
    int64_t seed_events;    /* events the seed step posts */
    const char *probe_sp;   /* salesperson of the freshness markers */
    int64_t probe_every_ms; /* a marker at most this often */
    int64_t probe_poll_ms;  /* KPI polls this often until the marker shows */
    int64_t probe_wait_ms;  /* longest wait for a marker to show */
    bool rate_given;        /* --rate was on the command line (not in the table) */
    bool json;              /* print the report as one JSON object */
    bool help;              /* print the usage */
} bench_opts_t;

/* Defaults, then argv ("--flag VALUE" or "--flag=VALUE"). String values point
 * into argv or the table (borrowed). Returns 0, or -1 with a reason in err. */
int bench_opts_parse(bench_opts_t *o, int argc, char **argv, char *err, size_t len);

/* The mode named `name`, or -1 when there is none. */
int bench_mode_of(const char *name);

/* Print the usage: every option with its default, then the exit codes. */
void bench_opts_usage(FILE *out);

#endif
