/* cadence.c — a team's follow-up cadence (team.cadence.get.v1 / .put.v1):
 * its overrides of the company defaults in nq:cadence, and on a put the
 * customers its members own now falling due again by it
 * (common/lua/followup_recompute.lua, a chunk of customers per call); and
 * the same re-dating of a salesperson's customers when their team changes.
 * Rules in followup.h. */
#include "cadence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "followup.h"
#include "nq/call.h"
#include "pool.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/reply.h"
#include "nq/scripts.h"
#include "org.h"
#include "orgcall.h"
#include "orgix.h"

/* Customers per recompute call. */
#define CADENCE_CHUNK 500

typedef struct cadence_call {
    nq_call_t base;   /* must be first */
    customers_t *app; /* the service */
    char team[NQ_ID_MAX + 1];
    int days[FOLLOWUP_CLASSES]; /* the days that apply, in class order */
    bool overridden[FOLLOWUP_CLASSES];
    pool_settings_t pool; /* the public pool's settings that apply (pool.h) */
    size_t waiting;       /* member reads outstanding */
} cadence_call_t;

static nq_redis_t *redis_of(const cadence_call_t *c)
{
    return c->app->svc->redis;
}

static void answer(nq_call_t *base)
{
    cadence_call_t *c = (cadence_call_t *)base;
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    if (base->status == NQ__STATUS__STATUS_UNAVAILABLE)
        nq_log_warn("cadence_unavailable", "%s %s: %s", base->env.type, c->team, base->detail);
    if (c->app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__TeamCadenceReply reply = NQ__TEAM_CADENCE_REPLY__INIT;
        Nq__TeamCadence cad = NQ__TEAM_CADENCE__INIT;
        char *over[FOLLOWUP_CLASSES + POOL_FIELDS];
        reply.header = &h.pb;
        if (ok) {
            cad.has_key_days = cad.has_normal_days = cad.has_potential_days = 1;
            cad.key_days = c->days[0];
            cad.normal_days = c->days[1];
            cad.potential_days = c->days[2];
            for (int i = 0; i < FOLLOWUP_CLASSES; i++) {
                if (c->overridden[i])
                    over[cad.n_overridden++] = (char *)org_customer_classes[i];
            }
            for (int i = 0; i < POOL_FIELDS; i++) {
                if (c->pool.overridden[i])
                    over[cad.n_overridden++] = (char *)pool_field_names[i];
            }
            pool_settings_to_pb(&c->pool, c->days, &cad);
            cad.overridden = over;
            reply.cadence = &cad;
        }
        nq_zsock_reply(c->app->sock, &base->env, base->env.type, &reply.base);
    }
    c->app->inflight--;
    nq_call_cleanup(base);
    free(c);
}

/* The cadence hash's field of the team's class i. */
static void field_of(const cadence_call_t *c, int i, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%s", c->team, org_customer_classes[i]);
}

/* ---------------------------------------------------------------- re-dating */

/* One salesperson's customers re-dated, as steps of a call. */
typedef struct rehome {
    nq_call_t *call;           /* whose steps these are */
    nq_redis_t *r;             /* where */
    char owner[NQ_ID_MAX + 1]; /* the salesperson */
    char team[NQ_ID_MAX + 1];  /* their team now ("" none) */
} rehome_t;

static void on_recomputed(nq_redis_t *r, redisReply *reply, void *data)
{
    nq_call_t *call = data;
    nq_call_reply_ok(call, reply, REDIS_REPLY_INTEGER);
    nq_call_release(call);
}

