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
 *
 * targets_missed runs on the first working day of a month, at its time, for
 * the periods that closed the day before: the month, and the quarter or the
 * year when the month starts one (sched_closes). Its alerts carry the closed
 * period as their window, so a period is reported once whatever the reruns.
 */
#ifndef NQ_ALERTING_SCHEDULE_H
#define NQ_ALERTING_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "nq/kpi.h"
#include "nq/targets.h"
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
    const char *team_id;        /* a team's pace (salesperson_id NULL): the team */
} sched_pace_in_t;

/* Is the salesperson (or team) behind pace on the metric: a target, a pace
 * (some working day gone) below min_pace_pct percent? Fills *d (rule
 * behind_pace, subject "<salesperson>|<metric>" or "team:<team>|<metric>",
 * window the day, the figures; the gap is what it takes to be back on plan,
 * whole fen or visits up) when true. The pace is the overview's and the
 * boards' (overview_against). */
bool sched_behind_pace(const sched_pace_in_t *in, alert_draft_t *d);

/* no_activity for a salesperson without an event on `day`: fills *d
 * (subject the salesperson, window and period the day, the run's minute). */
void sched_no_activity(const char *salesperson_id, const nq_period_t *day, int64_t at_minute,
                       alert_draft_t *d);

/* The periods whose close is due at now_ms for a run at `at_minute`: when
 * the day of now_ms is the first working day of its month (the days before
 * it in the month are not working days of cal) and now_ms is at or past the
 * minute, the month before, then the quarter before when the month starts a
 * quarter, then the year before when it starts a year, into closed[] (room
 * for 3). Returns how many (0: none due). *day is the run's day when > 0. */
size_t sched_closes(const nq_calendar_t *cal, int64_t now_ms, int64_t at_minute, nq_period_t *day,
                    nq_period_t closed[3]);

/* What targets_missed looks at for one subject, metric and closed period. */
typedef struct sched_close_in {
    const char *salesperson_id;  /* who, or NULL for a team */
    const char *team_id;         /* the team (for a salesperson: theirs, "" none) */
    nq_metric_id_t metric;       /* any metric of nq/kpi.h */
    const nq_kpi_values_t *kpi;  /* the closed period's counters */
    const nq_targets_t *targets; /* its targets as used (set or derived) */
    int64_t min_attainment_pct;  /* missed below this */
    const nq_period_t *period;   /* the closed period: the window */
} sched_close_in_t;

/* Did the subject miss the closed period's target of the metric: a target
 * (set or derived), the actual defined, attainment below min_attainment_pct
 * percent (a negative actual counts 0, as in the overview)? Fills *d (rule
 * targets_missed, subject as behind_pace's, window and period the period's
 * key) when true. */
bool sched_target_missed(const sched_close_in_t *in, alert_draft_t *d);

/* The rows' describe (rules.h) of behind_pace, no_activity and
 * targets_missed (schedtext.c): the English text, and the Chinese from the
 * i18n catalogue (nq/i18n.h) with the figures written the Chinese way. */
void sched_pace_describe(alert_draft_t *d, const alert_names_t *n);
void sched_idle_describe(alert_draft_t *d, const alert_names_t *n);
void sched_missed_describe(alert_draft_t *d, const alert_names_t *n);

#endif
