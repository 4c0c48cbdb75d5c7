/* fielderr.c — field errors and shared checks. See nq/fielderr.h. */
#include "nq/fielderr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void nq_field_errors_add(nq_field_errors_t *errs, const char *field, const char *fmt, ...)
{
    if (errs->n == NQ_FIELD_ERRORS_MAX) {
        errs->dropped++;
        return;
    }
    nq_field_error_t *e = &errs->items[errs->n++];
    snprintf(e->field, sizeof(e->field), "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
    va_end(ap);
}

bool nq_valid_id(const char *s)
{
    if (!s || !*s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == ':' || c == '-';
        if (!ok || n >= NQ_ID_MAX)
            return false;
    }
    return true;
}

/* Length of the UTF-8 sequence starting at p (1..4) with its code point in
 * *cp, or 0 when invalid (bad lead byte, bad continuation, overlong form,
 * surrogate, > U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, uint32_t *out)
{
    *out = p[0];
    if (p[0] < 0x80)
        return 1;
    size_t len = (p[0] & 0xE0) == 0xC0   ? 2
                 : (p[0] & 0xF0) == 0xE0 ? 3
                 : (p[0] & 0xF8) == 0xF0 ? 4
                                         : 0;
    if (len == 0)
        return 0;
    uint32_t cp = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *out = cp;
    return len;
}

bool nq_valid_text(const char *s, size_t max_bytes)
{
    if (!s)
        return false;
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t len = utf8_seq(p, &cp);
        bool control = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp <= 0x9f);
        if (len == 0 || control)
            return false;
        p += len;
        n += len;
    }
    return n <= max_bytes;
}

bool nq_one_of(const char *s, const char *const *choices)
{
    for (; s && *choices; choices++) {
        if (strcmp(s, *choices) == 0)
            return true;
    }
    return false;
}
