/* nq/kpi_pb.h — KPI values and periods as protobuf messages (Nq__KpiValues,
 * Nq__PeriodRef), for replies on the bus (the metric table is nq/kpi.h).
 *
 *   Nq__KpiValues pb = NQ__KPI_VALUES__INIT;
 *   nq_kpi_to_proto(&v, &pb);            // every counter, has_ set
 *   nq_kpi_from_proto(reply->current, &v);
 */
#ifndef NQ_KPI_PB_H
#define NQ_KPI_PB_H

#include "neiqin.pb-c.h"
#include "nq/kpi.h"
#include "nq/period.h"

/* Every counter of v into out (initialised), each with its has_ flag set. */
void nq_kpi_to_proto(const nq_kpi_values_t *v, Nq__KpiValues *out);

/* out from pb; NULL pb (absent) gives zeros. */
void nq_kpi_from_proto(const Nq__KpiValues *pb, nq_kpi_values_t *out);

/* Point `out` (initialised) at `p`: kind, key, start, end (borrowed from p). */
void nq_period_to_proto(const nq_period_t *p, Nq__PeriodRef *out);

#endif
