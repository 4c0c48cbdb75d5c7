/* services/ingest/rebuild_admin.h — asking for a rebuild, reading its progress.
 *
 *   rebuild.start.v1   RebuildRequest -> RebuildStatus: request a rebuild
 *                      (refused while one is running) — a scorer runs it,
 *                      see services/scoring/rebuild.h
 *   rebuild.status.v1  RebuildRequest -> RebuildStatus
 * Handlers for ingest's ROUTER; `app` is the ingest app.
 */
#ifndef NQ_INGEST_REBUILD_ADMIN_H
#define NQ_INGEST_REBUILD_ADMIN_H

#include "nq/bus.h"
#include "nq/service.h"

/* What the handlers need of the ingest app (implemented in ingest.c). */
nq_service_t *ingest_service(void *app);
nq_zsock_t *ingest_router(void *app); /* NULL once stopped */

void rebuild_admin_on_request(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                              const ProtobufCMessage *msg, void *app);

#endif
