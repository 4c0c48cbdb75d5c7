/* h_activities.c — activity feeds.
 *
 * POST /api/v1/activities takes a JSON object, a JSON array of objects,
 * NDJSON (application/x-ndjson, one object per line) or a protobuf
 * ActivityBatchRequest (application/x-protobuf). Each event is mapped to the
 * protobuf Activity; events that do not map are rejected here with their
 * field errors, the rest go to ingest in one batch. The answer has one
 * result per event, in order, and a status that says whether all (202), some
 * (207) or none (400, or 409 when all conflict) were taken.
 *
 * POST /api/v1/feeds/{source} is the same for webhooks of another system:
 * the delivery must be signed with the source's secret (nq/feedsig.h); a
 * replayed delivery (same signature) is refused with 409 once the first one
 * was taken (ingest checks and remembers it in the script that stores it,
 * services/ingest/store.h); events without a `source` get the feed's name.
 *
 * Both routes keep to the caller's scope event by event: a salesperson posts
 * only their own events, a team-limited caller (coordinator, key limited to
 * teams) only those of salespeople now in its teams (their teams from the
 * gateway's cache, scope_check.h: no Redis read per event); an event out of
 * scope is rejected with a field error on salesperson_id, like any other
 * invalid event, and never reaches ingest. Every-team callers skip this.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "activity_json.h"
#include "authcache.h"
#include "coalesce.h"
#include "gateway.h"
#include "jtext.h"
#include "nq/access.h"
#include "nq/buf.h"
#include "nq/feedsig.h"
#include "nq/log.h"
#include "pbjson.h"
#include "pbjson_fast.h"
#include "scope.h"
#include "scope_check.h"

/* Result names, indexed by Nq__EventStatus. */
static const char *const status_names[] = {
    [NQ__EVENT_STATUS__EVENT_ACCEPTED] = "accepted",
    [NQ__EVENT_STATUS__EVENT_DUPLICATE] = "duplicate",
    [NQ__EVENT_STATUS__EVENT_CONFLICT] = "conflict",
    [NQ__EVENT_STATUS__EVENT_REJECTED] = "rejected",
};
#define N_STATUS 4

/* One event's answer. */
typedef struct event_result {
    Nq__EventStatus status; /* accepted until ingest says otherwise */
    char *event_id;         /* rejected here: its id (copied), else NULL */
    json_t *errors;         /* rejected here: its field errors, else NULL */
} event_result_t;

/* One request's events while they are parsed and while ingest works. */
typedef struct batch {
    size_t max;              /* most events allowed */
    event_result_t *results; /* one per event, in body order */
    size_t n_results;        /* events in the body so far */
    Nq__Activity **events;   /* events to send (owned until sent) */
    size_t *sent;            /* body index of each event to send */
    size_t n_events;         /* events held (0 once sent) */
    size_t n_sent;           /* events sent to ingest */
    size_t cap_results;      /* slots in results */
    size_t cap_events;       /* slots in events */
    size_t cap_sent;         /* slots in sent */
    const char *source;      /* feed name for events without one, or NULL */
    const char *sources;     /* the key's allowed sources ("" any), read while parsing */
    char delivery[160];      /* feeds: "<source>:<signature hex>", "" otherwise */
    gw_scope_t scope;        /* the caller's reach: events out of it are rejected */
    gateway_t *gw;           /* the app, while the teams are read */
    nq_http_conn_t *conn;    /* retained while the teams are read */
} batch_t;

static void batch_free_events(batch_t *b)
{
    for (size_t i = 0; i < b->n_events; i++)
        protobuf_c_message_free_unpacked(&b->events[i]->base, NULL);
    b->n_events = 0;
}

static void batch_free(void *data)
{
    batch_t *b = data;
    batch_free_events(b);
    for (size_t i = 0; i < b->n_results; i++) {
        free(b->results[i].event_id);
        json_decref(b->results[i].errors);
    }
    free(b->results);
    free(b->events);
    free(b->sent);
    free(b);
}

/* Room for one more event in every array. Returns 0, or -1 over the limit
 * or out of memory. */
