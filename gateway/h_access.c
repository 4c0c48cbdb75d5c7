/* h_access.c — users and API keys, for admins (read/write access):
 *   GET    /api/v1/users          every user, in id order
 *   POST   /api/v1/users          {"id","name"?,"role","teams"?,"salesperson_id"?,"password"} -> 201
 *   PATCH  /api/v1/users/{id}     any of name, role, teams, salesperson_id, status, password
 *   GET    /api/v1/apikeys        every key (revoked ones too), in id order
 *   POST   /api/v1/apikeys        {"name","scope","teams"?,"sources"?} -> 201 with "key", shown once
 *   DELETE /api/v1/apikeys/{id}   revoke -> 204
 *
 * Bodies are checked here (accessdoc.h: every error names its field); the
 * work is the store's (nq/access.h), the module nqctl uses: it hashes
 * passwords (argon2id, tens of ms) and blocks on Redis, so it runs on
 * libuv's thread pool with a connection of its own, never on the loop. A
 * change that withdraws access bumps nq:auth:version in its transaction:
 * every gateway's credential cache follows within a second. No answer holds
 * a password hash or a key's hash; the door audits every write with the
 * password redacted. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "accessdoc.h"
#include "gateway.h"
#include "authcache.h"
#include "nq/log.h"

#define STORE_TIMEOUT_MS 2000 /* connect and each command of a job's connection */

typedef struct job job_t;

/* What a route does: its body read on the loop, the store's part on the
 * pool, the answer on the loop. */
typedef struct op {
    /* the body into j: 0, -1 with errs, -2 nothing asked; NULL: no body */
    int (*parse)(const json_t *body, const gw_request_t *req, job_t *j, nq_field_errors_t *errs);
    int (*run)(redisContext *c, job_t *j); /* 0 or NQ_ACCESS_E*, reason in j->err */
    void (*answer)(job_t *j);              /* after run returned 0 */
    const char *invalid;                   /* detail of a 400 */
    const char *missing;                   /* detail of a 404 */
} op_t;

/* One request on its way through the pool. */
struct job {
    uv_work_t work;                     /* the store's part, off the loop */
    gateway_t *gw;                      /* the app (its configuration) */
    nq_http_conn_t *conn;               /* retained until answered */
    const op_t *op;                     /* what to do */
    char id[NQ_ID_MAX + 1];             /* the path's user or key id */
    nq_user_t user;                     /* a new user; the user after a change */
    char password[NQ_PASSWORD_MAX + 1]; /* a new user's password (wiped) */
    access_patch_t patch;               /* a change (its password wiped) */
    access_key_in_t key_in;             /* a new key, as asked */
    char key[NQ_APIKEY_LEN + 1];        /* the new key itself (wiped) */
    nq_apikey_t rec;                    /* the new key's record */
    nq_user_t *users;                   /* a listing of users (hashes wiped) */
    nq_apikey_t *keys;                  /* a listing of keys */
    size_t n, cap;                      /* listed, allocated */
    bool nomem;                         /* a listing ran out of memory */
    int rc;                             /* the store's result */
    char err[256];                      /* and its reason */
};

static void job_free(job_t *j)
{
    nq_http_conn_release(j->conn);
    free(j->users);
    free(j->keys);
    sodium_memzero(j, sizeof(*j));
    free(j);
}

/* ---- on the pool ----------------------------------------------------------- */

static bool grow(job_t *j, void **items, size_t size)
{
    if (j->n < j->cap)
        return true;
    size_t cap = j->cap ? 2 * j->cap : 32;
    void *p = realloc(*items, cap * size);
    if (!p) {
        j->nomem = true;
        return false;
    }
    *items = p;
    j->cap = cap;
    return true;
}

static void listed_user(const nq_user_t *u, void *data)
{
    job_t *j = data;
    if (!grow(j, (void **)&j->users, sizeof(*j->users)))
        return;
    j->users[j->n] = *u;
    sodium_memzero(j->users[j->n++].pwhash, sizeof(u->pwhash));
}

static void listed_key(const nq_apikey_t *k, void *data)
{
    job_t *j = data;
    if (grow(j, (void **)&j->keys, sizeof(*j->keys)))
        j->keys[j->n++] = *k;
}

static int run_user_list(redisContext *c, job_t *j)
{
    int rc = nq_access_user_list(c, listed_user, j, j->err, sizeof(j->err));
    return rc == 0 && j->nomem ? NQ_ACCESS_ENOMEM : rc;
}

