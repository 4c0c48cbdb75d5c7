/* services/reporting/leaderboard.h — ranking salespeople (pure).
 *
 * Higher is better, or lower for a board by the value of a lower-is-better
 * metric (nq_metric_direction: overdue, DSO); an undefined value (a ratio over zero, no scorecard, no
 * target) ranks last. Ties share a rank, and the next rank skips (1, 1, 3).
 * Each entry is ranked twice: on its value now, and on its value as it
 * stood at the end of the day before, so the board can show movement since
 * yesterday.
 *
 * A board by a metric ranks its value, or (by attainment or pace) the
 * metric against each one's own target, computed as the overview computes
 * it (overview_against) and rounded as shown, so equal figures tie.
 *
 *   board_entry_t e[n];                      // ids, names
 *   board_set_metric(&e[i], NQ_METRIC_SALES_AMOUNT, &period, &period_minus_today);
 *   board_set_against(&e[i], NQ_METRIC_SALES_AMOUNT, BOARD_BY_PACE, &period,
 *                     &period_minus_today, target, NQ_TARGET_SET, share, share_before);
 *   board_rank(e, n, NQ_HIGHER_IS_BETTER);   // sets rank / previous_rank, sorts by rank
 */
#ifndef NQ_REPORTING_LEADERBOARD_H
#define NQ_REPORTING_LEADERBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "neiqin.pb-c.h"
#include "notes.h"
#include "nq/fielderr.h"
#include "nq/kpi.h"
#include "nq/targets.h"
#include "overview.h"

/* What a board by a metric ranks. */
typedef enum {
    BOARD_BY_VALUE,      /* the metric's value */
    BOARD_BY_ATTAINMENT, /* actual / target */
    BOARD_BY_PACE,       /* actual / (target x elapsed working-day share): counts and amounts */
    BOARD_BY_COUNT
} board_by_t;

/* "value", "attainment", "pace". */
const char *board_by_name(board_by_t by);

/* The basis called `name` (NULL or "" is value), or -1. */
int board_by_parse(const char *name);

/* The direction a board of metric m by `by` ranks in: the metric's by its
 * value; higher by attainment and pace (which read the direction already). */
nq_direction_t board_direction(board_by_t by, nq_metric_id_t m);

/* Why metric m cannot be ranked by `by` (pace of a quotient), or NULL. */
const char *board_by_refused(board_by_t by, nq_metric_id_t m);

/* An entry's metric against its own target (boards by attainment or pace),
 * as shown: attainment and pace to 4 decimals, the gap like the metric. */
typedef struct board_plan {
    bool has_actual;           /* actual is defined */
    double actual;             /* the metric's value of the period */
    double target;             /* when source is not NONE */
    nq_target_source_t source; /* NONE: no target (unranked) */
    overview_against_t now;    /* attainment, pace, gap */
    const kpi_note_t *note;    /* no target, no data, a negative actual; or NULL */
} board_plan_t;

typedef struct board_entry {
    char id[NQ_ID_MAX + 1]; /* salesperson */
    char name[128];         /* display name, "" when none */
    double value;           /* ranked on, when defined */
    bool defined;           /* value is defined */
    double before;          /* the value at the end of the day before */
    bool defined_before;    /* before is defined */
    int rank;               /* 1 = best */
    int previous_rank;      /* rank on `before` */
    bool has_plan;          /* a board by attainment or pace: plan is set */
    board_plan_t plan;      /* the figures against the target */
} board_entry_t;

/* Set the entry's values to metric m over the counters now and before. */
void board_set_metric(board_entry_t *e, nq_metric_id_t m, const nq_kpi_values_t *now,
                      const nq_kpi_values_t *before);

/* Set the entry's values to metric m's attainment or pace (`by`) over the
 * counters now and before, against the entry's target (`source` NONE: no
 * target, the entry is unranked), `share` of the period's working days
 * elapsed now and `share_before` at the end of the day before; and its
 * plan. */
void board_set_against(board_entry_t *e, nq_metric_id_t m, board_by_t by,
                       const nq_kpi_values_t *now, const nq_kpi_values_t *before, double target,
                       nq_target_source_t source, double share, double share_before);

/* Rank on value and on before, the best first in direction `dir` (the
 * metric's for a board by its value; higher for attainment, pace and
 * score), then sort the entries by rank (ties by id). */
void board_rank(board_entry_t *entries, size_t n, nq_direction_t dir);

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
