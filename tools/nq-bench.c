/* nq-bench — load generator for the activity path (POST /api/v1/activities).
 *
 *   nq-bench --connections 8 --batch 500 --duration 60 --pids-dir var/run --json
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

/* Exit codes, shown by --help. */
enum {
    EXIT_DONE = 0,   /* the run completed (whatever the statuses of the answers) */
    EXIT_ERRORS = 1, /* connection refused, reset, timed out, not HTTP, or nothing answered */
    EXIT_USAGE = 2,  /* bad command line */
};

/* ---- options ------------------------------------------------------------------ */

typedef struct opts {
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
    {"url", OPT_STR, OPT(url), 0, 0, "http://127.0.0.1:8080", "URL", "gateway base URL"},
    {"connections", OPT_INT, OPT(connections), 1, 10000, "4", "C", "keep-alive connections"},
    {"batch", OPT_INT, OPT(batch), 1, 10000, "1", "N",
     "events per request: 1 posts a JSON object, more a JSON array"},
    {"rate", OPT_INT, OPT(rate), 0, 10000000, "0", "R",
     "events/s over all connections, paced per connection; 0 = flat out"},
    {"duration", OPT_INT, OPT(duration_s), 1, MAX_DURATION_S, "10", "S",
     "seconds of load (at most 3600)"},
    {"salespeople", OPT_INT, OPT(salespeople), 1, 99999, "200", "N",
     "salesperson ids sp-00001..sp-N"},
    {"customers", OPT_INT, OPT(customers), 1, 999999, "2000", "N", "customer ids c-000001..c-N"},
    {"spread", OPT_STR, OPT(spread), 0, 0, "now", "now|week",
     "occurred_at: now, or spread from the start of the current week to now"},
    {"zone", OPT_STR, OPT(zone), 0, 0, "Asia/Shanghai", "ZONE", "zone whose week --spread uses"},
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
    {"json", OPT_FLAG, OPT(json), 0, 0, NULL, NULL, "print the report as one JSON object"},
    {"help", OPT_FLAG, OPT(help), 0, 0, NULL, NULL, "show this help"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: nq-bench [options]\n\n"
                 "Posts generated activity events to POST " ACTIVITY_PATH " over keep-alive\n"
                 "connections and reports throughput, ack latency, scoring progress and RSS.\n\n"
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
                 "     --timeout-ms, an answer that is not HTTP, a process to sample is gone\n"
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
    }
    return 0;
}

/* ---- state -------------------------------------------------------------------- */

typedef enum { FRAME_LENGTH, FRAME_CHUNKED, FRAME_CLOSE } framing_t;

struct bench;

