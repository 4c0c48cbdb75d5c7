/* services/customers/customers_app.h — the customers app's state, shared by
 * its I/O modules (customers.c, orgcall.c; customers.h is only the app
 * hooks, so no flow depends on customers.c). Not for other services. */
#ifndef NQ_CUSTOMERS_APP_H
#define NQ_CUSTOMERS_APP_H

#include <stddef.h>

#include "indexer.h"
#include "nq/bus.h"
#include "nq/service.h"

typedef struct customers {
    nq_service_t *svc;      /* shared process state: config, loop, Redis */
    nq_zsock_t *sock;       /* ROUTER for the gateway; NULL once stopped */
    size_t inflight;        /* calls not yet answered */
    indexer_t *indexer;     /* keeps the activity index from the log (indexer.h) */
    struct poolsweep *pool; /* the public pool's timer (poolsweep.h) */
} customers_t;

#endif
