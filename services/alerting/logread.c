/* logread.c — one consumer group's reads of a stream. See logread.h. */
#include "logread.h"

#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/log.h"
#include "alerting.h"
#include "readsize.h"

struct logread {
    nq_service_t *svc;       /* shared process state */
    logread_spec_t spec;     /* the stream, the group, the read sizes */
    logread_batch_cb cb;     /* starts a cycle */
    void *arg;               /* its argument */
    char reclaim_cursor[64]; /* XAUTOCLAIM position */
    bool busy;               /* a read or a cycle is in flight */
    bool more;               /* nudged while busy: read again after it */
    bool reclaim_due;        /* the reclaim is due */
    bool own_pending;        /* read this consumer's own pending entries first */
    bool stopping;           /* no more reads */
    bool ready;              /* the group exists on this connection */
    int64_t read_sent_at;    /* the pending read was sent at, ms */
    int read_count;          /* entries the next read asks for (alert_read_count) */
    int asked;               /* entries the pending read asked for */
};

logread_t *logread_new(nq_service_t *svc, const logread_spec_t *spec, logread_batch_cb cb,
                       void *arg)
{
    logread_t *lr = calloc(1, sizeof(*lr));
    if (!lr)
        return NULL;
    lr->svc = svc;
    lr->spec = *spec;
    lr->cb = cb;
    lr->arg = arg;
    lr->read_count = spec->read_min;
    strcpy(lr->reclaim_cursor, "0-0");
    return lr;
}

static bool start(logread_t *lr, const redisReply *entries, size_t full)
{
    if (lr->stopping || !entries || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0)
        return false;
    return lr->cb(lr->arg, entries, entries->elements >= full, lr->read_sent_at);
}

/* XREADGROUP reply: [[stream, [entries]]], or nil when nothing is new. */
static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    logread_t *lr = data;
    const redisReply *entries = nq_redis_stream_entries(reply);
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("read_failed", "%s group %s: %s", lr->spec.stream, lr->spec.group, reply->str);
    bool own = lr->own_pending;
    size_t got = entries ? entries->elements : 0;
    if (own && reply && reply->type != REDIS_REPLY_ERROR && got < (size_t)lr->asked)
        lr->own_pending = false; /* the rest of them come by reclaim */
    if (reply && reply->type != REDIS_REPLY_ERROR)
        lr->read_count = alert_read_count(lr->asked, got, lr->spec.read_min, lr->spec.read_max);
    if (start(lr, entries, (size_t)lr->asked))
        return;
    lr->busy = false;
    if (own && !lr->own_pending)
        logread_pull(lr); /* now the new ones */
}

/* XAUTOCLAIM reply: [next cursor, [entries], [deleted ids]]. */
static void on_reclaimed(nq_redis_t *r, redisReply *reply, void *data)
{
    logread_t *lr = data;
    const redisReply *entries =
        nq_actlog_claimed(reply, lr->reclaim_cursor, sizeof(lr->reclaim_cursor));
    if (entries && entries->elements > 0)
        nq_log_info("reclaimed", "%s group %s: took over %zu entries left pending", lr->spec.stream,
                    lr->spec.group, entries->elements);
    else if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("reclaim_failed", "%s group %s: %s", lr->spec.stream, lr->spec.group,
                    reply->str);
    lr->more = true; /* then the new ones */
    if (start(lr, entries, (size_t)lr->spec.reclaim))
        return;
    lr->busy = false;
    lr->more = false;
    logread_pull(lr);
}

void logread_pull(logread_t *lr)
{
    if (!lr || lr->stopping || !lr->ready)
        return;
    if (lr->busy) {
        lr->more = true;
        return;
    }
    nq_redis_t *r = lr->svc->redis;
    const char *me = nq_service_member(lr->svc);
    int rc;
    if (lr->reclaim_due) {
        lr->reclaim_due = false;
        rc = nq_redis_command(r, on_reclaimed, lr, "XAUTOCLAIM %s %s %s %d %s COUNT %d",
                              lr->spec.stream, lr->spec.group, me, ALERTING_RECLAIM_IDLE_MS,
                              lr->reclaim_cursor, lr->spec.reclaim);
    } else {
        lr->asked = lr->read_count;
        rc = nq_redis_command(r, on_read, lr, "XREADGROUP GROUP %s %s COUNT %d STREAMS %s %s",
                              lr->spec.group, me, lr->asked, lr->spec.stream,
                              lr->own_pending ? "0" : ">");
    }
    if (rc == 0) {
        lr->busy = true;
        lr->read_sent_at = nq_now_ms();
    }
}

void logread_reclaim(logread_t *lr)
{
    if (!lr)
        return;
    lr->reclaim_due = true;
    logread_pull(lr);
}

void logread_hold(logread_t *lr)
{
    if (lr)
        lr->ready = false;
}

void logread_connected(logread_t *lr)
{
    if (!lr)
        return;
    lr->ready = true;
    lr->busy = false; /* a call of the old connection was answered NULL */
    lr->own_pending = true;
    logread_pull(lr);
}

void logread_done(logread_t *lr, bool again)
{
    lr->busy = false;
    if (again || lr->more) {
        lr->more = false;
        logread_pull(lr);
    }
}

void logread_stop(logread_t *lr)
{
    if (lr)
        lr->stopping = true;
}

void logread_free(logread_t **lr)
{
    free(*lr);
    *lr = NULL;
}
