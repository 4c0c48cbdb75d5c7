/* tools/bench_run.c — the phases of a run and the connections' hooks. See bench_run.h. */
#include "bench_run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_load.h"

#define CRON_MS 500 /* RSS sampling and request timeouts */

static void finish(bench_t *b);
static void check_load_done(bench_t *b);

/* End the run now: no drain, no catch-up (e.g. the gateway refuses connections). */
static void abort_run(bench_t *b, const char *reason)
{
    if (!b->abort_reason[0])
        snprintf(b->abort_reason, sizeof(b->abort_reason), "%s", reason);
    b->stopping = true;
    bench_probe_stop(&b->probe);
    finish(b);
}

/* Connect c unless the load is over. */
static void start_conn(bench_conn_t *c)
{
    if (!c->b->finished && !c->b->stopping)
        bench_conn_open(c);
}

/* ---- the connections' hooks: the load's or the probe's, by role ------------------------- */

static void on_connected(bench_conn_t *c)
{
    bench_t *b = c->b;
    if (b->stopping)
        bench_conn_close(c, false);
    else if (c->role == ROLE_LOAD)
        bench_load_next(c, uv_hrtime(), false);
    else
        bench_probe_kick(&b->probe);
}

static void on_answer(bench_conn_t *c, const char *body, size_t len, uint64_t now)
{
    if (c->role == ROLE_LOAD)
        bench_load_count(c, body, len, now);
    else
        bench_probe_answer(&c->b->probe, c, body, len, now);
}

static void on_idle(bench_conn_t *c, uint64_t now)
{
    bench_t *b = c->b;
    if (b->stopping)
        check_load_done(b);
    else if (c->role == ROLE_LOAD)
        bench_load_next(c, now, true);
    else
        bench_probe_kick(&b->probe);
}

static void on_closed(bench_conn_t *c)
{
    if (c->reopen)
        start_conn(c);
    check_load_done(c->b);
}

static void on_failed(bench_conn_t *c, const char *why)
{
    abort_run(c->b, why);
}

static const bench_conn_hooks_t hooks = {
    .connected = on_connected,
    .answer = on_answer,
    .idle = on_idle,
    .closed = on_closed,
    .failed = on_failed,
};

/* ---- phases ---------------------------------------------------------------------------- */

/* One catch-up poll: done when scored reaches accepted or the wait is over. */
static void on_poll(uv_timer_t *t)
{
    bench_t *b = t->data;
    uint64_t now = uv_hrtime();
    if (bench_counters_poll(&b->redis, now) ||
        bench_since_s(b->t_ns[BENCH_AT_LOAD_END], now) >= (double)b->o.scored_wait_s)
        finish(b);
}

/* The load is over: read accepted, then poll scored until it catches up. */
static void start_catch_up(bench_t *b)
{
    if (b->mode == MODE_READ || bench_counters_after_load(&b->redis))
        finish(b);
    else
        uv_timer_start(&b->poll, on_poll, BENCH_SCORED_POLL_MS, BENCH_SCORED_POLL_MS);
}

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
    b->t_ns[BENCH_AT_LOAD_END] = uv_hrtime();
    b->self_cpu_s[1] = bench_self_cpu_s();
    bench_procs_sample_cpu(&b->procs, BENCH_AT_LOAD_END);
    for (size_t i = 0; i < b->n_conns; i++)
        bench_conn_close(&b->conns[i], false);
    start_catch_up(b);
}

