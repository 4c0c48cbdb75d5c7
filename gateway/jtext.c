/* jtext.c — JSON strings and values into a buffer. See jtext.h. */
#include "jtext.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

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

void jtext_str(nq_buf_t *t, const char *s)
{
    if (!s) {
        nq_buf_add(t, "null", 4);
        return;
    }
    size_t n = strlen(s);
    /* Escaping makes each byte at most 6: \u00XX or \ufffd. */
    if (nq_buf_grow(t, plain(s, n) ? n + 2 : 6 * n + 2) != 0)
        return;
    nq_buf_addch(t, '"');
    if (plain(s, n))
        nq_buf_add(t, s, n);
    else
        nq_buf_setlen(t, t->len + nq_json_escape(t->buf + t->len, nq_buf_avail(t), s));
    nq_buf_addch(t, '"');
}

void jtext_json(nq_buf_t *t, const json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
    if (!text) {
        t->failed = true;
        return;
    }
    nq_buf_adds(t, text);
    free(text);
}
