/* targetsvc.c — targets on the bus. See targetsvc.h. */
#include "targetsvc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/reply.h"
#include "nq/scripts.h"
#include "reporting_app.h"
#include "subject.h"

void targetsvc_replace_begin(nq_redis_args_t *a, const char *key)
{
    nq_redis_args_init(a);
    nq_redis_args_adds(a, key);
    nq_redis_args_adds(a, NQ_KEY_TARGET_VERSION);
}

int targetsvc_replace_send(nq_redis_t *r, nq_redis_args_t *a, int64_t updated_at, nq_redis_cb cb,
                           void *data)
{
    nq_redis_args_adds(a, "_updated_at");
    nq_redis_args_addf(a, "%lld", (long long)updated_at);
    int rc = nq_script_call_args(r, NQ_SCRIPT(TARGET_REPLACE), cb, data, 2, a);
    nq_redis_args_free(a);
    return rc;
}

/* A get's targets derived from the months' (a quarter's or year's), and the
 * metrics that have none for want of some months' targets. */
typedef struct target_derived {
    nq_target_reads_t reads;                  /* the hashes read */
    Nq__MetricValue values[NQ_METRIC_COUNT];  /* reply.derived */
    Nq__MetricValue *ptrs[NQ_METRIC_COUNT];   /* ... as the reply points at them */
    size_t n;                                 /* derived */
    Nq__TargetGap gaps[NQ_METRIC_COUNT];      /* reply.incomplete */
    Nq__TargetGap *gap_ptrs[NQ_METRIC_COUNT]; /* ... as the reply points at them */
    const char *missing[NQ_METRIC_COUNT][12]; /* each gap's month keys (in reads) */
    size_t n_gaps;                            /* incomplete */
} target_derived_t;

typedef struct target_call {
    nq_call_t base;                          /* must be first */
    reporting_t *app;                        /* the service */
    Nq__MetricValue values[NQ_METRIC_COUNT]; /* the targets to answer with */
    Nq__MetricValue *ptrs[NQ_METRIC_COUNT];  /* reply.values */
    size_t n;                                /* values used */
    int64_t updated_at;                      /* when they were set, 0 if never */
    target_derived_t derived;                /* a get of a quarter or year */
} target_call_t;

static void target_answer(nq_call_t *base)
{
    target_call_t *c = (target_call_t *)base;
    if (c->app->sock) {
        nq_reply_header_t h;
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__TargetReply reply = NQ__TARGET_REPLY__INIT;
        reply.header = &h.pb;
        reply.values = ok ? c->ptrs : NULL;
        reply.n_values = ok ? c->n : 0;
        reply.has_updated_at = ok && c->updated_at;
        reply.updated_at = c->updated_at;
        reply.derived = ok ? c->derived.ptrs : NULL;
        reply.n_derived = ok ? c->derived.n : 0;
        reply.incomplete = ok ? c->derived.gap_ptrs : NULL;
        reply.n_incomplete = ok ? c->derived.n_gaps : 0;
        nq_zsock_reply(c->app->sock, &base->env, base->env.type, &reply.base);
    }
    c->app->inflight--;
    nq_call_cleanup(base);
    free(c);
}

/* Add metric m's value to values / ptrs (n of them so far). */
static void value_add(Nq__MetricValue *values, Nq__MetricValue **ptrs, size_t *n, nq_metric_id_t m,
                      double value)
{
    Nq__MetricValue *v = &values[*n];
    nq__metric_value__init(v);
    v->metric = (char *)nq_metric_defs[m].name;
    v->has_value = 1;
    v->value = value;
    ptrs[(*n)++] = v;
}

static void target_add(target_call_t *c, nq_metric_id_t m, double value)
{
    value_add(c->values, c->ptrs, &c->n, m, value);
}

/* The targets as used: those derived, and the metrics with none for want
 * of some months' targets. */
