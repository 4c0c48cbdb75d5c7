/* services/reporting/reporting_app.h — the reporting app's state, shared by
 * its I/O modules (reporting.c, kpiview.c, plansvc.c). Not for other services. */
#ifndef NQ_REPORTING_APP_H
#define NQ_REPORTING_APP_H

#include <jansson.h>

#include "nq/bus.h"
#include "nq/service.h"
#include "nq/workdays.h"
#include "reporting.h"

/* Requests waiting for Redis beyond which new ones are refused (UNAVAILABLE). */
#define REPORTING_MAX_INFLIGHT 1024

struct reporting {
    nq_service_t *svc; /* shared process state: config, loop, Redis */
    nq_zsock_t *sock;  /* ROUTER for the gateway; NULL once stopped */
    size_t inflight;   /* calls not yet answered */
    nq_calendar_t cal; /* working days, for pace and projection */
};

/* Rank a board (entries with their values set) and send it as the
 * Leaderboard reply of call `base` (or its failure). The entries are sorted
 * in place. */
struct board_entry;
struct nq_call;
void board_send(reporting_t *app, struct nq_call *base, struct board_entry *entries, size_t n,
                const nq_period_t *period, const char *metric);

/* Send `doc` (JSON, borrowed) as the DocumentReply of call `base`, or the
 * call's failure. */
void document_send(reporting_t *app, struct nq_call *base, const json_t *doc);

#endif
