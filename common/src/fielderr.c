/* fielderr.c — field errors and shared checks. See nq/fielderr.h. */
#include "nq/fielderr.h"

#include "nq/utf8.h"

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
    char reason[4 * sizeof(e->reason)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    /* Both may quote the input: kept valid UTF-8, cut between characters. */
    nq_utf8_clean(e->field, sizeof(e->field), field);
    nq_utf8_clean(e->reason, sizeof(e->reason), reason);
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

bool nq_valid_text(const char *s, size_t max_bytes)
{
    if (!s)
        return false;
    size_t total = strlen(s);
    for (size_t n = 0; n < total;) {
        uint32_t cp = 0;
        size_t len = nq_utf8_seq(s + n, total - n, &cp);
        bool control = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp <= 0x9f);
        if (len == 0 || control)
            return false;
        n += len;
    }
    return total <= max_bytes;
}

bool nq_one_of(const char *s, const char *const *choices)
{
    for (; s && *choices; choices++) {
        if (strcmp(s, *choices) == 0)
            return true;
    }
    return false;
}