static int run_user_add(redisContext *c, job_t *j)
{
    int rc = nq_access_user_add(c, &j->user, j->password, j->err, sizeof(j->err));
    sodium_memzero(j->password, sizeof(j->password));
    if (rc == 0)
        rc = nq_access_user_get(c, j->user.id, &j->user, j->err, sizeof(j->err));
    return rc;
}

static int run_user_update(redisContext *c, job_t *j)
{
    int rc = nq_access_user_update(c, j->id, &j->patch.p, &j->user, j->err, sizeof(j->err));
    sodium_memzero(j->patch.password, sizeof(j->patch.password));
    return rc;
}

static int run_key_list(redisContext *c, job_t *j)
{
    int rc = nq_access_key_list(c, listed_key, j, j->err, sizeof(j->err));
    return rc == 0 && j->nomem ? NQ_ACCESS_ENOMEM : rc;
}

static int run_key_create(redisContext *c, job_t *j)
{
    const access_key_in_t *k = &j->key_in;
    int rc = nq_access_key_create(c, k->scope, k->teams, k->name, j->key, &j->rec, j->err,
                                  sizeof(j->err));
    if (rc == 0 && k->sources[0]) {
        rc = nq_access_key_sources(c, j->rec.id, k->sources, j->err, sizeof(j->err));
        snprintf(j->rec.sources, sizeof(j->rec.sources), "%s", k->sources);
        if (rc != 0) /* a key without its limit must not live */
            nq_access_key_revoke(c, j->rec.id, NULL, 0);
    }
    return rc;
}

static int run_key_revoke(redisContext *c, job_t *j)
{
    return nq_access_key_revoke(c, j->id, j->err, sizeof(j->err));
}

static void work(uv_work_t *w)
{
    job_t *j = w->data;
    const nq_config_t *cfg = &j->gw->svc->cfg;
    redisContext *c =
        nq_redis_connect_sync(cfg->redis_host, cfg->redis_port, cfg->redis_user,
                              cfg->redis_password, STORE_TIMEOUT_MS, j->err, sizeof(j->err));
    j->rc = c ? j->op->run(c, j) : NQ_ACCESS_EREDIS;
    if (c)
        redisFree(c);
}

/* ---- answers, on the loop ---------------------------------------------------- */

static void answer_user_list(job_t *j)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < j->n; i++)
        json_array_append_new(items, access_user_json(&j->users[i]));
    gw_respond_json(j->conn, 200, json_pack("{s:o}", "items", items), NULL);
}

static void answer_user(job_t *j)
{
    gw_respond_json(j->conn, j->op->run == run_user_add ? 201 : 200, access_user_json(&j->user),
                    NULL);
}

static void answer_key_list(job_t *j)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < j->n; i++)
        json_array_append_new(items, access_key_json(&j->keys[i]));
    gw_respond_json(j->conn, 200, json_pack("{s:o}", "items", items), NULL);
}

static void answer_key_created(job_t *j)
{
    json_t *body = access_key_json(&j->rec);
    json_object_set_new(body, "key", json_string(j->key));
    gw_respond_json(j->conn, 201, body, NULL);
}

static void answer_revoked(job_t *j)
{
    nq_http_respond(j->conn, 204, NULL, NULL, 0, NULL);
}

static void done(uv_work_t *w, int status)
{
    job_t *j = w->data;
    nq_field_errors_t errs = {0};
    if (!nq_http_conn_open(j->conn)) {
        /* the client left; the change (if any) is made and audited */
    } else if (status != 0) {
        gw_respond_unavailable(j->conn, "the user store");
    } else if (j->rc == 0) {
        j->op->answer(j);
    } else if (j->rc == NQ_ACCESS_ENOENT) {
        gw_respond_error(j->conn, 404, "not_found", j->op->missing ? j->op->missing : "", NULL);
    } else if (j->rc == NQ_ACCESS_EEXIST) {
        nq_field_errors_add(&errs, "id", "a user with this id exists already");
        gw_respond_error(j->conn, 409, "conflict", "a user with this id exists already", &errs);
    } else if (j->rc == NQ_ACCESS_EINVAL) {
        gw_respond_error(j->conn, 400, "invalid", j->err, NULL);
    } else {
        nq_log_warn("access_store", "%s", j->err);
        gw_respond_unavailable(j->conn, "the user store");
    }
    job_free(j);
}

