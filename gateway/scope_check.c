/* gateway/scope_check.c — the scope stage. See scope_check.h. */
#include "scope_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "nq/keys.h"
#include "scope.h"

/* A request waiting for org data. The principal and params are copies: the
 * door's are in its cache and on its stack. */
typedef struct pending {
    gw_request_t req;
    nq_route_params_t params;
    gw_principal_t who;
    gw_scope_t scope;
    char id[NQ_ROUTE_PARAM_LEN];   /* the subject's id (from the path or the query) */
    char owner[NQ_ID_MAX + 1];     /* customers: the stored owner */
    char pool[NQ_ID_MAX + 1];      /* customers without owner: the team whose pool it is in */
    char new_team[NQ_ID_MAX + 1];  /* PUT salesperson: the body's team_id */
    char new_owner[NQ_ID_MAX + 1]; /* PUT customer: the body's owner_id */
    bool check_body;               /* an org PUT with a JSON object: where the record goes */
    bool exists;                   /* the subject is stored */
    bool seen;                     /* the stored subject is in scope */
} pending_t;

static void not_found(nq_http_conn_t *conn)
{
    gw_respond_error(conn, 404, "not_found", "no such record", NULL);
}

static void out_of_scope(nq_http_conn_t *conn, const char *field)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, field, "is not in your teams");
    gw_respond_error(conn, 403, "scope", "the change would leave your teams", &errs);
}

/* A PUT of the org: the body says where the record goes. */
static bool is_org_put(const gw_request_t *req)
{
    return strcmp(req->http->method, "PUT") == 0 && req->route->perm.kind == NQ_KIND_ORG;
}

/* A PATCH of the org: the body says where the record goes when it names it. */
static bool is_org_patch(const gw_request_t *req)
{
    return strcmp(req->http->method, "PATCH") == 0 && req->route->perm.kind == NQ_KIND_ORG;
}

/* The body's string member `name` into out ("" when absent). True when the
 * body must be checked: a JSON object (else the handler refuses it, 400,
 * before any change) that names `name`, or any object for a PUT. */
static bool body_member(const gw_request_t *req, const char *name, char *out, size_t len)
{
    json_t *body = json_loadb(req->http->body ? req->http->body : "", req->http->body_len, 0, NULL);
    json_t *member = json_object_get(body, name);
    const char *v = json_string_value(member);
    bool check = json_is_object(body) && (member || is_org_put(req));
    snprintf(out, len, "%s", v && strlen(v) <= NQ_ID_MAX ? v : "");
    json_decref(body);
    return check;
}

static void pending_done(pending_t *pd, bool go, const char *field)
{
    if (!nq_http_conn_open(pd->req.conn)) {
        /* client left */
    } else if (field) {
        out_of_scope(pd->req.conn, field);
    } else if (go) {
        pd->req.who = &pd->who;
        pd->req.route->handler(&pd->req);
    } else {
        not_found(pd->req.conn);
    }
    nq_http_conn_release(pd->req.conn);
    free(pd);
}

/* Redis did not answer: 503. */
static bool reply_ok(pending_t *pd, const redisReply *reply)
{
    if (reply && reply->type != REDIS_REPLY_ERROR)
        return true;
    if (nq_http_conn_open(pd->req.conn))
        gw_respond_unavailable(pd->req.conn, "the org store");
    nq_http_conn_release(pd->req.conn);
    free(pd);
    return false;
}

static const char *str_of(const redisReply *r)
{
    return r->type == REDIS_REPLY_STRING ? r->str : NULL;
}

/* Ask for salesperson sp's current team (their profile's team_id). */
static void ask_team(pending_t *pd, nq_redis_cb cb, const char *sp)
{
    char key[128];
    nq_key_salesperson(key, sizeof(key), sp && *sp ? sp : "-");
    if (nq_redis_command(pd->req.gw->svc->redis, cb, pd, "HGET %s team_id", key) != 0)
        reply_ok(pd, NULL);
}

/* The stored subject is known (exists, seen): go on, or 404. A PUT of the
 * org that creates or keeps a record in scope has its target checked next. */
