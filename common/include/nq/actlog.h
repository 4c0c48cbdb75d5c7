/* nq/actlog.h — the entries of the activity log (Redis stream nq:activities).
 *
 * One stream entry holds one stored batch, so that appending, delivering and
 * acknowledging cost one stream operation per batch rather than per event:
 *
 *   n  the number of events in the entry that count
 *   b  an ActivityLogEntry (proto/neiqin.proto): the batch's events, packed
 *   x  only when some events of the batch were duplicates or conflicts at
 *      append time: their indexes in b, ascending, comma-separated ("3,17").
 *      They are stored (the batch is appended as it came) but never count.
 *
 * Ingest packs b (nq_actlog_pack) and its append script adds n and x; the
 * scorers and the rebuild decode entries (nq_actlog_from_entry). An entry
 * that does not decode, or whose n disagrees with b and x, is poison: it
 * counts nothing.
 *
 *   nq_actlog_entry_t e;
 *   if (nq_actlog_from_entry(reply->element[i], &e) == 0) {
 *       for (size_t k = 0; k < e.n; k++) use(e.events[k]);
 *       nq_actlog_free(&e);
 *   }
 */
#ifndef NQ_ACTLOG_H
#define NQ_ACTLOG_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"

typedef struct nq_actlog_entry {
    Nq__ActivityLogEntry *log; /* the unpacked entry; owns every event */
    Nq__Activity **events;     /* the events that count, in batch order */
    size_t n;                  /* how many count */
} nq_actlog_entry_t;

/* The bytes `ev` takes as one element of a repeated Activity field of any
 * message (tag, length, packed event): for keeping messages of many events
 * under a frame limit. */
size_t nq_actlog_framed_size(const Nq__Activity *ev);

/* Pack `n` events as one entry's b field. Returns a malloc'ed buffer (its
 * length in *len), or NULL when out of memory. */
uint8_t *nq_actlog_pack(Nq__Activity *const *events, size_t n, size_t *len);

/* Decode b (`len` bytes) with the skip list x (NULL or "" for none) and check
 * that `counted` (the n field) is the number of events left. Pure. Returns 0,
 * or -1 (out zeroed) when b does not decode, x is not an ascending list of
 * indexes within b, or the count disagrees. */
int nq_actlog_decode(const uint8_t *blob, size_t len, const char *skip, long long counted,
                     nq_actlog_entry_t *out);

/* Decode a stream entry as Redis returns it: [id, [field, value, ...]].
 * Returns 0, or -1 (out zeroed) for anything but a well-formed entry. */
int nq_actlog_from_entry(const redisReply *entry, nq_actlog_entry_t *out);

/* The n field of a stream entry (0 when missing or malformed), without
 * decoding it. */
long long nq_actlog_count(const redisReply *entry);

/* The entries of an XAUTOCLAIM reply on the log ([next cursor, [entries],
 * [deleted ids]]), or NULL when it is not one (an error, no reply); the next
 * cursor goes into cursor (len bytes), where the next claim starts. */
const redisReply *nq_actlog_claimed(const redisReply *reply, char *cursor, size_t len);

void nq_actlog_free(nq_actlog_entry_t *e);

/* The entries of a pull or a reclaim, decoded, for a consumer of the log. An
 * entry that does not decode is kept without events (so that it is still
 * acknowledged), logged as poison with `effect` ("not indexed") and counted. */
typedef struct nq_actlog_batch {
    size_t n;                   /* entries */
    char **ids;                 /* their stream ids */
    nq_actlog_entry_t *entries; /* decoded (no events when poison) */
    size_t events;              /* events that count, over the entries */
    size_t poison;              /* entries that did not decode */
} nq_actlog_batch_t;

/* Decode `entries` (an array of [id, [field, value, ...]]) into *b, which it
 * zeroes first; elements of another shape are passed over. Returns 0, or -1
 * when out of memory (*b then holds what was decoded so far). */
int nq_actlog_batch_take(nq_actlog_batch_t *b, const redisReply *entries, const char *effect);

void nq_actlog_batch_free(nq_actlog_batch_t *b);

#endif
