/* nq-bench — load generator for the activity path (POST /api/v1/activities),
 * the KPI reads, and the freshness of the KPIs under load.
 *
 *   nq-bench --connections 8 --batch 500 --duration 60 --pids-dir var/run --json
 *   nq-bench --mode seed                      # team of 200, targets, 100,000 events
 *   nq-bench --mode read --rate 1000 --path '/api/v1/salespeople/{sp}/kpis?period=month'
 *   nq-bench --mode freshness --rate 10000 --batch 200 --setup
 *
 * Modes (--mode): "write" (the default) posts events as described below;
 * "read" sends GETs of a path template ({sp} cycles over the salespeople,
 * {team} is --team) instead, paced to --rate reads/s; "seed" only sets up
 * realistic data (see seed_run) and reports; "freshness" is the write load
 * plus a probe that posts a marker order every --probe-every-ms and polls the
 * probe salesperson's KPIs every --probe-poll-ms until the order count shows
 * it, recording ack -> visible latency. --setup seeds before any load.
 *
 * One process, one thread, one libuv loop. C keep-alive HTTP/1.1
 * connections each carry one request at a time: a batch of generated events
 * (bench_events.h), sent again as soon as the answer is complete (flat out,
 * --rate 0) or on a per-connection schedule that adds up to --rate events/s.
 * Latency is measured per request, from writing it to the last byte of the
 * answer, and kept in a log-linear histogram (bench_stats.h). Note that
 * with --rate a request that is due while the previous one is still out
 * waits for it, and its latency counts from when it was written (the
 * "coordinated omission" of closed-loop generators): compare flat-out runs.
 *
 * Around the load nq-bench reads the Redis counters nq:stats:accepted and
 * nq:stats:scored (nq/keys.h) with hiredis sync, then waits up to
 * --scored-wait seconds for scored to reach accepted and reports how long
 * after the last ack that happened. With --pids-dir or --pids it samples
 * VmRSS (and CPU time) of the named processes every 500 ms.
 *
 * The phases: connect -> load (--duration) -> drain (answers still out) ->
 * catch-up (scored polled every 20 ms) -> report. Options are one table
 * (`options` below); `nq-bench --help` prints it with the exit codes.
 */
#include <dirent.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include "bench_events.h"
#include "bench_stats.h"
#include "nq/fielderr.h"
#include "nq/httpc.h"
#include "nq/keys.h"
#include "nq/period.h"

#define ACTIVITY_PATH    "/api/v1/activities"
#define MAX_DURATION_S   3600        /* longest run accepted */
#define MAX_BODY_BUFFERS (1LL << 30) /* request buffers of all connections together */
#define CRON_MS          500         /* RSS sampling and request timeouts */
#define SCORED_POLL_MS   20          /* catch-up polling of nq:stats:scored */
#define READ_CHUNK       65536       /* free room offered to each read */
#define MAX_ANSWER       (NQ_HTTPC_MAX_HEAD + NQ_HTTPC_MAX_BODY)
#define MAX_STATUS       600 /* statuses 100..599 are counted one by one */
#define NS_PER_MS        1000000ULL
#define MIB              (1024.0 * 1024.0)
#define SEED_BATCH       1000         /* events per request of the seed step */
#define SEED_SEQ_BASE    (1ULL << 40) /* seq of the first seeded event: never a load's */
#define SEED_RETRIES     20           /* 503 answers a seed request may get in a row */
#define MAX_REQUEST_HEAD 1024         /* request line and headers */

/* Exit codes, shown by --help. */
enum {
    EXIT_DONE = 0,   /* the run completed (whatever the statuses of the answers) */
    EXIT_ERRORS = 1, /* connection refused, reset, timed out, not HTTP, or nothing answered */
    EXIT_USAGE = 2,  /* bad command line */
};

/* ---- options ------------------------------------------------------------------ */

typedef struct opts {
    const char *mode;       /* write, read, seed or freshness */
    const char *url;        /* gateway base URL */
    int64_t connections;    /* keep-alive connections */
    int64_t batch;          /* events per request */
    int64_t rate;           /* events/s over all connections, 0 = flat out */
    int64_t duration_s;     /* length of the load */
    int64_t salespeople;    /* distinct salesperson ids */
    int64_t customers;      /* distinct customer ids */
    const char *spread;     /* occurred_at: "now" or "week" */
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
} opts_t;

typedef enum { OPT_INT, OPT_STR, OPT_FLAG } opt_kind_t;

typedef struct option_row {
    const char *flag; /* without the leading "--" */
    opt_kind_t kind;  /* value type */
    size_t offset;    /* field in opts_t */
    int64_t min, max; /* bounds of an OPT_INT */
    const char *def;  /* default as text, NULL = none */
    const char *arg;  /* name of the value in the usage */
    const char *help; /* one line */
} option_row_t;

#define OPT(f) offsetof(opts_t, f)
static const option_row_t options[] = {
    {"mode", OPT_STR, OPT(mode), 0, 0, "write", "MODE",
     "write: post events; read: GET --path; seed: set up data only; freshness: write + probe"},
    {"url", OPT_STR, OPT(url), 0, 0, "http://127.0.0.1:8080", "URL", "gateway base URL"},
    {"connections", OPT_INT, OPT(connections), 1, 10000, "4", "C", "keep-alive connections"},
    {"batch", OPT_INT, OPT(batch), 1, 10000, "1", "N",
     "events per request: 1 posts a JSON object, more a JSON array"},
    {"rate", OPT_INT, OPT(rate), 0, 10000000, "0", "R",
     "events/s (reads/s in --mode read) over all connections, paced per connection;"
     " 0 = flat out; --mode read defaults to 1000"},
    {"duration", OPT_INT, OPT(duration_s), 1, MAX_DURATION_S, "10", "S",
     "seconds of load (at most 3600)"},
    {"salespeople", OPT_INT, OPT(salespeople), 1, 99999, "200", "N",
     "salesperson ids sp-00001..sp-N"},
    {"customers", OPT_INT, OPT(customers), 1, 999999, "2000", "N", "customer ids c-000001..c-N"},
    {"spread", OPT_STR, OPT(spread), 0, 0, "now", "now|week|month",
     "occurred_at: now, or spread from the start of the current week or month to now"},
    {"zone", OPT_STR, OPT(zone), 0, 0, "Asia/Shanghai", "ZONE",
     "zone of --spread, of the seeded targets' month and of the probe's day"},
    {"run-id", OPT_STR, OPT(run_id), 0, 0, NULL, "ID",
     "event_id prefix, 1-24 of [A-Za-z0-9_] (default: from the clock and pid)"},
    {"seed", OPT_INT, OPT(seed), 0, INT64_MAX, "0", "N", "random seed, 0 = from the clock"},
    {"timeout-ms", OPT_INT, OPT(timeout_ms), 100, 600000, "10000", "MS",
     "longest wait for one answer before it counts as an error"},
    {"redis-host", OPT_STR, OPT(redis_host), 0, 0, "127.0.0.1", "HOST",
     "Redis holding nq:stats:accepted / nq:stats:scored"},
    {"redis-port", OPT_INT, OPT(redis_port), 0, 65535, "6390", "PORT",
     "its port; 0 = do not read the counters"},
    {"scored-wait", OPT_INT, OPT(scored_wait_s), 0, 600, "30", "S",
     "longest wait after the load for scored to reach accepted"},
    {"pids-dir", OPT_STR, OPT(pids_dir), 0, 0, NULL, "DIR",
     "sample RSS and CPU of every process named by a DIR/NAME.pid file"},
    {"pids", OPT_STR, OPT(pids), 0, 0, NULL, "P1,P2",
     "sample RSS and CPU of these pids (named by /proc/PID/comm)"},
    {"path", OPT_STR, OPT(path), 0, 0, "/api/v1/salespeople/{sp}/kpis?period=month", "TEMPLATE",
     "--mode read: path to GET; {sp} cycles over the salespeople, {team} is --team"},
    {"team", OPT_STR, OPT(team), 0, 0, "t-bench", "ID",
     "team of the seeded salespeople (all --salespeople of them)"},
    {"setup", OPT_FLAG, OPT(setup), 0, 0, NULL, NULL,
     "before the load, seed as --mode seed does (team, salespeople, targets, events)"},
    {"seed-events", OPT_INT, OPT(seed_events), 0, 100000000, "100000", "N",
     "events the seed posts (batches of 1000, spread over this month), then waits for scoring"},
    {"probe-sp", OPT_STR, OPT(probe_sp), 0, 0, "sp-probe", "ID",
     "--mode freshness: salesperson of the marker orders (keep it out of the load)"},
    {"probe-every-ms", OPT_INT, OPT(probe_every_ms), 1, 60000, "50", "MS",
     "--mode freshness: one marker order at most this often"},
    {"probe-poll-ms", OPT_INT, OPT(probe_poll_ms), 1, 1000, "2", "MS",
     "--mode freshness: read the probe's day KPIs this often until the marker shows"},
    {"probe-wait-ms", OPT_INT, OPT(probe_wait_ms), 10, 600000, "10000", "MS",
     "--mode freshness: a marker not visible after this long counts as late"},
    {"json", OPT_FLAG, OPT(json), 0, 0, NULL, NULL, "print the report as one JSON object"},
    {"help", OPT_FLAG, OPT(help), 0, 0, NULL, NULL, "show this help"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: nq-bench [options]\n\n"
                 "Posts generated activity events to POST " ACTIVITY_PATH " over keep-alive\n"
                 "connections and reports throughput, ack latency, scoring progress and RSS.\n"
                 "--mode read GETs a path template instead (KPIs, overviews, leaderboards);\n"
                 "--mode freshness adds a probe measuring ack -> visible in the KPIs;\n"
                 "--mode seed (or --setup) creates a team, its salespeople, their targets\n"
                 "and --seed-events events first.\n\n"
                 "options (--flag VALUE or --flag=VALUE):\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option_row_t *o = &options[i];
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", o->flag, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-24s %s", left, o->help);
        if (o->def)
            fprintf(out, " [%s]", o->def);
        fputc('\n', out);
    }
    fprintf(out, "\nexit codes:\n"
                 "  0  the run completed (answers of any status are counted and reported)\n"
                 "  1  errors: connection refused or lost mid-request, no answer within\n"
                 "     --timeout-ms, an answer that is not HTTP, a process to sample is gone,\n"
                 "     the seed step failed (a PUT or POST not answered 2xx)\n"
                 "  2  bad command line\n");
}

/* Store text `v` into option `o`. Returns 0, or -1 with a reason in err. */
static int set_option(opts_t *opts, const option_row_t *o, const char *v, char *err, size_t len)
{
    char *field = (char *)opts + o->offset;
    if (o->kind == OPT_STR) {
        *(const char **)field = v;
        return 0;
    }
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < o->min || n > o->max) {
        snprintf(err, len, "--%s: must be an integer in %lld..%lld, got '%s'", o->flag,
                 (long long)o->min, (long long)o->max, v);
        return -1;
    }
    *(int64_t *)field = n;
    return 0;
}

static const option_row_t *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (strlen(options[i].flag) == len && strncmp(options[i].flag, name, len) == 0)
            return &options[i];
    }
    return NULL;
}

