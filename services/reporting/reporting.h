/* services/reporting/reporting.h — the reporting service: period reports.
 *
 * Bus: ROUTER at cfg.reporting_endpoint, replies of the request's type:
 *   report.salesperson.v1   SalespersonReportRequest -> SalespersonReport
 *       the KPIs of one salesperson for the period containing `at` (default
 *       now) and for the period before, with the name from the directory
 *       (absent when the salesperson has no profile: activity alone is
 *       enough to have a report). Answered once all three Redis reads are
 *       back; UNAVAILABLE when any of them failed.
 *   sys.ping.v1             Ping -> Pong ("reporting")
 * Request checks and the reply's shape are in report.h.
 *
 * The functions below are the app hooks of nq_service_main (nq/service.h).
 */
#ifndef NQ_REPORTING_H
#define NQ_REPORTING_H

#include "nq/service.h"

/* Bind the ROUTER. Returns a reporting_t, or NULL on failure (logged). */
void *reporting_new(nq_service_t *svc);

/* Stop hook: close the socket. Reads already issued still complete, but
 * their replies are dropped. NULL-safe. */
void reporting_stop(void *app);

/* Free the app once the loop has run dry. NULL-safe. */
void reporting_free(void *app);

#endif
