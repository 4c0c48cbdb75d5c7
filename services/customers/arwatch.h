/* services/customers/arwatch.h — the customer list's overdue=receivable
 * index: the customers with an invoice past due and unpaid now.
 *
 * Whether a customer is overdue depends on its receivables facts (nq/
 * receivable.h: payments applied oldest first) and on the clock, so it is
 * kept by looks: nq:ar:due holds, per customer, when to look at it again.
 * The activity indexer sets it to 0 (at once) in the transaction that
 * stores an invoice or payment of the customer (actwrite.c); a look reads
 * the facts, applies them as of now, puts the customer in or out of
 * nq:ix:customers:overdue=receivable, and schedules the next look for the
 * instant the earliest open invoice not yet past due becomes so (the local
 * midnight after its due day, nq_ar_overdue_from), or at its next fact
 * dated after now (within ingest's future skew), whichever comes first, or none. A look is
 * written only when the facts are still those read (common/lua/
 * ar_overdue_set.lua), else it stays due and runs again: so replicas and
 * redeliveries agree, and a rebuild's replay (which stores the same facts
 * and asks for a look) leaves the index as it was.
 *
 * Every round first calls common/lua/ar_totals_fill.lua, the receivables
 * totals' mark (nq:ar:totals): without NQ_AR_TOTALS_READY, a look for every
 * customer with receivables (a Redis whose customers had them before the
 * totals or the shared sets were kept) and "filling"; then
 * NQ_AR_TOTALS_READY when no look is due.
 *
 * A look first writes the customer's share of its salespeople's receivables
 * totals for now (artotals.h, by the same guard); only then its place in the
 * index, so a look that finds the facts changed stays due for both.
 *
 * The indexer runs the looks due on every tick and after every batch it
 * writes, ARWATCH_BATCH customers a round, again while rounds come back
 * full and made progress. A customer not in the directory is not listed.
 *
 *   arwatch_t w;
 *   arwatch_init(&w, redis);
 *   arwatch_run(&w);   // on a tick
 */
#ifndef NQ_CUSTOMERS_ARWATCH_H
#define NQ_CUSTOMERS_ARWATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/redis.h"

#define ARWATCH_BATCH 500 /* customers looked at in one round */

typedef struct arwatch {
    nq_redis_t *redis; /* the indexer's connection (borrowed) */
    bool busy;         /* a round is in flight */
    bool again;        /* run asked for during a round: another one after it */
    size_t left;       /* replies the round waits for */
    size_t written;    /* looks of the round that were written */
    bool full;         /* the round took ARWATCH_BATCH customers */
} arwatch_t;

void arwatch_init(arwatch_t *w, nq_redis_t *redis);

/* Look at the customers whose look is due (one round at a time; a call
 * during a round asks for another after it). */
void arwatch_run(arwatch_t *w);

#endif
