/* h_alerts.c — alerts for coordinators: the live SSE stream, the list, one alert.
 *
 * The alert stream nq:alerts (nq/keys.h) holds one entry per alert raised
 * (by nq-alerting) and per change (ack, resolve, assign, comment: by a
 * gateway, h_alert_act.c), each a snapshot of the alert after it.
 *
 * GET /api/v1/alerts/stream is a Server-Sent Events stream of those entries:
 * `id: <stream id>` / `event: alert` (raised) or `event: alert_changed` /
 * `data: <json>`. The hub reads the stream from where it left off whenever
 * something may be new: alert.raised.v1 from nq-alerting, a change made by
 * this gateway, and once a second (a change made by another gateway); the
 * stream is the truth, the PUB message only a wake-up. A client that
 * reconnects with Last-Event-ID first gets every entry after that id; entries
 * that arrive live while that replay is read are held and sent after it, and
 * no entry is sent twice.
 *
 * GET /api/v1/alerts lists stored alerts newest first, filtered by state,
 * rule, team and salesperson (the list indexes nq:ix:alerts:*, walked by
 * list_page), a page at a time with a checked cursor (nq/page.h).
 * GET /api/v1/alerts/{id} is one alert.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/log.h"
#include "nq/money.h"
#include "nq/page.h"
#include "nq/scripts.h"
#include "scope.h"
#include "pbjson.h"
#include "lifecycle.h"
#include "rules.h"

#define KEEPALIVE_MS 15000
#define TAIL_MS      1000 /* reads the stream at least this often (other gateways' changes) */
#define TAIL_COUNT   500
#define REPLAY_MAX   1000
#define HELD_MAX     1000

static const pbjson_special_t alert_specials[] = {
    {"amount", "amount_fen", PBJSON_MONEY, false},
    {"threshold", "threshold_fen", PBJSON_MONEY, false},
    {"price", "price_fen", PBJSON_MONEY, false},
    {"previous_price", "previous_price_fen", PBJSON_MONEY, false},
    {"balance", "balance_fen", PBJSON_MONEY, false},
    {"headroom", "headroom_fen", PBJSON_MONEY, false},
    {"due_at", "due_at", PBJSON_TIME, false},
    {"raised_at", "raised_at", PBJSON_TIME, false},
    {"occurred_at", "occurred_at", PBJSON_TIME, false},
    {"updated_at", "updated_at", PBJSON_TIME, false},
    {"acknowledged_at", "acknowledged_at", PBJSON_TIME, false},
    {"resolved_at", "resolved_at", PBJSON_TIME, false},
    {"escalated_at", "escalated_at", PBJSON_TIME, false},
};
static const pbjson_schema_t alert_schema = {&nq__alert__descriptor, alert_specials,
                                             sizeof(alert_specials) / sizeof(alert_specials[0])};

/* A schedule alert's figures of a money metric read as yuan, like every amount. */
static void money_figures(json_t *obj, const Nq__Alert *alert)
{
    int m = alert->metric ? nq_metric_find(alert->metric) : -1;
    if (m < 0 || nq_metric_defs[m].unit != NQ_UNIT_MONEY)
        return;
    static const char *const names[] = {"actual", "target", "gap"};
    const double v[] = {alert->actual, alert->target, alert->gap};
    const protobuf_c_boolean has[] = {alert->has_actual, alert->has_target, alert->has_gap};
    for (size_t i = 0; i < 3; i++) {
        char yuan[NQ_MONEY_BUF];
        if (has[i] && nq_money_format((int64_t)llround(v[i]), yuan, sizeof(yuan)) > 0)
            json_object_set_new(obj, names[i], json_string(yuan));
    }
}

json_t *gw_alert_json(const Nq__Alert *alert)
{
    json_t *obj = pbjson_encode(&alert_schema, &alert->base);
    money_figures(obj, alert);
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(obj, "comments"), i, c) {
        char when[48];
        json_t *at = json_object_get(c, "at");
        if (json_is_integer(at) && nq_time_format(json_integer_value(at), when, sizeof(when)) > 0)
            json_object_set_new(c, "at", json_string(when));
    }
    return obj;
}

/* ---- stored alerts ------------------------------------------------------- */

