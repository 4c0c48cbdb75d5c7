/* services/customers/ctrefresh.h — the follow-ups that contacts moved,
 * refreshed outside the activity indexer's transaction.
 *
 * The indexer's transaction only keeps a customer's last contact (nq:
 * followup:last, a max) and marks the customer in nq:followup:dirty (ZSET
 * customer -> when first marked) when it moved (common/lua/contact_seen.lua).
 * A round here, every CTREFRESH_MS, takes the CTREFRESH_BATCH oldest marks
 * and calls common/lua/contact_refresh.lua with their records: each gets its
 * record's last_contact_at from nq:followup:last as it is then, its follow-up
 * due time, its place in the overdue index and in the sort indexes
 * (followup.h, lib/sort.lua), and is unmarked in the same script. So a
 * customer contacted many times between two rounds is refreshed once, a mark
 * made during a round stays for the next, and marks outlive any process (a
 * kill -9 loses nothing: the next start's rounds find them). A round that
 * came back full runs again at once, one call in flight at a time.
 * A replay (rebuild) moves no last contact, so it marks nothing; one that
 * fills a lost nq:followup:last marks those customers again. Rebuilt figures
 * equal live ones once the set is empty (GET /metrics shows its size and the
 * age of the oldest mark: nq_followup_refresh_pending_customers,
 * nq_followup_refresh_lag_ms).
 *
 *   ctrefresh_t c;
 *   ctrefresh_start(&c, loop, redis);  // rounds on its own timer
 *   ctrefresh_stop(&c);                // the timer closes; a round in flight ends
 */
#ifndef NQ_CUSTOMERS_CTREFRESH_H
#define NQ_CUSTOMERS_CTREFRESH_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "nq/redis.h"

#define CTREFRESH_MS    1000 /* a round this often */
#define CTREFRESH_BATCH 200  /* customers a call: ~20 ms of Redis here, under an indexing EXEC */

typedef struct ctrefresh {
    nq_redis_t *redis;  /* the indexer's connection (borrowed) */
    uv_timer_t timer;   /* rounds */
    bool busy;          /* a round is in flight */
    bool stopping;      /* stop ran */
    uint64_t refreshed; /* customers unmarked since start */
} ctrefresh_t;

/* Start the rounds on loop over redis (a first one after CTREFRESH_MS).
 * Returns 0, or a negative libuv code. */
int ctrefresh_start(ctrefresh_t *c, uv_loop_t *loop, nq_redis_t *redis);

/* A round now unless one is in flight. */
void ctrefresh_run(ctrefresh_t *c);

/* Stop the rounds (the timer closes; the caller frees c after the loop ran
 * dry). Safe to call twice. */
void ctrefresh_stop(ctrefresh_t *c);

/* The refresh script's keys and arguments for the n customers ids (valid
 * ids) at `now`, into a (initialised by the caller). Returns how many of the
 * words are keys. Pure.
 *
 *   nq_redis_args_t a;
 *   nq_redis_args_init(&a);
 *   size_t nkeys = ctrefresh_args(&a, ids, n, nq_now_ms(), followup_zone_offset());
 */
size_t ctrefresh_args(nq_redis_args_t *a, const char *const *ids, size_t n, int64_t now,
                      int64_t zone_offset);

#endif
