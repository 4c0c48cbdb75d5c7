/* h_metrics.c — GET /metrics: Prometheus text exposition of the suite's
 * counters (from Redis: events accepted and scored, log length, entries
 * pending with scorers, how far the activity index and alerting are behind,
 * how many follow-ups contacts moved are still to be refreshed,
 * alerts) and of
 * this gateway (requests, calls in flight per service, SSE clients, Redis
 * connection, credentials answered from the cache and looked up in Redis). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "gateway.h"
#include "nq/keys.h"
#include "nq/period.h"

/* The suite's counters read from Redis, one slot each. */
enum {
    ACCEPTED,
    SCORED,
    LOG_LENGTH,
    PENDING,
    INDEX_PENDING,
    INDEX_LAG,
    ALERTING_PENDING,
    ALERTING_LAG,
    ALERTS,
    TIMERS_PENDING,
    TIMERS_LAG,
    FOLLOWUP_PENDING,
    FOLLOWUP_LAG,
    N_SLOTS
};

/* One pipelined read of the suite's counters. */
typedef struct scrape {
    gateway_t *gw;            /* the app */
    nq_http_conn_t *conn;     /* retained until answered */
    long long value[N_SLOTS]; /* by slot above; -1 when unknown */
    int waiting;              /* replies outstanding */
} scrape_t;

static const struct {
    const char *name; /* metric name */
    const char *type; /* counter / gauge */
    const char *help; /* one line */
} slots[N_SLOTS] = {
    [ACCEPTED] = {"nq_events_accepted_total", "counter", "Events appended to the activity log."},
    [SCORED] = {"nq_events_scored_total", "counter", "Log entries applied by scorers."},
    [LOG_LENGTH] = {"nq_activity_log_entries", "gauge",
                    "Entries in the activity log (one per stored batch)."},
    [PENDING] = {"nq_scoring_pending_entries", "gauge", "Entries delivered, not yet applied."},
    [INDEX_PENDING] = {"nq_index_pending_entries", "gauge",
                       "Entries delivered to the activity indexer, not yet indexed."},
    [INDEX_LAG] = {"nq_index_lag_entries", "gauge",
                   "Entries of the activity log the indexer has not read yet."},
    [ALERTING_PENDING] = {"nq_alerting_pending_entries", "gauge",
                          "Entries delivered to alerting, not yet evaluated."},
    [ALERTING_LAG] = {"nq_alerting_lag_entries", "gauge",
                      "Entries of the activity log alerting has not read yet."},
    [ALERTS] = {"nq_alerts_stored", "gauge",
                "Entries in the alert stream (one per alert raised and per change)."},
    [TIMERS_PENDING] = {"nq_alert_timers_pending_entries", "gauge",
                        "Entries delivered to alerting's timer group, deadlines not yet stored."},
    [TIMERS_LAG] = {"nq_alert_timers_lag_entries", "gauge",
                    "Entries of the activity log alerting's timer group has not read yet."},
    [FOLLOWUP_PENDING] = {"nq_followup_refresh_pending_customers", "gauge",
                          "Customers whose last contact moved, follow-up not refreshed yet."},
    [FOLLOWUP_LAG] = {"nq_followup_refresh_lag_ms", "gauge",
                      "Age of the oldest follow-up refresh still to be done (0 none)."},
};

/* The group whose lag a slot reads from XINFO GROUPS, or NULL. */
static const char *const lag_group[N_SLOTS] = {
    [INDEX_LAG] = NQ_GROUP_INDEX,
    [ALERTING_LAG] = NQ_GROUP_ALERTING,
    [TIMERS_LAG] = NQ_GROUP_ALERT_TIMERS,
};

/* Where a reply goes. */
typedef struct slot_ref {
    scrape_t *scrape;
    int slot;
} slot_ref_t;

