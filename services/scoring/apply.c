/* apply.c — activity -> counter deltas, and batch aggregation. See apply.h. */
#include "apply.h"

#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"

typedef enum { BY_ONE, BY_AMOUNT } delta_source_t;

typedef struct counter_rule {
    const char *type;      /* event type */
    nq_kpi_id_t kpi;       /* counter it moves */
    delta_source_t source; /* by one, or by the event's amount */
} counter_rule_t;

/* One row per (event type, counter). */
static const counter_rule_t rules[] = {
    {"visit", NQ_KPI_VISITS, BY_ONE},
    {"call", NQ_KPI_CALLS, BY_ONE},
    {"order", NQ_KPI_ORDERS, BY_ONE},
    {"order", NQ_KPI_SALES_FEN, BY_AMOUNT},
};

size_t scoring_event_deltas(const Nq__Activity *ev, scoring_delta_t out[SCORING_DELTAS_MAX])
{
    size_t n = 0;
    for (size_t i = 0; ev->type && i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (strcmp(rules[i].type, ev->type) != 0 || n == SCORING_DELTAS_MAX)
            continue;
        out[n].kpi = rules[i].kpi;
        out[n].delta = rules[i].source == BY_AMOUNT ? ev->amount_fen : 1;
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
    if (agg->n == agg->cap) {
        size_t cap = agg->cap ? agg->cap * 2 : 32;
        scoring_cell_t *cells = realloc(agg->cells, cap * sizeof(*cells));
        if (!cells)
            return -1;
        agg->cells = cells;
        agg->cap = cap;
    }
    scoring_cell_t *c = &agg->cells[agg->n];
    strcpy(c->key, key);
    c->kpi = kpi;
    c->delta = delta;
    agg->slots[s] = (int32_t)agg->n++;
    return 0;
}

int scoring_agg_add_event(scoring_agg_t *agg, const Nq__Activity *ev)
{
    scoring_delta_t deltas[SCORING_DELTAS_MAX];
    size_t n = scoring_event_deltas(ev, deltas);
    if (n == 0)
        return 0;
    char keys[NQ_PERIOD_KIND_COUNT][SCORING_KEY_MAX];
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++) {
        nq_period_t p;
        if (nq_period_of((nq_period_kind_t)k, ev->occurred_at, &p) != 0 ||
            nq_key_kpi(keys[k], sizeof(keys[k]), ev->salesperson_id, &p) < 0)
            return -1;
    }
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++) {
        for (size_t i = 0; i < n; i++) {
            if (scoring_agg_add(agg, keys[k], deltas[i].kpi, deltas[i].delta) != 0)
                return -1;
        }
    }
    return 0;
}
