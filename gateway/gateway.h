/* gateway/gateway.h — the gateway app, shared by its handler modules.
 *
 * The gateway owns the HTTP server, one upstream (DEALER) per service with a
 * ROUTER, the SUB socket of raised alerts, the SSE clients, and a Redis
 * client for the reads it serves itself (KPIs, alert replay, heartbeats).
 * Each handler module (h_*.c) exports its rows of the route table.
 */
#ifndef NQ_GATEWAY_H
#define NQ_GATEWAY_H

#include <jansson.h>

#include "boardcache.h"
#include "http.h"
#include "nq/fielderr.h"
#include "nq/i18n.h"
#include "nq/period.h"
#include "nq/service.h"
#include "router.h"
#include "upstream.h"

typedef struct sse_hub sse_hub_t;
typedef struct coalescer coalescer_t;
typedef struct gw_auth gw_auth_t;
typedef struct gw_door gw_door_t;
typedef struct gw_webfiles gw_webfiles_t;

typedef struct gateway {
    nq_service_t *svc;      /* shared process state */
    nq_http_server_t *http; /* the HTTP server */
    upstream_t *ingest;     /* the messages nq-ingest answers (nq/msgtypes.def) */
    upstream_t *customers;  /* nq-customers' */
    upstream_t *reporting;  /* nq-reporting's */
    sse_hub_t *alerts;      /* SSE clients + alert SUB */
    coalescer_t *coalescer; /* one ingest batch per loop turn */
    board_cache_t *boards;  /* leaderboard answers, kept until a KPI or the org changes */
    gw_auth_t *auth;        /* who is asking: the check at the door (auth.h) */
    gw_door_t *door;        /* CORS, body types, rate limits, audit (door.h) */
    gw_webfiles_t *web;     /* the console's files (webfiles.h), or NULL */
    uint64_t requests;      /* HTTP requests routed */
} gateway_t;

/* App hooks for nq_service_main (see nq/service.h). */
void *gateway_new(nq_service_t *svc);
void gateway_stop(void *gateway);
void gateway_free(void *gateway);

/* What a route's handler (gw_handler_fn, router.h) gets. */
typedef struct gw_request {
    gateway_t *gw;                   /* the app */
    nq_http_conn_t *conn;            /* answer here */
    const nq_http_request_t *http;   /* the request (borrowed until answered) */
    const nq_route_t *route;         /* the matched route row; route->arg is the row's argument */
    const nq_route_params_t *params; /* path parameters */
    const struct gw_principal *who;  /* who asked (authcache.h); NULL on open routes */
} gw_request_t;

/* A handler module's routes. */
typedef struct gw_routes {
    const nq_route_t *rows;
    size_t n;
} gw_routes_t;

extern const gw_routes_t gw_activity_routes;
extern const gw_routes_t gw_activity_read_routes;
extern const gw_routes_t gw_kpi_routes;
extern const gw_routes_t gw_org_routes;
extern const gw_routes_t gw_pool_routes;
extern const gw_routes_t gw_alert_routes;
extern const gw_routes_t gw_channel_routes;
extern const gw_routes_t gw_health_routes;
extern const gw_routes_t gw_target_routes;
extern const gw_routes_t gw_plan_routes;
extern const gw_routes_t gw_admin_routes;
extern const gw_routes_t gw_metrics_routes;
extern const gw_routes_t gw_auth_routes;
extern const gw_routes_t gw_audit_routes;
extern const gw_routes_t gw_custsum_routes;
extern const gw_routes_t gw_receivables_routes;
extern const gw_routes_t gw_satisfaction_routes;
extern const gw_routes_t gw_intel_routes;
extern const gw_routes_t gw_team_settings_routes;
extern const gw_routes_t gw_access_routes;
extern const gw_routes_t gw_trainreq_routes;

/* The whole route table (every module's rows), for the door and the tests. */
const nq_route_t *gateway_routes(size_t *n);

/* ---- answers (respond.c) ----------------------------------------------- */

/* Answer with a JSON value (reference stolen). Returns like nq_http_respond. */
int gw_respond_json(nq_http_conn_t *conn, int status, json_t *body, const char *extra_headers);

/* Answer `status` with JSON text already written (len bytes). */
int gw_respond_json_text(nq_http_conn_t *conn, int status, const char *text, size_t len);

/* Answer {"error": code, "detail": detail, "errors": [...]} (errs may be NULL).
 * Every error answer is in the language the request asks for (gw_lang): the
 * detail and each reason translated, the code and the field names never. */
int gw_respond_error(nq_http_conn_t *conn, int status, const char *code, const char *detail,
                     const nq_field_errors_t *errs);

/* The same with extra header lines (WWW-Authenticate, Retry-After, ...). */
int gw_respond_error_headers(nq_http_conn_t *conn, int status, const char *code, const char *detail,
                             const char *extra_headers);

/* The language of the answer to the request being handled on conn: its
 * Accept-Language (nq/i18n.h), English when absent. */
nq_lang_t gw_lang(const nq_http_conn_t *conn);

/* Each "reason" of a JSON array of field errors, in `lang`. */
void gw_localize_errors(json_t *errors, nq_lang_t lang);

/* JSON array of field errors, from the C struct or from a reply header, in
 * English. */
json_t *gw_field_errors_json(const nq_field_errors_t *errs);
json_t *gw_pb_field_errors_json(Nq__FieldError *const *errs, size_t n);

/* Map a reply status to an HTTP answer: OK -> `ok_status` with `body`;
 * otherwise the matching error (400/404/403/503) with the header's detail
 * and field errors. `body` is consumed either way. */
