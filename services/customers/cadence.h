/* services/customers/cadence.h — serving a team's follow-up cadence
 * (team.cadence.get.v1, team.cadence.put.v1). Rules in followup.h. */
#ifndef NQ_CUSTOMERS_CADENCE_H
#define NQ_CUSTOMERS_CADENCE_H

#include <stdbool.h>

#include "customers_app.h"
#include "neiqin.pb-c.h"
#include "nq/call.h"
#include "nq/redis.h"

/* Answer a get (put false) or a put of a team's cadence; a put answers once
 * the customers its members own are due by it. */
void cadence_serve(customers_t *app, const nq_bus_envelope_t *env,
                   const Nq__TeamCadenceRequest *req, bool put);

/* Re-date the follow-ups of every customer `owner` owns now by the cadence of
 * their team now, as steps of `call` (answered once they are done): after a
 * write that may have moved them to another team. */
void cadence_rehome(nq_call_t *call, nq_redis_t *r, const char *owner);

#endif
