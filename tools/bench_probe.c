/* tools/bench_probe.c — the freshness probe's state machine. See bench_probe.h. */
#include "bench_probe.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "nq/period.h"

static void on_probe_timer(uv_timer_t *t)
{
    bench_probe_kick(t->data);
}

/* Run the probe's timer to fire at `due` (ns). */
static void probe_arm(bench_probe_t *p, uint64_t due, uint64_t now)
{
    uv_timer_start(&p->timer, on_probe_timer, (due - now + BENCH_NS_PER_MS - 1) / BENCH_NS_PER_MS,
                   0);
}

static void send_marker(bench_probe_t *p)
{
    bench_conn_t *c = p->post;
    int len = bench_probe_write(c->body, c->body_cap, p->run_id, p->sp, p->k, p->occurred_ms);
    int head_len = len < 0 ? -1 : bench_conn_head(c, "POST", BENCH_ACTIVITY_PATH, len);
    if (head_len < 0) {
        bench_conn_fail(c, "a probe marker did not fit its buffer (a bug in nq-bench)");
        return;
    }
    uv_buf_t bufs[2] = {uv_buf_init(c->head, (unsigned)head_len),
                        uv_buf_init(c->body, (unsigned)len)};
    c->due_ns = 0;
    if (bench_conn_write(c, bufs, 2) == 0)
        p->posts++;
}

static void send_poll(bench_probe_t *p)
{
    bench_conn_t *c = p->poll;
    int head_len = bench_conn_head(c, "GET", p->path, -1);
    if (head_len < 0) {
        bench_conn_fail(c, "a probe read did not fit its buffer (a bug in nq-bench)");
        return;
    }
    uv_buf_t buf = uv_buf_init(c->head, (unsigned)head_len);
    c->due_ns = 0;
    if (bench_conn_write(c, &buf, 1) == 0) {
        p->polls++;
        p->poll_due_ns = c->sent_ns + (uint64_t)p->poll_ms * BENCH_NS_PER_MS;
    }
}

void bench_probe_kick(bench_probe_t *p)
{
    uint64_t now = uv_hrtime();
    if (p->state == PROBE_OFF)
        return;
    switch (p->state) {
    case PROBE_IDLE:
        if (now < p->due_ns) {
            probe_arm(p, p->due_ns, now);
            return;
        }
        p->state = PROBE_POSTING;
        p->due_ns = now + (uint64_t)p->every_ms * BENCH_NS_PER_MS;
        /* fall through */
    case PROBE_POSTING:
        if (bench_conn_ready(p->post))
            send_marker(p);
        return;
    case PROBE_BASE:
    case PROBE_POLLING:
        if (!bench_conn_ready(p->poll))
            return;
        if (now < p->poll_due_ns)
            probe_arm(p, p->poll_due_ns, now);
        else
            send_poll(p);
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

/* The answer to marker k's post. */
static void marker_answer(bench_probe_t *p, bool ok, const char *body, size_t len, uint64_t now)
{
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
}

void bench_probe_answer(bench_probe_t *p, bench_conn_t *c, const char *body, size_t len,
                        uint64_t now)
{
    bool ok = c->resp.status >= 200 && c->resp.status < 300;
    if (c == p->post) {
        marker_answer(p, ok, body, len, now);
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
    if (p->state == PROBE_POLLING && now - p->ack_ns > (uint64_t)p->wait_ms * BENCH_NS_PER_MS) {
        p->late++; /* counted in base + acked all the same once it shows */
        p->k++;
        p->state = PROBE_IDLE;
    }
}

void bench_probe_start(bench_probe_t *p)
{
    p->occurred_ms = nq_now_ms();
    snprintf(p->path, sizeof(p->path), "/api/v1/salespeople/%s/kpis?period=day&at=%lld", p->sp,
             (long long)p->occurred_ms);
    p->state = PROBE_BASE;
    p->poll_due_ns = 0;
}

void bench_probe_stop(bench_probe_t *p)
{
    p->state = PROBE_OFF;
    uv_timer_stop(&p->timer);
}