int gw_respond_reply(nq_http_conn_t *conn, const Nq__ReplyHeader *hdr, int ok_status, json_t *body);

/* 503 with Retry-After for an upstream that did not answer. */
int gw_respond_unavailable(nq_http_conn_t *conn, const char *what);

/* Parse the JSON body (any JSON value; duplicate keys refused); answers
 * 415/400 itself and returns NULL when it cannot. New reference. */
json_t *gw_load_json(const gw_request_t *req);

/* Parse the JSON body as an object; answers 400/415 itself and returns NULL
 * when it is not one. New reference. */
json_t *gw_parse_json_body(const gw_request_t *req);

/* Name each member of the object `body` that is not in the NULL-terminated
 * `known` with `reason` (spelled with NQ_REASON where it is written). */
void gw_unknown_fields(const json_t *body, const char *const *known, const char *reason,
                       nq_field_errors_t *errs);

/* The path parameter `name` when it is a valid id; otherwise answers 400
 * naming it and returns NULL. */
const char *gw_path_id(const gw_request_t *req, const char *name);

/* Read ?period=day|week|month|quarter|year (default week) and ?at= (a date,
 * RFC 3339 time or Unix ms; default now). Answers 400 itself and returns -1
 * when either is wrong. */
int gw_period_query(const gw_request_t *req, nq_period_kind_t *kind, int64_t *at_ms);

/* ---- calls to services that answer an HTTP request later ----------------- */

/* Send `msg` as message `type` (NQ_MSG(TARGET_GET)) to the service that
 * answers it; when the reply comes (or not), `done` runs with the
 * connection (retained meanwhile; skipped if the client left) and `data`,
 * then free_data(data). Returns 0 when sent; -1 when the call could not be
 * sent, after answering 503 and freeing data. */
typedef void (*gw_reply_fn)(nq_http_conn_t *conn, const ProtobufCMessage *reply,
                            const Nq__ReplyHeader *hdr, void *data);
int gw_call(const gw_request_t *req, const nq_msgtype_t *type, ProtobufCMessage *msg,
            gw_reply_fn done, void *data, void (*free_data)(void *));

/* The service that answers `msg` asked directly, for an answer sent in
 * pieces: done(reply, hdr, data) runs once (reply NULL when it did not
 * answer in time). Returns 0, or -1 when it could not be sent (done not run). */
int gw_ask(gateway_t *gw, const nq_msgtype_t *type, ProtobufCMessage *msg, upstream_cb done,
           void *data);

/* ---- the org lists (h_org.c) and the customer export (h_export.c) -------- */

/* Answer 200 with body (stolen), the ids of `records` (a record or an array
 * of them, borrowed from body) named from the org store (orgnames.h): one
 * HGET per distinct id, pipelined; 503 when Redis does not answer. Without
 * ids (or memory to name them) at once. */
void gw_respond_named(gateway_t *gw, nq_http_conn_t *conn, json_t *body, json_t *records);

/* A list's query parameters as sent (nq-customers checks what they say), and
 * the most taken and the longest name or value (a cursor is the longest). */
#define GW_LIST_PARAMS_MAX 16
#define GW_LIST_PARAM_MAX  256
typedef struct gw_list_query {
    size_t n;
    char names[GW_LIST_PARAMS_MAX + 1][GW_LIST_PARAM_MAX];
    char values[GW_LIST_PARAMS_MAX + 1][GW_LIST_PARAM_MAX];
} gw_list_query_t;

/* Read the request's query into q; answers 400 itself and returns -1 when a
 * parameter is malformed or too long, or there are too many. */
int gw_list_query(const gw_request_t *req, gw_list_query_t *q);

/* q's parameters as the list request's (params and ptrs hold q->n); returns q->n. */
size_t gw_list_params(const gw_list_query_t *q, Nq__QueryParam *params, Nq__QueryParam **ptrs);

/* A customer as GET /api/v1/customers lists it (new reference). */
json_t *gw_customer_json(const ProtobufCMessage *customer);

/* GET /api/v1/customers/export.csv: the list's filters, as CSV. */
void gw_customers_export(const gw_request_t *req);

/* A customer from a PUT's JSON body (its id left out), or NULL with errs
 * filled; nums indexes the body's reals (jnum.h). New message. */
struct jnum_index;
ProtobufCMessage *gw_customer_decode(const json_t *obj, struct jnum_index *nums,
                                     nq_field_errors_t *errs);

/* POST /api/v1/customers:batch: many customers put at once (h_custbatch.c). */
void gw_customers_batch(const gw_request_t *req);

/* ---- the console's files (h_static.c) ---------------------------------------- */

/* Load the console's files from dir into gw->web. A directory that cannot be
 * loaded stops the start when `required` (NQ_WEB_ROOT was set); otherwise it is
 * logged and / answers 404. Returns 0 or -1. */
int gw_static_load(gateway_t *gw, const char *dir, bool required);

/* Answer a GET or HEAD that matched no route with a console file (open, no
 * credential). false when none answers the path: the caller answers. */
bool gw_static_answer(const gateway_t *gw, nq_http_conn_t *conn, const nq_http_request_t *http);

/* SSE hub (h_alerts.c) lifecycle, used by gateway.c; clients connected. */
sse_hub_t *sse_hub_new(gateway_t *gw);
size_t sse_hub_clients(const sse_hub_t *hub);
void sse_hub_destroy(sse_hub_t **hub);

#endif
