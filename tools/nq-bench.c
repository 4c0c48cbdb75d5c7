/* nq-bench — load generator for the activity path (POST /api/v1/activities),
 * the KPI reads, and the freshness of the KPIs under load.
 *
 *   nq-bench --connections 8 --batch 500 --duration 60 --pids-dir var/run --json
 *   nq-bench --mode seed                      # team of 200, targets, 100,000 events
 *   nq-bench --mode read --rate 1000 --path '/api/v1/salespeople/{sp}/kpis?period=month'
 *   nq-bench --mode freshness --rate 10000 --batch 200 --setup
 *
 * Modes (--mode): "write" (the default) posts batches of generated events;
 * "read" sends GETs of a path template ({sp} cycles over the salespeople,
 * {team} is --team) instead, paced to --rate reads/s; "seed" only sets up
 * realistic data and reports; "freshness" is the write load plus a probe
 * that measures ack -> visible in the KPIs. --setup seeds before any load.
 *
 * This file checks the command line and runs the steps in order; each part
 * is a module of its own:
 *   bench_opts        the option table, --help
 *   bench_procs       RSS and CPU of the watched processes (/proc)
 *   bench_counters    nq:stats:accepted / nq:stats:scored (Redis)
 *   bench_seed        the seed step (team, salespeople, targets, events)
 *   bench_read_sample one GET of the read path before the load
 *   bench_run         the run's phases on one libuv loop, the connections' hooks
 *   bench_conn        keep-alive HTTP/1.1 connections
 *   bench_load        the load's requests, pacing and answer counts
 *   bench_probe       the freshness probe
 *   bench_report      the summary and the text report; bench_report_json the JSON
 *   bench_events, bench_stats   the pure pieces (event mix, histogram, parsers)
 */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "bench.h"
#include "bench_report.h"
#include "bench_run.h"
#include "nq/fielderr.h"
#include "nq/period.h"
#include "nq/token.h"

#define MAX_BODY_BUFFERS (1LL << 30) /* request buffers of all connections together */

/* Exit codes, shown by --help. */
enum {
    EXIT_DONE = 0,   /* the run completed (whatever the statuses of the answers) */
    EXIT_ERRORS = 1, /* connection refused, reset, timed out, not HTTP, or nothing answered */
    EXIT_USAGE = 2,  /* bad command line */
};

/* --spread as a span before now in ms, or -1 when it is none of now, week, month. */
static int64_t spread_ms(const char *spread)
{
    if (strcmp(spread, "week") == 0 || strcmp(spread, "month") == 0) {
        nq_period_t p;
        nq_period_of(spread[0] == 'w' ? NQ_PERIOD_WEEK : NQ_PERIOD_MONTH, nq_now_ms(), &p);
        return nq_now_ms() - p.start_ms;
    }
    return strcmp(spread, "now") == 0 ? 0 : -1;
}

/* --mode read: one read per request, 1000/s unless --rate says otherwise, and
 * a --path whose widest expansion (the largest salesperson number) fits.
 * Returns 0, or -1 with a reason in err. */
static int check_read_options(bench_t *b, char *err, size_t len)
{
    char path[BENCH_PATH_MAX + 1];
    b->o.batch = 1;
    if (!b->o.rate_given)
        b->o.rate = 1000;
    if (bench_path_expand(b->o.path, path, sizeof(path), (uint32_t)b->o.salespeople, b->o.team) <
        0) {
        snprintf(err, len,
                 "--path: '%s' must start with '/', use only {sp} and {team}, and expand to "
                 "at most %d bytes of URL",
                 b->o.path, BENCH_PATH_MAX);
        return -1;
    }
    return 0;
}

/* Set up the event generator from --run-id (or the clock and pid) and --seed.
 * Returns 0, or -1 with a reason in err. */
static int init_generator(bench_t *b, int64_t spread, char *err, size_t len)
{
    char run_id[BENCH_RUN_ID_MAX + 1];
    if (b->o.run_id)
        snprintf(run_id, sizeof(run_id), "%s", b->o.run_id);
    else
        snprintf(run_id, sizeof(run_id), "b%llx%04x", (unsigned long long)nq_now_ms(),
                 (unsigned)getpid() & 0xffffu);
    uint64_t seed = b->o.seed ? (uint64_t)b->o.seed : uv_hrtime() ^ ((uint64_t)getpid() << 32);
    if (bench_gen_init(&b->gen, run_id, seed, (uint32_t)b->o.salespeople, (uint32_t)b->o.customers,
                       spread) != 0) {
        snprintf(err, len, "--run-id: must be 1-%d of A-Z a-z 0-9 _, got '%s'", BENCH_RUN_ID_MAX,
                 run_id);
        return -1;
    }
    int mix = bench_mix_of(b->o.mix);
    if (mix < 0) {
        snprintf(err, len, "--mix: must be default or customers, got '%s'", b->o.mix);
        return -1;
    }
    b->gen.mix = (bench_mix_t)mix;
    return 0;
}

/* Check what the option table cannot, parse the URL, set up the generator.
 * Returns 0, or -1 with a reason in err. */
