/* report.c — salesperson report: request checks and reply building. See report.h. */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "nq/kpi_pb.h"

int report_query_parse(const Nq__SalespersonReportRequest *req, int64_t now_ms, report_query_t *q,
                       nq_field_errors_t *errs)
{
    size_t before = errs->n + errs->dropped;
    nq_period_kind_t kind;
    if (!req->salesperson_id)
        nq_field_errors_add(errs, "salesperson_id", "is required");
    else if (!nq_valid_id(req->salesperson_id))
        nq_field_errors_add(errs, "salesperson_id", NQ_ID_RULE);
    if (!req->period_kind)
        nq_field_errors_add(errs, "period", "is required");
    else if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(errs, "period", "must be one of day, week, month, quarter, year");
    else if (nq_period_of(kind, req->has_at ? req->at : now_ms, &q->period) != 0 ||
             nq_period_prev(&q->period, &q->previous) != 0)
        nq_field_errors_add(errs, "at", "must be a time between 1970 and 9999");
    if (errs->n + errs->dropped > before)
        return -1;
    snprintf(q->salesperson_id, sizeof(q->salesperson_id), "%s", req->salesperson_id);
    return 0;
}

/* The header: status, detail and field errors, pointing into `out`. */
static void set_header(report_reply_t *out, const char *correlation_id, Nq__Status status,
                       const char *detail, const nq_field_errors_t *errs)
{
    nq__salesperson_report__init(&out->pb);
    nq_reply_header_init(&out->header, correlation_id, status, detail, errs);
    out->pb.header = &out->header.pb;
}

void report_reply_ok(report_reply_t *out, const char *correlation_id, const report_query_t *q,
                     const char *name, const nq_kpi_values_t *values,
                     const nq_kpi_values_t *previous)
{
    set_header(out, correlation_id, NQ__STATUS__STATUS_OK, NULL, NULL);
    out->pb.salesperson_id = (char *)q->salesperson_id;
    out->pb.name = (char *)name;

    nq__period_ref__init(&out->period);
    out->period.kind = (char *)nq_period_kind_name(q->period.kind);
    out->period.key = (char *)q->period.key;
    out->period.has_start = out->period.has_end = 1;
    out->period.start = q->period.start_ms;
    out->period.end = q->period.end_ms;
    out->pb.period = &out->period;

    nq__kpi_values__init(&out->values);
    nq_kpi_to_proto(values, &out->values);
    out->pb.values = &out->values;
    nq__kpi_values__init(&out->previous);
    nq_kpi_to_proto(previous, &out->previous);
    out->pb.previous = &out->previous;
}

void report_reply_fail(report_reply_t *out, const char *correlation_id, Nq__Status status,
                       const char *detail, const nq_field_errors_t *errs)
{
    set_header(out, correlation_id, status, detail, errs);
}
