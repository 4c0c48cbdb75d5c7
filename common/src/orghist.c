/* orghist.c — a salesperson's team or status over time. See nq/orghist.h. */
#include "nq/orghist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nq_orghist_free(nq_orghist_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->changes[i].value);
    free(h->changes);
    h->changes = NULL;
    h->n = 0;
}

int nq_orghist_copy(nq_orghist_t *dst, const nq_orghist_t *src)
{
    dst->n = 0;
    dst->changes = src->n ? calloc(src->n, sizeof(*dst->changes)) : NULL;
    if (src->n && !dst->changes)
        return -1;
    for (size_t i = 0; i < src->n; i++) {
        dst->changes[i].from = src->changes[i].from;
        if (!(dst->changes[i].value = strdup(src->changes[i].value))) {
            nq_orghist_free(dst);
            return -1;
        }
        dst->n++;
    }
    return 0;
}

static int by_from(const void *a, const void *b)
{
    const nq_orghist_change_t *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* "<from>|<value>" into c (value copied). 0 or -1. */
static int parse_entry(const char *entry, nq_orghist_change_t *c)
{
    const char *bar = entry ? strchr(entry, '|') : NULL;
    if (!bar || bar == entry || bar - entry > 20)
        return -1;
    char digits[21];
    memcpy(digits, entry, (size_t)(bar - entry));
    digits[bar - entry] = '\0';
    char *end;
    errno = 0;
    long long from = strtoll(digits, &end, 10);
    if (errno || *end || from < 0)
        return -1;
    c->from = from;
    c->value = strdup(bar + 1);
    return c->value ? 0 : -1;
}

int nq_orghist_parse(nq_orghist_t *h, const char *const *entries, size_t n)
{
    h->n = 0;
    h->changes = n ? calloc(n, sizeof(*h->changes)) : NULL;
    if (n && !h->changes)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (parse_entry(entries[i], &h->changes[h->n]) != 0) {
            nq_orghist_free(h);
            return -1;
        }
        h->n++;
    }
    if (h->n > 1)
        qsort(h->changes, h->n, sizeof(*h->changes), by_from);
    for (size_t i = 1; i < h->n; i++) {
        if (h->changes[i].from == h->changes[i - 1].from) { /* one change per day */
            nq_orghist_free(h);
            return -1;
        }
    }
    return 0;
}

/* How many changes start at or before t. */
static size_t in_force(const nq_orghist_t *h, int64_t t)
{
    size_t k = 0;
    while (k < h->n && h->changes[k].from <= t)
        k++;
    return k;
}

const char *nq_orghist_at(const nq_orghist_t *h, int64_t t, const char *none)
{
    size_t k = in_force(h, t);
    return k ? h->changes[k - 1].value : none;
}

int nq_orghist_set(nq_orghist_t *h, int64_t from, const char *value, const char *none)
{
    size_t keep = in_force(h, from - 1);
    const char *before = keep ? h->changes[keep - 1].value : none;
    bool add = strcmp(before, value) != 0;
    char *copy = NULL;
    if (add) {
        if (keep >= NQ_ORGHIST_MAX)
            return -2;
        if (keep >= h->n) {
            nq_orghist_change_t *grown = realloc(h->changes, (keep + 1) * sizeof(*grown));
            if (!grown)
                return -1;
            h->changes = grown;
        }
        if (!(copy = strdup(value)))
            return -1;
    }
    for (size_t i = keep; i < h->n; i++)
        free(h->changes[i].value);
    h->n = keep;
    if (add)
        h->changes[h->n++] = (nq_orghist_change_t){from, copy};
    return 0;
}

size_t nq_orghist_spans(const nq_orghist_t *h, const char *value, const char *none, int64_t start,
                        int64_t end, nq_span_t *out)
{
    size_t n = 0;
    size_t k = in_force(h, start);
    for (int64_t at = start; at < end; k++) {
        const char *v = k ? h->changes[k - 1].value : none;
        int64_t next = k < h->n && h->changes[k].from < end ? h->changes[k].from : end;
        if (strcmp(v, value) == 0) {
            if (n && out[n - 1].end_ms == at)
                out[n - 1].end_ms = next;
            else
                out[n++] = (nq_span_t){at, next};
        }
        at = next;
    }
    return n;
}

int nq_orghist_entry(char *buf, size_t len, const nq_orghist_change_t *c)
{
    int n = snprintf(buf, len, "%lld|%s", (long long)c->from, c->value);
    return n < 0 || (size_t)n >= len ? -1 : n;
}

bool nq_orghist_equal(const nq_orghist_t *a, const nq_orghist_t *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        if (a->changes[i].from != b->changes[i].from ||
            strcmp(a->changes[i].value, b->changes[i].value) != 0)
            return false;
    }
    return true;
}
