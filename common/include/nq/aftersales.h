/* nq/aftersales.h — the arithmetic of after-sales figures (pure): NPS,
 * ticket SLA targets and breaches, the median time to close, competitor
 * price statistics. Exact integers throughout (ms, fen, tenths).
 *
 *   int64_t t;
 *   nq_nps_tenths(2, 1, 3, &t);                         // 333: NPS 33.3
 *   nq_sla_breached("urgent", opened, opened + 5 * NQ_HOUR_MS);   // true (4 h)
 *   nq_price_stats_t ps = {0};
 *   nq_price_stats_add(&ps, at, 12000);                  // first/last/min/max/avg
 */
#ifndef NQ_AFTERSALES_H
#define NQ_AFTERSALES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NQ_HOUR_MS INT64_C(3600000)

/* An NPS answer (0..10): +1 a promoter (9-10), -1 a detractor (0-6), 0 a
 * passive (7-8) or anything outside 0..10. */
int nq_nps_class(int answer);

/* NPS = (promoters - detractors) / answers x 100, in tenths (-1000..1000),
 * rounded half away from zero, into *tenths. false when answers <= 0. */
bool nq_nps_tenths(int64_t promoters, int64_t detractors, int64_t answers, int64_t *tenths);

/* The SLA target of a ticket's priority, in ms: urgent 4 h, high 24 h,
 * normal 72 h, low 168 h; no priority (NULL, "") or an unknown one is normal. */
int64_t nq_sla_target_ms(const char *priority);

/* When a ticket opened at `opened_at` is overdue: opened_at + the target. */
int64_t nq_sla_due_at(const char *priority, int64_t opened_at);

/* Whether a ticket opened at `opened_at` breaches its SLA at `until` (its
 * close, or now while open): more than the target passed. Exactly the
 * target is on time. */
bool nq_sla_breached(const char *priority, int64_t opened_at, int64_t until);

/* The median of n durations (ms; sorted in place): the middle one, or for
 * an even n the mean of the two middle ones rounded down to the ms. false
 * when n is 0. */
bool nq_median_ms(int64_t *durations, size_t n, int64_t *out);

/* Price observations of one competitor's product. Adding is commutative:
 * first and last are the earliest and latest observations (at the same
 * instant, the lower price first and the higher last), so any arrival order
 * gives the same figures. */
typedef struct nq_price_stats {
    int64_t n;                   /* observations */
    int64_t sum_fen;             /* their sum */
    int64_t min_fen, max_fen;    /* lowest and highest */
    int64_t first_at, first_fen; /* the earliest: when (Unix ms) and its price */
    int64_t last_at, last_fen;   /* the latest */
} nq_price_stats_t;

/* Add one observation of price_fen (>= 0) at `at`. */
void nq_price_stats_add(nq_price_stats_t *ps, int64_t at, int64_t price_fen);

/* The mean price rounded half up to the fen. false when n is 0. */
bool nq_price_stats_avg(const nq_price_stats_t *ps, int64_t *avg_fen);

#endif
