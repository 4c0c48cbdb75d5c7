/* upstream.c — correlated request/reply over DEALER. See upstream.h. */
#include "upstream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/log.h"

#define SWEEP_MS 50

/* One call waiting for its reply. Calls are kept in send order; replies
 * mostly come back in that order, so lookups start at the oldest. The sweep
 * timer fails calls past their deadline. */
typedef struct call {
    uint64_t id;       /* correlation id */
    uint64_t deadline; /* uv_now() by which the reply must come */
    upstream_cb cb;    /* caller's callback */
    void *data;        /* its argument */
    struct call *prev; /* list links */
    struct call *next;
} call_t;

struct upstream {
    nq_zsock_t *sock; /* DEALER */
    uv_timer_t sweep; /* expires late calls */
    uv_loop_t *loop;  /* for uv_now */
    nq_svc_t svc;     /* the service that answers */
    const char *name; /* its name, for logs */
    uint64_t next_id; /* last correlation id used */
    call_t *head;     /* waiting calls, oldest first */
    call_t *tail;
    size_t inflight;                     /* calls in the list */
    nq_bus_route_t routes[NQ_MSG_COUNT]; /* the service's messages -> on_reply */
};

static void unlink_call(upstream_t *up, call_t *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        up->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        up->tail = c->prev;
    up->inflight--;
}

static call_t *find_call(upstream_t *up, uint64_t id)
{
    /* Replies come back roughly in order: search from the oldest. */
    for (call_t *c = up->head; c; c = c->next) {
        if (c->id == id)
            return c;
    }
    return NULL;
}

/* The header of a reply: the field named "header" of any reply message. */
static const Nq__ReplyHeader *reply_header(const ProtobufCMessage *msg)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, "header");
    if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE || f->descriptor != &nq__reply_header__descriptor)
        return NULL;
    return *(Nq__ReplyHeader *const *)((const char *)msg + f->offset);
}

static void on_reply(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app)
{
    upstream_t *up = app;
    const Nq__ReplyHeader *hdr = reply_header(msg);
    char *end = NULL;
    uint64_t id = hdr && hdr->correlation_id ? strtoull(hdr->correlation_id, &end, 10) : 0;
    call_t *c = end && *end == '\0' ? find_call(up, id) : NULL;
    if (!c) {
        nq_log_debug("late_reply", "%s: no call waits for %s (timed out?)", up->name, env->type);
        return;
    }
    unlink_call(up, c);
    c->cb(msg, hdr, c->data);
    free(c);
}

static void on_sweep(uv_timer_t *t)
{
    upstream_t *up = t->data;
    uint64_t now = uv_now(up->loop);
    call_t *c = up->head;
    while (c) {
        call_t *next = c->next;
        if (c->deadline <= now) {
            unlink_call(up, c);
            nq_log_warn("upstream_timeout", "%s did not answer call %" PRIu64 " in time", up->name,
                        c->id);
            c->cb(NULL, NULL, c->data);
            free(c);
        }
        c = next;
    }
}

upstream_t *upstream_new(uv_loop_t *loop, void *zctx, const char *endpoint, const nq_zsec_t *sec,
                         nq_svc_t svc, size_t max_frame)
{
    upstream_t *up = calloc(1, sizeof(*up));
    if (!up)
        return NULL;
    up->loop = loop;
    up->svc = svc;
    up->name = nq_svc_name(svc);
    size_t n = 0;
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        if (upstream_answers(up, &nq_msgtypes[i]))
            up->routes[n++] = (nq_bus_route_t){&nq_msgtypes[i], on_reply};
    }
    up->sock = nq_zsock_new(loop, zctx, ZMQ_DEALER, endpoint, NQ_ZSOCK_CONNECT, sec, up->routes, n,
                            up, max_frame);
    if (!up->sock) {
        free(up);
        return NULL;
    }
    uv_timer_init(loop, &up->sweep);
    up->sweep.data = up;
    uv_timer_start(&up->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
    return up;
}

bool upstream_answers(const upstream_t *up, const nq_msgtype_t *msg)
{
    return msg->kind != NQ_MSG_KIND_PUB && (msg->owner & up->svc) && (msg->peers & NQ_SVC_GATEWAY);
}

int upstream_call(upstream_t *up, const nq_msgtype_t *msg, ProtobufCMessage *req,
                  uint64_t timeout_ms, upstream_cb cb, void *data)
{
    if (!upstream_answers(up, msg)) {
        nq_log_error("upstream_call", "%s does not answer %s", up->name, msg->type);
        return -1;
    }
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(req->descriptor, "correlation_id");
    call_t *c = f && f->type == PROTOBUF_C_TYPE_STRING ? calloc(1, sizeof(*c)) : NULL;
    if (!c)
        return -1;
    char corr[24];
    c->id = ++up->next_id;
    snprintf(corr, sizeof(corr), "%" PRIu64, c->id);
    char **slot = (char **)((char *)req + f->offset);
    char *saved = *slot;
    *slot = corr;
    int rc = nq_zsock_send(up->sock, msg, req);
    *slot = saved;
    if (rc != 0) {
        free(c);
        return -1;
    }
    c->deadline = uv_now(up->loop) + timeout_ms;
    c->cb = cb;
    c->data = data;
    c->prev = up->tail;
    if (up->tail)
        up->tail->next = c;
    else
        up->head = c;
    up->tail = c;
    up->inflight++;
    return 0;
}

size_t upstream_inflight(const upstream_t *up)
{
    return up->inflight;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void upstream_destroy(upstream_t **upp)
{
    if (!upp || !*upp)
        return;
    upstream_t *up = *upp;
    *upp = NULL;
    while (up->head) {
        call_t *c = up->head;
        unlink_call(up, c);
        c->cb(NULL, NULL, c->data);
        free(c);
    }
    nq_zsock_destroy(&up->sock);
    uv_close((uv_handle_t *)&up->sweep, on_closed);
}