/* The value of field `name` of a stream entry's [field, value, ...], or NULL. */
static const redisReply *entry_field(const redisReply *fields, const char *name)
{
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *f = fields->element[i];
        if (f->type == REDIS_REPLY_STRING && strcmp(f->str, name) == 0)
            return fields->element[i + 1];
    }
    return NULL;
}

/* A packed alert with its id set (free with nq__alert__free_unpacked), or NULL. */
static Nq__Alert *alert_unpack(const redisReply *packed, const char *id)
{
    if (!packed || packed->type != REDIS_REPLY_STRING || !id)
        return NULL;
    Nq__Alert *alert = nq__alert__unpack(NULL, packed->len, (const uint8_t *)packed->str);
    if (alert) {
        free(alert->id);
        alert->id = strdup(id);
    }
    return alert;
}

/* Decode one alert stream entry [stream id, [id, <alert id>, a, <packed>]]
 * (an entry written before alerts had ids of their own: [a, <packed>], its
 * id the stream id). */
static Nq__Alert *entry_alert(const redisReply *entry)
{
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING ||
        entry->element[1]->type != REDIS_REPLY_ARRAY)
        return NULL;
    const redisReply *id = entry_field(entry->element[1], "id");
    return alert_unpack(entry_field(entry->element[1], "a"),
                        id && id->type == REDIS_REPLY_STRING ? id->str : entry->element[0]->str);
}

Nq__Alert *gw_alert_from_fetch(const redisReply *row, long long *version)
{
    if (!row || row->type != REDIS_REPLY_ARRAY || row->elements != 3 ||
        row->element[0]->type != REDIS_REPLY_STRING)
        return NULL;
    const redisReply *v = row->element[2];
    if (version)
        *version = v->type == REDIS_REPLY_STRING ? atoll(v->str) : 0;
    return alert_unpack(row->element[1], row->element[0]->str);
}

/* May a caller of scope s see the alert? */
static bool alert_seen(const gw_scope_t *s, const Nq__Alert *a)
{
    return gw_scope_sees_alert(s, a->team_id ? a->team_id : "",
                               a->salesperson_id ? a->salesperson_id : "");
}

/* ---- the SSE hub ----------------------------------------------------------- */

/* A stream id "ms-seq" as a comparable pair. */
typedef struct stream_id {
    uint64_t ms;
    uint64_t seq;
} stream_id_t;

typedef struct sse_client {
    nq_http_conn_t *conn;    /* the stream (retained) */
    stream_id_t last;        /* last entry sent */
    bool replaying;          /* replay read in flight: hold live entries */
    json_t *held;            /* entries held during replay: [[id, frame], ...] */
    bool closed;             /* the connection has closed */
    sse_hub_t *hub;          /* owner; NULL once the hub is gone */
    struct sse_client *next; /* hub's list */
    gw_scope_t scope;        /* what the caller may see */
} sse_client_t;

