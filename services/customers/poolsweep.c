/* poolsweep.c — the public pool's timer and assignment rules. See
 * poolsweep.h; rules in pool.h. */
#include "poolsweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "org.h"
#include "orgcall.h"
#include "orgix.h"
#include "pool.h"

struct poolsweep {
    customers_t *app; /* the service */
    uv_timer_t *tick; /* heap: freed in its close callback */
    size_t looks;     /* customers being looked at (a take waits for none) */
    bool taking;      /* a take is in flight */
    bool stopping;    /* poolsweep_stop ran */
    uint64_t moved;   /* customers moved to the pool here */
    uint64_t warned;  /* owners warned here */
};

/* One customer looked at. */
typedef struct look {
    poolsweep_t *ps;
    char id[NQ_ID_MAX + 1];
    char owner[NQ_ID_MAX + 1];
    char team[NQ_ID_MAX + 1];
    char cls[16];
    char name[256];
    char due_read[24];  /* followup_due_at as read: the move's guard */
    int64_t base;       /* last contact, else since, else created */
    int64_t warned_for; /* the pool time the owner was warned for */
    int cadence;        /* days */
    pool_settings_t set;
    int days; /* the pool period */
} look_t;

static nq_redis_t *redis_of(const poolsweep_t *ps)
{
    return ps->app->svc->redis;
}

static void look_end(look_t *l)
{
    l->ps->looks--;
    free(l);
}

/* Put the customer back on the schedule at `at`, or take it off (at < 0). */
static void schedule(look_t *l, int64_t at)
{
    if (at < 0)
        nq_redis_command(redis_of(l->ps), NULL, NULL, "ZREM %s %s", NQ_KEY_POOL_DUE, l->id);
    else
        nq_redis_command(redis_of(l->ps), NULL, NULL, "ZADD %s %lld %s", NQ_KEY_POOL_DUE,
                         (long long)at, l->id);
}

static const char *str_of(const redisReply *r)
{
    return r && r->type == REDIS_REPLY_STRING ? r->str : "";
}

/* ---------------------------------------------------------------- assignment rules */

typedef struct assign {
    customers_t *app;
    char id[NQ_ID_MAX + 1];
    char team[NQ_ID_MAX + 1];
    pool_rule_t rule;
    char last[NQ_ID_MAX + 1]; /* round robin: the last one given a customer */
    char **ids;               /* the team's active members, sorted */
    int64_t *loads;           /* least loaded: what each owns */
    size_t n, waiting;
    char chosen[NQ_ID_MAX + 1];
} assign_t;

static void assign_free(assign_t *a)
{
    for (size_t i = 0; a->ids && i < a->n; i++)
        free(a->ids[i]);
    free(a->ids);
    free(a->loads);
    free(a);
}

static void on_assigned(org_call_t *c)
{
    assign_t *a = c->owner_data;
    if (c->base.status == NQ__STATUS__STATUS_OK) {
        nq_log_info("pool_assigned", "%s -> %s by the %s rule of team %s", a->id, a->chosen,
                    pool_rule_names[a->rule], a->team);
        if (a->rule == POOL_RULE_ROUND_ROBIN)
            nq_redis_command(c->app->svc->redis, NULL, NULL, "HSET %s %s %s", NQ_KEY_POOL_RR,
                             a->team, a->chosen);
    } else {
        nq_log_info("pool_not_assigned", "%s to %s (%s rule of team %s): %s", a->id, a->chosen,
                    pool_rule_names[a->rule], a->team, c->base.detail);
    }
    assign_free(a);
}

/* The rule's pick, then the change (guarded like a claim). */
static void assign_pick(assign_t *a)
{
    int i = a->rule == POOL_RULE_ROUND_ROBIN
                ? pool_pick_round_robin((const char *const *)a->ids, a->n, a->last)
                : pool_pick_least_loaded((const char *const *)a->ids, a->loads, a->n);
    if (i < 0) {
        nq_log_info("pool_not_assigned", "%s: team %s has no active member", a->id, a->team);
        assign_free(a);
        return;
    }
    snprintf(a->chosen, sizeof(a->chosen), "%s", a->ids[i]);
    char reason[64];
    snprintf(reason, sizeof(reason), "assign: %s", pool_rule_names[a->rule]);
    Nq__OrgRequest req = NQ__ORG_REQUEST__INIT;
    Nq__Customer cu = NQ__CUSTOMER__INIT;
    req.id = a->id;
    req.customer = &cu;
    cu.owner_id = a->chosen;
    cu.status = "active";
    cu.pool_team = "";
    cu.owner_reason = reason;
    if (customers_owner_change(a->app, NULL, &req, "rule", NULL, on_assigned, a) != 0)
        assign_free(a);
}

