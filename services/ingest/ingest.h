/* services/ingest/ingest.h — the ingest service: validates activity batches
 * from the gateway, appends them to the durable log, answers only after
 * Redis has them, and tells scorers that new entries are waiting.
 *
 * Bus: ROUTER at cfg.ingest_endpoint ("activity.batch.v1", "sys.ping.v1");
 * PUB at cfg.stored_endpoint ("activity.stored.v1" after each append).
 */
#ifndef NQ_INGEST_H
#define NQ_INGEST_H

#include "nq/service.h"

typedef struct ingest ingest_t;

/* Bind the sockets. Returns NULL on failure (logged). */
void *ingest_new(nq_service_t *svc);

/* Service stop hook: close sockets; batches in flight still finish in Redis. */
void ingest_stop(void *ingest);

void ingest_free(void *app);

#endif