/* ---- the routes ---------------------------------------------------------------- */

static int parse_user(const json_t *body, const gw_request_t *req, job_t *j,
                      nq_field_errors_t *errs)
{
    return access_user_parse(body, &j->user, j->password, errs);
}

static int parse_patch(const json_t *body, const gw_request_t *req, job_t *j,
                       nq_field_errors_t *errs)
{
    const char *self = req->who && !req->who->is_key ? req->who->id : "";
    return access_patch_parse(body, j->id, self, &j->patch, errs);
}

static int parse_key(const json_t *body, const gw_request_t *req, job_t *j, nq_field_errors_t *errs)
{
    return access_key_parse(body, &j->key_in, errs);
}

static const op_t op_user_list = {NULL, run_user_list, answer_user_list, NULL, NULL};
static const op_t op_user_add = {parse_user, run_user_add, answer_user, NQ_REASON("bad user"),
                                 NULL};
static const op_t op_user_update = {parse_patch, run_user_update, answer_user,
                                    NQ_REASON("bad user"), NQ_REASON("no such user")};
static const op_t op_key_list = {NULL, run_key_list, answer_key_list, NULL, NULL};
static const op_t op_key_create = {parse_key, run_key_create, answer_key_created,
                                   NQ_REASON("bad API key"), NULL};
static const op_t op_key_revoke = {NULL, run_key_revoke, answer_revoked, NULL,
                                   NQ_REASON("no such API key")};

static job_t *job_new(const gw_request_t *req)
{
    job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return NULL;
    }
    j->gw = req->gw;
    j->conn = req->conn;
    j->op = req->route->arg;
    nq_http_conn_retain(req->conn);
    return j;
}

static void job_start(job_t *j)
{
    j->work.data = j;
    if (uv_queue_work(&j->gw->svc->loop, &j->work, work, done) != 0) {
        gw_respond_unavailable(j->conn, "the user store");
        job_free(j);
    }
}

/* The job of a request, with the path's :id when the route has one; NULL
 * when answered. */
static job_t *job_of(const gw_request_t *req)
{
    const char *id = NULL;
    if (nq_route_param(req->params, "id") && !(id = gw_path_id(req, "id")))
        return NULL;
    job_t *j = job_new(req);
    if (j && id)
        snprintf(j->id, sizeof(j->id), "%s", id);
    return j;
}

/* Read the body when the route takes one (400 naming each field that is
 * wrong), then hand the job to the pool. */
static void handle(const gw_request_t *req)
{
    const op_t *op = req->route->arg;
    nq_field_errors_t errs = {0};
    json_t *body = op->parse ? gw_parse_json_body(req) : NULL;
    job_t *j = !op->parse || body ? job_of(req) : NULL;
    int rc = j && op->parse ? op->parse(body, req, j, &errs) : 0;
    json_decref(body);
    if (!j)
        return;
    if (rc == 0) {
        job_start(j);
        return;
    }
    if (rc == -2)
        gw_respond_error(req->conn, 400, "invalid",
                         "nothing to change: send name, role, teams, salesperson_id, status or "
                         "password",
                         NULL);
    else
        gw_respond_error(req->conn, 400, "invalid", op->invalid, &errs);
    job_free(j);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/users", NQ_READ(ACCESS), handle, &op_user_list, GW_SUBJ_EVERY_TEAM},
    {"POST", "/api/v1/users", NQ_WRITE(ACCESS), handle, &op_user_add, GW_SUBJ_EVERY_TEAM},
    {"PATCH", "/api/v1/users/:id", NQ_WRITE(ACCESS), handle, &op_user_update, GW_SUBJ_EVERY_TEAM},
    {"GET", "/api/v1/apikeys", NQ_READ(ACCESS), handle, &op_key_list, GW_SUBJ_EVERY_TEAM},
    {"POST", "/api/v1/apikeys", NQ_WRITE(ACCESS), handle, &op_key_create, GW_SUBJ_EVERY_TEAM},
    {"DELETE", "/api/v1/apikeys/:id", NQ_WRITE(ACCESS), handle, &op_key_revoke, GW_SUBJ_EVERY_TEAM},
};

const gw_routes_t gw_access_routes = {rows, sizeof(rows) / sizeof(rows[0])};