/* One member's load answered: its slot is the reply's order. */
typedef struct load_slot {
    assign_t *a;
    size_t i;
} load_slot_t;

static void on_member_load(nq_redis_t *r, redisReply *reply, void *data)
{
    load_slot_t *s = data;
    assign_t *a = s->a;
    a->loads[s->i] = reply && reply->type == REDIS_REPLY_INTEGER ? reply->integer : INT64_MAX;
    free(s);
    if (--a->waiting == 0)
        assign_pick(a);
}

static void on_members(nq_redis_t *r, redisReply *reply, void *data)
{
    assign_t *a = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        nq_log_warn("pool_assign_failed", "%s: members of team %s not read", a->id, a->team);
        assign_free(a);
        return;
    }
    a->ids = calloc(reply->elements + 1, sizeof(*a->ids));
    a->loads = calloc(reply->elements + 1, sizeof(*a->loads));
    for (size_t i = 0; a->ids && a->loads && i < reply->elements; i++) {
        if (!(a->ids[a->n] = strdup(reply->element[i]->str ? reply->element[i]->str : "")))
            break;
        a->n++;
    }
    if (!a->ids || !a->loads || a->n != reply->elements) {
        nq_log_warn("pool_assign_failed", "%s: out of memory", a->id);
        assign_free(a);
        return;
    }
    qsort(a->ids, a->n, sizeof(*a->ids), org_by_text);
    if (a->rule != POOL_RULE_LEAST_LOADED || a->n == 0) {
        assign_pick(a);
        return;
    }
    a->waiting = a->n + 1; /* +1 while issuing */
    for (size_t i = 0; i < a->n; i++) {
        char key[200];
        load_slot_t *s = malloc(sizeof(*s));
        a->loads[i] = INT64_MAX;
        if (!s)
            continue;
        *s = (load_slot_t){a, i};
        nq_key_index(key, sizeof(key), orgix_lists[ORG_CUSTOMER].name, "owner", a->ids[i]);
        if (nq_redis_command(r, on_member_load, s, "ZCARD %s", key) == 0)
            a->waiting++;
        else
            free(s);
        a->waiting--;
    }
    if (--a->waiting == 0)
        assign_pick(a);
}

/* The round-robin mark: then the team's active members. */
static void on_last(nq_redis_t *r, redisReply *reply, void *data)
{
    assign_t *a = data;
    snprintf(a->last, sizeof(a->last), "%s", str_of(reply));
    char team[200], active[200];
    orgix_team_key(team, sizeof(team), a->team);
    nq_key_index(active, sizeof(active), orgix_lists[ORG_SALESPERSON].name, "status", "active");
    if (nq_redis_command(r, on_members, a, "ZINTER 2 %s %s", team, active) != 0)
        assign_free(a);
}

/* The team's rule: none ends here. */
static void on_rule(nq_redis_t *r, redisReply *reply, void *data)
{
    assign_t *a = data;
    int rule = pool_rule_parse(str_of(reply));
    if (rule <= POOL_RULE_NONE) {
        assign_free(a);
        return;
    }
    a->rule = (pool_rule_t)rule;
    if (nq_redis_command(r, on_last, a, "HGET %s %s", NQ_KEY_POOL_RR, a->team) != 0)
        assign_free(a);
}

void poolsweep_assign(customers_t *app, const char *id, const char *team)
{
    assign_t *a = calloc(1, sizeof(*a));
    if (!a || !team || !*team) {
        free(a);
        return;
    }
    a->app = app;
    snprintf(a->id, sizeof(a->id), "%s", id);
    snprintf(a->team, sizeof(a->team), "%s", team);
    if (nq_redis_command(app->svc->redis, on_rule, a, "HGET %s %s:assign_rule", NQ_KEY_CADENCE,
                         a->team) != 0)
        assign_free(a);
}
/* ---------------------------------------------------------------- the sweep */

static void on_moved(org_call_t *c)
{
    look_t *l = c->owner_data;
    poolsweep_t *ps = l->ps;
    if (c->base.status == NQ__STATUS__STATUS_OK) {
        ps->moved++;
        schedule(l, -1);
        nq_log_info("pool_moved", "%s of %s (team %s): not contacted %d days", l->id, l->owner,
                    l->team, l->days);
        if (l->set.rule != POOL_RULE_NONE && *l->team)
            poolsweep_assign(ps->app, l->id, l->team);
    } else if (c->base.status == NQ__STATUS__STATUS_CONFLICT) {
        schedule(l, nq_now_ms()); /* contacted or changed meanwhile: look again */
    } else {
        nq_log_warn("pool_move_deferred", "%s: %s (looked at again after the lease)", l->id,
                    c->base.detail);
    }
    look_end(l);
}

