/* nq/kpi_json.h — KPI values, metric values and periods as the JSON API
 * writes them, and targets as it reads them (the metric table is nq/kpi.h).
 *
 *   json_t *obj = nq_kpi_to_json(&v);    // {"sales_amount":"80000.00","orders":1,...}
 *   json_t *p = nq_period_to_json(&period);   // {"kind":"month","key":"2026-11",...}
 */
#ifndef NQ_KPI_JSON_H
#define NQ_KPI_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "nq/kpi.h"
#include "nq/period.h"

/* The value as JSON in the metric's unit: money "1234.50", count 3, ratio
 * 0.8125, score 4.6667; null when undefined. New reference. */
json_t *nq_metric_json(nq_metric_id_t m, double value, bool defined);

/* Parse a value given from outside (a target) in the metric's unit: money as
 * decimal yuan (string or number) into fen, counts as integers, ratios 0..10,
 * scores 0..5. Returns 0, or -1 with a static reason. */
int nq_metric_parse(nq_metric_id_t m, const json_t *value, double *out, const char **why);

/* Every metric: {"sales_amount":"80000.00","orders":1,...,"coverage":null}.
 * New reference, NULL on OOM. */
json_t *nq_kpi_to_json(const nq_kpi_values_t *v);

/* {"kind":"week","key":"2026-W48","start":"...+08:00","end":"..."}. */
json_t *nq_period_to_json(const nq_period_t *p);

#endif
