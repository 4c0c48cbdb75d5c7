/* customers.c — the customers service's I/O. See customers.h; rules in org.c. */
#include "customers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/keyset.h"
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
static const index_fn put_index[ORG_KIND_COUNT] = {[ORG_SALESPERSON] = index_salesperson};

/* The id into the kind's index, then the org version: last, so the put is
 * answered only once kept leaderboards are stale. */
static void put_done(org_call_t *c)
{
    nq_redis_t *redis = c->app->svc->redis;
    nq_call_issued(&c->base,
                   nq_redis_command(redis, on_written, c, "SADD %s %s", c->kind->index, c->id));
    nq_call_issued(&c->base, nq_redis_command(redis, on_written, c, "INCR %s", NQ_KEY_ORG_VERSION));
}

/* Write the hash: `a` is HSET, key, fields. */
static void write_hash(org_call_t *c, const nq_redis_args_t *a, const Nq__OrgRequest *req,
                       int64_t now)
{
    nq_call_issued(&c->base, nq_redis_command_args(c->app->svc->redis, on_written, c, a));
    if (c->base.status == NQ__STATUS__STATUS_OK) /* no index entry for a hash never written */
        put_done(c);
}

/* ---- customers: the hash and the key-customer sets with their history ---- */

/* KEYS[1] the customer hash. ARGV: now (Unix ms), since (Unix ms, "" for
 * now), then the hash's field/value pairs (owner_id and class among them).
 * `since` is when the customer's owner and class took effect: kept when the
 * put changes neither, else ARGV since (or now), which may not be before the
 * stored one (the customer's history stays in order). Returns {1, old owner,
 * old class, since} once written, or {0, stored since} when refused. */
static const char customer_put_script[] =
    "local old = redis.call('HMGET', KEYS[1], 'owner_id', 'class', 'since')\n"
    "local owner, class = '', ''\n"
    "for i = 3, #ARGV, 2 do\n"
    "  if ARGV[i] == 'owner_id' then owner = ARGV[i + 1] end\n"
    "  if ARGV[i] == 'class' then class = ARGV[i + 1] end\n"
    "end\n"
    "local since = old[3]\n"
    "if not old[2] or old[1] ~= owner or old[2] ~= class then\n"
    "  since = ARGV[2] ~= '' and ARGV[2] or ARGV[1]\n"
    "  if old[3] and tonumber(since) < tonumber(old[3]) then return {0, old[3]} end\n"
    "end\n"
    "redis.call('HSET', KEYS[1], unpack(ARGV, 3))\n"
    "if since then redis.call('HSET', KEYS[1], 'since', since) end\n"
    "return {1, old[1] or '', old[2] or '', since or ''}\n";

/* Apply one key-customer move (org_key_moves) from `since` on. */
static void move_key_customer(org_call_t *c, const org_key_move_t *m, const char *since)
{
    char set[KEY_MAX], log[KEY_MAX];
    if (nq_key_key_customers(set, sizeof(set), m->salesperson_id) < 0 ||
        nq_key_key_log(log, sizeof(log), m->salesperson_id) < 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "key too long");
        return;
    }
    nq_call_issued(&c->base, nq_redis_command(c->app->svc->redis, on_written, c,
                                              "EVAL %s 2 %s %s %s %s %s", NQ_KEYSET_LUA_CHANGE, set,
                                              log, m->added ? "+" : "-", c->id, since));
}

static void on_customer_written(nq_redis_t *r, redisReply *reply, void *data)
{
    org_call_t *c = data;
    if (!nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY))
        goto out;
    bool refused = reply->elements == 2 && reply->element[0]->type == REDIS_REPLY_INTEGER &&
                   reply->element[0]->integer == 0 && reply->element[1]->type == REDIS_REPLY_STRING;
    bool written = reply->elements == 4 && reply->element[0]->type == REDIS_REPLY_INTEGER &&
                   reply->element[0]->integer == 1;
    for (size_t i = 1; written && i < 4; i++)
        written = reply->element[i]->type == REDIS_REPLY_STRING;
    if (refused) {
        char when[40] = "";
        nq_time_format(strtoll(reply->element[1]->str, NULL, 10), when, sizeof(when));
        nq_field_errors_add(&c->base.errs, "since",
                            "must not be before %s, when the customer's owner and class last "
                            "changed",
                            when);
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid customer: since too early");
        goto out;
    }
    if (!written) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "unexpected customer put answer");
        goto out;
    }
    const char *since = reply->element[3]->str;
    Nq__Customer *cu = (Nq__Customer *)c->stored;
    cu->has_since = *since != '\0';
    cu->since = strtoll(since, NULL, 10);
    org_key_move_t moves[2];
    int n = org_key_moves(reply->element[1]->str, reply->element[2]->str, cu->owner_id, cu->class_,
                          moves);
    for (int i = 0; i < n; i++)
        move_key_customer(c, &moves[i], since);
    put_done(c);
out:
    nq_call_release(&c->base);
}

/* Write a customer: its hash first (the script answers the owner and class
 * it replaced), then the key-customer sets it leaves and joins, logged from
 * when the change takes effect (nq/keyset.h). `a` is HSET, key, fields. */
static void write_customer(org_call_t *c, const nq_redis_args_t *a, const Nq__OrgRequest *req,
                           int64_t now)
{
    const Nq__Customer *cu = req->customer;
    if (cu->has_since && cu->since > now) {
        nq_field_errors_add(&c->base.errs, "since", "must not be in the future");
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid customer: since in the future");
        return;
    }
    nq_redis_args_t e;
    nq_redis_args_init(&e);
    nq_redis_args_adds(&e, "EVAL");
    nq_redis_args_adds(&e, customer_put_script);
    nq_redis_args_adds(&e, "1");
    nq_redis_args_add(&e, a->argv[1], a->lens[1]);
    nq_redis_args_addf(&e, "%lld", (long long)now);
    if (cu->has_since)
        nq_redis_args_addf(&e, "%lld", (long long)cu->since);
    else
        nq_redis_args_adds(&e, "");
    for (size_t i = 2; i < a->argc; i++)
        nq_redis_args_add(&e, a->argv[i], a->lens[i]);
    nq_call_issued(
        &c->base,
        e.failed ? -1 : nq_redis_command_args(c->app->svc->redis, on_customer_written, c, &e));
    nq_redis_args_free(&e);
}

/* How a kind's hash is written. */
typedef void (*write_fn)(org_call_t *c, const nq_redis_args_t *a, const Nq__OrgRequest *req,
                         int64_t now);
static const write_fn put_write[ORG_KIND_COUNT] = {
    [ORG_TEAM] = write_hash, [ORG_SALESPERSON] = write_hash, [ORG_CUSTOMER] = write_customer};

/* Build the hash (HSET, key, every field) and write it. The reply entity is
 * built back from the very fields written, so it is exactly what a get
 * returns. */
static void start_put(org_call_t *c, const Nq__OrgRequest *req)
{
    const org_kind_t *k = c->kind;
    char key[KEY_MAX];
    k->key(key, sizeof(key), c->id);
    int64_t now = nq_now_ms();
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "HSET");
    nq_redis_args_adds(&a, key);
    if (org_to_fields(k, org_request_entity(k, req), now, &a) == 0)
        c->stored = k->from_fields(c->id, (const char *const *)a.argv + 2, a.argc - 2);
    if (!c->stored) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        goto out_free_args;
    }
    index_fn index = put_index[k - org_kinds];
    if (index)
        index(c, key, req);
    put_write[k - org_kinds](c, &a, req, now);
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