static void on_targets_derived(int status, const nq_targets_t *t, void *data)
{
    target_call_t *c = data;
    target_derived_t *d = &c->derived;
    if (status != 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read targets");
    for (int m = 0; status == 0 && m < NQ_METRIC_COUNT; m++) {
        if (t->source[m] == NQ_TARGET_DERIVED)
            value_add(d->values, d->ptrs, &d->n, (nq_metric_id_t)m, t->value[m]);
        size_t k = nq_targets_missing(t, (nq_metric_id_t)m, &d->reads, d->missing[m]);
        if (k == 0)
            continue;
        Nq__TargetGap *g = &d->gaps[d->n_gaps];
        nq__target_gap__init(g);
        g->metric = (char *)nq_metric_defs[m].name;
        g->missing = (char **)d->missing[m];
        g->n_missing = k;
        d->gap_ptrs[d->n_gaps++] = g;
    }
    nq_call_release(&c->base);
}

static void on_targets_read(nq_redis_t *r, redisReply *reply, void *data)
{
    target_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        for (size_t i = 0; i + 1 < reply->elements; i += 2) {
            const char *field = reply->element[i]->str, *value = reply->element[i + 1]->str;
            int m = nq_metric_find(field);
            if (m >= 0 && c->n < NQ_METRIC_COUNT)
                target_add(c, (nq_metric_id_t)m, strtod(value, NULL));
            else if (strcmp(field, "_updated_at") == 0)
                c->updated_at = strtoll(value, NULL, 10);
        }
    }
    nq_call_release(&c->base);
}

static void on_targets_written(nq_redis_t *r, redisReply *reply, void *data)
{
    target_call_t *c = data;
    nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->base);
}

/* Check the values of a put into the call; problems go to errs. */
static void check_values(target_call_t *c, const Nq__TargetRequest *req)
{
    bool seen[NQ_METRIC_COUNT] = {false};
    for (size_t i = 0; i < req->n_values; i++) {
        const Nq__MetricValue *v = req->values[i];
        int m = nq_metric_find(v->metric);
        const char *name = v->metric ? v->metric : "(metric)";
        if (m < 0)
            nq_field_errors_add(&c->base.errs, name, "unknown metric");
        else if (seen[m])
            nq_field_errors_add(&c->base.errs, name, "given twice");
        else if (!v->has_value || !isfinite(v->value) || v->value < 0)
            nq_field_errors_add(&c->base.errs, name, "must be a number >= 0");
        else {
            seen[m] = true;
            target_add(c, (nq_metric_id_t)m, v->value);
        }
    }
}

static void write_targets(target_call_t *c, const char *key)
{
    nq_redis_args_t a;
    targetsvc_replace_begin(&a, key);
    c->updated_at = nq_now_ms();
    for (size_t i = 0; i < c->n; i++) {
        nq_redis_args_adds(&a, c->values[i].metric);
        nq_redis_args_addf(&a, "%.17g", c->values[i].value);
    }
    nq_call_issued(&c->base, targetsvc_replace_send(c->app->svc->redis, &a, c->updated_at,
                                                    on_targets_written, c));
}

/* A get: the hash as set, and for a quarter or year the targets derived
 * from the months'. */
static void read_targets(target_call_t *c, const subject_ref_t *who, const nq_period_t *period,
                         const char *key)
{
    nq_redis_t *redis = c->app->svc->redis;
    nq_call_issued(&c->base, nq_redis_command(redis, on_targets_read, c, "HGETALL %s", key));
    nq_target_reads_init(&c->derived.reads, period, &c->app->cal);
    if (c->derived.reads.n != 1)
        nq_call_issued(&c->base, nq_targets_fetch(redis, who->subject, who->id, &c->derived.reads,
                                                  -1, on_targets_derived, c));
}

void targetsvc_on_target(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                         const ProtobufCMessage *msg, void *data)
{
    reporting_t *app = data;
    const Nq__TargetRequest *req = (const Nq__TargetRequest *)msg;
    target_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, target_answer) != 0) {
        free(c);
        nq_log_error("target_request", "cannot serve %s: out of memory", env->type);
        return;
    }
    c->app = app;
    app->inflight++;
    bool put = env->msg == NQ_MSG(TARGET_PUT);
    subject_ref_t who;
    nq_period_kind_t kind = NQ_PERIOD_MONTH;
    nq_period_t period;
    char key[REPORTING_KEY_MAX];
    subject_check(req->has_subject, req->subject, req->id, &who, &c->base.errs);
    if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(&c->base.errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_from_key(kind, req->period_key, &period) != 0)
        nq_field_errors_add(&c->base.errs, "key", "is not a %s key (like 2026-11, 2026-W48)",
                            nq_period_kind_name(kind));
    if (put)
        check_values(c, req);
    if (c->base.errs.n)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid targets: %s %s",
                     c->base.errs.items[0].field, c->base.errs.items[0].reason);
    else if (!answer_busy(app, &c->base) &&
             nq_key_target(key, sizeof(key), who.subject, who.id, &period) >= 0) {
        if (put)
            write_targets(c, key);
        else
            read_targets(c, &who, &period, key);
    }
    nq_call_release(&c->base);
}
