/* services/customers/indexer.h — the activity indexer: keeps the activity
 * index (nq/actindex.h) from the activity log, inside nq-customers.
 *
 * It reads nq:activities through a consumer group of its own, "index"
 * (created at the log's start, so a first start over an existing log indexes
 * all of it, logging its progress), over a Redis connection of its own, so
 * its writes never queue in front of org requests. Each pull (at most
 * INDEXER_BATCH_EVENTS events or INDEXER_BATCH_ENTRIES entries) is written
 * and acknowledged in one MULTI/EXEC (actwrite.h). After a full pull the
 * next goes out ahead of its write, up to INDEXER_WRITES transactions in
 * flight, so that Redis has the next batch when it ends one. Every write is
 * idempotent, so an entry delivered twice, or pulled again by another
 * instance, changes nothing, and order never matters: no guard is needed.
 * Entries left pending by an instance that died are taken over after
 * INDEXER_RECLAIM_IDLE_MS (XAUTOCLAIM, its own included after a restart).
 *
 * A rebuild request (nq:rebuild:job, POST /api/v1/admin/rebuild) sets the
 * group back to the log's start once (actindex_replay.lua, remembered in
 * nq:actindex:replayed): the whole log is indexed again, which fills in what is
 * missing and rewrites the rest unchanged, while readers see the index whole.
 *
 * The follow-ups that contacts move are refreshed outside the transaction,
 * in rounds of their own over the same connection (ctrefresh.h).
 *
 * Bus: SUB to cfg.stored_endpoint ("activity.stored.v1" pulls at once);
 * otherwise it pulls every INDEXER_TICK_MS.
 */
#ifndef NQ_CUSTOMERS_INDEXER_H
#define NQ_CUSTOMERS_INDEXER_H

#include "nq/service.h"

#define INDEXER_BATCH_EVENTS    2000 /* a pull's events: one transaction stays a few ms */
#define INDEXER_BATCH_ENTRIES   64
#define INDEXER_WRITES          3 /* transactions in flight */
#define INDEXER_RECLAIM_ENTRIES 4
#define INDEXER_TICK_MS         1000
#define INDEXER_RECLAIM_TICKS   2 /* reclaim every this many ticks */
#define INDEXER_RECLAIM_IDLE_MS 5000
#define INDEXER_PROGRESS_MS     5000 /* how often a backlog's progress is logged */
/* Each tick, and each batch written, also runs the looks of the
 * overdue-receivable list index that are due (arwatch.h).
 * Each tick also sweeps newly overdue follow-ups into their list index,
 * looking this far back before the last sweep (instances' clocks differ). */
#define INDEXER_SWEEP_OVERLAP_MS 3600000

typedef struct indexer indexer_t;

/* Start indexing (connects at once). NULL when out of memory or the bus
 * socket cannot be made (logged). */
indexer_t *indexer_new(nq_service_t *svc);

/* Stop: the socket and the timer close; a transaction in flight still
 * completes (or its entries stay pending and are taken over). NULL-safe. */
void indexer_stop(indexer_t *ix);

/* Free once the loop has run dry. NULL-safe. */
void indexer_free(indexer_t *ix);

#endif
