/* apply.c — activity -> counter deltas, and batch aggregation. See apply.h. */
#include "apply.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/aftersales.h"
#include "nq/buf.h"
#include "nq/keys.h"

/* What a rule moves its counter by; false when the rule does not apply. */
typedef bool (*delta_fn)(const Nq__Activity *ev, int64_t *delta);

static bool by_one(const Nq__Activity *ev, int64_t *d)
{
    *d = 1;
    return true;
}
static bool by_amount(const Nq__Activity *ev, int64_t *d)
{
    *d = ev->amount_fen;
    return ev->has_amount_fen;
}
static bool by_minus_amount(const Nq__Activity *ev, int64_t *d)
{
    *d = -ev->amount_fen;
    return ev->has_amount_fen;
}
static bool by_rating(const Nq__Activity *ev, int64_t *d)
{
    *d = ev->rating;
    return ev->has_rating;
}
static bool one_if_rating(const Nq__Activity *ev, int64_t *d)
{
    *d = 1;
    return ev->has_rating;
}
static bool one_if_nps(const Nq__Activity *ev, int64_t *d)
{
    *d = 1;
    return ev->has_nps;
}
/* A promoter (9-10) adds one, a detractor (0-6) takes one away, a passive moves nothing. */
static bool by_nps_class(const Nq__Activity *ev, int64_t *d)
{
    *d = nq_nps_class(ev->nps);
    return ev->has_nps && *d != 0;
}
static bool one_if_promoter(const Nq__Activity *ev, int64_t *d)
{
    *d = 1;
    return ev->has_nps && nq_nps_class(ev->nps) > 0;
}
static bool one_if_detractor(const Nq__Activity *ev, int64_t *d)
{
    *d = 1;
    return ev->has_nps && nq_nps_class(ev->nps) < 0;
}
static bool by_duration(const Nq__Activity *ev, int64_t *d)
{
    *d = ev->duration_s;
    return ev->has_duration_s && ev->duration_s > 0;
}

typedef struct counter_rule {
    const char *type; /* event type */
    nq_kpi_id_t kpi;  /* counter it moves */
    delta_fn delta;   /* by how much, if at all */
} counter_rule_t;

/* One row per (event type, counter); docs/metrics.md explains each. */
static const counter_rule_t rules[] = {
    {"visit", NQ_KPI_VISITS, by_one},
    {"call", NQ_KPI_CALLS, by_one},
    {"meeting", NQ_KPI_MEETINGS, by_one},
    {"order", NQ_KPI_ORDERS, by_one},
    {"order", NQ_KPI_SALES_FEN, by_amount},
    {"order", NQ_KPI_ORDER_VALUE_FEN, by_amount},
    {"order_cancelled", NQ_KPI_SALES_FEN, by_minus_amount},
    {"return", NQ_KPI_SALES_FEN, by_minus_amount},
    {"payment", NQ_KPI_COLLECTIONS_FEN, by_amount},
    {"new_customer", NQ_KPI_NEW_CUSTOMERS, by_one},
    {"feedback", NQ_KPI_FEEDBACK_SUM, by_rating},
    {"feedback", NQ_KPI_FEEDBACK_COUNT, one_if_rating},
    {"ticket_opened", NQ_KPI_TICKETS_OPENED, by_one},
    {"ticket_closed", NQ_KPI_TICKETS_CLOSED, by_one},
    {"feedback", NQ_KPI_NPS_RESPONSES, one_if_nps},
    {"feedback", NQ_KPI_NPS_NET, by_nps_class},
    {"training", NQ_KPI_TRAININGS, by_one},
    {"training", NQ_KPI_TRAINING_S, by_duration},
    {"feedback", NQ_KPI_NPS_PROMOTERS, one_if_promoter},
    {"feedback", NQ_KPI_NPS_DETRACTORS, one_if_detractor},
};

size_t scoring_event_deltas(const Nq__Activity *ev, scoring_delta_t out[SCORING_DELTAS_MAX])
{
    size_t n = 0;
    for (size_t i = 0; ev->type && i < sizeof(rules) / sizeof(rules[0]); i++) {
        int64_t delta;
        if (strcmp(rules[i].type, ev->type) != 0 || n == SCORING_DELTAS_MAX ||
            !rules[i].delta(ev, &delta))
            continue;
        out[n].kpi = rules[i].kpi;
        out[n].delta = delta;
        out[n].at_ms = ev->occurred_at;
        n++;
    }
    return n;
}

