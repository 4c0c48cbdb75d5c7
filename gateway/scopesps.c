/* scopesps.c — the salespeople of a ?scope=. See scopesps.h. */
#include "scopesps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"
#include "nq/keys.h"
#include "scope.h"
#include "scope_check.h"

/* One resolution in flight. */
typedef struct pick {
    gateway_t *gw;
    nq_http_conn_t *conn;     /* retained: a 404 after the team read */
    gw_scope_t scope;         /* the caller's */
    char team[NQ_ID_MAX + 1]; /* team:<id>: the team; "" otherwise */
    size_t max;               /* most salespeople */
    char **ids;               /* read */
    size_t n;
    bool single; /* salesperson:<id>: checked against the caller */
    gw_sps_fn done;
    void *data;
} pick_t;

static void pick_free(pick_t *p, bool keep_ids)
{
    for (size_t i = 0; !keep_ids && i < p->n; i++)
        free(p->ids[i]);
    if (!keep_ids)
        free(p->ids);
    nq_http_conn_release(p->conn);
    free(p);
}

static void finish(pick_t *p, int status)
{
    if (status == 0)
        p->done(0, p->ids, p->n, p->data);
    else
        p->done(-1, NULL, 0, p->data);
    pick_free(p, status == 0);
}

/* Keep the ids whose current team is the pick's (team) or that the caller
 * sees (single). */
static void on_teams(const char *const *teams, void *data)
{
    pick_t *p = data;
    size_t kept = 0;
    if (!teams) {
        finish(p, -1);
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        bool keep = p->single ? gw_scope_sees_salesperson(&p->scope, p->ids[i], teams[i])
                              : strcmp(teams[i], p->team) == 0;
        if (keep)
            p->ids[kept++] = p->ids[i];
        else
            free(p->ids[i]);
    }
    p->n = kept;
    if (p->single && kept == 0) { /* out of the caller's reach: as if absent */
        if (nq_http_conn_open(p->conn))
            gw_respond_error(p->conn, 404, "not_found", "no such salesperson", NULL);
        p->done(1, NULL, 0, p->data);
        pick_free(p, false);
        return;
    }
    finish(p, 0);
}

static void on_members(nq_redis_t *r, redisReply *reply, void *data)
{
    pick_t *p = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements > p->max ||
        !(p->ids = calloc(reply->elements + 1, sizeof(*p->ids)))) {
        finish(p, -1);
        return;
    }
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        if (e->type == REDIS_REPLY_STRING && nq_valid_id(e->str) && (p->ids[p->n] = strdup(e->str)))
            p->n++;
    }
    if (!p->team[0] || p->n == 0) { /* the company: everyone listed */
        finish(p, 0);
        return;
    }
    if (gw_scope_teams_of(p->gw, (const char *const *)p->ids, p->n, on_teams, p) != 0)
        finish(p, -1);
}

static int bad_scope(const gw_request_t *req)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, "scope", "must be company, team:<id> or salesperson:<id>");
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
    return -1;
}

int gw_scope_salespeople(const gw_request_t *req, const char *scope, size_t max, gw_sps_fn done,
                         void *data)
{
    const char *id = strchr(scope, ':') ? strchr(scope, ':') + 1 : "";
    bool company = strcmp(scope, "company") == 0;
    bool team = strncmp(scope, "team:", 5) == 0 && nq_valid_id(id);
    bool single = strncmp(scope, "salesperson:", 12) == 0 && nq_valid_id(id);
    if (!company && !team && !single)
        return bad_scope(req);
    pick_t *p = calloc(1, sizeof(*p));
    if (!p) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return -1;
    }
    gw_scope_of(&p->scope, req->who);
    if (team && req->who && p->scope.reach == NQ_REACH_SELF) { /* a salesperson reads themselves */
        free(p);
        gw_respond_error(req->conn, 404, "not_found", "no such team", NULL);
        return -1;
    }
    p->gw = req->gw;
    p->conn = req->conn;
    p->max = max;
    p->done = done;
    p->data = data;
    p->single = single;
    nq_http_conn_retain(req->conn);
    char key[160];
    int rc;
    if (single) {
        if (!(p->ids = calloc(1, sizeof(*p->ids))) || !(p->ids[0] = strdup(id))) {
            finish(p, -1);
            return 0;
        }
        p->n = 1;
        if (!req->who || gw_scope_all(&p->scope)) {
            finish(p, 0);
            return 0;
        }
        rc = gw_scope_teams_of(p->gw, (const char *const *)p->ids, 1, on_teams, p);
    } else if (team) {
        snprintf(p->team, sizeof(p->team), "%s", id);
        nq_key_team_members(key, sizeof(key), id);
        rc = nq_redis_command(p->gw->svc->redis, on_members, p, "SMEMBERS %s", key);
    } else {
        rc = nq_redis_command(p->gw->svc->redis, on_members, p, "SMEMBERS %s", NQ_KEY_SALESPEOPLE);
    }
    if (rc != 0)
        finish(p, -1);
    return 0;
}
