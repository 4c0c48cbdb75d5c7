/* gateway/ratelimit.c — token buckets per caller. See ratelimit.h. */
#include "ratelimit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    char name[RATE_NAME_MAX]; /* "" for a free slot */
    rate_bucket_t bucket;     /* its bucket */
} slot_t;

struct rate_limits {
    slot_t *slots; /* open addressing, linear probing; cap is a power of two */
    size_t cap;    /* slots: at least twice max */
    size_t max;    /* callers held at most */
    size_t n;      /* callers held */
};

bool rate_bucket_take(rate_bucket_t *b, int64_t now_ms, double rate, double burst, int64_t *wait_ms)
{
    if (rate <= 0)
        return true;
    if (b->last_ms == 0) {
        b->tokens = burst;
    } else if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * rate / 1000.0;
        if (b->tokens > burst)
            b->tokens = burst;
    }
    if (now_ms > b->last_ms || b->last_ms == 0)
        b->last_ms = now_ms;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return true;
    }
    if (wait_ms) { /* the float error of adding up fractions must not add a millisecond */
        *wait_ms = (int64_t)ceil((1.0 - b->tokens) * 1000.0 / rate - 1e-6);
        if (*wait_ms < 1)
            *wait_ms = 1;
    }
    return false;
}

rate_limits_t *rate_limits_new(size_t max)
{
    rate_limits_t *rl = calloc(1, sizeof(*rl));
    size_t cap = 16;
    while (cap < 2 * max)
        cap *= 2;
    if (!rl || !(rl->slots = calloc(cap, sizeof(*rl->slots)))) {
        free(rl);
        return NULL;
    }
    rl->cap = cap;
    rl->max = max ? max : 1;
    return rl;
}

void rate_limits_free(rate_limits_t *rl)
{
    if (rl)
        free(rl->slots);
    free(rl);
}

/* FNV-1a */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

bool rate_limits_take(rate_limits_t *rl, const char *name, int64_t now_ms, double rate,
                      double burst, int64_t *wait_ms)
{
    char key[RATE_NAME_MAX];
    size_t len = strlen(name);
    if (len >= sizeof(key))
        len = sizeof(key) - 1;
    memcpy(key, name, len);
    key[len] = '\0';
    size_t i = hash(key) & (rl->cap - 1);
    while (rl->slots[i].name[0] && strcmp(rl->slots[i].name, key) != 0)
        i = (i + 1) & (rl->cap - 1);
    if (!rl->slots[i].name[0]) {
        if (rl->n >= rl->max) {
            memset(rl->slots, 0, rl->cap * sizeof(*rl->slots));
            rl->n = 0;
            i = hash(key) & (rl->cap - 1);
        }
        memcpy(rl->slots[i].name, key, len + 1);
        rl->slots[i].bucket = (rate_bucket_t){0, 0};
        rl->n++;
    }
    return rate_bucket_take(&rl->slots[i].bucket, now_ms, rate, burst, wait_ms);
}

size_t rate_limits_size(const rate_limits_t *rl)
{
    return rl->n;
}
