/* h_activities.c — POST /api/v1/activities: feeds send activity events.
 *
 * The body is one JSON object or an array of them. Each event is mapped to
 * the protobuf Activity (pbjson); events that do not map are rejected here
 * with their field errors, the rest go to ingest in one batch. The answer
 * has one result per event, in order, and a status that says whether all
 * (202), some (207) or none (400, or 409 when all conflict) were taken.
 */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "pbjson.h"

static const pbjson_special_t activity_specials[] = {
    {"amount", "amount_fen", PBJSON_MONEY, false},
    {"price", "price_fen", PBJSON_MONEY, false},
    {"occurred_at", "occurred_at", PBJSON_TIME, false},
    {"due_at", "due_at", PBJSON_TIME, false},
    {"received_at", "received_at", PBJSON_TIME, true},
};

static const pbjson_schema_t activity_schema = {
    &nq__activity__descriptor, activity_specials,
    sizeof(activity_specials) / sizeof(activity_specials[0])};

/* Result names, indexed by Nq__EventStatus. */
static const char *const status_names[] = {
    [NQ__EVENT_STATUS__EVENT_ACCEPTED] = "accepted",
    [NQ__EVENT_STATUS__EVENT_DUPLICATE] = "duplicate",
    [NQ__EVENT_STATUS__EVENT_CONFLICT] = "conflict",
    [NQ__EVENT_STATUS__EVENT_REJECTED] = "rejected",
};
#define N_STATUS 4

/* Per-request state while ingest works. */
typedef struct batch {
    size_t n;         /* events in the body */
    json_t *results;  /* array: one result object per event, filled in order */
    size_t *sent;     /* body index of each event sent to ingest */
    size_t n_sent;    /* events sent */
} batch_t;

static void batch_free(void *data)
{
    batch_t *b = data;
    json_decref(b->results);
    free(b->sent);
    free(b);
}

static json_t *result_json(size_t index, const char *event_id, Nq__EventStatus status,
                           json_t *errors)
{
    json_t *r = json_pack("{s:I, s:s?, s:s}", "index", (json_int_t)index, "event_id", event_id,
                          "status", status_names[status]);
    if (r && errors && json_array_size(errors) > 0)
        json_object_set(r, "errors", errors);
    json_decref(errors);
    return r;
}

/* Count the results and pick the HTTP status. */
static int summarize(json_t *body, json_t *results)
{
    size_t count[N_STATUS] = {0};
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *st = json_string_value(json_object_get(r, "status"));
        for (int k = 0; st && k < N_STATUS; k++)
            count[k] += strcmp(st, status_names[k]) == 0;
    }
    for (int k = 0; k < N_STATUS; k++)
        json_object_set_new(body, status_names[k], json_integer((json_int_t)count[k]));
    size_t n = json_array_size(results);
    size_t ok = count[NQ__EVENT_STATUS__EVENT_ACCEPTED] + count[NQ__EVENT_STATUS__EVENT_DUPLICATE];
    if (ok == n)
        return 202;
    if (ok > 0)
        return 207;
    return count[NQ__EVENT_STATUS__EVENT_CONFLICT] == n ? 409 : 400;
}

static void respond_batch(nq_http_conn_t *conn, batch_t *b)
{
    json_t *body = json_object();
    int status = summarize(body, b->results);
    json_object_set(body, "results", b->results);
    gw_respond_json(conn, status, body, NULL);
}

static void on_ingest_reply(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                            const Nq__ReplyHeader *hdr, void *data)
{
    batch_t *b = data;
    const Nq__ActivityBatchReply *rep = (const Nq__ActivityBatchReply *)msg;
    if (!hdr || (hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK)) {
        gw_respond_reply(conn, hdr, 200, NULL);
        return;
    }
    for (size_t k = 0; k < rep->n_results; k++) {
        const Nq__EventResult *res = rep->results[k];
        if (!res->has_index || res->index < 0 || (size_t)res->index >= b->n_sent ||
            (unsigned)res->status >= N_STATUS)
            continue;
        size_t i = b->sent[res->index];
        json_array_set_new(b->results, i,
                           result_json(i, res->event_id, res->status,
                                       gw_pb_field_errors_json(res->errors, res->n_errors)));
    }
    respond_batch(conn, b);
}

/* The events of the body: an array, or one object as an array of one. */
static json_t *body_events(const gw_request_t *req)
{
    json_t *root = gw_load_json(req);
    if (!root)
        return NULL;
    if (json_is_object(root)) {
        json_t *arr = json_array();
        json_array_append_new(arr, root);
        return arr;
    }
    const char *why = NULL;
    if (!json_is_array(root))
        why = "body must be an event object or an array of them";
    else if (json_array_size(root) == 0)
        why = "body has no events";
    if (why) {
        json_decref(root);
        gw_respond_error(req->conn, 400, "invalid", why, NULL);
    }
    return why ? NULL : root;
}

static void post_activities(const gw_request_t *req)
{
    json_t *events = body_events(req);
    if (!events)
        return;
    size_t n = json_array_size(events);
    if (n > (size_t)req->gw->svc->cfg.max_batch_events) {
        char detail[96];
        snprintf(detail, sizeof(detail), "at most %lld events per request",
                 (long long)req->gw->svc->cfg.max_batch_events);
        gw_respond_error(req->conn, 413, "too_large", detail, NULL);
        json_decref(events);
        return;
    }
    batch_t *b = calloc(1, sizeof(*b));
    Nq__Activity **decoded = calloc(n, sizeof(*decoded));
    size_t n_decoded = 0;
    if (b) {
        b->n = n;
        b->results = json_array();
        b->sent = calloc(n, sizeof(*b->sent));
    }
    if (!b || !decoded || !b->results || !b->sent) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *ev = json_array_get(events, i);
        nq_field_errors_t errs = {0};
        Nq__Activity *a = (Nq__Activity *)pbjson_decode(&activity_schema, ev, &errs);
        const char *event_id = json_string_value(json_object_get(ev, "event_id"));
        if (a) {
            b->sent[n_decoded] = i;
            decoded[n_decoded++] = a;
        }
        /* Accepted is a placeholder: ingest's verdict replaces it. */
        json_array_append_new(b->results,
                              result_json(i, event_id,
                                          a ? NQ__EVENT_STATUS__EVENT_ACCEPTED
                                            : NQ__EVENT_STATUS__EVENT_REJECTED,
                                          a ? NULL : gw_field_errors_json(&errs)));
    }
    b->n_sent = n_decoded;
    if (n_decoded == 0) {
        respond_batch(req->conn, b);
        goto out;
    }
    Nq__ActivityBatchRequest msg = NQ__ACTIVITY_BATCH_REQUEST__INIT;
    msg.events = decoded;
    msg.n_events = n_decoded;
    gw_call(req, req->gw->ingest, "activity.batch.v1", &msg.base, on_ingest_reply, b, batch_free);
    b = NULL; /* gw_call owns it now; the events were packed when sent */
out:
    for (size_t i = 0; i < n_decoded; i++)
        protobuf_c_message_free_unpacked(&decoded[i]->base, NULL);
    if (b)
        batch_free(b);
    free(decoded);
    json_decref(events);
}

static const nq_route_t rows[] = {
    {"POST", "/api/v1/activities", (void *)post_activities},
};

const gw_routes_t gw_activity_routes = {rows, sizeof(rows) / sizeof(rows[0])};
