/* services/reporting/reporting_app.h — the reporting app's state, shared by
 * its I/O modules (reporting.c and the *svc.c handlers; reporting.h is only
 * the app hooks, so no handler depends on reporting.c). Not for other
 * services. */
#ifndef NQ_REPORTING_APP_H
#define NQ_REPORTING_APP_H

#include "nq/bus.h"
#include "nq/service.h"
#include "nq/workdays.h"

/* Requests waiting for Redis beyond which new ones are refused (UNAVAILABLE). */
#define REPORTING_MAX_INFLIGHT 1024
/* Longest Redis key the handlers build (ids are at most NQ_ID_MAX bytes). */
#define REPORTING_KEY_MAX 192

typedef struct reporting {
    nq_service_t *svc; /* shared process state: config, loop, Redis */
    nq_zsock_t *sock;  /* ROUTER for the gateway; NULL once stopped */
    size_t inflight;   /* calls not yet answered */
    nq_calendar_t cal; /* working days, for pace and projection */
} reporting_t;

#endif