struct sse_hub {
    gateway_t *gw;         /* the app */
    nq_zsock_t *sub;       /* alert.raised.v1 wake-ups */
    uv_timer_t keepalive;  /* comment lines keep proxies from closing */
    uv_timer_t tail;       /* reads the stream once a second */
    sse_client_t *clients; /* open streams */
    char last[64];         /* the last stream entry read; "" until known */
    bool reading;          /* a read of the stream is in flight */
    bool again;            /* woken while reading: read once more */
    int handles;           /* timers not closed yet */
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

/* The SSE frame of a stream entry, with the scope (team, salesperson) of its
 * alert into `who` (an every-team scope's fields unused). Caller frees; NULL
 * when it does not decode. */
typedef struct frame_who {
    char team[NQ_ID_MAX + 1];
    char sp[NQ_ID_MAX + 1];
} frame_who_t;

static char *entry_frame(const redisReply *entry, frame_who_t *who)
{
    Nq__Alert *alert = entry_alert(entry);
    if (!alert)
        return NULL;
    snprintf(who->team, sizeof(who->team), "%s", alert->team_id ? alert->team_id : "");
    snprintf(who->sp, sizeof(who->sp), "%s", alert->salesperson_id ? alert->salesperson_id : "");
    json_t *obj = gw_alert_json(alert);
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    const char *event =
        !alert->change || strcmp(alert->change, "raised") == 0 ? "alert" : "alert_changed";
    char *frame = NULL;
    if (text) {
        size_t len = strlen(text) + 128;
        frame = malloc(len);
        if (frame)
            snprintf(frame, len, "id: %s\nevent: %s\ndata: %s\n\n", entry->element[0]->str, event,
                     text);
    }
    free(text);
    nq__alert__free_unpacked(alert, NULL);
    return frame;
}

/* Write one entry to a client unless it already has it. */
static void send_frame(sse_client_t *c, const char *id, const char *frame)
{
    stream_id_t sid;
    if (parse_stream_id(id, &sid) != 0 || !id_after(&sid, &c->last))
        return;
    c->last = sid;
    nq_http_stream_write(c->conn, frame, strlen(frame));
}

static void deliver(sse_client_t *c, const char *id, const char *frame)
{
    if (!c->replaying) {
        send_frame(c, id, frame);
        return;
    }
    if (json_array_size(c->held) < HELD_MAX)
        json_array_append_new(c->held, json_pack("[s, s]", id, frame));
}

static void hub_read(sse_hub_t *hub);

static bool hub_gone(sse_hub_t *hub)
{
    if (!hub->closing)
        return false;
    if (hub->handles == 0)
        free(hub);
    return true;
}

/* XREAD reply: [[stream, [entries]]], or nil. */
static void on_tail(nq_redis_t *r, redisReply *reply, void *data)
{
    sse_hub_t *hub = data;
    hub->reading = false;
    if (hub_gone(hub))
        return;
    size_t n = 0;
    const redisReply *entries = nq_redis_stream_entries(reply);
    if (entries) {
        n = entries->elements;
        for (size_t i = 0; i < n; i++) {
            const redisReply *e = entries->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
                e->element[0]->type != REDIS_REPLY_STRING)
                continue;
            snprintf(hub->last, sizeof(hub->last), "%s", e->element[0]->str);
            frame_who_t who;
            char *frame = entry_frame(e, &who);
            for (sse_client_t *c = hub->clients; frame && c; c = c->next)
                if (gw_scope_sees_alert(&c->scope, who.team, who.sp))
                    deliver(c, e->element[0]->str, frame);
            free(frame);
        }
    }
    if (n >= TAIL_COUNT || hub->again) {
        hub->again = false;
        hub_read(hub);
    }
}

/* XREVRANGE reply: the newest entry, whose id the hub starts after. */
static void on_tail_start(nq_redis_t *r, redisReply *reply, void *data)
{
    sse_hub_t *hub = data;
    hub->reading = false;
    if (hub_gone(hub))
        return;
    if (reply && reply->type == REDIS_REPLY_ARRAY) {
        const redisReply *e = reply->elements ? reply->element[0] : NULL;
        snprintf(hub->last, sizeof(hub->last), "%s",
                 e && e->type == REDIS_REPLY_ARRAY && e->elements == 2 &&
                         e->element[0]->type == REDIS_REPLY_STRING
                     ? e->element[0]->str
                     : "0-0");
        hub_read(hub);
    }
}

/* Read what is new in the stream (or, first, where it ends now). */
static void hub_read(sse_hub_t *hub)
{
    if (hub->reading) {
        hub->again = true;
        return;
    }
    nq_redis_t *r = hub->gw->svc->redis;
    int rc = *hub->last ? nq_redis_command(r, on_tail, hub, "XREAD COUNT %d STREAMS %s %s",
                                           TAIL_COUNT, NQ_KEY_ALERTS, hub->last)
                        : nq_redis_command(r, on_tail_start, hub, "XREVRANGE %s + - COUNT 1",
                                           NQ_KEY_ALERTS);
    hub->reading = rc == 0;
}

bool gw_alerts_started(const gateway_t *gw)
{
    return gw->alerts && gw->alerts->last[0] != '\0';
}

void gw_alerts_wake(gateway_t *gw)
{
    if (gw->alerts && !gw->alerts->closing)
        hub_read(gw->alerts);
}