static void move(look_t *l)
{
    char reason[64];
    snprintf(reason, sizeof(reason), "pool: not contacted %d days", l->days);
    Nq__OrgRequest req = NQ__ORG_REQUEST__INIT;
    Nq__Customer cu = NQ__CUSTOMER__INIT;
    req.id = l->id;
    req.customer = &cu;
    cu.owner_id = "";
    cu.status = "pool";
    cu.pool_team = l->team;
    cu.owner_reason = reason;
    if (customers_owner_change(l->ps->app, NULL, &req, "pool", l->due_read, on_moved, l) != 0)
        look_end(l); /* looked at again after the lease */
}

/* The owner's warning: on the customer signals stream for alerting, marked on the
 * record so it is given once per pool time. */
static void warn(look_t *l, int64_t due)
{
    char key[200], when[40] = "";
    nq_redis_t *r = redis_of(l->ps);
    nq_time_format(due, when, sizeof(when));
    nq_redis_command(r, NULL, NULL,
                     "XADD %s MAXLEN ~ %d * kind pool_warning customer_id %s salesperson_id %s "
                     "team_id %s due %lld name %s days %d",
                     NQ_KEY_CUSTOMER_SIGNALS, NQ_CUSTOMER_SIGNALS_MAXLEN, l->id, l->owner, l->team,
                     (long long)due, l->name, l->days);
    nq_key_customer(key, sizeof(key), l->id);
    nq_redis_command(r, NULL, NULL, "HSET %s pool_warned_for %lld", key, (long long)due);
    l->ps->warned++;
    nq_log_info("pool_warning", "%s of %s (team %s) goes to the pool at %s", l->id, l->owner,
                l->team, when);
}

/* Everything read: wait, warn or move (pool_decide). */
static void decide(look_t *l)
{
    int cls = followup_class(l->cls);
    l->days = pool_period_days(&l->set, cls, l->cadence);
    int64_t due = pool_due(l->base, l->days, followup_zone_offset());
    int64_t now = nq_now_ms();
    pool_step_t step = pool_decide(now, due, pool_warn_at(due, l->set.warn_days), l->warned_for);
    switch (step.action) {
    case POOL_MOVE:
        move(l);
        return;
    case POOL_WARN:
        warn(l, due);
        /* fall through */
    case POOL_WAIT:
        schedule(l, step.next);
        break;
    }
    look_end(l);
}

static void on_settings(nq_redis_t *r, redisReply *reply, void *data)
{
    look_t *l = data;
    const char *values[POOL_FIELDS] = {NULL};
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != POOL_FIELDS) {
        look_end(l); /* looked at again after the lease */
        return;
    }
    for (size_t i = 0; i < POOL_FIELDS; i++)
        values[i] = reply->element[i]->type == REDIS_REPLY_STRING ? reply->element[i]->str : NULL;
    pool_settings_parse(&l->set, values);
    decide(l);
}

/* The owner's team now: then its pool settings. */
static void on_team(nq_redis_t *r, redisReply *reply, void *data)
{
    look_t *l = data;
    if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_NIL)) {
        look_end(l);
        return;
    }
    snprintf(l->team, sizeof(l->team), "%s", str_of(reply));
    if (!*l->team) {
        pool_settings_defaults(&l->set);
        decide(l);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "HMGET");
    nq_redis_args_adds(&a, NQ_KEY_CADENCE);
    for (int i = 0; i < POOL_FIELDS; i++)
        nq_redis_args_addf(&a, "%s:%s", l->team, pool_field_names[i]);
    if (a.failed || nq_redis_command_args(r, on_settings, l, &a) != 0)
        look_end(l);
    nq_redis_args_free(&a);
}

/* The fields of the customer a look reads, in order. */
static const char *const look_fields[] = {
    "owner_id",   "class",        "status",          "last_contact_at", "since",
    "created_at", "cadence_days", "followup_due_at", "pool_warned_for", "name"};
#define N_LOOK_FIELDS (sizeof(look_fields) / sizeof(look_fields[0]))

