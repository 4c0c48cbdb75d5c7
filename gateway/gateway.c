/* gateway.c — the gateway app: wiring of HTTP, upstreams, alerts and the
 * route table. See gateway.h. */
#include "gateway.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "coalesce.h"
#include "door.h"
#include "nq/log.h"
#include "webfiles.h"

#ifndef NQ_WEB_BUILD_ROOT
#define NQ_WEB_BUILD_ROOT "web" /* the build sets its own copy of gateway/web */
#endif

/* Every handler module's rows, concatenated into one route table. */
static const gw_routes_t *const modules[] = {
    &gw_activity_routes,    &gw_activity_read_routes, &gw_kpi_routes,          &gw_org_routes,
    &gw_alert_routes,       &gw_channel_routes,       &gw_health_routes,       &gw_target_routes,
    &gw_plan_routes,        &gw_admin_routes,         &gw_metrics_routes,      &gw_auth_routes,
    &gw_audit_routes,       &gw_team_settings_routes, &gw_custsum_routes,      &gw_access_routes,
    &gw_receivables_routes, &gw_pool_routes,          &gw_satisfaction_routes, &gw_intel_routes,
    &gw_trainreq_routes,
};
#define N_MODULES  (sizeof(modules) / sizeof(modules[0]))
#define MAX_ROUTES 128

static nq_route_t routes[MAX_ROUTES];
static size_t n_routes;

static int build_routes(void)
{
    n_routes = 0;
    for (size_t m = 0; m < N_MODULES; m++) {
        if (n_routes + modules[m]->n > MAX_ROUTES)
            return -1;
        memcpy(&routes[n_routes], modules[m]->rows, modules[m]->n * sizeof(nq_route_t));
        n_routes += modules[m]->n;
    }
    return 0;
}

const nq_route_t *gateway_routes(size_t *n)
{
    if (n_routes == 0 && build_routes() != 0)
        return NULL;
    *n = n_routes;
    return routes;
}

static void on_request(nq_http_conn_t *conn, const nq_http_request_t *http, void *ctx)
{
    gateway_t *gw = ctx;
    nq_route_params_t params;
    int status = 404;
    if (gw_door_cors(gw, conn, http))
        return;
    const nq_route_t *route =
        nq_route_find(routes, n_routes, http->method, http->path, &params, &status);
    if (!route) {
        if (status == 404 && gw_static_answer(gw, conn, http))
            return;
        gw_respond_error(conn, status, status == 405 ? "method_not_allowed" : "not_found",
                         status == 405 ? "this path does not take that method" : "no such path",
                         NULL);
        return;
    }
    gw->requests++;
    gw_request_t req = {gw, conn, http, route, &params, NULL};
    if (gw_door_media(&req))
        return;
    gw_auth_door(gw->auth, &req);
}

void *gateway_new(nq_service_t *svc)
{
    gateway_t *gw = calloc(1, sizeof(*gw));
    if (!gw || build_routes() != 0) {
        free(gw);
        return NULL;
    }
    gw->svc = svc;
    const nq_config_t *cfg = &svc->cfg;
    size_t max_frame = (size_t)cfg->max_frame_bytes;
    gw->ingest = upstream_new(&svc->loop, svc->zctx, cfg->ingest_endpoint,
                              nq_curve_link(svc->curve, NQ_LINK_INGEST), NQ_SVC_INGEST, max_frame);
    gw->customers =
        upstream_new(&svc->loop, svc->zctx, cfg->customers_endpoint,
                     nq_curve_link(svc->curve, NQ_LINK_CUSTOMERS), NQ_SVC_CUSTOMERS, max_frame);
    gw->reporting =
        upstream_new(&svc->loop, svc->zctx, cfg->reporting_endpoint,
                     nq_curve_link(svc->curve, NQ_LINK_REPORTING), NQ_SVC_REPORTING, max_frame);
    gw->coalescer = gw->ingest
                        ? coalescer_new(&svc->loop, gw->ingest, (size_t)cfg->max_batch_events,
                                        max_frame / 2, (uint64_t)cfg->request_timeout_ms)
                        : NULL;
    gw->alerts = sse_hub_new(gw);
    gw->boards = board_cache_new(BOARD_CACHE_BOARDS, BOARD_CACHE_BYTES);
    gw->auth = gw_auth_new(gw);
    gw->door = gw_door_new(gw);
    bool web_set = cfg->web_root[0] != '\0';
    if (gw_static_load(gw, web_set ? cfg->web_root : NQ_WEB_BUILD_ROOT, web_set) != 0) {
        gateway_stop(gw);
        gateway_free(gw);
        return NULL;
    }
    gw->http = nq_http_server_new(&svc->loop, cfg->http_host, cfg->http_port,
                                  (size_t)cfg->max_body_bytes, on_request, gw);
    if (!gw->ingest || !gw->coalescer || !gw->customers || !gw->reporting || !gw->alerts ||
        !gw->boards || !gw->auth || !gw->door || !gw->http) {
        gateway_stop(gw);
        gateway_free(gw);
        return NULL;
    }
    nq_log_info("listening", "http://%s:%d", cfg->http_host, cfg->http_port);
    return gw;
}

void gateway_stop(void *app)
{
    gateway_t *gw = app;
    if (!gw)
        return;
    sse_hub_destroy(&gw->alerts);
    nq_http_server_destroy(&gw->http);
    gw_auth_stop(&gw->auth);
    coalescer_destroy(&gw->coalescer);
    upstream_destroy(&gw->ingest);
    upstream_destroy(&gw->customers);
    upstream_destroy(&gw->reporting);
}

void gateway_free(void *app)
{
    gateway_t *gw = app;
    if (gw) {
        board_cache_free(gw->boards);
        gw_door_free(&gw->door);
        gw_webfiles_free(gw->web);
    }
    free(gw);
}
