/* h_health.c — GET /livez (the process answers) and GET /readyz (Redis and
 * every service reachable: a ping to each service with a ROUTER, a fresh
 * heartbeat in Redis for those without one; the alert stream's SSE hub
 * started). */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "gateway.h"
#include "nq/keys.h"

#define PING_TIMEOUT_MS 1000

/* Services checked by heartbeat: the prefix of their member in nq:heartbeats. */
static const struct {
    const char *name;   /* check name */
    const char *member; /* "nq-scoring/" */
} heartbeat_checks[] = {
    {"scoring", "nq-scoring/"},
    {"alerting", "nq-alerting/"},
};
#define N_HEARTBEAT (sizeof(heartbeat_checks) / sizeof(heartbeat_checks[0]))

/* One readiness probe collecting its checks. */
typedef struct probe {
    nq_http_conn_t *conn; /* retained until answered */
    json_t *checks;       /* {"redis":"ok", ...} */
    int waiting;          /* checks not yet back */
    bool ready;           /* every check ok so far */
} probe_t;

static void check_done(probe_t *p, const char *name, bool ok)
{
    json_object_set_new(p->checks, name, json_string(ok ? "ok" : "down"));
    p->ready = p->ready && ok;
    if (--p->waiting > 0)
        return;
    if (nq_http_conn_open(p->conn))
        gw_respond_json(p->conn, p->ready ? 200 : 503,
                        json_pack("{s:s, s:O}", "status", p->ready ? "ready" : "not_ready",
                                  "checks", p->checks),
                        p->ready ? NULL : "Retry-After: 1\r\n");
    nq_http_conn_release(p->conn);
    json_decref(p->checks);
    free(p);
}

/* A ping in flight: which probe and which check. */
typedef struct ping {
    probe_t *probe;
    const char *name;
} ping_t;

static void on_pong(const ProtobufCMessage *reply, const Nq__ReplyHeader *hdr, void *data)
{
    ping_t *pg = data;
    check_done(pg->probe, pg->name,
               reply && hdr && (!hdr->has_status || hdr->status == NQ__STATUS__STATUS_OK));
    free(pg);
}

static void ping(probe_t *p, upstream_t *up, const char *name)
{
    ping_t *pg = malloc(sizeof(*pg));
    Nq__Ping msg = NQ__PING__INIT;
    if (pg) {
        *pg = (ping_t){p, name};
        if (up && upstream_call(up, NQ_MSG(SYS_PING), &msg.base, PING_TIMEOUT_MS, on_pong, pg) == 0)
            return;
    }
    free(pg);
    check_done(p, name, false);
}

static void on_heartbeats(nq_redis_t *r, redisReply *reply, void *data)
{
    probe_t *p = data;
    check_done(p, "redis", reply && reply->type == REDIS_REPLY_ARRAY);
    for (size_t k = 0; k < N_HEARTBEAT; k++) {
        bool alive = false;
        size_t len = strlen(heartbeat_checks[k].member);
        for (size_t i = 0; reply && reply->type == REDIS_REPLY_ARRAY && i < reply->elements; i++)
            alive = alive || strncmp(reply->element[i]->str, heartbeat_checks[k].member, len) == 0;
        check_done(p, heartbeat_checks[k].name, alive);
    }
}

static void get_readyz(const gw_request_t *req)
{
    gateway_t *gw = req->gw;
    probe_t *p = calloc(1, sizeof(*p));
    if (!p || !(p->checks = json_object())) {
        free(p);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    p->conn = req->conn;
    p->ready = true;
    p->waiting = 5 + (int)N_HEARTBEAT; /* redis, three pings, the alert stream, heartbeats */
    nq_http_conn_retain(req->conn);
    int64_t since = nq_now_ms() - NQ_HEARTBEAT_STALE_MS;
    if (nq_redis_command(gw->svc->redis, on_heartbeats, p, "ZRANGEBYSCORE %s %lld +inf",
                         NQ_KEY_HEARTBEATS, (long long)since) != 0)
        on_heartbeats(NULL, NULL, p);
    check_done(p, "alert_stream", gw_alerts_started(gw));
    ping(p, gw->ingest, "ingest");
    ping(p, gw->customers, "customers");
    ping(p, gw->reporting, "reporting");
}

static void get_livez(const gw_request_t *req)
{
    gw_respond_json(req->conn, 200, json_pack("{s:s}", "status", "ok"), NULL);
}

static const nq_route_t rows[] = {
    {"GET", "/livez", NQ_OPEN, get_livez, NULL, GW_SUBJ_NONE},
    {"GET", "/readyz", NQ_OPEN, get_readyz, NULL, GW_SUBJ_NONE},
};

const gw_routes_t gw_health_routes = {rows, sizeof(rows) / sizeof(rows[0])};
