/* services/alerting/timers.h — the timer rules' I/O inside nq-alerting.
 *
 * Deadlines live in Redis (nq:alert:timers, nq/keys.h: "<rule>|<subject>"
 * by deadline), so they survive restarts. The timers' own consumer of the
 * activity log (timercycle.h, group "alerting-timers") hands each batch's
 * deadline changes (timerules.h: timer_plan_event) to timers_apply before it
 * acknowledges the batch: the script alert_timers_set moves them, and for a change that clears the
 * condition (a contact, a ticket closed) the open alert of that timer is
 * resolved with resolve_reason "auto" through the lifecycle's change script
 * (so the SSE stream carries it).
 *
 * The deadline engine (deadline.h) takes due members under a lease across
 * replicas; each is checked on what Redis holds now (the customer's class,
 * owner, last contact and follow-up date as the customers service stores
 * them; the ticket's opening event; the owner's team's rule settings) and
 * either fires (one alert per (rule, subject, window) through the raise
 * script's dedupe key), moves later, or is dropped (alert_timer_done, which
 * leaves a deadline an event moved meanwhile).
 *
 *   timers_t *t = timers_new(svc, &defaults, on_alert, arg);
 *   timers_apply(t, changes, n, on_applied, cycle);
 *   ... timers_stop(t) at stop, timers_free(&t) after the loop ...
 */
#ifndef NQ_ALERTING_TIMERS_H
#define NQ_ALERTING_TIMERS_H

#include "neiqin.pb-c.h"
#include "nq/service.h"
#include "settings.h"
#include "timerules.h"

#define TIMERS_TICK_MS  1000  /* how often due timers are looked for */
#define TIMERS_TAKE_MAX 64    /* timers taken at once */
#define TIMERS_LEASE_MS 30000 /* a taken timer not handled comes back after this */
#define TIMERS_SETTLED_MAX                                                                         \
    64 /* invoices (and the credit alert) a payment's recheck resolves at once */

typedef struct timers timers_t;

/* An alert raised or auto-resolved here, as stored (with its id). */
typedef void (*timers_alert_cb)(void *arg, const Nq__Alert *alert);
/* timers_apply is through: ok false when something was not stored (the batch stays pending). */
typedef void (*timers_done_cb)(void *arg, bool ok);

/* A batch's deadline change, and the event that made it (borrowed). */
typedef struct timer_change {
    timer_plan_t plan;
    const Nq__Activity *ev;
} timer_change_t;

/* The timers of svc with the company defaults (borrowed, outlives it), or NULL. */
timers_t *timers_new(nq_service_t *svc, const alert_config_t *defaults, timers_alert_cb cb,
                     void *arg);
/* Store changes[0..n) and auto-resolve what they clear; done(arg, ok) once,
 * possibly before it returns. changes may be freed after it returns. */
void timers_apply(timers_t *t, const timer_change_t *changes, size_t n, timers_done_cb done,
                  void *arg);
/* Stop: no more takes; taken timers come back after their lease. */
void timers_stop(timers_t *t);
/* Free after the loop ended; sets *t to NULL. */
void timers_free(timers_t **t);

#endif
