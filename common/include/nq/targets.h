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
 *   nq_target_reads_t r;
 *   nq_target_reads_init(&r, &quarter, &cal);   // the quarter, then its months
 *   nq_targets_t set[NQ_TARGET_READS_MAX];      // each hash of r: nq_targets_clear,
 *   ...                                         // then nq_targets_set_field per field
 *   nq_targets_t t;
 *   nq_targets_resolve(set, &r, &t);            // t.source[m]: NONE, SET or DERIVED
 */
#ifndef NQ_TARGETS_H
#define NQ_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/kpi.h"
#include "nq/period.h"
#include "nq/workdays.h"

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

/* The target hashes a period is resolved from, with their working days:
 * worked out once per request, for every subject it reads. */
typedef struct nq_target_reads {
    nq_period_t period[NQ_TARGET_READS_MAX]; /* the period itself; then a quarter's 3 months,
                                                or a year's 4 quarters and 12 months */
    double workdays[NQ_TARGET_READS_MAX];    /* working days of each (the weights of quotients);
                                                0 for a day, week or month: not derived */
    size_t n;                                /* 1, 4 or 17 */
} nq_target_reads_t;

/* Fill r for period p, with the working days of `cal` (each month counted
 * once; a quarter or year is its months' sum). Returns 0, or -1 when p is
 * invalid. */
int nq_target_reads_init(nq_target_reads_t *r, const nq_period_t *p, const nq_calendar_t *cal);

/* No target of any metric. */
void nq_targets_clear(nq_targets_t *t);

/* Take one field of a target hash: a metric's name and its stored value
 * (text). A value above 0 is set; 0, a value that is not a number and an
 * unknown field (_updated_at) are not a target. */
void nq_targets_set_field(nq_targets_t *t, const char *field, const char *value);

/* Resolve the targets of r's period from `set`, what each of r's hashes
 * sets (r->n of them, in r's order). Returns 0, or -1 when r->n is not 1, 4
 * or 17. */
int nq_targets_resolve(const nq_targets_t *set, const nq_target_reads_t *r, nq_targets_t *out);

/* "set", "derived", or NULL for none (the name answers use). */
const char *nq_target_source_name(nq_target_source_t s);

/* The keys of the months t.missing names for metric m, of r's period:
 * written to keys (room for 12, borrowed from r). Returns how many. */
size_t nq_targets_missing(const nq_targets_t *t, nq_metric_id_t m, const nq_target_reads_t *r,
                          const char *keys[12]);

/* Copy t into the arrays plans and overviews take: target, has (a source)
 * and derived. */
void nq_targets_export(const nq_targets_t *t, double target[NQ_METRIC_COUNT],
                       bool has[NQ_METRIC_COUNT], bool derived[NQ_METRIC_COUNT]);

#endif
