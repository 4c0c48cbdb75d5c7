/* services/reporting/plansvc.h — plan documents on the bus.
 *
 *   plan.put.v1   PlanRequest (document) -> DocumentReply: add a version of a
 *                 team's scorecard or commission plan (checked by plans.c)
 *   plan.get.v1   PlanRequest -> DocumentReply {"versions":[...]}
 * Handler for the reporting ROUTER; `app` is reporting_t. Scores and
 * simulations under these plans: scoresvc.h; boards by score:
 * scoreboardsvc.h.
 */
#ifndef NQ_REPORTING_PLANSVC_H
#define NQ_REPORTING_PLANSVC_H

#include "nq/bus.h"

void plansvc_on_plan(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app);

#endif
