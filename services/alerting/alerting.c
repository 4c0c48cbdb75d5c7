/* alerting.c — the alerting service's I/O. See alerting.h. */
#include "alerting.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "deliver.h"
#include "followup.h"
#include "escalate.h"
#include "logread.h"
#include "rules.h"
#include "schedrun.h"
#include "settings.h"
#include "sigread.h"
#include "timercycle.h"
#include "timers.h"

/* Stages of a cycle, for its timing (cycle_stats_t). */
enum { ST_READ, ST_CONTEXT, ST_PREPARE, ST_RAISE, CYCLE_STAGES };
static const char *const stage_names[CYCLE_STAGES] = {"read", "context", "names", "raise"};

/* Where the cycles' time goes: reported at info every ALERTING_STATS_POLLS polls. */
typedef struct cycle_stats {
    uint64_t cycles, entries, events; /* cycles ended, log entries and events in them */
    size_t max_entries;               /* the largest cycle */
    int64_t lag_sum, lag_max;         /* oldest entry's wait in the log when read, ms */
    int64_t sum[CYCLE_STAGES];        /* time in each stage, ms */
    int64_t max[CYCLE_STAGES];        /* the longest of each */
} cycle_stats_t;

struct alerting {
    nq_service_t *svc;       /* shared process state */
    nq_zsock_t *sub;         /* kpi.changed.v1 from scorers: a nudge to read the log */
    nq_zsock_t *pub;         /* alert.raised.v1 to gateways */
    deliver_t *deliver;      /* the channels' delivery queue and sender (deliver.h) */
    escalate_t *escalate;    /* alerts not acknowledged in time (escalate.h) */
    timers_t *timers;        /* the timer rules' deadlines (timers.h) */
    timercycle_t *tcycle;    /* the deadlines' own reader of the log (timercycle.h) */
    logread_t *reader;       /* the alert rules' reads of the log (group "alerting") */
    int64_t zone;            /* local midnight's offset from UTC's, ms (timer deadlines) */
    sched_t *sched;          /* the schedule rules' runs (schedrun.h) */
    sigread_t *sigread;      /* the customer signals' consumer (sigread.h) */
    uv_timer_t poll;         /* reads even without a nudge */
    uv_timer_t reclaim;      /* takes over entries of dead replicas */
    alert_config_t defaults; /* company defaults of every rule */
    int64_t recency_ms;      /* event-time rules: only events this recent */
    bool stopping;           /* stop hook ran */
    uint64_t raised;         /* alerts raised by this process */
    uint64_t repeated;       /* alerts found raised already */
    cycle_stats_t stats;     /* where cycles spend their time, since the last report */
    int polls;               /* poll ticks since the last report */
};

/* A salesperson of the batch. */
typedef struct person {
    const char *id;            /* borrowed from an event */
    char name[128];            /* from the profile, "" unknown */
    char team[72];             /* team now, "" none */
    const alert_config_t *cfg; /* the team's settings (or the defaults) */
} person_t;

/* A team with rule overrides. */
typedef struct team_cfg {
    char id[72];        /* the team */
    alert_config_t cfg; /* the company defaults with its overrides */
} team_cfg_t;

/* The last competitor price of a competitor+product the batch reads. */
typedef struct price {
    char *field;     /* "<competitor length>:<competitor><product>" */
    char before[64]; /* value as read ("" none) */
    char now[64];    /* value after the batch's events */
} price_t;

/* A fired rule. */
typedef struct fired {
    const alert_rule_t *rule; /* its row */
    alert_draft_t d;          /* what it found */
    const person_t *who;      /* the salesperson (NULL: the event named none) */
    alert_names_t names;      /* for the titles */
    char id[40];              /* the alert's id, given when raised */
} fired_t;

/* One cycle: log entries read, evaluated, raised and acknowledged. */
typedef struct cycle {
    alerting_t *al;               /* owner */
    nq_actlog_batch_t log;        /* the log entries, decoded */
    bool watched;                 /* some event is of a type a rule looks at */
    person_t *people;             /* distinct salespeople of watched events */
    size_t n_people;              /* how many */
    team_cfg_t *teams;            /* teams with overrides */
    size_t n_teams;               /* how many */
    price_t *prices;              /* competitor+product of the batch's intel */
    size_t n_prices;              /* how many */
    fired_t *fired;               /* alerts to raise */
    size_t n_fired;               /* how many */
    size_t fired_cap;             /* room in fired */
    int attempts;                 /* context reads (price conflicts start again) */
    int64_t at[CYCLE_STAGES + 1]; /* when each stage began (and the cycle ended), ms */
    bool full;                    /* the read came back full: read again at once */
} cycle_t;