static void on_alert(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app)
{
    hub_read(app);
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
        frame_who_t who;
        char *frame = entry_frame(reply->element[i], &who);
        if (frame && gw_scope_sees_alert(&c->scope, who.team, who.sp))
            send_frame(c, reply->element[i]->element[0]->str, frame);
        free(frame);
    }
    c->replaying = false;
    size_t i;
    json_t *h;
    json_array_foreach (c->held, i, h) {
        send_frame(c, json_string_value(json_array_get(h, 0)),
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
    gw_scope_of(&c->scope, req->who);
    char from[64];
    bool resume = resume_id(req, from, sizeof(from), &c->last);
    if (!resume && *hub->last) /* live from here: nothing already in the stream */
        parse_stream_id(hub->last, &c->last);
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

/* ---- the list -------------------------------------------------------------- */

/* A filter of the list: query parameter, index filter, check. */
typedef struct list_filter {
    const char *param;            /* ?state= */
    bool (*valid)(const char *v); /* the value's check */
    const char *rule;             /* its reason */
} list_filter_t;

static bool valid_rule(const char *v)
{
    return alert_rule_find(v) != NULL;
}

static bool valid_team(const char *v)
{
    return !*v || nq_valid_id(v); /* team= : alerts of salespeople in no team */
}

static const list_filter_t filters[] = {
    {"state", alert_state_valid, "must be open, acknowledged or resolved"},
    {"rule", valid_rule, "must be a rule of GET /api/v1/teams/{id}/alert-rules"},
    {"team", valid_team, NQ_ID_RULE},
    {"salesperson", nq_valid_id, NQ_ID_RULE},
};
#define N_FILTERS (sizeof(filters) / sizeof(filters[0]))

typedef struct list_job {
    nq_http_conn_t *conn; /* retained */
    gateway_t *gw;
    char scope[400]; /* the cursor's scope */
    char next[NQ_CURSOR_MAX];
    bool more;       /* a next page */
    gw_scope_t seen; /* what the caller may see: others are left out of the page */
} list_job_t;

static void list_job_end(list_job_t *j)
{
    nq_http_conn_release(j->conn);
    free(j);
}

static void on_list_fetch(nq_redis_t *r, redisReply *reply, void *data)
{
    list_job_t *j = data;
    if (nq_http_conn_open(j->conn) && (!reply || reply->type != REDIS_REPLY_ARRAY)) {
        gw_respond_unavailable(j->conn, "the alert store");
    } else if (nq_http_conn_open(j->conn)) {
        json_t *items = json_array();
        for (size_t i = 0; i < reply->elements; i++) {
            Nq__Alert *alert = gw_alert_from_fetch(reply->element[i], NULL);
            if (alert && alert_seen(&j->seen, alert))
                json_array_append_new(items, gw_alert_json(alert));
            if (alert)
                nq__alert__free_unpacked(alert, NULL);
        }
        json_t *next = j->more ? json_string(j->next) : json_null();
        gw_respond_json(j->conn, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next),
                        NULL);
    }
    list_job_end(j);
}

int gw_alerts_fetch(gateway_t *gw, const char *const *ids, size_t n, nq_redis_cb cb, void *data)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[160];
    for (size_t i = 0; i < n; i++) {
        nq_key_alert(key, sizeof(key), ids[i]);
        nq_redis_args_adds(&a, key);
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(gw->svc->redis, NQ_SCRIPT(ALERT_FETCH), cb, data,
                                            a.argc, &a);
    nq_redis_args_free(&a);
    return rc;
}

/* list_page reply: {last looked at, 1 when more, ids...}. */
static void on_list_page(nq_redis_t *r, redisReply *reply, void *data)
{
    list_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
        list_job_end(j);
        return;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        gw_respond_unavailable(j->conn, "the alert store");
        list_job_end(j);
        return;
    }
    j->more = reply->element[1]->type == REDIS_REPLY_INTEGER && reply->element[1]->integer == 1;
    if (j->more)
        nq_page_cursor_encode(j->next, sizeof(j->next), j->scope, reply->element[0]->str);
    size_t n = reply->elements - 2;
    const char **ids = calloc(n + 1, sizeof(*ids));
    for (size_t i = 0; ids && i < n; i++)
        ids[i] =
            reply->element[2 + i]->type == REDIS_REPLY_STRING ? reply->element[2 + i]->str : "";
    if (!ids || gw_alerts_fetch(j->gw, ids, n, on_list_fetch, j) != 0) {
        gw_respond_unavailable(j->conn, "the alert store");
        list_job_end(j);
    }
    free(ids);
}

