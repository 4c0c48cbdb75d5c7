/* schedule.c — the schedule rules' checks. See schedule.h. */
#include "schedule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "overview.h"

#define MIN_MS 60000LL

bool sched_due(const nq_calendar_t *cal, int64_t now_ms, int64_t at_minute, nq_period_t *day)
{
    if (at_minute < 0 || at_minute >= 24 * 60 || nq_period_of(NQ_PERIOD_DAY, now_ms, day) != 0)
        return false;
    return nq_calendar_workday(cal, now_ms) && now_ms >= day->start_ms + at_minute * MIN_MS;
}

static void draft_new(alert_draft_t *d, const char *rule, const char *severity, const char *who,
                      const nq_period_t *day)
{
    memset(d, 0, sizeof(*d));
    d->rule = rule;
    d->severity = severity;
    d->rating = d->nps = -1;
    snprintf(d->salesperson_id, sizeof(d->salesperson_id), "%s", who);
    snprintf(d->window, sizeof(d->window), "%s", day->key);
}

bool sched_behind_pace(const sched_pace_in_t *in, alert_draft_t *d)
{
    double actual;
    bool defined = nq_metric_value(in->metric, in->kpi, &actual);
    overview_against_t a;
    overview_against(in->metric, defined, actual, in->has_target, in->target, in->share, &a);
    /* pace x 100 < min, with a hair of slack so 0.8 read back as 0.79999... is not behind */
    if (!a.has_pace || !a.has_gap || a.pace * 100.0 >= (double)in->min_pace_pct - 1e-9)
        return false;
    draft_new(d, "behind_pace", alert_rule_find("behind_pace")->severity, in->salesperson_id,
              in->day);
    const char *name = nq_metric_defs[in->metric].name;
    snprintf(d->subject, sizeof(d->subject), "%s|%s", in->salesperson_id, name);
    snprintf(d->metric, sizeof(d->metric), "%s", name);
    snprintf(d->period, sizeof(d->period), "%s", in->month->key);
    d->actual = actual;
    d->target = in->target;
    d->pace = a.pace;
    d->min_pace_pct = (int32_t)in->min_pace_pct;
    d->gap = ceil(a.gap - 1e-9);
    return true;
}

void sched_no_activity(const char *salesperson_id, const nq_period_t *day, int64_t at_minute,
                       alert_draft_t *d)
{
    draft_new(d, "no_activity", alert_rule_find("no_activity")->severity, salesperson_id, day);
    snprintf(d->subject, sizeof(d->subject), "%s", salesperson_id);
    snprintf(d->period, sizeof(d->period), "%s", day->key);
    d->at_minute = (int32_t)at_minute;
}
