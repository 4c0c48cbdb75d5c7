/* reporting.c — the reporting service's I/O. See reporting.h; logic in report.c. */
#include "reporting.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/log.h"
#include "nq/reply.h"
#include "boardsvc.h"
#include "overviewsvc.h"
#include "plansvc.h"
#include "report.h"
#include "reporting_app.h"
#include "scoreboardsvc.h"
#include "scoresvc.h"
#include "splitsvc.h"
#include "targetsvc.h"

/* Longest Redis key of a profile (ids are at most NQ_ID_MAX bytes). */
#define KEY_MAX 128

struct report_call;

/* One KPI read of a call: nq_kpi_fetch hands it back to on_kpis. */
typedef struct kpi_read {
    struct report_call *call; /* the call it belongs to */
    nq_kpi_values_t values;   /* what was read */
} kpi_read_t;

/* One report request from its arrival to its reply (steps counted by nq/call.h). */
typedef struct report_call {
    nq_call_t base;      /* must be first */
    reporting_t *app;    /* the service */
    report_query_t q;    /* whose report, which periods (valid once parsed) */
    kpi_read_t current;  /* counters of q.period */
    kpi_read_t previous; /* counters of q.previous */
    char *name;          /* the salesperson's name, NULL when none */
} report_call_t;

/* Send the reply (unless the socket is closed by now) and free the call. */
static void call_answer(nq_call_t *base)
{
    report_call_t *c = (report_call_t *)base;
    if (base->status == NQ__STATUS__STATUS_UNAVAILABLE)
        nq_log_warn("report_unavailable", "%s: %s", c->q.salesperson_id, base->detail);
    if (c->app->sock) {
        report_reply_t r;
        if (base->status == NQ__STATUS__STATUS_OK)
            report_reply_ok(&r, base->correlation_id, &c->q, c->name, &c->current.values,
                            &c->previous.values);
        else
            report_reply_fail(&r, base->correlation_id, base->status, base->detail, &base->errs);
        nq_zsock_reply(c->app->sock, &base->env, base->env.type, &r.pb.base);
    } else {
        nq_log_debug("reply_dropped", "%s %s: stopping", base->env.type, c->q.salesperson_id);
    }
    c->app->inflight--;
    free(c->name);
    nq_call_cleanup(base);
    free(c);
}

static report_call_t *call_new(reporting_t *app, const nq_bus_envelope_t *env,
                               const Nq__SalespersonReportRequest *req)
{
    report_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, call_answer) != 0) {
        free(c);
        return NULL;
    }
    c->app = app;
    c->current.call = c->previous.call = c;
    app->inflight++;
    return c;
}

static void on_kpis(int status, const nq_kpi_values_t *values, void *data)
{
    kpi_read_t *rd = data;
    if (status != 0)
        nq_call_fail(&rd->call->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "could not read the KPIs of %s", rd->call->q.salesperson_id);
    else
        rd->values = *values;
    nq_call_release(&rd->call->base);
}

static void on_name(nq_redis_t *r, redisReply *reply, void *data)
{
    report_call_t *c = data;
    if (!reply)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "redis connection lost");
    else if (reply->type == REDIS_REPLY_ERROR)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "redis error: %s", reply->str);
    else if (reply->type == REDIS_REPLY_STRING && !(c->name = strdup(reply->str)))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    nq_call_release(&c->base);
}

/* Issue the three reads; each one answered or failed releases the call. */
static void start_reads(report_call_t *c)
{
    nq_redis_t *redis = c->app->svc->redis;
    const char *sp = c->q.salesperson_id;
    nq_call_issued(&c->base, nq_kpi_fetch(redis, sp, &c->q.period, on_kpis, &c->current));
    nq_call_issued(&c->base, nq_kpi_fetch(redis, sp, &c->q.previous, on_kpis, &c->previous));
    char key[KEY_MAX];
    nq_key_salesperson(key, sizeof(key), sp);
    nq_call_issued(&c->base, nq_redis_command(redis, on_name, c, "HGET %s name", key));
}

static void on_report(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *data)
{
    reporting_t *app = data;
    const Nq__SalespersonReportRequest *req = (const Nq__SalespersonReportRequest *)msg;
    report_call_t *c = call_new(app, env, req);
    if (!c) {
        nq_log_error("report_request", "cannot serve %s: out of memory", env->type);
        return;
    }
    if (app->inflight > REPORTING_MAX_INFLIGHT)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "busy: %d reports waiting for redis",
                     REPORTING_MAX_INFLIGHT);
    else if (report_query_parse(req, nq_now_ms(), &c->q, &c->base.errs) != 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid report request: %s %s%s",
                     c->base.errs.items[0].field, c->base.errs.items[0].reason,
                     c->base.errs.n > 1 ? NQ_REASON(" (and more)") : "");
    else
        start_reads(c);
    nq_call_release(&c->base);
}

static void on_ping(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *app)
{
    nq_reply_pong(sock, env, msg, ((reporting_t *)app)->svc, "reporting");
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(REPORT_SALESPERSON), on_report},
    {NQ_MSG(TARGET_PUT), targetsvc_on_target},
    {NQ_MSG(TARGET_GET), targetsvc_on_target},
    {NQ_MSG(KPI_OVERVIEW), overviewsvc_on_overview},
    {NQ_MSG(LEADERBOARD), boardsvc_on_leaderboard},
    {NQ_MSG(TARGET_SPLIT), splitsvc_on_split},
    {NQ_MSG(PLAN_PUT), plansvc_on_plan},
    {NQ_MSG(PLAN_GET), plansvc_on_plan},
    {NQ_MSG(SCORE), scoresvc_on_score},
    {NQ_MSG(SCORE_BOARD), scoreboardsvc_on_score_board},
    {NQ_MSG(SIMULATE), scoresvc_on_score},
    {NQ_MSG(SYS_PING), on_ping},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

void *reporting_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_ROUTER, NQ_SVC_REPORTING) != 0)
        return NULL;
    reporting_t *app = calloc(1, sizeof(*app));
    if (!app) {
        nq_log_error("reporting_start", "out of memory");
        return NULL;
    }
    app->svc = svc;
    const nq_config_t *cfg = &svc->cfg;
    const char *why = NULL;
    if (nq_calendar_parse(&app->cal, cfg->holidays, cfg->makeup_workdays, &why) != 0) {
        nq_log_error("reporting_start", "working-day calendar: %s", why);
        free(app);
        return NULL;
    }
    app->sock = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_ROUTER, cfg->reporting_endpoint,
                             NQ_ZSOCK_BIND, nq_curve_link(svc->curve, NQ_LINK_REPORTING), routes,
                             N_ROUTES, app, (size_t)cfg->max_frame_bytes);
    if (!app->sock) {
        nq_calendar_free(&app->cal);
        free(app);
        return NULL;
    }
    nq_log_info("listening", "reporting ROUTER on %s", cfg->reporting_endpoint);
    return app;
}

void reporting_stop(void *data)
{
    reporting_t *app = data;
    if (app)
        nq_zsock_destroy(&app->sock);
}

void reporting_free(void *data)
{
    reporting_t *app = data;
    if (app)
        nq_calendar_free(&app->cal);
    free(app);
}
