/* services/reporting/kpiview.h — targets and KPI overviews on the bus.
 *
 *   target.put.v1    TargetRequest (values) -> TargetReply: replace the
 *                    targets of a subject for one period
 *   target.get.v1    TargetRequest -> TargetReply
 *   kpi.overview.v1  OverviewRequest -> Overview: every metric of a
 *                    salesperson, a team (its members summed over the days
 *                    each was in it) or the company (everyone summed, with
 *                    the unassigned part) for the period containing `at`,
 *                    with target, attainment, pace, projection, the period
 *                    before and the same period last year (roster.h).
 *   leaderboard.v1   LeaderboardRequest -> Leaderboard: the salespeople of a
 *                    team or the company on the day of `at` ranked by one
 *                    metric, with each one's rank at the end of the day before
 *   target.split.v1  TargetSplitRequest -> DocumentReply: a team target split
 *                    among its members at the end of the period or now (even,
 *                    by weights, by last period's share), as a proposal or,
 *                    with confirm, written
 * Handlers for the reporting ROUTER's route table; `app` is reporting_t.
 */
#ifndef NQ_REPORTING_KPIVIEW_H
#define NQ_REPORTING_KPIVIEW_H

#include "nq/bus.h"

void kpiview_on_target(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *app);
void kpiview_on_overview(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                         const ProtobufCMessage *msg, void *app);
void kpiview_on_split(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *app);
void kpiview_on_leaderboard(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                            const ProtobufCMessage *msg, void *app);

#endif