static void pull(alerting_t *al);
static void cycle_context(cycle_t *c);

static void cycle_reset(cycle_t *c)
{
    free(c->people);
    free(c->teams);
    free(c->fired);
    c->people = NULL;
    c->teams = NULL;
    c->fired = NULL;
    c->n_people = c->n_teams = c->n_fired = c->fired_cap = 0;
    for (size_t i = 0; i < c->n_prices; i++) {
        free(c->prices[i].field);
        c->prices[i].field = NULL;
    }
    free(c->prices);
    c->prices = NULL;
    c->n_prices = 0;
}

static void cycle_free(cycle_t *c)
{
    cycle_reset(c);
    nq_actlog_batch_free(&c->log);
    free(c);
}

static void stats_add(cycle_stats_t *st, const cycle_t *c)
{
    st->cycles++;
    st->entries += c->log.n;
    st->events += c->log.events;
    if (c->log.n > st->max_entries)
        st->max_entries = c->log.n;
    int64_t first = c->log.n ? strtoll(c->log.ids[0], NULL, 10) : 0;
    int64_t lag = first > 0 && c->at[ST_CONTEXT] > first ? c->at[ST_CONTEXT] - first : 0;
    st->lag_sum += lag;
    st->lag_max = lag > st->lag_max ? lag : st->lag_max;
    for (int i = 0; i < CYCLE_STAGES; i++) {
        int64_t d = c->at[i] && c->at[i + 1] >= c->at[i] ? c->at[i + 1] - c->at[i] : 0;
        st->sum[i] += d;
        st->max[i] = d > st->max[i] ? d : st->max[i];
    }
}

static void stats_report(alerting_t *al)
{
    cycle_stats_t *st = &al->stats;
    if (st->cycles == 0)
        return;
    char stages[256] = "";
    size_t at = 0;
    for (int i = 0; i < CYCLE_STAGES && at < sizeof(stages); i++)
        at += (size_t)snprintf(stages + at, sizeof(stages) - at, " %s %.1f/%" PRId64,
                               stage_names[i], (double)st->sum[i] / (double)st->cycles, st->max[i]);
    nq_log_info("cycle_stats",
                "%" PRIu64 " cycles, %.1f entries (max %zu) and %.0f events each; oldest entry "
                "waited %.1f ms (max %" PRId64 ") in the log; ms per stage (mean/max):%s",
                st->cycles, (double)st->entries / (double)st->cycles, st->max_entries,
                (double)st->events / (double)st->cycles, (double)st->lag_sum / (double)st->cycles,
                st->lag_max, stages);
    memset(st, 0, sizeof(*st));
}

/* The cycle is over (done or given up): read on. */
static void cycle_end(cycle_t *c)
{
    alerting_t *al = c->al;
    c->at[CYCLE_STAGES] = nq_now_ms();
    stats_add(&al->stats, c);
    bool again = c->full;
    cycle_free(c);
    logread_done(al->reader, again);
}

/* ---- the batch's events -------------------------------------------------- */

#define FOR_EACH_EVENT(c, ev)                                                                      \
    for (size_t e_ = 0; e_ < (c)->log.n; e_++)                                                     \
        for (size_t k_ = 0;                                                                        \
             k_ < (c)->log.entries[e_].n && ((ev) = (c)->log.entries[e_].events[k_]); k_++)

static person_t *person_of(cycle_t *c, const char *id)
{
    for (size_t i = 0; i < c->n_people; i++) {
        if (strcmp(c->people[i].id, id) == 0)
            return &c->people[i];
    }
    return NULL;
}

static int price_field(const Nq__Activity *ev, char **out)
{
    *out = NULL;
    if (!ev->type || strcmp(ev->type, "competitor_intel") != 0 || !ev->has_price_fen ||
        !ev->competitor || !ev->product || !*ev->product)
        return 0;
    size_t len = strlen(ev->competitor) + strlen(ev->product) + 24;
    *out = malloc(len);
    if (!*out)
        return -1;
    snprintf(*out, len, "%zu:%s%s", strlen(ev->competitor), ev->competitor, ev->product);
    return 0;
}

