/* gateway/teamcache.c — salespeople's teams known to the gateway. See
 * teamcache.h.
 *
 * Open addressing with linear probing over a power-of-two table at most half
 * full, FNV-1a of the id picking the slot. Nothing is removed alone: the
 * table only empties. */
#include "teamcache.h"

#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"

typedef struct entry {
    char sp[NQ_ID_MAX + 1];   /* the salesperson */
    char team[NQ_ID_MAX + 1]; /* their current team, "" none */
} entry_t;

struct team_cache {
    entry_t **slots;     /* cap slots, NULL or an entry (malloc'd) */
    size_t cap;          /* a power of two, >= 2 * max */
    size_t max;          /* entries kept at most */
    size_t n;            /* entries held */
    uint64_t generation; /* clears so far */
};

team_cache_t *team_cache_new(size_t max)
{
    team_cache_t *tc = calloc(1, sizeof(*tc));
    if (!tc)
        return NULL;
    tc->max = max ? max : 1;
    tc->cap = 2;
    while (tc->cap < 2 * tc->max)
        tc->cap *= 2;
    if (!(tc->slots = calloc(tc->cap, sizeof(*tc->slots)))) {
        free(tc);
        return NULL;
    }
    return tc;
}

void team_cache_free(team_cache_t *tc)
{
    if (tc) {
        team_cache_clear(tc);
        free(tc->slots);
    }
    free(tc);
}

/* The slot of `sp`: its entry, or the empty slot where it would go. */
static entry_t **slot_of(const team_cache_t *tc, const char *sp)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)sp; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    for (size_t i = (size_t)h;; i++) {
        entry_t **s = &tc->slots[i & (tc->cap - 1)];
        if (!*s || strcmp((*s)->sp, sp) == 0)
            return s;
    }
}

const char *team_cache_get(const team_cache_t *tc, const char *sp)
{
    if (!tc || !sp || !nq_valid_id(sp))
        return NULL;
    entry_t *e = *slot_of(tc, sp);
    return e ? e->team : NULL;
}

int team_cache_put(team_cache_t *tc, const char *sp, const char *team)
{
    if (!nq_valid_id(sp) || !team || (*team && !nq_valid_id(team)))
        return -1;
    entry_t **s = slot_of(tc, sp);
    if (!*s && tc->n >= tc->max) {
        team_cache_clear(tc);
        s = slot_of(tc, sp);
    }
    if (!*s) {
        if (!(*s = malloc(sizeof(**s))))
            return -1;
        tc->n++;
        memcpy((*s)->sp, sp, strlen(sp) + 1);
    }
    memcpy((*s)->team, team, strlen(team) + 1);
    return 0;
}

void team_cache_clear(team_cache_t *tc)
{
    for (size_t i = 0; tc && tc->n > 0 && i < tc->cap; i++) {
        free(tc->slots[i]);
        tc->slots[i] = NULL;
    }
    if (tc) {
        tc->n = 0;
        tc->generation++;
    }
}

size_t team_cache_size(const team_cache_t *tc)
{
    return tc ? tc->n : 0;
}

uint64_t team_cache_generation(const team_cache_t *tc)
{
    return tc ? tc->generation : 0;
}
