/* keyset.c — key customers over time. See nq/keyset.h. */
#include "nq/keyset.h"

#include <stdlib.h>
#include <string.h>

int nq_keyset_parse(const char *member, size_t len, nq_keyset_change_t *out)
{
    if (len < NQ_KEYSET_SEQ_DIGITS + 2)
        return -1;
    for (size_t i = 0; i < NQ_KEYSET_SEQ_DIGITS; i++) {
        if (member[i] < '0' || member[i] > '9')
            return -1;
    }
    char op = member[NQ_KEYSET_SEQ_DIGITS];
    if (op != '+' && op != '-')
        return -1;
    out->added = op == '+';
    out->customer = member + NQ_KEYSET_SEQ_DIGITS + 1;
    out->len = len - NQ_KEYSET_SEQ_DIGITS - 1;
    return 0;
}

/* A change and its position in the log, sorted by customer, then position. */
typedef struct ref {
    const nq_keyset_change_t *c; /* the change */
    size_t at;                   /* its position, oldest first */
} ref_t;

static int cmp_customer(const nq_keyset_change_t *x, const nq_keyset_change_t *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->customer, y->customer, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int cmp_ref(const void *a, const void *b)
{
    const ref_t *x = a, *y = b;
    int c = cmp_customer(x->c, y->c);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

int nq_keyset_at_end(int64_t live_n, int64_t live_hit, const nq_keyset_change_t *changes, size_t n,
                     int64_t *key_n, int64_t *key_hit)
{
    ref_t *refs = malloc((n + 1) * sizeof(*refs));
    if (!refs)
        return -1;
    for (size_t i = 0; i < n; i++)
        refs[i] = (ref_t){&changes[i], i};
    qsort(refs, n, sizeof(*refs), cmp_ref);
    /* Each customer's first change says whether it was in at the end; where
     * that differs from now, correct the counts of now. */
    for (size_t k = 0; k < n; k++) {
        const nq_keyset_change_t *c = refs[k].c;
        if (k > 0 && cmp_customer(refs[k - 1].c, c) == 0)
            continue;
        bool was_in = !c->added;
        if (was_in == c->in_live)
            continue;
        int delta = was_in ? 1 : -1;
        live_n += delta;
        live_hit += c->visited ? delta : 0;
    }
    free(refs);
    *key_n = live_n;
    *key_hit = live_hit;
    return 0;
}
