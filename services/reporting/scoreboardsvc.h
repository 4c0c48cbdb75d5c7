/* services/reporting/scoreboardsvc.h — leaderboards by score on the bus.
 *
 *   score.board.v1 LeaderboardRequest -> Leaderboard: a team's (or every)
 *                 salesperson on the reference day ranked by score, each
 *                 under the scorecard of their team that day, with the rank
 *                 at the end of the day before (membership: roster.h)
 * Handler for the reporting ROUTER; `app` is reporting_t. Boards by a
 * metric: boardsvc.h.
 */
#ifndef NQ_REPORTING_SCOREBOARDSVC_H
#define NQ_REPORTING_SCOREBOARDSVC_H

#include "nq/bus.h"

void scoreboardsvc_on_score_board(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                                  const ProtobufCMessage *msg, void *app);

#endif
