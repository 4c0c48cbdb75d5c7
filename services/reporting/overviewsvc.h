/* services/reporting/overviewsvc.h — KPI overviews on the bus.
 *
 *   kpi.overview.v1  OverviewRequest -> Overview: every metric of a
 *                    salesperson, a team (its members summed over the days
 *                    each was in it) or the company (everyone summed, with
 *                    the unassigned part) for the period containing `at`,
 *                    with target, attainment, pace, projection, the period
 *                    before and the same period last year (roster.h; the
 *                    figures are computed in overview.h).
 * Handler for the reporting ROUTER's route table; `app` is reporting_t.
 */
#ifndef NQ_REPORTING_OVERVIEWSVC_H
#define NQ_REPORTING_OVERVIEWSVC_H

#include "nq/bus.h"

void overviewsvc_on_overview(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                             const ProtobufCMessage *msg, void *app);

#endif
