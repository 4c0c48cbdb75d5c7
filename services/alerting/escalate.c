/* escalate.c — the escalation timer's I/O. See escalate.h. */
#include "escalate.h"

#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "lifecycle.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"

struct escalate {
    nq_service_t *svc;  /* shared process state */
    deadline_t *clock;  /* takes due escalations under a lease (deadline.h) */
    escalate_cb cb;     /* told of each alert escalated here */
    void *cb_arg;       /* its argument */
    bool stopping;      /* escalate_stop ran */
    uint64_t escalated; /* alerts escalated here */
};

/* The alert ids taken by one tick (owned by the deadline engine). */
typedef struct taken {
    escalate_t *e;
    size_t n;
    char (*ids)[DEADLINE_ID_MAX];
} taken_t;

/* One escalation being stored. */
typedef struct store {
    escalate_t *e;
    Nq__Alert *alert; /* as stored, with its id */
} store_t;

static void taken_free(taken_t *t)
{
    deadline_done(t->e->clock);
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

/* Due alert ids taken by the engine: read their alerts. */
static void on_due(void *arg, deadline_t *d, char (*ids)[DEADLINE_ID_MAX], size_t n)
{
    escalate_t *e = arg;
    taken_t *t = calloc(1, sizeof(*t));
    if (!t) {
        deadline_done(d);
        return;
    }
    t->e = e;
    t->ids = ids;
    t->n = n;
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[DEADLINE_ID_MAX + 16];
    for (size_t i = 0; i < n; i++) {
        nq_key_alert(key, sizeof(key), ids[i]);
        nq_redis_args_adds(&a, key);
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(e->svc->redis, NQ_SCRIPT(ALERT_FETCH), on_fetched, t,
                                            a.argc, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        taken_free(t);
}

escalate_t *escalate_new(nq_service_t *svc, escalate_cb cb, void *arg)
{
    escalate_t *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->svc = svc;
    e->cb = cb;
    e->cb_arg = arg;
    e->clock = deadline_new(svc, NQ_KEY_ALERT_ESCALATE, ESCALATE_TICK_MS, ESCALATE_LEASE_MS,
                            ESCALATE_TAKE_MAX, on_due, e);
    if (!e->clock) {
        free(e);
        return NULL;
    }
    return e;
}

void escalate_stop(escalate_t *e)
{
    if (!e || e->stopping)
        return;
    e->stopping = true;
    deadline_stop(e->clock);
    nq_log_info("escalation_stopped", "%llu alerts escalated here",
                (unsigned long long)e->escalated);
}

void escalate_free(escalate_t **e)
{
    if (!e || !*e)
        return;
    deadline_free(&(*e)->clock);
    free(*e);
    *e = NULL;
}