static int batch_grow(batch_t *b)
{
    if (b->n_results >= b->max)
        return -1;
    size_t need = b->n_results + 1;
    event_result_t *results =
        nq_array_grow(b->results, &b->cap_results, need, 16, sizeof(*results));
    if (!results)
        return -1;
    b->results = results;
    Nq__Activity **events = nq_array_grow(b->events, &b->cap_events, need, 16, sizeof(*events));
    if (!events)
        return -1;
    b->events = events;
    size_t *sent = nq_array_grow(b->sent, &b->cap_sent, need, 16, sizeof(*sent));
    if (!sent)
        return -1;
    b->sent = sent;
    return 0;
}

static int batch_reject(batch_t *b, const char *event_id, json_t *errors);

/* Take one event (owned) for ingest; an event whose source the key may not
 * write is rejected instead. Returns 0, or -1 when over the limit or out of
 * memory (the event is freed). */
static int batch_add(batch_t *b, Nq__Activity *ev)
{
    if (b->source && !ev->source)
        ev->source = strdup(b->source);
    if (b->sources && *b->sources && !(ev->source && nq_teams_has(b->sources, ev->source))) {
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, "source",
                            "this API key may not write events of this source "
                            "(nqctl apikey list shows its sources)");
        int rc = batch_reject(b, ev->event_id, gw_field_errors_json(&errs));
        protobuf_c_message_free_unpacked(&ev->base, NULL);
        return rc;
    }
    if (batch_grow(b) != 0) {
        protobuf_c_message_free_unpacked(&ev->base, NULL);
        return -1;
    }
    b->sent[b->n_events] = b->n_results;
    b->events[b->n_events++] = ev;
    /* Accepted is a placeholder: ingest's verdict replaces it. */
    b->results[b->n_results++] = (event_result_t){NQ__EVENT_STATUS__EVENT_ACCEPTED, NULL, NULL};
    return 0;
}

/* Record an event rejected before ingest (errors stolen). Returns 0, or -1
 * over the limit. */
static int batch_reject(batch_t *b, const char *event_id, json_t *errors)
{
    if (batch_grow(b) != 0) {
        json_decref(errors);
        return -1;
    }
    b->results[b->n_results++] = (event_result_t){NQ__EVENT_STATUS__EVENT_REJECTED,
                                                  event_id ? strdup(event_id) : NULL, errors};
    return 0;
}

/* One JSON event: mapped, or rejected with its field errors. `nums` has the
 * texts of the document's numbers. */
static int batch_add_json(batch_t *b, const json_t *obj, const jnum_index_t *nums)
{
    nq_field_errors_t errs = {0};
    Nq__Activity *ev = (Nq__Activity *)pbjson_decode(&gw_activity_schema, obj, nums, &errs);
    if (ev)
        return batch_add(b, ev);
    return batch_reject(b, json_string_value(json_object_get(obj, "event_id")),
                        gw_field_errors_json(&errs));
}

/* ---- body formats: each fills the batch or answers 400 and returns -1 ---- */

typedef int (*format_parse_fn)(const gw_request_t *req, batch_t *b, const char **why);

/* The body through pbjson_fast.h. Returns 1 when that parser declined it
 * (nothing taken: use the general path), else 0 or -1 as a format parser. */
static int parse_fast(const gw_request_t *req, batch_t *b, pbjson_fast_format_t format)
{
    ProtobufCMessage **msgs;
    size_t n;
    if (pbjson_fast_decode(&gw_activity_schema, req->http->body, req->http->body_len, format,
                           b->max, &msgs, &n) != 0)
        return 1;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = batch_add(b, (Nq__Activity *)msgs[i]); /* frees it on failure */
        else
            protobuf_c_message_free_unpacked(msgs[i], NULL);
    }
    free(msgs);
    return rc;
}

