/* services/reporting/leaderboard.h — ranking salespeople by a metric (pure).
 *
 * Higher is better for every metric; an undefined value (a ratio over zero)
 * ranks last. Ties share a rank, and the next rank skips (1, 1, 3). Each
 * entry is ranked twice: on the period's counters, and on the counters as
 * they stood at the end of the day before (the period minus the reference
 * day), so the board can show movement since yesterday.
 *
 *   board_entry_t e[n];  // fill id, now and before
 *   board_rank(e, n, NQ_METRIC_SALES_AMOUNT);   // sets rank / previous_rank, sorts by rank
 */
#ifndef NQ_REPORTING_LEADERBOARD_H
#define NQ_REPORTING_LEADERBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/fielderr.h"
#include "nq/kpi.h"

typedef struct board_entry {
    char id[NQ_ID_MAX + 1];  /* salesperson */
    char name[128];          /* display name, "" when none */
    nq_kpi_values_t now;     /* counters of the period */
    nq_kpi_values_t before;  /* as of the end of the day before */
    double value;            /* metric now, when defined */
    bool defined;            /* value is defined */
    int rank;                /* 1 = best */
    int previous_rank;       /* rank on `before` */
} board_entry_t;

/* Compute values and ranks, then sort the entries by rank (ties by id). */
void board_rank(board_entry_t *entries, size_t n, nq_metric_id_t metric);

#endif