static bool stored_ok(pending_t *pd)
{
    if (pd->exists && !pd->seen) {
        pending_done(pd, false, NULL);
        return false;
    }
    if (!pd->exists && !is_org_put(&pd->req)) {
        pending_done(pd, false, NULL);
        return false;
    }
    return true;
}

static void on_sp_team(nq_redis_t *r, redisReply *reply, void *data)
{
    pending_t *pd = data;
    (void)r;
    if (!reply_ok(pd, reply))
        return;
    const char *team = str_of(reply);
    pd->exists = team != NULL;
    pd->seen = gw_scope_sees_salesperson(&pd->scope, pd->id, team);
    if (!stored_ok(pd))
        return;
    if (pd->check_body && !gw_scope_sees_team(&pd->scope, pd->new_team))
        pending_done(pd, false, "team_id");
    else
        pending_done(pd, true, NULL);
}

static void on_new_owner_team(nq_redis_t *r, redisReply *reply, void *data)
{
    pending_t *pd = data;
    (void)r;
    if (!reply_ok(pd, reply))
        return;
    bool ok = gw_scope_sees_customer(&pd->scope, pd->new_owner, str_of(reply));
    pending_done(pd, ok, ok ? NULL : "owner_id");
}

/* Whether the request only reads (a customer in a pool is seen by its
 * team's people, and changed by every-team callers or through claim and
 * assign, h_pool.c). */
static bool is_read(const pending_t *pd)
{
    return pd->req.route->perm.action == NQ_ACT_READ;
}

/* The owner's team now (for a customer in a pool read by a salesperson:
 * their own). */
static void on_owner_team(nq_redis_t *r, redisReply *reply, void *data)
{
    pending_t *pd = data;
    (void)r;
    if (!reply_ok(pd, reply))
        return;
    if (!*pd->owner && is_read(pd))
        pd->seen = pd->exists && gw_scope_sees_pool(&pd->scope, pd->pool, str_of(reply));
    else
        pd->seen = pd->exists && gw_scope_sees_customer(&pd->scope, pd->owner, str_of(reply));
    if (!stored_ok(pd))
        return;
    if (pd->check_body)
        ask_team(pd, on_new_owner_team, pd->new_owner);
    else
        pending_done(pd, true, NULL);
}

static void on_customer(nq_redis_t *r, redisReply *reply, void *data)
{
    pending_t *pd = data;
    (void)r;
    if (!reply_ok(pd, reply))
        return;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        reply_ok(pd, NULL);
        return;
    }
    /* NULL: no such customer; "": the pool */
    const char *owner = str_of(reply->element[0]), *pool = str_of(reply->element[1]);
    pd->exists = owner != NULL;
    snprintf(pd->owner, sizeof(pd->owner), "%s", owner ? owner : "");
    snprintf(pd->pool, sizeof(pd->pool), "%s", pool ? pool : "");
    bool self_pool = !*pd->owner && is_read(pd) && pd->scope.reach == NQ_REACH_SELF;
    ask_team(pd, on_owner_team, self_pool ? pd->scope.self : pd->owner);
}

/* Copy the request and start the reads of its subject. */
static void start(const gw_request_t *req, const gw_scope_t *s, gw_subject_t subject,
                  const char *id)
{
    char key[128];
    pending_t *pd = calloc(1, sizeof(*pd));
    if (!pd) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    pd->req = *req;
    pd->params = *req->params;
    pd->req.params = &pd->params;
    pd->who = *req->who;
    pd->scope = *s;
    snprintf(pd->id, sizeof(pd->id), "%s", id);
    nq_http_conn_retain(req->conn);
    if (subject == GW_SUBJ_SALESPERSON) {
        if (is_org_put(req) || is_org_patch(req))
            pd->check_body = body_member(req, "team_id", pd->new_team, sizeof(pd->new_team));
        ask_team(pd, on_sp_team, id);
        return;
    }
    if (is_org_put(req) || is_org_patch(req))
        pd->check_body = body_member(req, "owner_id", pd->new_owner, sizeof(pd->new_owner));
    nq_key_customer(key, sizeof(key), id);
    if (nq_redis_command(req->gw->svc->redis, on_customer, pd, "HMGET %s owner_id pool_team",
                         key) != 0)
        reply_ok(pd, NULL);
}

