/* feedsig.c — webhook secrets and HMAC signatures. See nq/feedsig.h. */
#include "nq/feedsig.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"

/* Walk the entries of a spec: calls fn(source, slen, secret, klen, ctx) for
 * each; stops and returns fn's non-zero value. Returns -2 when malformed. */
typedef int (*entry_fn)(const char *src, size_t slen, const char *sec, size_t klen, void *ctx);

static int each_entry(const char *spec, entry_fn fn, void *ctx)
{
    const char *p = spec;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq)
            return -2;
        int rc = fn(p, (size_t)(eq - p), eq + 1, len - (size_t)(eq - p) - 1, ctx);
        if (rc)
            return rc;
        p += len + (comma ? 1 : 0);
        if (comma && !*p)
            return -2;
    }
    return 0;
}

typedef struct check_ctx {
    const char *why; /* reason of the first problem */
    char seen[2048]; /* ",src1,src2," for duplicate detection */
} check_ctx_t;

static int check_entry(const char *src, size_t slen, const char *sec, size_t klen, void *data)
{
    check_ctx_t *c = data;
    char id[NQ_ID_MAX + 1];
    char name[NQ_ID_MAX + 3];
    snprintf(id, sizeof(id), "%.*s", (int)slen, src);
    if (slen > NQ_ID_MAX || !nq_valid_id(id)) {
        c->why = "a source name must be 1-64 characters of A-Z a-z 0-9 _ . : -";
        return -1;
    }
    snprintf(name, sizeof(name), ",%s,", id);
    if (klen < NQ_FEED_SECRET_MIN || klen > NQ_FEED_SECRET_MAX) {
        c->why = "a secret must be 16-128 characters";
        return -1;
    }
    for (size_t i = 0; i < klen; i++) {
        if (sec[i] <= ' ' || sec[i] == 0x7f) {
            c->why = "a secret must be printable characters without spaces";
            return -1;
        }
    }
    if (strstr(c->seen, name)) {
        c->why = "a source is configured twice";
        return -1;
    }
    if (strlen(c->seen) + strlen(name) >= sizeof(c->seen)) {
        c->why = "too many sources";
        return -1;
    }
    strcat(c->seen, name + (c->seen[0] ? 1 : 0));
    return 0;
}

int nq_feed_secrets_check(const char *spec, const char **why)
{
    check_ctx_t c = {NULL, ""};
    int rc = each_entry(spec, check_entry, &c);
    if (rc == -2)
        c.why = "must be source=secret pairs separated by commas";
    if (rc != 0 && why)
        *why = c.why;
    return rc == 0 ? 0 : -1;
}

typedef struct lookup_ctx {
    const char *source; /* wanted */
    char *buf;          /* out */
    size_t len;         /* its size */
} lookup_ctx_t;

static int lookup_entry(const char *src, size_t slen, const char *sec, size_t klen, void *data)
{
    lookup_ctx_t *l = data;
    if (strlen(l->source) != slen || strncmp(src, l->source, slen) != 0)
        return 0;
    if (klen >= l->len)
        return -1;
    memcpy(l->buf, sec, klen);
    l->buf[klen] = '\0';
    return 1;
}

int nq_feed_secret(const char *spec, const char *source, char *buf, size_t len)
{
    lookup_ctx_t l = {source, buf, len};
    return each_entry(spec, lookup_entry, &l) == 1 ? 0 : -1;
}

int nq_feed_sign(const char *secret, const char *timestamp, const char *body, size_t len, char *out,
                 size_t outlen)
{
    if (outlen < 7 + NQ_FEED_SIG_HEX + 1 || sodium_init() < 0)
        return -1;
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, outlen - 7, mac, sizeof(mac));
    return 0;
}

int nq_feed_verify(const char *secret, const char *timestamp, const char *signature,
                   const char *body, size_t len, int64_t now_s, int64_t tolerance_s,
                   const char **why)
{
    const char *reason = NULL;
    char *end = NULL;
    long long ts = timestamp ? strtoll(timestamp, &end, 10) : 0;
    char expected[80], given[80];
    snprintf(given, sizeof(given), "%s", signature ? signature : "");
    for (char *p = given; *p; p++)
        *p = (char)tolower((unsigned char)*p); /* hex digits in either case */
    if (!timestamp || !signature)
        reason = "missing X-Neiqin-Timestamp or X-Neiqin-Signature header";
    else if (end == timestamp || *end || strlen(timestamp) > 12 ||
             strspn(timestamp, "0123456789") != strlen(timestamp))
        reason = "X-Neiqin-Timestamp must be Unix seconds";
    else if (ts < now_s - tolerance_s || ts > now_s + tolerance_s)
        reason = "X-Neiqin-Timestamp is outside the allowed clock window";
    else if (strlen(signature) != 7 + NQ_FEED_SIG_HEX || strncmp(signature, "sha256=", 7) != 0)
        reason = "X-Neiqin-Signature must be sha256=<64 hex digits>";
    else if (nq_feed_sign(secret, timestamp, body, len, expected, sizeof(expected)) != 0 ||
             sodium_memcmp(expected, given, 7 + NQ_FEED_SIG_HEX) != 0)
        reason = "signature does not match";
    if (reason && why)
        *why = reason;
    return reason ? -1 : 0;
}
