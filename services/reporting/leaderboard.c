/* leaderboard.c — ranking. See leaderboard.h. */
#include "leaderboard.h"

#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"

/* A value to rank: defined ones first, higher first (a lower-is-better
 * value is ranked negated). */
typedef struct ranked {
    double value;
    bool defined;
    size_t index; /* entry it belongs to */
} ranked_t;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked_t *x = a, *y = b;
    if (x->defined != y->defined)
        return x->defined ? -1 : 1;
    if (x->defined && x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return 0;
}

/* Competition ranks (1, 1, 3) of the values, written through `out`. */
static void rank_values(ranked_t *r, size_t n, int *const *out)
{
    qsort(r, n, sizeof(*r), cmp_ranked);
    for (size_t i = 0; i < n; i++) {
        bool tie = i > 0 && cmp_ranked(&r[i - 1], &r[i]) == 0;
        *out[r[i].index] = tie ? *out[r[i - 1].index] : (int)i + 1;
    }
}

static int cmp_entries(const void *a, const void *b)
{
    const board_entry_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return strcmp(x->id, y->id);
}

void board_set_metric(board_entry_t *e, nq_metric_id_t m, const nq_kpi_values_t *now,
                      const nq_kpi_values_t *before)
{
    e->defined = nq_metric_value(m, now, &e->value);
    e->defined_before = nq_metric_value(m, before, &e->before);
}

static const char *const by_names[BOARD_BY_COUNT] = {"value", "attainment", "pace"};

const char *board_by_name(board_by_t by)
{
    return (unsigned)by < BOARD_BY_COUNT ? by_names[by] : NULL;
}

int board_by_parse(const char *name)
{
    if (!name || !*name)
        return BOARD_BY_VALUE;
    for (int i = 0; i < BOARD_BY_COUNT; i++) {
        if (strcmp(name, by_names[i]) == 0)
            return i;
    }
    return -1;
}

nq_direction_t board_direction(board_by_t by, nq_metric_id_t m)
{
    return by == BOARD_BY_VALUE ? nq_metric_direction(m) : NQ_HIGHER_IS_BETTER;
}

const char *board_by_refused(board_by_t by, nq_metric_id_t m)
{
    return by == BOARD_BY_PACE && !nq_metric_accumulates(m)
               ? NQ_REASON("pace applies to counts and amounts, not to ratios or averages")
               : NULL;
}

/* Derived ratios are shown (and ranked) with 4 decimals. */
#define RATIO_SCALE 10000

/* The figure ranked by `by`, as shown; false when undefined. */
static bool against_value(board_by_t by, const overview_against_t *a, double *out)
{
    bool has = by == BOARD_BY_PACE ? a->has_pace : a->has_attainment;
    *out = has ? nq_round_to(by == BOARD_BY_PACE ? a->pace : a->attainment, RATIO_SCALE) : 0;
    return has;
}

void board_set_against(board_entry_t *e, nq_metric_id_t m, board_by_t by,
                       const nq_kpi_values_t *now, const nq_kpi_values_t *before, double target,
                       nq_target_source_t source, double share, double share_before)
{
    board_plan_t *p = &e->plan;
    bool has_target = source != NQ_TARGET_NONE && target > 0;
    double was;
    bool had = nq_metric_value(m, before, &was);
    overview_against_t then;
    memset(p, 0, sizeof(*p));
    e->has_plan = true;
    p->has_actual = nq_metric_value(m, now, &p->actual);
    p->source = has_target ? source : NQ_TARGET_NONE;
    p->target = has_target ? target : 0;
    overview_against(m, p->has_actual, p->actual, has_target, target, share, &p->now);
    overview_against(m, had, was, has_target, target, share_before, &then);
    p->now.attainment = nq_round_to(p->now.attainment, RATIO_SCALE);
    p->now.pace = nq_round_to(p->now.pace, RATIO_SCALE);
    p->now.gap = nq_metric_round(m, p->now.gap);
    p->note = !has_target       ? &note_no_target
              : !p->has_actual  ? &note_no_data
              : p->now.negative ? note_negative_of(m)
                                : NULL;
    e->defined = against_value(by, &p->now, &e->value);
    e->defined_before = against_value(by, &then, &e->before);
}

void board_minus_day(const nq_kpi_values_t *period, const nq_kpi_values_t *day,
                     nq_kpi_values_t *before)
{
    *before = *period;
    for (int k = 0; k < NQ_KPI_HASH_COUNT; k++)
        before->v[k] = period->v[k] - day->v[k];
}

void board_rank(board_entry_t *entries, size_t n, nq_direction_t dir)
{
    double sign = nq_direction_sign(dir);
    ranked_t *r = calloc(n + 1, sizeof(*r));
    int **out = calloc(n + 1, sizeof(*out));
    if (!r || !out) {
        free(r);
        free(out);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            board_entry_t *e = &entries[i];
            r[i] = pass ? (ranked_t){sign * e->before, e->defined_before, i}
                        : (ranked_t){sign * e->value, e->defined, i};
            out[i] = pass ? &e->previous_rank : &e->rank;
        }
        rank_values(r, n, out);
    }
    free(r);
    free(out);
    qsort(entries, n, sizeof(*entries), cmp_entries);
}

/* Set an optional double of an entry. */
#define SET(pb, field, v) ((pb)->has_##field = 1, (pb)->field = (v))

/* The entry's figures against its target (pointing into p). */
static void plan_to_proto(const board_plan_t *p, Nq__LeaderboardEntry *pb)
{
    if (p->has_actual)
        SET(pb, actual, p->actual);
    if (p->source != NQ_TARGET_NONE) {
        SET(pb, target, p->target);
        pb->target_source = (char *)nq_target_source_name(p->source);
    }
    if (p->now.has_attainment)
        SET(pb, attainment, p->now.attainment);
    if (p->now.has_pace)
        SET(pb, pace, p->now.pace);
    if (p->now.has_gap)
        SET(pb, gap, p->now.gap);
    pb->note = p->note ? (char *)p->note->en : NULL;
    pb->note_zh = p->note ? (char *)p->note->zh : NULL;
}

void board_to_proto(const board_entry_t *entries, size_t n, Nq__LeaderboardEntry *pb,
                    Nq__LeaderboardEntry **ptrs)
{
    for (size_t i = 0; i < n; i++) {
        const board_entry_t *e = &entries[i];
        nq__leaderboard_entry__init(&pb[i]);
        pb[i].salesperson_id = (char *)e->id;
        pb[i].name = *e->name ? (char *)e->name : NULL;
        pb[i].has_value = e->defined;
        pb[i].value = e->value;
        pb[i].has_rank = pb[i].has_previous_rank = 1;
        pb[i].rank = e->rank;
        pb[i].previous_rank = e->previous_rank;
        if (e->has_plan)
            plan_to_proto(&e->plan, &pb[i]);
        ptrs[i] = &pb[i];
    }
}
