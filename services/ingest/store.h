/* services/ingest/store.h — the durable activity log in Redis.
 *
 * One batch is appended by one Lua script (common/lua/ingest_append.lua),
 * atomically: for each event, its event_id is looked up in the live dedupe
 * buckets (dedupe.h); a new id is remembered with the event's content
 * digest, a known id with the same digest is a duplicate, with another digest
 * a conflict. The batch then becomes one entry of the stream nq:activities
 * (format in nq/actlog.h) in which only the new events count; a batch with no
 * new event appends nothing.
 * In the same script the batch's distinct salesperson and customer ids are
 * looked up in the directory (SMISMEMBER: a few commands per batch, none
 * per event); those it does not hold are counted, with when they were first
 * and last seen, in nq:org:unknown:salespeople / :customers (events that
 * count, and events refused for their salesperson), and under the policy
 * reject an event whose salesperson is unknown is refused, never counted nor
 * remembered (so it can be sent again once the salesperson exists).
 * A signed feed delivery (ingest_store_prepare's `delivery`) is appended
 * alone: the script refuses it whole, storing nothing, when its replay key
 * exists, and sets that key when some of its events were taken.
 * The callback runs once, after Redis has answered (so an "accepted" event is
 * stored), or with status -1 when Redis failed or dropped the connection.
 * An append is prepared first (everything it needs is copied), so that it
 * can wait before it is sent (ingest holds batches while scoring is behind,
 * and sends the batches that came while an append was out as one).
 *
 *   ingest_append_t *a = ingest_store_prepare(events, n, cfg->dedupe_window_s, nq_now_ms(),
 *                                             INGEST_UNKNOWN_ACCEPT, NULL, 0);
 *   if (ingest_store_send(redis, &dedupe, (ingest_append_t *[]){a, b}, 2, on_done, group) != 0)
 *       ...;
 *   ingest_store_drop(a); ingest_store_drop(b);     // once on_done ran, or when not sent
 *   static void on_done(int status, const ingest_append_result_t *res, void *group);
 */
#ifndef NQ_INGEST_STORE_H
#define NQ_INGEST_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dedupe.h"
#include "neiqin.pb-c.h"
#include "nq/redis.h"

typedef enum {
    INGEST_APPEND_ACCEPTED = 0,
    INGEST_APPEND_DUPLICATE = 1,
    INGEST_APPEND_CONFLICT = 2,
    INGEST_APPEND_UNKNOWN = 3, /* refused: salesperson not in the directory (policy reject) */
} ingest_append_status_t;

/* What happens to an event whose salesperson is not in the directory
 * (NQ_UNKNOWN_SALESPERSON); either way the id is listed as unknown. */
typedef enum {
    INGEST_UNKNOWN_ACCEPT, /* stored and scored like any other */
    INGEST_UNKNOWN_REJECT, /* refused: INGEST_APPEND_UNKNOWN */
} ingest_unknown_policy_t;

typedef struct ingest_append_result {
    const int *status;   /* per event, ingest_append_status_t, in input order */
    size_t n;            /* events */
    const char *last_id; /* stream id of the batch's log entry, "" if none */
    int64_t backlog;     /* events accepted but not yet scored, after this append */
    bool replayed;       /* the delivery was taken before: nothing stored, status unset */
} ingest_append_result_t;

typedef void (*ingest_append_cb)(int status, const ingest_append_result_t *res, void *data);

typedef struct ingest_append ingest_append_t;

/* Prepare the append of `n` events received at `now_ms` (it picks their
 * dedupe bucket). `delivery` ("<source>:<signature hex>", or NULL) makes it a
 * feed delivery remembered for delivery_ttl_s against replay. Returns it, or
 * NULL when out of memory or an event has no usable id (cannot happen after
 * validation). */
ingest_append_t *ingest_store_prepare(Nq__Activity *const *events, size_t n, int64_t window_s,
                                      int64_t now_ms, ingest_unknown_policy_t policy,
                                      const char *delivery, int64_t delivery_ttl_s);

/* Whether the append is a feed delivery (it must be sent alone). */
bool ingest_store_is_delivery(const ingest_append_t *a);

/* Send prepared appends together: one script call, one log entry holding
 * all their events (the dedupe bucket and the policy are the first one's; a
 * delivery goes alone, k == 1). `dedupe` is the live buckets known, updated
 * as the script tells. Returns 0 when issued (cb runs once; its statuses
 * follow the appends' events in order), -1 when Redis is not connected (cb
 * never runs). The appends stay the caller's, and must live until cb ran. */
int ingest_store_send(nq_redis_t *r, ingest_dedupe_t *dedupe, ingest_append_t *const *appends,
                      size_t k, ingest_append_cb cb, void *data);

/* Free an append. Safe on NULL. */
void ingest_store_drop(ingest_append_t *a);

/* Parse the script's reply for n events: the entry id, the backlog, then
 * (index, status) for each event not accepted; status[] gets every event's.
 * Pure; used by the callback and by tests. Returns 0, or -1 when the reply
 * has another shape (an index outside the batch, a status that is not
 * duplicate, conflict or unknown). */
int ingest_store_parse_reply(const redisReply *reply, size_t n, int *status, const char **last_id,
                             int64_t *backlog);

/* What else the script may answer instead: */
typedef enum {
    INGEST_REPLY_OTHER,    /* neither (a result for ingest_store_parse_reply) */
    INGEST_REPLY_STALE,    /* {-1, bucket, expiry, ...}: buckets to declare, nothing written */
    INGEST_REPLY_REPLAYED, /* {-2}: the delivery was taken before, nothing written */
} ingest_reply_kind_t;

/* Which of them `reply` is. For STALE every bucket is learnt into `dedupe`
 * (STALE only when all were). Pure apart from `dedupe`. */
ingest_reply_kind_t ingest_store_reply_kind(const redisReply *reply, ingest_dedupe_t *dedupe);

#endif