/* Copy `src` into dst (size bytes) if it fits. */
static bool copy_fits(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* An event's member of a set: 1 written to out (len bytes), 0 when the rule
 * does not apply, -1 when it does not fit. */
typedef int (*member_fn)(const Nq__Activity *ev, char *out, size_t len);

/* The instant whose day and month a member goes to. */
typedef enum { AT_OCCURRED, AT_DUE } time_source_t;

static int member_of(const char *id, char *out, size_t len)
{
    if (!id || !*id)
        return 0;
    return copy_fits(out, len, id) ? 1 : -1;
}
static int visited_customer(const Nq__Activity *ev, char *out, size_t len)
{
    return member_of(ev->customer_id, out, len);
}
/* An order falling due: its order id, or its event id behind a prefix no
 * order id has (due, never matched by a fulfilment). */
static int due_order(const Nq__Activity *ev, char *out, size_t len)
{
    if (!ev->has_due_at)
        return 0;
    if (ev->order_id && *ev->order_id)
        return member_of(ev->order_id, out, len);
    if (!ev->event_id)
        return 0;
    int n = snprintf(out, len, SCORING_DUE_NO_ID_PREFIX "%s", ev->event_id);
    return n >= 0 && (size_t)n < len ? 1 : -1;
}
static int on_time_order(const Nq__Activity *ev, char *out, size_t len)
{
    return ev->has_on_time && ev->on_time ? member_of(ev->order_id, out, len) : 0;
}

typedef struct member_rule {
    const char *type;  /* event type */
    scoring_set_t set; /* the family it adds to */
    member_fn member;  /* what, if anything */
    time_source_t at;  /* which instant picks the day and month (per-period families) */
} member_rule_t;

/* One row per (event type, set family); docs/metrics.md explains each. */
static const member_rule_t member_rules[] = {
    {"visit", SCORING_SET_VISITED, visited_customer, AT_OCCURRED},
    {"order", SCORING_SET_DUE, due_order, AT_DUE},
    {"order_fulfilled", SCORING_SET_ON_TIME, on_time_order, AT_OCCURRED},
};

int scoring_event_members(const Nq__Activity *ev, scoring_add_t out[SCORING_ADDS_MAX])
{
    int n = 0;
    for (size_t i = 0; ev->type && i < sizeof(member_rules) / sizeof(member_rules[0]); i++) {
        const member_rule_t *r = &member_rules[i];
        if (strcmp(r->type, ev->type) != 0 || n == SCORING_ADDS_MAX)
            continue;
        int rc = r->member(ev, out[n].member, sizeof(out[n].member));
        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        out[n].set = r->set;
        out[n].at_ms = r->at == AT_DUE ? ev->due_at : ev->occurred_at;
        n++;
    }
    return n;
}

void scoring_agg_init(scoring_agg_t *agg)
{
    memset(agg, 0, sizeof(*agg));
}

void scoring_agg_free(scoring_agg_t *agg)
{
    free(agg->members);
    free(agg->cells);
    free(agg->slots);
    scoring_agg_init(agg);
}

static uint64_t hash_cell(const char *key, nq_kpi_id_t kpi)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)kpi; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return h;
}

/* Index slots for the cells; grows to keep the load under one half. */
static int rehash(scoring_agg_t *agg, size_t n_slots)
{
    int32_t *slots = malloc(n_slots * sizeof(*slots));
    if (!slots)
        return -1;
    memset(slots, 0xff, n_slots * sizeof(*slots));
    for (size_t i = 0; i < agg->n; i++) {
        size_t s = hash_cell(agg->cells[i].key, agg->cells[i].kpi) & (n_slots - 1);
        while (slots[s] >= 0)
            s = (s + 1) & (n_slots - 1);
        slots[s] = (int32_t)i;
    }
    free(agg->slots);
    agg->slots = slots;
    agg->n_slots = n_slots;
    return 0;
}

