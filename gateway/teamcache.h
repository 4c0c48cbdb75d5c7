/* gateway/teamcache.h — each salesperson's current team, kept in the
 * gateway (pure).
 *
 * Team-limited callers posting activities have every event's salesperson
 * checked against their teams (h_activities.c); the team comes from here,
 * so a batch costs no Redis round trip once its salespeople are known. The
 * gateway empties the cache whenever nq:org:version moves (every org write
 * bumps it), polled with nq:auth:version (auth.h): an entry is never more
 * than a second out of date.
 *
 *   team_cache_t *tc = team_cache_new(TEAM_CACHE_ENTRIES);
 *   const char *team = team_cache_get(tc, "sp-1");   // NULL: ask Redis
 *   team_cache_put(tc, "sp-1", "t-east");            // what Redis said ("" none)
 *   team_cache_clear(tc);                            // the org moved
 *
 * Bounded: when `max` entries are held, the next put empties the cache
 * first. The generation counts the clears, so a read that started before
 * one can tell its answer may be stale and not keep it. */
#ifndef NQ_GATEWAY_TEAMCACHE_H
#define NQ_GATEWAY_TEAMCACHE_H

#include <stddef.h>
#include <stdint.h>

#define TEAM_CACHE_ENTRIES 16384

typedef struct team_cache team_cache_t;

/* NULL when out of memory. */
team_cache_t *team_cache_new(size_t max);
void team_cache_free(team_cache_t *tc);

/* The team of salesperson `sp` ("" for none or not in the directory), or
 * NULL when not known here. Borrowed until the next put or clear. */
const char *team_cache_get(const team_cache_t *tc, const char *sp);

/* Keep sp -> team (replacing any). Returns 0, or -1 for an id that is not
 * a valid id (nq_valid_id; a team may be ""), or out of memory. */
int team_cache_put(team_cache_t *tc, const char *sp, const char *team);

/* Forget everything; the generation moves on. */
void team_cache_clear(team_cache_t *tc);

/* Entries held; clears so far. */
size_t team_cache_size(const team_cache_t *tc);
uint64_t team_cache_generation(const team_cache_t *tc);

#endif
