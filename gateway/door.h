/* gateway/door.h — what the gateway checks of every request besides who is
 * asking (auth.h): where a browser calls from (CORS), the body's type, the
 * caller's request rate, and the audit entry of every write.
 *
 * Order, for a request that matched a route: CORS headers (and preflights,
 * before routing), the body type (415), then the credential and permission
 * (auth.h), then the caller's rate (429 with Retry-After), then the audit
 * watch (with one Redis read of the record a write changes), then the
 * scope stage and the handler. Rate buckets live in this gateway only (no Redis
 * on the way in); an audit entry is appended once the answer is sent, with
 * its status, one XADD that nobody waits for.
 */
#ifndef NQ_GATEWAY_DOOR_H
#define NQ_GATEWAY_DOOR_H

#include <stdbool.h>

#include "authcache.h"
#include "gateway.h"

typedef struct gw_door gw_door_t;

/* NULL when out of memory. */
gw_door_t *gw_door_new(gateway_t *gw);
void gw_door_free(gw_door_t **d);

/* CORS, before routing: an Origin of NQ_CORS_ORIGINS gets the
 * Access-Control-* headers on its answer; a preflight (OPTIONS with
 * Access-Control-Request-Method) is answered here: 204 for a listed origin,
 * 403 without any Access-Control-* header otherwise. True when answered. */
bool gw_door_cors(gateway_t *gw, nq_http_conn_t *conn, const nq_http_request_t *http);

/* The body types of the activity routes (h_activities.c). */
extern const char *const gw_activity_media[];

/* The body types route `pattern` takes, NULL-ended (mediatype.h): a row of
 * door.c's table, or NULL for application/json only. */
const char *const *gw_door_media_of(const char *pattern);

/* A body must come with a Content-Type the route takes (gw_door_media_of):
 * 415 naming the expected types otherwise. True when answered. */
bool gw_door_media(const gw_request_t *req);

/* The caller is known and allowed: take a token from their bucket (429 with
 * Retry-After when empty), and watch a write's answer for the audit log. A
 * write whose record auditbefore.h knows is held until that record is read
 * (the entry's "before"), then goes on to the scope stage from here. True
 * when answered (429) or held; p is copied when held. */
bool gw_door_admit(gw_door_t *d, const gw_request_t *req, const gw_principal_t *p);

/* Does a route's permission make its requests audited? (writes but
 * activities, the log of their own, and one's own session) */
bool gw_door_audited(nq_perm_t perm);

#endif
