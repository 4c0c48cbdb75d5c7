/* gateway/scope_check.h — the scope stage: between the door (auth.h) and
 * a route's handler, ask whether the caller may see the subject the row's
 * :id names (router.h gw_subject_t), from org data in Redis, and answer 404
 * (as for something that does not exist) when not.
 *
 * Callers who reach every team go straight on, with no read. A salesperson
 * asking about themselves needs no read either. A team-limited caller costs
 * one read (HGET of the salesperson's current team) for a salesperson
 * subject, two for a customer (its owner, then the owner's team); a team
 * subject is answered from the caller's teams alone. A PUT of a salesperson
 * or customer must also leave it in the caller's scope (the body's team_id,
 * the body's owner_id's team): 403 naming the field otherwise.
 */
#ifndef NQ_GATEWAY_SCOPE_CHECK_H
#define NQ_GATEWAY_SCOPE_CHECK_H

#include "gateway.h"

/* Run req->route's handler when req->who may see its subject (now or after
 * the reads above); otherwise answer here (404, 403, or 503 without Redis). */
void gw_scope_enter(const gw_request_t *req);

/* The current team of each of n salespeople (their profiles' team_id; ""
 * for none or unknown), read in one round trip; then done(teams, data),
 * with teams NULL when Redis did not answer. Returns 0, or -1 (done not
 * called) when the reads could not be sent. */
typedef void (*gw_teams_fn)(const char *const *teams, void *data);
int gw_scope_teams_of(gateway_t *gw, const char *const *ids, size_t n, gw_teams_fn done,
                      void *data);

/* The same from the gateway's cache of salespeople's teams (teamcache.h,
 * at most a second stale): done runs before this returns when every one is
 * known there; otherwise all n are read in one round trip and kept. */
int gw_scope_teams_cached(gateway_t *gw, const char *const *ids, size_t n, gw_teams_fn done,
                          void *data);

#endif