int scoring_agg_add(scoring_agg_t *agg, const char *key, nq_kpi_id_t kpi, int64_t delta)
{
    if (strlen(key) >= SCORING_KEY_MAX)
        return -1;
    if ((agg->n + 1) * 2 > agg->n_slots && rehash(agg, agg->n_slots ? agg->n_slots * 2 : 64) != 0)
        return -1;
    size_t s = hash_cell(key, kpi) & (agg->n_slots - 1);
    for (; agg->slots[s] >= 0; s = (s + 1) & (agg->n_slots - 1)) {
        scoring_cell_t *c = &agg->cells[agg->slots[s]];
        if (c->kpi == kpi && strcmp(c->key, key) == 0) {
            c->delta += delta;
            return 0;
        }
    }
    scoring_cell_t *cells = nq_array_grow(agg->cells, &agg->cap, agg->n + 1, 32, sizeof(*cells));
    if (!cells)
        return -1;
    agg->cells = cells;
    scoring_cell_t *c = &agg->cells[agg->n];
    strcpy(c->key, key);
    c->kpi = kpi;
    c->delta = delta;
    agg->slots[s] = (int32_t)agg->n++;
    return 0;
}

static int add_member(scoring_agg_t *agg, const char *key, const char *member)
{
    scoring_member_t *m =
        nq_array_grow(agg->members, &agg->cap_members, agg->n_members + 1, 32, sizeof(*m));
    if (!m)
        return -1;
    agg->members = m;
    m = &agg->members[agg->n_members];
    if (!copy_fits(m->key, sizeof(m->key), key) || !copy_fits(m->member, sizeof(m->member), member))
        return -1;
    agg->n_members++;
    return 0;
}

/* The stored periods containing `at_ms` (NQ_KPI_STORED_KINDS of them, the
 * day first), from the cache or worked out and cached. */
static const nq_period_t *periods_of(scoring_agg_t *agg, int64_t at_ms)
{
    for (size_t i = 0; i < agg->n_days; i++) {
        const nq_period_t *d = &agg->days[i].periods[0];
        if (at_ms >= d->start_ms && at_ms < d->end_ms)
            return agg->days[i].periods;
    }
    scoring_day_t day;
    for (int k = 0; k < NQ_KPI_STORED_KINDS; k++) {
        if (nq_period_of(nq_kpi_stored_kinds[k], at_ms, &day.periods[k]) != 0)
            return NULL;
    }
    size_t slot = agg->next_day; /* the oldest, once all are used */
    agg->next_day = (slot + 1) % SCORING_DAYS_CACHED;
    if (agg->n_days < SCORING_DAYS_CACHED)
        agg->n_days++;
    agg->days[slot] = day;
    return agg->days[slot].periods;
}

/* Add one movement to the day and the month containing its instant (weeks,
 * quarters and years are summed from them when read, nq/kpi.h). */
static int add_delta(scoring_agg_t *agg, const char *sp, const scoring_delta_t *d)
{
    const nq_period_t *periods = periods_of(agg, d->at_ms);
    for (int k = 0; periods && k < NQ_KPI_STORED_KINDS; k++) {
        char key[SCORING_KEY_MAX];
        if (nq_key_kpi(key, sizeof(key), sp, &periods[k]) < 0 ||
            scoring_agg_add(agg, key, d->kpi, d->delta) != 0)
            return -1;
    }
    return periods ? 0 : -1;
}

/* The key of each set family: per stored period, or one per salesperson. */
static const struct {
    int (*per_period)(char *buf, size_t len, const char *sp, const nq_period_t *period);
    int (*whole)(char *buf, size_t len, const char *sp);
} set_keys[SCORING_SET_COUNT] = {
    [SCORING_SET_VISITED] = {nq_key_visited, NULL},
    [SCORING_SET_DUE] = {nq_key_due, NULL},
    [SCORING_SET_ON_TIME] = {NULL, nq_key_on_time},
};

/* Add one set addition: to the day's and the month's set of its instant
 * (weeks, quarters and years read their union, nq/kpi.h), or to the one set. */
