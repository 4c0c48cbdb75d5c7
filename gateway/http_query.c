/* gateway/http_query.c — what a handler reads of a request (see http.h): a header by
 * name, query parameters by name or in turn, percent-decoded. Pure. */
#include "http_conn.h"

#include <string.h>
#include <strings.h>

#define QUERY_KEY_MAX 256 /* longest decoded query parameter name */

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int nq_http__pct_decode(char *dst, size_t cap, const char *src, size_t len, bool plus_space)
{
    size_t out = 0;

    if (cap == 0)
        return -1;
    for (size_t i = 0; i < len; i++, out++) {
        int ch = (unsigned char)src[i];
        if (ch == '%') {
            int hi = len - i > 2 ? hex_value(src[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value(src[i + 2]) : -1;
            if (lo < 0)
                return -1;
            ch = hi << 4 | lo;
            i += 2;
        } else if (ch == '+' && plus_space) {
            ch = ' ';
        }
        if (ch == '\0' || out + 1 >= cap)
            return -1;
        dst[out] = (char)ch;
    }
    dst[out] = '\0';
    return (int)out;
}

const char *nq_http_header(const nq_http_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

int nq_http_query_param(const nq_http_request_t *req, const char *name, char *buf, size_t len)
{
    char key[QUERY_KEY_MAX];

    for (const char *p = req->query; p && *p;) {
        size_t pair = strcspn(p, "&");
        size_t klen = strcspn(p, "=&");
        if (nq_http__pct_decode(key, sizeof(key), p, klen, true) >= 0 && strcmp(key, name) == 0) {
            const char *value = p + klen + (klen < pair);
            return nq_http__pct_decode(buf, len, value, pair - (size_t)(value - p), true);
        }
        p += pair + (p[pair] == '&');
    }
    return -1;
}

int nq_http_query_next(const char **at, char *name, size_t nlen, char *value, size_t vlen)
{
    const char *p = *at;
    while (p && *p == '&')
        p++;
    if (!p || !*p) {
        *at = p;
        return 0;
    }
    size_t pair = strcspn(p, "&");
    size_t klen = strcspn(p, "=&");
    const char *v = p + klen + (klen < pair);
    *at = p + pair;
    if (nq_http__pct_decode(name, nlen, p, klen, true) < 0 ||
        nq_http__pct_decode(value, vlen, v, pair - (size_t)(v - p), true) < 0)
        return -1;
    return 1;
}
