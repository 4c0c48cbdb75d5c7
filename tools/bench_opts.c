/* tools/bench_opts.c — nq-bench's option table and its parser. See bench_opts.h. */
#include "bench_opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench_events.h"

#define MAX_DURATION_S 3600 /* longest run accepted */

const char *const bench_mode_names[MODE_COUNT] = {
    [MODE_WRITE] = "write",
    [MODE_READ] = "read",
    [MODE_SEED] = "seed",
    [MODE_FRESHNESS] = "freshness",
};

typedef enum { OPT_INT, OPT_STR, OPT_FLAG } opt_kind_t;

typedef struct option_row {
    const char *flag; /* without the leading "--" */
    opt_kind_t kind;  /* value type */
    size_t offset;    /* field in bench_opts_t */
    int64_t min, max; /* bounds of an OPT_INT */
    const char *def;  /* default as text, NULL = none */
    const char *arg;  /* name of the value in the usage */
    const char *help; /* one line */
} option_row_t;

#define OPT(f) offsetof(bench_opts_t, f)
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
    {"customers", OPT_INT, OPT(customers), 1, 9999999, "2000", "N", "customer ids c-000001..c-N"},
    {"mix", OPT_STR, OPT(mix), 0, 0, "default", "default|customers",
     "event types: the activity path's, or every type about a customer by its owner"},
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

void bench_opts_usage(FILE *out)
{
    fprintf(out, "usage: nq-bench [options]\n\n"
                 "Posts generated activity events to POST " BENCH_ACTIVITY_PATH " over keep-alive\n"
                 "connections and reports throughput, ack latency, scoring progress and RSS.\n"
                 "--mode read GETs a path template instead (KPIs, overviews, leaderboards);\n"
                 "--mode freshness adds a probe measuring ack -> visible in the KPIs;\n"
                 "--mode seed (or --setup) creates a team, its salespeople, their targets\n"
                 "and --seed-events events first.\n"
                 "Every request carries the API key in NQ_API_KEY (Authorization: Bearer).\n\n"
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

int bench_mode_of(const char *name)
{
    for (int m = 0; m < MODE_COUNT; m++) {
        if (strcmp(bench_mode_names[m], name) == 0)
            return m;
    }
    return -1;
}

/* Store text `v` into option `o`. Returns 0, or -1 with a reason in err. */
static int set_option(bench_opts_t *opts, const option_row_t *o, const char *v, char *err,
                      size_t len)
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

int bench_opts_parse(bench_opts_t *opts, int argc, char **argv, char *err, size_t len)
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
