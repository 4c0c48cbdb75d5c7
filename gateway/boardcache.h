/* gateway/boardcache.h — leaderboard answers kept between requests (pure).
 *
 * The JSON answer of a board by a metric is kept under its request (scope,
 * metric, by, period kind, day of `at`) with the stamp it was computed at:
 * the versions of everything a board is made of, read from Redis before the
 * request went to reporting (nq:kpi:version, bumped by every scored batch
 * and rebuild swap; nq:org:version, bumped by every org write;
 * nq:target:version, bumped by every target write). A later
 * request whose stamp still matches is answered from here without reaching
 * reporting; any change in between gives a new stamp and the board is
 * computed afresh, so a kept answer is never older than what was
 * acknowledged before the request. Boards by a state metric (nq/kpi.h,
 * at_end) are never kept: they move with the clock and the activity index.
 *
 *   board_cache_t *bc = board_cache_new(BOARD_CACHE_BOARDS, BOARD_CACHE_BYTES);
 *   const char *text = board_cache_get(bc, key, stamp, now, &len);  // NULL: ask reporting
 *   board_cache_put(bc, key, stamp, now, text, len);                 // its answer
 *
 * Bounded twice: at most `boards` answers and `bytes` bytes of them in all;
 * the one used longest ago goes first, and an answer longer than `bytes` is
 * not kept. An answer is also kept at most BOARD_CACHE_MAX_AGE_MS, so a Redis
 * restored from an older copy (versions going back, then climbing to an old
 * stamp again) cannot bring an old board back for long. */
#ifndef NQ_GATEWAY_BOARDCACHE_H
#define NQ_GATEWAY_BOARDCACHE_H

#include <stddef.h>
#include <stdint.h>

/* The gateway's bounds: 64 boards, 16 MiB, 60 s each. */
#define BOARD_CACHE_BOARDS     64
#define BOARD_CACHE_BYTES      (16u << 20)
#define BOARD_CACHE_MAX_AGE_MS 60000

/* Longest key and stamp kept; longer ones are not cached. */
#define BOARD_CACHE_KEY_MAX   160
#define BOARD_CACHE_STAMP_MAX 64

typedef struct board_cache board_cache_t;

/* NULL when out of memory. */
board_cache_t *board_cache_new(size_t boards, size_t bytes);
void board_cache_free(board_cache_t *bc);

/* The answer kept under `key` if it was computed at `stamp` and put less
 * than BOARD_CACHE_MAX_AGE_MS before `now_ms` (its len bytes, valid until the
 * next put), else NULL. */
const char *board_cache_get(board_cache_t *bc, const char *key, const char *stamp, int64_t now_ms,
                            size_t *len);

/* Keep a copy of the len bytes of `text` under `key` at `stamp`, replacing
 * what was kept under it. Returns 0, or -1 when not kept (too long, too long
 * a key or stamp, out of memory). */
int board_cache_put(board_cache_t *bc, const char *key, const char *stamp, int64_t now_ms,
                    const char *text, size_t len);

/* Answers and bytes kept now (for tests and metrics). */
size_t board_cache_boards(const board_cache_t *bc);
size_t board_cache_bytes(const board_cache_t *bc);

#endif
