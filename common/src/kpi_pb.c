/* kpi_pb.c — KPI values and periods as protobuf. See nq/kpi_pb.h. */
#include "nq/kpi_pb.h"

#include <stddef.h>

/* Where each counter sits in Nq__KpiValues: its int64 and its has_ flag. */
#define PB(field)                                                                                  \
    {                                                                                              \
        offsetof(Nq__KpiValues, field), offsetof(Nq__KpiValues, has_##field)                       \
    }

static const struct {
    size_t value; /* offset of the int64 */
    size_t has;   /* offset of its has_ flag */
} pb_fields[NQ_KPI_COUNT] = {
    [NQ_KPI_SALES_FEN] = PB(sales_fen),
    [NQ_KPI_ORDERS] = PB(orders),
    [NQ_KPI_VISITS] = PB(visits),
    [NQ_KPI_CALLS] = PB(calls),
    [NQ_KPI_MEETINGS] = PB(meetings),
    [NQ_KPI_NEW_CUSTOMERS] = PB(new_customers),
    [NQ_KPI_COLLECTIONS_FEN] = PB(collections_fen),
    [NQ_KPI_ORDER_VALUE_FEN] = PB(order_value_fen),
    [NQ_KPI_ORDERS_DUE] = PB(orders_due),
    [NQ_KPI_ORDERS_ON_TIME] = PB(orders_on_time),
    [NQ_KPI_FEEDBACK_SUM] = PB(feedback_sum),
    [NQ_KPI_FEEDBACK_COUNT] = PB(feedback_count),
    [NQ_KPI_TICKETS_OPENED] = PB(tickets_opened),
    [NQ_KPI_TICKETS_CLOSED] = PB(tickets_closed),
    [NQ_KPI_NPS_RESPONSES] = PB(nps_responses),
    [NQ_KPI_NPS_NET] = PB(nps_net),
    [NQ_KPI_TRAINING_S] = PB(training_s),
    [NQ_KPI_TRAININGS] = PB(trainings),
    [NQ_KPI_NPS_PROMOTERS] = PB(nps_promoters),
    [NQ_KPI_NPS_DETRACTORS] = PB(nps_detractors),
    [NQ_KPI_KEY_VISITED] = PB(key_visited),
    [NQ_KPI_KEY_CUSTOMERS] = PB(key_customers),
    [NQ_KPI_TICKETS_OVERDUE] = PB(tickets_overdue),
    [NQ_KPI_AR_OVERDUE_FEN] = PB(ar_overdue_fen),
    [NQ_KPI_AR_DSO_NUM] = PB(ar_dso_num),
    [NQ_KPI_AR_INVOICED_FEN] = PB(ar_invoiced_fen),
};

void nq_kpi_to_proto(const nq_kpi_values_t *v, Nq__KpiValues *out)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        *(int64_t *)((char *)out + pb_fields[i].value) = v->v[i];
        *(protobuf_c_boolean *)((char *)out + pb_fields[i].has) = 1;
    }
}

void nq_kpi_from_proto(const Nq__KpiValues *pb, nq_kpi_values_t *out)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        out->v[i] = pb ? *(const int64_t *)((const char *)pb + pb_fields[i].value) : 0;
}

void nq_period_to_proto(const nq_period_t *p, Nq__PeriodRef *out)
{
    out->kind = (char *)nq_period_kind_name(p->kind);
    out->key = (char *)p->key;
    out->has_start = out->has_end = 1;
    out->start = p->start_ms;
    out->end = p->end_ms;
}
