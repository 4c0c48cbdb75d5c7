/* utf8.c — UTF-8 checks. See nq/utf8.h. */
#include "nq/utf8.h"

#include <string.h>

#define CUT (-1) /* scan(): a valid start, cut short by the end */

/* Length (1..4) of the valid sequence at s (avail >= 1 bytes there), with its
 * code point in *cp; 0 when invalid; CUT when valid but incomplete. The
 * second byte's range excludes overlong forms (E0, F0), surrogates (ED) and
 * what lies past U+10FFFF (F4). */
static int scan(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned c = s[0];
    int len = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (len <= 1) {
        *cp = c;
        return len;
    }
    unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    uint32_t v = c & (0x7Fu >> len);
    for (int i = 1; i < len; i++, lo = 0x80, hi = 0xBF) {
        if ((size_t)i >= avail)
            return CUT;
        if (s[i] < lo || s[i] > hi)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

size_t nq_utf8_seq(const char *p, size_t avail, uint32_t *cp)
{
    uint32_t c;
    int n = scan((const unsigned char *)p, avail, &c);
    if (n <= 0)
        return 0;
    if (cp)
        *cp = c;
    return (size_t)n;
}

bool nq_utf8_cut(const char *p, size_t avail)
{
    uint32_t c;
    return scan((const unsigned char *)p, avail, &c) == CUT;
}

bool nq_utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len) {
        len = nq_utf8_seq(s + i, n - i, NULL);
        if (len == 0)
            return false;
    }
    return true;
}

size_t nq_utf8_clean(char *dst, size_t size, const char *src)
{
    static const char repl[] = NQ_UTF8_REPLACEMENT;
    const char *p = src ? src : "";
    size_t w = 0, left = strlen(p);
    while (left > 0) {
        size_t n = nq_utf8_seq(p, left, NULL);
        const char *unit = n ? p : repl;
        size_t unit_len = n ? n : sizeof(repl) - 1;
        if (w + unit_len >= size)
            break;
        memcpy(dst + w, unit, unit_len);
        w += unit_len;
        p += n ? n : 1;
        left -= n ? n : 1;
    }
    dst[w] = '\0';
    return w;
}
