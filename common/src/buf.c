/* buf.c — growable byte buffers and arrays. See nq/buf.h. */
#include "nq/buf.h"

#include <stdio.h>
#include <stdlib.h>

char nq_buf_empty[1];

void nq_buf_init(nq_buf_t *b)
{
    *b = (nq_buf_t)NQ_BUF_INIT;
}

void nq_buf_release(nq_buf_t *b)
{
    if (b->alloc)
        free(b->buf);
    nq_buf_init(b);
}

void nq_buf_reset(nq_buf_t *b)
{
    b->failed = false;
    nq_buf_setlen(b, 0);
}

char *nq_buf_detach(nq_buf_t *b, size_t *len)
{
    char *out = b->failed ? NULL : b->alloc ? b->buf : calloc(1, 1);
    size_t n = b->len;
    if (!out)
        nq_buf_release(b);
    else
        nq_buf_init(b);
    if (len)
        *len = out ? n : 0;
    return out;
}

/* The first size in the doubling series from `min` that holds `need`, or
 * `need` itself when doubling would overflow. */
static size_t grown(size_t have, size_t need, size_t min)
{
    size_t cap = have ? have : min;
    while (cap < need && cap <= SIZE_MAX / 2)
        cap *= 2;
    return cap < need ? need : cap;
}

int nq_buf_grow(nq_buf_t *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - 1 - b->len) {
        b->failed = true;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return 0;
    size_t cap = grown(b->alloc, need, NQ_BUF_MIN);
    char *p = realloc(b->alloc ? b->buf : NULL, cap);
    if (!p) {
        b->failed = true;
        return -1;
    }
    if (!b->alloc)
        p[0] = '\0';
    b->buf = p;
    b->alloc = cap;
    return 0;
}

char *nq_u64_before(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

char *nq_i64_before(char *end, int64_t v)
{
    if (v >= 0)
        return nq_u64_before(end, (uint64_t)v);
    char *at = nq_u64_before(end, 0 - (uint64_t)v);
    *--at = '-';
    return at;
}

int nq_buf_addu64(nq_buf_t *b, uint64_t v)
{
    char text[NQ_INT_TEXT], *end = text + sizeof(text);
    char *at = nq_u64_before(end, v);
    return nq_buf_add(b, at, (size_t)(end - at));
}

int nq_buf_addi64(nq_buf_t *b, int64_t v)
{
    char text[NQ_INT_TEXT], *end = text + sizeof(text);
    char *at = nq_i64_before(end, v);
    return nq_buf_add(b, at, (size_t)(end - at));
}

int nq_buf_vaddf(nq_buf_t *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return -1;
    va_list again;
    va_copy(again, ap);
    char small[128];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    int rc = -1;
    if (n < 0)
        b->failed = true;
    else if ((size_t)n < sizeof(small))
        rc = nq_buf_add(b, small, (size_t)n);
    else if (nq_buf_grow(b, (size_t)n) == 0) {
        vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
        rc = 0;
    }
    va_end(again);
    return rc;
}

int nq_buf_addf(nq_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nq_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void nq_buf_remove(nq_buf_t *b, size_t pos, size_t n)
{
    if (n == 0)
        return;
    memmove(b->buf + pos, b->buf + pos + n, b->len - pos - n);
    nq_buf_setlen(b, b->len - n);
}

void *nq_array_grow(void *array, size_t *cap, size_t need, size_t first, size_t size)
{
    if (need <= *cap)
        return array;
    if (size == 0 || need > SIZE_MAX / size)
        return NULL;
    size_t n = grown(*cap, need, first ? first : 1);
    if (n > SIZE_MAX / size)
        n = need;
    void *p = realloc(array, n * size);
    if (p)
        *cap = n;
    return p;
}