static int parse_json(const gw_request_t *req, batch_t *b, const char **why)
{
    int fast = parse_fast(req, b, PBJSON_FAST_JSON);
    if (fast != 1)
        return fast;
    json_error_t err;
    json_t *root = json_loadb(req->http->body, req->http->body_len, JSON_REJECT_DUPLICATES, &err);
    int rc = 0;
    if (!root) {
        static char detail[300];
        snprintf(detail, sizeof(detail), "body is not valid JSON: %s (line %d, column %d)",
                 err.text, err.line, err.column);
        *why = detail;
        return -1;
    }
    jnum_index_t *nums = jnum_index(root, req->http->body, req->http->body_len);
    if (json_is_object(root)) {
        rc = batch_add_json(b, root, nums);
    } else if (json_is_array(root) && json_array_size(root) > 0) {
        size_t i;
        json_t *ev;
        json_array_foreach (root, i, ev) {
            if ((rc = batch_add_json(b, ev, nums)) != 0)
                break;
        }
    } else {
        *why = "body must be an event object or a non-empty array of them";
        rc = -2;
    }
    jnum_free(&nums);
    json_decref(root);
    return rc;
}

static int parse_ndjson(const gw_request_t *req, batch_t *b, const char **why)
{
    int fast = parse_fast(req, b, PBJSON_FAST_NDJSON);
    if (fast != 1)
        return fast;
    const char *p = req->http->body, *end = p + req->http->body_len, *text;
    size_t len;
    for (size_t line = 1; pbjson_ndjson_line(&p, end, &text, &len); line++) {
        if (len == 0)
            continue;
        json_error_t err;
        json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
        int rc;
        if (obj) {
            jnum_index_t *nums = jnum_index(obj, text, len);
            rc = batch_add_json(b, obj, nums);
            jnum_free(&nums);
        } else {
            nq_field_errors_t errs = {0};
            nq_field_errors_add(&errs, "(line)", "line %zu is not valid JSON: %s", line, err.text);
            rc = batch_reject(b, NULL, gw_field_errors_json(&errs));
        }
        json_decref(obj);
        if (rc != 0)
            return rc;
    }
    if (b->n_results == 0) {
        *why = "body has no events";
        return -2;
    }
    return 0;
}

static int parse_protobuf(const gw_request_t *req, batch_t *b, const char **why)
{
    Nq__ActivityBatchRequest *msg = nq__activity_batch_request__unpack(
        NULL, req->http->body_len, (const uint8_t *)req->http->body);
    if (!msg) {
        *why = "body is not a protobuf ActivityBatchRequest";
        return -2;
    }
    int rc = msg->n_events ? 0 : -2;
    if (rc)
        *why = "body has no events";
    size_t i = 0;
    for (; i < msg->n_events && rc == 0; i++) {
        rc = batch_add(b, msg->events[i]); /* the event moves into the batch */
        msg->events[i] = NULL;
    }
    for (; i < msg->n_events; i++) {
        protobuf_c_message_free_unpacked(&msg->events[i]->base, NULL);
        msg->events[i] = NULL;
    }
    msg->n_events = 0;
    nq__activity_batch_request__free_unpacked(msg, NULL);
    return rc;
}

typedef struct body_format {
    const char *content_type; /* media type, without parameters */
    format_parse_fn parse;    /* body -> batch */
} body_format_t;

static const body_format_t formats[] = {
    {"application/json", parse_json},
    {"application/x-ndjson", parse_ndjson},
    {"application/x-protobuf", parse_protobuf},
};

/* The format for the request's Content-Type (JSON when absent), or NULL. */
static const body_format_t *format_of(const gw_request_t *req)
{
    const char *ct = nq_http_header(req->http, "Content-Type");
    if (!ct)
        return &formats[0];
    size_t len = strcspn(ct, "; ");
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strlen(formats[i].content_type) == len &&
            strncasecmp(ct, formats[i].content_type, len) == 0)
            return &formats[i];
    }
    return NULL;
}

/* ---- answering ----------------------------------------------------------- */

/* The HTTP status for these counts: all taken 202, some 207, none 400 (409
 * when every one conflicts). */