/* Defaults, then argv. Returns 0, or -1 with a reason in err. */
static int parse_options(opts_t *opts, int argc, char **argv, char *err, size_t len)
{
    memset(opts, 0, sizeof(*opts));
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (options[i].def && set_option(opts, &options[i], options[i].def, err, len) != 0)
            return -1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            snprintf(err, len, "unexpected argument '%s' (see --help)", a);
            return -1;
        }
        const char *eq = strchr(a + 2, '=');
        size_t name_len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        const option_row_t *o = find_option(a + 2, name_len);
        if (!o) {
            snprintf(err, len, "unknown option '%s' (see --help)", a);
            return -1;
        }
        if (o->kind == OPT_FLAG) {
            if (eq) {
                snprintf(err, len, "--%s takes no value", o->flag);
                return -1;
            }
            *(bool *)((char *)opts + o->offset) = true;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            snprintf(err, len, "--%s needs a value (%s)", o->flag, o->arg);
            return -1;
        }
        if (set_option(opts, o, v, err, len) != 0)
            return -1;
        if (o->offset == OPT(rate))
            opts->rate_given = true;
    }
    return 0;
}

/* ---- state -------------------------------------------------------------------- */

typedef enum { FRAME_LENGTH, FRAME_CHUNKED, FRAME_CLOSE } framing_t;

/* What a run does (--mode). */
typedef enum { MODE_WRITE, MODE_READ, MODE_SEED, MODE_FRESHNESS } bench_mode_t;

static const char *const mode_names[] = {
    [MODE_WRITE] = "write",
    [MODE_READ] = "read",
    [MODE_SEED] = "seed",
    [MODE_FRESHNESS] = "freshness",
};

/* What a connection carries: the load (events or reads), or one of the
 * freshness probe's two request kinds. */
typedef enum { ROLE_LOAD, ROLE_PROBE_POST, ROLE_PROBE_POLL } role_t;

struct bench;

/* One keep-alive connection with at most one request out. */
typedef struct conn {
    uv_tcp_t tcp;                /* the connection; data points here */
    uv_connect_t connect;        /* its connect request */
    uv_write_t write;            /* the request being written */
    uv_timer_t pace;             /* when the next request is due (--rate) */
    struct bench *b;             /* owner */
    size_t index;                /* position in b->conns */
    role_t role;                 /* what it sends */
    bool tcp_open;               /* tcp initialised and its close callback not yet run */
    bool connected;              /* connected and reading: a request may be written */
    bool reopen;                 /* connect again once tcp is closed */
    bool busy;                   /* a request is out and its answer not complete */
    char head[MAX_REQUEST_HEAD]; /* request head (the whole request of a GET) */
    char *body;                  /* request body buffer (body_cap bytes) */
    size_t body_cap;             /* its size */
    size_t events;               /* events in the request out */
    uint64_t sent_ns;            /* when the request out was written */
    uint64_t due_ns;             /* when it was due (--rate; <= sent_ns), 0 = when written */
    uint64_t next_ns;            /* when the next request is due (--rate) */
    char *in;                    /* answer bytes received (in_cap bytes) */
    size_t in_len;               /* bytes held */
    size_t in_cap;               /* buffer size */
    bool have_head;              /* resp and head_len are valid */
    nq_httpc_head_t resp;        /* the answer's head */
    size_t head_len;             /* bytes of the head in `in` */
    framing_t framing;           /* how the answer's body ends */
    nq_httpc_chunked_t chunked;  /* chunked decoder state */
    size_t body_len;             /* decoded body bytes after the head (chunked) */
} conn_t;

/* A process whose memory and CPU are sampled. */
typedef struct proc {
    char name[64];       /* pid file stem or comm */
    int pid;             /* process id */
    bool gone;           /* it exited during the run */
    int64_t peak_rss_kb; /* largest VmRSS seen */
    int64_t hwm_kb;      /* VmHWM at the end, -1 if unknown */
    int64_t ticks[3];    /* utime+stime at load start, load end, run end (-1 unknown) */
} proc_t;

/* The Redis counters (hiredis sync: a handful of reads outside the hot path). */
typedef struct counters {
    redisContext *ctx;  /* NULL when not used or lost */
    char error[160];    /* why they are unavailable, "" otherwise */
    int64_t accepted0;  /* nq:stats:accepted before the load */
    int64_t scored0;    /* nq:stats:scored before the load */
    int64_t accepted1;  /* nq:stats:accepted when the load ended */
    int64_t scored1;    /* nq:stats:scored at the first poll after the load */
    int64_t scored2;    /* nq:stats:scored at the end of the catch-up */
    bool caught_up;     /* scored2 >= accepted1 */
    uint64_t caught_ns; /* when caught_up was seen */
} counters_t;

/* The freshness probe (--mode freshness): one marker order at a time. */
typedef enum {
    PROBE_OFF,     /* not started, or the load is over */
    PROBE_BASE,    /* reading the probe salesperson's order count before any marker */
    PROBE_IDLE,    /* waiting until the next marker is due */
    PROBE_POSTING, /* marker `k` is being posted (again after a failure) */
    PROBE_POLLING, /* marker `k` is acknowledged: polling until it shows */
} probe_state_t;

typedef struct probe {
    conn_t *post;              /* connection posting the markers */
    conn_t *poll;              /* connection reading the KPIs */
    uv_timer_t timer;          /* next marker or next poll */
    probe_state_t state;       /* see probe_state_t */
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
} probe_t;

/* What the seed step did (--mode seed, --setup). */
typedef struct seed_report {
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
} seed_report_t;

/* One GET of the read path before the load: does it answer what it should? */
typedef struct read_sample {
    bool taken;                /* the request was sent */
    int status;                /* its status, 0 on a transport error */
    size_t bytes;              /* body length */
    json_t *arrays;            /* {"entries":200,...}: top-level arrays and their lengths; owned */
    char path[BENCH_PATH_MAX]; /* the path read */
} read_sample_t;

typedef struct bench {
    opts_t o;                       /* options */
    bench_mode_t mode;              /* o.mode parsed */
    size_t n_conns;                 /* load connections, plus the probe's two */
    uv_loop_t *loop;                /* the loop */
    nq_httpc_url_t url;             /* parsed --url */
    struct sockaddr_storage addr;   /* resolved gateway address */
    bench_gen_t gen;                /* event generator */
    uint64_t next_seq;              /* seq of the next event */
    conn_t *conns;                  /* o.connections of them */
    uv_timer_t stop_timer;          /* end of the load */
    uv_timer_t cron;                /* sampling and timeouts */
    uv_timer_t poll;                /* catch-up polling */
    uv_signal_t sigint;             /* Ctrl-C ends the load early */
    bool stopping;                  /* no new requests */
    bool load_done;                 /* every answer is in (or given up) */
    bool finished;                  /* handles are closing */
    char abort_reason[320];         /* set when the run was aborted */
    uint64_t t_start_ns;            /* load started */
    uint64_t t_last_ack_ns;         /* last answer completed */
    uint64_t t_load_end_ns;         /* drain ended */
    uint64_t t_end_ns;              /* catch-up ended */
    double self_cpu_s[2];           /* own CPU at load start and load end */
    uint64_t requests;              /* requests written */
    uint64_t answers;               /* answers complete */
    uint64_t events_sent;           /* events in requests written */
    uint64_t uncounted;             /* answers without counts (errors, 503s) */
    bench_counts_t totals;          /* counts summed over all answers */
    uint64_t by_status[MAX_STATUS]; /* answers per status; [0] = other */
    uint64_t errors;                /* transport errors */
    char first_error[320];          /* the first of them */
    bench_hist_t hist;              /* per-request latency, microseconds */
    bench_hist_t hist_due;          /* the same from when each request was due (--rate) */
    uint64_t read_seq;              /* reads sent: {sp} is sp-(read_seq % salespeople + 1) */
    uint64_t ok_answers;            /* answers 2xx */
    uint64_t answer_bytes;          /* body bytes of every answer */
    probe_t probe;                  /* --mode freshness */
    seed_report_t seed;             /* --mode seed, --setup */
    read_sample_t sample;           /* --mode read */
    counters_t redis;               /* nq:stats:* */
    proc_t *procs;                  /* sampled processes */
    size_t n_procs;                 /* how many */
} bench_t;

static void conn_open(conn_t *c);
static void conn_close(conn_t *c, bool reopen);
static void send_request(conn_t *c);
static void check_load_done(bench_t *b);
static void finish(bench_t *b);
static void probe_kick(bench_t *b);
static void probe_answer(conn_t *c, const char *body, size_t len, uint64_t now);

static double since_s(uint64_t from_ns, uint64_t to_ns)
{
    return to_ns > from_ns ? (double)(to_ns - from_ns) / 1e9 : 0.0;
}

/* Count a transport error; the first one is kept for the report. */
static void transport_error(bench_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void transport_error(bench_t *b, const char *fmt, ...)
{
    if (b->errors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->first_error, sizeof(b->first_error), fmt, ap);
        va_end(ap);
    }
}

/* End the run now: no drain, no catch-up (e.g. the gateway refuses connections). */
static void abort_run(bench_t *b, const char *reason)
{
    if (!b->abort_reason[0])
        snprintf(b->abort_reason, sizeof(b->abort_reason), "%s", reason);
    b->stopping = true;
    finish(b);
}

/* ---- /proc sampling ------------------------------------------------------------ */

/* Read /proc/<pid>/<file> into buf (NUL-terminated). Returns 0 or -1. */
static int read_proc(int pid, const char *file, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n ? 0 : -1;
}

/* Sample every process's VmRSS; mark the ones that are gone. */
static void sample_rss(bench_t *b)
{
    char buf[4096];
    for (size_t i = 0; i < b->n_procs; i++) {
        proc_t *p = &b->procs[i];
        if (p->gone || read_proc(p->pid, "status", buf, sizeof(buf)) != 0) {
            p->gone = true;
            continue;
        }
        int64_t kb = bench_status_kb(buf, "VmRSS");
        if (kb > p->peak_rss_kb)
            p->peak_rss_kb = kb;
        int64_t hwm = bench_status_kb(buf, "VmHWM");
        if (hwm >= 0)
            p->hwm_kb = hwm;
    }
}

/* Record every process's CPU ticks in slot `at` (0 start, 1 load end, 2 end). */
static void sample_cpu(bench_t *b, int at)
{
    char buf[1024];
    for (size_t i = 0; i < b->n_procs; i++) {
        proc_t *p = &b->procs[i];
        p->ticks[at] =
            read_proc(p->pid, "stat", buf, sizeof(buf)) == 0 ? bench_stat_cpu_ticks(buf) : -1;
    }
}

