/* h_alerts.c — alerts for coordinators: the live SSE stream and the list.
 *
 * GET /api/v1/alerts/stream is a Server-Sent Events stream. The hub listens
 * to alert.raised.v1 from nq-alerting and writes each alert to every client
 * as `id: <stream id>` / `event: alert` / `data: <json>`. A client that
 * reconnects with Last-Event-ID first gets every stored alert after that id
 * (read from the alert stream in Redis); alerts that arrive live while that
 * replay is read are held and sent after it, and no alert is sent twice.
 * GET /api/v1/alerts?limit=N lists the newest stored alerts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "pbjson.h"

#define KEEPALIVE_MS 15000
#define REPLAY_MAX   1000
#define LIST_MAX     500
#define HELD_MAX     1000

static const pbjson_special_t alert_specials[] = {
    {"amount", "amount_fen", PBJSON_MONEY, false},
    {"raised_at", "raised_at", PBJSON_TIME, false},
    {"occurred_at", "occurred_at", PBJSON_TIME, false},
};
static const pbjson_schema_t alert_schema = {&nq__alert__descriptor, alert_specials,
                                             sizeof(alert_specials) / sizeof(alert_specials[0])};

/* A stream id "ms-seq" as a comparable pair. */
typedef struct stream_id {
    uint64_t ms;
    uint64_t seq;
} stream_id_t;

typedef struct sse_client {
    nq_http_conn_t *conn;    /* the stream (retained) */
    stream_id_t last;        /* last alert sent */
    bool replaying;          /* replay read in flight: hold live alerts */
    json_t *held;            /* alerts held during replay: [[id, text], ...] */
    bool closed;             /* the connection has closed */
    sse_hub_t *hub;          /* owner; NULL once the hub is gone */
    struct sse_client *next; /* hub's list */
} sse_client_t;

struct sse_hub {
    gateway_t *gw;         /* the app */
    nq_zsock_t *sub;       /* alert.raised.v1 */
    uv_timer_t keepalive;  /* comment lines keep proxies from closing */
    sse_client_t *clients; /* open streams */
    bool closing;          /* destroy called */
};

static int parse_stream_id(const char *s, stream_id_t *out)
{
    char *end;
    out->ms = strtoull(s, &end, 10);
    out->seq = 0;
    if (end == s)
        return -1;
    if (*end == '-')
        out->seq = strtoull(end + 1, &end, 10);
    return *end == '\0' ? 0 : -1;
}

static bool id_after(const stream_id_t *a, const stream_id_t *b)
{
    return a->ms > b->ms || (a->ms == b->ms && a->seq > b->seq);
}

/* The JSON text of an alert with its id. Caller frees. */
static char *alert_text(const Nq__Alert *alert)
{
    json_t *obj = pbjson_encode(&alert_schema, &alert->base);
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    return text;
}

/* Write one alert to a client unless it already has it. */
static void send_alert(sse_client_t *c, const char *id, const char *text)
{
    stream_id_t sid;
    if (parse_stream_id(id, &sid) != 0 || !id_after(&sid, &c->last))
        return;
    c->last = sid;
    size_t len = strlen(id) + strlen(text) + 32;
    char *frame = malloc(len);
    if (!frame)
        return;
    int n = snprintf(frame, len, "id: %s\nevent: alert\ndata: %s\n\n", id, text);
    nq_http_stream_write(c->conn, frame, (size_t)n);
    free(frame);
}

static void deliver(sse_client_t *c, const char *id, const char *text)
{
    if (!c->replaying) {
        send_alert(c, id, text);
        return;
    }
    if (json_array_size(c->held) < HELD_MAX)
        json_array_append_new(c->held, json_pack("[s, s]", id, text));
}

static void on_alert(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app)
{
    sse_hub_t *hub = app;
    const Nq__Alert *alert = (const Nq__Alert *)msg;
    char *text = alert->id ? alert_text(alert) : NULL;
    for (sse_client_t *c = hub->clients; text && c; c = c->next)
        deliver(c, alert->id, text);
    free(text);
}

