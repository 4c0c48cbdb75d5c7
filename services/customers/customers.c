/* customers.c — the customers service's I/O. See customers.h; rules in org.c. */
#include "customers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/reply.h"
#include "nq/period.h"
#include "org.h"

/* Requests waiting for Redis beyond which new ones are refused (UNAVAILABLE). */
#define MAX_INFLIGHT 1024
/* Longest Redis key of an entity (ids are at most NQ_ID_MAX bytes). */
#define KEY_MAX 128

struct customers {
    nq_service_t *svc; /* shared process state: config, loop, Redis */
    nq_zsock_t *sock;  /* ROUTER for the gateway; NULL once stopped */
    size_t inflight;   /* calls not yet answered */
};

/* One request from its arrival to its reply (steps counted by nq/call.h). */
typedef struct org_call {
    nq_call_t base;           /* must be first */
    customers_t *app;         /* the service */
    const org_kind_t *kind;   /* the kind of entity asked for */
    char id[NQ_ID_MAX + 1];   /* the entity id (valid once org_check passed) */
    ProtobufCMessage *stored; /* the entity to answer with (put: as written; get: as read) */
} org_call_t;

/* Send the reply (unless the socket is closed by now) and free the call. */
static void call_answer(nq_call_t *base)
{
    org_call_t *c = (org_call_t *)base;
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    if (base->status == NQ__STATUS__STATUS_UNAVAILABLE)
        nq_log_warn("org_unavailable", "%s %s: %s", base->env.type, c->id, base->detail);
    if (c->app->sock) {
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
    c->app->inflight--;
    protobuf_c_message_free_unpacked(c->stored, NULL);
    nq_call_cleanup(base);
    free(c);
}

static org_call_t *call_new(customers_t *app, const org_kind_t *k, const nq_bus_envelope_t *env,
                            const Nq__OrgRequest *req)
{
    org_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, call_answer) != 0) {
        free(c);
        return NULL;
    }
    c->app = app;
    c->kind = k;
    snprintf(c->id, sizeof(c->id), "%s", req->id ? req->id : "");
    app->inflight++;
    return c;
}

/* ---------------------------------------------------------------- get */

/* The entity from an HGETALL reply, or NULL (OOM, or stored data unreadable). */
static ProtobufCMessage *entity_from_reply(const org_kind_t *k, const char *id,
                                           const redisReply *reply)
{
    const char **fields = malloc(reply->elements * sizeof(*fields));
    if (!fields)
        return NULL;
    for (size_t i = 0; i < reply->elements; i++)
        fields[i] = reply->element[i]->str ? reply->element[i]->str : "";
    ProtobufCMessage *entity = k->from_fields(id, fields, reply->elements);
    free(fields);
    return entity;
}

static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    org_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        if (reply->elements == 0)
            nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "%s %s not found", c->kind->name,
                         c->id);
        else if (!(c->stored = entity_from_reply(c->kind, c->id, reply)))
            nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "stored %s %s could not be read",
                         c->kind->name, c->id);
    }
    nq_call_release(&c->base);
}

static void start_get(org_call_t *c, const Nq__OrgRequest *req)
{
    char key[KEY_MAX];
    c->kind->key(key, sizeof(key), c->id);
    nq_call_issued(&c->base, nq_redis_command(c->app->svc->redis, on_read, c, "HGETALL %s", key));
}

/* ---------------------------------------------------------------- put */

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    org_call_t *c = data;
    nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->base);
}

/* KEYS[1] the customer hash. ARGV: customer id, new owner ("" for none), new
 * class, key-set prefix, key-set suffix. Moves the customer between the
 * owners' key-customer sets (coverage counts them) according to the old and
 * new owner and class; runs before the hash is overwritten. */
static const char key_owner_script[] =
    "local old = redis.call('HMGET', KEYS[1], 'owner_id', 'class')\n"
    "if old[1] and old[1] ~= '' then\n"
    "  redis.call('SREM', ARGV[4] .. old[1] .. ARGV[5], ARGV[1])\n"
    "end\n"
    "if ARGV[2] ~= '' and ARGV[3] == 'key' then\n"
    "  redis.call('SADD', ARGV[4] .. ARGV[2] .. ARGV[5], ARGV[1])\n"
    "end\n"
    "return 1\n";

/* Keep the owner's set of key customers in step with a customer put. */
static void index_customer(org_call_t *c, const char *key, const Nq__OrgRequest *req)
{
    const Nq__Customer *cu = req->customer;
    const char *cls = cu->class_ ? cu->class_ : "normal";
    nq_call_issued(&c->base, nq_redis_command(c->app->svc->redis, on_written, c,
                                              "EVAL %s 1 %s %s %s %s %s %s", key_owner_script, key,
                                              c->id, cu->owner_id ? cu->owner_id : "", cls,
                                              NQ_KEY_SP_PREFIX, NQ_KEY_KEY_CUSTOMERS_SUFFIX));
}

