/* overview.c — metrics against targets. See overview.h. */
#include "overview.h"

#include <string.h>

#include "notes.h"
#include "nq/targets.h"

bool overview_accumulates(nq_metric_id_t m)
{
    return nq_metric_accumulates(m);
}

double overview_share(double workdays_total, double workdays_elapsed)
{
    return workdays_total > 0 ? workdays_elapsed / workdays_total : 0;
}

/* Attainment, pace and projection of a negative actual count as 0. */
static double floor0(double v)
{
    return v > 0 ? v : 0;
}

void overview_against(nq_metric_id_t m, bool defined, double actual, bool has_target, double target,
                      double share, overview_against_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!defined)
        return;
    nq_direction_t dir = nq_metric_direction(m);
    bool accumulates = overview_accumulates(m);
    bool paced = accumulates && share > 0;
    if (paced) {
        out->has_projection = true;
        out->projection = floor0(actual / share);
    }
    if (has_target && target > 0) {                          /* a target of 0 is no target */
        double plan = accumulates ? target * share : target; /* what the plan allows by now */
        out->has_attainment = out->has_gap = true;
        out->attainment = nq_attainment(dir, actual, target);
        out->gap = nq_direction_sign(dir) * (plan - actual);
        if (paced) {
            out->has_pace = true;
            out->pace = nq_attainment(dir, actual, plan);
        }
    }
    /* only a higher-is-better attainment is cut to 0 by a negative actual */
    out->negative =
        actual < 0 && (out->has_projection || out->has_attainment) && dir == NQ_HIGHER_IS_BETTER;
}

/* Set an optional double of a row. */
#define SET(row, field, v) ((row)->has_##field = 1, (row)->field = (v))

void overview_compute(const overview_input_t *in, overview_rows_t *out)
{
    double share = overview_share(in->workdays_total, in->workdays_elapsed);
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        Nq__MetricRow *row = &out->pb[m];
        nq__metric_row__init(row);
        out->ptrs[m] = row;
        row->metric = (char *)nq_metric_defs[m].name;
        double actual, v;
        bool defined = nq_metric_value((nq_metric_id_t)m, &in->current, &actual);
        if (defined)
            SET(row, actual, actual);
        if (nq_metric_value((nq_metric_id_t)m, &in->previous, &v))
            SET(row, previous, v);
        if (nq_metric_value((nq_metric_id_t)m, &in->last_year, &v))
            SET(row, last_year, v);
        double target = in->target[m];
        bool has_target = in->has_target[m] && target > 0;
        if (has_target) {
            SET(row, target, target);
            row->target_source = (char *)nq_target_source_name(
                in->target_derived[m] ? NQ_TARGET_DERIVED : NQ_TARGET_SET);
        }
        overview_against_t a;
        overview_against((nq_metric_id_t)m, defined, actual, has_target, target, share, &a);
        if (a.has_projection)
            SET(row, projection, a.projection);
        if (a.has_attainment)
            SET(row, attainment, a.attainment);
        if (a.has_pace)
            SET(row, pace, a.pace);
        if (a.negative) {
            row->note = (char *)note_negative_of((nq_metric_id_t)m)->en;
            row->note_zh = (char *)note_negative_of((nq_metric_id_t)m)->zh;
        }
    }
}
