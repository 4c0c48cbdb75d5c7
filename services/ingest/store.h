/* services/ingest/store.h — the durable activity log in Redis.
 *
 * One batch is appended by one Lua script, atomically: for each event, its
 * event_id is looked up in the dedupe buckets (nq:dedupe:<start>: one hash of
 * ids per quarter of the dedupe window, each kept until a whole window has
 * passed after its span, nq/keys.h). A new id is remembered with the event's
 * content digest; a known id with the same digest is a duplicate, with
 * another digest a conflict. After an upgrade from the first layout (one key
 * nq:evt:<id> per event) those keys are read too for one window
 * (ingest_store_layout_call).
 * The batch then becomes one entry of the stream nq:activities (format in
 * nq/actlog.h) in which only the new events count; a batch with no new event
 * appends nothing.
 * In the same script the batch's distinct salesperson and customer ids are
 * looked up in the directory (SMISMEMBER: a few commands per batch, none
 * per event); those it does not hold are counted, with when they were first
 * and last seen, in nq:org:unknown:salespeople / :customers (events that
 * count, and events refused for their salesperson), and under the policy
 * reject an event whose salesperson is unknown is refused, never counted nor
 * remembered (so it can be sent again once the salesperson exists).
 * The callback runs once, after Redis has answered (so an "accepted" event is
 * stored), or with status -1 when Redis failed or dropped the connection.
 * An append is prepared first (everything it needs is copied), so that it
 * can wait before it is sent (ingest holds batches while scoring is behind,
 * and sends the batches that came while an append was out as one).
 *
 *   ingest_append_t *a = ingest_store_prepare(events, n, cfg->dedupe_window_s, nq_now_ms(),
 *                                             INGEST_UNKNOWN_ACCEPT);
 *   if (ingest_store_send(redis, (ingest_append_t *[]){a, b}, 2, on_done, group) != 0) ...;
 *   ingest_store_drop(a); ingest_store_drop(b);     // sent or not
 *   static void on_done(int status, const ingest_append_result_t *res, void *group);
 */
#ifndef NQ_INGEST_STORE_H
#define NQ_INGEST_STORE_H

#include <stddef.h>
#include <stdint.h>

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
} ingest_append_result_t;

typedef void (*ingest_append_cb)(int status, const ingest_append_result_t *res, void *data);

typedef struct ingest_append ingest_append_t;

/* Prepare the append of `n` events received at `now_ms` (it picks their
 * dedupe bucket). Returns it, or NULL when out of memory or an event has no
 * usable id (cannot happen after validation). */
ingest_append_t *ingest_store_prepare(Nq__Activity *const *events, size_t n, int64_t window_s,
                                      int64_t now_ms, ingest_unknown_policy_t policy);

/* The span of one dedupe bucket: a quarter of the window (rounded up). An id
 * is remembered for at least the window and at most the window plus a span;
 * a lookup reads at most five buckets. */
int64_t ingest_dedupe_span_s(int64_t window_s);

/* The script ingest runs first on every connection to Redis (before any
 * append): when the dedupe layout is not yet marked as this one and the
 * activity log already holds events, an earlier version wrote them, so its
 * per-event keys are read as well until a window has passed; then the layout
 * is marked. Fills `a` (caller frees); failures set a->failed. */
void ingest_store_layout_call(nq_redis_args_t *a, int64_t window_s);

/* Send prepared appends together: one script call, one log entry holding
 * all their events (the dedupe bucket and the policy are the first one's). Returns 0 when
 * issued (cb runs once; its statuses follow the appends' events in order),
 * -1 when Redis is not connected (cb never runs). The appends stay the
 * caller's either way. */
int ingest_store_send(nq_redis_t *r, ingest_append_t *const *appends, size_t k, ingest_append_cb cb,
                      void *data);

/* Free an append. Safe on NULL. */
void ingest_store_drop(ingest_append_t *a);

/* Parse the script's reply for n events: the entry id, the backlog, then
 * (index, status) for each event not accepted; status[] gets every event's.
 * Pure; used by the callback and by tests. Returns 0, or -1 when the reply
 * has another shape (an index outside the batch, a status that is not
 * duplicate, conflict or unknown). */
int ingest_store_parse_reply(const redisReply *reply, size_t n, int *status, const char **last_id,
                             int64_t *backlog);

#endif
