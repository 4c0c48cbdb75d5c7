/* httpc_parse.c — the grammar of what an HTTP/1.1 server answers, socket-free and pure
 * (see nq/httpc.h, "pure parsing pieces"): base URLs, status and header lines, a response
 * head, chunked bodies. */
#include "httpc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ text */

/* Copy a span into a fixed field, truncating and NUL-terminating. */
static void span_copy(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Does the comma-separated list v contain `tok` (only as its last element
 * when last_only)? Case-insensitive, spaces around elements ignored. */
static bool list_has(const char *v, size_t n, const char *tok, bool last_only)
{
    bool found = false;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && v[j] != ',')
            j++;
        size_t a = i, z = j;
        while (a < z && nq_httpc__is_ows(v[a]))
            a++;
        while (z > a && nq_httpc__is_ows(v[z - 1]))
            z--;
        if (z > a)
            found = nq_httpc__span_eq(v + a, z - a, tok) || (found && !last_only);
        i = j + 1;
    }
    return found;
}

/* Length of the line at p (up to and including '\n'), 0 if none ends in
 * p[0..len). *content is the length without CR LF. */
static size_t next_line(const char *p, size_t len, size_t *content)
{
    const char *lf = memchr(p, '\n', len);
    if (!lf)
        return 0;
    size_t n = (size_t)(lf - p);
    *content = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
    return n + 1;
}

/* ------------------------------------------------------------------- URL */

int nq_httpc_parse_url(const char *url, nq_httpc_url_t *out)
{
    static const char scheme[] = "http://";
    if (!url || strncasecmp(url, scheme, sizeof(scheme) - 1) != 0)
        return NQ_HTTPC_EINVAL;
    const char *h = url + sizeof(scheme) - 1;
    const char *slash = h + strcspn(h, "/");
    const char *host_end, *port = NULL;
    memset(out, 0, sizeof(*out));
    out->port = 80;
    if (*h == '[') {
        host_end = memchr(h, ']', (size_t)(slash - h));
        if (!host_end || (host_end + 1 < slash && host_end[1] != ':'))
            return NQ_HTTPC_EINVAL;
        port = host_end + 1 < slash ? host_end + 2 : NULL;
        h++;
    } else {
        host_end = memchr(h, ':', (size_t)(slash - h));
        port = host_end ? host_end + 1 : NULL;
        host_end = host_end ? host_end : slash;
    }
    size_t hn = (size_t)(host_end - h);
    if (hn == 0 || hn >= sizeof(out->host) || strcspn(h, "@?# \t\r\n") < hn)
        return NQ_HTTPC_EINVAL;
    span_copy(out->host, sizeof(out->host), h, hn);
    if (port) {
        size_t pn = (size_t)(slash - port);
        if (pn == 0 || pn > 5 || strspn(port, "0123456789") < pn)
            return NQ_HTTPC_EINVAL;
        out->port = atoi(port);
        if (out->port < 1 || out->port > 65535)
            return NQ_HTTPC_EINVAL;
    }
    size_t rn = strlen(slash);
    while (rn > 0 && slash[rn - 1] == '/')
        rn--;
    if (rn >= sizeof(out->prefix) || strcspn(slash, "?# \t\r\n") < strlen(slash))
        return NQ_HTTPC_EINVAL;
    span_copy(out->prefix, sizeof(out->prefix), slash, rn);
    return 0;
}

/* ------------------------------------------------------------------ head */

int nq_httpc_parse_status_line(const char *line, size_t len, int *minor, int *status)
{
    static const char v[] = "HTTP/1.";
    size_t vn = sizeof(v) - 1;
    if (len < vn + 5 || memcmp(line, v, vn) != 0)
        return NQ_HTTPC_EPROTO;
    const char *p = line + vn;
    if (p[0] < '0' || p[0] > '9' || p[1] != ' ')
        return NQ_HTTPC_EPROTO;
    for (int i = 2; i < 5; i++)
        if (p[i] < '0' || p[i] > '9')
            return NQ_HTTPC_EPROTO;
    if (len > vn + 5 && p[5] != ' ')
        return NQ_HTTPC_EPROTO;
    *minor = p[0] - '0';
    *status = (p[2] - '0') * 100 + (p[3] - '0') * 10 + (p[4] - '0');
    return *status >= 100 ? 0 : NQ_HTTPC_EPROTO;
}

int nq_httpc_parse_header_line(const char *line, size_t len, const char **name, size_t *name_len,
                               const char **value, size_t *value_len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return NQ_HTTPC_EPROTO;
    for (const char *p = line; p < colon; p++)
        if (!nq_httpc__is_tchar(*p))
            return NQ_HTTPC_EPROTO;
    const char *v = colon + 1, *end = line + len;
    while (v < end && nq_httpc__is_ows(*v))
        v++;
    while (end > v && nq_httpc__is_ows(end[-1]))
        end--;
    *name = line;
    *name_len = (size_t)(colon - line);
    *value = v;
    *value_len = (size_t)(end - v);
    return 0;
}

/* Connection tokens seen while parsing a head. */
typedef struct head_flags {
    bool close;      /* Connection: close */
    bool keep;       /* Connection: keep-alive (HTTP/1.0) */
    bool te_unknown; /* a Transfer-Encoding that does not end in chunked */
} head_flags_t;

static int apply_content_length(nq_httpc_head_t *h, const char *v, size_t n)
{
    if (n == 0 || n > 18 || strspn(v, "0123456789") < n)
        return NQ_HTTPC_EPROTO;
    int64_t cl = 0;
    for (size_t i = 0; i < n; i++)
        cl = cl * 10 + (v[i] - '0');
    if (h->content_length >= 0 && h->content_length != cl)
        return NQ_HTTPC_EPROTO;
    h->content_length = cl;
    return 0;
}

