/* gateway/auth.h — the check at the door: who is asking, and may they.
 *
 * Every request that matched a route comes here before its handler. An open
 * route (NQ_OPEN) goes straight on. Otherwise the caller is an API key
 * ("Authorization: Bearer nq_..."), or a signed-in session (the nq_session
 * cookie); /metrics also lets in the addresses of NQ_METRICS_ALLOW. The
 * credential is looked up in the gateway's cache (authcache.h), or in Redis
 * once when the cache does not know it; then the route's permission is
 * checked against the role or scope (nq/roles.h), and a write with a session
 * must repeat the session's CSRF token in X-CSRF-Token. The answers given
 * here: 401 (no, malformed, unknown, revoked or expired credential; with
 * WWW-Authenticate), 403 (not allowed, or CSRF token missing or wrong), 503
 * (Redis needed and away).
 *
 * The cache is emptied whenever nq:auth:version changes; it is polled every
 * AUTH_POLL_MS, and while the poll fails the cache is not trusted (each
 * request asks Redis, or gets 503), so access withdrawn is gone within a
 * second. The same poll reads nq:org:version for the cache of salespeople's
 * teams (teamcache.h). Keys' last_used is written from the poll, never per request.
 */
#ifndef NQ_GATEWAY_AUTH_H
#define NQ_GATEWAY_AUTH_H

#include "authcache.h"
#include "gateway.h"
#include "teamcache.h"

#define AUTH_POLL_MS  500   /* how often nq:auth:version is read */
#define AUTH_TRUST_MS 1000  /* the cache is used only this long after a good poll */
#define AUTH_RENEW_MS 60000 /* a session's idle expiry is renewed at most this often */

/* Start the door (its poll timer). NULL when out of memory. */
gw_auth_t *gw_auth_new(gateway_t *gw);

/* Stop the timer; memory is freed once it has closed (run the loop). Sets
 * *a to NULL; safe on NULL. */
void gw_auth_stop(gw_auth_t **a);

/* Run req->route's handler with req->who set when the caller may (now, or
 * after one Redis read); otherwise answer here. req->who is valid only while
 * the handler runs. */
void gw_auth_door(gw_auth_t *a, const gw_request_t *req);

/* Keep a principal just made (a sign-in) in the cache. */
void gw_auth_remember(gw_auth_t *a, const gw_principal_t *p);

/* Stop trusting the cached session `hash` here at once (sign-out; other
 * gateways follow the version within a second). */
void gw_auth_forget(gw_auth_t *a, const char *hash);

/* Fill a principal from a session and its user; -1 when the user may not
 * sign in (disabled, unknown role). */
int gw_principal_from_user(gw_principal_t *p, const char *hash, const nq_session_t *s,
                           const nq_user_t *u);

/* Is addr one of the comma-separated addresses of `list`? */
bool gw_addr_listed(const char *list, const char *addr);

/* The salespeople's teams known here (teamcache.h), emptied whenever
 * nq:org:version moves (read by the same poll); NULL while the poll is not
 * trusted (ask Redis then). */
team_cache_t *gw_auth_team_cache(gw_auth_t *a);

/* Cache figures for /metrics: hits, misses (Redis reads), entries. */
void gw_auth_counts(const gw_auth_t *a, uint64_t *hits, uint64_t *misses, size_t *entries);

#endif
