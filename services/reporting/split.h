/* services/reporting/split.h — splitting a team target among its members (pure).
 *
 * Three methods: "even" (equal shares), "weights" (shares proportional to
 * given weights, one above 0 for every member) and "last_period"
 * (proportional to each member's actual of the metric in the period before).
 * Money is split in fen and counts in whole units by largest remainder, so
 * the shares add up exactly to the team target; ratios and scores are not
 * split: every member gets the team's value.
 *
 * Nobody is left without a target while there is one to share:
 * - a member without a weight (0 or below: nothing in the period before) is
 *   weighted like the average member, i.e. gets the even share; when nobody
 *   has one, the split is even;
 * - `min_share` (0..1) is the least any member gets, as a fraction of the
 *   even share (0.5: at least half of total / n); the others give it up in
 *   proportion to their weights;
 * - when there are at least as many units (fen, visits) as members, every
 *   member gets at least one.
 *
 *   double shares[n];
 *   split_target(NQ_METRIC_VISITS, 100, weights, n, 0, shares);   // 34, 33, 33
 */
#ifndef NQ_REPORTING_SPLIT_H
#define NQ_REPORTING_SPLIT_H

#include <stddef.h>

#include "nq/fielderr.h"
#include "nq/kpi.h"

typedef enum { SPLIT_EVEN, SPLIT_WEIGHTS, SPLIT_LAST_PERIOD, SPLIT_METHODS } split_method_t;

/* The largest weight accepted. */
#define SPLIT_WEIGHT_MAX 1e9

/* "even" / "weights" / "last_period" -> method; -1 when unknown. */
int split_method_parse(const char *name);
const char *split_method_name(split_method_t m);

/* Split `total` (metric unit; fen for money) among n members by `weights`
 * into shares, each at least min_share x total / n (see above). */
void split_target(nq_metric_id_t metric, double total, const double *weights, size_t n,
                  double min_share, double *shares);

/* Match the weights given (ids[k] -> given[k], n_given of them) with the n
 * members: weights[i] receives member i's. Every id must be a member and
 * every member needs a weight above 0; each problem is an error on
 * "weights.<id>" in errs, and `detail` (len bytes) lists them all
 * ("not members: sp99; without a weight: sp02, sp03"). Returns 0, or -1. */
int split_match_weights(const char *const *members, size_t n, const char *const *ids,
                        const double *given, size_t n_given, double *weights,
                        nq_field_errors_t *errs, char *detail, size_t len);

#endif
