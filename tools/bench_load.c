/* tools/bench_load.c — the load's requests, their pacing and the answers' counts.
 * See bench_load.h. */
#include "bench_load.h"

#include "bench.h"
#include "nq/period.h"

uint64_t bench_load_interval_ns(const bench_opts_t *o)
{
    return o->rate ? (uint64_t)(1e9 * (double)(o->batch * o->connections) / (double)o->rate) : 0;
}

/* The next batch of generated events (--mode write, freshness). */
static void send_events(bench_conn_t *c)
{
    bench_t *b = c->b;
    size_t n = (size_t)b->o.batch;
    int len = bench_batch_write(&b->gen, c->body, c->body_cap, n, false, b->next_seq, nq_now_ms());
    int head_len = len < 0 ? -1 : bench_conn_head(c, "POST", BENCH_ACTIVITY_PATH, len);
    if (head_len < 0) {
        bench_conn_fail(c, "a generated request did not fit its buffer (a bug in nq-bench)");
        return;
    }
    b->next_seq += n;
    uv_buf_t bufs[2] = {uv_buf_init(c->head, (unsigned)head_len),
                        uv_buf_init(c->body, (unsigned)len)};
    if (bench_conn_write(c, bufs, 2) != 0)
        return;
    b->requests++;
    b->events_sent += n;
}

/* The next GET of the --path template (--mode read). */
static void send_read(bench_conn_t *c)
{
    bench_t *b = c->b;
    char path[BENCH_PATH_MAX + 1];
    uint32_t sp = (uint32_t)(b->read_seq % (uint64_t)b->o.salespeople) + 1;
    int head_len = bench_path_expand(b->o.path, path, sizeof(path), sp, b->o.team) < 0
                       ? -1
                       : bench_conn_head(c, "GET", path, -1);
    if (head_len < 0) {
        bench_conn_fail(c, "a read request did not fit its buffer (a bug in nq-bench)");
        return;
    }
    uv_buf_t buf = uv_buf_init(c->head, (unsigned)head_len);
    if (bench_conn_write(c, &buf, 1) != 0)
        return;
    b->read_seq++;
    b->requests++;
}

static void send_request(bench_conn_t *c)
{
    if (c->b->mode == MODE_READ)
        send_read(c);
    else
        send_events(c);
}

static void on_pace(uv_timer_t *t)
{
    bench_conn_t *c = t->data;
    c->due_ns = 0; /* due now: the timer's rounding to whole ms is ours, not the server's */
    if (!c->b->stopping && !c->busy)
        send_request(c);
}

void bench_load_next(bench_conn_t *c, uint64_t now, bool advance)
{
    bench_t *b = c->b;
    c->due_ns = 0;
    if (b->o.rate == 0) {
        send_request(c);
        return;
    }
    if (advance)
        c->next_ns += bench_load_interval_ns(&b->o);
    else if (c->next_ns < now)
        c->next_ns = now; /* (re)connected late: the schedule starts again now */
    if (c->next_ns <= now) {
        c->due_ns = c->next_ns; /* late: behind the previous answer */
        send_request(c);
    } else
        uv_timer_start(&c->pace, on_pace,
                       (c->next_ns - now + BENCH_NS_PER_MS - 1) / BENCH_NS_PER_MS, 0);
}

void bench_load_count(bench_conn_t *c, const char *body, size_t len, uint64_t now)
{
    bench_t *b = c->b;
    int status = c->resp.status;
    bench_counts_t counts;
    bench_hist_record(&b->hist, (now - c->sent_ns) / 1000);
    bench_hist_record(&b->hist_due, (now - c->due_ns) / 1000);
    b->t_last_ack_ns = now;
    b->answers++;
    b->answer_bytes += len;
    b->by_status[status > 0 && status < BENCH_MAX_STATUS ? status : 0]++;
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
