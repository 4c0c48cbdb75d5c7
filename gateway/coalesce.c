/* coalesce.c — see coalesce.h. */
#include "coalesce.h"

#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/buf.h"
#include "nq/log.h"
#include "nq/period.h"

/* One request's part of a combined batch. */
typedef struct part {
    nq_http_conn_t *conn;  /* retained */
    size_t offset;         /* its first event in the combined batch */
    size_t n;              /* its events */
    coalesce_done_fn done; /* answers it */
    void *data;            /* done's argument */
} part_t;

/* A combined batch: queued, then in flight. */
typedef struct group {
    part_t *parts; /* the requests */
    size_t n_parts, cap_parts;
    Nq__Activity **events; /* queued events (owned until sent) */
    size_t n_events, cap_events;
    size_t total;      /* events in the batch (kept once they are sent) */
    size_t bytes;      /* their packed size, about */
    char *delivery_id; /* a feed delivery's, sent alone; NULL otherwise */
} group_t;

struct coalescer {
    uv_check_t check;    /* flushes after the loop turn's I/O */
    upstream_t *ingest;  /* where batches go */
    size_t max_events;   /* largest combined batch */
    size_t max_bytes;    /* and its largest packed size (below the frame limit) */
    uint64_t timeout_ms; /* ingest deadline */
    group_t *queued;     /* requests of this turn, NULL when none */
};

static void group_free(group_t *g)
{
    for (size_t i = 0; i < g->n_events; i++)
        protobuf_c_message_free_unpacked(&g->events[i]->base, NULL);
    free(g->events);
    free(g->parts);
    free(g->delivery_id);
    free(g);
}

/* Give every part its slice, or NULL results when `rep` is NULL. */
static void group_answer(group_t *g, const Nq__ActivityBatchReply *rep)
{
    Nq__EventResult **slice = calloc(g->total + 1, sizeof(*slice));
    if (slice && rep &&
        (!rep->header || !rep->header->has_status ||
         rep->header->status == NQ__STATUS__STATUS_OK)) {
        for (size_t k = 0; k < rep->n_results; k++) {
            const Nq__EventResult *r = rep->results[k];
            if (r->has_index && r->index >= 0 && (size_t)r->index < g->total)
                slice[r->index] = (Nq__EventResult *)r;
        }
    }
    bool replayed = rep && rep->replayed;
    for (size_t i = 0; i < g->n_parts; i++) {
        part_t *p = &g->parts[i];
        p->done(p->conn, rep && slice ? rep->header : NULL, slice ? slice + p->offset : NULL, p->n,
                replayed, p->data);
        nq_http_conn_release(p->conn);
    }
    free(slice);
}

static void on_reply(const ProtobufCMessage *reply, const Nq__ReplyHeader *hdr, void *data)
{
    group_t *g = data;
    group_answer(g, (const Nq__ActivityBatchReply *)reply);
    group_free(g); /* its events were freed once sent */
}

static void flush(coalescer_t *c)
{
    group_t *g = c->queued;
    c->queued = NULL;
    uv_check_stop(&c->check);
    if (!g)
        return;
    Nq__ActivityBatchRequest msg = NQ__ACTIVITY_BATCH_REQUEST__INIT;
    msg.events = g->events;
    msg.n_events = g->n_events;
    msg.has_deadline = 1;
    msg.deadline = nq_now_ms() + (int64_t)c->timeout_ms;
    msg.delivery_id = g->delivery_id;
    g->total = g->n_events;
    if (upstream_call(c->ingest, NQ_MSG(ACTIVITY_BATCH), &msg.base, c->timeout_ms, on_reply, g) !=
        0) {
        group_answer(g, NULL);
        group_free(g);
        return;
    }
    /* Packed when sent: only the parts are needed for the answer. */
    for (size_t i = 0; i < g->n_events; i++)
        protobuf_c_message_free_unpacked(&g->events[i]->base, NULL);
    g->n_events = 0;
}

static void on_check(uv_check_t *h)
{
    flush(h->data);
}

int coalescer_add(coalescer_t *c, nq_http_conn_t *conn, Nq__Activity **events, size_t n,
                  const char *delivery_id, coalesce_done_fn done, void *data)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += nq_actlog_framed_size(events[i]);
    if (c->queued && (delivery_id || c->queued->n_events + n > c->max_events ||
                      c->queued->bytes + bytes > c->max_bytes))
        flush(c);
    group_t *g = c->queued ? c->queued : calloc(1, sizeof(*g));
    part_t *parts =
        g ? nq_array_grow(g->parts, &g->cap_parts, g->n_parts + 1, 16, sizeof(*parts)) : NULL;
    if (parts)
        g->parts = parts;
    Nq__Activity **grown =
        parts ? nq_array_grow(g->events, &g->cap_events, g->n_events + n, 16, sizeof(*grown))
              : NULL;
    if (grown)
        g->events = grown;
    if (!grown || (delivery_id && !(g->delivery_id = strdup(delivery_id)))) {
        if (g && !c->queued)
            group_free(g);
        return -1;
    }
    g->parts[g->n_parts++] = (part_t){conn, g->n_events, n, done, data};
    memcpy(&g->events[g->n_events], events, n * sizeof(*events));
    g->n_events += n;
    g->bytes += bytes;
    nq_http_conn_retain(conn);
    if (!c->queued) {
        c->queued = g;
        uv_check_start(&c->check, on_check);
    }
    if (delivery_id)
        flush(c); /* alone */
    return 0;
}

coalescer_t *coalescer_new(uv_loop_t *loop, upstream_t *ingest, size_t max_events, size_t max_bytes,
                           uint64_t timeout_ms)
{
    coalescer_t *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->ingest = ingest;
    c->max_events = max_events;
    c->max_bytes = max_bytes;
    c->timeout_ms = timeout_ms;
    uv_check_init(loop, &c->check);
    c->check.data = c;
    return c;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void coalescer_destroy(coalescer_t **cp)
{
    if (!cp || !*cp)
        return;
    coalescer_t *c = *cp;
    *cp = NULL;
    if (c->queued) {
        c->queued->total = c->queued->n_events;
        group_answer(c->queued, NULL);
        group_free(c->queued);
        c->queued = NULL;
    }
    uv_close((uv_handle_t *)&c->check, on_closed);
}