/* A route whose query names its subject (GW_SUBJ_QUERY): the first of
 * ?customer, ?salesperson, ?team given as a valid id, into id; only
 * ?customer for GW_SUBJ_QUERY_CUSTOMER (the handler refuses the others);
 * NONE when none is (the handler refuses the query then, 400). */
static gw_subject_t query_subject(const gw_request_t *req, gw_subject_t route, char *id, size_t len)
{
    static const struct {
        const char *name;
        gw_subject_t subject;
    } params[] = {
        {"customer", GW_SUBJ_CUSTOMER},
        {"salesperson", GW_SUBJ_SALESPERSON},
        {"team", GW_SUBJ_TEAM},
    };
    size_t n = route == GW_SUBJ_QUERY_CUSTOMER ? 1 : sizeof(params) / sizeof(params[0]);
    for (size_t i = 0; i < n; i++)
        if (nq_http_query_param(req->http, params[i].name, id, len) >= 0 && nq_valid_id(id))
            return params[i].subject;
    return GW_SUBJ_NONE;
}

void gw_scope_enter(const gw_request_t *req)
{
    gw_scope_t s;
    char qid[NQ_ID_MAX + 2];
    gw_scope_of(&s, req->who);
    gw_subject_t subject = (gw_subject_t)req->route->subject;
    bool by_query = subject == GW_SUBJ_QUERY || subject == GW_SUBJ_QUERY_CUSTOMER;
    if (req->who && !gw_scope_all(&s) && by_query)
        subject = query_subject(req, subject, qid, sizeof(qid));
    if (!req->who || gw_scope_all(&s) || subject == GW_SUBJ_NONE || subject == GW_SUBJ_FILTERED ||
        subject == GW_SUBJ_RECORD) {
        req->route->handler(req);
        return;
    }
    const char *id = by_query ? qid : nq_route_param(req->params, "id");
    switch (subject) {
    case GW_SUBJ_COMPANY:
        if (req->route->perm.action == NQ_ACT_READ)
            req->route->handler(req);
        else
            gw_respond_error(req->conn, 403, "scope",
                             "company-wide changes are for callers who reach every team", NULL);
        return;
    case GW_SUBJ_BOARD: { /* ?scope=team:<id> or company (the default) */
        char board[NQ_ID_MAX + 8] = "company";
        nq_http_query_param(req->http, "scope", board, sizeof(board));
        /* a salesperson's own team is known to the handler, which cuts every board
         * (boardscope.h) */
        if (strncmp(board, "team:", 5) == 0 && s.reach == NQ_REACH_TEAMS &&
            !gw_scope_sees_team(&s, board + 5))
            not_found(req->conn);
        else
            req->route->handler(req); /* cut there to what the caller sees */
        return;
    }
    case GW_SUBJ_TEAM:
        if (gw_scope_sees_team(&s, id))
            req->route->handler(req);
        else
            not_found(req->conn);
        return;
    case GW_SUBJ_SALESPERSON:
        if (s.reach == NQ_REACH_SELF) { /* themselves: no read */
            if (gw_scope_sees_salesperson(&s, id, NULL))
                req->route->handler(req);
            else
                not_found(req->conn);
            return;
        }
        /* fall through */
    case GW_SUBJ_CUSTOMER:
        if (!nq_valid_id(id)) {
            gw_path_id(req, "id"); /* answers 400 */
            return;
        }
        start(req, &s, subject, id);
        return;
    default:
        gw_respond_error(req->conn, 403, "scope",
                         "this route is for callers who reach every team (admin, manager, a key "
                         "not limited to teams)",
                         NULL);
        return;
    }
}

/* ---- teams of many salespeople ---------------------------------------------- */

typedef struct teams_job {
    gw_teams_fn done;
    void *data;
    size_t n, left;
    bool failed;
    char **teams; /* n slots */
} teams_job_t;

typedef struct teams_slot {
    teams_job_t *job;
    size_t i;
} teams_slot_t;

