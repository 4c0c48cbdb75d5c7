/* nq/targets.h — the targets of a period as they are used: set for it, or
 * derived from its months' (pure).
 *
 * Targets are set per subject (salesperson, team, company) and period, one
 * hash each (nq/keys.h). A stored 0 is no target. A quarter's or a year's
 * target of a metric that is not set is derived:
 *   - a quarter from its 3 months, a year from its 4 quarters (each one set,
 *     or itself derived from its months);
 *   - only when every one of those parts has a target of the metric: a sum
 *     of some months would be a smaller plan than the period's, so with a
 *     part missing there is no target, and `missing` names the months to
 *     set (when at least one part has a target of the metric);
 *   - counts and amounts (nq_metric_accumulates): the sum of the parts;
 *   - quotients (ratios, feedback_score, avg_order_value): the mean of the
 *     parts weighted by their working days, rounded like the metric
 *     (nq_metric_round): equal monthly targets give that target.
 * Day, week and month targets are never derived (a week straddles months).
 *
 *   nq_period_t reads[NQ_TARGET_READS_MAX];
 *   int n = nq_target_reads(&quarter, reads);   // the quarter, then its months
 *   nq_targets_t set[NQ_TARGET_READS_MAX];      // each read's hash: nq_targets_clear,
 *   ...                                         // then nq_targets_set_field per field
 *   double workdays[NQ_TARGET_READS_MAX];       // working days of each read
 *   nq_targets_t t;
 *   nq_targets_resolve(set, workdays, n, &t);   // t.source[m]: NONE, SET or DERIVED
 */
#ifndef NQ_TARGETS_H
#define NQ_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/kpi.h"
#include "nq/period.h"

/* Where a period's target of a metric comes from. */
typedef enum {
    NQ_TARGET_NONE,    /* no target (none set, or 0, and none derived) */
    NQ_TARGET_SET,     /* set for the period */
    NQ_TARGET_DERIVED, /* derived from the months' targets */
} nq_target_source_t;

typedef struct nq_targets {
    double value[NQ_METRIC_COUNT]; /* metric's unit (fen for money), > 0 when a source */
    nq_target_source_t source[NQ_METRIC_COUNT]; /* where it comes from */
    uint16_t missing[NQ_METRIC_COUNT];          /* no target although some parts have one: bit i
                                                   = the period's i-th month has none to derive
                                                   from */
} nq_targets_t;

/* Most target hashes one period is resolved from: a year, its 4 quarters
 * and its 12 months. */
#define NQ_TARGET_READS_MAX 17

/* The periods whose target hashes resolve p's, in the order
 * nq_targets_resolve takes them: p itself; for a quarter then its 3 months;
 * for a year its 4 quarters, then its 12 months. Returns how many (1, 4 or
 * 17), or -1 when p is invalid. */
int nq_target_reads(const nq_period_t *p, nq_period_t out[NQ_TARGET_READS_MAX]);

/* No target of any metric. */
void nq_targets_clear(nq_targets_t *t);

/* Take one field of a target hash: a metric's name and its stored value
 * (text). A value above 0 is set; 0, a value that is not a number and an
 * unknown field (_updated_at) are not a target. */
void nq_targets_set_field(nq_targets_t *t, const char *field, const char *value);

/* Resolve the targets of the period whose reads (nq_target_reads) are
 * `set` (n of them, each with only what was set) with `workdays` the
 * working days of each read. Returns 0, or -1 when n is not 1, 4 or 17. */
int nq_targets_resolve(const nq_targets_t *set, const double *workdays, size_t n,
                       nq_targets_t *out);

/* "set", "derived", or NULL for none (the name answers use). */
const char *nq_target_source_name(nq_target_source_t s);

/* The keys of the months t.missing names for metric m, given the period's
 * reads (n of them): written to keys (room for 12, borrowed from reads).
 * Returns how many. */
size_t nq_targets_missing(const nq_targets_t *t, nq_metric_id_t m, const nq_period_t *reads,
                          size_t n, const char *keys[12]);

/* Copy t into the arrays plans and overviews take: target, has (a source)
 * and derived. */
void nq_targets_export(const nq_targets_t *t, double target[NQ_METRIC_COUNT],
                       bool has[NQ_METRIC_COUNT], bool derived[NQ_METRIC_COUNT]);

#endif
