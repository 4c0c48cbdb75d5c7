/* services/customers/customers.h — the customers service: the org directory
 * (teams, salespeople) and customers, kept in Redis.
 *
 * Bus: ROUTER at cfg.customers_endpoint. Each request type is answered with
 * a reply of the same type:
 *   team.put.v1, salesperson.put.v1, customer.put.v1   OrgRequest -> OrgReply
 *       store the entity with updated_at = now; the reply carries what was
 *       stored. A salesperson's team and status, and a team's members, are
 *       changes of the salespeople's histories from a day on (membership.h,
 *       team.c, salesperson.c); what an entity names must exist (INVALID otherwise). A
 *       customer's owner and class take effect at its `since` (default now,
 *       never before the previous change nor ahead), and the key-customer
 *       sets they leave and join log the change from then (nq/keyset.h).
 *   team.get.v1, salesperson.get.v1, customer.get.v1   OrgRequest -> OrgReply
 *       read it back (a team with its members now, a salesperson with their
 *       history); NOT_FOUND when there is none.
 *   team.delete.v1, salesperson.delete.v1, customer.delete.v1
 *       archive a team (INVALID while it has members) or a salesperson (no
 *       team, status left, from today), remove a customer (out of its
 *       owner's key customers from now, through the same log); the reply
 *       carries the entity as deleted.
 *   team.list.v1, salesperson.list.v1, customer.list.v1
 *                                           OrgListRequest -> OrgListReply
 *       a page of the list in id order, filtered, each entity as its get
 *       answers it, and the cursor of the next page (orgix.h, lists.c).
 *   sys.ping.v1                                        Ping -> Pong ("customers")
 * INVALID carries per-field errors; UNAVAILABLE says what went wrong with
 * Redis. Rules and the hash layout are in org.h. On every connect the
 * histories of a first-layout org are made (migrate.h), then the list
 * indexes of what was stored without them (ixbuild.h).
 *
 * The functions below are the app hooks of nq_service_main (nq/service.h).
 */
#ifndef NQ_CUSTOMERS_H
#define NQ_CUSTOMERS_H

#include "nq/service.h"

/* Bind the ROUTER. Returns a customers_t, or NULL on failure (logged). */
void *customers_new(nq_service_t *svc);

/* Stop hook: close the socket. Requests already waiting for Redis finish
 * there, but their replies are dropped. NULL-safe. */
void customers_stop(void *app);

/* Free the app once the loop has run dry. NULL-safe. */
void customers_free(void *app);

#endif