static int apply_header(nq_httpc_head_t *h, head_flags_t *f, const char *name, size_t nl,
                        const char *v, size_t vl)
{
    if (nq_httpc__span_eq(name, nl, "content-length"))
        return apply_content_length(h, v, vl);
    if (nq_httpc__span_eq(name, nl, "transfer-encoding")) {
        h->chunked = list_has(v, vl, "chunked", true);
        f->te_unknown = !h->chunked;
    } else if (nq_httpc__span_eq(name, nl, "connection")) {
        f->close = f->close || list_has(v, vl, "close", false);
        f->keep = f->keep || list_has(v, vl, "keep-alive", false);
    } else if (nq_httpc__span_eq(name, nl, "content-type")) {
        span_copy(h->content_type, sizeof(h->content_type), v, vl);
    } else if (nq_httpc__span_eq(name, nl, "retry-after")) {
        span_copy(h->retry_after, sizeof(h->retry_after), v, vl);
    }
    return 0;
}

int nq_httpc_parse_head(const char *buf, size_t len, nq_httpc_head_t *out)
{
    size_t lim = len < NQ_HTTPC_MAX_HEAD ? len : NQ_HTTPC_MAX_HEAD;
    size_t pos = 0, n, cn;
    head_flags_t f = {0};
    memset(out, 0, sizeof(*out));
    out->content_length = -1;
    for (bool first = true;; first = false) {
        n = next_line(buf + pos, lim - pos, &cn);
        if (n == 0)
            return len >= NQ_HTTPC_MAX_HEAD ? NQ_HTTPC_ETOOBIG : 0;
        const char *line = buf + pos, *name, *v;
        size_t nl, vl;
        int rc;
        pos += n;
        if (first)
            rc = nq_httpc_parse_status_line(line, cn, &out->minor, &out->status);
        else if (cn == 0)
            break;
        else if ((rc = nq_httpc_parse_header_line(line, cn, &name, &nl, &v, &vl)) == 0)
            rc = apply_header(out, &f, name, nl, v, vl);
        if (rc < 0)
            return rc;
    }
    if (out->chunked || f.te_unknown)
        out->content_length = -1;
    out->keep_alive = !f.te_unknown && (out->minor >= 1 ? !f.close : f.keep && !f.close);
    return (int)pos;
}

/* --------------------------------------------------------------- chunked */

enum {
    CK_SIZE,         /* hex digits of a chunk size */
    CK_EXT,          /* chunk extension, skipped up to the line end */
    CK_SIZE_LF,      /* LF after the size line's CR */
    CK_DATA,         /* chunk payload */
    CK_DATA_CR,      /* CR after the payload */
    CK_DATA_LF,      /* LF after the payload's CR */
    CK_TRAILER,      /* start of a trailer line, or the final empty line */
    CK_TRAILER_LINE, /* inside a trailer field, skipped */
    CK_END_LF,       /* LF of the final empty line */
    CK_DONE,         /* the body is complete */
    CK_ERROR,        /* malformed; stays so */
};

void nq_httpc_chunked_init(nq_httpc_chunked_t *st)
{
    memset(st, 0, sizeof(*st));
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The size line is over: a zero size starts the trailer. */
static int ck_size_done(nq_httpc_chunked_t *st)
{
    st->digits = 0;
    return st->remaining ? CK_DATA : CK_TRAILER;
}

/* Next state after one framing byte (every state except CK_DATA). */
static int ck_step(nq_httpc_chunked_t *st, char c)
{
    int h;
    switch (st->state) {
    case CK_SIZE:
        h = hex_value(c);
        if (h >= 0 && st->digits < 15) {
            st->remaining = st->remaining * 16 + (uint64_t)h;
            st->digits++;
            return CK_SIZE;
        }
        if (st->digits == 0 || h >= 0)
            return CK_ERROR;
        if (c == ';' || nq_httpc__is_ows(c))
            return CK_EXT;
        return c == '\r' ? CK_SIZE_LF : c == '\n' ? ck_size_done(st) : CK_ERROR;
    case CK_EXT:
        return c == '\r' ? CK_SIZE_LF : c == '\n' ? ck_size_done(st) : CK_EXT;
    case CK_SIZE_LF:
        return c == '\n' ? ck_size_done(st) : CK_ERROR;
    case CK_DATA_CR:
        return c == '\r' ? CK_DATA_LF : c == '\n' ? CK_SIZE : CK_ERROR;
    case CK_DATA_LF:
        return c == '\n' ? CK_SIZE : CK_ERROR;
    case CK_TRAILER:
        return c == '\r' ? CK_END_LF : c == '\n' ? CK_DONE : CK_TRAILER_LINE;
    case CK_TRAILER_LINE:
        return c == '\n' ? CK_TRAILER : CK_TRAILER_LINE;
    case CK_END_LF:
        return c == '\n' ? CK_DONE : CK_ERROR;
    default:
        return CK_ERROR;
    }
}

int nq_httpc_chunked_decode(nq_httpc_chunked_t *st, char *buf, size_t len, size_t *out_len,
                            size_t *used)
{
    size_t in = 0, out = 0;
    while (in < len && st->state != CK_DONE && st->state != CK_ERROR) {
        if (st->state == CK_DATA) {
            size_t n = len - in < st->remaining ? len - in : (size_t)st->remaining;
            memmove(buf + out, buf + in, n);
            in += n;
            out += n;
            st->remaining -= n;
            if (st->remaining == 0)
                st->state = CK_DATA_CR;
        } else {
            st->state = ck_step(st, buf[in++]);
        }
    }
    *out_len = out;
    *used = in;
    if (st->state == CK_ERROR)
        return NQ_HTTPC_EPROTO;
    return st->state == CK_DONE;
}
