/* services/alerting/timercycle.h — the timer deadlines' own reader of the
 * activity log inside nq-alerting.
 *
 * Consumer group NQ_GROUP_ALERT_TIMERS (created where timergroup.h says), read
 * by its own cycle on the service's loop (logread.h), so the alert rules'
 * cycle (alerting.h) never waits for deadline writes. A cycle: the
 * salespeople's teams and their rule overrides (alert_context), what each
 * event does to the deadlines (timerules.h), folded per timer (timermerge.h),
 * stored with auto-resolve (timers_apply, TIMERCYCLE_CHUNK at a time), and only then the XACK of its
 * entries: a kill -9 in between leaves them pending, redelivered, applied
 * again to no effect.
 *
 *   timercycle_t *tc = timercycle_new(svc, &defaults, timers, zone, on_ready, arg);
 *   timercycle_connected(tc); timercycle_pull(tc); timercycle_reclaim(tc);
 */
#ifndef NQ_ALERTING_TIMERCYCLE_H
#define NQ_ALERTING_TIMERCYCLE_H

#include "nq/service.h"
#include "settings.h"
#include "timers.h"

#define TIMERCYCLE_CHUNK 128 /* timer changes per alert_timers_set call, one call at a time */

typedef struct timercycle timercycle_t;

/* The reader storing into `timers` with the company defaults (both borrowed,
 * outlive it), local midnight `zone` ms from UTC's; NULL when out of memory.
 * on_ready(arg) once the group exists on a new connection: the caller makes
 * its "alerting" group and starts reading only then (timergroup.h). */
timercycle_t *timercycle_new(nq_service_t *svc, const alert_config_t *defaults, timers_t *timers,
                             int64_t zone, void (*on_ready)(void *arg), void *arg);
/* A new Redis connection: make the group, then read own pending entries and call on_ready. */
void timercycle_connected(timercycle_t *tc);
/* Read (a nudge, the poll). */
void timercycle_pull(timercycle_t *tc);
/* Take over a dead replica's entries. */
void timercycle_reclaim(timercycle_t *tc);
/* Report (info) the changes planned and kept since the last report. */
void timercycle_report(timercycle_t *tc);
void timercycle_stop(timercycle_t *tc);
void timercycle_free(timercycle_t **tc);

#endif
