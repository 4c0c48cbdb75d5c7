/* services/reporting/boardcache.h — ranked leaderboards kept between requests (pure).
 *
 * A board is kept under its request (scope, period, reference day, metric)
 * with the stamp it was computed at: the versions of everything it is made
 * of, read from Redis before its figures (nq:kpi:version, bumped by every
 * scored batch and rebuild; nq:org:version, bumped by every org write). A
 * later request whose stamp still matches is answered from the cache; any
 * change in between gives a new stamp and the board is computed afresh, so
 * a kept board is never older than what was acknowledged before the request.
 *
 *   board_cache_t *bc = board_cache_new(BOARD_CACHE_BOARDS, BOARD_CACHE_ROWS);
 *   const board_entry_t *e = board_cache_get(bc, key, stamp, now, &n);  // NULL: compute
 *   board_cache_put(bc, key, stamp, now, entries, n);                   // after computing
 *
 * Bounded twice: at most `boards` boards and `rows` entries in all; the board
 * used longest ago goes first, and a board of more than `rows` entries is not
 * kept. A board is also kept at most BOARD_CACHE_MAX_AGE_MS, so a Redis
 * restored from an older copy (versions going back, then climbing to an old
 * stamp again) cannot bring back an old board for long. */
#ifndef NQ_REPORTING_BOARDCACHE_H
#define NQ_REPORTING_BOARDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "leaderboard.h"

/* Defaults of the reporting service: 64 boards, 50,000 rows (~12 MiB). */
#define BOARD_CACHE_BOARDS     64
#define BOARD_CACHE_ROWS       50000
#define BOARD_CACHE_MAX_AGE_MS 60000

/* Longest key and stamp kept; longer ones are not cached. */
#define BOARD_CACHE_KEY_MAX   160
#define BOARD_CACHE_STAMP_MAX 64

typedef struct board_cache board_cache_t;

/* NULL when out of memory. */
board_cache_t *board_cache_new(size_t boards, size_t rows);
void board_cache_free(board_cache_t *bc);

/* The board kept under `key` if it was computed at `stamp` and put less than
 * BOARD_CACHE_MAX_AGE_MS before `now_ms` (its n entries, ranked, valid until
 * the next put), else NULL. */
const board_entry_t *board_cache_get(board_cache_t *bc, const char *key, const char *stamp,
                                     int64_t now_ms, size_t *n);

/* Keep a copy of the n ranked entries under `key` at `stamp`, replacing what
 * was kept under it. Returns 0, or -1 when not kept (too big, too long a key
 * or stamp, out of memory). */
int board_cache_put(board_cache_t *bc, const char *key, const char *stamp, int64_t now_ms,
                    const board_entry_t *entries, size_t n);

/* Boards and rows kept now (for tests and metrics). */
size_t board_cache_boards(const board_cache_t *bc);
size_t board_cache_rows(const board_cache_t *bc);

#endif