static void answer(scrape_t *sc)
{
    char body[4096];
    size_t len = 0;
    for (int i = 0; i < N_SLOTS; i++) {
        if (sc->value[i] < 0)
            continue;
        len += (size_t)snprintf(
            body + len, sizeof(body) - len, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", slots[i].name,
            slots[i].help, slots[i].name, slots[i].type, slots[i].name, sc->value[i]);
    }
    gateway_t *gw = sc->gw;
    const struct {
        const char *service;
        upstream_t *up;
    } ups[] = {{"ingest", gw->ingest}, {"customers", gw->customers}, {"reporting", gw->reporting}};
    len += (size_t)snprintf(body + len, sizeof(body) - len,
                            "# HELP nq_gateway_requests_total HTTP requests routed.\n"
                            "# TYPE nq_gateway_requests_total counter\n"
                            "nq_gateway_requests_total %llu\n"
                            "# HELP nq_gateway_sse_clients Alert streams open.\n"
                            "# TYPE nq_gateway_sse_clients gauge\nnq_gateway_sse_clients %zu\n"
                            "# HELP nq_gateway_redis_up Redis connected (1) or not (0).\n"
                            "# TYPE nq_gateway_redis_up gauge\nnq_gateway_redis_up %d\n"
                            "# HELP nq_gateway_upstream_inflight Calls waiting for a service.\n"
                            "# TYPE nq_gateway_upstream_inflight gauge\n",
                            (unsigned long long)gw->requests, sse_hub_clients(gw->alerts),
                            nq_redis_ready(gw->svc->redis) ? 1 : 0);
    for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]) && len < sizeof(body); i++)
        len += (size_t)snprintf(body + len, sizeof(body) - len,
                                "nq_gateway_upstream_inflight{service=\"%s\"} %zu\n",
                                ups[i].service, ups[i].up ? upstream_inflight(ups[i].up) : 0);
    uint64_t hits, misses;
    size_t entries;
    gw_auth_counts(gw->auth, &hits, &misses, &entries);
    if (len < sizeof(body))
        len += (size_t)snprintf(
            body + len, sizeof(body) - len,
            "# HELP nq_gateway_auth_cache_hits_total Requests whose credential the cache knew.\n"
            "# TYPE nq_gateway_auth_cache_hits_total counter\n"
            "nq_gateway_auth_cache_hits_total %llu\n"
            "# HELP nq_gateway_auth_lookups_total Credentials looked up in Redis.\n"
            "# TYPE nq_gateway_auth_lookups_total counter\n"
            "nq_gateway_auth_lookups_total %llu\n"
            "# HELP nq_gateway_auth_cache_entries Credentials in the cache.\n"
            "# TYPE nq_gateway_auth_cache_entries gauge\nnq_gateway_auth_cache_entries %zu\n",
            (unsigned long long)hits, (unsigned long long)misses, entries);
    if (nq_http_conn_open(sc->conn))
        nq_http_respond(sc->conn, 200, "text/plain; version=0.0.4; charset=utf-8", body,
                        len < sizeof(body) ? len : sizeof(body) - 1, NULL);
    nq_http_conn_release(sc->conn);
    free(sc);
}

/* The lag of consumer group `group` in an XINFO GROUPS reply (a list of flat
 * field/value lists), or -1 when Redis does not know it. */
static long long group_lag(const redisReply *groups, const char *group)
{
    for (size_t g = 0; groups && groups->type == REDIS_REPLY_ARRAY && g < groups->elements; g++) {
        const redisReply *f = groups->element[g];
        bool ours = false;
        long long lag = -1;
        for (size_t i = 0; f->type == REDIS_REPLY_ARRAY && i + 1 < f->elements; i += 2) {
            const redisReply *k = f->element[i], *v = f->element[i + 1];
            if (k->type != REDIS_REPLY_STRING)
                continue;
            if (strcmp(k->str, "name") == 0)
                ours = v->type == REDIS_REPLY_STRING && strcmp(v->str, group) == 0;
            else if (strcmp(k->str, "lag") == 0 && v->type == REDIS_REPLY_INTEGER)
                lag = v->integer;
        }
        if (ours)
            return lag;
    }
    return -1;
}

/* The age (ms) of a ZRANGE ... 0 0 WITHSCORES reply's member scored by when
 * it was added; 0 when empty, -1 when unknown. */