static void bad_query(const gw_request_t *req, const char *field, const char *why)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, field, "%s", why);
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
}

/* Query parameter `name` into buf: 1 when given, 0 when absent, -1 when given
 * but too long for buf or malformed. */
static int query_value(const gw_request_t *req, const char *name, char *buf, size_t len)
{
    if (nq_http_query_param(req->http, name, buf, len) >= 0)
        return 1;
    size_t n = strlen(name);
    for (const char *q = req->http->query; q && *q; q = strchr(q, '&') ? strchr(q, '&') + 1 : "") {
        if (strncmp(q, name, n) == 0 && (q[n] == '=' || q[n] == '&' || !q[n]))
            return -1;
    }
    return 0;
}

static void get_list(const gw_request_t *req)
{
    char buf[NQ_CURSOR_MAX], after[NQ_CURSOR_POS_MAX + 1] = "";
    const char *why;
    unsigned limit;
    bool has_limit = nq_http_query_param(req->http, "limit", buf, sizeof(buf)) >= 0;
    if (nq_page_limit(has_limit ? buf : NULL, &limit, &why) != 0) {
        bad_query(req, "limit", why);
        return;
    }
    list_job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[200];
    nq_key_index(key, sizeof(key), NQ_IX_ALERTS, NULL, NULL);
    nq_redis_args_adds(&a, key);
    strcpy(j->scope, "alerts");
    for (size_t i = 0; i < N_FILTERS; i++) {
        char v[NQ_ID_MAX + 2];
        int has = query_value(req, filters[i].param, v, sizeof(v));
        if (has == 0)
            continue;
        if (has < 0 || !filters[i].valid(v)) {
            bad_query(req, filters[i].param, filters[i].rule);
            nq_redis_args_free(&a);
            free(j);
            return;
        }
        nq_key_index(key, sizeof(key), NQ_IX_ALERTS, filters[i].param, v);
        nq_redis_args_adds(&a, key);
        size_t at = strlen(j->scope);
        snprintf(j->scope + at, sizeof(j->scope) - at, "&%s=%s", filters[i].param, v);
    }
    if (nq_http_query_param(req->http, "cursor", buf, sizeof(buf)) >= 0 &&
        nq_page_cursor_decode(buf, j->scope, after, sizeof(after), &why) != 0) {
        bad_query(req, "cursor", why);
        nq_redis_args_free(&a);
        free(j);
        return;
    }
    size_t nkeys = a.argc;
    nq_redis_args_adds(&a, after);
    nq_redis_args_addf(&a, "%u", limit);
    nq_redis_args_addf(&a, "%u", limit * 4);
    nq_redis_args_adds(&a, "desc");
    j->conn = req->conn;
    j->gw = req->gw;
    gw_scope_of(&j->seen, req->who);
    nq_http_conn_retain(req->conn);
    if (a.failed || nq_script_call_args(req->gw->svc->redis, NQ_SCRIPT(LIST_PAGE), on_list_page, j,
                                        nkeys, &a) != 0) {
        gw_respond_unavailable(req->conn, "the alert store");
        list_job_end(j);
    }
    nq_redis_args_free(&a);
}

/* ---- one alert ------------------------------------------------------------- */

/* A read of one alert: the connection and what its caller may see. */
typedef struct one_read {
    nq_http_conn_t *conn;
    gw_scope_t seen;
    json_t *alert; /* the alert read, waiting for its deliveries */
} one_read_t;

