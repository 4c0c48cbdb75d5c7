/* customers.c — the customers service's I/O: the request table, the call
 * lifecycle, and customers. Teams and salespeople are in people.c; rules in
 * org.c and membership.c. See customers.h. */
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
#include "nq/period.h"
#include "nq/reply.h"
#include "migrate.h"
#include "org.h"
#include "orgcall.h"

struct customers {
    nq_service_t *svc; /* shared process state: config, loop, Redis */
    nq_zsock_t *sock;  /* ROUTER for the gateway; NULL once stopped */
    size_t inflight;   /* calls not yet answered */
};

nq_redis_t *org_redis(const org_call_t *c)
{
    return c->app->svc->redis;
}

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

void org_fail_invalid(org_call_t *c, const char *what)
{
    nq_field_errors_t *e = &c->base.errs;
    if (e->n)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid %s: %s %s%s", what,
                     e->items[0].field, e->items[0].reason, e->n > 1 ? " (and more)" : "");
}

void org_join_ids(char *buf, size_t len, const char *const *ids, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        int w = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", ids[i]);
        if (w < 0 || (size_t)w >= len - at) {
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            return;
        }
        at += (size_t)w;
    }
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int org_set_ids(org_call_t *c, char *const *const *lists, const size_t *counts, size_t n_lists)
{
    for (size_t i = 0; i < c->n_ids; i++)
        free(c->ids[i]);
    free(c->ids);
    c->ids = NULL;
    c->n_ids = 0;
    size_t total = 0;
    for (size_t l = 0; l < n_lists; l++)
        total += counts[l];
    if (total == 0)
        return 0;
    if (!(c->ids = calloc(total, sizeof(*c->ids))))
        goto out_oom;
    for (size_t l = 0; l < n_lists; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            if (!(c->ids[c->n_ids] = strdup(lists[l][i])))
                goto out_oom;
            c->n_ids++;
        }
    }
    qsort(c->ids, c->n_ids, sizeof(*c->ids), by_text);
    size_t w = 0;
    for (size_t i = 0; i < c->n_ids; i++) {
        if (w && strcmp(c->ids[w - 1], c->ids[i]) == 0)
            free(c->ids[i]);
        else
            c->ids[w++] = c->ids[i];
    }
    c->n_ids = w;
    return 0;
out_oom:
    nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    return -1;
}

void org_restart(org_call_t *c)
{
    if (++c->tries >= ORG_TRIES)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "the org kept changing during this write; retry");
    else
        c->start(c);
}

/* ---------------------------------------------------------------- gather */

typedef struct gather {
    org_call_t *call;     /* whose */
    org_kept_t *kept;     /* one per command */
    size_t n;             /* commands */
    size_t waiting;       /* replies outstanding */
    org_gathered_fn next; /* the next step */
} gather_t;

typedef struct gather_slot {
    gather_t *g; /* the step */
    size_t i;    /* which reply */
} gather_slot_t;

static void gather_free(gather_t *g)
{
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = 0; k < g->kept[i].n; k++)
            free(g->kept[i].strs[k]);
        free(g->kept[i].strs);
    }
    free(g->kept);
    free(g);
}

/* Copy a reply into kept; false when it is an error or of another shape. */
static bool keep(const redisReply *r, org_kept_t *kept)
{
    if (!r || r->type == REDIS_REPLY_ERROR)
        return false;
    kept->nil = r->type == REDIS_REPLY_NIL;
    size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 1;
    if (!(kept->strs = calloc(n + 1, sizeof(*kept->strs))))
        return false;
    char digits[24];
    for (size_t i = 0; i < n; i++) {
        const redisReply *e = r->type == REDIS_REPLY_ARRAY ? r->element[i] : r;
        const char *text = e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS ? e->str
                           : e->type == REDIS_REPLY_INTEGER
                               ? (snprintf(digits, sizeof(digits), "%lld", e->integer), digits)
                               : "";
        if (!(kept->strs[i] = strdup(text)))
            return false;
        kept->n++;
    }
    return true;
}

static void on_gathered(nq_redis_t *r, redisReply *reply, void *data)
{
    gather_slot_t *slot = data;
    gather_t *g = slot->g;
    org_call_t *c = g->call;
    if (!keep(reply, &g->kept[slot->i]))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "redis: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    free(slot);
    if (--g->waiting == 0) {
        if (c->base.status == NQ__STATUS__STATUS_OK)
            g->next(c, g->kept, g->n);
        gather_free(g);
    }
    nq_call_release(&c->base);
}

