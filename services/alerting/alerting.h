/* services/alerting/alerting.h — the alerting service.
 *
 * Evaluates every rule (rules.h) on every applied activity it hears about,
 * stores a raised alert in the alert stream (deduplicated per rule and
 * subject, atomically with the append) and publishes it to the gateway.
 *
 * Bus: SUB bound at cfg.changes_endpoint ("kpi.changed.v1" from scorers);
 * PUB bound at cfg.alerts_endpoint ("alert.raised.v1").
 */
#ifndef NQ_ALERTING_H
#define NQ_ALERTING_H

#include "nq/service.h"

typedef struct alerting alerting_t;

void *alerting_new(nq_service_t *svc);
void alerting_stop(void *alerting);
void alerting_free(void *app);

#endif
