/* h_audit.c — GET /api/v1/audit: the audit log (nq/audit.h), newest first.
 *
 * ?subject=KIND or KIND:ID (teams, teams:t1, teams.scorecard:t1, users:ana),
 * ?actor=user:ana, key:<id> or the bare id, ?since= (a date, RFC 3339 time
 * or Unix ms: nothing older), ?cursor= (the next_cursor of the page before),
 * ?limit= 1..200 (default 50). A page reads at most SCAN_MAX entries of the
 * stream; with filters it may hold fewer than `limit` items and still have a
 * next_cursor: go on while there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/audit.h"
#include "nq/keys.h"
#include "nq/period.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX     200
#define SCAN_MAX      1000 /* entries read per page when filtering */

typedef struct query {
    nq_http_conn_t *conn;                                    /* retained until the reply */
    char subject[NQ_AUDIT_SUBJECT + NQ_ROUTE_PARAM_LEN * 2]; /* "" any */
    char actor[96];                                          /* "" any */
    size_t limit;                                            /* items per page */
    size_t scan;                                             /* entries asked of Redis */
} query_t;

/* The value of field `name` in one entry's field/value array, or "". */
static const char *value_of(const redisReply *fields, const char *name)
{
    for (size_t i = 0; i + 1 < fields->elements; i += 2)
        if (fields->element[i]->type == REDIS_REPLY_STRING &&
            strcmp(fields->element[i]->str, name) == 0 &&
            fields->element[i + 1]->type == REDIS_REPLY_STRING)
            return fields->element[i + 1]->str;
    return "";
}

static bool matches(const query_t *q, const redisReply *f)
{
    const char *actor = value_of(f, "actor");
    const char *colon = strchr(actor, ':');
    if (q->actor[0] && strcmp(actor, q->actor) != 0 && !(colon && strcmp(colon + 1, q->actor) == 0))
        return false;
    if (!q->subject[0])
        return true;
    const char *kind = value_of(f, "subject");
    size_t klen = strlen(kind);
    if (strcmp(q->subject, kind) == 0)
        return true;
    return strncmp(q->subject, kind, klen) == 0 && q->subject[klen] == ':' &&
           strcmp(q->subject + klen + 1, value_of(f, "subject_id")) == 0;
}

