/* h_pool.c — the public pool (公海): a claim and an assignment of a
 * customer (nq-customers, services/customers/pool.h).
 *
 *   POST /api/v1/customers/{id}/claim   {"salesperson_id"?}           write pool
 *   POST /api/v1/customers/{id}/assign  {"salesperson_id","reason"?}  write org
 *
 * The customer's team is its owner's now, or for a customer without owner
 * the team whose pool it is in (pool_team). The handler reads both teams
 * (the customer's, the salesperson's) and scopes the request itself, before its body: a
 * customer outside the caller's teams is answered 404 as if there were
 * none; a salesperson claims for themselves only, a coordinator claims or
 * assigns for a salesperson of their teams (403 naming salesperson_id
 * otherwise). The service then writes the change with its reason in the
 * owner history; a claim is refused 409 with the reason (not_in_pool,
 * other_team, limit) when the customer is not in the salesperson's team's
 * pool or they own as many of its class as the team allows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/keys.h"
#include "pbjson.h"
#include "scope.h"

#define POOL_REASON_MAX                                                                            \
    120 /* an assignment's reason, bytes (with "assign: by <user>" within the history's 200) */

typedef struct owner_job {
    gw_request_t req; /* copies: the door's are on its stack */
    nq_route_params_t params;
    gw_principal_t who;
    gw_scope_t scope;
    bool claim;             /* else an assignment */
    char id[NQ_ID_MAX + 1]; /* the customer */
    char sp[NQ_ID_MAX + 1]; /* the salesperson it goes to */
    char reason[POOL_REASON_MAX + 64];
    char owner[NQ_ID_MAX + 1]; /* its owner now */
    char team[NQ_ID_MAX + 1];  /* its team: its owner's now, or its pool's */
    bool exists;
} owner_job_t;

static void job_end(owner_job_t *j)
{
    nq_http_conn_release(j->req.conn);
    free(j);
}

static void on_changed(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                       const Nq__ReplyHeader *hdr, void *data)
{
    const Nq__Customer *cu = ((const Nq__OrgReply *)msg)->customer;
    gw_respond_reply(conn, hdr, 200, cu ? gw_customer_json(&cu->base) : json_object());
}

/* The body: {"salesperson_id"} (a salesperson's claim: themselves when
 * absent) and for an assignment an optional "reason". 0, or -1 answered. */
static int read_body(owner_job_t *j)
{
    static const char *const known[] = {"salesperson_id", "reason", NULL};
    json_t *body = j->req.http->body_len ? gw_parse_json_body(&j->req) : json_object();
    if (!body)
        return -1;
    nq_field_errors_t errs = {0};
    gw_unknown_fields(body, known, "is not a field of this request", &errs);
    json_t *sp = json_object_get(body, "salesperson_id"), *why = json_object_get(body, "reason");
    const char *v = json_string_value(sp);
    if (sp && !nq_valid_id(v))
        nq_field_errors_add(&errs, "salesperson_id", NQ_ID_RULE);
    else if (!sp && j->claim && j->scope.reach == NQ_REACH_SELF)
        v = j->scope.self;
    else if (!sp)
        nq_field_errors_add(&errs, "salesperson_id", "is required");
    if (why && (!json_is_string(why) || strlen(json_string_value(why)) > POOL_REASON_MAX))
        nq_field_errors_add(&errs, "reason", "must be a string of at most %d bytes",
                            POOL_REASON_MAX);
    if (!errs.n && j->scope.reach == NQ_REACH_SELF && strcmp(v, j->scope.self) != 0) {
        nq_field_errors_add(&errs, "salesperson_id", "must be yourself");
        json_decref(body);
        gw_respond_error(j->req.conn, 403, "scope", "a salesperson claims for themselves", &errs);
        return -1;
    }
    if (!errs.n) {
        snprintf(j->sp, sizeof(j->sp), "%s", v);
        if (j->claim && strcmp(j->sp, j->scope.self) == 0)
            snprintf(j->reason, sizeof(j->reason), "claim");
        else if (j->claim)
            snprintf(j->reason, sizeof(j->reason), "claim: by %s", j->who.id);
        else
            snprintf(j->reason, sizeof(j->reason), "assign: by %s%s%s", j->who.id, why ? ": " : "",
                     why ? json_string_value(why) : "");
    }
    json_decref(body);
    if (errs.n) {
        gw_respond_error(j->req.conn, 400, "invalid", "the body has invalid fields", &errs);
        return -1;
    }
    return 0;
}

/* Scope decided and the body read: the salesperson's team, then the service. */
static void send_change(owner_job_t *j, const char *sp_team)
{
    const gw_scope_t *s = &j->scope;
    nq_field_errors_t errs = {0};
    if (!*sp_team && !gw_scope_all(s)) {
        nq_field_errors_add(&errs, "salesperson_id", "is not in your teams");
    } else if (s->reach == NQ_REACH_TEAMS && !gw_scope_sees_team(s, sp_team)) {
        nq_field_errors_add(&errs, "salesperson_id", "is not in your teams");
    }
    if (errs.n) {
        gw_respond_error(j->req.conn, 403, "scope", "the salesperson is not yours to give it to",
                         &errs);
        return;
    }
    Nq__OrgRequest msg = NQ__ORG_REQUEST__INIT;
    Nq__Customer cu = NQ__CUSTOMER__INIT;
    msg.id = j->id;
    msg.customer = &cu;
    cu.owner_id = j->sp;
    cu.status = "active";
    cu.pool_team = "";
    cu.owner_reason = j->reason;
    gw_call(&j->req, j->claim ? NQ_MSG(CUSTOMER_CLAIM) : NQ_MSG(CUSTOMER_ASSIGN), &msg.base,
            on_changed, NULL, NULL);
}

