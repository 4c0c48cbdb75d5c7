/* gateway/boardscope.h — a leaderboard kept to what its caller may see
 * (pure).
 *
 * A board answer (GET /api/v1/leaderboards) is computed once for everyone
 * and kept (boardcache.h); callers who do not reach every team get it cut
 * down here:
 *   - a team-limited caller (coordinator, key limited to teams) asking for
 *     the company board gets the company totals ("company_totals": how
 *     many salespeople, and the sum of the values of a board of a metric by
 *     value) and, of the entries, only its teams' people, with their
 *     company rank; a board of one of its teams is whole;
 *   - a salesperson gets their own entry, and of their teammates only rank,
 *     movement, id and name, when their team's settings let teammates see
 *     each other (leaderboard_visible, h_team_settings.c); no one else.
 *
 *   gw_board_scope(board, &scope, true, teams_of_entries, "t-east", false);
 */
#ifndef NQ_GATEWAY_BOARDSCOPE_H
#define NQ_GATEWAY_BOARDSCOPE_H

#include <jansson.h>
#include <stdbool.h>

#include "scope.h"

/* Cut `board` (the answer's JSON object, changed in place) to scope s.
 * `company`: the board is the company's; teams[i]: the current team of
 * entries[i]'s salesperson ("" none); own_team and mates_visible: a
 * salesperson's team and its setting. Every-team scopes keep it whole. */
void gw_board_scope(json_t *board, const gw_scope_t *s, bool company, const char *const *teams,
                    const char *own_team, bool mates_visible);

/* Does a team's settings document (JSON text, NULL or "" for none) let
 * its salespeople see each other on boards? Default: no. */
bool gw_board_mates_visible(const char *settings);

#endif
