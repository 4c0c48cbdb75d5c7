/* nq/kpi.h — the KPI counters kept per salesperson and period.
 *
 * One table row per counter: its Redis hash field, its JSON name, whether it
 * is money (fen, shown as decimal yuan), and where it sits in the protobuf
 * KpiValues. Adding a counter is adding a row (and a field to KpiValues).
 *
 *   nq_kpi_values_t v;
 *   nq_kpi_from_fields(fields, n, &v);   // HGETALL reply pairs
 *   json_t *obj = nq_kpi_to_json(&v);    // {"sales_amount":"80000.00","orders":1,...}
 */
#ifndef NQ_KPI_H
#define NQ_KPI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/period.h"
#include "nq/redis.h"

typedef enum {
    NQ_KPI_SALES_FEN,
    NQ_KPI_ORDERS,
    NQ_KPI_VISITS,
    NQ_KPI_CALLS,
    NQ_KPI_COUNT
} nq_kpi_id_t;

typedef struct nq_kpi_def {
    const char *field;   /* Redis hash field, "sales_fen" */
    const char *json;    /* JSON name, "sales_amount" */
    bool money;          /* value is fen, shown as decimal yuan */
    size_t pb_offset;    /* offset of the int64 in Nq__KpiValues */
    size_t pb_has;       /* offset of its has_ flag */
} nq_kpi_def_t;

extern const nq_kpi_def_t nq_kpi_defs[NQ_KPI_COUNT];

typedef struct nq_kpi_values {
    int64_t v[NQ_KPI_COUNT]; /* indexed by nq_kpi_id_t */
} nq_kpi_values_t;

/* Counter for a hash field name, or -1. */
int nq_kpi_find(const char *field);

/* Fill `out` from alternating field/value strings (n strings). Unknown fields
 * are ignored, missing ones are zero. Returns 0, or -1 when a known field's
 * value is not an integer. */
int nq_kpi_from_fields(const char *const *fields, size_t n, nq_kpi_values_t *out);

void nq_kpi_to_proto(const nq_kpi_values_t *v, Nq__KpiValues *out);
void nq_kpi_from_proto(const Nq__KpiValues *pb, nq_kpi_values_t *out);

/* {"sales_amount":"80000.00","orders":1,...}. New reference, NULL on OOM. */
json_t *nq_kpi_to_json(const nq_kpi_values_t *v);

/* {"kind":"week","key":"2026-W48","start":"...+08:00","end":"..."}. */
json_t *nq_period_to_json(const nq_period_t *p);

/* Read one salesperson's counters for a period (HGETALL). `cb` runs exactly
 * once: status 0 with the values, or -1 (values zero) when Redis failed.
 * Returns -1 without calling cb when Redis is not connected. */
typedef void (*nq_kpi_fetch_cb)(int status, const nq_kpi_values_t *values, void *data);
int nq_kpi_fetch(nq_redis_t *r, const char *salesperson_id, const nq_period_t *period,
                 nq_kpi_fetch_cb cb, void *data);

#endif
