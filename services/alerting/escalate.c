/* escalate.c — the escalation timer's I/O. See escalate.h. */
#include "escalate.h"

#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"

struct escalate {
    nq_service_t *svc;  /* shared process state */
    uv_timer_t *tick;   /* looks for due escalations (heap: closes after we are freed) */
    escalate_cb cb;     /* told of each alert escalated here */
    void *cb_arg;       /* its argument */
    bool busy;          /* a take (and its read) is in flight */
    bool stopping;      /* escalate_stop ran */
    uint64_t escalated; /* alerts escalated here */
};

/* The alert ids taken by one tick. */
typedef struct taken {
    escalate_t *e;
    size_t n;
    char (*ids)[80];
} taken_t;

/* One escalation being stored. */
typedef struct store {
    escalate_t *e;
    Nq__Alert *alert; /* as stored, with its id */
} store_t;

static void taken_free(taken_t *t)
{
    t->e->busy = false;
    free(t->ids);
    free(t);
}

/* Off the clock without a change: gone, or acknowledged, resolved or escalated already. */
static void unclock(escalate_t *e, const char *id)
{
    nq_redis_command(e->svc->redis, NULL, NULL, "ZREM %s %s", NQ_KEY_ALERT_ESCALATE, id);
}

static void on_stored(nq_redis_t *r, redisReply *reply, void *data)
{
    store_t *s = data;
    escalate_t *e = s->e;
    if (reply && reply->type == REDIS_REPLY_STRING) {
        e->escalated++;
        nq_log_info("alert_escalated", "%s %s: not acknowledged in time", s->alert->id,
                    s->alert->rule ? s->alert->rule : "");
        if (!e->stopping && e->cb)
            e->cb(e->cb_arg, s->alert);
    } else if (reply && reply->type == REDIS_REPLY_NIL) {
        nq_log_info("alert_escalate_later", "%s changed meanwhile: looked at again after %d ms",
                    s->alert->id, ESCALATE_LEASE_MS);
    } else {
        nq_log_warn("alert_escalate_deferred", "%s: %s (looked at again after the lease)",
                    s->alert->id,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
    }
    nq__alert__free_unpacked(s->alert, NULL);
    free(s);
}

/* Escalate one fetched alert [id, packed, version] if it still may. */
static void escalate_one(escalate_t *e, const char *id, const redisReply *row, int64_t now)
{
    const redisReply *packed =
        row->type == REDIS_REPLY_ARRAY && row->elements == 3 ? row->element[1] : NULL;
    const redisReply *version = packed ? row->element[2] : NULL;
    Nq__Alert *a =
        packed && packed->type == REDIS_REPLY_STRING && version->type == REDIS_REPLY_STRING
            ? nq__alert__unpack(NULL, packed->len, (const uint8_t *)packed->str)
            : NULL;
    const char *why = "the alert is gone";
    if (!a || alert_escalate(a, now, &why) != 0) {
        nq_log_debug("alert_not_escalated", "%s: %s", id, why);
        unclock(e, id);
        if (a)
            nq__alert__free_unpacked(a, NULL);
        return;
    }
    store_t *s = malloc(sizeof(*s));
    size_t len = nq__alert__get_packed_size(a); /* stored without id, like every change */
    uint8_t *buf = s ? malloc(len ? len : 1) : NULL;
    char key[160], open_ix[160];
    nq_key_alert(key, sizeof(key), id);
    nq_key_index(open_ix, sizeof(open_ix), NQ_IX_ALERTS, "state", "open");
    if (buf)
        nq__alert__pack(a, buf);
    a->id = strdup(id);
    if (!buf || !a->id ||
        nq_script_callf(e->svc->redis, NQ_SCRIPT(ALERT_CHANGE), on_stored, s, 5,
                        "%s %s %s %s %s %s %s %s %b %d %d", key, NQ_KEY_ALERTS, open_ix, open_ix,
                        NQ_KEY_ALERT_ESCALATE, version->str, id, "open", buf, len,
                        NQ_ALERT_STREAM_MAXLEN, alert_escalation_stops(a) ? 1 : 0) != 0) {
        nq_log_warn("alert_escalate_deferred", "%s: not stored (looked at again after the lease)",
                    id);
        nq__alert__free_unpacked(a, NULL);
        free(s);
    } else {
        s->e = e;
        s->alert = a;
    }
    free(buf);
}

/* ALERT_FETCH reply: per alert [id, packed, version]. */
static void on_fetched(nq_redis_t *r, redisReply *reply, void *data)
{
    taken_t *t = data;
    escalate_t *e = t->e;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != t->n) {
        nq_log_warn("alert_escalate_deferred", "%zu alerts looked at again after the lease: %s",
                    t->n,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
    } else if (!e->stopping) {
        int64_t now = nq_now_ms();
        for (size_t i = 0; i < t->n; i++)
            escalate_one(e, t->ids[i], reply->element[i], now);
    }
    taken_free(t);
}

static void on_taken(nq_redis_t *r, redisReply *reply, void *data)
{
    escalate_t *e = data;
    size_t n = reply && reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
    taken_t *t = n && !e->stopping ? calloc(1, sizeof(*t)) : NULL;
    if (t) {
        t->e = e;
        t->ids = calloc(n, sizeof(*t->ids));
    }
    if (!t || !t->ids) {
        if (t)
            taken_free(t);
        e->busy = false;
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[160];
    for (size_t i = 0; i < n; i++) {
        const redisReply *id = reply->element[i];
        if (id->type != REDIS_REPLY_STRING || id->len >= sizeof(t->ids[0]))
            continue;
        memcpy(t->ids[t->n], id->str, id->len + 1);
        nq_key_alert(key, sizeof(key), t->ids[t->n++]);
        nq_redis_args_adds(&a, key);
    }
    int rc = a.failed || t->n == 0 ? -1
                                   : nq_script_call_args(e->svc->redis, NQ_SCRIPT(ALERT_FETCH),
                                                         on_fetched, t, a.argc, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        taken_free(t);
}

static void on_tick(uv_timer_t *h)
{
    escalate_t *e = h->data;
    if (e->busy || e->stopping)
        return;
    if (nq_script_callf(e->svc->redis, NQ_SCRIPT(ALERT_ESCALATE_TAKE), on_taken, e, 1,
                        "%s %lld %d %d", NQ_KEY_ALERT_ESCALATE, (long long)nq_now_ms(),
                        ESCALATE_LEASE_MS, ESCALATE_TAKE_MAX) == 0)
        e->busy = true;
}

escalate_t *escalate_new(nq_service_t *svc, escalate_cb cb, void *arg)
{
    escalate_t *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->svc = svc;
    e->cb = cb;
    e->cb_arg = arg;
    e->tick = malloc(sizeof(*e->tick));
    if (!e->tick) {
        free(e);
        return NULL;
    }
    uv_timer_init(&svc->loop, e->tick);
    e->tick->data = e;
    uv_timer_start(e->tick, on_tick, ESCALATE_TICK_MS, ESCALATE_TICK_MS);
    return e;
}

static void on_tick_closed(uv_handle_t *h)
{
    free(h);
}

void escalate_stop(escalate_t *e)
{
    if (!e || e->stopping)
        return;
    e->stopping = true;
    uv_close((uv_handle_t *)e->tick, on_tick_closed);
    e->tick = NULL;
    nq_log_info("escalation_stopped", "%llu alerts escalated here",
                (unsigned long long)e->escalated);
}

void escalate_free(escalate_t **e)
{
    if (!e || !*e)
        return;
    free(*e);
    *e = NULL;
}