/* One recompute call for ids[0..n) (common/lua/followup_recompute.lua). */
static void recompute(const rehome_t *h, char *const *ids, size_t n)
{
    nq_redis_args_t a;
    char key[160];
    int defaults[FOLLOWUP_CLASSES];
    followup_defaults(defaults);
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, NQ_KEY_CADENCE);
    nq_redis_args_adds(&a, NQ_KEY_FOLLOWUP_DUE);
    nq_key_index(key, sizeof(key), orgix_lists[ORG_CUSTOMER].name, "overdue", "followup");
    nq_redis_args_adds(&a, key);
    orgix_team_key(key, sizeof(key), h->team);
    nq_redis_args_adds(&a, key);
    org_args_add_sorts(&a);
    for (size_t i = 0; i < n; i++) {
        nq_key_customer(key, sizeof(key), ids[i]);
        nq_redis_args_adds(&a, key);
    }
    size_t nkeys = a.argc;
    nq_redis_args_addf(&a, "%lld", (long long)nq_now_ms());
    nq_redis_args_addf(&a, "%lld", (long long)followup_zone_offset());
    nq_redis_args_adds(&a, h->team);
    for (int i = 0; i < FOLLOWUP_CLASSES; i++)
        nq_redis_args_addf(&a, "%d", defaults[i]);
    for (size_t i = 0; i < n; i++)
        nq_redis_args_adds(&a, ids[i]);
    nq_call_issued(h->call, a.failed ? -1
                                     : nq_script_call_args(h->r, NQ_SCRIPT(FOLLOWUP_RECOMPUTE),
                                                           on_recomputed, h->call, nkeys, &a));
    nq_redis_args_free(&a);
}

/* The customers the salesperson owns: re-dated a chunk at a time. */
static void on_owned(nq_redis_t *r, redisReply *reply, void *data)
{
    rehome_t *h = data;
    if (nq_call_reply_ok(h->call, reply, REDIS_REPLY_ARRAY)) {
        char **ids = calloc(reply->elements + 1, sizeof(*ids));
        for (size_t i = 0; ids && i < reply->elements; i++)
            ids[i] = reply->element[i]->str;
        for (size_t at = 0; ids && at < reply->elements; at += CADENCE_CHUNK) {
            size_t n = reply->elements - at < CADENCE_CHUNK ? reply->elements - at : CADENCE_CHUNK;
            recompute(h, ids + at, n);
        }
        if (!ids)
            nq_call_fail(h->call, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        free(ids);
    }
    nq_call_release(h->call);
    free(h);
}

/* The salesperson's team now: then what they own. */
static void on_team(nq_redis_t *r, redisReply *reply, void *data)
{
    rehome_t *h = data;
    nq_call_t *call = h->call;
    if (reply && (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_NIL)) {
        snprintf(h->team, sizeof(h->team), "%s",
                 reply->type == REDIS_REPLY_STRING ? reply->str : "");
        char key[160];
        nq_key_index(key, sizeof(key), orgix_lists[ORG_CUSTOMER].name, "owner", h->owner);
        int rc = nq_redis_command(h->r, on_owned, h, "ZRANGE %s 0 -1", key);
        nq_call_issued(call, rc);
        if (rc != 0)
            free(h);
    } else {
        nq_call_reply_ok(call, reply, REDIS_REPLY_STRING);
        free(h);
    }
    nq_call_release(call);
}

void cadence_rehome(nq_call_t *call, nq_redis_t *r, const char *owner)
{
    rehome_t *h = calloc(1, sizeof(*h));
    if (!h) {
        nq_call_fail(call, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    *h = (rehome_t){.call = call, .r = r};
    snprintf(h->owner, sizeof(h->owner), "%s", owner);
    char key[160];
    nq_key_salesperson(key, sizeof(key), owner);
    int rc = nq_redis_command(r, on_team, h, "HGET %s team_id", key);
    nq_call_issued(call, rc);
    if (rc != 0)
        free(h);
}

/* The team's members now: re-date what each owns. */
static void on_members(nq_redis_t *r, redisReply *reply, void *data)
{
    cadence_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        for (size_t i = 0; i < reply->elements; i++)
            cadence_rehome(&c->base, redis_of(c), reply->element[i]->str);
    }
    nq_call_release(&c->base);
}

/* ---------------------------------------------------------------- get and put */

/* The stored overrides (the three cadences, then the pool's fields; nil
 * for none) into c->days and c->pool. */
static void take_days(cadence_call_t *c, const redisReply *r)
{
    const char *pool[POOL_FIELDS] = {NULL};
    followup_defaults(c->days);
    for (int i = 0; i < FOLLOWUP_CLASSES && i < (int)r->elements; i++) {
        const redisReply *e = r->element[i];
        if (e->type == REDIS_REPLY_STRING) {
            c->days[i] = atoi(e->str);
            c->overridden[i] = true;
        }
    }
    for (int i = 0; i < POOL_FIELDS && FOLLOWUP_CLASSES + i < (int)r->elements; i++) {
        const redisReply *e = r->element[FOLLOWUP_CLASSES + i];
        pool[i] = e->type == REDIS_REPLY_STRING ? e->str : NULL;
    }
    pool_settings_parse(&c->pool, pool);
}

/* The answer of common/lua/cadence_put.lua or of the get's script: nil
 * when the team does not exist, else the three overrides. */
static bool take_reply(cadence_call_t *c, redisReply *reply)
{
    if (!nq_call_reply_ok(&c->base, reply,
                          reply && reply->type == REDIS_REPLY_NIL ? REDIS_REPLY_NIL
                                                                  : REDIS_REPLY_ARRAY))
        return false;
    if (reply->type == REDIS_REPLY_NIL) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "team %s not found", c->team);
        return false;
    }
    take_days(c, reply);
    return true;
}

