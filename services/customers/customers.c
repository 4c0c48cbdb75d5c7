/* customers.c — the customers service's I/O: the request table, the call
 * lifecycle, the app hooks. The flows of each kind are in team.c,
 * salesperson.c and customer.c, the lists' in lists.c, their shared steps in
 * orgcall.c; rules in org.c, membership.c and orgix.c. See customers.h. */
#include "customers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/call.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/reply.h"
#include "cadence.h"
#include "migrate.h"
#include "customers_app.h"
#include "org.h"
#include "orgcall.h"
#include "poolsweep.h"

/* Send the reply (unless the socket is closed by now) and free the call. */
static void call_answer(nq_call_t *base)
{
    org_call_t *c = (org_call_t *)base;
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    if (base->status == NQ__STATUS__STATUS_UNAVAILABLE)
        nq_log_warn("org_unavailable", "%s %s: %s", base->env.type, c->id, base->detail);
    if (c->owner_done) {
        /* the service's own change: no one to answer */
    } else if (c->app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__OrgReply reply = NQ__ORG_REPLY__INIT;
        reply.header = &h.pb;
        if (ok)
            org_reply_set_entity(c->kind, &reply, c->stored);
        nq_zsock_reply(c->app->sock, &base->env, base->env.type, &reply.base);
    } else {
        nq_log_debug("reply_dropped", "%s %s: stopping", base->env.type, c->id);
    }
    if (c->owner_done)
        c->owner_done(c);
    c->app->inflight--;
    protobuf_c_message_free_unpacked(c->stored, NULL);
    org_set_ids(c, NULL, NULL, 0);
    if (c->req)
        nq__org_request__free_unpacked(c->req, NULL);
    nq_call_cleanup(base);
    free(c);
}

/* A copy of the request (the bus frees its own when the handler returns). */
static Nq__OrgRequest *copy_request(const Nq__OrgRequest *req)
{
    size_t len = nq__org_request__get_packed_size(req);
    uint8_t *buf = malloc(len ? len : 1);
    Nq__OrgRequest *copy = NULL;
    if (buf) {
        nq__org_request__pack(req, buf);
        copy = nq__org_request__unpack(NULL, len, buf);
    }
    free(buf);
    return copy;
}

static org_call_t *call_new(customers_t *app, const org_kind_t *k, org_op_t op,
                            const nq_bus_envelope_t *env, const Nq__OrgRequest *req)
{
    org_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, call_answer) != 0) {
        free(c);
        return NULL;
    }
    c->app = app;
    c->kind = k;
    c->op = op;
    c->now = nq_now_ms();
    snprintf(c->id, sizeof(c->id), "%s", req->id ? req->id : "");
    app->inflight++;
    if (!(c->req = copy_request(req)))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    return c;
}

/* ---------------------------------------------------------------- handlers */

/* Each kind's flow of each operation. */
static const org_start_fn starts[ORG_KIND_COUNT][ORG_OPS] = {
    [ORG_TEAM] = {team_get, team_put, team_delete},
    [ORG_SALESPERSON] = {salesperson_get, salesperson_put, salesperson_delete},
    [ORG_CUSTOMER] = {customer_get, customer_put, customer_delete},
};

/* Check the request of c and start its flow (unless c failed already), then
 * let go of the handler's count. */
static void call_run(org_call_t *c, const org_kind_t *k, org_op_t op, const Nq__OrgRequest *req)
{
    if (c->base.status == NQ__STATUS__STATUS_OK && org_check(k, op, req, &c->base.errs) != 0)
        org_fail_invalid(c, k->name);
    else if (c->base.status == NQ__STATUS__STATUS_OK) {
        c->start = starts[k - org_kinds][op];
        c->start(c);
    }
    nq_call_release(&c->base);
}