void org_gather(org_call_t *c, nq_redis_args_t *cmds, size_t n, org_gathered_fn next)
{
    gather_t *g = calloc(1, sizeof(*g));
    if (g && !(g->kept = calloc(n + 1, sizeof(*g->kept)))) {
        free(g);
        g = NULL;
    }
    if (g) {
        *g = (gather_t){c, g->kept, n, 1, next}; /* held while issuing */
        for (size_t i = 0; i < n; i++) {
            gather_slot_t *slot = malloc(sizeof(*slot));
            int rc = -1;
            if (slot && !cmds[i].failed) {
                *slot = (gather_slot_t){g, i};
                rc = nq_redis_command_args(org_redis(c), on_gathered, slot, &cmds[i]);
            }
            if (rc != 0)
                free(slot);
            else
                g->waiting++;
            nq_call_issued(&c->base, rc);
        }
    } else {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        nq_redis_args_free(&cmds[i]);
    if (g && --g->waiting == 0) {
        if (c->base.status == NQ__STATUS__STATUS_OK)
            g->next(c, g->kept, g->n);
        gather_free(g);
    }
}

/* ---------------------------------------------------------------- customers */

/* The entity from alternating field/value strings, or NULL (OOM, or stored
 * data unreadable). */
static ProtobufCMessage *entity_from_kept(const org_kind_t *k, const char *id, const org_kept_t *h)
{
    return k->from_fields(id, (const char *const *)h->strs, h->n);
}

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    org_call_t *c = data;
    nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->base);
}

static void hgetall(nq_redis_args_t *a, const char *key)
{
    nq_redis_args_init(a);
    nq_redis_args_adds(a, "HGETALL");
    nq_redis_args_adds(a, key);
}

static void customer_got(org_call_t *c, org_kept_t *kept, size_t n)
{
    if (kept[0].n == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "%s %s not found", c->kind->name,
                     c->id);
    else if (!(c->stored = entity_from_kept(c->kind, c->id, &kept[0])))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "stored %s %s could not be read",
                     c->kind->name, c->id);
}

static void customer_get(org_call_t *c)
{
    char key[ORG_KEY_MAX];
    nq_redis_args_t cmd;
    c->kind->key(key, sizeof(key), c->id);
    hgetall(&cmd, key);
    org_gather(c, &cmd, 1, customer_got);
}

/* Apply one key-customer move (org_key_moves) from `since` (Unix ms, as
 * digits) on: the owner's set and its log (nq/keyset.h), so periods that
 * ended before `since` keep their key customers. */
static void move_key_customer(org_call_t *c, const org_key_move_t *m, const char *since)
{
    char set[ORG_KEY_MAX], log[ORG_KEY_MAX];
    if (nq_key_key_customers(set, sizeof(set), m->salesperson_id) < 0 ||
        nq_key_key_log(log, sizeof(log), m->salesperson_id) < 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "key too long");
        return;
    }
    nq_call_issued(&c->base, nq_redis_command(org_redis(c), on_written, c,
                                              "EVAL %s 2 %s %s %s %s %s", NQ_KEYSET_LUA_CHANGE, set,
                                              log, m->added ? "+" : "-", c->id, since));
}

/* Apply the key-customer moves of a change from (old owner, old class) to
 * the new ones, from `since` on. */
static void move_key_customers(org_call_t *c, const char *old_owner, const char *old_class,
                               const char *new_owner, const char *new_class, const char *since)
{
    org_key_move_t moves[2];
    int n = org_key_moves(old_owner, old_class, new_owner, new_class, moves);
    for (int i = 0; i < n; i++)
        move_key_customer(c, &moves[i], since);
}

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

/* The customer put script's answer: the key-customer moves, then the id
 * into the index and the org version (last, so the put is answered only
 * once kept leaderboards are stale). */
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
        org_fail_invalid(c, "customer");
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
    move_key_customers(c, reply->element[1]->str, reply->element[2]->str, cu->owner_id, cu->class_,
                       since);
    nq_redis_t *redis = org_redis(c);
    nq_call_issued(&c->base,
                   nq_redis_command(redis, on_written, c, "SADD %s %s", NQ_KEY_CUSTOMERS, c->id));
    nq_call_issued(&c->base, nq_redis_command(redis, on_written, c, "INCR %s", NQ_KEY_ORG_VERSION));
out:
    nq_call_release(&c->base);
}

/* Write a customer: its hash first (the script answers the owner and class
 * it replaced), then the key-customer sets it leaves and joins, logged from
 * when the change takes effect. The reply entity is built back from the
 * very fields written, so it is exactly what a get returns. */
static void customer_write(org_call_t *c)
{
    const org_kind_t *k = c->kind;
    const Nq__Customer *cu = c->req->customer;
    if (cu->has_since && cu->since > c->now) {
        nq_field_errors_add(&c->base.errs, "since", "must not be in the future");
        org_fail_invalid(c, "customer");
        return;
    }
    char key[ORG_KEY_MAX];
    k->key(key, sizeof(key), c->id);
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "EVAL");
    nq_redis_args_adds(&a, customer_put_script);
    nq_redis_args_adds(&a, "1");
    nq_redis_args_adds(&a, key);
    nq_redis_args_addf(&a, "%lld", (long long)c->now);
    if (cu->has_since)
        nq_redis_args_addf(&a, "%lld", (long long)cu->since);
    else
        nq_redis_args_adds(&a, "");
    size_t fields = a.argc;
    if (org_to_fields(k, org_request_entity(k, c->req), c->now, &a) == 0)
        c->stored = k->from_fields(c->id, (const char *const *)a.argv + fields, a.argc - fields);
    if (!c->stored)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    else
        nq_call_issued(&c->base, nq_redis_command_args(org_redis(c), on_customer_written, c, &a));
    nq_redis_args_free(&a);
}