static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    cadence_call_t *c = data;
    take_reply(c, reply);
    nq_call_release(&c->base);
}

static void on_put(nq_redis_t *r, redisReply *reply, void *data)
{
    cadence_call_t *c = data;
    if (take_reply(c, reply)) {
        char key[160];
        orgix_team_key(key, sizeof(key), c->team);
        nq_call_issued(&c->base,
                       nq_redis_command(redis_of(c), on_members, c, "ZRANGE %s 0 -1", key));
    }
    nq_call_release(&c->base);
}

/* One script call for both: KEYS the team, the cadences; ARGV the count,
 * the fields (three cadences, then the pool's), then for a put their values
 * ("" removes). */
static void call_cadence(cadence_call_t *c, const Nq__TeamCadence *put)
{
    char team[160], fields[FOLLOWUP_CLASSES][NQ_ID_MAX + 16];
    nq_key_team(team, sizeof(team), c->team);
    for (int i = 0; i < FOLLOWUP_CLASSES; i++)
        field_of(c, i, fields[i], sizeof(fields[i]));
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, team);
    nq_redis_args_adds(&a, NQ_KEY_CADENCE);
    nq_redis_args_addf(&a, "%d", FOLLOWUP_CLASSES + POOL_FIELDS);
    for (int i = 0; i < FOLLOWUP_CLASSES; i++)
        nq_redis_args_adds(&a, fields[i]);
    for (int i = 0; i < POOL_FIELDS; i++)
        nq_redis_args_addf(&a, "%s:%s", c->team, pool_field_names[i]);
    if (put) {
        const protobuf_c_boolean has[] = {put->has_key_days, put->has_normal_days,
                                          put->has_potential_days};
        const int32_t days[] = {put->key_days, put->normal_days, put->potential_days};
        for (int i = 0; i < FOLLOWUP_CLASSES; i++) {
            if (has[i])
                nq_redis_args_addf(&a, "%d", (int)days[i]);
            else
                nq_redis_args_adds(&a, "");
        }
        char values[POOL_FIELDS][16];
        pool_put_values(put, values);
        for (int i = 0; i < POOL_FIELDS; i++)
            nq_redis_args_adds(&a, values[i]);
    }
    nq_call_issued(&c->base, a.failed ? -1
                                      : nq_script_call_args(redis_of(c), NQ_SCRIPT(CADENCE_PUT),
                                                            put ? on_put : on_read, c, 2, &a));
    nq_redis_args_free(&a);
}

void cadence_serve(customers_t *app, const nq_bus_envelope_t *env,
                   const Nq__TeamCadenceRequest *req, bool put)
{
    cadence_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, answer) != 0) {
        free(c);
        nq_log_error("cadence_request", "cannot serve %s: out of memory", env->type);
        return;
    }
    c->app = app;
    app->inflight++;
    snprintf(c->team, sizeof(c->team), "%s", req->team_id ? req->team_id : "");
    if (!nq_valid_id(req->team_id))
        nq_field_errors_add(&c->base.errs, "id", NQ_ID_RULE);
    if (put && !req->cadence)
        nq_field_errors_add(&c->base.errs, "cadence", "is required");
    else if (put) {
        followup_check(req->cadence, &c->base.errs);
        pool_check(req->cadence, &c->base.errs);
    }
    if (c->base.errs.n)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid %s: %s %s",
                     NQ_REASON("team cadence"), c->base.errs.items[0].field,
                     c->base.errs.items[0].reason);
    else
        call_cadence(c, put ? req->cadence : NULL);
    nq_call_release(&c->base);
}
