/* services/customers/artotals.h — a customer's share of its salespeople's
 * receivables totals for now (nq/ar_totals.h), written by arwatch's look.
 *
 * From the customer's facts as read: its cells as of the look, the
 * contribution it added before (nq_key_customer_ar_sum), and the difference
 * added to both by common/lua/ar_totals_set.lua, only when the facts and
 * the contribution are still those read. The totals are thus always the
 * sum of the customers' contributions, and each contribution follows its
 * facts: a redelivery (no new fact) changes nothing, a rebuild's replay
 * (the same facts) neither. A customer with facts of several salespeople is
 * also put in each one's nq:{sp:<id>}:ar:shared (so a team counts it once).
 *
 *   artotals_write(redis, "c-1", &ar, now, n_facts, done, data);  // ar applied at now
 *   // done(data, 1) written, 0 facts or contribution changed (look again), -1 failed
 */
#ifndef NQ_CUSTOMERS_ARTOTALS_H
#define NQ_CUSTOMERS_ARTOTALS_H

#include <stddef.h>

#include "nq/receivable.h"
#include "nq/redis.h"

typedef void (*artotals_done_fn)(void *data, int rc);

/* Write customer id's share at `at` from ar (its n_facts fields read,
 * applied at `at`). 0 when started (done runs once), -1 when not (done
 * never runs). */
int artotals_write(nq_redis_t *r, const char *id, const nq_ar_t *ar, int64_t at, size_t n_facts,
                   artotals_done_fn done, void *data);

#endif