/* Decode one alert stream entry [id, ["a", payload]]: the alert with its id
 * set (free with nq__alert__free_unpacked), or NULL. */
static Nq__Alert *entry_alert(const redisReply *entry)
{
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[1]->type != REDIS_REPLY_ARRAY || entry->element[1]->elements != 2)
        return NULL;
    const redisReply *payload = entry->element[1]->element[1];
    Nq__Alert *alert = nq__alert__unpack(NULL, payload->len, (const uint8_t *)payload->str);
    if (alert) {
        free(alert->id);
        alert->id = strdup(entry->element[0]->str);
    }
    return alert;
}

static void remove_client(sse_hub_t *hub, sse_client_t *c)
{
    for (sse_client_t **p = &hub->clients; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
}

static void client_free(sse_client_t *c)
{
    json_decref(c->held);
    nq_http_conn_release(c->conn);
    free(c);
}

static void on_stream_closed(nq_http_conn_t *conn, void *ctx)
{
    sse_client_t *c = ctx;
    if (c->hub)
        remove_client(c->hub, c);
    c->closed = true;
    if (!c->replaying) /* else the replay callback frees it */
        client_free(c);
}

static void on_replay(nq_redis_t *r, redisReply *reply, void *data)
{
    sse_client_t *c = data;
    if (c->closed) {
        client_free(c);
        return;
    }
    for (size_t i = 0; reply && reply->type == REDIS_REPLY_ARRAY && i < reply->elements; i++) {
        Nq__Alert *alert = entry_alert(reply->element[i]);
        char *text = alert ? alert_text(alert) : NULL;
        if (text)
            send_alert(c, alert->id, text);
        free(text);
        if (alert)
            nq__alert__free_unpacked(alert, NULL);
    }
    c->replaying = false;
    size_t i;
    json_t *h;
    json_array_foreach (c->held, i, h) {
        send_alert(c, json_string_value(json_array_get(h, 0)),
                   json_string_value(json_array_get(h, 1)));
    }
    json_array_clear(c->held);
}

/* The id to resume after: Last-Event-ID header, or ?last_event_id=. */
static bool resume_id(const gw_request_t *req, char *buf, size_t len, stream_id_t *sid)
{
    const char *h = nq_http_header(req->http, "Last-Event-ID");
    if (h)
        snprintf(buf, len, "%s", h);
    else if (nq_http_query_param(req->http, "last_event_id", buf, len) < 0)
        return false;
    return parse_stream_id(buf, sid) == 0;
}

static void get_stream(const gw_request_t *req)
{
    sse_hub_t *hub = req->gw->alerts;
    sse_client_t *c = calloc(1, sizeof(*c));
    if (!c || !(c->held = json_array())) {
        free(c);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    char from[64];
    bool resume = resume_id(req, from, sizeof(from), &c->last);
    c->hub = hub;
    c->conn = req->conn;
    nq_http_conn_retain(req->conn);
    if (nq_http_stream_start(req->conn, "text/event-stream", on_stream_closed, c) != 0) {
        client_free(c);
        return;
    }
    nq_http_stream_write(req->conn, "retry: 2000\n\n", 13);
    c->next = hub->clients;
    hub->clients = c;
    if (!resume)
        return;
    c->replaying = true;
    char start[80];
    snprintf(start, sizeof(start), "(%s", from);
    if (nq_redis_command(req->gw->svc->redis, on_replay, c, "XRANGE %s %s + COUNT %d",
                         NQ_KEY_ALERTS, start, REPLAY_MAX) != 0) {
        nq_log_warn("replay_unavailable", "cannot replay alerts after %s: Redis down", from);
        c->replaying = false;
    }
}

static void on_list(nq_redis_t *r, redisReply *reply, void *data)
{
    nq_http_conn_t *conn = data;
    if (nq_http_conn_open(conn) && (!reply || reply->type != REDIS_REPLY_ARRAY)) {
        gw_respond_unavailable(conn, "the alert store");
    } else if (nq_http_conn_open(conn)) {
        json_t *list = json_array();
        for (size_t i = 0; i < reply->elements; i++) {
            Nq__Alert *alert = entry_alert(reply->element[i]);
            if (alert)
                json_array_append_new(list, pbjson_encode(&alert_schema, &alert->base));
            if (alert)
                nq__alert__free_unpacked(alert, NULL);
        }
        gw_respond_json(conn, 200, json_pack("{s:o}", "alerts", list), NULL);
    }
    nq_http_conn_release(conn);
}

static void get_list(const gw_request_t *req)
{
    char buf[16];
    long limit = 50;
    if (nq_http_query_param(req->http, "limit", buf, sizeof(buf)) >= 0) {
        char *end;
        limit = strtol(buf, &end, 10);
        if (*end || limit < 1 || limit > LIST_MAX) {
            nq_field_errors_t errs = {0};
            nq_field_errors_add(&errs, "limit", "must be an integer from 1 to %d", LIST_MAX);
            gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
            return;
        }
    }
    nq_http_conn_retain(req->conn);
    if (nq_redis_command(req->gw->svc->redis, on_list, req->conn, "XREVRANGE %s + - COUNT %ld",
                         NQ_KEY_ALERTS, limit) != 0) {
        nq_http_conn_release(req->conn);
        gw_respond_unavailable(req->conn, "the alert store");
    }
}

static void on_keepalive(uv_timer_t *t)
{
    sse_hub_t *hub = t->data;
    for (sse_client_t *c = hub->clients; c; c = c->next)
        nq_http_stream_write(c->conn, ": keepalive\n\n", 13);
}

static const nq_bus_route_t sub_routes[] = {
    {NQ_MSG(ALERT_RAISED), on_alert},
};
#define N_SUB_ROUTES (sizeof(sub_routes) / sizeof(sub_routes[0]))

sse_hub_t *sse_hub_new(gateway_t *gw)
{
    if (nq_bus_routes_check(sub_routes, N_SUB_ROUTES, ZMQ_SUB, NQ_SVC_GATEWAY) != 0)
        return NULL;
    sse_hub_t *hub = calloc(1, sizeof(*hub));
    if (!hub)
        return NULL;
    hub->gw = gw;
    nq_service_t *svc = gw->svc;
    hub->sub =
        nq_zsock_new(&svc->loop, svc->zctx, ZMQ_SUB, svc->cfg.alerts_endpoint, NQ_ZSOCK_CONNECT,
                     sub_routes, N_SUB_ROUTES, hub, (size_t)svc->cfg.max_frame_bytes);
    if (!hub->sub) {
        free(hub);
        return NULL;
    }
    uv_timer_init(&svc->loop, &hub->keepalive);
    hub->keepalive.data = hub;
    uv_timer_start(&hub->keepalive, on_keepalive, KEEPALIVE_MS, KEEPALIVE_MS);
    return hub;
}

size_t sse_hub_clients(const sse_hub_t *hub)
{
    size_t n = 0;
    for (const sse_client_t *c = hub ? hub->clients : NULL; c; c = c->next)
        n++;
    return n;
}

static void on_hub_closed(uv_handle_t *h)
{
    free(h->data);
}

void sse_hub_destroy(sse_hub_t **hubp)
{
    if (!hubp || !*hubp)
        return;
    sse_hub_t *hub = *hubp;
    *hubp = NULL;
    /* Streams are closed by the HTTP server, maybe later: detach them. */
    for (sse_client_t *c = hub->clients; c; c = c->next)
        c->hub = NULL;
    hub->clients = NULL;
    nq_zsock_destroy(&hub->sub);
    uv_close((uv_handle_t *)&hub->keepalive, on_hub_closed);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/alerts/stream", get_stream, NULL},
    {"GET", "/api/v1/alerts", get_list, NULL},
};

const gw_routes_t gw_alert_routes = {rows, sizeof(rows) / sizeof(rows[0])};
