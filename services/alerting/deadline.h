/* services/alerting/deadline.h — the deadline engine of nq-alerting: due
 * members of a Redis sorted set, taken under a lease across replicas.
 *
 * A clock is a sorted set (member by its deadline, Unix ms) kept in Redis, so
 * deadlines survive any restart. Every tick_ms each replica takes the due
 * members (common/lua/alert_deadline_lease.lua: ZRANGEBYSCORE, each pushed
 * lease_ms ahead, in one script, so no other replica takes them meanwhile)
 * and hands them to its kind's callback, which handles them and calls
 * deadline_done(). A member handled takes itself off the clock (or moves
 * itself later) in the script that stores what it did; one taken by a
 * replica that died comes back after the lease. One take is in flight at a
 * time; a full take is followed by the next as soon as it is handled (a
 * backlog drains at once); a tick is one O(log N) range query, so pending
 * deadlines cost nothing at rest.
 *
 * Kinds: escalation (escalate.h, nq:alert:escalate) and the timer rules
 * (timers.h, nq:alert:timers).
 *
 *   deadline_t *d = deadline_new(svc, NQ_KEY_ALERT_TIMERS, 1000, 30000, 64, on_due, arg);
 *   static void on_due(void *arg, deadline_t *d, char (*ids)[DEADLINE_ID_MAX], size_t n)
 *   { ... handle ..., then deadline_done(d); }
 */
#ifndef NQ_ALERTING_DEADLINE_H
#define NQ_ALERTING_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/service.h"

#define DEADLINE_ID_MAX 200 /* bytes of a member, with its NUL; longer ones are skipped */

typedef struct deadline deadline_t;

/* Members taken (ids[0..n), n >= 1; valid until deadline_done). The
 * callback calls deadline_done(d) once it is through with them. */
typedef void (*deadline_cb)(void *arg, deadline_t *d, char (*ids)[DEADLINE_ID_MAX], size_t n);

/* The engine of clock `zset` (static string), or NULL. Starts its timer. */
deadline_t *deadline_new(nq_service_t *svc, const char *zset, int tick_ms, int lease_ms,
                         int take_max, deadline_cb cb, void *arg);
/* The callback is through with the members of its take: the next tick may take more. */
void deadline_done(deadline_t *d);
/* The score the take in flight gave its members (now + lease): a handler
 * moves a member only while it still has it (an event may have moved it). */
int64_t deadline_leased_until(const deadline_t *d);
/* Stop: the timer closed; members taken come back after their lease. */
void deadline_stop(deadline_t *d);
/* Is it stopping? (A callback answered late drops its work.) */
bool deadline_stopping(const deadline_t *d);
/* Free after the loop ended; sets *d to NULL. */
void deadline_free(deadline_t **d);

#endif
