/* services/reporting/splitsvc.h — team target splits on the bus.
 *
 *   target.split.v1  TargetSplitRequest -> DocumentReply: a team target split
 *                    among its members at the end of the period or now (even,
 *                    by weights, by last period's share), as a proposal or,
 *                    with confirm, written (the shares are computed in split.h)
 * Handler for the reporting ROUTER's route table; `app` is reporting_t.
 */
#ifndef NQ_REPORTING_SPLITSVC_H
#define NQ_REPORTING_SPLITSVC_H

#include "nq/bus.h"

void splitsvc_on_split(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *app);

#endif