static double self_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Add a process to sample. Returns 0, or -1 with a reason in err. */
static int add_proc(bench_t *b, const char *name, int pid, char *err, size_t len)
{
    char buf[64];
    if (pid <= 0 || read_proc(pid, "status", buf, sizeof(buf)) != 0) {
        snprintf(err, len, "process %s (pid %d) is not running", name, pid);
        return -1;
    }
    proc_t *grown = realloc(b->procs, (b->n_procs + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    b->procs = grown;
    proc_t *p = &b->procs[b->n_procs++];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->pid = pid;
    p->hwm_kb = -1;
    p->ticks[0] = p->ticks[1] = p->ticks[2] = -1;
    return 0;
}

/* Parse a positive pid. */
static int parse_pid(const char *s, size_t len)
{
    long v = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v > 0 ? (int)v : -1;
}

static int compare_procs(const void *x, const void *y)
{
    return strcmp(((const proc_t *)x)->name, ((const proc_t *)y)->name);
}

/* The processes of --pids-dir and --pids. Returns 0, or -1 with a reason. */
static int find_procs(bench_t *b, char *err, size_t len)
{
    if (b->o.pids_dir) {
        DIR *d = opendir(b->o.pids_dir);
        if (!d) {
            snprintf(err, len, "--pids-dir %s: %s", b->o.pids_dir, strerror(errno));
            return -1;
        }
        struct dirent *e;
        int rc = 0;
        while (rc == 0 && (e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            char path[4096], text[32] = "";
            if (n <= 4 || strcmp(e->d_name + n - 4, ".pid") != 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s", b->o.pids_dir, e->d_name);
            FILE *f = fopen(path, "r");
            size_t got = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
            if (f)
                fclose(f);
            while (got && (text[got - 1] == '\n' || text[got - 1] == ' '))
                got--;
            e->d_name[n - 4] = '\0';
            rc = add_proc(b, e->d_name, parse_pid(text, got), err, len);
        }
        closedir(d);
        if (rc != 0)
            return -1;
    }
    for (const char *s = b->o.pids; s && *s;) {
        size_t n = strcspn(s, ",");
        int pid = parse_pid(s, n);
        char name[64] = "?";
        if (pid > 0 && read_proc(pid, "comm", name, sizeof(name)) == 0)
            name[strcspn(name, "\n")] = '\0';
        if (pid < 0) {
            snprintf(err, len, "--pids: '%.*s' is not a pid", (int)n, s);
            return -1;
        }
        if (add_proc(b, name, pid, err, len) != 0)
            return -1;
        s += n + (s[n] == ',');
    }
    qsort(b->procs, b->n_procs, sizeof(*b->procs), compare_procs);
    return 0;
}

/* ---- Redis counters --------------------------------------------------------------- */

/* GET an integer counter (missing = 0). Returns 0, or -1 with redis.error set
 * and the connection dropped. */
static int read_counter(counters_t *r, const char *key, int64_t *out)
{
    if (!r->ctx)
        return -1;
    redisReply *reply = redisCommand(r->ctx, "GET %s", key);
    int rc = -1;
    if (!reply) {
        snprintf(r->error, sizeof(r->error), "GET %s: %s", key, r->ctx->errstr);
    } else if (reply->type == REDIS_REPLY_NIL) {
        *out = 0;
        rc = 0;
    } else if (reply->type == REDIS_REPLY_STRING) {
        *out = strtoll(reply->str, NULL, 10);
        rc = 0;
    } else {
        snprintf(r->error, sizeof(r->error), "GET %s: unexpected reply type %d", key, reply->type);
    }
    freeReplyObject(reply);
    if (rc != 0) {
        redisFree(r->ctx);
        r->ctx = NULL;
    }
    return rc;
}

/* Connect to the Redis of the counters (once, before the seed step and the
 * load). Failure is recorded in redis.error and reported by counters_start. */
static void counters_connect(bench_t *b)
{
    counters_t *r = &b->redis;
    if (b->o.redis_port == 0) {
        snprintf(r->error, sizeof(r->error), "not read (--redis-port 0)");
        return;
    }
    struct timeval tv = {2, 0};
    r->ctx = redisConnectWithTimeout(b->o.redis_host, (int)b->o.redis_port, tv);
    if (!r->ctx || r->ctx->err) {
        snprintf(r->error, sizeof(r->error), "Redis %s:%lld: %s", b->o.redis_host,
                 (long long)b->o.redis_port, r->ctx ? r->ctx->errstr : "out of memory");
        redisFree(r->ctx);
        r->ctx = NULL;
    } else {
        redisSetTimeout(r->ctx, tv);
    }
}

/* Read the counters before the load. Failure is reported, not fatal; in
 * --mode read they are not used. */
static void counters_start(bench_t *b)
{
    counters_t *r = &b->redis;
    if (b->mode == MODE_READ) {
        snprintf(r->error, sizeof(r->error), "not measured in --mode read");
        return;
    }
    if (read_counter(r, NQ_KEY_STATS_ACCEPTED, &r->accepted0) == 0)
        read_counter(r, NQ_KEY_STATS_SCORED, &r->scored0);
    if (r->error[0])
        fprintf(stderr, "nq-bench: warning: scoring progress not measured: %s\n", r->error);
}

/* One catch-up poll: done when scored reaches accepted or the wait is over. */
static void on_poll(uv_timer_t *t)
{
    bench_t *b = t->data;
    counters_t *r = &b->redis;
    uint64_t now = uv_hrtime();
    if (read_counter(r, NQ_KEY_STATS_SCORED, &r->scored2) != 0) {
        finish(b);
        return;
    }
    if (r->scored2 >= r->accepted1) {
        r->caught_up = true;
        r->caught_ns = now;
    }
    if (r->caught_up || since_s(b->t_load_end_ns, now) >= (double)b->o.scored_wait_s)
        finish(b);
}

/* The load is over: read accepted, then poll scored until it catches up. */
static void start_catch_up(bench_t *b)
{
    counters_t *r = &b->redis;
    if (b->mode == MODE_READ || read_counter(r, NQ_KEY_STATS_ACCEPTED, &r->accepted1) != 0 ||
        read_counter(r, NQ_KEY_STATS_SCORED, &r->scored1) != 0) {
        finish(b);
        return;
    }
    r->scored2 = r->scored1;
    if (r->scored1 >= r->accepted1) {
        r->caught_up = true;
        r->caught_ns = uv_hrtime();
        finish(b);
        return;
    }
    uv_timer_start(&b->poll, on_poll, SCORED_POLL_MS, SCORED_POLL_MS);
}

/* ---- pacing ------------------------------------------------------------------------- */

static void on_pace(uv_timer_t *t)
{
    conn_t *c = t->data;
    c->due_ns = 0; /* due now: the timer's rounding to whole ms is ours, not the server's */
    if (!c->b->stopping && !c->busy)
        send_request(c);
}

/* Send the next request now (flat out, or --rate and behind schedule) or
 * when it is due; `advance` moves the schedule on by one request (after an
 * answer; not after a reconnect). */
static void schedule_next(conn_t *c, uint64_t now, bool advance)
{
    bench_t *b = c->b;
    c->due_ns = 0;
    if (b->o.rate == 0) {
        send_request(c);
        return;
    }
    if (advance)
        c->next_ns += (uint64_t)(1e9 * (double)(b->o.batch * b->o.connections) / (double)b->o.rate);
    else if (c->next_ns < now)
        c->next_ns = now; /* (re)connected late: the schedule starts again now */
    if (c->next_ns <= now) {
        c->due_ns = c->next_ns; /* late: behind the previous answer */
        send_request(c);
    } else
        uv_timer_start(&c->pace, on_pace, (c->next_ns - now + NS_PER_MS - 1) / NS_PER_MS, 0);
}

/* ---- answers ------------------------------------------------------------------------ */

/* Forget the answer held, ready for the next one. */
static void reset_answer(conn_t *c)
{
    c->in_len = 0;
    c->have_head = false;
    c->head_len = 0;
    c->body_len = 0;
}

/* Count a complete answer of the load. */
static void count_answer(conn_t *c, const char *body, size_t len, uint64_t now)
{
    bench_t *b = c->b;
    int status = c->resp.status;
    bench_counts_t counts;
    bench_hist_record(&b->hist, (now - c->sent_ns) / 1000);
    bench_hist_record(&b->hist_due, (now - c->due_ns) / 1000);
    b->t_last_ack_ns = now;
    b->answers++;
    b->answer_bytes += len;
    b->by_status[status > 0 && status < MAX_STATUS ? status : 0]++;
    if (status >= 200 && status < 300)
        b->ok_answers++;
    if (b->mode == MODE_READ)
        return;
    if (bench_answer_counts(body, len, &counts) == 0) {
        b->totals.accepted += counts.accepted;
        b->totals.duplicate += counts.duplicate;
        b->totals.conflict += counts.conflict;
        b->totals.rejected += counts.rejected;
    } else {
        b->uncounted++;
    }
}

/* A complete answer: body is `len` bytes at `body`. */
static void on_answer(conn_t *c, const char *body, size_t len)
{
    bench_t *b = c->b;
    uint64_t now = uv_hrtime();
    c->busy = false;
    if (c->role == ROLE_LOAD)
        count_answer(c, body, len, now);
    else
        probe_answer(c, body, len, now);
    bool keep = c->resp.keep_alive && c->framing != FRAME_CLOSE;
    reset_answer(c);
    if (!keep) {
        conn_close(c, true); /* the server ends the connection: not an error */
        return;
    }
    if (b->stopping)
        check_load_done(b);
    else if (c->role == ROLE_LOAD)
        schedule_next(c, now, true);
    else
        probe_kick(b);
}

/* The answer is not HTTP as nq/httpc.h understands it: count and reconnect. */
static void protocol_error(conn_t *c, const char *why)
{
    transport_error(c->b, "the answer is not valid HTTP/1.1: %s", why);
    conn_close(c, true);
}

/* What the head says about where the body ends. */
static void set_framing(conn_t *c)
{
    if (c->resp.chunked) {
        c->framing = FRAME_CHUNKED;
        nq_httpc_chunked_init(&c->chunked);
    } else if (c->resp.content_length >= 0) {
        c->framing = FRAME_LENGTH;
    } else if (c->resp.status == 204 || c->resp.status == 304) {
        c->framing = FRAME_LENGTH;
        c->resp.content_length = 0;
    } else {
        c->framing = FRAME_CLOSE; /* the body ends when the server closes */
    }
}

/* Consume the bytes in `in`: parse the head (skipping 1xx interim answers),
 * then complete the answer once its body is all there. */
static void process_input(conn_t *c)
{
    if (!c->busy) {
        protocol_error(c, "bytes arrived while no request was out");
        return;
    }
    while (!c->have_head) {
        int n = nq_httpc_parse_head(c->in, c->in_len, &c->resp);
        if (n == 0)
            return;
        if (n < 0) {
            protocol_error(c, nq_httpc_strerror(n));
            return;
        }
        if (c->resp.status < 200) {
            memmove(c->in, c->in + n, c->in_len - (size_t)n);
            c->in_len -= (size_t)n;
            continue;
        }
        c->have_head = true;
        c->head_len = (size_t)n;
        set_framing(c);
    }
    size_t have = c->in_len - c->head_len;
    if (c->framing == FRAME_LENGTH) {
        if (have < (uint64_t)c->resp.content_length)
            return;
        if (have > (uint64_t)c->resp.content_length)
            protocol_error(c, "more bytes than Content-Length (no request was pipelined)");
        else
            on_answer(c, c->in + c->head_len, have);
    } else if (c->framing == FRAME_CHUNKED) {
        /* Decoded payload stays packed after the head; undecoded bytes follow it. */
        char *raw = c->in + c->head_len + c->body_len;
        size_t raw_len = have - c->body_len, out, used;
        int r = nq_httpc_chunked_decode(&c->chunked, raw, raw_len, &out, &used);
        if (r < 0) {
            protocol_error(c, "malformed chunked body");
            return;
        }
        memmove(raw + out, raw + used, raw_len - used);
        c->body_len += out;
        c->in_len = c->head_len + c->body_len + (raw_len - used);
        if (r == 1 && raw_len > used)
            protocol_error(c, "bytes after the last chunk (no request was pipelined)");
        else if (r == 1)
            on_answer(c, c->in + c->head_len, c->body_len);
    }
}

/* ---- connections ----------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn_t *c = h->data;
    if (c->in_cap - c->in_len < READ_CHUNK && c->in_len < MAX_ANSWER) {
        size_t cap = c->in_cap ? c->in_cap * 2 : 2 * READ_CHUNK;
        while (cap - c->in_len < READ_CHUNK)
            cap *= 2;
        char *grown = realloc(c->in, cap);
        if (grown) {
            c->in = grown;
            c->in_cap = cap;
        }
    }
    /* No room (answer too big, or no memory): libuv reports UV_ENOBUFS to on_read. */
    *buf = uv_buf_init(c->in + c->in_len,
                       c->in_len < MAX_ANSWER ? (unsigned)(c->in_cap - c->in_len) : 0);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = s->data;
    if (nread > 0) {
        c->in_len += (size_t)nread;
        process_input(c);
        return;
    }
    if (nread == 0)
        return;
    if (c->busy && c->have_head && c->framing == FRAME_CLOSE && nread == UV_EOF) {
        on_answer(c, c->in + c->head_len, c->in_len - c->head_len);
        return;
    }
    if (c->busy)
        transport_error(c->b, "the connection ended before the answer was complete: %s",
                        uv_strerror((int)nread));
    conn_close(c, true); /* an idle keep-alive connection closed by the server: reopen */
}

static void on_write(uv_write_t *w, int status)
{
    conn_t *c = w->data;
    if (status == 0 || status == UV_ECANCELED)
        return;
    transport_error(c->b, "sending a request: %s", uv_strerror(status));
    conn_close(c, true);
}

/* The head of a request for `method` `path` (after the --url prefix) into
 * c->head; with a body of body_len >= 0 bytes, a JSON Content-Type and its
 * Content-Length. Returns the head's length, or -1 when it does not fit. */
static int format_head(conn_t *c, const char *method, const char *path, int body_len)
{
    const bench_t *b = c->b;
    bool v6 = strchr(b->url.host, ':') != NULL;
    int n = snprintf(c->head, sizeof(c->head), "%s %s%s HTTP/1.1\r\nHost: %s%s%s:%d\r\n", method,
                     b->url.prefix, path, v6 ? "[" : "", b->url.host, v6 ? "]" : "", b->url.port);
    if (n < 0 || (size_t)n >= sizeof(c->head))
        return -1;
    size_t room = sizeof(c->head) - (size_t)n;
    int m = body_len >= 0
                ? snprintf(c->head + n, room,
                           "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", body_len)
                : snprintf(c->head + n, room, "\r\n");
    return m < 0 || (size_t)m >= room ? -1 : n + m;
}

/* Write a request of n buffers on c, which must be connected and idle.
 * Returns 0, or -1 after counting the error and closing c (to reconnect). */
static int write_request(conn_t *c, uv_buf_t *bufs, unsigned n)
{
    reset_answer(c);
    c->write.data = c;
    c->sent_ns = uv_hrtime();
    if (c->due_ns == 0 || c->due_ns > c->sent_ns)
        c->due_ns = c->sent_ns;
    /* At once when the socket takes it all (a queued write costs the load
     * generator an epoll_ctl per request when it completes); the rest, if
     * any, queued. bufs is the caller's array: it may be advanced. */
    int rc = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
    size_t sent = rc > 0 ? (size_t)rc : 0;
    for (; n > 0 && sent >= bufs->len; n--, bufs++)
        sent -= bufs->len;
    if (n > 0) {
        bufs->base += sent;
        bufs->len -= sent;
    }
    rc = n == 0 ? 0 : uv_write(&c->write, (uv_stream_t *)&c->tcp, bufs, n, on_write);
    if (rc != 0) {
        transport_error(c->b, "sending a request: %s", uv_strerror(rc));
        conn_close(c, true);
        return -1;
    }
    c->busy = true;
    return 0;
}

/* The next batch of generated events (--mode write, freshness). */
static void send_events(conn_t *c)
{
    bench_t *b = c->b;
    size_t n = (size_t)b->o.batch;
    int len = bench_batch_write(&b->gen, c->body, c->body_cap, n, false, b->next_seq, nq_now_ms());
    int head_len = len < 0 ? -1 : format_head(c, "POST", ACTIVITY_PATH, len);
    if (head_len < 0) {
        abort_run(b, "a generated request did not fit its buffer (a bug in nq-bench)");
        return;
    }
    b->next_seq += n;
    uv_buf_t bufs[2] = {uv_buf_init(c->head, (unsigned)head_len),
                        uv_buf_init(c->body, (unsigned)len)};
    if (write_request(c, bufs, 2) != 0)
        return;
    c->events = n;
    b->requests++;
    b->events_sent += n;
}

/* The next GET of the --path template (--mode read). */
static void send_read(conn_t *c)
{
    bench_t *b = c->b;
    char path[BENCH_PATH_MAX + 1];
    uint32_t sp = (uint32_t)(b->read_seq % (uint64_t)b->o.salespeople) + 1;
    int head_len = bench_path_expand(b->o.path, path, sizeof(path), sp, b->o.team) < 0
                       ? -1
                       : format_head(c, "GET", path, -1);
    if (head_len < 0) {
        abort_run(b, "a read request did not fit its buffer (a bug in nq-bench)");
        return;
    }
    uv_buf_t buf = uv_buf_init(c->head, (unsigned)head_len);
    if (write_request(c, &buf, 1) != 0)
        return;
    b->read_seq++;
    c->events = 0;
    b->requests++;
}

static void send_request(conn_t *c)
{
    if (c->b->mode == MODE_READ)
        send_read(c);
    else
        send_events(c);
}

static void on_connect(uv_connect_t *req, int status)
{
    conn_t *c = req->handle->data;
    bench_t *b = c->b;
    if (status == UV_ECANCELED)
        return;
    if (status < 0) {
        char why[300];
        snprintf(why, sizeof(why), "cannot connect to %s: %s (is the gateway running?)", b->o.url,
                 uv_strerror(status));
        transport_error(b, "%s", why);
        conn_close(c, false);
        abort_run(b, why);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (rc != 0) {
        transport_error(b, "reading from %s: %s", b->o.url, uv_strerror(rc));
        conn_close(c, true);
    } else if (b->stopping) {
        conn_close(c, false);
    } else if (c->role == ROLE_LOAD) {
        c->connected = true;
        schedule_next(c, uv_hrtime(), false);
    } else {
        c->connected = true;
        probe_kick(b);
    }
}

static void conn_open(conn_t *c)
{
    bench_t *b = c->b;
    if (b->finished || b->stopping)
        return;
    uv_tcp_init(b->loop, &c->tcp);
    c->tcp.data = c;
    c->tcp_open = true;
    c->reopen = false;
    reset_answer(c);
    int rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&b->addr, on_connect);
    if (rc != 0) {
        char why[300];
        snprintf(why, sizeof(why), "cannot connect to %s: %s", b->o.url, uv_strerror(rc));
        transport_error(b, "%s", why);
        conn_close(c, false);
        abort_run(b, why);
    }
}

static void on_tcp_closed(uv_handle_t *h)
{
    conn_t *c = h->data;
    c->tcp_open = false;
    if (c->reopen)
        conn_open(c); /* does nothing once the load is over */
    check_load_done(c->b);
}

/* Close the connection (any answer still out is given up: count it first);
 * with `reopen`, connect again afterwards while the load goes on. */
static void conn_close(conn_t *c, bool reopen)
{
    c->busy = false;
    c->connected = false;
    uv_timer_stop(&c->pace);
    if (!c->tcp_open || uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    c->reopen = reopen;
    uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
}

/* ---- freshness probe -------------------------------------------------------------------
 * One marker at a time: post marker k (an order of --probe-sp), and once it
 * is acknowledged poll GET .../{probe-sp}/kpis?period=day every
 * --probe-poll-ms until "orders" reaches base + markers acknowledged; the
 * latency is from the ack to the end of the first answer that shows it (an
 * upper bound: the marker became visible at most one poll interval plus one
 * read earlier). The next marker goes --probe-every-ms after the previous
 * one was posted, or as soon as it showed if that took longer. A marker that
 * is not acknowledged (503, lost connection) is posted again with the same
 * event_id, so the order count stays exact whatever happened to the answer. */

/* Whether c can take a request now. */
static bool conn_ready(const conn_t *c)
{
    return c->connected && !c->busy;
}

static void on_probe_timer(uv_timer_t *t)
{
    probe_kick(t->data);
}

/* Run the probe's timer to fire at `due` (ns). */
static void probe_arm(probe_t *p, uint64_t due, uint64_t now)
{
    uv_timer_start(&p->timer, on_probe_timer, (due - now + NS_PER_MS - 1) / NS_PER_MS, 0);
}

static void probe_send_marker(bench_t *b)
{
    probe_t *p = &b->probe;
    conn_t *c = p->post;
    int len =
        bench_probe_write(c->body, c->body_cap, b->gen.run_id, b->o.probe_sp, p->k, p->occurred_ms);
    int head_len = len < 0 ? -1 : format_head(c, "POST", ACTIVITY_PATH, len);
    if (head_len < 0) {
        abort_run(b, "a probe marker did not fit its buffer (a bug in nq-bench)");
        return;
    }
    uv_buf_t bufs[2] = {uv_buf_init(c->head, (unsigned)head_len),
                        uv_buf_init(c->body, (unsigned)len)};
    c->due_ns = 0;
    if (write_request(c, bufs, 2) == 0)
        p->posts++;
}

static void probe_send_poll(bench_t *b)
{
    probe_t *p = &b->probe;
    conn_t *c = p->poll;
    int head_len = format_head(c, "GET", p->path, -1);
    if (head_len < 0) {
        abort_run(b, "a probe read did not fit its buffer (a bug in nq-bench)");
        return;
    }
    uv_buf_t buf = uv_buf_init(c->head, (unsigned)head_len);
    c->due_ns = 0;
    if (write_request(c, &buf, 1) == 0) {
        p->polls++;
        p->poll_due_ns = c->sent_ns + (uint64_t)b->o.probe_poll_ms * NS_PER_MS;
    }
}

/* Do what the probe's state asks for now, or arm the timer for when it is due.
 * Called by the timer, when a probe connection (re)connects, and after each
 * probe answer. */
static void probe_kick(bench_t *b)
{
    probe_t *p = &b->probe;
    uint64_t now = uv_hrtime();
    if (b->stopping || b->finished || p->state == PROBE_OFF)
        return;
    switch (p->state) {
    case PROBE_IDLE:
        if (now < p->due_ns) {
            probe_arm(p, p->due_ns, now);
            return;
        }
        p->state = PROBE_POSTING;
        p->due_ns = now + (uint64_t)b->o.probe_every_ms * NS_PER_MS;
        /* fall through */
    case PROBE_POSTING:
        if (conn_ready(p->post))
            probe_send_marker(b);
        return;
    case PROBE_BASE:
    case PROBE_POLLING:
        if (!conn_ready(p->poll))
            return;
        if (now < p->poll_due_ns)
            probe_arm(p, p->poll_due_ns, now);
        else
            probe_send_poll(b);
        return;
    case PROBE_OFF:
        return;
    }
}

/* "kpis"."orders" of a KPI answer, or -1. */
static int64_t answer_orders(const char *body, size_t len)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *orders = json_object_get(json_object_get(root, "kpis"), "orders");
    int64_t n = json_is_integer(orders) ? (int64_t)json_integer_value(orders) : -1;
    json_decref(root);
    return n;
}

/* A probe answer: move the state on (probe_kick sends what comes next). */
static void probe_answer(conn_t *c, const char *body, size_t len, uint64_t now)
{
    bench_t *b = c->b;
    probe_t *p = &b->probe;
    bool ok = c->resp.status >= 200 && c->resp.status < 300;
    if (c == p->post) {
        bench_counts_t n;
        if (p->state != PROBE_POSTING)
            return;
        if (ok && bench_answer_counts(body, len, &n) == 0 && n.accepted + n.duplicate == 1) {
            p->acked++;
            p->ack_ns = now;
            p->poll_due_ns = now; /* the first read right away */
            p->state = PROBE_POLLING;
        } else {
            p->post_failed++; /* posted again, same event_id, when the next one is due */
            p->state = PROBE_IDLE;
        }
        return;
    }
    bench_hist_record(&p->poll_hist, (now - c->sent_ns) / 1000);
    int64_t orders = ok ? answer_orders(body, len) : -1;
    if (orders < 0) {
        p->poll_failed++;
    } else if (p->state == PROBE_BASE) {
        p->base = orders;
        p->due_ns = now;
        p->state = PROBE_IDLE;
    } else if (p->state == PROBE_POLLING && orders >= p->base + p->acked) {
        bench_hist_record(&p->hist, (now - p->ack_ns) / 1000);
        p->visible++;
        p->k++;
        p->state = PROBE_IDLE;
    }
    if (p->state == PROBE_POLLING && now - p->ack_ns > (uint64_t)b->o.probe_wait_ms * NS_PER_MS) {
        p->late++; /* counted in base + acked all the same once it shows */
        p->k++;
        p->state = PROBE_IDLE;
    }
}

/* Start the probe: the first read learns the order count before any marker. */
static void probe_start(bench_t *b)
{
    probe_t *p = &b->probe;
    p->occurred_ms = nq_now_ms();
    snprintf(p->path, sizeof(p->path), "/api/v1/salespeople/%s/kpis?period=day&at=%lld",
             b->o.probe_sp, (long long)p->occurred_ms);
    p->state = PROBE_BASE;
    p->poll_due_ns = 0;
}

/* ---- phases ---------------------------------------------------------------------------- */

/* Once the load is stopped and no answer is out: start the catch-up. */
static void check_load_done(bench_t *b)
{
    if (!b->stopping || b->load_done || b->finished)
        return;
    for (size_t i = 0; i < b->n_conns; i++) {
        if (b->conns[i].busy)
            return;
    }
    b->load_done = true;
    b->t_load_end_ns = uv_hrtime();
    b->self_cpu_s[1] = self_cpu_s();
    sample_cpu(b, 1);
    for (size_t i = 0; i < b->n_conns; i++)
        conn_close(&b->conns[i], false);
    start_catch_up(b);
}

/* Stop sending; answers still out are awaited (bounded by --timeout-ms). */
static void stop_load(bench_t *b)
{
    b->stopping = true;
    for (size_t i = 0; i < b->n_conns; i++)
        uv_timer_stop(&b->conns[i].pace);
    b->probe.state = PROBE_OFF; /* a marker still out is not waited for */
    uv_timer_stop(&b->probe.timer);
    check_load_done(b);
}

static void on_stop_timer(uv_timer_t *t)
{
    stop_load(t->data);
}

/* The first Ctrl-C ends the load early (the report follows); the second aborts. */
static void on_sigint(uv_signal_t *s, int signum)
{
    bench_t *b = s->data;
    if (b->stopping)
        abort_run(b, "interrupted");
    else
        stop_load(b);
}

/* Every CRON_MS: sample RSS, give up on answers that take too long. */
static void on_cron(uv_timer_t *t)
{
    bench_t *b = t->data;
    uint64_t now = uv_hrtime();
    sample_rss(b);
    for (size_t i = 0; i < b->n_conns && !b->load_done; i++) {
        conn_t *c = &b->conns[i];
        if (c->busy && now - c->sent_ns > (uint64_t)b->o.timeout_ms * NS_PER_MS) {
            transport_error(b, "no answer within %lld ms", (long long)b->o.timeout_ms);
            conn_close(c, true);
        }
    }
    check_load_done(b);
}

static void close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* Take the last samples and close every handle, so uv_run returns. */
static void finish(bench_t *b)
{
    if (b->finished)
        return;
    b->finished = true;
    b->t_end_ns = uv_hrtime();
    if (!b->load_done) {
        b->t_load_end_ns = b->t_end_ns;
        b->self_cpu_s[1] = self_cpu_s();
        sample_cpu(b, 1);
    }
    sample_rss(b);
    sample_cpu(b, 2);
    for (size_t i = 0; i < b->n_conns; i++) {
        conn_close(&b->conns[i], false);
        close_handle((uv_handle_t *)&b->conns[i].pace);
    }
    close_handle((uv_handle_t *)&b->probe.timer);
    close_handle((uv_handle_t *)&b->stop_timer);
    close_handle((uv_handle_t *)&b->cron);
    close_handle((uv_handle_t *)&b->poll);
    close_handle((uv_handle_t *)&b->sigint);
}

/* ---- report ------------------------------------------------------------------------------ */

/* Percentiles of one histogram, in ms. */
typedef struct lat {
    double ms[5];   /* p50, p99, p99.9, max, mean */
    uint64_t count; /* values recorded */
} lat_t;

/* The figures both report formats print. */
typedef struct summary {
    double load_s;          /* first request to the last answer */
    double accepted_per_s;  /* events accepted / load_s */
    double answers_per_s;   /* answers / load_s (--mode read) */
    double ok_per_s;        /* 2xx answers / load_s (--mode read) */
    lat_t ack;              /* per request, from writing it to the end of its answer */
    lat_t due;              /* per request, from when it was due (--rate) */
    lat_t fresh;            /* probe: ack -> visible */
    lat_t poll;             /* probe: one KPI read */
    bool scored;            /* the counters were read */
    int64_t accepted_delta; /* nq:stats:accepted over the load */
    int64_t scored_delta;   /* nq:stats:scored from before the load to the end of the catch-up */
    int64_t backlog;        /* accepted - scored when the load ended */
    double lag_s;           /* last ack to scored catching up (when caught_up) */
    double scored_per_s;    /* scored_delta / (start .. caught up, or end of the wait) */
    double bench_cpu_pct;   /* nq-bench's own CPU during the load, % of one core */
} summary_t;

static void lat_of(const bench_hist_t *h, lat_t *out)
{
    static const double qs[] = {50.0, 99.0, 99.9, 100.0};
    for (size_t i = 0; i < 4; i++)
        out->ms[i] = (double)bench_hist_percentile(h, qs[i]) / 1000.0;
    out->ms[4] = h->count ? (double)(h->sum / h->count) / 1000.0 : 0;
    out->count = h->count;
}

static void summarize(const bench_t *b, summary_t *s)
{
    const counters_t *r = &b->redis;
    memset(s, 0, sizeof(*s));
    s->load_s = since_s(b->t_start_ns, b->answers ? b->t_last_ack_ns : b->t_load_end_ns);
    s->accepted_per_s = s->load_s > 0 ? (double)b->totals.accepted / s->load_s : 0;
    s->answers_per_s = s->load_s > 0 ? (double)b->answers / s->load_s : 0;
    s->ok_per_s = s->load_s > 0 ? (double)b->ok_answers / s->load_s : 0;
    lat_of(&b->hist, &s->ack);
    lat_of(&b->hist_due, &s->due);
    lat_of(&b->probe.hist, &s->fresh);
    lat_of(&b->probe.poll_hist, &s->poll);
    s->scored = r->error[0] == '\0' && b->load_done;
    s->accepted_delta = r->accepted1 - r->accepted0;
    s->scored_delta = r->scored2 - r->scored0;
    s->backlog = r->accepted1 - r->scored1;
    s->lag_s = r->caught_up ? since_s(b->t_last_ack_ns, r->caught_ns) : 0;
    double scored_s = since_s(b->t_start_ns, r->caught_up ? r->caught_ns : b->t_end_ns);
    s->scored_per_s = scored_s > 0 ? (double)s->scored_delta / scored_s : 0;
    double load_wall = since_s(b->t_start_ns, b->t_load_end_ns);
    s->bench_cpu_pct =
        load_wall > 0 ? 100.0 * (b->self_cpu_s[1] - b->self_cpu_s[0]) / load_wall : 0;
}

/* CPU of p between samples `from` and `to` as % of one core; -1 if unknown. */
static double proc_cpu_pct(const bench_t *b, const proc_t *p, int from, int to)
{
    static long hz;
    uint64_t t[3] = {b->t_start_ns, b->t_load_end_ns, b->t_end_ns};
    double wall = since_s(t[from], t[to]);
    if (!hz)
        hz = sysconf(_SC_CLK_TCK);
    if (p->ticks[from] < 0 || p->ticks[to] < 0 || wall < 0.05 || hz <= 0)
        return -1;
    return 100.0 * (double)(p->ticks[to] - p->ticks[from]) / (double)hz / wall;
}

static const char *rate_text(const bench_t *b, char *buf, size_t len)
{
    if (b->o.rate == 0)
        return "flat out";
    snprintf(buf, len, "%lld %s/s", (long long)b->o.rate,
             b->mode == MODE_READ ? "reads" : "events");
    return buf;
}

static void print_lat(const char *label, const lat_t *l, const char *what)
{
    printf("%-13s p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, mean %.3f ms (%llu %s)\n",
           label, l->ms[0], l->ms[1], l->ms[2], l->ms[3], l->ms[4], (unsigned long long)l->count,
           what);
}

static void print_seed_text(const seed_report_t *sd)
{
    if (!sd->ran)
        return;
    printf("setup         %lld PUTs (team, salespeople, targets of %s) in %.2f s; %lld events "
           "posted, %lld accepted in %.2f s (%lld 503s retried); scoring %s after %.2f s\n",
           (long long)sd->puts, sd->month, sd->put_s, (long long)sd->events_posted,
           (long long)sd->accepted, sd->post_s, (long long)sd->retries,
           sd->caught_up ? "caught up" : "NOT caught up", sd->scored_wait_s);
    if (sd->error[0])
        printf("setup FAILED  %s\n", sd->error);
}

static void print_events_text(const bench_t *b, const summary_t *s)
{
    const counters_t *r = &b->redis;
    printf("events        %lld accepted, %lld duplicate, %lld conflict, %lld rejected"
           " (%llu answers without counts)\n",
           (long long)b->totals.accepted, (long long)b->totals.duplicate,
           (long long)b->totals.conflict, (long long)b->totals.rejected,
           (unsigned long long)b->uncounted);
    printf("accepted      %.0f events/s\n", s->accepted_per_s);
    print_lat("ack latency", &s->ack, "requests");
    if (b->o.rate)
        print_lat("from due", &s->due, "requests");
    if (!s->scored) {
        printf("scored        not measured: %s\n", r->error[0] ? r->error : "the load did not end");
    } else {
        printf("scored        %lld of %lld accepted (nq:stats deltas), %.0f events/s; backlog "
               "when the load ended: %lld events\n",
               (long long)s->scored_delta, (long long)s->accepted_delta, s->scored_per_s,
               (long long)s->backlog);
        if (r->caught_up)
            printf("scoring lag   %.3f s (scored caught up with accepted after the last ack)\n",
                   s->lag_s);
        else
            printf("scoring lag   NOT caught up %lld s after the load: %lld events behind\n",
                   (long long)b->o.scored_wait_s, (long long)(r->accepted1 - r->scored2));
    }
}

static void print_reads_text(const bench_t *b, const summary_t *s)
{
    const read_sample_t *sm = &b->sample;
    if (sm->taken) {
        printf("sample        GET %s -> %d, %zu bytes", sm->path, sm->status, sm->bytes);
        const char *key;
        json_t *v;
        json_object_foreach (sm->arrays, key, v) {
            printf(", %s: %lld", key, (long long)json_integer_value(v));
        }
        printf("\n");
    }
    printf("reads         %.0f answers/s, %.0f of them 2xx; mean answer %.0f bytes\n",
           s->answers_per_s, s->ok_per_s,
           b->answers ? (double)b->answer_bytes / (double)b->answers : 0.0);
    print_lat("latency", &s->ack, "reads");
    if (b->o.rate)
        print_lat("from due", &s->due, "reads");
}

static void print_probe_text(const bench_t *b, const summary_t *s)
{
    const probe_t *p = &b->probe;
    printf("probe         %llu markers visible, %llu late (> %lld ms), %llu posts not acknowledged,"
           " %llu reads unreadable; %llu posts, %llu KPI reads\n",
           (unsigned long long)p->visible, (unsigned long long)p->late,
           (long long)b->o.probe_wait_ms, (unsigned long long)p->post_failed,
           (unsigned long long)p->poll_failed, (unsigned long long)p->posts,
           (unsigned long long)p->polls);
    print_lat("freshness", &s->fresh, "markers, ack -> visible");
    print_lat("probe read", &s->poll, "KPI reads");
}

static void print_procs_text(const bench_t *b)
{
    if (b->n_procs == 0)
        return;
    printf("%-16s %8s %14s %11s %10s %13s\n", "process", "pid", "peak RSS MiB", "VmHWM MiB",
           "cpu load", "cpu catch-up");
    for (size_t i = 0; i < b->n_procs; i++) {
        const proc_t *p = &b->procs[i];
        char cpu[2][16];
        for (int k = 0; k < 2; k++) {
            double pct = proc_cpu_pct(b, p, k, k + 1);
            if (pct < 0)
                snprintf(cpu[k], sizeof(cpu[k]), "-");
            else
                snprintf(cpu[k], sizeof(cpu[k]), "%.0f%%", pct);
        }
        printf("%-16s %8d %14.1f %11.1f %10s %13s%s\n", p->name, p->pid,
               (double)p->peak_rss_kb / 1024.0, (double)p->hwm_kb / 1024.0, cpu[0], cpu[1],
               p->gone ? "  (exited)" : "");
    }
}

static void print_text(const bench_t *b, const summary_t *s)
{
    char rate[48];
    if (b->mode == MODE_SEED) {
        printf("nq-bench: seed of team %s (%lld salespeople, %lld events) against %s (run id %s)\n",
               b->o.team, (long long)b->o.salespeople, (long long)b->o.seed_events, b->o.url,
               b->gen.run_id);
        print_seed_text(&b->seed);
        return;
    }
    char batch[32] = "";
    if (b->mode != MODE_READ)
        snprintf(batch, sizeof(batch), ", batch %lld", (long long)b->o.batch);
    printf("nq-bench: %s, %lld connections%s, %s, %lld s against %s (run id %s)\n",
           mode_names[b->mode], (long long)b->o.connections, batch,
           rate_text(b, rate, sizeof(rate)), (long long)b->o.duration_s, b->o.url, b->gen.run_id);
    print_seed_text(&b->seed);
    if (b->mode == MODE_READ)
        printf("path          %s\n", b->o.path);
    if (b->abort_reason[0])
        printf("ABORTED       %s\n", b->abort_reason);
    printf("load          %.2f s: %llu requests, %llu events sent, %llu transport errors%s%s\n",
           s->load_s, (unsigned long long)b->requests, (unsigned long long)b->events_sent,
           (unsigned long long)b->errors, b->errors ? " - first: " : "", b->first_error);
    printf("answers       ");
    const char *sep = "";
    for (int st = 0; st < MAX_STATUS; st++) {
        if (b->by_status[st]) {
            printf("%s%s%d: %llu", sep, st == 0 ? "other " : "", st,
                   (unsigned long long)b->by_status[st]);
            sep = ", ";
        }
    }
    printf("%s\n", *sep ? "" : "none");
    if (b->by_status[503])
        printf("              503 unavailable: %llu (counted, not retried)\n",
               (unsigned long long)b->by_status[503]);
    if (b->mode == MODE_READ)
        print_reads_text(b, s);
    else
        print_events_text(b, s);
    if (b->mode == MODE_FRESHNESS)
        print_probe_text(b, s);
    printf("nq-bench cpu  %.0f%% of one core during the load\n", s->bench_cpu_pct);
    print_procs_text(b);
}

static json_t *json_lat(const lat_t *l)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:I}", "p50", l->ms[0], "p99", l->ms[1], "p99_9",
                     l->ms[2], "max", l->ms[3], "mean", l->ms[4], "requests", (json_int_t)l->count);
}