static void on_customer(nq_redis_t *r, redisReply *reply, void *data)
{
    look_t *l = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != N_LOOK_FIELDS) {
        look_end(l);
        return;
    }
    redisReply **f = reply->element;
    const char *status = str_of(f[2]);
    snprintf(l->owner, sizeof(l->owner), "%s", str_of(f[0]));
    snprintf(l->cls, sizeof(l->cls), "%s", str_of(f[1]));
    snprintf(l->due_read, sizeof(l->due_read), "%s", str_of(f[7]));
    snprintf(l->name, sizeof(l->name), "%s", str_of(f[9]));
    l->base = pool_base(atoll(str_of(f[3])), atoll(str_of(f[4])), atoll(str_of(f[5])));
    l->cadence = atoi(str_of(f[6]));
    l->warned_for = atoll(str_of(f[8]));
    if (!*l->owner || !strcmp(status, "lost") || !strcmp(status, "pool") || l->cadence <= 0 ||
        !l->base || !*l->due_read) {
        schedule(l, -1); /* due no follow-up: nothing to reclaim */
        look_end(l);
        return;
    }
    char key[200];
    nq_key_salesperson(key, sizeof(key), l->owner);
    if (nq_redis_command(r, on_team, l, "HGET %s team_id", key) != 0)
        look_end(l);
}

static void look(poolsweep_t *ps, const char *id)
{
    look_t *l = calloc(1, sizeof(*l));
    if (!l)
        return;
    l->ps = ps;
    ps->looks++;
    snprintf(l->id, sizeof(l->id), "%s", id);
    nq_redis_args_t a;
    char key[200];
    nq_key_customer(key, sizeof(key), id);
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "HMGET");
    nq_redis_args_adds(&a, key);
    for (size_t i = 0; i < N_LOOK_FIELDS; i++)
        nq_redis_args_adds(&a, look_fields[i]);
    if (a.failed || nq_redis_command_args(redis_of(ps), on_customer, l, &a) != 0)
        look_end(l);
    nq_redis_args_free(&a);
}

static void on_taken(nq_redis_t *r, redisReply *reply, void *data)
{
    poolsweep_t *ps = data;
    ps->taking = false;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("pool_take_failed", "%s", reply->str);
    if (ps->stopping || !reply || reply->type != REDIS_REPLY_ARRAY)
        return;
    for (size_t i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type == REDIS_REPLY_STRING && nq_valid_id(reply->element[i]->str))
            look(ps, reply->element[i]->str);
    }
}

static void on_tick(uv_timer_t *t)
{
    poolsweep_t *ps = t->data;
    if (ps->stopping || ps->taking || ps->looks > 0)
        return;
    ps->taking = nq_script_callf(redis_of(ps), NQ_SCRIPT(POOL_TAKE), on_taken, ps, 3,
                                 "%s %s %s %lld %d %d %d", NQ_KEY_FOLLOWUP_DUE, NQ_KEY_POOL_DUE,
                                 NQ_KEY_POOL_SCANNED, (long long)nq_now_ms(), POOLSWEEP_OVERLAP_MS,
                                 POOLSWEEP_LEASE_MS, POOLSWEEP_TAKE) == 0;
}

static void on_tick_closed(uv_handle_t *h)
{
    free(h);
}

poolsweep_t *poolsweep_new(customers_t *app)
{
    poolsweep_t *ps = calloc(1, sizeof(*ps));
    uv_timer_t *t = malloc(sizeof(*t));
    if (!ps || !t) {
        free(ps);
        free(t);
        return NULL;
    }
    ps->app = app;
    ps->tick = t;
    uv_timer_init(&app->svc->loop, t);
    t->data = ps;
    /* Reclaiming owners is a company's decision: off until the operator turns it on. */
    if (strcmp(app->svc->cfg.pool_sweep, "on") == 0)
        uv_timer_start(t, on_tick, POOLSWEEP_TICK_MS, POOLSWEEP_TICK_MS);
    else
        nq_log_info("pool_sweep_off", "customers are not moved to the public pool "
                                      "(NQ_POOL_SWEEP=on moves them after their pool period)");
    return ps;
}

void poolsweep_stop(poolsweep_t *ps)
{
    if (!ps || ps->stopping)
        return;
    ps->stopping = true;
    uv_close((uv_handle_t *)ps->tick, on_tick_closed);
    nq_log_info("pool_sweep_stopped", "moved %llu customers to the pool, warned %llu times",
                (unsigned long long)ps->moved, (unsigned long long)ps->warned);
}

void poolsweep_free(poolsweep_t *ps)
{
    free(ps);
}
