/* nq/satisf.h — satisfaction and training figures of a period (pure).
 *
 * Satisfaction comes from `feedback` events: a rating (1..5) and/or an NPS
 * answer (0..10; 9-10 a promoter, 0-6 a detractor). Per salesperson and
 * period the KPI counters hold them (feedback_sum, feedback_count,
 * nps_responses, nps_net, nps_promoters, nps_detractors: docs/metrics.md); per customer its figures hash
 * holds them per month ("<month>|rating_sum", "|rating_count",
 * "|nps_count", "|promoters", "|detractors": common/lua/customer_events.lua).
 *   average rating = rating_sum / ratings           (hundredths, half up)
 *   NPS            = (promoters - detractors) / answers x 100  (tenths, half away from 0)
 * Training comes from `training` events: per salesperson trainings and
 * training_s; a team's completion is the share of its members with at least
 * one training in the period.
 *
 *   nq_period_t p, prev;
 *   nq_satisf_period_parse("2026-01", &p);       // month 2026-01
 *   nq_period_prev(&p, &prev);                    // 2025-12
 *   nq_satisf_t s;
 *   nq_satisf_from_kpi(&values, &s);
 *   int64_t nps;
 *   if (nq_satisf_nps(&s, &nps)) ...              // 333: NPS 33.3
 */
#ifndef NQ_SATISF_H
#define NQ_SATISF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/kpi.h"
#include "nq/period.h"

typedef struct nq_satisf {
    int64_t rating_sum;            /* sum of ratings */
    int64_t ratings;               /* how many ratings */
    int64_t answers;               /* NPS answers */
    int64_t net;                   /* promoters minus detractors */
    int64_t promoters, detractors; /* with has_split only */
    bool has_split;                /* promoters and detractors known */
} nq_satisf_t;

/* A salesperson's figures from their KPI counters of a period. The split
 * (nps_promoters, nps_detractors) is known when it agrees with the net and
 * the answers (nq_satisf_split_ok); counters scored before the split was
 * kept disagree until a rebuild, and then give no split. */
void nq_satisf_from_kpi(const nq_kpi_values_t *v, nq_satisf_t *out);

/* Whether promoters and detractors can be those of `answers` NPS answers
 * whose net is `net`: none negative, p - d == net, p + d <= answers. */
bool nq_satisf_split_ok(int64_t promoters, int64_t detractors, int64_t net, int64_t answers);

/* Add part to sum. The split stays known only when both knew it; a zero
 * sum (all zero, no split) takes part's split. */
void nq_satisf_add(nq_satisf_t *sum, const nq_satisf_t *part);

/* A customer's figures of period p (a month, quarter or year) from its
 * figures hash (n alternating field/value strings): the month-keyed
 * feedback fields of the months in p summed. Malformed fields are left
 * out. */
void nq_satisf_customer(const char *const *fields, size_t n, const nq_period_t *p,
                        nq_satisf_t *out);

/* A customer's all-time figures from its figures hash (the fields without
 * a month: "rating_sum", "rating_count", "nps_count", "promoters",
 * "detractors"). */
void nq_satisf_customer_total(const char *const *fields, size_t n, nq_satisf_t *out);

/* Add one feedback event's figures to s as the activity indexer counts them
 * (common/lua/customer_events.lua): a rating above 0, an NPS answer of 0 or
 * more (negative: none). */
void nq_satisf_add_feedback(nq_satisf_t *s, int rating, int nps);

/* Whether a and b have the same ratings, answers, promoters and detractors. */
bool nq_satisf_same(const nq_satisf_t *a, const nq_satisf_t *b);

/* Average rating in hundredths (100..500), half up; false without ratings. */
bool nq_satisf_avg(const nq_satisf_t *s, int64_t *hundredths);

/* NPS in tenths (-1000..1000); false without answers. */
bool nq_satisf_nps(const nq_satisf_t *s, int64_t *tenths);

/* The period a ?period= names: "2026-11" a month, "2026-Q4" a quarter,
 * "2026" a year. 0, or -1 when it is none of those. */
int nq_satisf_period_parse(const char *text, nq_period_t *out);

/* A team's training completion in tenths of a percent (0..1000), half up:
 * trained members (at least one training in the period) of members. false
 * without members. */
bool nq_training_completion(int64_t trained, int64_t members, int64_t *tenths);

#endif
