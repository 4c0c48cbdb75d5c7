/* services/reporting/scoresvc.h — scores and simulations on the bus.
 *
 *   score.v1      ScoreRequest (salesperson_id) -> DocumentReply: the
 *                 salesperson's score and commission for the period, with
 *                 the plans of their team on the day of `at` in the versions
 *                 in force at the period's start, explained
 *   simulate.v1   ScoreRequest (team_id, drafts) -> DocumentReply: every
 *                 member on the day of `at` under the live and the draft
 *                 plans, side by side
 * Handler for the reporting ROUTER; `app` is reporting_t.
 */
#ifndef NQ_REPORTING_SCORESVC_H
#define NQ_REPORTING_SCORESVC_H

#include "nq/bus.h"

void scoresvc_on_score(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *app);

#endif