/* The owner must be a salesperson of the directory (archived ones are not). */
static void customer_owner_checked(org_call_t *c, org_kept_t *kept, size_t n)
{
    if (strcmp(kept[0].strs[0], "1") != 0) {
        nq_field_errors_add(&c->base.errs, "owner_id", "no salesperson %s in the directory",
                            c->req->customer->owner_id);
        org_fail_invalid(c, "customer");
        return;
    }
    customer_write(c);
}

static void customer_put(org_call_t *c)
{
    const char *owner = c->req->customer->owner_id;
    if (!owner || !*owner) { /* in the public pool */
        customer_write(c);
        return;
    }
    nq_redis_args_t cmd;
    nq_redis_args_init(&cmd);
    nq_redis_args_adds(&cmd, "SISMEMBER");
    nq_redis_args_adds(&cmd, NQ_KEY_SALESPEOPLE);
    nq_redis_args_adds(&cmd, owner);
    org_gather(c, &cmd, 1, customer_owner_checked);
}

/* A deleted customer leaves the directory and, from now on, its owner's key
 * customers (through the key log, so the periods closed before keep it);
 * its events stay in the log and its figures where they count. */
static void customer_deleted(org_call_t *c, org_kept_t *kept, size_t n)
{
    customer_got(c, kept, n);
    if (c->base.status != NQ__STATUS__STATUS_OK)
        return;
    Nq__Customer *cu = (Nq__Customer *)c->stored;
    cu->has_deleted_at = 1;
    cu->deleted_at = c->now;
    char key[ORG_KEY_MAX], now[24];
    c->kind->key(key, sizeof(key), c->id);
    snprintf(now, sizeof(now), "%lld", (long long)c->now);
    nq_redis_t *redis = org_redis(c);
    move_key_customers(c, cu->owner_id, cu->class_, "", cu->class_, now);
    nq_call_issued(&c->base, nq_redis_command(redis, on_written, c, "DEL %s", key));
    nq_call_issued(&c->base,
                   nq_redis_command(redis, on_written, c, "SREM %s %s", NQ_KEY_CUSTOMERS, c->id));
    nq_call_issued(&c->base, nq_redis_command(redis, on_written, c, "INCR %s", NQ_KEY_ORG_VERSION));
}

static void customer_delete(org_call_t *c)
{
    char key[ORG_KEY_MAX];
    nq_redis_args_t cmd;
    c->kind->key(key, sizeof(key), c->id);
    hgetall(&cmd, key);
    org_gather(c, &cmd, 1, customer_deleted);
}

/* ---------------------------------------------------------------- handlers */

/* Each kind's flow of each operation. */
static const org_start_fn starts[ORG_KIND_COUNT][ORG_OPS] = {
    [ORG_TEAM] = {people_team_get, people_team_put, people_team_delete},
    [ORG_SALESPERSON] = {people_salesperson_get, people_salesperson_put, people_salesperson_delete},
    [ORG_CUSTOMER] = {customer_get, customer_put, customer_delete},
};

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
    else if (c->base.status == NQ__STATUS__STATUS_OK && org_check(k, op, req, &c->base.errs) != 0)
        org_fail_invalid(c, k->name);
    else if (c->base.status == NQ__STATUS__STATUS_OK) {
        c->start = starts[k - org_kinds][op];
        c->start(c);
    }
    nq_call_release(&c->base);
}

static void on_ping(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *app)
{
    nq_reply_pong(sock, env, msg, ((customers_t *)app)->svc, "customers");
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(TEAM_PUT), on_org},        {NQ_MSG(TEAM_GET), on_org},
    {NQ_MSG(TEAM_DELETE), on_org},     {NQ_MSG(SALESPERSON_PUT), on_org},
    {NQ_MSG(SALESPERSON_GET), on_org}, {NQ_MSG(SALESPERSON_DELETE), on_org},
    {NQ_MSG(CUSTOMER_PUT), on_org},    {NQ_MSG(CUSTOMER_GET), on_org},
    {NQ_MSG(CUSTOMER_DELETE), on_org}, {NQ_MSG(SYS_PING), on_ping},
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
                             NQ_ZSOCK_BIND, routes, N_ROUTES, app, (size_t)cfg->max_frame_bytes);
    if (!app->sock) {
        free(app);
        return NULL;
    }
    nq_redis_on_connected(svc->redis, migrate_on_connected, NULL);
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