/* HGETALL of the alert's delivery records: answer the alert with them. */
static void on_deliveries(nq_redis_t *r, redisReply *reply, void *data)
{
    one_read_t *rd = data;
    if (!nq_http_conn_open(rd->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        gw_respond_unavailable(rd->conn, "the alert store");
    } else {
        const char *id = json_string_value(json_object_get(rd->alert, "id"));
        json_object_set_new(rd->alert, "deliveries", gw_deliveries_json(reply, id ? id : ""));
        gw_respond_json(rd->conn, 200, json_incref(rd->alert), NULL);
    }
    json_decref(rd->alert);
    nq_http_conn_release(rd->conn);
    free(rd);
}

static void on_get_one(nq_redis_t *r, redisReply *reply, void *data)
{
    one_read_t *rd = data;
    nq_http_conn_t *conn = rd->conn;
    if (nq_http_conn_open(conn)) {
        if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 1) {
            gw_respond_unavailable(conn, "the alert store");
        } else {
            Nq__Alert *alert = gw_alert_from_fetch(reply->element[0], NULL);
            char key[160];
            if (alert && alert_seen(&rd->seen, alert)) {
                rd->alert = gw_alert_json(alert);
                nq_key_dlv_alert(key, sizeof(key), alert->id);
                if (nq_redis_command(r, on_deliveries, rd, "HGETALL %s", key) == 0) {
                    nq__alert__free_unpacked(alert, NULL);
                    return; /* answered with its deliveries */
                }
                gw_respond_json(conn, 200, rd->alert, NULL);
                rd->alert = NULL;
            } else {
                gw_respond_error(conn, 404, "not_found", "no such alert", NULL);
            }
            if (alert)
                nq__alert__free_unpacked(alert, NULL);
        }
    }
    nq_http_conn_release(conn);
    free(rd);
}

static void get_one(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    one_read_t *rd = calloc(1, sizeof(*rd));
    if (!rd) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    rd->conn = req->conn;
    gw_scope_of(&rd->seen, req->who);
    nq_http_conn_retain(req->conn);
    if (gw_alerts_fetch(req->gw, &id, 1, on_get_one, rd) != 0) {
        nq_http_conn_release(req->conn);
        free(rd);
        gw_respond_unavailable(req->conn, "the alert store");
    }
}

/* ---- the hub's life ---------------------------------------------------------- */

static void on_keepalive(uv_timer_t *t)
{
    sse_hub_t *hub = t->data;
    for (sse_client_t *c = hub->clients; c; c = c->next)
        nq_http_stream_write(c->conn, ": keepalive\n\n", 13);
}

static void on_tail_timer(uv_timer_t *t)
{
    hub_read(t->data);
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
    hub->sub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_SUB, svc->cfg.alerts_endpoint,
                            NQ_ZSOCK_CONNECT, nq_curve_link(svc->curve, NQ_LINK_ALERTS), sub_routes,
                            N_SUB_ROUTES, hub, (size_t)svc->cfg.max_frame_bytes);
    if (!hub->sub) {
        free(hub);
        return NULL;
    }
    uv_timer_init(&svc->loop, &hub->keepalive);
    uv_timer_init(&svc->loop, &hub->tail);
    hub->keepalive.data = hub->tail.data = hub;
    hub->handles = 2;
    uv_timer_start(&hub->keepalive, on_keepalive, KEEPALIVE_MS, KEEPALIVE_MS);
    uv_timer_start(&hub->tail, on_tail_timer, 0, TAIL_MS);
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
    sse_hub_t *hub = h->data;
    if (--hub->handles == 0 && !hub->reading)
        free(hub);
}

void sse_hub_destroy(sse_hub_t **hubp)
{
    if (!hubp || !*hubp)
        return;
    sse_hub_t *hub = *hubp;
    *hubp = NULL;
    hub->closing = true;
    /* Streams are closed by the HTTP server, maybe later: detach them. */
    for (sse_client_t *c = hub->clients; c; c = c->next)
        c->hub = NULL;
    hub->clients = NULL;
    nq_zsock_destroy(&hub->sub);
    uv_close((uv_handle_t *)&hub->keepalive, on_hub_closed);
    uv_close((uv_handle_t *)&hub->tail, on_hub_closed);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/alerts/stream", NQ_READ(ALERT), get_stream, NULL, GW_SUBJ_FILTERED},
    {"GET", "/api/v1/alerts", NQ_READ(ALERT), get_list, NULL, GW_SUBJ_FILTERED},
    {"GET", "/api/v1/alerts/:id", NQ_READ(ALERT), get_one, NULL, GW_SUBJ_RECORD},
    {"POST", "/api/v1/alerts/:id/:action", NQ_WRITE(ALERT), gw_alert_act, NULL, GW_SUBJ_RECORD},
    {"GET", "/api/v1/teams/:id/alert-rules", NQ_READ(RULES), gw_alert_rules_get, NULL,
     GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/alert-rules", NQ_WRITE(RULES), gw_alert_rules_put, NULL,
     GW_SUBJ_TEAM},
};

const gw_routes_t gw_alert_routes = {rows, sizeof(rows) / sizeof(rows[0])};
