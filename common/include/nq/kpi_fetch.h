/* nq/kpi_fetch.h — reading KPI counters and targets from Redis (hiredis
 * async). The counters are read as nq/kpi.h says: the KPI hashes of the
 * stored periods (nq_kpi_parts, nq_kpi_span_parts) summed, and the set
 * counters (key customers visited / owned, orders due / on time) from one
 * read-only script each, all in one pipeline; the state counters (tickets
 * overdue, receivables overdue, the DSO's balance and invoiced amounts) for
 * the period's end or now (nq_kpi_state_at) from the salesperson's tickets
 * hash and the receivables facts of the customers in nq:{sp:<id>}:ar (one
 * HGETALL each, after the set's SMEMBERS). Targets as nq/targets.h says:
 * set, or for a quarter or year derived from the months'.
 *
 *   static void on_kpis(int status, const nq_kpi_values_t *v, void *data) { ... }
 *   nq_kpi_fetch(redis, "sp-zhangwei", &month, on_kpis, call);
 */
#ifndef NQ_KPI_FETCH_H
#define NQ_KPI_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/period.h"
#include "nq/redis.h"
#include "nq/targets.h"

/* Read one salesperson's counters for a period: the KPI hashes
 * (nq_kpi_parts), and from sets the key customers at the period's end and
 * how many were visited in it, the orders due in it and how many of those
 * were fulfilled on time, in one pipeline. `cb` runs exactly once: status 0
 * with the values, or -1 (values zero) when Redis failed. Returns -1 without
 * calling cb when Redis is not connected. */
typedef void (*nq_kpi_fetch_cb)(int status, const nq_kpi_values_t *values, void *data);
int nq_kpi_fetch(nq_redis_t *r, const char *salesperson_id, const nq_period_t *period,
                 nq_kpi_fetch_cb cb, void *data);

/* Read one salesperson's counters over the days of `spans` (as for
 * nq_kpi_span_parts): the same reads as nq_kpi_fetch over those parts, the
 * last span's end standing for the period's end. So the key customers are
 * those at the end of the last span, of them the ones visited on any day of
 * the spans, and the orders due on any of those days with those of them
 * fulfilled on time: each counted once over all the spans. Same contract as
 * nq_kpi_fetch (-1 also for n == 0). Reading a team's figures, each
 * member's days in the team are their spans. */
int nq_kpi_fetch_spans(nq_redis_t *r, const char *salesperson_id, const nq_span_t *spans, size_t n,
                       nq_kpi_fetch_cb cb, void *data);

/* Read a subject's targets of a period as they are used (nq/targets.h):
 * the target hashes of `reads` (nq_target_reads_init, once per request for
 * every subject; borrowed until cb runs) in one pipeline (1 for a day, week
 * or month; 4 for a quarter; 17 for a year), resolved. metric >= 0 reads
 * only that metric's field (HMGET), -1 every metric (HGETALL). `cb` runs
 * exactly once: status 0 with the targets, or -1 (no targets) when Redis
 * failed. Returns -1 without calling cb when Redis is not connected or
 * `reads` is empty.
 *
 *   nq_target_reads_init(&call->reads, &quarter, &app->cal);
 *   nq_targets_fetch(redis, NQ_SUBJECT_TEAM, "t-east", &call->reads, -1, on_t, call);
 */
typedef void (*nq_targets_fetch_cb)(int status, const nq_targets_t *targets, void *data);
int nq_targets_fetch(nq_redis_t *r, nq_subject_t subject, const char *id,
                     const nq_target_reads_t *reads, int metric, nq_targets_fetch_cb cb,
                     void *data);

/* Fill targets from an HGETALL reply of a target hash: field = metric name,
 * value = target in the metric's unit. Unknown fields are ignored, and so is
 * a target of 0: it means no target (docs/metrics.md). */
void nq_targets_from_reply(const redisReply *reply, double target[NQ_METRIC_COUNT],
                           bool has[NQ_METRIC_COUNT]);

#endif
