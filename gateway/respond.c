/* respond.c — JSON answers and deferred service calls. See gateway.h. */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "mediatype.h"
#include "nq/i18n.h"
#include "nq/log.h"
#include "nq/utf8.h"

#define JSON_TYPE "application/json; charset=utf-8"

int gw_respond_json(nq_http_conn_t *conn, int status, json_t *body, const char *extra_headers)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(body);
    if (!text) {
        nq_log_error("answer_failed", "the JSON of a %d answer could not be %s", status,
                     body ? "written (out of memory)" : "built (out of memory, or not UTF-8)");
        return nq_http_respond(conn, 500, JSON_TYPE, "{\"error\":\"internal\"}", 20, NULL);
    }
    int rc = nq_http_respond(conn, status, JSON_TYPE, text, strlen(text), extra_headers);
    free(text);
    return rc;
}

int gw_respond_json_text(nq_http_conn_t *conn, int status, const char *text, size_t len)
{
    return nq_http_respond(conn, status, JSON_TYPE, text, len, NULL);
}

json_t *gw_field_errors_json(const nq_field_errors_t *errs)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && errs && i < errs->n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "field", errs->items[i].field, "reason",
                                             errs->items[i].reason));
    return arr;
}

/* Services' field errors, which may quote their input: kept valid UTF-8. */
json_t *gw_pb_field_errors_json(Nq__FieldError *const *errs, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        char field[128], reason[512];
        nq_utf8_clean(field, sizeof(field), errs[i]->field);
        nq_utf8_clean(reason, sizeof(reason), errs[i]->reason);
        json_array_append_new(arr, json_pack("{s:s, s:s}", "field", field, "reason", reason));
    }
    return arr;
}

nq_lang_t gw_lang(const nq_http_conn_t *conn)
{
    const nq_http_request_t *req = nq_http_conn_request(conn);
    return nq_lang_accept(req ? nq_http_header(req, "Accept-Language") : NULL);
}

void gw_localize_errors(json_t *errors, nq_lang_t lang)
{
    size_t i;
    json_t *e;
    if (lang == NQ_LANG_EN)
        return;
    json_array_foreach (errors, i, e) {
        char text[512];
        const char *reason = json_string_value(json_object_get(e, "reason"));
        if (reason)
            json_object_set_new(e, "reason",
                                json_string(nq_i18n_tr(lang, reason, text, sizeof(text))));
    }
}

/* The error answer, in the request's language. `detail` may quote the
 * request (a parser's message): it is made valid UTF-8 first, so that the
 * answer can always be built. A 5xx other than 503 (a service away, said in
 * the answer) is logged with its detail, in English. */
static int respond_error_with(nq_http_conn_t *conn, int status, const char *code,
                              const char *detail, json_t *errors, const char *extra_headers)
{
    char text[512], translated[1024];
    nq_utf8_clean(text, sizeof(text), detail ? detail : code);
    if (status >= 500 && status != 503)
        nq_log_error("internal_error", "answering %d %s: %s", status, code, text);
    nq_lang_t lang = gw_lang(conn);
    if (lang != NQ_LANG_EN) {
        nq_i18n_tr(lang, text, translated, sizeof(translated));
        gw_localize_errors(errors, lang);
    }
    json_t *body =
        json_pack("{s:s, s:s}", "error", code, "detail", lang != NQ_LANG_EN ? translated : text);
    if (body && errors && json_array_size(errors) > 0)
        json_object_set(body, "errors", errors);
    json_decref(errors);
    return gw_respond_json(conn, status, body, extra_headers);
}

int gw_respond_error(nq_http_conn_t *conn, int status, const char *code, const char *detail,
                     const nq_field_errors_t *errs)
{
    return respond_error_with(conn, status, code, detail, errs ? gw_field_errors_json(errs) : NULL,
                              NULL);
}

int gw_respond_error_headers(nq_http_conn_t *conn, int status, const char *code, const char *detail,
                             const char *extra_headers)
{
    return respond_error_with(conn, status, code, detail, NULL, extra_headers);
}

int gw_respond_unavailable(nq_http_conn_t *conn, const char *what)
{
    char detail[128];
    snprintf(detail, sizeof(detail), "%s is unavailable, retry later", what);
    return respond_error_with(conn, 503, "unavailable", detail, NULL, "Retry-After: 1\r\n");
}

/* HTTP answer for each reply status. */
static const struct {
    int http;
    const char *code;
} status_map[] = {
    [NQ__STATUS__STATUS_OK] = {200, "ok"},
    [NQ__STATUS__STATUS_INVALID] = {400, "invalid"},
    [NQ__STATUS__STATUS_NOT_FOUND] = {404, "not_found"},
    [NQ__STATUS__STATUS_FORBIDDEN] = {403, "forbidden"},
    [NQ__STATUS__STATUS_UNAVAILABLE] = {503, "unavailable"},
    [NQ__STATUS__STATUS_CONFLICT] = {409, "conflict"},
};

