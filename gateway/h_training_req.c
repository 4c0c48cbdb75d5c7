/* h_training_req.c — the required training courses (gateway/trainreq.h):
 *
 *   GET|PUT /api/v1/training/required             the company's (every salesperson)
 *   GET|PUT /api/v1/teams/{id}/training/required  a team's, on top of the company's
 *
 * A document {"courses": [...]}; PUT replaces it (an empty list removes it)
 * and answers like GET: {"scope": "company" | "team:<id>", "courses": [...]}.
 * A bad document is a 400 naming each field, an unknown team a 404. Kept in
 * one hash (NQ_KEY_TRAINING_REQUIRED): the company under NQ_TRAINING_COMPANY,
 * a team under its id (teamdoc.h). GET /api/v1/training reads both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/keys.h"
#include "teamdoc.h"
#include "trainreq.h"

#define WHAT NQ_REASON("the required courses")

/* Answer the document of `scope` (doc borrowed; NULL or invalid: none). */
static void respond_doc(nq_http_conn_t *conn, const char *scope, const json_t *doc)
{
    json_t *none = json_array(), *courses = gw_trainreq_union(doc, NULL);
    json_t *body = json_pack("{s:s, s:o}", "scope", scope, "courses", courses ? courses : none);
    if (courses)
        json_decref(none);
    if (body)
        gw_respond_json(conn, 200, body, NULL);
    else
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
}

static void respond_team(nq_http_conn_t *conn, const char *team, const json_t *doc, void *data)
{
    char scope[NQ_ID_MAX + 8];
    (void)data;
    snprintf(scope, sizeof(scope), "team:%s", team);
    respond_doc(conn, scope, doc);
}

/* The PUT body checked; NULL when answered (400, or a bad body). */
static json_t *checked_body(const gw_request_t *req)
{
    json_t *body = gw_parse_json_body(req);
    nq_field_errors_t errs = {0};
    if (body && gw_trainreq_check(body, &errs) != 0) {
        gw_respond_error(req->conn, 400, "invalid", "bad required courses", &errs);
        json_decref(body);
        return NULL;
    }
    return body;
}

static void get_team(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    if (team)
        gw_team_doc_read(req, NQ_KEY_TRAINING_REQUIRED, team, WHAT, respond_team, NULL);
}

static void put_team(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? checked_body(req) : NULL;
    if (body)
        gw_team_doc_write(req, NQ_KEY_TRAINING_REQUIRED, team, body, WHAT, respond_team, NULL);
}

/* A company read or write: the connection, and the document written. */
typedef struct company_job {
    nq_http_conn_t *conn; /* retained until answered */
    json_t *doc;          /* a write's document; NULL for a read */
} company_job_t;

static void on_company(nq_redis_t *r, redisReply *reply, void *data)
{
    company_job_t *j = data;
    (void)r;
    if (!nq_http_conn_open(j->conn)) {
        /* the client left */
    } else if (!reply || reply->type == REDIS_REPLY_ERROR) {
        gw_respond_unavailable(j->conn, WHAT);
    } else if (j->doc) {
        respond_doc(j->conn, "company", j->doc);
    } else {
        json_t *doc = reply->type == REDIS_REPLY_STRING ? json_loads(reply->str, 0, NULL) : NULL;
        respond_doc(j->conn, "company", doc);
        json_decref(doc);
    }
    json_decref(j->doc);
    nq_http_conn_release(j->conn);
    free(j);
}

/* Read (doc NULL) or replace (doc stolen) the company's document. */
static void company_call(const gw_request_t *req, json_t *doc)
{
    company_job_t *j = calloc(1, sizeof(*j));
    char *text = doc && json_array_size(json_object_get(doc, "courses")) > 0
                     ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS)
                     : NULL;
    nq_redis_t *r = req->gw->svc->redis;
    int rc = -1;
    if (j) {
        *j = (company_job_t){req->conn, doc};
        nq_http_conn_retain(req->conn);
        if (!doc)
            rc = nq_redis_command(r, on_company, j, "HGET %s %s", NQ_KEY_TRAINING_REQUIRED,
                                  NQ_TRAINING_COMPANY);
        else if (text)
            rc = nq_redis_command(r, on_company, j, "HSET %s %s %s", NQ_KEY_TRAINING_REQUIRED,
                                  NQ_TRAINING_COMPANY, text);
        else
            rc = nq_redis_command(r, on_company, j, "HDEL %s %s", NQ_KEY_TRAINING_REQUIRED,
                                  NQ_TRAINING_COMPANY);
    }
    free(text);
    if (rc == 0)
        return;
    gw_respond_unavailable(req->conn, WHAT);
    if (j)
        nq_http_conn_release(j->conn);
    free(j);
    json_decref(doc);
}

static void get_company(const gw_request_t *req)
{
    company_call(req, NULL);
}

static void put_company(const gw_request_t *req)
{
    json_t *body = checked_body(req);
    if (body)
        company_call(req, body);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/training/required", NQ_READ(RULES), get_company, NULL, GW_SUBJ_COMPANY},
    {"PUT", "/api/v1/training/required", NQ_WRITE(RULES), put_company, NULL, GW_SUBJ_COMPANY},
    {"GET", "/api/v1/teams/:id/training/required", NQ_READ(RULES), get_team, NULL, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/training/required", NQ_WRITE(RULES), put_team, NULL, GW_SUBJ_TEAM},
};

const gw_routes_t gw_trainreq_routes = {rows, sizeof(rows) / sizeof(rows[0])};
