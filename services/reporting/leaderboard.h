/* services/reporting/leaderboard.h — ranking salespeople (pure).
 *
 * Higher is better; an undefined value (a ratio over zero, no scorecard)
 * ranks last. Ties share a rank, and the next rank skips (1, 1, 3). Each
 * entry is ranked twice: on its value now, and on its value as it stood at
 * the end of the day before, so the board can show movement since yesterday.
 *
 *   board_entry_t e[n];                      // ids, names
 *   board_set_metric(&e[i], NQ_METRIC_SALES_AMOUNT, &period, &period_minus_today);
 *   board_rank(e, n);                        // sets rank / previous_rank, sorts by rank
 */
#ifndef NQ_REPORTING_LEADERBOARD_H
#define NQ_REPORTING_LEADERBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/fielderr.h"
#include "neiqin.pb-c.h"
#include "nq/kpi.h"

typedef struct board_entry {
    char id[NQ_ID_MAX + 1]; /* salesperson */
    char name[128];         /* display name, "" when none */
    double value;           /* ranked on, when defined */
    bool defined;           /* value is defined */
    double before;          /* the value at the end of the day before */
    bool defined_before;    /* before is defined */
    int rank;               /* 1 = best */
    int previous_rank;      /* rank on `before` */
} board_entry_t;

/* Set the entry's values to metric m over the counters now and before. */
void board_set_metric(board_entry_t *e, nq_metric_id_t m, const nq_kpi_values_t *now,
                      const nq_kpi_values_t *before);

/* Rank on value and on before, then sort the entries by rank (ties by id). */
void board_rank(board_entry_t *entries, size_t n);

/* The reply entries of a ranked board: pb[i] and ptrs[i] (n each, the
 * caller's) point into entries. */
void board_to_proto(const board_entry_t *entries, size_t n, Nq__LeaderboardEntry *pb,
                    Nq__LeaderboardEntry **ptrs);

/* before = period - day, counter by counter (the period as it stood before
 * the reference day). Only the counters kept in the KPI hash add up that way;
 * the set-based ones (key customers owned and visited) are taken as they are
 * now, so "yesterday's" coverage includes today's first visits. */
void board_minus_day(const nq_kpi_values_t *period, const nq_kpi_values_t *day,
                     nq_kpi_values_t *before);

#endif
