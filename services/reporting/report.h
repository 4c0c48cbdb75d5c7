/* services/reporting/report.h — the salesperson report as plain data (pure).
 *
 * A report.salesperson.v1 request names a salesperson, a period kind and an
 * instant (default now). report_query_parse() checks it and works out the
 * period that contains the instant and the one before; the I/O layer reads
 * the KPIs of both and the salesperson's name, then report_reply_ok() turns
 * those values into the reply (report_reply_fail() for any failure).
 *
 *   report_query_t q;
 *   nq_field_errors_t errs = {0};
 *   if (report_query_parse(req, nq_now_ms(), &q, &errs) != 0) ...INVALID with errs...
 *   ... nq_kpi_fetch(q.period), nq_kpi_fetch(q.previous), HGET name ...
 *   report_reply_t r;
 *   report_reply_ok(&r, req->correlation_id, &q, name, &current, &previous);
 *   nq_zsock_reply(sock, env, env->type, &r.pb.base);
 */
#ifndef NQ_REPORTING_REPORT_H
#define NQ_REPORTING_REPORT_H

#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"
#include "nq/kpi.h"
#include "nq/reply.h"
#include "nq/period.h"

/* What a report is about, from a checked request. */
typedef struct report_query {
    char salesperson_id[NQ_ID_MAX + 1]; /* whose report */
    nq_period_t period;                 /* the period asked for */
    nq_period_t previous;               /* the period just before it */
} report_query_t;

/* Check `req` and fill `q`. salesperson_id must be a valid id and
 * period_kind one of day/week/month/quarter/year; `at` (Unix ms) defaults to
 * `now_ms` and must lie in a period that has a predecessor (years
 * 1970..9999). Returns 0, or -1 with errs filled under the API's names
 * ("salesperson_id", "period", "at"); q is then unspecified. */
int report_query_parse(const Nq__SalespersonReportRequest *req, int64_t now_ms, report_query_t *q,
                       nq_field_errors_t *errs);

/* A report reply and the storage it points into. Once built the struct must
 * not move, and every string handed to the builder (and `q`) must outlive
 * it: the reply borrows them. */
typedef struct report_reply {
    Nq__SalespersonReport pb; /* the message to send */
    nq_reply_header_t header; /* pb.header points at header.pb */
    Nq__PeriodRef period;     /* pb.period */
    Nq__KpiValues values;     /* pb.values: the period's counters */
    Nq__KpiValues previous;   /* pb.previous: the period before's */
} report_reply_t;

/* Build a successful report for `q`: `name` is the salesperson's name, NULL
 * when the directory has none; `values` / `previous` are the counters of
 * q->period / q->previous. */
void report_reply_ok(report_reply_t *out, const char *correlation_id, const report_query_t *q,
                     const char *name, const nq_kpi_values_t *values,
                     const nq_kpi_values_t *previous);

/* Build a failed report: `status` with `detail` and, for INVALID, the field
 * errors (errs may be NULL). */
void report_reply_fail(report_reply_t *out, const char *correlation_id, Nq__Status status,
                       const char *detail, const nq_field_errors_t *errs);

#endif