/* One keep-alive connection with at most one request out. */
typedef struct conn {
    uv_tcp_t tcp;               /* the connection; data points here */
    uv_connect_t connect;       /* its connect request */
    uv_write_t write;           /* the request being written */
    uv_timer_t pace;            /* when the next request is due (--rate) */
    struct bench *b;            /* owner */
    size_t index;               /* position in b->conns */
    bool tcp_open;              /* tcp initialised and its close callback not yet run */
    bool reopen;                /* connect again once tcp is closed */
    bool busy;                  /* a request is out and its answer not complete */
    char head[1024];            /* request head */
    char *body;                 /* request body buffer (body_cap bytes) */
    size_t body_cap;            /* its size */
    size_t events;              /* events in the request out */
    uint64_t sent_ns;           /* when the request out was written */
    uint64_t next_ns;           /* when the next request is due (--rate) */
    char *in;                   /* answer bytes received (in_cap bytes) */
    size_t in_len;              /* bytes held */
    size_t in_cap;              /* buffer size */
    bool have_head;             /* resp and head_len are valid */
    nq_httpc_head_t resp;       /* the answer's head */
    size_t head_len;            /* bytes of the head in `in` */
    framing_t framing;          /* how the answer's body ends */
    nq_httpc_chunked_t chunked; /* chunked decoder state */
    size_t body_len;            /* decoded body bytes after the head (chunked) */
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

typedef struct bench {
    opts_t o;                       /* options */
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
    counters_t redis;               /* nq:stats:* */
    proc_t *procs;                  /* sampled processes */
    size_t n_procs;                 /* how many */
} bench_t;

static void conn_open(conn_t *c);
static void conn_close(conn_t *c, bool reopen);
static void send_request(conn_t *c);
static void check_load_done(bench_t *b);
static void finish(bench_t *b);

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

/* Connect and read the counters before the load. Failure is reported, not fatal. */
static void counters_start(bench_t *b)
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
    if (read_counter(r, NQ_KEY_STATS_ACCEPTED, &r->accepted1) != 0 ||
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
    if (!c->b->stopping && !c->busy)
        send_request(c);
}

/* Send the next request now (flat out, or --rate and behind schedule) or
 * when it is due; `advance` moves the schedule on by one request (after an
 * answer; not after a reconnect). */
static void schedule_next(conn_t *c, uint64_t now, bool advance)
{
    bench_t *b = c->b;
    if (b->o.rate == 0) {
        send_request(c);
        return;
    }
    if (advance)
        c->next_ns += (uint64_t)(1e9 * (double)(b->o.batch * b->o.connections) / (double)b->o.rate);
    if (c->next_ns <= now)
        send_request(c);
    else
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

/* A complete answer: body is `len` bytes at `body`. */
static void on_answer(conn_t *c, const char *body, size_t len)
{
    bench_t *b = c->b;
    uint64_t now = uv_hrtime();
    int status = c->resp.status;
    bench_counts_t counts;
    bench_hist_record(&b->hist, (now - c->sent_ns) / 1000);
    b->t_last_ack_ns = now;
    b->answers++;
    b->by_status[status > 0 && status < MAX_STATUS ? status : 0]++;
    if (bench_answer_counts(body, len, &counts) == 0) {
        b->totals.accepted += counts.accepted;
        b->totals.duplicate += counts.duplicate;
        b->totals.conflict += counts.conflict;
        b->totals.rejected += counts.rejected;
    } else {
        b->uncounted++;
    }
    c->busy = false;
    bool keep = c->resp.keep_alive && c->framing != FRAME_CLOSE;
    reset_answer(c);
    if (!keep) {
        conn_close(c, true); /* the server ends the connection: not an error */
        return;
    }
    if (b->stopping)
        check_load_done(b);
    else
        schedule_next(c, now, true);
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

static void send_request(conn_t *c)
{
    bench_t *b = c->b;
    size_t n = (size_t)b->o.batch;
    int len = bench_batch_write(&b->gen, c->body, c->body_cap, n, false, b->next_seq, nq_now_ms());
    if (len < 0) {
        abort_run(b, "a generated request did not fit its buffer (a bug in nq-bench)");
        return;
    }
    b->next_seq += n;
    bool v6 = strchr(b->url.host, ':') != NULL;
    int head_len =
        snprintf(c->head, sizeof(c->head),
                 "POST %s" ACTIVITY_PATH " HTTP/1.1\r\nHost: %s%s%s:%d\r\n"
                 "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n",
                 b->url.prefix, v6 ? "[" : "", b->url.host, v6 ? "]" : "", b->url.port, len);
    uv_buf_t bufs[2] = {uv_buf_init(c->head, (unsigned)head_len),
                        uv_buf_init(c->body, (unsigned)len)};
    reset_answer(c);
    c->write.data = c;
    c->sent_ns = uv_hrtime();
    int rc = uv_write(&c->write, (uv_stream_t *)&c->tcp, bufs, 2, on_write);
    if (rc != 0) {
        transport_error(b, "sending a request: %s", uv_strerror(rc));
        conn_close(c, true);
        return;
    }
    c->busy = true;
    c->events = n;
    b->requests++;
    b->events_sent += n;
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
    } else {
        schedule_next(c, uv_hrtime(), false);
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
    uv_timer_stop(&c->pace);
    if (!c->tcp_open || uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    c->reopen = reopen;
    uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
}

/* ---- phases ---------------------------------------------------------------------------- */

/* Once the load is stopped and no answer is out: start the catch-up. */
static void check_load_done(bench_t *b)
{
    if (!b->stopping || b->load_done || b->finished)
        return;
    for (size_t i = 0; i < (size_t)b->o.connections; i++) {
        if (b->conns[i].busy)
            return;
    }
    b->load_done = true;
    b->t_load_end_ns = uv_hrtime();
    b->self_cpu_s[1] = self_cpu_s();
    sample_cpu(b, 1);
    for (size_t i = 0; i < (size_t)b->o.connections; i++)
        conn_close(&b->conns[i], false);
    start_catch_up(b);
}

/* Stop sending; answers still out are awaited (bounded by --timeout-ms). */
static void stop_load(bench_t *b)
{
    b->stopping = true;
    for (size_t i = 0; i < (size_t)b->o.connections; i++)
        uv_timer_stop(&b->conns[i].pace);
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
    for (size_t i = 0; i < (size_t)b->o.connections && !b->load_done; i++) {
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
    for (size_t i = 0; i < (size_t)b->o.connections; i++) {
        conn_close(&b->conns[i], false);
        close_handle((uv_handle_t *)&b->conns[i].pace);
    }
    close_handle((uv_handle_t *)&b->stop_timer);
    close_handle((uv_handle_t *)&b->cron);
    close_handle((uv_handle_t *)&b->poll);
    close_handle((uv_handle_t *)&b->sigint);
}

/* ---- report ------------------------------------------------------------------------------ */

/* The figures both report formats print. */
typedef struct summary {
    double load_s;          /* first request to the last answer */
    double accepted_per_s;  /* events accepted / load_s */
    double latency_ms[5];   /* p50, p99, p99.9, max, mean */
    bool scored;            /* the counters were read */
    int64_t accepted_delta; /* nq:stats:accepted over the load */
    int64_t scored_delta;   /* nq:stats:scored from before the load to the end of the catch-up */
    int64_t backlog;        /* accepted - scored when the load ended */
    double lag_s;           /* last ack to scored catching up (when caught_up) */
    double scored_per_s;    /* scored_delta / (start .. caught up, or end of the wait) */
    double bench_cpu_pct;   /* nq-bench's own CPU during the load, % of one core */
} summary_t;

static void summarize(const bench_t *b, summary_t *s)
{
    static const double qs[] = {50.0, 99.0, 99.9, 100.0};
    const counters_t *r = &b->redis;
    memset(s, 0, sizeof(*s));
    s->load_s = since_s(b->t_start_ns, b->answers ? b->t_last_ack_ns : b->t_load_end_ns);
    s->accepted_per_s = s->load_s > 0 ? (double)b->totals.accepted / s->load_s : 0;
    for (size_t i = 0; i < 4; i++)
        s->latency_ms[i] = (double)bench_hist_percentile(&b->hist, qs[i]) / 1000.0;
    s->latency_ms[4] = b->hist.count ? (double)(b->hist.sum / b->hist.count) / 1000.0 : 0;
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
    snprintf(buf, len, "%lld events/s", (long long)b->o.rate);
    return buf;
}

static void print_text(const bench_t *b, const summary_t *s)
{
    char rate[48];
    const counters_t *r = &b->redis;
    printf("nq-bench: %lld connections, batch %lld, %s, %lld s against %s (run id %s)\n",
           (long long)b->o.connections, (long long)b->o.batch, rate_text(b, rate, sizeof(rate)),
           (long long)b->o.duration_s, b->o.url, b->gen.run_id);
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
    printf("events        %lld accepted, %lld duplicate, %lld conflict, %lld rejected"
           " (%llu answers without counts)\n",
           (long long)b->totals.accepted, (long long)b->totals.duplicate,
           (long long)b->totals.conflict, (long long)b->totals.rejected,
           (unsigned long long)b->uncounted);
    printf("accepted      %.0f events/s\n", s->accepted_per_s);
    printf("ack latency   p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, mean %.3f ms"
           " (%llu requests)\n",
           s->latency_ms[0], s->latency_ms[1], s->latency_ms[2], s->latency_ms[3], s->latency_ms[4],
           (unsigned long long)b->hist.count);
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
    printf("nq-bench cpu  %.0f%% of one core during the load\n", s->bench_cpu_pct);
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

static json_t *json_latency(const summary_t *s, uint64_t count)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:I}", "p50", s->latency_ms[0], "p99",
                     s->latency_ms[1], "p99_9", s->latency_ms[2], "max", s->latency_ms[3], "mean",
                     s->latency_ms[4], "requests", (json_int_t)count);
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

static void print_json(const bench_t *b, const summary_t *s)
{
    json_t *statuses = json_object();
    for (int st = 0; st < MAX_STATUS; st++) {
        char key[16] = "other";
        if (!b->by_status[st])
            continue;
        if (st)
            snprintf(key, sizeof(key), "%d", st);
        json_object_set_new(statuses, key, json_integer((json_int_t)b->by_status[st]));
    }
    json_t *report = json_pack(
        "{s:{s:s, s:I, s:I, s:I, s:I, s:s, s:s}, s:o, s:f, s:I, s:I, s:I, s:o, s:I, s:I, s:I, "
        "s:I, s:I, s:I, s:I, s:f, s:o, s:o, s:f, s:o}",
        "config", "url", b->o.url, "connections", (json_int_t)b->o.connections, "batch",
        (json_int_t)b->o.batch, "rate", (json_int_t)b->o.rate, "duration_s",
        (json_int_t)b->o.duration_s, "spread", b->o.spread, "run_id", b->gen.run_id, "aborted",
        b->abort_reason[0] ? json_string(b->abort_reason) : json_null(), "load_s", s->load_s,
        "requests", (json_int_t)b->requests, "answers", (json_int_t)b->answers, "events_sent",
        (json_int_t)b->events_sent, "answers_by_status", statuses, "unavailable_503",
        (json_int_t)b->by_status[503], "events_accepted", (json_int_t)b->totals.accepted,
        "events_duplicate", (json_int_t)b->totals.duplicate, "events_conflict",
        (json_int_t)b->totals.conflict, "events_rejected", (json_int_t)b->totals.rejected,
        "answers_without_counts", (json_int_t)b->uncounted, "transport_errors",
        (json_int_t)b->errors, "accepted_per_s", s->accepted_per_s, "first_error",
        b->errors ? json_string(b->first_error) : json_null(), "latency_ms",
        json_latency(s, b->hist.count), "bench_cpu_pct", s->bench_cpu_pct, "scored",
        json_scored(b, s));
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
    char run_id[BENCH_RUN_ID_MAX + 1];
    int64_t spread_ms = 0;
    if (nq_httpc_parse_url(b->o.url, &b->url) != 0) {
        snprintf(err, len, "--url: '%s' is not http://host[:port][/prefix]", b->o.url);
        return -1;
    }
    if (strcmp(b->o.spread, "week") == 0) {
        nq_period_t week;
        if (nq_zone_set(b->o.zone) != 0) {
            snprintf(err, len, "--zone: unknown zone '%s'", b->o.zone);
            return -1;
        }
        nq_period_of(NQ_PERIOD_WEEK, nq_now_ms(), &week);
        spread_ms = nq_now_ms() - week.start_ms;
    } else if (strcmp(b->o.spread, "now") != 0) {
        snprintf(err, len, "--spread: must be now or week, got '%s'", b->o.spread);
        return -1;
    }
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

/* Allocate the connections and their buffers; every pace timer is
 * initialised even when a buffer allocation fails. Returns 0 or -1. */
static int make_conns(bench_t *b)
{
    size_t n = (size_t)b->o.connections;
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
        uv_timer_init(b->loop, &c->pace);
        c->pace.data = c;
        /* Stagger the schedules so that paced connections do not send in step. */
        c->next_ns = b->t_start_ns + interval * i / n;
        c->body_cap = BENCH_EVENT_MAX * (size_t)b->o.batch + 2;
        c->body = rc == 0 ? malloc(c->body_cap) : NULL;
        if (!c->body)
            rc = -1;
    }
    return rc;
}

static void free_conns(bench_t *b)
{
    for (size_t i = 0; b->conns && i < (size_t)b->o.connections; i++) {
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
    uv_signal_init(&loop, &b->sigint);
    b->stop_timer.data = b->cron.data = b->poll.data = b->sigint.data = b;
    int rc = make_conns(b);
    if (rc != 0) {
        if (!b->conns)
            b->o.connections = 0; /* no connection handles to close */
        finish(b);
    } else {
        b->self_cpu_s[0] = self_cpu_s();
        sample_rss(b);
        sample_cpu(b, 0);
        uv_signal_start(&b->sigint, on_sigint, SIGINT);
        uv_timer_start(&b->stop_timer, on_stop_timer, (uint64_t)b->o.duration_s * 1000, 0);
        uv_timer_start(&b->cron, on_cron, CRON_MS, CRON_MS);
        for (size_t i = 0; i < (size_t)b->o.connections; i++)
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

int main(int argc, char **argv)
{
    static bench_t bench; /* large (histogram): not on the stack */
    bench_t *b = &bench;
    char err[512];
    signal(SIGPIPE, SIG_IGN);
    bench_hist_init(&b->hist);
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
    counters_start(b);
    if (run(b) != 0) {
        fprintf(stderr, "nq-bench: out of memory for the connections' buffers\n");
        if (b->redis.ctx)
            redisFree(b->redis.ctx);
        free(b->procs);
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
    if (b->redis.ctx)
        redisFree(b->redis.ctx);
    free(b->procs);
    return b->abort_reason[0] || b->errors || b->answers == 0 || gone ? EXIT_ERRORS : EXIT_DONE;
}
