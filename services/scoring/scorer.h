/* services/scoring/scorer.h — a scoring worker (run as many as needed).
 *
 * Scorers share the work through the Redis consumer group "scoring" on the
 * activity log: each pulls new entries (XREADGROUP; one entry is one stored
 * batch of events, nq/actlog.h), applies them with one transaction, and
 * publishes what changed. Pulls go over a connection of their own, so the
 * next batch is pulled and summed while the previous one is applied (at most
 * SCORER_APPLIES applying, one ready, one being pulled). One apply at a time:
 * ingest's appends then wait behind at most one apply in Redis, not two
 * (bench/README.md has the figures), and what arrives meanwhile makes the
 * next batch.
 * Exactly once: the transaction (scorer.c, batch_sum) applies the summed
 * increments and XACKs the entries only if every one is still pending with
 * this scorer; if some went elsewhere it applies nothing and the scorer
 * re-sums just the rest. Entries left pending by a scorer that died are taken
 * over after SCORER_RECLAIM_IDLE_MS (XAUTOCLAIM, bumping nq:scoring:claims).
 *
 * Bus: SUB to cfg.stored_endpoint ("activity.stored.v1" wakes the scorer);
 * PUB connected to cfg.changes_endpoint ("kpi.changed.v1").
 */
#ifndef NQ_SCORER_H
#define NQ_SCORER_H

#include "nq/service.h"

/* A pull takes entries until they hold this many events or make this many
 * entries; a reclaim takes at most SCORER_RECLAIM_ENTRIES entries. */
#define SCORER_BATCH_EVENTS    16000
#define SCORER_BATCH_ENTRIES   256
#define SCORER_RECLAIM_ENTRIES 4
#define SCORER_APPLIES         1 /* apply calls in flight */
#define SCORER_POLL_MS         1000
#define SCORER_RECLAIM_MS      2000
#define SCORER_RECLAIM_IDLE_MS 5000

typedef struct scorer scorer_t;

void *scorer_new(nq_service_t *svc);
void scorer_stop(void *scorer);
void scorer_free(void *app);

#endif