int gw_respond_reply(nq_http_conn_t *conn, const Nq__ReplyHeader *hdr, int ok_status, json_t *body)
{
    Nq__Status st = hdr && hdr->has_status ? hdr->status : NQ__STATUS__STATUS_OK;
    if (st == NQ__STATUS__STATUS_OK)
        return gw_respond_json(conn, ok_status, body, NULL);
    json_decref(body);
    if ((size_t)st >= sizeof(status_map) / sizeof(status_map[0]))
        st = NQ__STATUS__STATUS_UNAVAILABLE;
    return respond_error_with(conn, status_map[st].http, status_map[st].code, hdr->detail,
                              gw_pb_field_errors_json(hdr->errors, hdr->n_errors),
                              st == NQ__STATUS__STATUS_UNAVAILABLE ? "Retry-After: 1\r\n" : NULL);
}

json_t *gw_load_json(const gw_request_t *req)
{
    const char *ct = nq_http_header(req->http, "Content-Type");
    if (ct && !media_type_is(ct, "application/json")) {
        gw_respond_error(req->conn, 415, "unsupported_media_type",
                         "send Content-Type: application/json", NULL);
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadb(req->http->body, req->http->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        char detail[300];
        snprintf(detail, sizeof(detail), "body is not valid JSON: %s (line %d, column %d)",
                 err.text, err.line, err.column);
        gw_respond_error(req->conn, 400, "invalid", detail, NULL);
    }
    return root;
}

void gw_unknown_fields(const json_t *body, const char *const *known, const char *reason,
                       nq_field_errors_t *errs)
{
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)body, key, v) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i])
            nq_field_errors_add(errs, key, "%s", reason);
    }
}

json_t *gw_parse_json_body(const gw_request_t *req)
{
    json_t *obj = gw_load_json(req);
    if (obj && !json_is_object(obj)) {
        json_decref(obj);
        gw_respond_error(req->conn, 400, "invalid", "body must be a JSON object", NULL);
        return NULL;
    }
    return obj;
}

const char *gw_path_id(const gw_request_t *req, const char *name)
{
    const char *id = nq_route_param(req->params, name);
    if (nq_valid_id(id))
        return id;
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, name, NQ_ID_RULE);
    gw_respond_error(req->conn, 400, "invalid", "bad id in the path", &errs);
    return NULL;
}

int gw_period_query(const gw_request_t *req, nq_period_kind_t *kind, int64_t *at_ms)
{
    char buf[64];
    nq_field_errors_t errs = {0};
    *kind = NQ_PERIOD_WEEK;
    *at_ms = nq_now_ms();
    if (nq_http_query_param(req->http, "period", buf, sizeof(buf)) >= 0 &&
        nq_period_kind_parse(buf, kind) != 0)
        nq_field_errors_add(&errs, "period", "must be day, week, month, quarter or year");
    const char *why = "must be a date (2026-11-26), an RFC 3339 time or Unix ms";
    if (nq_http_query_param(req->http, "at", buf, sizeof(buf)) >= 0 &&
        nq_time_parse(buf, at_ms, &why) != 0)
        nq_field_errors_add(&errs, "at", "%s", why);
    if (errs.n == 0)
        return 0;
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
    return -1;
}

/* A service call on behalf of an HTTP request. */
typedef struct pending {
    nq_http_conn_t *conn;      /* retained until the reply */
    gw_reply_fn done;          /* answers the client */
    void *data;                /* handler state */
    void (*free_data)(void *); /* releases it */
} pending_t;

static void on_call_reply(const ProtobufCMessage *reply, const Nq__ReplyHeader *hdr, void *data)
{
    pending_t *p = data;
    if (nq_http_conn_open(p->conn)) {
        if (reply)
            p->done(p->conn, reply, hdr, p->data);
        else
            gw_respond_unavailable(p->conn, "the service");
    }
    nq_http_conn_release(p->conn);
    if (p->free_data)
        p->free_data(p->data);
    free(p);
}

/* The upstream of the service that answers `msg` (its owner in the message
 * table), or NULL. */
static upstream_t *upstream_of(const gateway_t *gw, const nq_msgtype_t *msg)
{
    upstream_t *const ups[] = {gw->ingest, gw->customers, gw->reporting};
    for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
        if (ups[i] && upstream_answers(ups[i], msg))
            return ups[i];
    }
    return NULL;
}

int gw_ask(gateway_t *gw, const nq_msgtype_t *type, ProtobufCMessage *msg, upstream_cb done,
           void *data)
{
    upstream_t *up = upstream_of(gw, type);
    return up ? upstream_call(up, type, msg, (uint64_t)gw->svc->cfg.request_timeout_ms, done, data)
              : -1;
}

int gw_call(const gw_request_t *req, const nq_msgtype_t *type, ProtobufCMessage *msg,
            gw_reply_fn done, void *data, void (*free_data)(void *))
{
    pending_t *p = malloc(sizeof(*p));
    if (p) {
        *p = (pending_t){req->conn, done, data, free_data};
        nq_http_conn_retain(req->conn);
        if (gw_ask(req->gw, type, msg, on_call_reply, p) == 0)
            return 0;
        nq_http_conn_release(req->conn);
        free(p);
    }
    if (free_data)
        free_data(data);
    gw_respond_unavailable(req->conn, "the service");
    return -1;
}
