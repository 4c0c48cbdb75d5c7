/* gateway/teamdoc.c — per-team JSON documents. See teamdoc.h. */
#include "teamdoc.h"

#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/scripts.h"

typedef struct doc_job {
    nq_http_conn_t *conn;     /* retained until answered */
    char team[NQ_ID_MAX + 1]; /* whose document */
    const char *what;         /* for a 503: "the alert rules" (static) */
    json_t *doc;              /* a write: the document written */
    gw_team_doc_fn done;
    void *data;
} doc_job_t;

static void job_end(doc_job_t *j)
{
    json_decref(j->doc);
    nq_http_conn_release(j->conn);
    free(j);
}

/* {1 when the team exists, its document or nil} */
static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    doc_job_t *j = data;
    (void)r;
    if (!nq_http_conn_open(j->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        gw_respond_unavailable(j->conn, j->what);
    } else if (reply->element[0]->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        const redisReply *v = reply->element[1];
        json_t *doc = v->type == REDIS_REPLY_STRING ? json_loads(v->str, 0, NULL) : NULL;
        j->done(j->conn, j->team, doc, j->data);
        json_decref(doc);
    }
    job_end(j);
}

/* 1 when written, 0 for an unknown team */
static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    doc_job_t *j = data;
    (void)r;
    if (!nq_http_conn_open(j->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        gw_respond_unavailable(j->conn, j->what);
    } else if (reply->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        j->done(j->conn, j->team, j->doc, j->data);
    }
    job_end(j);
}

/* Start the read (doc NULL) or the write of j's document. */
static void start(const gw_request_t *req, const char *hash, doc_job_t *j)
{
    char team_key[160], *text = NULL;
    int rc = -1;
    nq_key_team(team_key, sizeof(team_key), j->team);
    if (!j->doc)
        rc = nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(ALERT_RULES_READ), on_read, j, 2,
                             "%s %s %s", team_key, hash, j->team);
    else if ((text = json_dumps(j->doc, JSON_COMPACT | JSON_SORT_KEYS)))
        rc = nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(ALERT_RULES_WRITE), on_written, j, 2,
                             "%s %s %s %s", team_key, hash, j->team, text);
    free(text);
    if (rc != 0) {
        gw_respond_unavailable(req->conn, j->what);
        job_end(j);
    }
}

static doc_job_t *job_new(const gw_request_t *req, const char *team, const char *what,
                          gw_team_doc_fn done, void *data)
{
    doc_job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return NULL;
    }
    *j = (doc_job_t){req->conn, "", what, NULL, done, data};
    snprintf(j->team, sizeof(j->team), "%s", team);
    nq_http_conn_retain(req->conn);
    return j;
}

void gw_team_doc_read(const gw_request_t *req, const char *hash, const char *team, const char *what,
                      gw_team_doc_fn done, void *data)
{
    doc_job_t *j = job_new(req, team, what, done, data);
    if (j)
        start(req, hash, j);
}

void gw_team_doc_write(const gw_request_t *req, const char *hash, const char *team, json_t *doc,
                       const char *what, gw_team_doc_fn done, void *data)
{
    doc_job_t *j = job_new(req, team, what, done, data);
    if (!j) {
        json_decref(doc);
        return;
    }
    j->doc = doc;
    start(req, hash, j);
}
