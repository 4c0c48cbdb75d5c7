/* services/alerting/schedrun.h — the schedule rules' runs, inside nq-alerting.
 *
 * Every SCHED_TICK_MS each replica reads the teams (nq:ix:teams:archived=0,
 * and "" for salespeople without one) and their rule overrides, and for each
 * (schedule rule, team) due today (schedule.h: a working day, at or past the
 * rule's "at" for the team) and not run here yet today, reads the team's
 * members now (nq:ix:salespeople:team=<t>):
 *   behind_pace: the month's counters and targets (nq/kpi_fetch.h) -> pace
 *     on sales_amount and visits against min_pace_pct; and the team's own:
 *     its counters over the days each member was in it, read as the team's
 *     overview reads them (roster_read, roster_fetch_share: roster.h), and
 *     its month target;
 *   no_activity: one event of the day in the activity index (the read behind
 *     GET /teams/{id}/idle);
 *   targets_missed (on the first working day of a month, schedule.h
 *     sched_closes): the same reads for each period closed, every metric of
 *     the rule's `metrics` with a target (set or derived).
 * The alerts are raised by the same script as event alerts (alert_raise,
 * alerting.h: no log entries), once per (rule, subject, day) whatever the
 * replica or restart. A run whose reads or raise failed is made again on
 * the next tick.
 *
 *   sched_t *s = sched_new(svc, &defaults, on_raised, arg);
 *   ... sched_stop(s) at stop, sched_free(&s) after the loop ...
 */
#ifndef NQ_ALERTING_SCHEDRUN_H
#define NQ_ALERTING_SCHEDRUN_H

#include "neiqin.pb-c.h"
#include "nq/service.h"
#include "settings.h"

#define SCHED_TICK_MS  10000 /* how often due runs are looked for */
#define SCHED_DONE_MAX 4096  /* (rule, team) runs remembered for the day */

typedef struct sched sched_t;

/* An alert (with its id) raised here. */
typedef void (*sched_raised_cb)(void *arg, const Nq__Alert *alert);

/* The scheduler of svc (defaults borrowed: the company defaults of every
 * rule), or NULL (the calendar does not parse). Starts its timer. */
sched_t *sched_new(nq_service_t *svc, const alert_config_t *defaults, sched_raised_cb cb,
                   void *arg);
/* Stop: the timer closed; a run in flight ends without raising. */
void sched_stop(sched_t *s);
/* Free after the loop ended; sets *s to NULL. */
void sched_free(sched_t **s);

#endif
