/* gateway/authcache.c — credentials known to the gateway. See authcache.h.
 *
 * Open addressing with linear probing over a power-of-two table at most half
 * full; the hash of a credential is already uniform, so its first hex digits
 * pick the slot. Nothing is ever removed alone: the table only empties.
 * Slots hold pointers, so an empty table is small. */
#include "authcache.h"

#include <stdlib.h>
#include <string.h>

struct auth_cache {
    gw_principal_t **slots; /* cap slots, NULL or an entry (malloc'd) */
    size_t cap;             /* a power of two, >= 2 * max */
    size_t max;             /* entries kept at most */
    size_t n;               /* entries held */
};

auth_cache_t *auth_cache_new(size_t max)
{
    auth_cache_t *ac = calloc(1, sizeof(*ac));
    if (!ac)
        return NULL;
    ac->max = max ? max : 1;
    ac->cap = 2;
    while (ac->cap < 2 * ac->max)
        ac->cap *= 2;
    ac->slots = calloc(ac->cap, sizeof(*ac->slots));
    if (!ac->slots) {
        free(ac);
        return NULL;
    }
    return ac;
}

void auth_cache_free(auth_cache_t *ac)
{
    if (ac) {
        auth_cache_clear(ac);
        free(ac->slots);
    }
    free(ac);
}

static bool well_formed(const char *hash)
{
    return strlen(hash) == NQ_TOKEN_HASH_HEX &&
           strspn(hash, "0123456789abcdef") == NQ_TOKEN_HASH_HEX;
}

/* The slot of `hash`: its entry, or the empty slot where it would go. */
static gw_principal_t **slot_of(const auth_cache_t *ac, const char *hash)
{
    size_t i = (size_t)strtoull((char[17]){hash[0], hash[1], hash[2], hash[3], hash[4], hash[5],
                                           hash[6], hash[7], hash[8], hash[9], hash[10], hash[11],
                                           hash[12], hash[13], hash[14], hash[15], '\0'},
                                NULL, 16);
    for (;; i++) {
        gw_principal_t **s = &ac->slots[i & (ac->cap - 1)];
        if (!*s || memcmp((*s)->hash, hash, NQ_TOKEN_HASH_HEX) == 0)
            return s;
    }
}

gw_principal_t *auth_cache_get(auth_cache_t *ac, const char *hash)
{
    if (!well_formed(hash))
        return NULL;
    return *slot_of(ac, hash);
}

int auth_cache_put(auth_cache_t *ac, const gw_principal_t *p)
{
    if (!well_formed(p->hash))
        return -1;
    gw_principal_t **s = slot_of(ac, p->hash);
    if (!*s && ac->n == ac->max) {
        auth_cache_clear(ac);
        s = slot_of(ac, p->hash);
    }
    if (!*s) {
        if (!(*s = malloc(sizeof(**s))))
            return -1;
        ac->n++;
    }
    **s = *p;
    return 0;
}

void auth_cache_clear(auth_cache_t *ac)
{
    for (size_t i = 0; ac->n > 0 && i < ac->cap; i++) {
        if (ac->slots[i]) {
            free(ac->slots[i]);
            ac->slots[i] = NULL;
            ac->n--;
        }
    }
}

size_t auth_cache_size(const auth_cache_t *ac)
{
    return ac->n;
}

void auth_cache_take_used(auth_cache_t *ac, void (*fn)(const gw_principal_t *p, void *data),
                          void *data)
{
    for (size_t i = 0; i < ac->cap; i++) {
        gw_principal_t *s = ac->slots[i];
        if (s && s->used) {
            s->used = false;
            fn(s, data);
        }
    }
}
