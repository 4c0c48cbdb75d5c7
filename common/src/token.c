/* token.c — API keys, session ids, CSRF tokens. See nq/token.h. */
#include "nq/token.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void nq_token_new(char out[NQ_TOKEN_LEN + 1])
{
    unsigned char raw[NQ_TOKEN_BYTES];

    if (sodium_init() < 0)
        abort();
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, NQ_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

void nq_apikey_new(char out[NQ_APIKEY_LEN + 1])
{
    memcpy(out, NQ_APIKEY_PREFIX, 3);
    nq_token_new(out + 3);
}

/* The 6-bit value of a base64url character, or -1. This check runs on every
 * request with a key: sodium's constant-time decoder costs ten times more,
 * and the alphabet of a key is no secret. */
static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

bool nq_token_well_formed(const char *s, size_t len)
{
    if (len != NQ_TOKEN_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        if (b64url_value((unsigned char)s[i]) < 0)
            return false;
    /* 43 characters carry 258 bits: the last one's 2 low bits must be zero. */
    return (b64url_value((unsigned char)s[len - 1]) & 3) == 0;
}

bool nq_apikey_well_formed(const char *s, size_t len)
{
    return len == NQ_APIKEY_LEN && memcmp(s, NQ_APIKEY_PREFIX, 3) == 0 &&
           nq_token_well_formed(s + 3, len - 3);
}

void nq_token_hash(const char *s, size_t len, char out[NQ_TOKEN_HASH_HEX + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(digest, (const unsigned char *)s, len);
    sodium_bin2hex(out, NQ_TOKEN_HASH_HEX + 1, digest, sizeof(digest));
}

int nq_bearer(const char *header, const char **cred)
{
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return -1;
    const char *p = header + 7;
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, " \t");
    if (n == 0 || p[n] != '\0')
        return -1;
    *cred = p;
    return (int)n;
}

int nq_cookie_get(const char *header, const char *name, char *buf, size_t len)
{
    size_t nlen = strlen(name);

    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t pair = strcspn(p, ";");
        if (pair > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = pair - nlen - 1;
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (vlen == 0 || vlen >= len)
                return -1;
            memcpy(buf, v, vlen);
            buf[vlen] = '\0';
            return (int)vlen;
        }
        p += pair + (p[pair] == ';');
    }
    return -1;
}

bool nq_token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la == lb && sodium_memcmp(a, b, la) == 0;
}
