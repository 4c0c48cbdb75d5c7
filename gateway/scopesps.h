/* gateway/scopesps.h — the salespeople a ?scope= names, as the caller may
 * read them (for routes whose subject is GW_SUBJ_BOARD: the scope stage has
 * answered 404 for a team out of the caller's reach):
 *   company            every salesperson of the directory (nq:salespeople)
 *   team:<id>          the team's members now: those of its member set whose
 *                      current team it is (404 for a salesperson caller)
 *   salesperson:<id>   that one, when the caller sees them (404 otherwise)
 * A bad scope is answered 400 naming the field.
 *
 *   static void on_sps(int status, char **ids, size_t n, void *data) { ... }
 *   if (gw_scope_salespeople(req, "team:t-east", 5000, on_sps, call) != 0) free(call);
 */
#ifndef NQ_GATEWAY_SCOPESPS_H
#define NQ_GATEWAY_SCOPESPS_H

#include <stddef.h>

#include "gateway.h"

/* status 0 with the ids (n of them, owned by done: free each and the
 * array); -1 (ids NULL) when Redis failed or the scope holds more than its
 * `max` salespeople: the caller answers 503; 1 (ids NULL) when the scope
 * named a salesperson out of the caller's reach: answered 404 already. */
typedef void (*gw_sps_fn)(int status, char **ids, size_t n, void *data);

/* Resolve `scope` for req's caller. Returns 0 when done will run exactly
 * once; -1 when it answered the request itself (400, 404, 503) and done
 * never runs. */
int gw_scope_salespeople(const gw_request_t *req, const char *scope, size_t max, gw_sps_fn done,
                         void *data);

#endif