static long long oldest_age(const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return -1;
    if (reply->elements < 2)
        return 0;
    long long at = strtoll(reply->element[1]->str ? reply->element[1]->str : "", NULL, 10);
    long long age = (long long)nq_now_ms() - at;
    return age > 0 ? age : 0;
}

static void on_value(nq_redis_t *r, redisReply *reply, void *data)
{
    slot_ref_t *ref = data;
    scrape_t *sc = ref->scrape;
    if (lag_group[ref->slot])
        sc->value[ref->slot] = group_lag(reply, lag_group[ref->slot]);
    else if (ref->slot == FOLLOWUP_LAG)
        sc->value[ref->slot] = oldest_age(reply);
    else if (reply && reply->type == REDIS_REPLY_INTEGER)
        sc->value[ref->slot] = reply->integer;
    else if (reply && reply->type == REDIS_REPLY_STRING)
        sc->value[ref->slot] = strtoll(reply->str, NULL, 10);
    else if (reply && reply->type == REDIS_REPLY_NIL)
        sc->value[ref->slot] = 0;
    else if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements > 0 &&
             reply->element[0]->type == REDIS_REPLY_INTEGER) /* XPENDING summary */
        sc->value[ref->slot] = reply->element[0]->integer;
    free(ref);
    if (--sc->waiting == 0)
        answer(sc);
}

static void get_metrics(const gw_request_t *req)
{
    scrape_t *sc = calloc(1, sizeof(*sc));
    if (!sc) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    sc->gw = req->gw;
    sc->conn = req->conn;
    for (int i = 0; i < N_SLOTS; i++)
        sc->value[i] = -1;
    nq_http_conn_retain(req->conn);
    nq_redis_t *redis = req->gw->svc->redis;
    const char *commands[N_SLOTS][5] = {
        [ACCEPTED] = {"GET", NQ_KEY_STATS_ACCEPTED, NULL},
        [SCORED] = {"GET", NQ_KEY_STATS_SCORED, NULL},
        [LOG_LENGTH] = {"XLEN", NQ_KEY_ACTIVITIES, NULL},
        [PENDING] = {"XPENDING", NQ_KEY_ACTIVITIES, NQ_GROUP_SCORING},
        [INDEX_PENDING] = {"XPENDING", NQ_KEY_ACTIVITIES, NQ_GROUP_INDEX},
        [INDEX_LAG] = {"XINFO", "GROUPS", NQ_KEY_ACTIVITIES},
        [ALERTING_PENDING] = {"XPENDING", NQ_KEY_ACTIVITIES, NQ_GROUP_ALERTING},
        [ALERTING_LAG] = {"XINFO", "GROUPS", NQ_KEY_ACTIVITIES},
        [ALERTS] = {"XLEN", NQ_KEY_ALERTS, NULL},
        [TIMERS_PENDING] = {"XPENDING", NQ_KEY_ACTIVITIES, NQ_GROUP_ALERT_TIMERS},
        [TIMERS_LAG] = {"XINFO", "GROUPS", NQ_KEY_ACTIVITIES},
        [FOLLOWUP_PENDING] = {"ZCARD", NQ_KEY_FOLLOWUP_DIRTY},
        [FOLLOWUP_LAG] = {"ZRANGE", NQ_KEY_FOLLOWUP_DIRTY, "0", "0", "WITHSCORES"},
    };
    sc->waiting = 1; /* held while issuing */
    for (int i = 0; i < N_SLOTS; i++) {
        slot_ref_t *ref = malloc(sizeof(*ref));
        if (!ref)
            continue;
        *ref = (slot_ref_t){sc, i};
        int argc = 0;
        size_t lens[5];
        while (argc < 5 && commands[i][argc]) {
            lens[argc] = strlen(commands[i][argc]);
            argc++;
        }
        if (nq_redis_commandv(redis, on_value, ref, argc, commands[i], lens) == 0)
            sc->waiting++;
        else
            free(ref);
    }
    if (--sc->waiting == 0)
        answer(sc);
}

static const nq_route_t rows[] = {
    {"GET", "/metrics", NQ_READ(METRICS), get_metrics, NULL, GW_SUBJ_NONE},
};

const gw_routes_t gw_metrics_routes = {rows, sizeof(rows) / sizeof(rows[0])};
