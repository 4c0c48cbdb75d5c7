/* alerting.c — the alerting service's I/O. See alerting.h. */
#include "alerting.h"

#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "rules.h"

struct alerting {
    nq_service_t *svc;             /* shared process state */
    nq_zsock_t *sub;               /* kpi.changed.v1 from scorers */
    nq_zsock_t *pub;               /* alert.raised.v1 to gateways */
    alert_thresholds_t thresholds; /* rule settings */
    uint64_t raised;               /* alerts raised by this process */
};

/* An alert on its way into the stream. */
typedef struct raise_job {
    alerting_t *al;           /* owner */
    const alert_rule_t *rule; /* which rule fired */
    alert_draft_t draft;      /* what to raise */
    alert_names_t names;      /* looked up for the titles */
    int64_t raised_at;        /* when */
} raise_job_t;

static void on_raised(nq_redis_t *r, redisReply *reply, void *data)
{
    raise_job_t *job = data;
    alerting_t *al = job->al;
    if (reply && reply->type == REDIS_REPLY_STRING) {
        Nq__Alert alert = NQ__ALERT__INIT;
        alert_draft_to_proto(&job->draft, job->raised_at, &alert);
        alert.id = reply->str;
        al->raised++;
        if (al->pub)
            nq_zsock_send(al->pub, NQ_MSG(ALERT_RAISED), &alert.base);
        nq_log_info("alert_raised", "%s %s: %s", alert.id, job->draft.rule, job->draft.title_en);
    } else if (reply && reply->type == REDIS_REPLY_ERROR) {
        nq_log_error("alert_store_failed", "%s: %s", job->draft.rule, reply->str);
    } else if (!reply) {
        nq_log_error("alert_store_failed", "%s for %s: Redis unavailable", job->draft.rule,
                     job->draft.subject);
    }
    free(job);
}

static void raise_alert(alerting_t *al, raise_job_t *job)
{
    Nq__Alert alert = NQ__ALERT__INIT;
    alert_draft_to_proto(&job->draft, job->raised_at, &alert);
    size_t len = nq__alert__get_packed_size(&alert);
    uint8_t *buf = malloc(len ? len : 1);
    char seen[256];
    snprintf(seen, sizeof(seen), NQ_KEY_ALERT_SEEN_PREFIX "%s:%s", job->draft.rule,
             job->draft.subject);
    int rc = -1;
    if (buf) {
        nq__alert__pack(&alert, buf);
        rc = nq_script_callf(al->svc->redis, NQ_SCRIPT(ALERT_RAISE), on_raised, job, 2,
                             "%s %s %d %d %b", seen, NQ_KEY_ALERTS, NQ_ALERT_SEEN_TTL_S,
                             NQ_ALERT_STREAM_MAXLEN, buf, len);
    }
    free(buf);
    if (rc != 0) {
        nq_log_error("alert_store_failed", "%s for %s: Redis unavailable", job->draft.rule,
                     job->draft.subject);
        free(job);
    }
}

/* The names for the titles, then the alert: a name that is not in the reply
 * (unknown, or Redis down) is "", so the title shows the id. */
static void on_names(nq_redis_t *r, redisReply *reply, void *data)
{
    raise_job_t *job = data;
    char *const targets[2] = {job->names.salesperson, job->names.customer};
    bool listed = reply && reply->type == REDIS_REPLY_ARRAY;
    for (size_t i = 0; i < 2; i++) {
        bool known = listed && i < reply->elements && reply->element[i]->type == REDIS_REPLY_STRING;
        snprintf(targets[i], sizeof(job->names.salesperson), "%s",
                 known ? reply->element[i]->str : "");
    }
    job->rule->title(&job->draft, &job->names);
    raise_alert(job->al, job);
}

static void look_up_names(alerting_t *al, raise_job_t *job)
{
    char sp[128], cu[128];
    nq_key_salesperson(sp, sizeof(sp), job->draft.salesperson_id);
    nq_key_customer(cu, sizeof(cu), *job->draft.customer_id ? job->draft.customer_id : "-");
    if (nq_script_callf(al->svc->redis, NQ_SCRIPT(ALERT_NAMES), on_names, job, 2, "%s %s", sp,
                        cu) != 0)
        on_names(NULL, NULL, job); /* titles with ids; raise_alert reports Redis down */
}

static void evaluate(alerting_t *al, const Nq__Activity *ev)
{
    int64_t now = nq_now_ms();
    for (size_t i = 0; i < alert_rules_count; i++) {
        raise_job_t *job = calloc(1, sizeof(*job));
        if (!job)
            return;
        if (!alert_rule_fires(&alert_rules[i], ev, &al->thresholds, now, &job->draft)) {
            free(job);
            continue;
        }
        job->al = al;
        job->rule = &alert_rules[i];
        job->draft.rule = alert_rules[i].key;
        job->draft.severity = alert_rules[i].severity;
        job->raised_at = now;
        look_up_names(al, job);
    }
}

static void on_change(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *app)
{
    const Nq__KpiChange *change = (const Nq__KpiChange *)msg;
    for (size_t i = 0; i < change->n_applied; i++)
        evaluate(app, change->applied[i]);
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(KPI_CHANGED), on_change},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

void *alerting_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_SUB, NQ_SVC_ALERTING) != 0)
        return NULL;
    alerting_t *al = calloc(1, sizeof(*al));
    if (!al)
        return NULL;
    al->svc = svc;
    const nq_config_t *cfg = &svc->cfg;
    al->thresholds.big_order_fen = cfg->big_order_fen;
    al->thresholds.recency_ms = cfg->alert_recency_s * 1000;
    al->sub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_SUB, cfg->changes_endpoint, NQ_ZSOCK_BIND,
                           routes, N_ROUTES, al, (size_t)cfg->max_frame_bytes);
    al->pub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_PUB, cfg->alerts_endpoint, NQ_ZSOCK_BIND,
                           NULL, 0, al, (size_t)cfg->max_frame_bytes);
    if (!al->sub || !al->pub) {
        alerting_stop(al);
        free(al);
        return NULL;
    }
    nq_log_info("listening", "changes %s, alerts %s", cfg->changes_endpoint, cfg->alerts_endpoint);
    return al;
}

void alerting_stop(void *app)
{
    alerting_t *al = app;
    if (!al)
        return;
    nq_zsock_destroy(&al->sub);
    nq_zsock_destroy(&al->pub);
}

void alerting_free(void *app)
{
    free(app);
}
