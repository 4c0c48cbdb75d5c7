/* services/alerting/escalate.h — alerts not acknowledged in time escalate, inside nq-alerting.
 *
 * The clock is a sorted set in Redis (NQ_KEY_ALERT_ESCALATE: alert id by its
 * deadline, raised_at + the rule's escalate_after_min for the alert's team,
 * settings.h), filled by the script that raises the alert (alerting.h), so a
 * deadline survives any restart. Acknowledging or resolving an alert takes it
 * off the clock in the script that stores the change (alert_change).
 *
 * Every ESCALATE_TICK_MS the deadline engine (deadline.h) takes the due
 * entries (alert_deadline_lease: ZRANGEBYSCORE and each pushed
 * ESCALATE_LEASE_MS ahead, in one script, so no other replica takes them
 * meanwhile), reads their alerts and applies
 * alert_escalate (lifecycle.h: the state stays open, the severity is kept,
 * escalated_at is set, change "escalated") through alert_change, which writes
 * only when the alert's version is the one read and takes it off the clock.
 * The change is an entry of the alert stream like any other: the SSE stream
 * carries it, and the delivery sender sends it again to the team's channels
 * as an escalation (deliver.h). An alert acknowledged in between is not
 * escalated (its version moved; it is off the clock); a replica that dies
 * after taking entries leaves them to come back after the lease: each alert
 * escalates once.
 *
 *   escalate_t *e = escalate_new(svc, on_escalated, arg);
 *   ... escalate_stop(e) at stop, escalate_free(&e) after the loop ...
 */
#ifndef NQ_ALERTING_ESCALATE_H
#define NQ_ALERTING_ESCALATE_H

#include "neiqin.pb-c.h"
#include "nq/service.h"

#define ESCALATE_TICK_MS  1000  /* how often due escalations are looked for */
#define ESCALATE_TAKE_MAX 64    /* alerts taken at once */
#define ESCALATE_LEASE_MS 30000 /* a taken alert not escalated comes back after this */

typedef struct escalate escalate_t;

/* An alert (with its id) escalated here, as stored. */
typedef void (*escalate_cb)(void *arg, const Nq__Alert *alert);

/* The escalation timer of svc, or NULL. Starts its timer. */
escalate_t *escalate_new(nq_service_t *svc, escalate_cb cb, void *arg);
/* Stop: the timer closed; entries taken come back after their lease. */
void escalate_stop(escalate_t *e);
/* Free after the loop ended; sets *e to NULL. */
void escalate_free(escalate_t **e);

#endif