static int batch_status(const size_t count[N_STATUS], size_t n)
{
    size_t ok = count[NQ__EVENT_STATUS__EVENT_ACCEPTED] + count[NQ__EVENT_STATUS__EVENT_DUPLICATE];
    if (ok == n)
        return 202;
    if (ok > 0)
        return 207;
    return count[NQ__EVENT_STATUS__EVENT_CONFLICT] == n ? 409 : 400;
}

/* Answer: the counts per status, then one result per event, in body order.
 * `ids` are the ids of the events sent to ingest (from its reply), NULL
 * when none were sent. Written as text: a json_t per event would cost more
 * than the rest of the request. */
static void respond_batch(nq_http_conn_t *conn, batch_t *b, const char *const *ids)
{
    size_t count[N_STATUS] = {0};
    for (size_t i = 0; i < b->n_results; i++)
        count[b->results[i].status]++;
    int status = batch_status(count, b->n_results);
    int lang = -1; /* read from the request at the first error */
    nq_buf_t t = NQ_BUF_INIT;
    for (int k = 0; k < N_STATUS; k++) {
        nq_buf_adds(&t, k ? ",\"" : "{\"");
        nq_buf_adds(&t, status_names[k]);
        nq_buf_adds(&t, "\":");
        nq_buf_addu64(&t, count[k]);
    }
    nq_buf_adds(&t, ",\"results\":[");
    for (size_t i = 0, k = 0; i < b->n_results; i++) {
        const event_result_t *r = &b->results[i];
        const char *id = r->event_id;
        if (k < b->n_sent && b->sent[k] == i)
            id = ids ? ids[k++] : NULL;
        nq_buf_adds(&t, i ? ",{\"index\":" : "{\"index\":");
        nq_buf_addu64(&t, i);
        nq_buf_adds(&t, ",\"event_id\":");
        jtext_str(&t, id);
        nq_buf_adds(&t, ",\"status\":\"");
        nq_buf_adds(&t, status_names[r->status]);
        nq_buf_adds(&t, "\"");
        if (r->errors && json_array_size(r->errors) > 0) {
            if (lang < 0)
                lang = (int)gw_lang(conn);
            gw_localize_errors(r->errors, (nq_lang_t)lang);
            nq_buf_adds(&t, ",\"errors\":");
            jtext_json(&t, r->errors);
        }
        nq_buf_adds(&t, "}");
    }
    nq_buf_adds(&t, "]}");
    if (t.failed)
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
    else
        gw_respond_json_text(conn, status, t.buf, t.len);
    nq_buf_release(&t);
}

static void on_ingest_results(nq_http_conn_t *conn, const Nq__ReplyHeader *hdr,
                              Nq__EventResult *const *results, size_t n, bool replayed, void *data)
{
    batch_t *b = data;
    const char **ids = NULL;
    if (!nq_http_conn_open(conn)) {
        /* the client left */
    } else if (!hdr) {
        gw_respond_unavailable(conn, "ingest");
    } else if (hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK) {
        gw_respond_reply(conn, hdr, 200, NULL);
    } else if (replayed) {
        gw_respond_error(conn, 409, "replayed",
                         "this delivery was already received (same signature)", NULL);
    } else if (!(ids = calloc(b->n_sent + 1, sizeof(*ids)))) {
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
    } else {
        for (size_t k = 0; k < n && k < b->n_sent; k++) {
            const Nq__EventResult *res = results[k];
            if (!res || (unsigned)res->status >= N_STATUS)
                continue;
            event_result_t *r = &b->results[b->sent[k]];
            ids[k] = res->event_id;
            r->status = res->status;
            if (res->n_errors)
                r->errors = gw_pb_field_errors_json(res->errors, res->n_errors);
        }
        respond_batch(conn, b, ids);
    }
    free(ids);
    batch_free(b);
}

static batch_t *batch_new(const gw_request_t *req)
{
    batch_t *b = calloc(1, sizeof(*b));
    if (b) {
        b->max = (size_t)req->gw->svc->cfg.max_batch_events;
        b->sources = req->who ? req->who->sources : NULL;
        gw_scope_of(&b->scope, req->who);
    }
    return b;
}

/* Send the batch's events to ingest, or answer at once when none is left;
 * takes ownership of b. */