static json_t *entry_json(const char *id, const redisReply *f)
{
    static const char *const text_fields[] = {"actor",   "actor_name", "method", "path",
                                              "subject", "subject_id", "client", "body_sha256"};
    static const char *const int_fields[] = {"at", "status", "body_len"};
    json_t *e = json_pack("{s:s}", "id", id);
    for (size_t i = 0; e && i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
        json_object_set_new(e, text_fields[i], json_string(value_of(f, text_fields[i])));
    for (size_t i = 0; e && i < sizeof(int_fields) / sizeof(int_fields[0]); i++)
        json_object_set_new(e, int_fields[i],
                            json_integer(strtoll(value_of(f, int_fields[i]), NULL, 10)));
    static const char *const doc_fields[] = {"before", "after"};
    for (size_t i = 0; e && i < sizeof(doc_fields) / sizeof(doc_fields[0]); i++) {
        const char *doc = value_of(f, doc_fields[i]);
        if (*doc)
            json_object_set_new(e, doc_fields[i], json_loads(doc, JSON_DECODE_ANY, NULL));
    }
    const char *before_sha = value_of(f, "before_sha256");
    if (e && *before_sha) { /* a record was there before the write */
        json_object_set_new(e, "before_sha256", json_string(before_sha));
        json_object_set_new(e, "before_len",
                            json_integer(strtoll(value_of(f, "before_len"), NULL, 10)));
    }
    return e;
}

static void on_range(nq_redis_t *r, redisReply *reply, void *data)
{
    query_t *q = data;
    if (!nq_http_conn_open(q->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        gw_respond_unavailable(q->conn, "the audit log");
    } else {
        json_t *items = json_array();
        const char *cursor = NULL;
        for (size_t i = 0; i < reply->elements; i++) {
            const redisReply *e = reply->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
                e->element[0]->type != REDIS_REPLY_STRING ||
                e->element[1]->type != REDIS_REPLY_ARRAY)
                continue;
            cursor = e->element[0]->str;
            if (matches(q, e->element[1]))
                json_array_append_new(items, entry_json(cursor, e->element[1]));
            if (json_array_size(items) == q->limit)
                break;
        }
        /* more may follow when the page is full or the read was */
        bool more = json_array_size(items) == q->limit || reply->elements == q->scan;
        gw_respond_json(
            q->conn, 200,
            json_pack("{s:o, s:s?}", "items", items, "next_cursor", more && cursor ? cursor : NULL),
            NULL);
    }
    nq_http_conn_release(q->conn);
    free(q);
}

/* Is s a stream id ("1700000000000-0")? */
static bool stream_id(const char *s)
{
    size_t ms = strspn(s, "0123456789");
    return ms > 0 && ms <= 20 && s[ms] == '-' && strspn(s + ms + 1, "0123456789") > 0 &&
           strlen(s + ms + 1) == strspn(s + ms + 1, "0123456789") && strlen(s + ms + 1) <= 20;
}

/* A filter's text into buf ("" when absent); too long or malformed is an error. */
static void text_param(const gw_request_t *req, const char *name, char *buf, size_t len,
                       nq_field_errors_t *errs)
{
    char there[32];
    if (nq_http_query_param(req->http, name, buf, len) >= 0)
        return;
    buf[0] = '\0';
    snprintf(there, sizeof(there), "%s=", name);
    if (strstr(req->http->query, there))
        nq_field_errors_add(errs, name, "too long or malformed");
}

static void get_audit(const gw_request_t *req)
{
    char cursor[64] = "", since[64] = "", limit[16] = "", end[72], start[32];
    nq_field_errors_t errs = {0};
    int64_t since_ms = 0;
    query_t *q = calloc(1, sizeof(*q));
    if (!q) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    q->limit = LIMIT_DEFAULT;
    text_param(req, "subject", q->subject, sizeof(q->subject), &errs);
    text_param(req, "actor", q->actor, sizeof(q->actor), &errs);
    if (nq_http_query_param(req->http, "cursor", cursor, sizeof(cursor)) >= 0 && !stream_id(cursor))
        nq_field_errors_add(&errs, "cursor", "must be the next_cursor of a page");
    const char *why = "must be a date (2026-11-26), an RFC 3339 time or Unix ms";
    if (nq_http_query_param(req->http, "since", since, sizeof(since)) >= 0 &&
        nq_time_parse(since, &since_ms, &why) != 0)
        nq_field_errors_add(&errs, "since", "%s", why);
    if (nq_http_query_param(req->http, "limit", limit, sizeof(limit)) >= 0) {
        char *stop;
        long n = strtol(limit, &stop, 10);
        if (!*limit || *stop || n < 1 || n > LIMIT_MAX)
            nq_field_errors_add(&errs, "limit", "must be an integer in 1..200");
        else
            q->limit = (size_t)n;
    }
    if (errs.n > 0) {
        free(q);
        gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
        return;
    }
    q->scan = q->subject[0] || q->actor[0] ? SCAN_MAX : q->limit;
    q->conn = req->conn;
    snprintf(end, sizeof(end), cursor[0] ? "(%s" : "+", cursor);
    snprintf(start, sizeof(start), since_ms > 0 ? "%lld" : "-", (long long)since_ms);
    nq_http_conn_retain(req->conn);
    if (nq_redis_command(req->gw->svc->redis, on_range, q, "XREVRANGE %s %s %s COUNT %d",
                         NQ_KEY_AUDIT, end, start, (int)q->scan) != 0) {
        nq_http_conn_release(req->conn);
        free(q);
        gw_respond_unavailable(req->conn, "the audit log");
    }
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/audit", NQ_READ(AUDIT), get_audit, NULL, GW_SUBJ_EVERY_TEAM},
};

const gw_routes_t gw_audit_routes = {rows, sizeof(rows) / sizeof(rows[0])};