static json_t *json_scored(const bench_t *b, const summary_t *s)
{
    const counters_t *r = &b->redis;
    if (!s->scored)
        return json_pack("{s:s}", "error", r->error[0] ? r->error : "the load did not end");
    return json_pack("{s:I, s:I, s:f, s:I, s:b, s:o, s:I}", "accepted_delta",
                     (json_int_t)s->accepted_delta, "scored_delta", (json_int_t)s->scored_delta,
                     "events_per_s", s->scored_per_s, "backlog_at_load_end", (json_int_t)s->backlog,
                     "caught_up", r->caught_up, "lag_s",
                     r->caught_up ? json_real(s->lag_s) : json_null(), "behind_at_end",
                     (json_int_t)(r->accepted1 - r->scored2));
}

/* A percentage, or null when unknown (negative). */
static json_t *json_pct(double pct)
{
    return pct < 0 ? json_null() : json_real(pct);
}

static json_t *json_procs(const bench_t *b)
{
    json_t *a = json_array();
    for (size_t i = 0; i < b->n_procs; i++) {
        const proc_t *p = &b->procs[i];
        json_array_append_new(a, json_pack("{s:s, s:i, s:f, s:f, s:o, s:o, s:b}", "name", p->name,
                                           "pid", p->pid, "peak_rss_mib",
                                           (double)p->peak_rss_kb / 1024.0, "vmhwm_mib",
                                           (double)p->hwm_kb / 1024.0, "cpu_load_pct",
                                           json_pct(proc_cpu_pct(b, p, 0, 1)), "cpu_catchup_pct",
                                           json_pct(proc_cpu_pct(b, p, 1, 2)), "exited", p->gone));
    }
    return a;
}

