/* schedule.c — the schedule rules' checks. See schedule.h. */
#include "schedule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nq/targets.h"
#include "overview.h"

#define MIN_MS 60000LL

bool sched_due(const nq_calendar_t *cal, int64_t now_ms, int64_t at_minute, nq_period_t *day)
{
    if (at_minute < 0 || at_minute >= 24 * 60 || nq_period_of(NQ_PERIOD_DAY, now_ms, day) != 0)
        return false;
    return nq_calendar_workday(cal, now_ms) && now_ms >= day->start_ms + at_minute * MIN_MS;
}

static void draft_new(alert_draft_t *d, const char *rule, const char *who, const nq_period_t *day)
{
    memset(d, 0, sizeof(*d));
    d->rule = rule;
    d->severity = alert_rule_find(rule)->severity;
    d->rating = d->nps = -1;
    snprintf(d->salesperson_id, sizeof(d->salesperson_id), "%s", who ? who : "");
    snprintf(d->window, sizeof(d->window), "%s", day->key);
}

/* A salesperson's or a team's figure on metric m: who, subject, metric. */
static void draft_about(alert_draft_t *d, const char *sp, const char *team, nq_metric_id_t m)
{
    const char *name = nq_metric_defs[m].name;
    snprintf(d->team_id, sizeof(d->team_id), "%s", !sp && team ? team : "");
    if (sp)
        snprintf(d->subject, sizeof(d->subject), "%s|%s", sp, name);
    else
        snprintf(d->subject, sizeof(d->subject), "team:%s|%s", team ? team : "", name);
    snprintf(d->metric, sizeof(d->metric), "%s", name);
}

/* A threshold in percent as it applies to metric m: a lower-is-better
 * attainment is at most 100 %, so a threshold above that reads as 100 %
 * (the actual above the allowed value). */
static double threshold_pct(nq_metric_id_t m, int64_t pct)
{
    return fmin((double)pct, 100.0 * nq_attainment_max(nq_metric_direction(m)));
}

bool sched_behind_pace(const sched_pace_in_t *in, alert_draft_t *d)
{
    double actual;
    bool defined = nq_metric_value(in->metric, in->kpi, &actual);
    overview_against_t a;
    overview_against(in->metric, defined, actual, in->has_target, in->target, in->share, &a);
    /* pace x 100 < min, with a hair of slack so 0.8 read back as 0.79999... is not behind */
    double min_pct = threshold_pct(in->metric, in->min_pace_pct);
    if (!a.has_pace || !a.has_gap || a.pace * 100.0 >= min_pct - 1e-9)
        return false;
    draft_new(d, "behind_pace", in->salesperson_id, in->day);
    draft_about(d, in->salesperson_id, in->team_id, in->metric);
    snprintf(d->period, sizeof(d->period), "%s", in->month->key);
    d->actual = actual;
    d->target = in->target;
    d->pace = a.pace;
    d->min_pace_pct = (int32_t)min_pct;
    d->gap = ceil(a.gap - 1e-9);
    return true;
}

void sched_no_activity(const char *salesperson_id, const nq_period_t *day, int64_t at_minute,
                       alert_draft_t *d)
{
    draft_new(d, "no_activity", salesperson_id, day);
    snprintf(d->subject, sizeof(d->subject), "%s", salesperson_id);
    snprintf(d->period, sizeof(d->period), "%s", day->key);
    d->at_minute = (int32_t)at_minute;
}

/* Whether the day starting at day_start is the first working day of its month. */
static bool first_workday(const nq_calendar_t *cal, const nq_period_t *day)
{
    nq_period_t month, d = *day;
    if (nq_period_of(NQ_PERIOD_MONTH, day->start_ms, &month) != 0 ||
        !nq_calendar_workday(cal, day->start_ms))
        return false;
    while (d.start_ms > month.start_ms) {
        if (nq_period_prev(&d, &d) != 0 || nq_calendar_workday(cal, d.start_ms))
            return false;
    }
    return true;
}

size_t sched_closes(const nq_calendar_t *cal, int64_t now_ms, int64_t at_minute, nq_period_t *day,
                    nq_period_t closed[3])
{
    static const nq_period_kind_t kinds[] = {NQ_PERIOD_MONTH, NQ_PERIOD_QUARTER, NQ_PERIOD_YEAR};
    if (!sched_due(cal, now_ms, at_minute, day) || !first_workday(cal, day))
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        nq_period_t cur;
        if (nq_period_of(kinds[i], day->start_ms, &cur) != 0)
            return 0;
        /* the month always starts today's month; a quarter or year only when it starts there */
        if (i > 0 && cur.start_ms != closed[0].end_ms)
            break;
        if (nq_period_prev(&cur, &closed[n]) != 0)
            return 0;
        n++;
    }
    return n;
}

bool sched_target_missed(const sched_close_in_t *in, alert_draft_t *d)
{
    nq_metric_id_t m = in->metric;
    if (in->targets->source[m] == NQ_TARGET_NONE)
        return false;
    double actual;
    bool defined = nq_metric_value(m, in->kpi, &actual);
    overview_against_t a;
    overview_against(m, defined, actual, true, in->targets->value[m], 1.0, &a);
    double min_pct = threshold_pct(m, in->min_attainment_pct);
    if (!a.has_attainment || a.attainment * 100.0 >= min_pct - 1e-9)
        return false;
    draft_new(d, "targets_missed", in->salesperson_id, in->period);
    draft_about(d, in->salesperson_id, in->team_id, m);
    snprintf(d->period, sizeof(d->period), "%s", in->period->key);
    snprintf(d->period_kind, sizeof(d->period_kind), "%s", nq_period_kind_name(in->period->kind));
    d->actual = actual;
    d->target = in->targets->value[m];
    d->target_derived = in->targets->source[m] == NQ_TARGET_DERIVED;
    d->attainment = a.negative ? 0 : a.attainment;
    d->min_attainment_pct = (int32_t)min_pct;
    return true;
}
