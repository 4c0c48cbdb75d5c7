/* nq/buf.h — a growable byte buffer (in the spirit of git's strbuf), and the
 * same growth for arrays.
 *
 * Invariants, from NQ_BUF_INIT on:
 *   - b->buf points to b->len bytes followed by a NUL: it is a C string
 *     (when the bytes hold no NUL), also before anything was added;
 *   - b->alloc is the size of the allocation; 0 means none, and b->buf then
 *     points to a shared empty string that nobody writes or frees;
 *   - b->len < b->alloc whenever b->alloc > 0 (the NUL always has its byte,
 *     so a reader may look one byte past the content: hiredis does).
 *
 * Lifecycle: NQ_BUF_INIT or nq_buf_init(); add; read b->buf and b->len;
 * nq_buf_reset() to fill it again with the same allocation; nq_buf_release()
 * to free it, or nq_buf_detach() to take the bytes. A released or detached
 * buffer is as after NQ_BUF_INIT and can be used again.
 *
 * Ownership: the buffer owns b->buf until nq_buf_detach() gives it to the
 * caller (malloc'd, free() it). b->buf moves when the buffer grows: keep
 * offsets, not pointers, across adds.
 *
 * Errors: a function that allocates returns 0, or -1 when it cannot. A
 * failure leaves the content as it was and sets b->failed, which sticks:
 * every later add does nothing and returns -1 until nq_buf_reset() or
 * nq_buf_release(). A chain of adds can therefore be checked once, at the end:
 *
 *   nq_buf_t b = NQ_BUF_INIT;
 *   nq_buf_adds(&b, "{\"n\":");
 *   nq_buf_addu64(&b, n);              // decimal, without printf
 *   nq_buf_addf(&b, ",\"at\":\"%s\"}", at);
 *   if (!b.failed)
 *       send(b.buf, b.len);
 *   nq_buf_release(&b);
 *
 * Growth: the allocation at least doubles, from NQ_BUF_MIN bytes, so n
 * bytes added one by one cost O(n) copies. A hot path that knows its usual
 * size grows the buffer to it once, first (the Redis pipeline: 4 KiB). To write in place (a read, an
 * encoder), make room with nq_buf_grow(), write at b->buf + b->len at most
 * nq_buf_avail() bytes, then nq_buf_setlen().
 *
 * Arrays: nq_array_grow() gives a typed array the same doubling, from a
 * first size each caller names (the allocator then sees the sizes it saw
 * before the growth was shared: on hot paths that decides whether a freed
 * block is given back to the kernel and faulted in again).
 */
#ifndef NQ_BUF_H
#define NQ_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NQ_BUF_MIN 256 /* bytes of a buffer's first allocation, at least */

typedef struct nq_buf {
    char *buf;    /* the content, then a NUL; nq_buf_empty while alloc is 0 */
    size_t len;   /* bytes of content, the NUL not counted */
    size_t alloc; /* bytes allocated, 0: none */
    bool failed;  /* an allocation failed: adds do nothing until reset or release */
} nq_buf_t;

/* The shared empty string of buffers without an allocation. Never written. */
extern char nq_buf_empty[1];

#define NQ_BUF_INIT                                                                                \
    {                                                                                              \
        nq_buf_empty, 0, 0, false                                                                  \
    }

/* An empty buffer without an allocation (as NQ_BUF_INIT). */
void nq_buf_init(nq_buf_t *b);

/* Free the allocation; b is then as after nq_buf_init. Safe on an
 * initialised buffer without one. */
void nq_buf_release(nq_buf_t *b);

/* Empty the content and clear `failed`, keeping the allocation. */
void nq_buf_reset(nq_buf_t *b);

/* Take the content: a malloc'd NUL-terminated copy the caller frees (the
 * allocation itself when there is one), its length in *len (may be NULL).
 * b is then as after nq_buf_init. Returns NULL, and releases b, when b
 * failed or out of memory. */
char *nq_buf_detach(nq_buf_t *b, size_t *len);

/* Make room for `extra` more bytes (and the NUL after them) without moving
 * the content again. Returns 0, or -1 (b->failed set) when out of memory or
 * b failed before. */
int nq_buf_grow(nq_buf_t *b, size_t extra);

/* Bytes that can be written at b->buf + b->len before the buffer must grow
 * (the NUL's byte not counted). */
static inline size_t nq_buf_avail(const nq_buf_t *b)
{
    return b->alloc ? b->alloc - b->len - 1 : 0;
}

/* Set the content's length after writing in place: len <= b->len +
 * nq_buf_avail(b). Writes the NUL. */
static inline void nq_buf_setlen(nq_buf_t *b, size_t len)
{
    if (b->alloc == 0)
        return; /* len is 0: the shared empty string stays as it is */
    b->len = len;
    b->buf[len] = '\0';
}

/* Append n bytes (may hold NULs). The hot path of every add: inline. */
static inline int nq_buf_add(nq_buf_t *b, const void *bytes, size_t n)
{
    if (b->failed || (n >= b->alloc - b->len && nq_buf_grow(b, n) != 0))
        return -1;
    if (n)
        memcpy(b->buf + b->len, bytes, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

/* Append the string s (NUL-terminated, not NULL). */
static inline int nq_buf_adds(nq_buf_t *b, const char *s)
{
    return nq_buf_add(b, s, strlen(s));
}

/* Append one byte. */
static inline int nq_buf_addch(nq_buf_t *b, char c)
{
    return nq_buf_add(b, &c, 1);
}

/* Append v in decimal, without printf (thousands per Redis pipeline). */
int nq_buf_addu64(nq_buf_t *b, uint64_t v);
int nq_buf_addi64(nq_buf_t *b, int64_t v);

/* Write v in decimal backwards so that it ends just before `end`, with no
 * NUL; returns where it starts, at most NQ_INT_TEXT bytes before `end`. For
 * an integer that needs its length first (a Redis bulk string). */
#define NQ_INT_TEXT 20
char *nq_u64_before(char *end, uint64_t v);
char *nq_i64_before(char *end, int64_t v);

/* Append printf-formatted text. Returns -1 also when the format fails
 * (b->failed set, content unchanged). */
int nq_buf_addf(nq_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nq_buf_vaddf(nq_buf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Remove n bytes at `pos` (pos + n <= b->len), moving what follows down:
 * nq_buf_remove(b, 0, used) drops what a reader consumed. */
void nq_buf_remove(nq_buf_t *b, size_t pos, size_t n);

/* Room for `need` elements of `size` bytes in `array` (malloc'd or NULL),
 * whose allocation holds *cap elements: returns the array, moved when it had
 * to grow (*cap updated: `first` elements or more the first time, then at
 * least doubled), or NULL when out of memory, the array then unchanged and
 * still the caller's. need and first must be > 0.
 *
 *   item_t *items = nq_array_grow(l->items, &l->cap, l->n + 1, 16, sizeof(*items));
 *   if (!items)
 *       return -1;
 *   l->items = items;
 *   l->items[l->n++] = item;
 */
void *nq_array_grow(void *array, size_t *cap, size_t need, size_t first, size_t size);

#endif