/* What the seed step did, or null when it did not run. */
static json_t *json_seed(const seed_report_t *sd)
{
    if (!sd->ran)
        return json_null();
    return json_pack("{s:o, s:s, s:I, s:f, s:I, s:I, s:I, s:f, s:b, s:f}", "error",
                     sd->error[0] ? json_string(sd->error) : json_null(), "month", sd->month,
                     "puts", (json_int_t)sd->puts, "put_s", sd->put_s, "events_posted",
                     (json_int_t)sd->events_posted, "events_accepted", (json_int_t)sd->accepted,
                     "retries_503", (json_int_t)sd->retries, "post_s", sd->post_s, "caught_up",
                     sd->caught_up, "scored_wait_s", sd->scored_wait_s);
}

static json_t *json_reads(const bench_t *b, const summary_t *s)
{
    const read_sample_t *sm = &b->sample;
    json_t *sample = sm->taken ? json_pack("{s:s, s:i, s:I, s:O}", "path", sm->path, "status",
                                           sm->status, "bytes", (json_int_t)sm->bytes, "arrays",
                                           sm->arrays ? sm->arrays : json_null())
                               : json_null();
    return json_pack("{s:s, s:f, s:f, s:f, s:o}", "path", b->o.path, "answers_per_s",
                     s->answers_per_s, "ok_per_s", s->ok_per_s, "mean_answer_bytes",
                     b->answers ? (double)b->answer_bytes / (double)b->answers : 0.0, "sample",
                     sample);
}

