/* jtext.c — JSON text into a buffer. See jtext.h. */
#include "jtext.h"

#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

/* Room for `n` more bytes and the NUL. */
static bool reserve(jtext_t *t, size_t n)
{
    if (t->failed)
        return false;
    if (t->len + n + 1 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n + 1)
        cap *= 2;
    char *buf = realloc(t->buf, cap);
    if (!buf) {
        t->failed = true;
        return false;
    }
    t->buf = buf;
    t->cap = cap;
    return true;
}

static void append(jtext_t *t, const char *s, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

void jtext_raw(jtext_t *t, const char *s)
{
    append(t, s, strlen(s));
}

/* Whether s can be written between quotes as it is: printable ASCII without
 * quote or backslash (event ids nearly always are). */
static bool plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            return false;
    }
    return true;
}

void jtext_str(jtext_t *t, const char *s)
{
    if (!s) {
        append(t, "null", 4);
        return;
    }
    size_t n = strlen(s);
    if (plain(s, n)) {
        if (!reserve(t, n + 2))
            return;
        t->buf[t->len++] = '"';
        memcpy(t->buf + t->len, s, n);
        t->len += n;
        t->buf[t->len++] = '"';
        t->buf[t->len] = '\0';
        return;
    }
    /* Escaping makes each byte at most 6: \u00XX or \ufffd. */
    size_t room = 6 * n + 1;
    if (!reserve(t, room + 2))
        return;
    t->buf[t->len++] = '"';
    t->len += nq_json_escape(t->buf + t->len, room, s);
    t->buf[t->len++] = '"';
    t->buf[t->len] = '\0';
}

void jtext_uint(jtext_t *t, uint64_t v)
{
    char digits[24];
    size_t i = sizeof(digits);
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    append(t, digits + i, sizeof(digits) - i);
}

void jtext_int(jtext_t *t, int64_t v)
{
    if (v < 0) {
        append(t, "-", 1);
        jtext_uint(t, 0 - (uint64_t)v);
        return;
    }
    jtext_uint(t, (uint64_t)v);
}

void jtext_json(jtext_t *t, const json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
    if (!text) {
        t->failed = true;
        return;
    }
    jtext_raw(t, text);
    free(text);
}

void jtext_free(jtext_t *t)
{
    free(t->buf);
    memset(t, 0, sizeof(*t));
}
