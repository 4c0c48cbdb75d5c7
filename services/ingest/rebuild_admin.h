/* services/ingest/rebuild_admin.h — asking for a rebuild, reading its progress.
 *
 *   rebuild.start.v1   RebuildRequest -> RebuildStatus: request a rebuild
 *                      (refused while one is running) — a scorer runs it,
 *                      see services/scoring/rebuild.h
 *   rebuild.status.v1  RebuildRequest -> RebuildStatus
 * The job record and its states: nq/rebuild_job.h.
 *
 *   rebuild_admin_t admin = {svc->redis, router};   // embedded in the ingest app
 *   rebuild_admin_on_request(&admin, env, msg);     // from its route handler
 *   admin.router = NULL;                            // once the router is gone
 */
#ifndef NQ_INGEST_REBUILD_ADMIN_H
#define NQ_INGEST_REBUILD_ADMIN_H

#include "nq/bus.h"
#include "nq/redis.h"

/* What the handlers need of the service; it must outlive their replies. */
typedef struct rebuild_admin {
    nq_redis_t *redis;  /* the service's Redis client */
    nq_zsock_t *router; /* where answers go; NULL once the service stopped */
} rebuild_admin_t;

/* Serve a rebuild.start.v1 or rebuild.status.v1 request. */
void rebuild_admin_on_request(rebuild_admin_t *admin, const nq_bus_envelope_t *env,
                              const ProtobufCMessage *msg);

#endif