static price_t *price_of(cycle_t *c, const char *field)
{
    for (size_t i = 0; field && i < c->n_prices; i++) {
        if (strcmp(c->prices[i].field, field) == 0)
            return &c->prices[i];
    }
    return NULL;
}

int alerting_grow(void **arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t want = *cap ? 2 * *cap : 16;
    void *p = realloc(*arr, want * size);
    if (!p)
        return -1;
    memset((char *)p + n * size, 0, (want - n) * size);
    *arr = p;
    *cap = want;
    return 0;
}

/* Collect the distinct salespeople and price fields of watched events. */
static int cycle_collect(cycle_t *c)
{
    size_t people_cap = 0, prices_cap = 0;
    Nq__Activity *ev;
    FOR_EACH_EVENT(c, ev)
    {
        if (!alert_type_evaluated(ev->type))
            continue;
        c->watched = true;
        if (ev->salesperson_id && !person_of(c, ev->salesperson_id)) {
            if (alerting_grow((void **)&c->people, c->n_people, &people_cap, sizeof(*c->people)) !=
                0)
                return -1;
            c->people[c->n_people++].id = ev->salesperson_id;
        }
        char *field;
        if (price_field(ev, &field) != 0)
            return -1;
        if (!field || price_of(c, field)) {
            free(field);
            continue;
        }
        if (alerting_grow((void **)&c->prices, c->n_prices, &prices_cap, sizeof(*c->prices)) != 0) {
            free(field);
            return -1;
        }
        c->prices[c->n_prices++].field = field;
    }
    return 0;
}

/* ---- 3. raise ------------------------------------------------------------- */

static void publish(alerting_t *al, const fired_t *f, const char *id, int64_t raised_at)
{
    Nq__Alert alert = NQ__ALERT__INIT;
    alert_draft_to_proto(&f->d, &f->names, f->who ? f->who->team : NULL, raised_at, &alert);
    alert.id = (char *)id;
    if (al->pub)
        nq_zsock_send(al->pub, NQ_MSG(ALERT_RAISED), &alert.base);
    nq_log_info("alert_raised", "%s %s: %s", id, f->d.rule, f->d.title_en);
}

typedef struct raise_call {
    cycle_t *c;
    int64_t raised_at;
} raise_call_t;

static void on_raised(nq_redis_t *r, redisReply *reply, void *data)
{
    raise_call_t *rc = data;
    cycle_t *c = rc->c;
    alerting_t *al = c->al;
    int64_t raised_at = rc->raised_at;
    free(rc);
    bool ok = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 1 &&
              reply->element[0]->type == REDIS_REPLY_STRING;
    if (ok && strcmp(reply->element[0]->str, "conflict") == 0) {
        if (++c->attempts <= ALERTING_RETRIES && !al->stopping) {
            nq_log_info("alert_retry", "a competitor price changed meanwhile: evaluating again");
            cycle_reset(c);
            if (cycle_collect(c) == 0) {
                cycle_context(c);
                return;
            }
        }
        nq_log_warn("alert_deferred", "%zu entries stay pending (price conflicts)", c->log.n);
        cycle_end(c);
        return;
    }
    if (!ok || reply->elements != c->n_fired + 1) {
        nq_log_error("alert_store_failed", "%zu entries stay pending: %s", c->log.n,
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
        cycle_end(c);
        return;
    }
    for (size_t i = 0; i < c->n_fired; i++) {
        if (reply->element[i + 1]->integer == 1) {
            al->raised++;
            publish(al, &c->fired[i], c->fired[i].id, raised_at);
        } else {
            al->repeated++;
        }
    }
    if (c->n_fired > 0)
        deliver_nudge(al->deliver);
    cycle_end(c);
}

void alerting_raise_keys(nq_redis_args_t *a)
{
    alerting_raise_keys_of(a, NQ_KEY_ACTIVITIES);
}

void alerting_team_config(alert_config_t *out, const alert_config_t *defaults,
                          const redisReply *teams, const char *team)
{
    *out = *defaults;
    for (size_t i = 0; teams && teams->type == REDIS_REPLY_ARRAY && i + 1 < teams->elements;
         i += 2) {
        if (teams->element[i]->type != REDIS_REPLY_STRING ||
            strcmp(teams->element[i]->str, team) != 0 ||
            teams->element[i + 1]->type != REDIS_REPLY_STRING)
            continue;
        json_t *j = json_loads(teams->element[i + 1]->str, 0, NULL);
        nq_field_errors_t errs = {0};
        alert_config_t c = *out;
        if (j && alert_config_apply(&c, j, NULL, &errs) == 0)
            *out = c;
        json_decref(j);
    }
}

void alerting_raise_keys_of(nq_redis_args_t *a, const char *stream)
{
    char key[128];
    nq_redis_args_adds(a, stream);
    nq_redis_args_adds(a, NQ_KEY_ALERTS);
    nq_redis_args_adds(a, NQ_KEY_ALERT_PRICES);
    nq_key_index(key, sizeof(key), NQ_IX_ALERTS, NULL, NULL);
    nq_redis_args_adds(a, key);
    nq_key_index(key, sizeof(key), NQ_IX_ALERTS, "state", "open");
    nq_redis_args_adds(a, key);
    nq_redis_args_adds(a, NQ_KEY_ALERT_ESCALATE);
    nq_redis_args_adds(a, NQ_KEY_ALERT_TIMER_OPEN);
}

void alerting_alert_args(nq_redis_args_t *a, const char *id, const Nq__Alert *alert, int64_t due,
                         const char *open)
{
    size_t len = nq__alert__get_packed_size(alert);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        a->failed = true;
        return;
    }
    nq__alert__pack(alert, buf);
    nq_redis_args_adds(a, id);
    nq_redis_args_add(a, buf, len);
    free(buf);
    nq_redis_args_addf(a, "%" PRId64, due);
    nq_redis_args_adds(a, open);
}

