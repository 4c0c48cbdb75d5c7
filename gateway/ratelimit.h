/* gateway/ratelimit.h — request rate limits per API key and per user: token
 * buckets kept in the gateway (pure: no I/O, the caller gives the time).
 *
 * A bucket holds at most `burst` tokens and gains `rate` tokens a second; a
 * request takes one. Buckets live in a table keyed by the caller's name
 * ("k:<key id>", "u:<user id>"), so every session of one user shares one
 * bucket. Nothing is shared between gateways: with several, the limit is per
 * gateway. The table is bounded: when `max` callers are held, the next new
 * one empties it first (everyone starts full again, which only ever lets
 * more through).
 *
 *   rate_limits_t *rl = rate_limits_new(4096);
 *   int64_t wait_ms;
 *   if (!rate_limits_take(rl, "k:3f2a...", now_ms, 2000, 4000, &wait_ms))
 *       answer 429 with Retry-After: ceil(wait_ms / 1000)
 *   rate_limits_free(rl);
 */
#ifndef NQ_GATEWAY_RATELIMIT_H
#define NQ_GATEWAY_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATE_LIMIT_CALLERS 8192 /* buckets held at most */
#define RATE_NAME_MAX      72   /* "k:" / "u:" and an id */

/* One token bucket. */
typedef struct rate_bucket {
    double tokens;   /* tokens left */
    int64_t last_ms; /* when tokens was last brought up to date */
} rate_bucket_t;

/* Take a token from b at now_ms (rate tokens/s, at most burst held; a new
 * bucket, last_ms 0, starts full). True when one was there; otherwise false
 * and *wait_ms (may be NULL) says when the next one comes. rate <= 0 means
 * no limit. */
bool rate_bucket_take(rate_bucket_t *b, int64_t now_ms, double rate, double burst,
                      int64_t *wait_ms);

typedef struct rate_limits rate_limits_t;

/* NULL when out of memory. */
rate_limits_t *rate_limits_new(size_t max);
void rate_limits_free(rate_limits_t *rl);

/* rate_bucket_take on the bucket of `name` (made when new; a name longer
 * than RATE_NAME_MAX-1 is cut). */
bool rate_limits_take(rate_limits_t *rl, const char *name, int64_t now_ms, double rate,
                      double burst, int64_t *wait_ms);

/* Callers held. */
size_t rate_limits_size(const rate_limits_t *rl);

#endif
