/* services/reporting/overview.h — a subject's metrics against targets (pure).
 *
 * For every metric of nq/kpi.h: the actual value of the period, its target,
 * attainment (actual / target), pace (actual / the share of the target the
 * elapsed working days call for), projection to the end of the period
 * (actual x total / elapsed working days), and the values of the period
 * before and of the same period last year. Pace and projection apply to
 * metrics that accumulate (counts and amounts), not to ratios. A target of 0
 * is no target. A negative actual (net sales after returns) stays as it is,
 * but its attainment, pace and projection are 0 and the row says why (note).
 * A lower-is-better metric (nq_metric_direction) reads its target as a
 * ceiling: attainment and pace are nq_attainment's (1 when within it).
 *
 *   overview_input_t in = {.current = cur, .previous = prev, .last_year = ly,
 *                          .workdays_total = 21, .workdays_elapsed = 18.5};
 *   in.has_target[NQ_METRIC_SALES_AMOUNT] = true; in.target[...] = 50000000;
 *   overview_rows_t rows;
 *   overview_compute(&in, &rows);   // rows.pb[m], ready for Nq__Overview.rows
 */
#ifndef NQ_REPORTING_OVERVIEW_H
#define NQ_REPORTING_OVERVIEW_H

#include <stdbool.h>

#include "neiqin.pb-c.h"
#include "nq/kpi.h"

typedef struct overview_input {
    nq_kpi_values_t current;              /* counters of the period */
    nq_kpi_values_t previous;             /* of the period before */
    nq_kpi_values_t last_year;            /* of the same period a year earlier */
    double target[NQ_METRIC_COUNT];       /* targets, in the metric's unit (fen for money) */
    bool has_target[NQ_METRIC_COUNT];     /* which are set (or derived) */
    bool target_derived[NQ_METRIC_COUNT]; /* which are derived from the months' (nq/targets.h) */
    double workdays_total;                /* working days in the period */
    double workdays_elapsed;              /* of which have passed */
} overview_input_t;

typedef struct overview_rows {
    Nq__MetricRow pb[NQ_METRIC_COUNT];    /* one per metric, in table order */
    Nq__MetricRow *ptrs[NQ_METRIC_COUNT]; /* for Nq__Overview.rows */
} overview_rows_t;

/* Fill one row per metric. Undefined values (a ratio over zero, no target,
 * no elapsed working day) are left absent. Notes point at static text. */
void overview_compute(const overview_input_t *in, overview_rows_t *out);

/* True for metrics that accumulate over a period (pace and projection make
 * sense): counts and amounts without a denominator. */
bool overview_accumulates(nq_metric_id_t m);

/* The share of the period's working days elapsed (0..1; 0 when it has
 * none). */
double overview_share(double workdays_total, double workdays_elapsed);

/* One metric's actual against its target, `share` of the period's working
 * days elapsed. Exact (not rounded); a figure is absent (has_ false) when
 * undefined. */
typedef struct overview_against {
    bool has_attainment, has_pace, has_projection, has_gap;
    double attainment; /* nq_attainment(direction, actual, target): actual / target */
    double pace;       /* the same against target x share: metrics that accumulate, share > 0 */
    double projection; /* actual / share: metrics that accumulate, share > 0 (no target needed) */
    double gap;        /* the plan to date minus the actual: target x share - actual for metrics
                          that accumulate, target - actual for quotients; > 0 = behind plan
                          (lower is better: the actual minus the plan, > 0 = over it) */
    bool negative;     /* the actual is below 0 (higher is better): attainment, pace,
                          projection shown as 0 */
} overview_against_t;

/* Metric m's actual (when `defined`) against its target (when has_target;
 * a target of 0 is none). A negative actual counts 0 in attainment, pace and
 * projection (and sets `negative` when one of them is given); the gap is
 * the plain difference. The overview's rows and the boards by attainment
 * and pace are computed by this one function. */
void overview_against(nq_metric_id_t m, bool defined, double actual, bool has_target, double target,
                      double share, overview_against_t *out);

#endif
