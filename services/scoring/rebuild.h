/* services/scoring/rebuild.h — recomputing aggregates from the activity log.
 *
 * A rebuild is requested through ingest (nq:rebuild:job state "requested")
 * and run by whichever scorer claims it first (a lease it renews every
 * second; if its scorer dies, another takes the job over from the start).
 * While the suite keeps running:
 *   1. scan: every log entry up to the scorers' delivery point is applied
 *      again, into shadow keys (nq:rb:<attempt>:...), for the periods in
 *      scope (rebuild_scope.h);
 *   2. pause: new deliveries to scorers stop (nq:scoring:paused, checked
 *      atomically by every scorer's pull); once nothing is pending, the
 *      scan catches up to the final delivery point, so the shadow holds
 *      exactly what the live aggregates are supposed to hold;
 *   3. swap: in one MULTI/EXEC transaction, in-scope live keys are
 *      replaced by their shadows (every key named by the scorer: the live
 *      keys from a SCAN, the shadows from the attempt's set); deliveries
 *      resume. Ingest never stops accepting events.
 * The job record and its states: nq/rebuild_job.h.
 * Progress (scanned / total) is kept in the job hash for `nqctl rebuild`.
 */
#ifndef NQ_SCORING_REBUILD_H
#define NQ_SCORING_REBUILD_H

#include "nq/service.h"

#define REBUILD_TICK_MS       1000
#define REBUILD_LEASE_MS      15000
#define REBUILD_CHUNK_EVENTS  8000 /* a scan step reads entries up to this many events */
#define REBUILD_CHUNK_ENTRIES 256  /* ... or this many entries */

typedef struct rebuild rebuild_t;

/* Start watching for rebuild jobs. NULL when out of memory. */
rebuild_t *rebuild_new(nq_service_t *svc);

/* Stop: the timer closes; a job in progress is left to its lease (another
 * scorer takes it over) and the pause expires by itself. NULL-safe. */
void rebuild_stop(rebuild_t *rb);

/* Free once the loop has run dry. NULL-safe. */
void rebuild_free(rebuild_t *rb);

#endif
