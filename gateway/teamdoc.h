/* gateway/teamdoc.h — a per-team JSON document kept in a hash by team id
 * (alert rule overrides in nq:alert:rules, team settings in
 * nq:teams:settings): read one, or replace it, for an HTTP request.
 *
 * Both go through the scripts alert_rules_read / alert_rules_write, which
 * check that the team exists in the same step. The caller's `done` runs
 * only for a known team with the client still there; otherwise this module
 * answers (404 "no such team", 503 naming `what` without Redis).
 *
 *   static void answer(nq_http_conn_t *conn, const char *team, const json_t *doc, void *data);
 *   gw_team_doc_read(req, NQ_KEY_TEAM_SETTINGS, team, "the team settings", answer, NULL);
 *   gw_team_doc_write(req, NQ_KEY_TEAM_SETTINGS, team, doc, "the team settings", answer, NULL);
 */
#ifndef NQ_GATEWAY_TEAMDOC_H
#define NQ_GATEWAY_TEAMDOC_H

#include "gateway.h"

/* The document of `team` (borrowed; NULL: none stored, or stored text that
 * is not JSON). */
typedef void (*gw_team_doc_fn)(nq_http_conn_t *conn, const char *team, const json_t *doc,
                               void *data);

/* Read team's document in `hash`, then done. Answers itself when it cannot
 * (done not called then). */
void gw_team_doc_read(const gw_request_t *req, const char *hash, const char *team, const char *what,
                      gw_team_doc_fn done, void *data);

/* Replace team's document in `hash` with doc (stolen; an empty object
 * removes it), then done with doc. Answers itself when it cannot. */
void gw_team_doc_write(const gw_request_t *req, const char *hash, const char *team, json_t *doc,
                       const char *what, gw_team_doc_fn done, void *data);

#endif
