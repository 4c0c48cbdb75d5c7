/* services/alerting/schedule.h — the schedule rules' checks (pure).
 *
 * A schedule rule runs once a working day (nq/workdays.h) at its time "at"
 * (settings.h: per team over the company default), in the configured zone.
 * A run is due from that minute to the day's end, so a run missed while
 * alerting was down is made when it comes back the same day; the alerts it
 * raises carry the day as their window, and the (rule, subject, window)
 * dedupe key makes the run count once across replicas and restarts.
 *
 *   nq_period_t day;
 *   if (sched_due(&cal, now, cfg.rule[i].v[0], &day)) ... run it for `day` ...
 *   alert_draft_t d;
 *   if (sched_behind_pace(&in, &d)) ... raise d ...
 */
#ifndef NQ_ALERTING_SCHEDULE_H
#define NQ_ALERTING_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "nq/kpi.h"
#include "nq/workdays.h"
#include "rules.h"

/* Is a run at minute `at_minute` of the day (0..1439) due at now_ms? True
 * when the day of now_ms (in the zone) is a working day of cal and now_ms is
 * at or past that minute of it; *day is then that day. */
bool sched_due(const nq_calendar_t *cal, int64_t now_ms, int64_t at_minute, nq_period_t *day);

/* What behind_pace looks at for one salesperson and metric. */
typedef struct sched_pace_in {
    const char *salesperson_id; /* who */
    nq_metric_id_t metric;      /* NQ_METRIC_SALES_AMOUNT or NQ_METRIC_VISITS */
    const nq_kpi_values_t *kpi; /* the month's counters so far */
    bool has_target;            /* the month has a target of the metric */
    double target;              /* it (fen for money) */
    double share;               /* share of the month's working days gone (0..1) */
    int64_t min_pace_pct;       /* behind below this */
    const nq_period_t *month;   /* the month (its key shows) */
    const nq_period_t *day;     /* the run's day: the window */
} sched_pace_in_t;

/* Is the salesperson behind pace on the metric: a target, a pace (some
 * working day gone) below min_pace_pct percent? Fills *d (rule behind_pace,
 * subject "<salesperson>|<metric>", window the day, the figures; the gap is
 * what it takes to be back on plan, whole fen or visits up) when true. */
bool sched_behind_pace(const sched_pace_in_t *in, alert_draft_t *d);

/* no_activity for a salesperson without an event on `day`: fills *d
 * (subject the salesperson, window and period the day, the run's minute). */
void sched_no_activity(const char *salesperson_id, const nq_period_t *day, int64_t at_minute,
                       alert_draft_t *d);

#endif
