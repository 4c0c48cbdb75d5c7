/* services/customers/actwrite.h — what a batch of log entries writes to the
 * activity index (nq/actindex.h), as one transaction. Pure: it fills a
 * pipeline, the indexer sends it.
 *
 *   MULTI
 *   HSET nq:{sp:<id>}:acts <ref> <event> ...          per salesperson: their events,
 *   ZADD nq:{sp:<id>}:timeline 0 <member> ...         their timeline,
 *   SADD nq:{sp:<id>}:ar <customer> ...                the customers of their invoices and payments,
 *   EVALSHA <sp_tickets> ...                           their tickets' times
 *   EVALSHA <customer_events> ...                      the customers' timelines and figures, up to
 *                                                      ACTWRITE_CALL_EVENTS events a call
 *   SADD nq:ar:customers ...; ZADD nq:ar:due 0 ...     the customers with an invoice or payment,
 *                                                      looked at again at once (arwatch.h)
 *   EVALSHA <contact_seen> ...                         the customers' latest contacts
 *   EVALSHA <intel_events> ...                         per salesperson with competitor intel,
 *   SADD nq:intel:salespeople <id> ...                 and them into the set (nq/intel.h)
 *   XACK nq:activities index <entry id> ...
 *   EXEC
 *
 * Only the events that count are written (nq/actlog.h: not the duplicates
 * and conflicts listed in x); an entry that does not decode is acknowledged
 * and writes nothing. Every write sets a field or a member to what the log
 * determines, so a batch written twice, or batches written in any order,
 * leave the same index: a redelivered or replayed entry changes nothing.
 * A customer's last contact (a visit, call or meeting: services/customers/
 * followup.h) is kept only when newer than the one stored, in the same
 * transaction (common/lua/contact_seen.lua), and a customer it moves is
 * marked in nq:followup:dirty (at `now`): its follow-up and sort entries are
 * refreshed outside the transaction (ctrefresh.h).
 *
 *   nq_redis_pipe_t p;
 *   nq_redis_pipe_init(&p);
 *   actwrite_stats_t st;
 *   if (actwrite_pipe(&p, ids, entries, n, on_exec, batch, &st) == 0) nq_redis_pipe_send(r, &p);
 *   nq_redis_pipe_free(&p);
 */
#ifndef NQ_CUSTOMERS_ACTWRITE_H
#define NQ_CUSTOMERS_ACTWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "nq/actlog.h"
#include "nq/redis.h"

/* Events of one call of the events script: the per-call cost is shared by
 * many customers, while one call stays well under a millisecond's work. */
#define ACTWRITE_CALL_EVENTS 500

typedef struct actwrite_stats {
    size_t events;    /* events written */
    size_t skipped;   /* counted events that could not be indexed (no valid salesperson id,
                         type or time): logged, acknowledged */
    size_t customers; /* customer timelines written */
} actwrite_stats_t;

/* Append the transaction of n entries (ids[i] and the decoded entries[i];
 * an entry that did not decode is all zero) to p, at `now` (Unix ms),
 * `on_exec` receiving EXEC's reply. Returns 0, or -1 when out of memory (p
 * failed). */
int actwrite_pipe(nq_redis_pipe_t *p, const char *const *ids, const nq_actlog_entry_t *entries,
                  size_t n, int64_t now, nq_redis_cb on_exec, void *data, actwrite_stats_t *stats);

/* The calls of the events script for n customers, customer c holding the
 * batch's rows starts[c] to starts[c + 1] (starts has n + 1 entries, in
 * order): customers in order, at most `max` rows a call, a customer never
 * split (one with more rows has a call of its own). out (n + 1 entries)
 * gets each call's first customer, then n. Returns how many calls.
 *
 *   size_t starts[] = {0, 2, 3, 7}, out[4];
 *   actwrite_calls(starts, 3, 3, out);   // 2: {0, 2, 3}: customers 0-1, then 2
 */
size_t actwrite_calls(const size_t *starts, size_t n, size_t max, size_t *out);

#endif
