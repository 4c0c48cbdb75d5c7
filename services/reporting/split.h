/* services/reporting/split.h — splitting a team target among its members (pure).
 *
 * Three methods: "even" (equal shares), "weights" (shares proportional to
 * given weights) and "last_period" (proportional to each member's actual of
 * the metric in the period before; even when nobody had any). Money is split
 * in fen and counts in whole units by largest remainder, so the shares add
 * up exactly to the team target; ratios and scores are not split: every
 * member gets the team's value.
 *
 *   double shares[n];
 *   split_target(NQ_METRIC_VISITS, 100, weights, n, shares);   // 34, 33, 33
 */
#ifndef NQ_REPORTING_SPLIT_H
#define NQ_REPORTING_SPLIT_H

#include <stddef.h>

#include "nq/kpi.h"

typedef enum { SPLIT_EVEN, SPLIT_WEIGHTS, SPLIT_LAST_PERIOD, SPLIT_METHODS } split_method_t;

/* "even" / "weights" / "last_period" -> method; -1 when unknown. */
int split_method_parse(const char *name);
const char *split_method_name(split_method_t m);

/* Split `total` (metric unit; fen for money) among n members by `weights`
 * (>= 0; all zero means even) into shares. */
void split_target(nq_metric_id_t metric, double total, const double *weights, size_t n,
                  double *shares);

#endif