static void send_batch(gateway_t *gw, nq_http_conn_t *conn, batch_t *b)
{
    if (b->n_events == 0) {
        respond_batch(conn, b, NULL);
        batch_free(b);
        return;
    }
    /* The events go to ingest with the other requests of this loop turn. */
    b->n_sent = b->n_events;
    if (coalescer_add(gw->coalescer, conn, b->events, b->n_events,
                      b->delivery[0] ? b->delivery : NULL, on_ingest_results, b) != 0) {
        gw_respond_unavailable(conn, "the gateway (out of memory)");
        batch_free(b);
        return;
    }
    b->n_events = 0; /* the events moved into the coalescer */
}

/* The team of sp among the n distinct ids (NULL: none to look at). */
static const char *team_in(const char *sp, const char *const *ids, const char *const *teams,
                           size_t n)
{
    for (size_t i = 0; teams && i < n; i++)
        if (strcmp(ids[i], sp) == 0)
            return teams[i];
    return NULL;
}

/* Reject every event whose salesperson the scope does not see (teams[i]
 * the team of ids[i]; NULL for a salesperson's own scope). An event without
 * a salesperson goes on: ingest rejects it for that. The ids borrow from the
 * events, so the rejected ones are swapped behind the kept ones and freed
 * only after the last lookup. */
static void batch_keep_scope(batch_t *b, const char *const *ids, const char *const *teams, size_t n)
{
    size_t kept = 0;
    for (size_t k = 0; k < b->n_events; k++) {
        Nq__Activity *ev = b->events[k];
        const char *sp = ev->salesperson_id;
        if (!sp || !*sp || gw_scope_sees_salesperson(&b->scope, sp, team_in(sp, ids, teams, n))) {
            size_t sent = b->sent[k];
            b->events[k] = b->events[kept];
            b->sent[k] = b->sent[kept];
            b->sent[kept] = sent;
            b->events[kept++] = ev;
            continue;
        }
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, "salesperson_id",
                            b->scope.reach == NQ_REACH_SELF
                                ? "is not you: a salesperson posts only their own events"
                                : "is not in your teams");
        event_result_t *r = &b->results[b->sent[k]];
        r->status = NQ__EVENT_STATUS__EVENT_REJECTED;
        r->event_id = ev->event_id ? strdup(ev->event_id) : NULL;
        r->errors = gw_field_errors_json(&errs);
    }
    for (size_t k = kept; k < b->n_events; k++)
        protobuf_c_message_free_unpacked(&b->events[k]->base, NULL);
    b->n_events = kept;
}

/* The distinct salespeople of the batch's events (borrowed from them) into
 * ids (room for n_events); returns how many. */
static size_t batch_salespeople(const batch_t *b, const char **ids)
{
    size_t n = 0;
    for (size_t k = 0; k < b->n_events; k++) {
        const char *sp = b->events[k]->salesperson_id;
        if (sp && *sp && !team_in(sp, ids, ids, n)) /* ids as "teams": found or not */
            ids[n++] = sp;
    }
    return n;
}

static void on_batch_teams(const char *const *teams, void *data)
{
    batch_t *b = data;
    nq_http_conn_t *conn = b->conn;
    const char **ids = calloc(b->n_events + 1, sizeof(*ids));
    if (!nq_http_conn_open(conn)) {
        batch_free(b); /* the client left */
    } else if (!teams || !ids) {
        gw_respond_unavailable(conn, teams ? "the gateway (out of memory)" : "the org store");
        batch_free(b);
    } else {
        size_t n = batch_salespeople(b, ids); /* the same ids, in the same order, as asked */
        batch_keep_scope(b, ids, teams, n);
        send_batch(b->gw, conn, b);
    }
    free(ids);
    nq_http_conn_release(conn);
}

/* Keep the batch to the caller's scope, then send it; takes ownership of b.
 * A team-limited caller's salespeople are looked up in the gateway's cache
 * first (one Redis round trip for the batch when some are not there). */