static bool reply_text(const redisReply *r, char *buf, size_t len)
{
    if (!r || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_NIL))
        return false;
    snprintf(buf, len, "%s", r->type == REDIS_REPLY_STRING ? r->str : "");
    return true;
}

/* The team of salesperson `sp`, to `then` with the job. */
static void ask_team_of(owner_job_t *j, const char *sp, nq_redis_cb then)
{
    char key[128];
    nq_key_salesperson(key, sizeof(key), sp);
    if (nq_redis_command(j->req.gw->svc->redis, then, j, "HGET %s team_id", key) != 0) {
        gw_respond_unavailable(j->req.conn, "the org directory");
        job_end(j);
    }
}

/* The salesperson's team: then the change. */
static void on_sp_team(nq_redis_t *r, redisReply *reply, void *data)
{
    owner_job_t *j = data;
    char team[NQ_ID_MAX + 1];
    if (!nq_http_conn_open(j->req.conn)) {
        /* client left */
    } else if (!reply_text(reply, team, sizeof(team))) {
        gw_respond_unavailable(j->req.conn, "the org directory");
    } else {
        send_change(j, team);
    }
    job_end(j);
}

/* Whether the caller sees the customer (a salesperson: their own, or one in
 * their team's pool when claiming; self_team is theirs). Unseen: 404, as if
 * there were none, before the body is looked at. Seen: the body, then the
 * salesperson's team. */
static void decide(owner_job_t *j, const char *self_team)
{
    const gw_scope_t *s = &j->scope;
    bool seen =
        j->exists && (gw_scope_all(s) ||
                      (s->reach == NQ_REACH_TEAMS && *j->team && gw_scope_sees_team(s, j->team)) ||
                      (s->reach == NQ_REACH_SELF && j->claim && !*j->owner && *j->team &&
                       strcmp(j->team, self_team) == 0) ||
                      (s->reach == NQ_REACH_SELF && strcmp(j->owner, s->self) == 0));
    if (!seen) {
        gw_respond_error(j->req.conn, 404, "not_found", "no such record", NULL);
        job_end(j);
    } else if (read_body(j) != 0) {
        job_end(j);
    } else {
        ask_team_of(j, j->sp, on_sp_team);
    }
}

/* A salesperson's own team: then the decision. */
static void on_self_team(nq_redis_t *r, redisReply *reply, void *data)
{
    owner_job_t *j = data;
    char team[NQ_ID_MAX + 1];
    if (!nq_http_conn_open(j->req.conn)) {
        job_end(j);
    } else if (!reply_text(reply, team, sizeof(team))) {
        gw_respond_unavailable(j->req.conn, "the org directory");
        job_end(j);
    } else {
        decide(j, team);
    }
}

/* The customer's team known: the caller's own team when they are a salesperson. */
static void customer_known(owner_job_t *j)
{
    if (j->scope.reach == NQ_REACH_SELF)
        ask_team_of(j, j->scope.self, on_self_team);
    else
        decide(j, "");
}

/* The owner's team now (the customer's team). */
static void on_owner_team(nq_redis_t *r, redisReply *reply, void *data)
{
    owner_job_t *j = data;
    if (!nq_http_conn_open(j->req.conn)) {
        job_end(j);
    } else if (!reply_text(reply, j->team, sizeof(j->team))) {
        gw_respond_unavailable(j->req.conn, "the org directory");
        job_end(j);
    } else {
        customer_known(j);
    }
}

/* The customer's [owner_id, pool_team, name]: then the teams. */
static void on_customer(nq_redis_t *r, redisReply *reply, void *data)
{
    owner_job_t *j = data;
    if (!nq_http_conn_open(j->req.conn)) {
        job_end(j);
        return;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
        gw_respond_unavailable(j->req.conn, "the org directory");
        job_end(j);
        return;
    }
    const redisReply *o = reply->element[0], *p = reply->element[1], *n = reply->element[2];
    j->exists = n->type == REDIS_REPLY_STRING;
    reply_text(o, j->owner, sizeof(j->owner));
    reply_text(p, j->team, sizeof(j->team));
    if (!*j->owner) {
        customer_known(j);
        return;
    }
    char key[128];
    nq_key_salesperson(key, sizeof(key), j->owner);
    if (nq_redis_command(r, on_owner_team, j, "HGET %s team_id", key) != 0) {
        gw_respond_unavailable(j->req.conn, "the org directory");
        job_end(j);
    }
}

static void change_owner(const gw_request_t *req, bool claim)
{
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    owner_job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    j->req = *req;
    j->params = *req->params;
    j->req.params = &j->params;
    if (req->who)
        j->who = *req->who;
    j->req.who = req->who ? &j->who : NULL;
    gw_scope_of(&j->scope, req->who);
    j->claim = claim;
    snprintf(j->id, sizeof(j->id), "%s", id);
    char key[128];
    nq_key_customer(key, sizeof(key), id);
    nq_http_conn_retain(req->conn);
    if (nq_redis_command(req->gw->svc->redis, on_customer, j, "HMGET %s owner_id pool_team name",
                         key) != 0) {
        gw_respond_unavailable(req->conn, "the org directory");
        job_end(j);
    }
}

static void post_claim(const gw_request_t *req)
{
    change_owner(req, true);
}

static void post_assign(const gw_request_t *req)
{
    change_owner(req, false);
}

static const nq_route_t rows[] = {
    {"POST", "/api/v1/customers/:id/claim", NQ_WRITE(POOL), post_claim, NULL, GW_SUBJ_RECORD},
    {"POST", "/api/v1/customers/:id/assign", NQ_WRITE(ORG), post_assign, NULL, GW_SUBJ_RECORD},
};

const gw_routes_t gw_pool_routes = {rows, sizeof(rows) / sizeof(rows[0])};
