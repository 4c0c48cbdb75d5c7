/* utf8.c — UTF-8 checks. See nq/utf8.h. */
#include "nq/utf8.h"

#include <string.h>

size_t nq_utf8_seq(const char *p, size_t avail, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4 || avail < n)
        return 0;
    uint32_t c = n == 1 ? s[0] : s[0] & (0xFFu >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min_cp[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    if (cp)
        *cp = c;
    return n;
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
