/* gateway/authcache.h — who a credential is, kept in the gateway (pure).
 *
 * The gateway answers "whose key / session is this?" from here, so that a
 * request with a known credential costs no Redis round trip. An entry is
 * keyed by the SHA-256 (hex) of the credential (nq/token.h) and holds the
 * principal it stands for. The gateway empties the cache whenever
 * nq:auth:version changes (revoke, disable, passwd, logout), which it polls
 * twice a second: an entry is never more than a second out of date.
 *
 *   auth_cache_t *ac = auth_cache_new(AUTH_CACHE_ENTRIES);
 *   gw_principal_t *p = auth_cache_get(ac, hash);      // NULL: ask Redis
 *   auth_cache_put(ac, &fetched);                       // what Redis said
 *   auth_cache_clear(ac);                               // the version moved
 *
 * Bounded: when `max` entries are held, the next put empties the cache first
 * (an attacker's made-up keys are never put: only what Redis knows is). */
#ifndef NQ_GATEWAY_AUTHCACHE_H
#define NQ_GATEWAY_AUTHCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/access.h"
#include "nq/roles.h"
#include "nq/token.h"

#define AUTH_CACHE_ENTRIES 4096

/* Who sent a request: a signed-in user (session) or an API key. */
typedef struct gw_principal {
    char hash[NQ_TOKEN_HASH_HEX + 1]; /* SHA-256 of the key or session id: the cache key */
    bool is_key;                      /* an API key; else a session */
    char id[65];                      /* user id, or the key's public id */
    char name[NQ_USER_NAME_MAX + 1];  /* display name, or the key's name */
    const nq_role_t *role;            /* the user's role or the key's scope (nq/roles.h) */
    char teams[NQ_TEAMS_TEXT];        /* comma-separated team ids ("" for a key: all teams) */
    char sources[NQ_TEAMS_TEXT];      /* keys: event sources it may write ("" any) */
    char salesperson[65];             /* the salesperson the user is, or "" */
    char csrf[NQ_TOKEN_LEN + 1];      /* sessions: the token writes must repeat */
    int64_t expires_ms;               /* sessions: absolute end (Unix ms); keys 0 */
    int64_t touched_ms;               /* sessions: when the idle expiry was last renewed */
    bool used;                        /* keys: used since the last last_used write */
} gw_principal_t;

typedef struct auth_cache auth_cache_t;

/* NULL when out of memory. */
auth_cache_t *auth_cache_new(size_t max);
void auth_cache_free(auth_cache_t *ac);

/* The entry of `hash`, or NULL. The pointer is valid until the next put or
 * clear; the caller may update its touched_ms and used. */
gw_principal_t *auth_cache_get(auth_cache_t *ac, const char *hash);

/* Keep a copy of p under p->hash (replacing any). Returns 0, or -1 for a
 * hash that is not NQ_TOKEN_HASH_HEX hex digits, or out of memory. */
int auth_cache_put(auth_cache_t *ac, const gw_principal_t *p);

/* Forget everything. */
void auth_cache_clear(auth_cache_t *ac);

/* Entries held. */
size_t auth_cache_size(const auth_cache_t *ac);

/* Call fn for every entry whose `used` is set, clearing it. */
void auth_cache_take_used(auth_cache_t *ac, void (*fn)(const gw_principal_t *p, void *data),
                          void *data);

#endif