/* Every org request type: the type names the kind and the operation. */
static void on_org(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                   void *data)
{
    customers_t *app = data;
    const Nq__OrgRequest *req = (const Nq__OrgRequest *)msg;
    org_op_t op;
    const org_kind_t *k = org_kind_for_msg(env->msg, &op);
    org_call_t *c = k ? call_new(app, k, op, env, req) : NULL;
    if (!c) {
        nq_log_error("org_request", "cannot serve %s: %s", env->type,
                     k ? "out of memory" : "no entity kind for this type");
        return;
    }
    if (app->inflight > ORG_MAX_INFLIGHT)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "busy: %d requests waiting for redis", ORG_MAX_INFLIGHT);
    call_run(c, k, op, req);
}

/* ---------------------------------------------------------------- customer.batch.v1 */

/* A batch: a call of its own whose steps are its rows, each an org call
 * that tells its outcome here instead of replying (owner_done). */
typedef struct batch_row {
    struct batch *b;        /* the batch */
    Nq__Status status;      /* its outcome */
    char detail[256];       /* why not OK */
    nq_field_errors_t errs; /* its field errors (INVALID) */
} batch_row_t;

typedef struct batch {
    nq_call_t base;    /* must be first: pending counts the rows not done */
    customers_t *app;  /* the service */
    size_t n;          /* rows */
    batch_row_t *rows; /* n outcomes, in the request's order */
} batch_t;

static void batch_row_done(org_call_t *c)
{
    batch_row_t *row = c->owner_data;
    row->status = c->base.status;
    snprintf(row->detail, sizeof(row->detail), "%s", c->base.detail);
    row->errs = c->base.errs;
    nq_call_release(&row->b->base);
}