static void scope_batch(const gw_request_t *req, batch_t *b)
{
    if (gw_scope_all(&b->scope) || b->n_events == 0) {
        send_batch(req->gw, req->conn, b);
        return;
    }
    if (b->scope.reach == NQ_REACH_SELF) {
        batch_keep_scope(b, NULL, NULL, 0);
        send_batch(req->gw, req->conn, b);
        return;
    }
    const char **ids = calloc(b->n_events + 1, sizeof(*ids));
    size_t n = ids ? batch_salespeople(b, ids) : 0;
    b->gw = req->gw;
    b->conn = req->conn;
    nq_http_conn_retain(req->conn);
    if (!ids || gw_scope_teams_cached(req->gw, ids, n, on_batch_teams, b) != 0) {
        nq_http_conn_release(req->conn);
        gw_respond_unavailable(req->conn, ids ? "the org store" : "the gateway (out of memory)");
        batch_free(b);
    }
    free(ids);
}

/* Parse the body into `b`, keep it to the caller's scope and send it to
 * ingest; answers in every case and takes ownership of b. */
static void take_batch(const gw_request_t *req, batch_t *b)
{
    const body_format_t *fmt = format_of(req);
    if (!fmt) {
        gw_respond_error(req->conn, 415, "unsupported_media_type",
                         "send application/json, application/x-ndjson or application/x-protobuf",
                         NULL);
        batch_free(b);
        return;
    }
    const char *why = "out of memory";
    int rc = fmt->parse(req, b, &why);
    if (rc != 0) {
        bool too_many = b->n_results >= b->max;
        char detail[96];
        snprintf(detail, sizeof(detail), "at most %zu events per request", b->max);
        gw_respond_error(req->conn, too_many ? 413 : 400, too_many ? "too_large" : "invalid",
                         too_many ? detail : why, NULL);
        batch_free(b);
        return;
    }
    scope_batch(req, b);
}

static void post_activities(const gw_request_t *req)
{
    batch_t *b = batch_new(req);
    if (!b) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    take_batch(req, b);
}

/* ---- signed webhooks ------------------------------------------------------ */

static void post_feed(const gw_request_t *req)
{
    const nq_config_t *cfg = &req->gw->svc->cfg;
    const char *source = nq_route_param(req->params, "source");
    char secret[NQ_FEED_SECRET_MAX + 1];
    if (!nq_valid_id(source) ||
        nq_feed_secret(cfg->feed_secrets, source, secret, sizeof(secret)) != 0) {
        gw_respond_error(req->conn, 401, "unauthorized",
                         "unknown feed source (no secret configured)", NULL);
        return;
    }
    const char *sig = nq_http_header(req->http, "X-Neiqin-Signature");
    const char *why = NULL;
    int rc = nq_feed_verify(secret, nq_http_header(req->http, "X-Neiqin-Timestamp"), sig,
                            req->http->body, req->http->body_len, nq_now_ms() / 1000,
                            cfg->feed_tolerance_s, &why);
    sodium_memzero(secret, sizeof(secret));
    if (rc != 0) {
        gw_respond_error(req->conn, 401, "unauthorized", why, NULL);
        return;
    }
    batch_t *b = batch_new(req);
    if (!b) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    b->source = source; /* the route's parameter: read only while the body is parsed */
    snprintf(b->delivery, sizeof(b->delivery), "%s:%s", source, sig + 7);
    /* Hex digits in either case are the same delivery. */
    for (char *p = b->delivery + strlen(source) + 1; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    take_batch(req, b);
}

/* The body types of both routes (formats[]), checked at the door (door.c). */
const char *const gw_activity_media[] = {"application/json", "application/x-ndjson",
                                         "application/x-protobuf", NULL};

static const nq_route_t rows[] = {
    {"POST", "/api/v1/activities", NQ_WRITE(ACTIVITY), post_activities, NULL, GW_SUBJ_FILTERED},
    {"POST", "/api/v1/feeds/:source", NQ_WRITE(ACTIVITY), post_feed, NULL, GW_SUBJ_FILTERED},
};

const gw_routes_t gw_activity_routes = {rows, sizeof(rows) / sizeof(rows[0])};