/* One reply fewer to wait for; the last runs done and frees the job. */
static void teams_step(teams_job_t *j)
{
    if (--j->left > 0)
        return;
    for (size_t i = 0; i < j->n; i++)
        if (!j->teams[i])
            j->teams[i] = strdup("");
    for (size_t i = 0; i < j->n; i++)
        j->failed |= !j->teams[i];
    j->done(j->failed ? NULL : (const char *const *)j->teams, j->data);
    for (size_t i = 0; i < j->n; i++)
        free(j->teams[i]);
    free(j->teams);
    free(j);
}

static void on_team_slot(nq_redis_t *r, redisReply *reply, void *data)
{
    teams_slot_t *slot = data;
    teams_job_t *j = slot->job;
    (void)r;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        j->failed = true;
    else if (reply->type == REDIS_REPLY_STRING)
        j->teams[slot->i] = strdup(reply->str);
    free(slot);
    teams_step(j);
}

int gw_scope_teams_of(gateway_t *gw, const char *const *ids, size_t n, gw_teams_fn done, void *data)
{
    teams_job_t *j = calloc(1, sizeof(*j));
    if (!j || !(j->teams = calloc(n + 1, sizeof(char *)))) {
        free(j);
        return -1;
    }
    j->done = done;
    j->data = data;
    j->n = n;
    j->left = n + 1; /* the sends below hold one, so done runs after the last is sent */
    for (size_t i = 0; i < n; i++) {
        char key[128];
        teams_slot_t *slot = malloc(sizeof(*slot));
        nq_key_salesperson(key, sizeof(key), *ids[i] ? ids[i] : "-");
        if (slot)
            *slot = (teams_slot_t){j, i};
        if (!slot ||
            nq_redis_command(gw->svc->redis, on_team_slot, slot, "HGET %s team_id", key) != 0) {
            free(slot);
            j->failed = true;
            j->left--;
        }
    }
    teams_step(j);
    return 0;
}

/* ---- the same through the gateway's cache ------------------------------------ */

typedef struct cached_job {
    gateway_t *gw;
    gw_teams_fn done;
    void *data;
    size_t n;
    char **ids;          /* n copies, for keeping the answers */
    bool kept;           /* the cache was trusted when the read started */
    uint64_t generation; /* its clears then: answers read before a clear are not kept */
} cached_job_t;

static void cached_job_free(cached_job_t *j)
{
    for (size_t i = 0; j->ids && i < j->n; i++)
        free(j->ids[i]);
    free(j->ids);
    free(j);
}

static void on_cached_read(const char *const *teams, void *data)
{
    cached_job_t *j = data;
    team_cache_t *tc = gw_auth_team_cache(j->gw->auth);
    if (teams && tc && j->kept && team_cache_generation(tc) == j->generation)
        for (size_t i = 0; i < j->n; i++)
            team_cache_put(tc, j->ids[i], teams[i]);
    j->done(teams, j->data);
    cached_job_free(j);
}

int gw_scope_teams_cached(gateway_t *gw, const char *const *ids, size_t n, gw_teams_fn done,
                          void *data)
{
    team_cache_t *tc = gw_auth_team_cache(gw->auth);
    const char **teams = calloc(n + 1, sizeof(*teams));
    size_t known = 0;
    for (size_t i = 0; teams && tc && i < n; i++)
        known += (teams[i] = team_cache_get(tc, ids[i])) != NULL;
    if (teams && known == n) {
        done(teams, data);
        free(teams);
        return 0;
    }
    free(teams);
    cached_job_t *j = calloc(1, sizeof(*j));
    if (!j || !(j->ids = calloc(n + 1, sizeof(*j->ids)))) {
        free(j);
        return -1;
    }
    *j = (cached_job_t){gw, done, data, n, j->ids, tc != NULL, team_cache_generation(tc)};
    for (size_t i = 0; i < n; i++)
        if (!(j->ids[i] = strdup(ids[i]))) {
            cached_job_free(j);
            return -1;
        }
    if (gw_scope_teams_of(gw, ids, n, on_cached_read, j) != 0) {
        cached_job_free(j);
        return -1;
    }
    return 0;
}
