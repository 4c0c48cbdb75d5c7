/* leaderboard.c — ranking. See leaderboard.h. */
#include "leaderboard.h"

#include <stdlib.h>
#include <string.h>

/* A value to rank: defined ones first, higher first. */
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

void board_minus_day(const nq_kpi_values_t *period, const nq_kpi_values_t *day,
                     nq_kpi_values_t *before)
{
    *before = *period;
    for (int k = 0; k < NQ_KPI_HASH_COUNT; k++)
        before->v[k] = period->v[k] - day->v[k];
}

void board_rank(board_entry_t *entries, size_t n)
{
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
            r[i] = pass ? (ranked_t){e->before, e->defined_before, i}
                        : (ranked_t){e->value, e->defined, i};
            out[i] = pass ? &e->previous_rank : &e->rank;
        }
        rank_values(r, n, out);
    }
    free(r);
    free(out);
    qsort(entries, n, sizeof(*entries), cmp_entries);
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
        ptrs[i] = &pb[i];
    }
}
