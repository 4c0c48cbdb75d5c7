/* page.c — the limit and the cursor of a list's pages. See nq/page.h. */
#include "nq/page.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define CURSOR_FORMAT 1
#define HASH_BYTES    8
#define RAW_MAX       (1 + HASH_BYTES + NQ_CURSOR_POS_MAX)

int nq_page_limit(const char *text, unsigned *limit, const char **why)
{
    *limit = NQ_PAGE_LIMIT_DEFAULT;
    if (!text)
        return 0;
    unsigned v = 0;
    size_t n = strlen(text);
    bool digits = n > 0 && n <= 4 && strspn(text, "0123456789") == n;
    for (size_t i = 0; digits && i < n; i++)
        v = v * 10 + (unsigned)(text[i] - '0');
    if (!digits || v < 1 || v > NQ_PAGE_LIMIT_MAX) {
        *why = "must be a whole number from 1 to 500";
        return -1;
    }
    *limit = v;
    return 0;
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* 1..NQ_CURSOR_POS_MAX bytes from '!' to '~'. */
static bool valid_pos(const unsigned char *p, size_t n)
{
    if (n < 1 || n > NQ_CURSOR_POS_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x21 || p[i] > 0x7e)
            return false;
    }
    return true;
}

int nq_page_cursor_encode(char *buf, size_t len, const char *scope, const char *pos)
{
    unsigned char raw[RAW_MAX];
    size_t n = strlen(pos);
    if (!valid_pos((const unsigned char *)pos, n))
        return -1;
    uint64_t h = fnv1a64(scope);
    raw[0] = CURSOR_FORMAT;
    for (int i = 0; i < HASH_BYTES; i++)
        raw[1 + i] = (unsigned char)(h >> (8 * (HASH_BYTES - 1 - i)));
    memcpy(raw + 1 + HASH_BYTES, pos, n);
    size_t raw_len = 1 + HASH_BYTES + n;
    if (len < sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
        return -1;
    sodium_bin2base64(buf, len, raw, raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return (int)strlen(buf);
}

int nq_page_cursor_decode(const char *cursor, const char *scope, char *pos, size_t len,
                          const char **why)
{
    unsigned char raw[RAW_MAX];
    size_t raw_len = 0;
    const char *end = NULL;
    size_t n = strlen(cursor);
    *why = "is not a cursor of this API (pass next_cursor as it came)";
    if (n == 0 || n >= NQ_CURSOR_MAX ||
        sodium_base642bin(raw, sizeof(raw), cursor, n, NULL, &raw_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != cursor + n || raw_len < 1 + HASH_BYTES + 1 || raw[0] != CURSOR_FORMAT ||
        !valid_pos(raw + 1 + HASH_BYTES, raw_len - 1 - HASH_BYTES))
        return -1;
    uint64_t h = fnv1a64(scope), got = 0;
    for (int i = 0; i < HASH_BYTES; i++)
        got = got << 8 | raw[1 + i];
    if (got != h) {
        *why = "was made for another list or other filters (start again without a cursor)";
        return -1;
    }
    size_t pos_len = raw_len - 1 - HASH_BYTES;
    if (pos_len + 1 > len)
        return -1;
    memcpy(pos, raw + 1 + HASH_BYTES, pos_len);
    pos[pos_len] = '\0';
    return 0;
}
