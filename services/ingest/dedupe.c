/* dedupe.c — the dedupe buckets an append declares. See dedupe.h. */
#include "dedupe.h"

#include <string.h>

#include "nq/keys.h"

void ingest_dedupe_init(ingest_dedupe_t *d)
{
    memset(d, 0, sizeof(*d));
}

int64_t ingest_dedupe_span_s(int64_t window_s)
{
    return window_s > 4 ? (window_s + 3) / 4 : 1;
}

static int find(const ingest_dedupe_t *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->b[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

int ingest_dedupe_learn(ingest_dedupe_t *d, const char *name, int64_t expires)
{
    if (strncmp(name, NQ_KEY_DEDUPE_BUCKET_PREFIX, strlen(NQ_KEY_DEDUPE_BUCKET_PREFIX)) != 0 ||
        strlen(name) >= DEDUPE_NAME_MAX)
        return -1;
    int at = find(d, name);
    if (at < 0) {
        if (d->n == DEDUPE_BUCKETS_MAX)
            return -1;
        at = (int)d->n++;
        strcpy(d->b[at].name, name);
    }
    d->b[at].expires = expires;
    return 0;
}

size_t ingest_dedupe_live(ingest_dedupe_t *d, int64_t now_s, int64_t window_s)
{
    size_t kept = 0;
    for (size_t i = 0; i < d->n; i++) { /* the index drops them at the same instant */
        if (d->b[i].expires > now_s)
            d->b[kept++] = d->b[i];
    }
    d->n = kept;
    int64_t span = ingest_dedupe_span_s(window_s), start = now_s - now_s % span;
    char name[DEDUPE_NAME_MAX];
    if (nq_key_dedupe_bucket(name, sizeof(name), (long long)start) < 0)
        return 0;
    int at = find(d, name);
    if (at < 0 && ingest_dedupe_learn(d, name, start + span + window_s) != 0)
        return 0;
    at = find(d, name);
    dedupe_bucket_t now = d->b[at];
    d->b[at] = d->b[d->n - 1];
    d->b[d->n - 1] = now;
    return d->n;
}