void alerting_alert_keys(nq_redis_args_t *a, const alert_draft_t *d, const char *team, char *id,
                         size_t id_len, int64_t raised_at)
{
    char key[600];
    nq_key_alert_seen(key, sizeof(key), d->rule, d->subject, d->window);
    nq_redis_args_adds(a, key);
    alert_id_make(id, id_len, raised_at, key);
    nq_key_alert(key, sizeof(key), id);
    nq_redis_args_adds(a, key);
    nq_key_index(key, sizeof(key), NQ_IX_ALERTS, "rule", d->rule);
    nq_redis_args_adds(a, key);
    nq_key_index(key, sizeof(key), NQ_IX_ALERTS, "team", team ? team : "");
    nq_redis_args_adds(a, key);
    nq_key_index(key, sizeof(key), NQ_IX_ALERTS, "salesperson", d->salesperson_id);
    nq_redis_args_adds(a, key);
}

/* The keys of one fired alert. */
static void add_alert_keys(nq_redis_args_t *a, const fired_t *f, char *id, size_t id_len,
                           int64_t raised_at)
{
    alerting_alert_keys(a, &f->d, f->who ? f->who->team : "", id, id_len, raised_at);
}

static void cycle_raise(cycle_t *c)
{
    alerting_t *al = c->al;
    raise_call_t *rc = malloc(sizeof(*rc));
    if (!rc) {
        cycle_end(c);
        return;
    }
    rc->c = c;
    rc->raised_at = nq_now_ms();
    c->at[ST_RAISE] = rc->raised_at;
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    alerting_raise_keys(&a);
    for (size_t i = 0; i < c->n_fired; i++)
        add_alert_keys(&a, &c->fired[i], c->fired[i].id, sizeof(c->fired[i].id), rc->raised_at);
    size_t nkeys = a.argc;
    nq_redis_args_adds(&a, NQ_GROUP_ALERTING);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_SEEN_TTL_S);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_STREAM_MAXLEN);
    nq_redis_args_addf(&a, "%zu", c->log.n);
    for (size_t i = 0; i < c->log.n; i++)
        nq_redis_args_adds(&a, c->log.ids[i]);
    size_t changed = 0;
    for (size_t i = 0; i < c->n_prices; i++)
        changed += strcmp(c->prices[i].before, c->prices[i].now) != 0;
    nq_redis_args_addf(&a, "%zu", changed);
    for (size_t i = 0; i < c->n_prices; i++) {
        if (strcmp(c->prices[i].before, c->prices[i].now) == 0)
            continue;
        nq_redis_args_adds(&a, c->prices[i].field);
        nq_redis_args_adds(&a, c->prices[i].before);
        nq_redis_args_adds(&a, c->prices[i].now);
    }
    for (size_t i = 0; i < c->n_fired; i++) {
        fired_t *f = &c->fired[i];
        Nq__Alert alert = NQ__ALERT__INIT;
        alert_draft_to_proto(&f->d, &f->names, f->who ? f->who->team : NULL, rc->raised_at, &alert);
        const alert_config_t *cfg = f->who && f->who->cfg ? f->who->cfg : &al->defaults;
        alerting_alert_args(&a, f->id, &alert,
                            alert_escalate_due(&cfg->rule[f->rule - alert_rules], rc->raised_at,
                                               al->svc->cfg.alert_escalate_unit_ms),
                            "");
    }
    int sent = a.failed ? -1
                        : nq_script_call_args(al->svc->redis, NQ_SCRIPT(ALERT_RAISE), on_raised, rc,
                                              nkeys, &a);
    nq_redis_args_free(&a);
    if (sent != 0) {
        free(rc);
        nq_log_warn("alert_deferred", "%zu entries stay pending: Redis unavailable", c->log.n);
        cycle_end(c);
    }
}

