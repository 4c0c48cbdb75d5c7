/* overview.c — metrics against targets. See overview.h. */
#include "overview.h"

#include "notes.h"

bool overview_accumulates(nq_metric_id_t m)
{
    return nq_metric_defs[m].den == NQ_KPI_NONE;
}

/* Set an optional double of a row. */
#define SET(row, field, v) ((row)->has_##field = 1, (row)->field = (v))

/* Attainment, pace and projection of a negative actual count as 0. */
static double floor0(double v)
{
    return v > 0 ? v : 0;
}

void overview_compute(const overview_input_t *in, overview_rows_t *out)
{
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
        bool accumulates = overview_accumulates((nq_metric_id_t)m);
        double share = in->workdays_total > 0 ? in->workdays_elapsed / in->workdays_total : 0;
        if (defined && accumulates && share > 0)
            SET(row, projection, floor0(actual / share));
        double target = in->target[m];
        if (in->has_target[m] && target > 0) { /* a target of 0 is no target */
            SET(row, target, target);
            if (defined)
                SET(row, attainment, floor0(actual / target));
            if (defined && accumulates && share > 0)
                SET(row, pace, floor0(actual / (target * share)));
        }
        if (defined && actual < 0 && (row->has_projection || row->has_attainment)) {
            row->note = (char *)note_negative.en;
            row->note_zh = (char *)note_negative.zh;
        }
    }
}
