/* services/ingest/dedupe.h — the dedupe buckets an append declares. Pure.
 *
 * Event ids are remembered in buckets nq:dedupe:<start> (one hash per span of
 * a quarter of the dedupe window, kept until a whole window passed after its
 * span), listed with when they expire in the index nq:dedupe (nq/keys.h).
 * The append script touches only keys it is given, so ingest keeps the list
 * of live buckets it knows: the bucket of now of each append, and those the
 * script named when the index held buckets it was not given (written before
 * a restart, by another ingest, under another window): the script then
 * writes nothing and is called again with them (store.h).
 *
 *   ingest_dedupe_t d;
 *   ingest_dedupe_init(&d);
 *   size_t n = ingest_dedupe_live(&d, now_s, window_s);   // d.b[n - 1]: the bucket of now
 *   ingest_dedupe_learn(&d, "nq:dedupe:1795651200", 1797811200);
 */
#ifndef NQ_INGEST_DEDUPE_H
#define NQ_INGEST_DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#define DEDUPE_BUCKETS_MAX 32
#define DEDUPE_NAME_MAX    48

typedef struct dedupe_bucket {
    char name[DEDUPE_NAME_MAX]; /* nq:dedupe:<start> */
    int64_t expires;            /* Unix s: gone from the index then */
} dedupe_bucket_t;

typedef struct ingest_dedupe {
    dedupe_bucket_t b[DEDUPE_BUCKETS_MAX]; /* the live buckets known */
    size_t n;                              /* how many */
} ingest_dedupe_t;

void ingest_dedupe_init(ingest_dedupe_t *d);

/* The span of one bucket: a quarter of the window (rounded up). An id is
 * remembered for at least the window and at most the window plus a span; a
 * lookup reads at most five buckets. */
int64_t ingest_dedupe_span_s(int64_t window_s);

/* Forget the buckets expired at now_s and list the bucket of now last.
 * Returns how many are live (d->b[0 .. n-1]), 0 when out of room. */
size_t ingest_dedupe_live(ingest_dedupe_t *d, int64_t now_s, int64_t window_s);

/* Know bucket `name`, expiring at `expires`, from now on. 0, or -1 when the
 * name is not a bucket's or the list is full. */
int ingest_dedupe_learn(ingest_dedupe_t *d, const char *name, int64_t expires);

#endif
