/* services/reporting/plansvc.h — plans, scores and simulations on the bus.
 *
 *   plan.put.v1   PlanRequest (document) -> DocumentReply: add a version of a
 *                 team's scorecard or commission plan (checked by plans.c)
 *   plan.get.v1   PlanRequest -> DocumentReply {"versions":[...]}
 *   score.v1      ScoreRequest (salesperson_id) -> DocumentReply: the
 *                 salesperson's score and commission for the period, with
 *                 the plans of their team on the day of `at` in the versions
 *                 in force at the period's start, explained
 *   simulate.v1   ScoreRequest (team_id, drafts) -> DocumentReply: every
 *                 member on the day of `at` under the live and the draft
 *                 plans, side by side
 *   score.board.v1 LeaderboardRequest -> Leaderboard: a team's (or every)
 *                 salesperson on the reference day ranked by score, each
 *                 under the scorecard of their team that day, with the rank
 *                 at the end of the day before (membership: roster.h)
 * Handlers for the reporting ROUTER; `app` is reporting_t.
 */
#ifndef NQ_REPORTING_PLANSVC_H
#define NQ_REPORTING_PLANSVC_H

#include "nq/bus.h"

/* Largest plan document accepted, bytes. */
#define PLANSVC_DOC_MAX 65536

void plansvc_on_plan(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app);
void plansvc_on_score_board(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                            const ProtobufCMessage *msg, void *app);
void plansvc_on_score(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *app);

#endif