/* Every row is done (or the batch was refused): one result per row. */
static void batch_answer(nq_call_t *base)
{
    batch_t *b = (batch_t *)base;
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    size_t n = ok ? b->n : 0;
    nq_reply_header_t *hs = calloc(n + 1, sizeof(*hs));
    Nq__CustomerBatchResult *res = calloc(n + 1, sizeof(*res)),
                            **ptrs = calloc(n + 1, sizeof(*ptrs));
    if (!hs || !res || !ptrs) {
        ok = false;
        n = 0;
        nq_call_fail(base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const batch_row_t *row = &b->rows[i];
        nq_reply_header_init(&hs[i], NULL, row->status, row->detail[0] ? row->detail : NULL,
                             &row->errs);
        nq__customer_batch_result__init(&res[i]);
        res[i].has_status = 1;
        res[i].status = row->status;
        res[i].detail = hs[i].pb.detail;
        res[i].n_errors = hs[i].pb.n_errors;
        res[i].errors = hs[i].pb.errors;
        ptrs[i] = &res[i];
    }
    if (b->app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__CustomerBatchReply reply = NQ__CUSTOMER_BATCH_REPLY__INIT;
        reply.header = &h.pb;
        reply.n_results = n;
        reply.results = ptrs;
        nq_zsock_reply(b->app->sock, &base->env, base->env.type, &reply.base);
    }
    free(hs);
    free(res);
    free(ptrs);
    free(b->rows);
    nq_call_cleanup(base);
    free(b);
}

/* customer.batch.v1: every row put at once as customer.put.v1 puts it (its
 * checks, its script), not read back; admitted while the rows waiting for
 * Redis stay within ORG_BATCH_MAX_INFLIGHT, else UNAVAILABLE as a whole. */
static void on_batch(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *data)
{
    static const nq_bus_envelope_t none = {0};
    customers_t *app = data;
    const Nq__CustomerBatchRequest *req = (const Nq__CustomerBatchRequest *)msg;
    const org_kind_t *k = &org_kinds[ORG_CUSTOMER];
    batch_t *b = calloc(1, sizeof(*b));
    if (!b || nq_call_init(&b->base, env, req->correlation_id, batch_answer) != 0) {
        nq_log_error("org_request", "cannot serve %s: out of memory", env->type);
        free(b);
        return;
    }
    if (!(b->rows = calloc(req->n_items + 1, sizeof(*b->rows))))
        nq_call_fail(&b->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    b->app = app;
    b->n = req->n_items;
    bool ok = b->base.status == NQ__STATUS__STATUS_OK;
    if (ok && req->n_items > ORG_BATCH_MAX_ROWS)
        nq_call_fail(&b->base, NQ__STATUS__STATUS_INVALID, "more than %d rows", ORG_BATCH_MAX_ROWS);
    else if (ok && app->inflight + req->n_items > ORG_BATCH_MAX_INFLIGHT)
        nq_call_fail(&b->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "busy: %zu requests waiting for redis", app->inflight);
    for (size_t i = 0; b->base.status == NQ__STATUS__STATUS_OK && i < req->n_items; i++) {
        batch_row_t *row = &b->rows[i];
        org_call_t *c = call_new(app, k, ORG_PUT, &none, req->items[i]);
        row->b = b;
        if (!c) {
            row->status = NQ__STATUS__STATUS_UNAVAILABLE;
            snprintf(row->detail, sizeof(row->detail), "out of memory");
            continue;
        }
        c->owner_done = batch_row_done;
        c->owner_data = row;
        c->no_readback = true;
        b->base.pending++;
        call_run(c, k, ORG_PUT, req->items[i]);
    }
    nq_call_release(&b->base);
}

/* The PATCH fields of an owner change. */
static const char *const owner_fields[] = {"owner_id", "status", "pool_team", "owner_reason"};
#define N_OWNER_FIELDS (sizeof(owner_fields) / sizeof(owner_fields[0]))

/* Make the call's copy of the request the PATCH of an owner change. 0, or
 * -1 when out of memory. */
static int owner_patch(Nq__OrgRequest *req)
{
    req->has_patch = req->patch = 1;
    for (size_t i = 0; i < req->n_patch_fields; i++)
        free(req->patch_fields[i]);
    free(req->patch_fields);
    req->n_patch_fields = 0;
    if (!(req->patch_fields = calloc(N_OWNER_FIELDS, sizeof(char *))))
        return -1;
    for (size_t i = 0; i < N_OWNER_FIELDS; i++) {
        if (!(req->patch_fields[i] = strdup(owner_fields[i])))
            return -1;
        req->n_patch_fields++;
    }
    return 0;
}

int customers_owner_change(customers_t *app, const nq_bus_envelope_t *env,
                           const Nq__OrgRequest *req, const char *guard, const char *guard_arg,
                           void (*done)(org_call_t *c), void *data)
{
    static const nq_bus_envelope_t none = {0};
    org_call_t *c = call_new(app, &org_kinds[ORG_CUSTOMER], ORG_PUT, env ? env : &none, req);
    if (!c) {
        nq_log_error("owner_change", "cannot change the owner of %s: out of memory",
                     req->id ? req->id : "");
        return -1;
    }
    c->guard = guard;
    snprintf(c->guard_arg, sizeof(c->guard_arg), "%s", guard_arg ? guard_arg : "");
    c->owner_done = env ? NULL : done;
    c->owner_data = data;
    const Nq__Customer *cu = req->customer;
    if (c->base.status != NQ__STATUS__STATUS_OK) {
        /* out of memory copying it */
    } else if (!nq_valid_id(req->id)) {
        nq_field_errors_add(&c->base.errs, "id", NQ_ID_RULE);
    } else if (cu && cu->owner_id && *cu->owner_id && !nq_valid_id(cu->owner_id)) {
        nq_field_errors_add(&c->base.errs, "salesperson_id", NQ_ID_RULE);
    } else if (!cu || owner_patch(c->req) != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    }
    if (c->base.errs.n)
        org_fail_invalid(c, "customer");
    else if (c->base.status == NQ__STATUS__STATUS_OK) {
        c->start = customer_put;
        c->start(c);
    }
    nq_call_release(&c->base);
    return 0;
}

/* customer.claim.v1 and customer.assign.v1: the gateway gives the owner,
 * the status and the reason; a claim is guarded (pool.h). */
static void on_owner(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *data)
{
    const Nq__OrgRequest *req = (const Nq__OrgRequest *)msg;
    bool claim = env->msg == NQ_MSG(CUSTOMER_CLAIM);
    customers_owner_change(data, env, req, claim ? "claim" : NULL, NULL, NULL, NULL);
}

/* Every list request type: a page of teams, salespeople or customers. */
static void on_list(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *data)
{
    list_serve(data, env, (const Nq__OrgListRequest *)msg);
}

static void on_cadence_get(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                           const ProtobufCMessage *msg, void *data)
{
    cadence_serve(data, env, (const Nq__TeamCadenceRequest *)msg, false);
}

static void on_cadence_put(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                           const ProtobufCMessage *msg, void *data)
{
    cadence_serve(data, env, (const Nq__TeamCadenceRequest *)msg, true);
}

static void on_ping(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *app)
{
    nq_reply_pong(sock, env, msg, ((customers_t *)app)->svc, "customers");
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(TEAM_PUT), on_org},
    {NQ_MSG(TEAM_GET), on_org},
    {NQ_MSG(TEAM_DELETE), on_org},
    {NQ_MSG(SALESPERSON_PUT), on_org},
    {NQ_MSG(SALESPERSON_GET), on_org},
    {NQ_MSG(SALESPERSON_DELETE), on_org},
    {NQ_MSG(CUSTOMER_PUT), on_org},
    {NQ_MSG(CUSTOMER_GET), on_org},
    {NQ_MSG(CUSTOMER_DELETE), on_org},
    {NQ_MSG(TEAM_CADENCE_GET), on_cadence_get},
    {NQ_MSG(TEAM_CADENCE_PUT), on_cadence_put},
    {NQ_MSG(CUSTOMER_CLAIM), on_owner},
    {NQ_MSG(CUSTOMER_ASSIGN), on_owner},
    {NQ_MSG(SYS_PING), on_ping},
    /* the org lists (lists.c) */
    {NQ_MSG(TEAM_LIST), on_list},
    {NQ_MSG(SALESPERSON_LIST), on_list},
    {NQ_MSG(CUSTOMER_LIST), on_list},
    {NQ_MSG(CUSTOMER_BATCH), on_batch},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* ---------------------------------------------------------------- app hooks */

void *customers_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_ROUTER, NQ_SVC_CUSTOMERS) != 0)
        return NULL;
    customers_t *app = calloc(1, sizeof(*app));
    if (!app) {
        nq_log_error("customers_start", "out of memory");
        return NULL;
    }
    app->svc = svc;
    const nq_config_t *cfg = &svc->cfg;
    app->sock = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_ROUTER, cfg->customers_endpoint,
                             NQ_ZSOCK_BIND, nq_curve_link(svc->curve, NQ_LINK_CUSTOMERS), routes,
                             N_ROUTES, app, (size_t)cfg->max_frame_bytes);
    if (!app->sock) {
        free(app);
        return NULL;
    }
    app->indexer = indexer_new(svc);
    if (!app->indexer) {
        nq_zsock_destroy(&app->sock);
        free(app);
        return NULL;
    }
    app->pool = poolsweep_new(app);
    nq_redis_on_connected(svc->redis, migrate_on_connected, NULL);
    nq_log_info("listening", "customers ROUTER on %s", cfg->customers_endpoint);
    return app;
}

void customers_stop(void *data)
{
    customers_t *app = data;
    if (!app)
        return;
    nq_zsock_destroy(&app->sock);
    indexer_stop(app->indexer);
    poolsweep_stop(app->pool);
}

void customers_free(void *data)
{
    customers_t *app = data;
    if (app) {
        indexer_free(app->indexer);
        poolsweep_free(app->pool);
    }
    free(app);
}