/* ---- 2b. names ------------------------------------------------------------ */

static void copy_name(char *dst, size_t len, const redisReply *r)
{
    snprintf(dst, len, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "");
}

/* Two names per alert: its customer's, its team's. A name that is not in the
 * reply (unknown, or Redis down) is "", so the titles show the id. */
static void on_names(nq_redis_t *r, redisReply *reply, void *data)
{
    cycle_t *c = data;
    bool listed = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 * c->n_fired;
    for (size_t i = 0; i < c->n_fired; i++) {
        fired_t *f = &c->fired[i];
        copy_name(f->names.customer, sizeof(f->names.customer),
                  listed ? reply->element[2 * i] : NULL);
        copy_name(f->names.team, sizeof(f->names.team), listed ? reply->element[2 * i + 1] : NULL);
        f->rule->describe(&f->d, &f->names);
    }
    if (c->al->stopping)
        cycle_end(c);
    else
        cycle_raise(c);
}

static void cycle_names(cycle_t *c)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[128];
    for (size_t i = 0; i < c->n_fired; i++) {
        const fired_t *f = &c->fired[i];
        nq_key_customer(key, sizeof(key), *f->d.customer_id ? f->d.customer_id : "-");
        nq_redis_args_adds(&a, key);
        nq_key_team(key, sizeof(key), f->who && *f->who->team ? f->who->team : "-");
        nq_redis_args_adds(&a, key);
    }
    if (a.failed || nq_script_call_args(c->al->svc->redis, NQ_SCRIPT(ALERT_NAMES), on_names, c,
                                        a.argc, &a) != 0)
        on_names(NULL, NULL, c); /* titles with ids; the raise reports Redis down */
    nq_redis_args_free(&a);
}

/* ---- 2a. evaluate --------------------------------------------------------- */

/* "<price fen> <observed at ms>" */
static bool price_parse(const char *v, int64_t *fen, int64_t *at)
{
    long long p, t;
    if (!v || sscanf(v, "%lld %lld", &p, &t) != 2)
        return false;
    *fen = p;
    *at = t;
    return true;
}

/* What the rules know of ev's competitor+product; the observation then moves
 * on to ev when ev is not older. */
static int price_ctx(cycle_t *c, const Nq__Activity *ev, alert_ctx_t *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    char *field;
    if (price_field(ev, &field) != 0)
        return -1;
    price_t *p = price_of(c, field);
    free(field);
    if (!p)
        return 0;
    int64_t at = ev->has_occurred_at ? ev->occurred_at : 0;
    ctx->has_last_price =
        price_parse(p->now, &ctx->last_price_fen, &ctx->last_price_at) && ctx->last_price_at <= at;
    if (!*p->now || ctx->has_last_price)
        snprintf(p->now, sizeof(p->now), "%" PRId64 " %" PRId64, ev->price_fen, at);
    return 0;
}