static json_t *json_probe(const bench_t *b, const summary_t *s)
{
    const probe_t *p = &b->probe;
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
                     "salesperson_id", b->o.probe_sp, "every_ms", (json_int_t)b->o.probe_every_ms,
                     "poll_ms", (json_int_t)b->o.probe_poll_ms, "wait_ms",
                     (json_int_t)b->o.probe_wait_ms, "visible", (json_int_t)p->visible, "late",
                     (json_int_t)p->late, "posts_not_acknowledged", (json_int_t)p->post_failed,
                     "reads_unreadable", (json_int_t)p->poll_failed, "posts", (json_int_t)p->posts,
                     "reads", (json_int_t)p->polls, "acknowledged", (json_int_t)p->acked,
                     "ack_to_visible_ms", json_lat(&s->fresh), "read_ms", json_lat(&s->poll));
}

static void print_json(const bench_t *b, const summary_t *s)
{
    json_t *report;
    if (b->mode == MODE_SEED) {
        report = json_pack(
            "{s:{s:s, s:s, s:s, s:I, s:I, s:s}, s:o}", "config", "mode", "seed", "url", b->o.url,
            "team", b->o.team, "salespeople", (json_int_t)b->o.salespeople, "seed_events",
            (json_int_t)b->o.seed_events, "run_id", b->gen.run_id, "setup", json_seed(&b->seed));
    } else {
        json_t *statuses = json_object();
        for (int st = 0; st < MAX_STATUS; st++) {
            char key[16] = "other";
            if (!b->by_status[st])
                continue;
            if (st)
                snprintf(key, sizeof(key), "%d", st);
            json_object_set_new(statuses, key, json_integer((json_int_t)b->by_status[st]));
        }
        report = json_pack(
            "{s:{s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s}, s:o, s:f, s:I, s:I, s:I, s:o, s:I, "
            "s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:o, s:o, s:o, s:f, s:o, s:o}",
            "config", "mode", mode_names[b->mode], "url", b->o.url, "connections",
            (json_int_t)b->o.connections, "batch", (json_int_t)b->o.batch, "rate",
            (json_int_t)b->o.rate, "duration_s", (json_int_t)b->o.duration_s, "spread", b->o.spread,
            "run_id", b->gen.run_id, "aborted",
            b->abort_reason[0] ? json_string(b->abort_reason) : json_null(), "load_s", s->load_s,
            "requests", (json_int_t)b->requests, "answers", (json_int_t)b->answers, "events_sent",
            (json_int_t)b->events_sent, "answers_by_status", statuses, "unavailable_503",
            (json_int_t)b->by_status[503], "events_accepted", (json_int_t)b->totals.accepted,
            "events_duplicate", (json_int_t)b->totals.duplicate, "events_conflict",
            (json_int_t)b->totals.conflict, "events_rejected", (json_int_t)b->totals.rejected,
            "answers_without_counts", (json_int_t)b->uncounted, "transport_errors",
            (json_int_t)b->errors, "accepted_per_s", s->accepted_per_s, "first_error",
            b->errors ? json_string(b->first_error) : json_null(), "latency_ms", json_lat(&s->ack),
            "latency_from_due_ms", b->o.rate ? json_lat(&s->due) : json_null(), "bench_cpu_pct",
            s->bench_cpu_pct, "scored", json_scored(b, s), "setup", json_seed(&b->seed));
        if (report && b->mode == MODE_READ)
            json_object_set_new(report, "reads", json_reads(b, s));
        if (report && b->mode == MODE_FRESHNESS)
            json_object_set_new(report, "probe", json_probe(b, s));
    }
    if (report) {
        json_object_set_new(report, "processes", json_procs(b));
        json_dumpf(report, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(report);
    } else {
        fprintf(stderr, "nq-bench: out of memory building the JSON report\n");
    }
}

/* ---- set-up --------------------------------------------------------------------------------- */

/* Check what the option table cannot, parse the URL, set up the generator.
 * Returns 0, or -1 with a reason in err. */
static int check_options(bench_t *b, char *err, size_t len)
{
    char run_id[BENCH_RUN_ID_MAX + 1], path[BENCH_PATH_MAX + 1];
    int64_t spread_ms = 0;
    size_t m = 0;
    while (m < sizeof(mode_names) / sizeof(mode_names[0]) && strcmp(mode_names[m], b->o.mode))
        m++;
    if (m == sizeof(mode_names) / sizeof(mode_names[0])) {
        snprintf(err, len, "--mode: must be write, read, seed or freshness, got '%s'", b->o.mode);
        return -1;
    }
    b->mode = (bench_mode_t)m;
    if (nq_httpc_parse_url(b->o.url, &b->url) != 0) {
        snprintf(err, len, "--url: '%s' is not http://host[:port][/prefix]", b->o.url);
        return -1;
    }
    if (nq_zone_set(b->o.zone) != 0) {
        snprintf(err, len, "--zone: unknown zone '%s'", b->o.zone);
        return -1;
    }
    if (strcmp(b->o.spread, "week") == 0 || strcmp(b->o.spread, "month") == 0) {
        nq_period_t p;
        nq_period_of(b->o.spread[0] == 'w' ? NQ_PERIOD_WEEK : NQ_PERIOD_MONTH, nq_now_ms(), &p);
        spread_ms = nq_now_ms() - p.start_ms;
    } else if (strcmp(b->o.spread, "now") != 0) {
        snprintf(err, len, "--spread: must be now, week or month, got '%s'", b->o.spread);
        return -1;
    }
    if (!nq_valid_id(b->o.team) || !nq_valid_id(b->o.probe_sp)) {
        snprintf(err, len, "--team, --probe-sp: must be 1-%d of A-Z a-z 0-9 _ . : -", NQ_ID_MAX);
        return -1;
    }
    if (b->mode == MODE_READ) {
        b->o.batch = 1;
        if (!b->o.rate_given)
            b->o.rate = 1000;
        /* The widest expansion: the largest salesperson number. */
        if (bench_path_expand(b->o.path, path, sizeof(path), (uint32_t)b->o.salespeople,
                              b->o.team) < 0) {
            snprintf(err, len,
                     "--path: '%s' must start with '/', use only {sp} and {team}, and expand to "
                     "at most %d bytes of URL",
                     b->o.path, BENCH_PATH_MAX);
            return -1;
        }
    }
    b->n_conns = (size_t)b->o.connections + (b->mode == MODE_FRESHNESS ? 2 : 0);
    if ((BENCH_EVENT_MAX * b->o.batch + 2) * b->o.connections > MAX_BODY_BUFFERS) {
        snprintf(err, len, "--batch %lld x --connections %lld needs more than 1 GiB of buffers",
                 (long long)b->o.batch, (long long)b->o.connections);
        return -1;
    }
    if (b->o.run_id)
        snprintf(run_id, sizeof(run_id), "%s", b->o.run_id);
    else
        snprintf(run_id, sizeof(run_id), "b%llx%04x", (unsigned long long)nq_now_ms(),
                 (unsigned)getpid() & 0xffffu);
    uint64_t seed = b->o.seed ? (uint64_t)b->o.seed : uv_hrtime() ^ ((uint64_t)getpid() << 32);
    if (bench_gen_init(&b->gen, run_id, seed, (uint32_t)b->o.salespeople, (uint32_t)b->o.customers,
                       spread_ms) != 0) {
        snprintf(err, len, "--run-id: must be 1-%d of A-Z a-z 0-9 _, got '%s'", BENCH_RUN_ID_MAX,
                 run_id);
        return -1;
    }
    return 0;
}

/* Resolve the gateway's host once, before the load. */
static int resolve(bench_t *b, char *err, size_t len)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    char port[16];
    snprintf(port, sizeof(port), "%d", b->url.port);
    int rc = getaddrinfo(b->url.host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, len, "cannot resolve %s: %s", b->url.host, gai_strerror(rc));
        return -1;
    }
    memcpy(&b->addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

/* ---- seed step (--mode seed, --setup) ----------------------------------------------------
 * Blocking HTTP (nq/httpc.h) before the loop runs:
 *   PUT /api/v1/teams/{team}             {"name":...} (first: a salesperson's team must exist)
 *   PUT /api/v1/salespeople/sp-0000i     {"name":...,"team_id":team} (a member from then on),
 *                                        and --probe-sp (no team)
 *   PUT /api/v1/targets/salespeople/sp-0000i/month/{this month}, and the team's (N times one)
 *   POST /api/v1/activities              --seed-events generated events, 1000 per request,
 *                                        spread from the start of this month to now
 * then waits (up to --scored-wait) for nq:stats:scored to reach nq:stats:accepted. */

/* A salesperson's monthly targets; the team's are --salespeople times these. */
#define SEED_TARGET_SALES_YUAN 600000
#define SEED_TARGET_ORDERS     80
#define SEED_TARGET_VISITS     150
#define SEED_TARGET_CALLS      150
#define SEED_RETRY_US          200000 /* wait before retrying a 503 */

/* One request of the seed step; 2xx expected. A 503 is retried after
 * SEED_RETRY_US, up to SEED_RETRIES times in a row. Returns 0 with the answer
 * in *out (the caller frees it), or -1 with seed.error set (*out freed). */
static int seed_request(bench_t *b, nq_httpc_t *h, const char *method, const char *path,
                        const char *body, size_t len, nq_httpc_response_t *out)
{
    seed_report_t *sd = &b->seed;
    for (int tries = 0;; tries++) {
        int rc = nq_httpc_request(h, method, path, "application/json", body, len, NULL, out);
        if (rc != 0) {
            snprintf(sd->error, sizeof(sd->error), "%s %s: %s", method, path,
                     nq_httpc_strerror(rc));
            return -1;
        }
        if (out->status >= 200 && out->status < 300)
            return 0;
        if (out->status != 503 || tries >= SEED_RETRIES) {
            snprintf(sd->error, sizeof(sd->error), "%s %s: %d %.200s", method, path, out->status,
                     out->body ? out->body : "");
            nq_httpc_response_free(out);
            return -1;
        }
        nq_httpc_response_free(out);
        sd->retries++;
        usleep(SEED_RETRY_US);
    }
}

/* PUT `body` (a reference is stolen; NULL = out of memory) at path. Returns 0 or -1. */
static int seed_put(bench_t *b, nq_httpc_t *h, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    nq_httpc_response_t r;
    json_decref(body);
    if (!text) {
        snprintf(b->seed.error, sizeof(b->seed.error), "out of memory");
        return -1;
    }
    int rc = seed_request(b, h, "PUT", path, text, strlen(text), &r);
    free(text);
    nq_httpc_response_free(&r);
    if (rc == 0)
        b->seed.puts++;
    return rc;
}

/* {"targets":{...}} for `times` salespeople. */
static json_t *seed_targets(int64_t times)
{
    char sales[32];
    snprintf(sales, sizeof(sales), "%lld.00", (long long)(SEED_TARGET_SALES_YUAN * times));
    return json_pack("{s:{s:s, s:I, s:I, s:I}}", "targets", "sales_amount", sales, "orders",
                     (json_int_t)(SEED_TARGET_ORDERS * times), "visits",
                     (json_int_t)(SEED_TARGET_VISITS * times), "calls",
                     (json_int_t)(SEED_TARGET_CALLS * times));
}

/* The team, its salespeople, the probe salesperson, and this month's targets. */
static int seed_org(bench_t *b, nq_httpc_t *h)
{
    char path[256], sp[16];
    uint32_t n = (uint32_t)b->o.salespeople;
    snprintf(path, sizeof(path), "/api/v1/teams/%s", b->o.team);
    if (seed_put(b, h, path, json_pack("{s:s}", "name", "nq-bench team")))
        return -1;
    for (uint32_t i = 1; i <= n; i++) {
        bench_sp_id(sp, sizeof(sp), i);
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", sp);
        if (seed_put(b, h, path,
                     json_pack("{s:s+, s:s}", "name", "nq-bench ", sp, "team_id", b->o.team)))
            return -1;
        snprintf(path, sizeof(path), "/api/v1/targets/salespeople/%s/month/%s", sp, b->seed.month);
        if (seed_put(b, h, path, seed_targets(1)))
            return -1;
    }
    snprintf(path, sizeof(path), "/api/v1/targets/teams/%s/month/%s", b->o.team, b->seed.month);
    if (seed_put(b, h, path, seed_targets(n)))
        return -1;
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s", b->o.probe_sp);
    return seed_put(b, h, path, json_pack("{s:s}", "name", "nq-bench freshness probe"));
}

/* --seed-events events of this month, SEED_BATCH per request. */
static int seed_events(bench_t *b, nq_httpc_t *h, const nq_period_t *month)
{
    seed_report_t *sd = &b->seed;
    bench_gen_t g;
    size_t cap = BENCH_EVENT_MAX * SEED_BATCH + 2;
    char *buf = malloc(cap);
    int64_t now = nq_now_ms();
    if (!buf || bench_gen_init(&g, b->gen.run_id, b->gen.rng * 31 + 7, (uint32_t)b->o.salespeople,
                               (uint32_t)b->o.customers, now - month->start_ms) != 0) {
        free(buf);
        snprintf(sd->error, sizeof(sd->error), "out of memory");
        return -1;
    }
    int rc = 0;
    for (int64_t done = 0; rc == 0 && done < b->o.seed_events;) {
        size_t n =
            (size_t)(b->o.seed_events - done < SEED_BATCH ? b->o.seed_events - done : SEED_BATCH);
        nq_httpc_response_t r;
        bench_counts_t counts;
        int len =
            bench_batch_write(&g, buf, cap, n, true, SEED_SEQ_BASE + (uint64_t)done, nq_now_ms());
        if (len < 0) {
            snprintf(sd->error, sizeof(sd->error), "a seed batch did not fit (a bug in nq-bench)");
            rc = -1;
        } else if ((rc = seed_request(b, h, "POST", ACTIVITY_PATH, buf, (size_t)len, &r)) == 0) {
            if (bench_answer_counts(r.body, r.len, &counts) == 0)
                sd->accepted += counts.accepted;
            sd->events_posted += (int64_t)n;
            done += (int64_t)n;
            nq_httpc_response_free(&r);
        }
    }
    free(buf);
    return rc;
}

/* Wait up to --scored-wait for the scorers to apply everything accepted. */
static void seed_wait_scored(bench_t *b)
{
    counters_t *r = &b->redis;
    uint64_t t0 = uv_hrtime();
    int64_t accepted, scored;
    if (read_counter(r, NQ_KEY_STATS_ACCEPTED, &accepted) == 0) {
        while (read_counter(r, NQ_KEY_STATS_SCORED, &scored) == 0) {
            if (scored >= accepted) {
                b->seed.caught_up = true;
                break;
            }
            if (since_s(t0, uv_hrtime()) >= (double)b->o.scored_wait_s)
                break;
            usleep(SCORED_POLL_MS * 1000);
        }
    }
    b->seed.scored_wait_s = since_s(t0, uv_hrtime());
}

/* The seed step. Returns 0, or -1 with seed.error set (what was stored stays). */
static int seed_run(bench_t *b)
{
    seed_report_t *sd = &b->seed;
    nq_period_t month;
    nq_httpc_t *h = nq_httpc_new(b->o.url);
    sd->ran = true;
    if (!h) {
        snprintf(sd->error, sizeof(sd->error), "out of memory");
        return -1;
    }
    nq_httpc_set_timeout(h, (int)b->o.timeout_ms);
    nq_period_of(NQ_PERIOD_MONTH, nq_now_ms(), &month);
    snprintf(sd->month, sizeof(sd->month), "%s", month.key);
    uint64_t t0 = uv_hrtime();
    int rc = seed_org(b, h);
    uint64_t t1 = uv_hrtime();
    sd->put_s = since_s(t0, t1);
    if (rc == 0)
        rc = seed_events(b, h, &month);
    sd->post_s = since_s(t1, uv_hrtime());
    nq_httpc_destroy(&h);
    if (rc == 0)
        seed_wait_scored(b);
    return rc;
}

/* One GET of the read path (salesperson 1) before the load: its status, size
 * and top-level arrays go into the report (is the leaderboard 200 long?). */
static void take_sample(bench_t *b)
{
    read_sample_t *sm = &b->sample;
    nq_httpc_response_t r = {0};
    nq_httpc_t *h = nq_httpc_new(b->o.url);
    if (!h || bench_path_expand(b->o.path, sm->path, sizeof(sm->path), 1, b->o.team) < 0) {
        nq_httpc_destroy(&h);
        return;
    }
    nq_httpc_set_timeout(h, (int)b->o.timeout_ms);
    sm->taken = true;
    sm->arrays = json_object();
    if (nq_httpc_request(h, "GET", sm->path, NULL, NULL, 0, NULL, &r) == 0) {
        json_t *root = json_loadb(r.body, r.len, 0, NULL), *v;
        const char *key;
        sm->status = r.status;
        sm->bytes = r.len;
        json_object_foreach (root, key, v) {
            if (json_is_array(v))
                json_object_set_new(sm->arrays, key, json_integer((json_int_t)json_array_size(v)));
        }
        json_decref(root);
    }
    nq_httpc_response_free(&r);
    nq_httpc_destroy(&h);
}

/* ---- connections' memory ------------------------------------------------------------------ */

/* Allocate the connections (the load's, then the probe's two) and their
 * buffers; every pace timer is initialised even when a buffer allocation
 * fails. Returns 0 or -1. */
static int make_conns(bench_t *b)
{
    size_t n = b->n_conns, load = (size_t)b->o.connections;
    int rc = 0;
    b->conns = calloc(n, sizeof(*b->conns));
    if (!b->conns)
        return -1;
    uint64_t interval =
        b->o.rate ? (uint64_t)(1e9 * (double)(b->o.batch * b->o.connections) / (double)b->o.rate)
                  : 0;
    for (size_t i = 0; i < n; i++) {
        conn_t *c = &b->conns[i];
        c->b = b;
        c->index = i;
        c->role = i < load ? ROLE_LOAD : i == load ? ROLE_PROBE_POST : ROLE_PROBE_POLL;
        uv_timer_init(b->loop, &c->pace);
        c->pace.data = c;
        /* Stagger the schedules so that paced connections do not send in step. */
        c->next_ns = b->t_start_ns + interval * (i < load ? i : 0) / load;
        c->body_cap = BENCH_EVENT_MAX * (c->role == ROLE_LOAD ? (size_t)b->o.batch : 1) + 2;
        c->body = rc == 0 ? malloc(c->body_cap) : NULL;
        if (!c->body)
            rc = -1;
    }
    if (b->mode == MODE_FRESHNESS) {
        b->probe.post = &b->conns[load];
        b->probe.poll = &b->conns[load + 1];
    }
    return rc;
}

static void free_conns(bench_t *b)
{
    for (size_t i = 0; b->conns && i < b->n_conns; i++) {
        free(b->conns[i].body);
        free(b->conns[i].in);
    }
    free(b->conns);
    b->conns = NULL;
}

/* The whole run on a private loop: load, drain, catch-up. Returns 0, or -1
 * when it could not start (out of memory; nothing was sent). */
static int run(bench_t *b)
{
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0)
        return -1;
    b->loop = &loop;
    b->t_start_ns = uv_hrtime();
    uv_timer_init(&loop, &b->stop_timer);
    uv_timer_init(&loop, &b->cron);
    uv_timer_init(&loop, &b->poll);
    uv_timer_init(&loop, &b->probe.timer);
    uv_signal_init(&loop, &b->sigint);
    b->stop_timer.data = b->cron.data = b->poll.data = b->probe.timer.data = b->sigint.data = b;
    int rc = make_conns(b);
    if (rc != 0) {
        if (!b->conns)
            b->n_conns = 0; /* no connection handles to close */
        finish(b);
    } else {
        b->self_cpu_s[0] = self_cpu_s();
        sample_rss(b);
        sample_cpu(b, 0);
        if (b->mode == MODE_FRESHNESS)
            probe_start(b);
        uv_signal_start(&b->sigint, on_sigint, SIGINT);
        uv_timer_start(&b->stop_timer, on_stop_timer, (uint64_t)b->o.duration_s * 1000, 0);
        uv_timer_start(&b->cron, on_cron, CRON_MS, CRON_MS);
        for (size_t i = 0; i < b->n_conns; i++)
            conn_open(&b->conns[i]);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    int closed = uv_loop_close(&loop);
    b->loop = NULL;
    free_conns(b);
    if (closed != 0)
        fprintf(stderr, "nq-bench: warning: the loop did not close cleanly: %s\n",
                uv_strerror(closed));
    return rc;
}

/* Release what main holds. */
static void cleanup(bench_t *b)
{
    if (b->redis.ctx)
        redisFree(b->redis.ctx);
    json_decref(b->sample.arrays);
    free(b->procs);
}

/* Print the report of --mode seed; exit 0, or 1 when the step failed. */
static int report_seed(bench_t *b)
{
    summary_t s;
    memset(&s, 0, sizeof(s));
    if (b->o.json)
        print_json(b, &s);
    else
        print_text(b, &s);
    if (b->seed.error[0])
        fprintf(stderr, "nq-bench: seed failed: %s\n", b->seed.error);
    else if (!b->seed.caught_up)
        fprintf(stderr,
                "nq-bench: warning: scoring did not catch up with the seed within %lld s"
                " (%s)\n",
                (long long)b->o.scored_wait_s, b->redis.error[0] ? b->redis.error : "still behind");
    cleanup(b);
    return b->seed.error[0] ? EXIT_ERRORS : EXIT_DONE;
}

int main(int argc, char **argv)
{
    static bench_t bench; /* large (histograms): not on the stack */
    bench_t *b = &bench;
    char err[512];
    signal(SIGPIPE, SIG_IGN);
    bench_hist_init(&b->hist);
    bench_hist_init(&b->hist_due);
    bench_hist_init(&b->probe.hist);
    bench_hist_init(&b->probe.poll_hist);
    if (parse_options(&b->o, argc, argv, err, sizeof(err)) != 0 ||
        (!b->o.help && check_options(b, err, sizeof(err)) != 0)) {
        fprintf(stderr, "nq-bench: %s\n", err);
        return EXIT_USAGE;
    }
    if (b->o.help) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (find_procs(b, err, sizeof(err)) != 0 || resolve(b, err, sizeof(err)) != 0) {
        fprintf(stderr, "nq-bench: %s\n", err);
        free(b->procs);
        return EXIT_ERRORS;
    }
    counters_connect(b);
    if (b->mode == MODE_SEED || b->o.setup) {
        fprintf(stderr, "nq-bench: seeding team %s: %lld salespeople, %lld events\n", b->o.team,
                (long long)b->o.salespeople, (long long)b->o.seed_events);
        seed_run(b);
        if (b->mode == MODE_SEED)
            return report_seed(b);
        if (b->seed.error[0]) {
            fprintf(stderr, "nq-bench: seed failed: %s\n", b->seed.error);
            cleanup(b);
            return EXIT_ERRORS;
        }
    }
    if (b->mode == MODE_READ)
        take_sample(b);
    counters_start(b);
    if (run(b) != 0) {
        fprintf(stderr, "nq-bench: out of memory for the connections' buffers\n");
        cleanup(b);
        return EXIT_ERRORS;
    }
    summary_t s;
    summarize(b, &s);
    if (b->o.json)
        print_json(b, &s);
    else
        print_text(b, &s);
    bool gone = false;
    for (size_t i = 0; i < b->n_procs; i++)
        gone = gone || b->procs[i].gone;
    if (b->abort_reason[0])
        fprintf(stderr, "nq-bench: %s\n", b->abort_reason);
    else if (b->errors)
        fprintf(stderr, "nq-bench: %llu transport errors, the first: %s\n",
                (unsigned long long)b->errors, b->first_error);
    else if (b->answers == 0)
        fprintf(stderr, "nq-bench: no answer arrived\n");
    if (gone)
        fprintf(stderr, "nq-bench: a sampled process exited during the run\n");
    cleanup(b);
    return b->abort_reason[0] || b->errors || b->answers == 0 || gone ? EXIT_ERRORS : EXIT_DONE;
}
