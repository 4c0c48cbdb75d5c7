/* services/reporting/boardsvc.h — leaderboards by a metric on the bus.
 *
 *   leaderboard.v1   LeaderboardRequest -> Leaderboard: the salespeople of a
 *                    team or the company on the day of `at` ranked by one
 *                    metric (`by`: its value, or its attainment or pace
 *                    against each one's own target, nq/targets.h), with each
 *                    one's rank at the end of the day before (ranking in
 *                    leaderboard.h; by score: scoreboardsvc.h)
 * Handler for the reporting ROUTER's route table; `app` is reporting_t.
 */
#ifndef NQ_REPORTING_BOARDSVC_H
#define NQ_REPORTING_BOARDSVC_H

#include "nq/bus.h"

void boardsvc_on_leaderboard(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                             const ProtobufCMessage *msg, void *app);

#endif
