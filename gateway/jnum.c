/* jnum.c — real numbers of a JSON document with their text. See jnum.h. */
#include "jnum.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nq/buf.h"

/* One real: its node and its text. */
typedef struct jnum {
    const json_t *node; /* the jansson real */
    const char *text;   /* its literal in the body */
    size_t len;         /* bytes of the literal */
} jnum_t;

struct jnum_index {
    jnum_t *items; /* sorted by node once built */
    size_t n;      /* reals */
    size_t cap;    /* slots */
};

static int push(jnum_index_t *x, const json_t *node, const char *text, size_t len)
{
    jnum_t *items = nq_array_grow(x->items, &x->cap, x->n + 1, 16, sizeof(*items));
    if (!items)
        return -1;
    x->items = items;
    x->items[x->n++] = (jnum_t){node, text, len};
    return 0;
}

/* Append the reals of v, depth first in document order (nodes only). */
static int walk(jnum_index_t *x, const json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_real(v))
        return push(x, v, NULL, 0);
    if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, child) {
            if (walk(x, child) != 0)
                return -1;
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, child) {
            if (walk(x, child) != 0)
                return -1;
        }
    }
    return 0;
}

/* Give the reals, in order, their literals from the text: number tokens
 * outside strings that have a fraction or an exponent. Returns 0 when the
 * counts agree. */
static int pair_texts(jnum_index_t *x, const char *p, const char *end)
{
    size_t k = 0;
    while (p < end) {
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++)
                p += *p == '\\';
            p++;
            continue;
        }
        if (*p != '-' && !(*p >= '0' && *p <= '9')) {
            p++;
            continue;
        }
        const char *start = p;
        bool real = false;
        for (; p < end && strchr("0123456789+-.eE", *p) && *p; p++)
            real |= *p == '.' || *p == 'e' || *p == 'E';
        if (!real)
            continue;
        if (k == x->n)
            return -1;
        x->items[k].text = start;
        x->items[k++].len = (size_t)(p - start);
    }
    return k == x->n ? 0 : -1;
}

static int by_node(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const jnum_t *)a)->node, y = (uintptr_t)((const jnum_t *)b)->node;
    return x < y ? -1 : x > y;
}

jnum_index_t *jnum_index(const json_t *root, const char *text, size_t len)
{
    jnum_index_t *x = calloc(1, sizeof(*x));
    if (!x || !root || walk(x, root) != 0 || pair_texts(x, text, text + len) != 0) {
        jnum_free(&x);
        return NULL;
    }
    if (x->n > 1)
        qsort(x->items, x->n, sizeof(x->items[0]), by_node);
    return x;
}

const char *jnum_text(const jnum_index_t *nums, const json_t *real, size_t *len)
{
    if (!nums || nums->n == 0)
        return NULL;
    jnum_t key = {real, NULL, 0};
    const jnum_t *hit = bsearch(&key, nums->items, nums->n, sizeof(key), by_node);
    if (!hit)
        return NULL;
    *len = hit->len;
    return hit->text;
}

void jnum_free(jnum_index_t **nums)
{
    if (!nums || !*nums)
        return;
    free((*nums)->items);
    free(*nums);
    *nums = NULL;
}
