/* services/alerting/logread.h — one consumer group's reads of a stream inside
 * nq-alerting: the activity log's alert rules' and timers' groups, the
 * customer signals' group (sigread.h) each have one.
 *
 * One read or cycle in flight at a time: after a (re)connection this
 * consumer's own pending entries first, a dead replica's (XAUTOCLAIM, idle
 * ALERTING_RECLAIM_IDLE_MS, alerting.h) when the reclaim is due, else new ones, as many as
 * readsize.h suggests within the spec's bounds. Each non-empty read is handed to the owner's batch
 * callback, which starts a cycle and calls logread_done once it is over
 * (the cycle acknowledges its own entries, after its writes).
 *
 *   static const logread_spec_t spec = {NQ_KEY_ACTIVITIES, NQ_GROUP_ALERTING,
 *                                       ALERTING_PULL_ENTRIES, ALERTING_PULL_MAX,
 *                                       ALERTING_RECLAIM_ENTRIES};
 *   logread_t *lr = logread_new(svc, &spec, on_batch, arg);
 *   logread_hold(lr); ... the group made ... logread_connected(lr);
 *   ... logread_pull(lr) on a nudge ...
 *   static bool on_batch(void *arg, const redisReply *entries, bool full, int64_t sent_at)
 *   { start a cycle; return true; }   ... then logread_done(lr, full) ...
 */
#ifndef NQ_ALERTING_LOGREAD_H
#define NQ_ALERTING_LOGREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "nq/service.h"

typedef struct logread logread_t;

/* What a reader reads (static strings). */
typedef struct logread_spec {
    const char *stream; /* the stream's key (nq/keys.h) */
    const char *group;  /* its consumer group */
    int read_min;       /* entries per read at rest (and at least) */
    int read_max;       /* entries per read behind a backlog (at most; read_min: fixed) */
    int reclaim;        /* entries taken over per reclaim */
} logread_spec_t;

/* Entries read ([id, fields] ..., at least one); full: the read came back
 * full; sent_at: when it was asked for, ms. Returns true when a cycle started
 * (it calls logread_done), false when there was nothing to do. */
typedef bool (*logread_batch_cb)(void *arg, const redisReply *entries, bool full, int64_t sent_at);

/* The reader of spec (copied; its strings borrowed for good), or NULL. */
logread_t *logread_new(nq_service_t *svc, const logread_spec_t *spec, logread_batch_cb cb,
                       void *arg);
/* Read the next entries (or read again once the cycle in flight is over). */
void logread_pull(logread_t *lr);
/* The next pull takes over a dead replica's entries. */
void logread_reclaim(logread_t *lr);
/* A new connection: no reads until logread_connected (the group may not exist yet). */
void logread_hold(logread_t *lr);
/* The group exists on the new connection: calls of the old one were answered
 * NULL; own pending entries first. */
void logread_connected(logread_t *lr);
/* The cycle is over: read again at once when `again` (its read was full) or nudged meanwhile. */
void logread_done(logread_t *lr, bool again);
/* No more reads. */
void logread_stop(logread_t *lr);
void logread_free(logread_t **lr);

#endif