static int check_options(bench_t *b, char *err, size_t len)
{
    int mode = bench_mode_of(b->o.mode);
    if (mode < 0) {
        snprintf(err, len, "--mode: must be write, read, seed or freshness, got '%s'", b->o.mode);
        return -1;
    }
    b->mode = (bench_mode_t)mode;
    b->net.url = b->o.url;
    const char *key = getenv("NQ_API_KEY");
    if (key && *key && !nq_apikey_well_formed(key, strlen(key))) {
        snprintf(err, len, "NQ_API_KEY: not an API key (nq_ and 43 characters)");
        return -1;
    }
    if (key && *key)
        snprintf(b->net.auth, sizeof(b->net.auth), "Authorization: Bearer %s\r\n", key);
    if (nq_httpc_parse_url(b->o.url, &b->net.parsed) != 0) {
        snprintf(err, len, "--url: '%s' is not http://host[:port][/prefix]", b->o.url);
        return -1;
    }
    if (nq_zone_set(b->o.zone) != 0) {
        snprintf(err, len, "--zone: unknown zone '%s'", b->o.zone);
        return -1;
    }
    int64_t spread = spread_ms(b->o.spread);
    if (spread < 0) {
        snprintf(err, len, "--spread: must be now, week or month, got '%s'", b->o.spread);
        return -1;
    }
    if (!nq_valid_id(b->o.team) || !nq_valid_id(b->o.probe_sp)) {
        snprintf(err, len, "--team, --probe-sp: must be 1-%d of A-Z a-z 0-9 _ . : -", NQ_ID_MAX);
        return -1;
    }
    if (b->mode == MODE_READ && check_read_options(b, err, len) != 0)
        return -1;
    b->n_conns = (size_t)b->o.connections + (b->mode == MODE_FRESHNESS ? 2 : 0);
    if ((BENCH_EVENT_MAX * b->o.batch + 2) * b->o.connections > MAX_BODY_BUFFERS) {
        snprintf(err, len, "--batch %lld x --connections %lld needs more than 1 GiB of buffers",
                 (long long)b->o.batch, (long long)b->o.connections);
        return -1;
    }
    return init_generator(b, spread, err, len);
}

/* Release what main holds. */
static void cleanup(bench_t *b)
{
    bench_counters_close(&b->redis);
    bench_read_sample_free(&b->sample);
    bench_procs_free(&b->procs);
}

/* Print the report in the format asked for. */
static void report(const bench_t *b, const bench_summary_t *s)
{
    if (b->o.json)
        bench_report_json(b, s);
    else
        bench_report_text(b, s);
}

/* Print the report of --mode seed; exit 0, or 1 when the step failed. */
static int report_seed(bench_t *b)
{
    bench_summary_t none; /* no load: every figure 0 */
    memset(&none, 0, sizeof(none));
    report(b, &none);
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

/* Report a finished load and say on stderr why it did not go well, if it did not.
 * Returns the exit code. */
static int report_load(bench_t *b)
{
    bench_summary_t s;
    bench_summarize(b, &s);
    report(b, &s);
    bool gone = bench_procs_gone(&b->procs);
    const bench_errors_t *e = &b->net.errors;
    if (b->abort_reason[0])
        fprintf(stderr, "nq-bench: %s\n", b->abort_reason);
    else if (e->count)
        fprintf(stderr, "nq-bench: %llu transport errors, the first: %s\n",
                (unsigned long long)e->count, e->first);
    else if (b->answers == 0)
        fprintf(stderr, "nq-bench: no answer arrived\n");
    if (gone)
        fprintf(stderr, "nq-bench: a sampled process exited during the run\n");
    cleanup(b);
    return b->abort_reason[0] || e->count || b->answers == 0 || gone ? EXIT_ERRORS : EXIT_DONE;
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
    if (bench_opts_parse(&b->o, argc, argv, err, sizeof(err)) != 0 ||
        (!b->o.help && check_options(b, err, sizeof(err)) != 0)) {
        fprintf(stderr, "nq-bench: %s\n", err);
        return EXIT_USAGE;
    }
    if (b->o.help) {
        bench_opts_usage(stdout);
        return EXIT_DONE;
    }
    if (bench_procs_find(&b->procs, b->o.pids_dir, b->o.pids, err, sizeof(err)) != 0 ||
        bench_net_resolve(&b->net, err, sizeof(err)) != 0) {
        fprintf(stderr, "nq-bench: %s\n", err);
        bench_procs_free(&b->procs);
        return EXIT_ERRORS;
    }
    bench_counters_connect(&b->redis, b->o.redis_host, b->o.redis_port);
    if (b->mode == MODE_SEED || b->o.setup) {
        fprintf(stderr, "nq-bench: seeding team %s: %lld salespeople, %lld events\n", b->o.team,
                (long long)b->o.salespeople, (long long)b->o.seed_events);
        bench_seed_run(&b->seed, &b->o, &b->gen, &b->redis);
        if (b->mode == MODE_SEED)
            return report_seed(b);
        if (b->seed.error[0]) {
            fprintf(stderr, "nq-bench: seed failed: %s\n", b->seed.error);
            cleanup(b);
            return EXIT_ERRORS;
        }
    }
    if (b->mode == MODE_READ) {
        bench_read_sample_take(&b->sample, &b->o);
        bench_counters_skip(&b->redis, "not measured in --mode read");
    } else {
        bench_counters_before(&b->redis);
    }
    if (bench_run(b) != 0) {
        fprintf(stderr, "nq-bench: out of memory for the connections' buffers\n");
        cleanup(b);
        return EXIT_ERRORS;
    }
    return report_load(b);
}