static int fire(cycle_t *c, const alert_rule_t *r, const alert_draft_t *d, const person_t *who)
{
    if (alerting_grow((void **)&c->fired, c->n_fired, &c->fired_cap, sizeof(*c->fired)) != 0)
        return -1;
    fired_t *f = &c->fired[c->n_fired++];
    f->rule = r;
    f->d = *d;
    f->who = who;
    if (who)
        snprintf(f->names.salesperson, sizeof(f->names.salesperson), "%s", who->name);
    return 0;
}

static int cycle_evaluate(cycle_t *c)
{
    alerting_t *al = c->al;
    int64_t now = nq_now_ms();
    alert_draft_t *d = malloc(sizeof(*d));
    if (!d)
        return -1;
    int rc = 0;
    Nq__Activity *ev;
    FOR_EACH_EVENT(c, ev)
    {
        if (rc != 0 || !alert_type_evaluated(ev->type))
            continue;
        const person_t *who = ev->salesperson_id ? person_of(c, ev->salesperson_id) : NULL;
        const alert_config_t *cfg = who && who->cfg ? who->cfg : &al->defaults;
        alert_ctx_t ctx;
        rc = price_ctx(c, ev, &ctx);
        for (size_t i = 0; rc == 0 && i < alert_rules_count; i++) {
            if (alert_rule_fires(&alert_rules[i], ev, &cfg->rule[i], &ctx, al->recency_ms, now, d))
                rc = fire(c, &alert_rules[i], d, who);
        }
    }
    free(d);
    return rc;
}

/* ---- 1. context ----------------------------------------------------------- */

static const alert_config_t *team_config(cycle_t *c, const char *team)
{
    for (size_t i = 0; *team && i < c->n_teams; i++) {
        if (strcmp(c->teams[i].id, team) == 0)
            return &c->teams[i].cfg;
    }
    return NULL;
}

/* Read the overrides of the teams that have some: [team, json, ...]. */
static void read_teams(cycle_t *c, const redisReply *list)
{
    c->teams = calloc(list->elements / 2 + 1, sizeof(*c->teams));
    for (size_t i = 0; c->teams && i + 1 < list->elements; i += 2) {
        if (list->element[i]->type != REDIS_REPLY_STRING ||
            list->element[i + 1]->type != REDIS_REPLY_STRING)
            continue;
        team_cfg_t *t = &c->teams[c->n_teams];
        snprintf(t->id, sizeof(t->id), "%s", list->element[i]->str);
        t->cfg = c->al->defaults;
        json_t *j = json_loads(list->element[i + 1]->str, 0, NULL);
        nq_field_errors_t errs = {0};
        if (!j || alert_config_apply(&t->cfg, j, NULL, &errs) != 0)
            nq_log_warn("alert_rules_ignored",
                        "team %s: stored rule overrides do not read (%s); "
                        "the company defaults apply",
                        t->id, errs.n ? errs.items[0].field : "not JSON");
        else
            c->n_teams++;
        json_decref(j);
    }
}

static void on_context(nq_redis_t *r, redisReply *reply, void *data)
{
    cycle_t *c = data;
    c->at[ST_PREPARE] = nq_now_ms();
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->elements != c->n_prices ||
        reply->element[1]->elements != 2 * c->n_people) {
        nq_log_warn("alert_deferred", "%zu entries stay pending: %s", c->log.n,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
        cycle_end(c);
        return;
    }
    for (size_t i = 0; i < c->n_prices; i++) {
        copy_name(c->prices[i].before, sizeof(c->prices[i].before), reply->element[0]->element[i]);
        memcpy(c->prices[i].now, c->prices[i].before, sizeof(c->prices[i].now));
    }
    read_teams(c, reply->element[2]);
    for (size_t i = 0; i < c->n_people; i++) {
        person_t *p = &c->people[i];
        copy_name(p->name, sizeof(p->name), reply->element[1]->element[2 * i]);
        copy_name(p->team, sizeof(p->team), reply->element[1]->element[2 * i + 1]);
        p->cfg = team_config(c, p->team);
    }
    if (cycle_evaluate(c) != 0) {
        nq_log_warn("alert_deferred", "%zu entries stay pending: out of memory", c->log.n);
        cycle_end(c);
        return;
    }
    if (c->n_fired > 0)
        cycle_names(c);
    else
        cycle_raise(c); /* acknowledge only */
}

