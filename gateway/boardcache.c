/* boardcache.c — leaderboard answers kept between requests. See boardcache.h. */
#include "boardcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    char key[BOARD_CACHE_KEY_MAX + 1];
    char stamp[BOARD_CACHE_STAMP_MAX + 1];
    char *text; /* NULL: the slot is free */
    size_t len;
    int64_t put_ms; /* when it was put */
    uint64_t used;  /* tick of the last get or put */
} slot_t;

struct board_cache {
    slot_t *slots;
    size_t boards; /* slots */
    size_t max_bytes;
    size_t bytes; /* kept in all slots */
    uint64_t tick;
};

board_cache_t *board_cache_new(size_t boards, size_t bytes)
{
    board_cache_t *bc = calloc(1, sizeof(*bc));
    if (!bc)
        return NULL;
    bc->slots = calloc(boards ? boards : 1, sizeof(*bc->slots));
    if (!bc->slots) {
        free(bc);
        return NULL;
    }
    bc->boards = boards;
    bc->max_bytes = bytes;
    return bc;
}

static void slot_clear(board_cache_t *bc, slot_t *s)
{
    if (!s->text)
        return;
    bc->bytes -= s->len;
    free(s->text);
    s->text = NULL;
    s->len = 0;
}

void board_cache_free(board_cache_t *bc)
{
    if (!bc)
        return;
    for (size_t i = 0; i < bc->boards; i++)
        slot_clear(bc, &bc->slots[i]);
    free(bc->slots);
    free(bc);
}

static slot_t *find(board_cache_t *bc, const char *key)
{
    for (size_t i = 0; i < bc->boards; i++) {
        slot_t *s = &bc->slots[i];
        if (s->text && strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

/* The slot kept longest without use among those in use, or NULL. */
static slot_t *oldest(board_cache_t *bc)
{
    slot_t *old = NULL;
    for (size_t i = 0; i < bc->boards; i++) {
        slot_t *s = &bc->slots[i];
        if (s->text && (!old || s->used < old->used))
            old = s;
    }
    return old;
}

static slot_t *free_slot(board_cache_t *bc)
{
    for (size_t i = 0; i < bc->boards; i++) {
        if (!bc->slots[i].text)
            return &bc->slots[i];
    }
    return NULL;
}

const char *board_cache_get(board_cache_t *bc, const char *key, const char *stamp, int64_t now_ms,
                            size_t *len)
{
    slot_t *s = find(bc, key);
    if (!s || strcmp(s->stamp, stamp) != 0 || now_ms - s->put_ms >= BOARD_CACHE_MAX_AGE_MS ||
        now_ms < s->put_ms)
        return NULL;
    s->used = ++bc->tick;
    *len = s->len;
    return s->text;
}

int board_cache_put(board_cache_t *bc, const char *key, const char *stamp, int64_t now_ms,
                    const char *text, size_t len)
{
    slot_t *s = find(bc, key);
    if (s)
        slot_clear(bc, s);
    if (len > bc->max_bytes || strlen(key) > BOARD_CACHE_KEY_MAX ||
        strlen(stamp) > BOARD_CACHE_STAMP_MAX || bc->boards == 0)
        return -1;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, text, len);
    while (bc->bytes + len > bc->max_bytes)
        slot_clear(bc, oldest(bc));
    s = free_slot(bc);
    if (!s) {
        s = oldest(bc);
        slot_clear(bc, s);
    }
    strcpy(s->key, key);
    strcpy(s->stamp, stamp);
    s->text = copy;
    s->len = len;
    s->put_ms = now_ms;
    s->used = ++bc->tick;
    bc->bytes += len;
    return 0;
}

size_t board_cache_boards(const board_cache_t *bc)
{
    size_t k = 0;
    for (size_t i = 0; i < bc->boards; i++)
        k += bc->slots[i].text != NULL;
    return k;
}

size_t board_cache_bytes(const board_cache_t *bc)
{
    return bc->bytes;
}