static int add_to_sets(scoring_agg_t *agg, const char *sp, const scoring_add_t *a)
{
    char key[SCORING_KEY_MAX];
    if (set_keys[a->set].whole)
        return set_keys[a->set].whole(key, sizeof(key), sp) < 0 ? -1
                                                                : add_member(agg, key, a->member);
    const nq_period_t *periods = periods_of(agg, a->at_ms);
    for (int k = 0; periods && k < NQ_KPI_STORED_KINDS; k++) {
        if (set_keys[a->set].per_period(key, sizeof(key), sp, &periods[k]) < 0 ||
            add_member(agg, key, a->member) != 0)
            return -1;
    }
    return periods ? 0 : -1;
}

int scoring_agg_add_event(scoring_agg_t *agg, const Nq__Activity *ev)
{
    scoring_delta_t deltas[SCORING_DELTAS_MAX];
    size_t n = scoring_event_deltas(ev, deltas);
    for (size_t i = 0; i < n; i++) {
        if (add_delta(agg, ev->salesperson_id, &deltas[i]) != 0)
            return -1;
    }
    scoring_add_t adds[SCORING_ADDS_MAX];
    int n_adds = scoring_event_members(ev, adds);
    for (int i = 0; i < n_adds; i++) {
        if (add_to_sets(agg, ev->salesperson_id, &adds[i]) != 0)
            return -1;
    }
    return n_adds < 0 ? -1 : 0;
}

static int cmp_member(const void *a, const void *b)
{
    const scoring_member_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->member, y->member);
}

void scoring_agg_unique_members(scoring_agg_t *agg)
{
    if (agg->n_members < 2)
        return;
    qsort(agg->members, agg->n_members, sizeof(*agg->members), cmp_member);
    size_t kept = 1;
    for (size_t i = 1; i < agg->n_members; i++) {
        if (cmp_member(&agg->members[kept - 1], &agg->members[i]) != 0)
            agg->members[kept++] = agg->members[i];
    }
    agg->n_members = kept;
}

/* Names live keys as scoring_agg_to_pipe writes them: `map` is asked once
 * per run of equal keys (cells of one key sit together; a rebuild's map does
 * calendar work), and each run's key is listed in `written`. */
typedef struct mapper {
    scoring_key_map_fn map;         /* NULL: keys as they are */
    void *ctx;                      /* map's argument */
    nq_redis_args_t *written;       /* NULL, or where the keys written go */
    const char *live;               /* the live key asked last, NULL: none yet */
    const char *key;                /* what it is written as, NULL: left out */
    char buf[SCORING_KEY_MAX + 64]; /* map's output */
} mapper_t;

static const char *map_key(mapper_t *m, const char *live)
{
    if (!m->map && !m->written) /* the scorer's case: nothing to ask or list */
        return live;
    if (m->live && strcmp(m->live, live) == 0)
        return m->key;
    m->live = live;
    if (!m->map)
        m->key = live;
    else
        m->key = m->map(live, m->buf, sizeof(m->buf), m->ctx) == 0 ? m->buf : NULL;
    if (m->key && m->written)
        nq_redis_args_adds(m->written, m->key);
    return m->key;
}

void scoring_agg_to_pipe(nq_redis_pipe_t *p, const scoring_agg_t *agg, scoring_key_map_fn map,
                         void *ctx, nq_redis_args_t *written)
{
    mapper_t m = {.map = map, .ctx = ctx, .written = written};
    for (size_t i = 0; i < agg->n; i++) {
        const char *key = map_key(&m, agg->cells[i].key);
        if (!key)
            continue;
        nq_redis_pipe_cmd(p, NULL, NULL, 4);
        nq_redis_pipe_adds(p, "HINCRBY");
        nq_redis_pipe_adds(p, key);
        nq_redis_pipe_adds(p, nq_kpi_defs[agg->cells[i].kpi].field);
        nq_redis_pipe_addll(p, agg->cells[i].delta);
    }
    for (size_t i = 0, run; i < agg->n_members; i += run) {
        const char *live = agg->members[i].key;
        for (run = 1; i + run < agg->n_members && strcmp(agg->members[i + run].key, live) == 0;)
            run++;
        const char *key = map_key(&m, live);
        if (!key)
            continue;
        nq_redis_pipe_cmd(p, NULL, NULL, 2 + run);
        nq_redis_pipe_adds(p, "SADD");
        nq_redis_pipe_adds(p, key);
        for (size_t k = 0; k < run; k++)
            nq_redis_pipe_adds(p, agg->members[i + k].member);
    }
}