static void cycle_context(cycle_t *c)
{
    if (!c->watched) { /* nothing to evaluate: acknowledge only */
        c->at[ST_PREPARE] = nq_now_ms();
        cycle_raise(c);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[128];
    nq_redis_args_adds(&a, NQ_KEY_ALERT_RULES);
    nq_redis_args_adds(&a, NQ_KEY_ALERT_PRICES);
    for (size_t i = 0; i < c->n_people; i++) {
        nq_key_salesperson(key, sizeof(key), c->people[i].id);
        nq_redis_args_adds(&a, key);
    }
    size_t nkeys = a.argc;
    for (size_t i = 0; i < c->n_prices; i++)
        nq_redis_args_adds(&a, c->prices[i].field);
    int rc = a.failed ? -1
                      : nq_script_call_args(c->al->svc->redis, NQ_SCRIPT(ALERT_CONTEXT), on_context,
                                            c, nkeys, &a);
    nq_redis_args_free(&a);
    if (rc != 0) {
        nq_log_warn("alert_deferred", "%zu entries stay pending: Redis unavailable", c->log.n);
        cycle_end(c);
    }
}

/* ---- reading the log ------------------------------------------------------ */

/* Start a cycle on entries [id, fields] read by the group's reader (logread.h). */
static bool cycle_start(void *arg, const redisReply *entries, bool full, int64_t sent_at)
{
    alerting_t *al = arg;
    cycle_t *c = calloc(1, sizeof(*c));
    if (!c)
        return false;
    c->al = al;
    c->full = full;
    c->at[ST_READ] = sent_at;
    c->at[ST_CONTEXT] = nq_now_ms();
    /* A poison entry (or one deleted from the log) counts nothing: acknowledged. */
    if (nq_actlog_batch_take(&c->log, entries, "no alert raised") != 0 || c->log.n == 0 ||
        cycle_collect(c) != 0) {
        cycle_free(c);
        return false;
    }
    cycle_context(c);
    return true;
}

/* Read the next entries of the log's two groups and the signals': each has one read or
 * cycle in flight. */
static void pull(alerting_t *al)
{
    logread_pull(al->reader);
    timercycle_pull(al->tcycle);
    sigread_pull(al->sigread);
}

static void on_poll_timer(uv_timer_t *t)
{
    alerting_t *al = t->data;
    if (++al->polls >= ALERTING_STATS_POLLS) {
        al->polls = 0;
        stats_report(al);
        timercycle_report(al->tcycle);
    }
    pull(al);
}

static void on_reclaim_timer(uv_timer_t *t)
{
    alerting_t *al = t->data;
    logread_reclaim(al->reader);
    timercycle_reclaim(al->tcycle);
    sigread_reclaim(al->sigread);
}

static void on_change(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *app)
{
    pull(app);
}

/* The timers' group exists: "alerting" is made after it (timergroup.h). */
static void on_timer_group(void *arg)
{
    alerting_t *al = arg;
    nq_redis_ensure_group(al->svc->redis, NQ_KEY_ACTIVITIES, NQ_GROUP_ALERTING);
    logread_connected(al->reader);
}

static void on_redis_connected(nq_redis_t *r, void *data)
{
    alerting_t *al = data;
    logread_hold(al->reader); /* until "alerting" is made, after the timers' group */
    timercycle_connected(al->tcycle);
    sigread_connected(al->sigread);
    deliver_connected(al->deliver);
}

/* An alert escalated, raised by a timer or a schedule run, or auto-resolved
 * here: wake the gateways' SSE hubs and the sender. */
static void on_escalated(void *arg, const Nq__Alert *alert)
{
    alerting_t *al = arg;
    if (al->pub)
        nq_zsock_send(al->pub, NQ_MSG(ALERT_RAISED), &alert->base);
    deliver_nudge(al->deliver);
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(KPI_CHANGED), on_change},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

void *alerting_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_SUB, NQ_SVC_ALERTING) != 0)
        return NULL;
    alerting_t *al = calloc(1, sizeof(*al));
    if (!al)
        return NULL;
    al->svc = svc;
    const nq_config_t *cfg = &svc->cfg;
    char err[160];
    if (alert_config_company(&al->defaults, cfg, err, sizeof(err)) != 0) {
        nq_log_error("config", "%s", err);
        free(al);
        return NULL;
    }
    al->recency_ms = cfg->alert_recency_s * 1000;
    al->sub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_SUB, cfg->changes_endpoint, NQ_ZSOCK_BIND,
                           nq_curve_link(svc->curve, NQ_LINK_CHANGES), routes, N_ROUTES, al,
                           (size_t)cfg->max_frame_bytes);
    al->pub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_PUB, cfg->alerts_endpoint, NQ_ZSOCK_BIND,
                           nq_curve_link(svc->curve, NQ_LINK_ALERTS), NULL, 0, al,
                           (size_t)cfg->max_frame_bytes);
    /* Replicas on one host cannot all bind these: the others wake by polling
     * (and gateways read the alert stream once a second anyway). */
    if (!al->sub || !al->pub)
        nq_log_warn("polling",
                    "cannot bind %s or %s (another replica has them?): reading the "
                    "log every %d ms",
                    cfg->changes_endpoint, cfg->alerts_endpoint, ALERTING_POLL_MS);
    al->deliver = deliver_new(svc);
    al->zone = followup_zone_offset();
    al->escalate = al->deliver ? escalate_new(svc, on_escalated, al) : NULL;
    al->timers = al->escalate ? timers_new(svc, &al->defaults, on_escalated, al) : NULL;
    static const logread_spec_t log = {NQ_KEY_ACTIVITIES, NQ_GROUP_ALERTING, ALERTING_PULL_ENTRIES,
                                       ALERTING_PULL_MAX, ALERTING_RECLAIM_ENTRIES};
    al->reader = al->timers ? logread_new(svc, &log, cycle_start, al) : NULL;
    al->tcycle = al->reader
                     ? timercycle_new(svc, &al->defaults, al->timers, al->zone, on_timer_group, al)
                     : NULL;
    al->sched = al->tcycle ? sched_new(svc, &al->defaults, on_escalated, al) : NULL;
    al->sigread =
        al->sched ? sigread_new(svc, &al->defaults, al->recency_ms, on_escalated, al) : NULL;
    if (!al->sigread) {
        if (al->sched)
            sched_stop(al->sched);
        sched_free(&al->sched);
        timercycle_free(&al->tcycle);
        logread_free(&al->reader);
        if (al->timers)
            timers_stop(al->timers);
        timers_free(&al->timers);
        if (al->escalate)
            escalate_stop(al->escalate);
        escalate_free(&al->escalate);
        if (al->deliver)
            deliver_stop(al->deliver);
        deliver_free(&al->deliver);
        nq_zsock_destroy(&al->sub);
        nq_zsock_destroy(&al->pub);
        free(al);
        return NULL;
    }
    uv_timer_init(&svc->loop, &al->poll);
    uv_timer_init(&svc->loop, &al->reclaim);
    al->poll.data = al->reclaim.data = al;
    uv_timer_start(&al->poll, on_poll_timer, ALERTING_POLL_MS, ALERTING_POLL_MS);
    uv_timer_start(&al->reclaim, on_reclaim_timer, ALERTING_RECLAIM_MS, ALERTING_RECLAIM_MS);
    nq_redis_on_connected(svc->redis, on_redis_connected, al);
    nq_log_info("listening", "consumer %s, changes %s, alerts %s", nq_service_member(svc),
                cfg->changes_endpoint, cfg->alerts_endpoint);
    return al;
}

void alerting_stop(void *app)
{
    alerting_t *al = app;
    if (!al || al->stopping)
        return;
    al->stopping = true;
    nq_zsock_destroy(&al->sub);
    nq_zsock_destroy(&al->pub);
    uv_close((uv_handle_t *)&al->poll, NULL);
    uv_close((uv_handle_t *)&al->reclaim, NULL);
    deliver_stop(al->deliver);
    escalate_stop(al->escalate);
    logread_stop(al->reader);
    timercycle_stop(al->tcycle);
    timers_stop(al->timers);
    sched_stop(al->sched);
    sigread_stop(al->sigread);
    nq_log_info("alerting_stopped", "raised %llu alerts, %llu found raised already",
                (unsigned long long)al->raised, (unsigned long long)al->repeated);
}

void alerting_free(void *app)
{
    alerting_t *al = app;
    if (al) {
        deliver_free(&al->deliver);
        escalate_free(&al->escalate);
        timers_free(&al->timers);
        sched_free(&al->sched);
        sigread_free(&al->sigread);
        timercycle_free(&al->tcycle);
        logread_free(&al->reader);
    }
    free(app);
}