/* Keep the names index (every salesperson's name in one hash) in step. */
static void index_salesperson(org_call_t *c, const char *key, const Nq__OrgRequest *req)
{
    const char *name = req->salesperson->name;
    nq_redis_t *redis = c->app->svc->redis;
    nq_call_issued(&c->base, name && *name ? nq_redis_command(redis, on_written, c, "HSET %s %s %s",
                                                              NQ_KEY_SALESPEOPLE_NAMES, c->id, name)
                                           : nq_redis_command(redis, on_written, c, "HDEL %s %s",
                                                              NQ_KEY_SALESPEOPLE_NAMES, c->id));
}

/* Extra bookkeeping a kind needs before its hash is written, or NULL. */
typedef void (*index_fn)(org_call_t *c, const char *key, const Nq__OrgRequest *req);
static const index_fn put_index[ORG_KIND_COUNT] = {
    [ORG_SALESPERSON] = index_salesperson, [ORG_CUSTOMER] = index_customer};

/* HSET the whole hash and SADD the id to the index. The reply entity is
 * built back from the very fields written, so it is exactly what a get
 * returns. */
static void start_put(org_call_t *c, const Nq__OrgRequest *req)
{
    const org_kind_t *k = c->kind;
    char key[KEY_MAX];
    k->key(key, sizeof(key), c->id);
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "HSET");
    nq_redis_args_adds(&a, key);
    if (org_to_fields(k, org_request_entity(k, req), nq_now_ms(), &a) == 0)
        c->stored = k->from_fields(c->id, (const char *const *)a.argv + 2, a.argc - 2);
    if (!c->stored) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        goto out_free_args;
    }
    nq_redis_t *redis = c->app->svc->redis;
    index_fn index = put_index[k - org_kinds];
    if (index)
        index(c, key, req);
    nq_call_issued(&c->base, nq_redis_command_args(redis, on_written, c, &a));
    if (c->base.status == NQ__STATUS__STATUS_OK) { /* no index entry for a hash never written */
        nq_call_issued(&c->base,
                       nq_redis_command(redis, on_written, c, "SADD %s %s", k->index, c->id));
        /* Last, so the put is answered only once kept leaderboards are stale. */
        nq_call_issued(&c->base,
                       nq_redis_command(redis, on_written, c, "INCR %s", NQ_KEY_ORG_VERSION));
    }
out_free_args:
    nq_redis_args_free(&a);
}

/* ---------------------------------------------------------------- handlers */

typedef void (*start_fn)(org_call_t *c, const Nq__OrgRequest *req);

static const start_fn starts[] = {[ORG_GET] = start_get, [ORG_PUT] = start_put};

/* Every org request type: the type names the kind and the operation. */
static void on_org(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                   void *data)
{
    customers_t *app = data;
    const Nq__OrgRequest *req = (const Nq__OrgRequest *)msg;
    org_op_t op;
    const org_kind_t *k = org_kind_for_type(env->type, &op);
    org_call_t *c = k ? call_new(app, k, env, req) : NULL;
    if (!c) {
        nq_log_error("org_request", "cannot serve %s: %s", env->type,
                     k ? "out of memory" : "no entity kind for this type");
        return;
    }
    if (app->inflight > MAX_INFLIGHT)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "busy: %d requests waiting for redis", MAX_INFLIGHT);
    else if (org_check(k, op, req, &c->base.errs) != 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid %s: %s %s%s", k->name,
                     c->base.errs.items[0].field, c->base.errs.items[0].reason,
                     c->base.errs.n > 1 ? " (and more)" : "");
    else
        starts[op](c, req);
    nq_call_release(&c->base);
}

static void on_ping(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *app)
{
    nq_reply_pong(sock, env, msg, ((customers_t *)app)->svc, "customers");
}

static const nq_bus_route_t routes[] = {
    {"team.put.v1", &nq__org_request__descriptor, on_org},
    {"team.get.v1", &nq__org_request__descriptor, on_org},
    {"salesperson.put.v1", &nq__org_request__descriptor, on_org},
    {"salesperson.get.v1", &nq__org_request__descriptor, on_org},
    {"customer.put.v1", &nq__org_request__descriptor, on_org},
    {"customer.get.v1", &nq__org_request__descriptor, on_org},
    {"sys.ping.v1", &nq__ping__descriptor, on_ping},
};

/* ---------------------------------------------------------------- app hooks */

void *customers_new(nq_service_t *svc)
{
    customers_t *app = calloc(1, sizeof(*app));
    if (!app) {
        nq_log_error("customers_start", "out of memory");
        return NULL;
    }
    app->svc = svc;
    const nq_config_t *cfg = &svc->cfg;
    app->sock =
        nq_zsock_new(&svc->loop, svc->zctx, ZMQ_ROUTER, cfg->customers_endpoint, NQ_ZSOCK_BIND,
                     routes, sizeof(routes) / sizeof(routes[0]), app, (size_t)cfg->max_frame_bytes);
    if (!app->sock) {
        free(app);
        return NULL;
    }
    nq_log_info("listening", "customers ROUTER on %s", cfg->customers_endpoint);
    return app;
}

void customers_stop(void *data)
{
    customers_t *app = data;
    if (app)
        nq_zsock_destroy(&app->sock);
}

void customers_free(void *data)
{
    free(data);
}
