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
#define MAX_DURATION_S   3600          /* longest run accepted */
#define MAX_BODY_BUFFERS (1LL << 30)   /* request buffers of all connections together */
#define CRON_MS          500           /* RSS sampling and request timeouts */
#define SCORED_POLL_MS   20            /* catch-up polling of nq:stats:scored */
#define READ_CHUNK       65536         /* free room offered to each read */
#define MAX_ANSWER       (NQ_HTTPC_MAX_HEAD + NQ_HTTPC_MAX_BODY)
#define MAX_STATUS       600           /* statuses 100..599 are counted one by one */
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
    const char *flag;  /* without the leading "--" */
    opt_kind_t kind;   /* value type */
    size_t offset;     /* field in opts_t */
    int64_t min, max;  /* bounds of an OPT_INT */
    const char *def;   /* default as text, NULL = none */
    const char *arg;   /* name of the value in the usage */
    const char *help;  /* one line */
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
    char head[512];             /* request head */
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
    redisContext *ctx;     /* NULL when not used or lost */
    char error[160];       /* why they are unavailable, "" otherwise */
    int64_t accepted0;     /* nq:stats:accepted before the load */
    int64_t scored0;       /* nq:stats:scored before the load */
    int64_t accepted1;     /* nq:stats:accepted when the load ended */
    int64_t scored1;       /* nq:stats:scored at the first poll after the load */
    int64_t scored2;       /* nq:stats:scored at the end of the catch-up */
    bool caught_up;        /* scored2 >= accepted1 */
    uint64_t caught_ns;    /* when caught_up was seen */
} counters_t;

typedef struct bench {
    opts_t o;                      /* options */
    uv_loop_t *loop;               /* the loop */
    nq_httpc_url_t url;            /* parsed --url */
    struct sockaddr_storage addr;  /* resolved gateway address */
    bench_gen_t gen;               /* event generator */
    uint64_t next_seq;             /* seq of the next event */
    conn_t *conns;                 /* o.connections of them */
    uv_timer_t stop_timer;         /* end of the load */
    uv_timer_t cron;               /* sampling and timeouts */
    uv_timer_t poll;               /* catch-up polling */
    uv_signal_t sigint;            /* Ctrl-C ends the load early */
    bool stopping;                 /* no new requests */
    bool load_done;                /* every answer is in (or given up) */
    bool finished;                 /* handles are closing */
    char abort_reason[256];        /* set when the run was aborted */
    uint64_t t_start_ns;           /* load started */
    uint64_t t_last_ack_ns;        /* last answer completed */
    uint64_t t_load_end_ns;        /* drain ended */
    uint64_t t_end_ns;             /* catch-up ended */
    double self_cpu_s[2];          /* own CPU at load start and load end */
    uint64_t requests;             /* requests written */
    uint64_t answers;              /* answers complete */
    uint64_t events_sent;          /* events in requests written */
    uint64_t uncounted;            /* answers without counts (errors, 503s) */
    bench_counts_t totals;         /* counts summed over all answers */
    uint64_t by_status[MAX_STATUS]; /* answers per status; [0] = other */
    uint64_t errors;               /* transport errors */
    char first_error[256];         /* the first of them */
    bench_hist_t hist;             /* per-request latency, microseconds */
    counters_t redis;              /* nq:stats:* */
    proc_t *procs;                 /* sampled processes */
    size_t n_procs;                /* how many */
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
        p->ticks[at] = read_proc(p->pid, "stat", buf, sizeof(buf)) == 0
                           ? bench_stat_cpu_ticks(buf)
                           : -1;
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
        snprintf(r->error, sizeof(r->error), "GET %s: unexpected reply type %d", key,
                 reply->type);
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

/* After an answer: send the next request now (flat out, or --rate and behind
 * schedule) or when it is due. */
static void schedule_next(conn_t *c, uint64_t now)
{
    bench_t *b = c->b;
    if (b->o.rate == 0) {
        send_request(c);
        return;
    }
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
        schedule_next(c, now);
}
