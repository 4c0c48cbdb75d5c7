/* deadline.c — the deadline engine. See deadline.h. */
#include "deadline.h"

#include <stdlib.h>
#include <string.h>

#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"

struct deadline {
    nq_service_t *svc;            /* shared process state */
    const char *zset;             /* the clock */
    uv_timer_t *tick;             /* looks for due members (heap: closes after we are freed) */
    int lease_ms;                 /* a taken member comes back after this */
    int take_max;                 /* members taken at once */
    deadline_cb cb;               /* handles what was taken */
    void *cb_arg;                 /* its argument */
    char (*ids)[DEADLINE_ID_MAX]; /* the members of the take in flight */
    int64_t leased_until;         /* the score the take in flight gave its members */
    bool busy;                    /* a take (and its handling) is in flight */
    bool full;     /* the take in flight came back full: take again once it is handled */
    bool stopping; /* deadline_stop ran */
};

static void on_tick(uv_timer_t *h);

void deadline_done(deadline_t *d)
{
    free(d->ids);
    d->ids = NULL;
    d->busy = false;
    if (d->full && !d->stopping) { /* a backlog (a restart after downtime): drain it now */
        d->full = false;
        on_tick(d->tick);
    }
}

static void on_taken(nq_redis_t *r, redisReply *reply, void *data)
{
    deadline_t *d = data;
    size_t n = reply && reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("deadline_take_failed", "%s: %s", d->zset, reply->str);
    d->ids = n && !d->stopping ? calloc(n, sizeof(*d->ids)) : NULL;
    d->full = n >= (size_t)d->take_max;
    size_t k = 0;
    for (size_t i = 0; d->ids && i < n; i++) {
        const redisReply *id = reply->element[i];
        if (id->type != REDIS_REPLY_STRING || id->len >= sizeof(d->ids[0]))
            continue;
        memcpy(d->ids[k++], id->str, id->len + 1);
    }
    if (k == 0) {
        deadline_done(d);
        return;
    }
    d->cb(d->cb_arg, d, d->ids, k);
}

static void on_tick(uv_timer_t *h)
{
    deadline_t *d = h->data;
    if (d->busy || d->stopping)
        return;
    int64_t now = nq_now_ms();
    d->leased_until = now + d->lease_ms;
    if (nq_script_callf(d->svc->redis, NQ_SCRIPT(ALERT_DEADLINE_LEASE), on_taken, d, 1,
                        "%s %lld %d %d", d->zset, (long long)now, d->lease_ms, d->take_max) == 0)
        d->busy = true;
}

deadline_t *deadline_new(nq_service_t *svc, const char *zset, int tick_ms, int lease_ms,
                         int take_max, deadline_cb cb, void *arg)
{
    deadline_t *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->svc = svc;
    d->zset = zset;
    d->lease_ms = lease_ms;
    d->take_max = take_max;
    d->cb = cb;
    d->cb_arg = arg;
    d->tick = malloc(sizeof(*d->tick));
    if (!d->tick) {
        free(d);
        return NULL;
    }
    uv_timer_init(&svc->loop, d->tick);
    d->tick->data = d;
    uv_timer_start(d->tick, on_tick, tick_ms, tick_ms);
    return d;
}

int64_t deadline_leased_until(const deadline_t *d)
{
    return d->leased_until;
}

static void on_tick_closed(uv_handle_t *h)
{
    free(h);
}

void deadline_stop(deadline_t *d)
{
    if (!d || d->stopping)
        return;
    d->stopping = true;
    uv_close((uv_handle_t *)d->tick, on_tick_closed);
    d->tick = NULL;
}

bool deadline_stopping(const deadline_t *d)
{
    return d->stopping;
}

void deadline_free(deadline_t **d)
{
    if (!d || !*d)
        return;
    free((*d)->ids);
    free(*d);
    *d = NULL;
}
