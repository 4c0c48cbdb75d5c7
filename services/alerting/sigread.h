/* services/alerting/sigread.h — the customer signals' consumer in nq-alerting.
 *
 * Reads nq:customer:signals (nq/keys.h: credit flags and pool warnings the
 * customers service appends) through the consumer group "alerting" with the
 * same reader as the activity log (logread.h): its own pending entries first
 * after a start, then new ones; entries a dead replica left pending are taken
 * over with XAUTOCLAIM after ALERTING_RECLAIM_IDLE_MS. One entry at a time: the owner's
 * name and team and the team's rule settings (alert_context), the rule
 * (custsig.h), the names (alert_names), then alert_raise stores the alert
 * (once per (rule, subject, window)) and XACKs the entry in the same script,
 * so an entry is acknowledged only once its alert is stored and a redelivered
 * one raises nothing twice. An entry that is not a signal is acknowledged.
 * A credit alert is raised with its record as its order's open credit alert
 * (nq:alert:timer:open "credit_limit|<customer>/<order ref>", custsig_open_member)
 * in that same script, for the auto-resolve (timers.h: a payment that takes the
 * balance back under the limit): no alert without its record.
 *
 *   sigread_t *s = sigread_new(svc, &defaults, recency_ms, on_alert, arg);
 *   sigread_connected(s) on every Redis (re)connection; sigread_pull(s) on the
 *   owner's poll and nudges, sigread_reclaim(s) on its reclaim timer;
 *   sigread_stop, sigread_free.
 */
#ifndef NQ_ALERTING_SIGREAD_H
#define NQ_ALERTING_SIGREAD_H

#include "neiqin.pb-c.h"
#include "nq/service.h"
#include "settings.h"

#define SIGREAD_PULL_ENTRIES 32 /* entries per read */

typedef struct sigread sigread_t;

/* An alert raised here, as stored (with its id). */
typedef void (*sigread_alert_cb)(void *arg, const Nq__Alert *alert);

/* The consumer of svc with the company defaults (borrowed), or NULL. */
sigread_t *sigread_new(nq_service_t *svc, const alert_config_t *defaults, int64_t recency_ms,
                       sigread_alert_cb cb, void *arg);
/* Redis (re)connected: make the group, read own pending entries, then new ones. */
void sigread_connected(sigread_t *s);
/* Read the next entries (once the read or entry in flight is over). */
void sigread_pull(sigread_t *s);
/* The next read takes over a dead replica's entries. */
void sigread_reclaim(sigread_t *s);
/* Stop reading (entries in flight come back as pending). */
void sigread_stop(sigread_t *s);
/* Free after the loop ended; sets *s to NULL. */
void sigread_free(sigread_t **s);

#endif
