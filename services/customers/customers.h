/* services/customers/customers.h — the customers service: the org directory
 * (teams, salespeople) and customers, kept in Redis.
 *
 * Bus: ROUTER at cfg.customers_endpoint. Each request type is answered with
 * a reply of the same type:
 *   team.put.v1, salesperson.put.v1, customer.put.v1   OrgRequest -> OrgReply
 *       store the entity (HSET of its hash, SADD of its id to the kind's
 *       index set) with updated_at = now; the reply carries what was stored.
 *   team.get.v1, salesperson.get.v1, customer.get.v1   OrgRequest -> OrgReply
 *       read it back (HGETALL); NOT_FOUND when there is none.
 *   sys.ping.v1                                        Ping -> Pong ("customers")
 * INVALID carries per-field errors; UNAVAILABLE says what went wrong with
 * Redis. Rules and the hash layout are in org.h.
 *
 * The functions below are the app hooks of nq_service_main (nq/service.h).
 */
#ifndef NQ_CUSTOMERS_H
#define NQ_CUSTOMERS_H

#include "nq/service.h"

typedef struct customers customers_t;

/* Bind the ROUTER. Returns a customers_t, or NULL on failure (logged). */
void *customers_new(nq_service_t *svc);

/* Stop hook: close the socket. Requests already waiting for Redis finish
 * there, but their replies are dropped. NULL-safe. */
void customers_stop(void *app);

/* Free the app once the loop has run dry. NULL-safe. */
void customers_free(void *app);

#endif