/* Stop sending; answers still out are awaited (bounded by --timeout-ms). */
static void stop_load(bench_t *b)
{
    b->stopping = true;
    for (size_t i = 0; i < b->n_conns; i++)
        uv_timer_stop(&b->conns[i].pace);
    bench_probe_stop(&b->probe);
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
    bench_procs_sample_rss(&b->procs);
    for (size_t i = 0; i < b->n_conns && !b->load_done; i++) {
        bench_conn_t *c = &b->conns[i];
        if (c->busy && now - c->sent_ns > (uint64_t)b->o.timeout_ms * BENCH_NS_PER_MS) {
            bench_errors_add(&b->net.errors, "no answer within %lld ms",
                             (long long)b->o.timeout_ms);
            bench_conn_close(c, true);
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
    b->t_ns[BENCH_AT_END] = uv_hrtime();
    if (!b->load_done) {
        b->t_ns[BENCH_AT_LOAD_END] = b->t_ns[BENCH_AT_END];
        b->self_cpu_s[1] = bench_self_cpu_s();
        bench_procs_sample_cpu(&b->procs, BENCH_AT_LOAD_END);
    }
    bench_procs_sample_rss(&b->procs);
    bench_procs_sample_cpu(&b->procs, BENCH_AT_END);
    for (size_t i = 0; i < b->n_conns; i++) {
        bench_conn_close(&b->conns[i], false);
        close_handle((uv_handle_t *)&b->conns[i].pace);
    }
    close_handle((uv_handle_t *)&b->probe.timer);
    close_handle((uv_handle_t *)&b->stop_timer);
    close_handle((uv_handle_t *)&b->cron);
    close_handle((uv_handle_t *)&b->poll);
    close_handle((uv_handle_t *)&b->sigint);
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
    uint64_t interval = bench_load_interval_ns(&b->o);
    for (size_t i = 0; i < n; i++) {
        bench_conn_t *c = &b->conns[i];
        c->net = &b->net;
        c->b = b;
        c->role = i < load ? ROLE_LOAD : i == load ? ROLE_PROBE_POST : ROLE_PROBE_POLL;
        nq_buf_init(&c->in);
        uv_timer_init(b->net.loop, &c->pace);
        c->pace.data = c;
        /* Stagger the schedules so that paced connections do not send in step. */
        c->next_ns = b->t_ns[BENCH_AT_START] + interval * (i < load ? i : 0) / load;
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
        nq_buf_release(&b->conns[i].in);
    }
    free(b->conns);
    b->conns = NULL;
}

/* Start the load: first samples, the probe, the timers, the connections. */
static void start_load(bench_t *b)
{
    b->self_cpu_s[0] = bench_self_cpu_s();
    bench_procs_sample_rss(&b->procs);
    bench_procs_sample_cpu(&b->procs, BENCH_AT_START);
    if (b->mode == MODE_FRESHNESS) {
        b->probe.run_id = b->gen.run_id;
        b->probe.sp = b->o.probe_sp;
        b->probe.every_ms = b->o.probe_every_ms;
        b->probe.poll_ms = b->o.probe_poll_ms;
        b->probe.wait_ms = b->o.probe_wait_ms;
        bench_probe_start(&b->probe);
    }
    uv_signal_start(&b->sigint, on_sigint, SIGINT);
    uv_timer_start(&b->stop_timer, on_stop_timer, (uint64_t)b->o.duration_s * 1000, 0);
    uv_timer_start(&b->cron, on_cron, CRON_MS, CRON_MS);
    for (size_t i = 0; i < b->n_conns; i++)
        start_conn(&b->conns[i]);
}

int bench_run(bench_t *b)
{
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0)
        return -1;
    b->net.loop = &loop;
    b->net.hooks = &hooks;
    b->t_ns[BENCH_AT_START] = uv_hrtime();
    uv_timer_init(&loop, &b->stop_timer);
    uv_timer_init(&loop, &b->cron);
    uv_timer_init(&loop, &b->poll);
    uv_timer_init(&loop, &b->probe.timer);
    uv_signal_init(&loop, &b->sigint);
    b->stop_timer.data = b->cron.data = b->poll.data = b->sigint.data = b;
    b->probe.timer.data = &b->probe;
    int rc = make_conns(b);
    if (rc != 0) {
        if (!b->conns)
            b->n_conns = 0; /* no connection handles to close */
        finish(b);
    } else {
        start_load(b);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    int closed = uv_loop_close(&loop);
    b->net.loop = NULL;
    free_conns(b);
    if (closed != 0)
        fprintf(stderr, "nq-bench: warning: the loop did not close cleanly: %s\n",
                uv_strerror(closed));
    return rc;
}
