/* httpc.c — blocking HTTP/1.1 client and SSE reader (see nq/httpc.h).
 *
 * Layout: buffer limits (nq/buf.h), the pure parsers (URL, head, chunked, SSE), the
 * socket helpers (every wait is a poll bounded by an absolute deadline on the
 * monotonic clock), then the client and the stream built from them. */
#include "nq/httpc.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nq/buf.h"

#define READ_CHUNK 16384
/* Everything a response may occupy in the receive buffer, framing included. */
#define MAX_BUFFERED ((size_t)NQ_HTTPC_MAX_BODY + NQ_HTTPC_MAX_HEAD + READ_CHUNK)

/* ----------------------------------------------------------------- buffer */

/* Make room in b for `extra` more bytes, its content staying within `limit`. */
static int reserve(nq_buf_t *b, size_t extra, size_t limit)
{
    if (extra > limit || b->len > limit - extra)
        return NQ_HTTPC_ETOOBIG;
    return nq_buf_grow(b, extra) == 0 ? 0 : NQ_HTTPC_ENOMEM;
}

static int append(nq_buf_t *b, const void *s, size_t n, size_t limit)
{
    int rc = reserve(b, n, limit);
    return rc < 0 ? rc : nq_buf_add(b, s, n);
}

static int appendf(nq_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int appendf(nq_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nq_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc < 0 ? NQ_HTTPC_ENOMEM : b->len > MAX_BUFFERED ? NQ_HTTPC_ETOOBIG : 0;
}

/* ------------------------------------------------------------------ text */

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 7230 tchar: what a method or header name may contain. */
static bool is_tchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool span_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

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
        while (a < z && is_ows(v[a]))
            a++;
        while (z > a && is_ows(v[z - 1]))
            z--;
        if (z > a)
            found = span_eq(v + a, z - a, tok) || (found && !last_only);
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
        if (!is_tchar(*p))
            return NQ_HTTPC_EPROTO;
    const char *v = colon + 1, *end = line + len;
    while (v < end && is_ows(*v))
        v++;
    while (end > v && is_ows(end[-1]))
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
    if (span_eq(name, nl, "content-length"))
        return apply_content_length(h, v, vl);
    if (span_eq(name, nl, "transfer-encoding")) {
        h->chunked = list_has(v, vl, "chunked", true);
        f->te_unknown = !h->chunked;
    } else if (span_eq(name, nl, "connection")) {
        f->close = f->close || list_has(v, vl, "close", false);
        f->keep = f->keep || list_has(v, vl, "keep-alive", false);
    } else if (span_eq(name, nl, "content-type")) {
        span_copy(h->content_type, sizeof(h->content_type), v, vl);
    } else if (span_eq(name, nl, "retry-after")) {
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
        if (c == ';' || is_ows(c))
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

/* ------------------------------------------------------------ SSE parser */

struct nq_httpc_sse_parser {
    nq_buf_t line;   /* the line being read, without its end */
    nq_buf_t id;     /* last event id in force */
    nq_buf_t event;  /* event type of the event being built */
    nq_buf_t data;   /* data of the event being built */
    bool has_data;   /* a data field was seen for this event */
    bool skip_lf;    /* the last line ended in CR: a LF right after belongs to it */
    bool dispatched; /* an event was returned: clear event and data first */
};

nq_httpc_sse_parser_t *nq_httpc_sse_parser_new(void)
{
    nq_httpc_sse_parser_t *p = calloc(1, sizeof(*p));
    if (p) {
        nq_buf_init(&p->line);
        nq_buf_init(&p->id);
        nq_buf_init(&p->event);
        nq_buf_init(&p->data);
    }
    return p;
}

void nq_httpc_sse_parser_destroy(nq_httpc_sse_parser_t **pp)
{
    if (!pp || !*pp)
        return;
    nq_httpc_sse_parser_t *p = *pp;
    nq_buf_release(&p->line);
    nq_buf_release(&p->id);
    nq_buf_release(&p->event);
    nq_buf_release(&p->data);
    free(p);
    *pp = NULL;
}

static int set(nq_buf_t *b, const char *s, size_t n)
{
    nq_buf_reset(b);
    return append(b, s, n, NQ_HTTPC_MAX_EVENT);
}

/* Apply one "field: value" line. */
static int sse_field(nq_httpc_sse_parser_t *p, const char *name, size_t nl, const char *v,
                     size_t vl)
{
    int rc = 0;
    if (span_eq(name, nl, "data")) {
        if (p->has_data)
            rc = append(&p->data, "\n", 1, NQ_HTTPC_MAX_EVENT);
        if (rc == 0)
            rc = append(&p->data, v, vl, NQ_HTTPC_MAX_EVENT);
        p->has_data = true;
    } else if (span_eq(name, nl, "event")) {
        rc = set(&p->event, v, vl);
    } else if (span_eq(name, nl, "id") && !memchr(v, '\0', vl)) {
        rc = set(&p->id, v, vl);
    }
    return rc;
}

/* Process the complete line in p->line. Returns 1 when it dispatched an event. */
static int sse_line(nq_httpc_sse_parser_t *p, nq_httpc_sse_event_t *ev)
{
    const char *l = p->line.buf;
    size_t n = p->line.len;
    int rc = 0;
    if (n == 0 && p->has_data) {
        ev->id = p->id.buf;
        ev->event = p->event.len ? p->event.buf : "message";
        ev->data = p->data.buf;
        ev->data_len = p->data.len;
        p->dispatched = true;
        return 1;
    }
    if (n == 0) {
        nq_buf_reset(&p->event);
    } else if (l[0] != ':') {
        const char *colon = memchr(l, ':', n);
        size_t nl = colon ? (size_t)(colon - l) : n;
        const char *v = colon ? colon + 1 : l + n;
        if (v < l + n && *v == ' ')
            v++;
        rc = sse_field(p, l, nl, v, (size_t)(l + n - v));
    }
    nq_buf_reset(&p->line);
    return rc;
}

int nq_httpc_sse_parser_feed(nq_httpc_sse_parser_t *p, const char *data, size_t len, size_t *used,
                             nq_httpc_sse_event_t *ev)
{
    if (p->dispatched) {
        nq_buf_reset(&p->event);
        nq_buf_reset(&p->data);
        p->has_data = false;
        p->dispatched = false;
    }
    size_t i = 0;
    while (i < len) {
        if (p->skip_lf) {
            p->skip_lf = false;
            if (data[i] == '\n') {
                i++;
                continue;
            }
        }
        size_t j = i;
        while (j < len && data[j] != '\r' && data[j] != '\n')
            j++;
        int rc = append(&p->line, data + i, j - i, NQ_HTTPC_MAX_EVENT);
        if (rc < 0 || j == len) {
            *used = rc < 0 ? i : len;
            return rc;
        }
        p->skip_lf = data[j] == '\r';
        i = j + 1;
        rc = sse_line(p, ev);
        if (rc != 0) {
            *used = i;
            return rc;
        }
    }
    *used = len;
    return 0;
}

/* ---------------------------------------------------------------- sockets */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for `events` or the deadline passes (a deadline in
 * the past still polls once). */
static int wait_fd(int fd, short events, int64_t deadline)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    for (;;) {
        int64_t left = deadline - now_ms();
        int r = poll(&pfd, 1, left > 0 ? (int)left : 0);
        if (r > 0)
            return 0;
        if (r == 0)
            return NQ_HTTPC_ETIMEOUT;
        if (errno != EINTR)
            return NQ_HTTPC_EIO;
    }
}

/* Non-blocking connect to one address, bounded by the deadline. */
static int connect_addr(const struct addrinfo *ai, int64_t deadline)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NQ_HTTPC_ECONNECT;
    int one = 1, err = 0, rc = 0;
    socklen_t elen = sizeof(err);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        rc = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline) : NQ_HTTPC_ECONNECT;
        if (rc == 0 && (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0))
            rc = NQ_HTTPC_ECONNECT;
    }
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* Connect to the first address of host:port that answers. Returns fd or error. */
static int connect_to(const nq_httpc_url_t *u, int64_t deadline)
{
    char port[8];
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    snprintf(port, sizeof(port), "%d", u->port);
    if (getaddrinfo(u->host, port, &hints, &res) != 0)
        return NQ_HTTPC_ERESOLVE;
    int fd = NQ_HTTPC_ECONNECT;
    for (ai = res; ai && fd < 0 && fd != NQ_HTTPC_ETIMEOUT; ai = ai->ai_next)
        fd = connect_addr(ai, deadline);
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const char *p, size_t n, int64_t deadline)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_fd(fd, POLLOUT, deadline);
            if (rc < 0)
                return rc;
        } else if (w == 0 || errno != EINTR) {
            return NQ_HTTPC_EIO;
        }
    }
    return 0;
}

/* Receive what is available (waiting until the deadline) and append it to b.
 * Returns bytes read (> 0), 0 on orderly close, or a negative error. */
static int recv_more(int fd, nq_buf_t *b, int64_t deadline)
{
    int rc = reserve(b, READ_CHUNK, MAX_BUFFERED);
    if (rc < 0)
        return rc;
    for (;;) {
        ssize_t r = recv(fd, b->buf + b->len, READ_CHUNK, 0);
        if (r >= 0) {
            nq_buf_setlen(b, b->len + (size_t)r);
            return (int)r;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            rc = wait_fd(fd, POLLIN, deadline);
            if (rc < 0)
                return rc;
        } else if (errno != EINTR) {
            return NQ_HTTPC_EIO;
        }
    }
}

/* Read until a final (non-1xx) head is parsed; leaves the bytes after it at
 * the front of b. *got_any is set once any byte arrived. */
static int read_head(int fd, nq_buf_t *b, int64_t deadline, nq_httpc_head_t *h, bool *got_any)
{
    for (;;) {
        int n = nq_httpc_parse_head(b->buf, b->len, h);
        if (n > 0 && h->status >= 200) {
            nq_buf_remove(b, 0, (size_t)n);
            return 0;
        }
        if (n > 0 && h->status == 101)
            return NQ_HTTPC_EPROTO; /* no protocol switch was asked for */
        if (n > 0) {
            nq_buf_remove(b, 0, (size_t)n); /* 1xx interim answer */
            continue;
        }
        if (n < 0)
            return n;
        int r = recv_more(fd, b, deadline);
        if (r <= 0)
            return r == 0 ? NQ_HTTPC_EIO : r;
        *got_any = true;
    }
}

/* Read a body framed by chunked coding; b holds its first bytes. */
static int read_chunked(int fd, nq_buf_t *b, int64_t deadline, bool *keep)
{
    nq_httpc_chunked_t st;
    size_t done = 0, out, used;
    nq_httpc_chunked_init(&st);
    for (;;) {
        int rc = nq_httpc_chunked_decode(&st, b->buf + done, b->len - done, &out, &used);
        if (rc == 1 && used < b->len - done)
            *keep = false; /* bytes after the body: nothing was pipelined */
        nq_buf_setlen(b, done + out);
        done = b->len;
        if (rc != 0)
            return rc < 0 ? rc : done > NQ_HTTPC_MAX_BODY ? NQ_HTTPC_ETOOBIG : 0;
        rc = recv_more(fd, b, deadline);
        if (rc <= 0)
            return rc == 0 ? NQ_HTTPC_EIO : rc;
    }
}

/* Read the body the head announces; b holds its first bytes. */
static int read_body(int fd, nq_buf_t *b, const nq_httpc_head_t *h, bool no_body, int64_t deadline,
                     bool *keep)
{
    *keep = h->keep_alive;
    if (no_body || h->status == 204 || h->status == 304) {
        *keep = *keep && b->len == 0;
        nq_buf_setlen(b, 0);
        return 0;
    }
    if (h->chunked)
        return read_chunked(fd, b, deadline, keep);
    if (h->content_length > NQ_HTTPC_MAX_BODY)
        return NQ_HTTPC_ETOOBIG;
    for (;;) {
        if (h->content_length >= 0 && b->len >= (size_t)h->content_length) {
            *keep = *keep && b->len == (size_t)h->content_length;
            nq_buf_setlen(b, (size_t)h->content_length);
            return 0;
        }
        int rc = recv_more(fd, b, deadline);
        if (rc == 0 && h->content_length < 0) {
            *keep = false;
            return b->len > NQ_HTTPC_MAX_BODY ? NQ_HTTPC_ETOOBIG : 0;
        }
        if (rc <= 0)
            return rc == 0 ? NQ_HTTPC_EIO : rc;
    }
}

/* Read one complete answer into out (body ownership moves to out). */
static int read_response(int fd, bool no_body, int64_t deadline, nq_httpc_response_t *out,
                         bool *got_any, bool *keep)
{
    nq_buf_t b = NQ_BUF_INIT;
    nq_httpc_head_t h;
    int rc = read_head(fd, &b, deadline, &h, got_any);
    if (rc == 0)
        rc = read_body(fd, &b, &h, no_body, deadline, keep);
    char *body = rc == 0 ? nq_buf_detach(&b, &out->len) : NULL;
    if (!body) {
        nq_buf_release(&b);
        return rc < 0 ? rc : NQ_HTTPC_ENOMEM;
    }
    out->status = h.status;
    out->body = body;
    memcpy(out->content_type, h.content_type, sizeof(out->content_type));
    memcpy(out->retry_after, h.retry_after, sizeof(out->retry_after));
    return 0;
}

/* ---------------------------------------------------------------- request */

/* Header lines the caller adds: each non-empty and ending in CRLF, no bare
 * CR or LF (which could end the head early or split a line). */
static bool valid_header_lines(const char *s)
{
    size_t line = 0;
    for (; *s; s++) {
        if (*s == '\r' && s[1] == '\n' && line > 0) {
            s++;
            line = 0;
        } else if (*s == '\r' || *s == '\n') {
            return false;
        } else {
            line++;
        }
    }
    return line == 0;
}

static bool valid_path(const char *path)
{
    if (!path || path[0] != '/')
        return false;
    for (; *path; path++)
        if ((unsigned char)*path <= ' ' || *path == 0x7f)
            return false;
    return true;
}

static bool valid_method(const char *m)
{
    if (!m || !*m)
        return false;
    for (; *m; m++)
        if (!is_tchar(*m))
            return false;
    return true;
}

/* Serialise a request: request line, Host, User-Agent, body headers, extra
 * header lines, empty line, body. */
static int build_request(nq_buf_t *req, const nq_httpc_url_t *u, const char *method,
                         const char *path, const char *content_type, const char *body, size_t len,
                         const char *extra)
{
    if (!valid_method(method) || !valid_path(path) || (extra && !valid_header_lines(extra)) ||
        (content_type && strpbrk(content_type, "\r\n")))
        return NQ_HTTPC_EINVAL;
    bool v6 = strchr(u->host, ':') != NULL;
    char port[8] = "";
    if (u->port != 80)
        snprintf(port, sizeof(port), ":%d", u->port);
    int rc = appendf(req, "%s %s%s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: nq-httpc/1\r\n",
                     method, u->prefix, path, v6 ? "[" : "", u->host, v6 ? "]" : "", port);
    if (rc == 0 && body && content_type)
        rc = appendf(req, "Content-Type: %s\r\n", content_type);
    if (rc == 0 && body)
        rc = appendf(req, "Content-Length: %zu\r\n", len);
    if (rc == 0)
        rc = appendf(req, "%s\r\n", extra ? extra : "");
    if (rc == 0 && body)
        rc = append(req, body, len, MAX_BUFFERED);
    return rc;
}

struct nq_httpc {
    nq_httpc_url_t url; /* where requests go */
    int fd;             /* the keep-alive connection, -1 when none */
    int timeout_ms;     /* time allowed for one attempt */
};

nq_httpc_t *nq_httpc_new(const char *base_url)
{
    nq_httpc_url_t u;
    if (nq_httpc_parse_url(base_url, &u) != 0)
        return NULL;
    nq_httpc_t *c = malloc(sizeof(*c));
    if (!c)
        return NULL;
    c->url = u;
    c->fd = -1;
    c->timeout_ms = NQ_HTTPC_TIMEOUT_MS;
    return c;
}

static void drop_connection(nq_httpc_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void nq_httpc_destroy(nq_httpc_t **pc)
{
    if (!pc || !*pc)
        return;
    drop_connection(*pc);
    free(*pc);
    *pc = NULL;
}

void nq_httpc_set_timeout(nq_httpc_t *c, int timeout_ms)
{
    if (timeout_ms > 0)
        c->timeout_ms = timeout_ms;
}

/* Has the server closed (or written unasked to) the idle connection? */
static bool idle_connection_dead(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char byte;
    if (poll(&pfd, 1, 0) == 0)
        return false;
    return !(pfd.revents & POLLIN) || recv(fd, &byte, 1, MSG_PEEK) >= 0 || errno != EAGAIN;
}

/* One attempt on the current connection (connecting first if none). */
static int attempt(nq_httpc_t *c, const nq_buf_t *req, bool no_body, nq_httpc_response_t *out,
                   bool *got_any)
{
    int64_t deadline = now_ms() + c->timeout_ms;
    bool keep = false;
    if (c->fd < 0)
        c->fd = connect_to(&c->url, deadline);
    if (c->fd < 0) {
        int rc = c->fd;
        c->fd = -1;
        return rc;
    }
    int rc = send_all(c->fd, req->buf, req->len, deadline);
    if (rc == 0)
        rc = read_response(c->fd, no_body, deadline, out, got_any, &keep);
    if (rc < 0 || !keep)
        drop_connection(c);
    return rc;
}

int nq_httpc_request(nq_httpc_t *c, const char *method, const char *path, const char *content_type,
                     const char *body, size_t len, const char *extra_headers,
                     nq_httpc_response_t *out)
{
    nq_buf_t req = NQ_BUF_INIT;
    memset(out, 0, sizeof(*out));
    if (!c)
        return NQ_HTTPC_EINVAL;
    int rc = build_request(&req, &c->url, method, path, content_type, body, len, extra_headers);
    bool no_body = method && strcmp(method, "HEAD") == 0;
    for (int tries = 0; rc == 0 && tries < 2; tries++) {
        if (c->fd >= 0 && idle_connection_dead(c->fd))
            drop_connection(c);
        bool reused = c->fd >= 0, got_any = false;
        rc = attempt(c, &req, no_body, out, &got_any);
        /* Only a stale keep-alive connection is worth a second try. */
        if (rc != NQ_HTTPC_EIO || !reused || got_any)
            break;
        rc = 0;
    }
    nq_buf_release(&req);
    return rc;
}

void nq_httpc_response_free(nq_httpc_response_t *r)
{
    if (!r)
        return;
    free(r->body);
    memset(r, 0, sizeof(*r));
}

const char *nq_httpc_strerror(int code)
{
    static const struct {
        int code;
        const char *text;
    } texts[] = {
        {0, "success"},
        {NQ_HTTPC_EINVAL, "invalid URL, method, path or header"},
        {NQ_HTTPC_ERESOLVE, "host name did not resolve"},
        {NQ_HTTPC_ECONNECT, "connection refused or unreachable"},
        {NQ_HTTPC_ETIMEOUT, "timed out"},
        {NQ_HTTPC_EIO, "connection closed before the answer was complete"},
        {NQ_HTTPC_EPROTO, "answer is not valid HTTP/1.x"},
        {NQ_HTTPC_ETOOBIG, "answer too large"},
        {NQ_HTTPC_ENOMEM, "out of memory"},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i].code == code)
            return texts[i].text;
    return "unknown error";
}

/* ----------------------------------------------------------------- stream */

struct nq_httpc_sse {
    int fd;                        /* the stream's connection, -1 once closed */
    nq_buf_t in;                   /* body bytes received (decoded), not yet parsed */
    size_t off;                    /* how much of `in` the parser consumed */
    bool chunked;                  /* the body uses chunked coding */
    nq_httpc_chunked_t ck;         /* chunk decoder state */
    nq_httpc_sse_parser_t *parser; /* event-stream parser */
};

void nq_httpc_sse_close(nq_httpc_sse_t **ps)
{
    if (!ps || !*ps)
        return;
    nq_httpc_sse_t *s = *ps;
    if (s->fd >= 0)
        close(s->fd);
    nq_buf_release(&s->in);
    nq_httpc_sse_parser_destroy(&s->parser);
    free(s);
    *ps = NULL;
}

/* Decode the raw bytes s->in[from..] of a chunked body in place (nothing to
 * do for other framings). Returns 1 when the stream goes on, 0 when the last
 * chunk or garbage arrived: the connection is then closed, and what was
 * decoded stays to be parsed. */
static int sse_decode(nq_httpc_sse_t *s, size_t from)
{
    size_t out, used;
    if (!s->chunked || from == s->in.len)
        return 1;
    int rc = nq_httpc_chunked_decode(&s->ck, s->in.buf + from, s->in.len - from, &out, &used);
    nq_buf_setlen(&s->in, from + out);
    if (rc == 0)
        return 1;
    close(s->fd);
    s->fd = -1;
    return 0;
}

/* Send the GET and check that a 200 event stream answers. */
static int sse_handshake(nq_httpc_sse_t *s, const nq_httpc_url_t *u, const char *path,
                         const char *last_event_id, int64_t deadline)
{
    nq_buf_t req = NQ_BUF_INIT, extra = NQ_BUF_INIT;
    nq_httpc_head_t h = {0};
    bool got_any = false;
    int rc = appendf(&extra, "Accept: text/event-stream\r\nCache-Control: no-cache\r\n");
    if (rc == 0 && last_event_id)
        rc = appendf(&extra, "Last-Event-ID: %s\r\n", last_event_id);
    if (rc == 0)
        rc = build_request(&req, u, "GET", path, NULL, NULL, 0, extra.buf);
    if (rc == 0)
        rc = send_all(s->fd, req.buf, req.len, deadline);
    if (rc == 0)
        rc = read_head(s->fd, &s->in, deadline, &h, &got_any);
    if (rc == 0 && (h.status != 200 || strncasecmp(h.content_type, "text/event-stream", 17) != 0))
        rc = NQ_HTTPC_EPROTO;
    s->chunked = h.chunked;
    nq_buf_release(&req);
    nq_buf_release(&extra);
    return rc;
}

nq_httpc_sse_t *nq_httpc_sse_open(const char *base_url, const char *path, const char *last_event_id,
                                  int timeout_ms)
{
    nq_httpc_url_t u;
    int64_t deadline = now_ms() + timeout_ms;
    if (nq_httpc_parse_url(base_url, &u) != 0)
        return NULL;
    nq_httpc_sse_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    nq_buf_init(&s->in);
    s->parser = nq_httpc_sse_parser_new();
    s->fd = s->parser ? connect_to(&u, deadline) : -1;
    if (s->fd < 0)
        s->fd = -1; /* connect_to's error code is not a descriptor */
    if (s->fd < 0 || sse_handshake(s, &u, path, last_event_id, deadline) != 0) {
        nq_httpc_sse_close(&s);
        return NULL;
    }
    sse_decode(s, 0); /* bytes that came with the head */
    return s;
}

/* Receive more body bytes into s->in. Returns 1 when the stream goes on, 0
 * when it ended (the connection is closed; decoded bytes stay to be parsed),
 * or a negative error (NQ_HTTPC_ETIMEOUT: nothing arrived in time). */
static int sse_fill(nq_httpc_sse_t *s, int64_t deadline)
{
    if (s->off > 0) {
        nq_buf_remove(&s->in, 0, s->off);
        s->off = 0;
    }
    size_t before = s->in.len;
    int rc = recv_more(s->fd, &s->in, deadline);
    if (rc == 0) {
        close(s->fd);
        s->fd = -1;
    }
    return rc <= 0 ? rc : sse_decode(s, before);
}

int nq_httpc_sse_next(nq_httpc_sse_t *s, nq_httpc_sse_event_t *ev, int timeout_ms)
{
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    *ev = (nq_httpc_sse_event_t){"", "", "", 0};
    if (!s || !s->parser)
        return -1;
    for (;;) {
        if (s->off < s->in.len) {
            size_t used;
            int rc = nq_httpc_sse_parser_feed(s->parser, s->in.buf + s->off, s->in.len - s->off,
                                              &used, ev);
            s->off += used;
            if (rc == 1)
                return 1;
            if (rc < 0)
                break;
        }
        if (s->fd < 0)
            break;
        int rc = sse_fill(s, deadline);
        if (rc == NQ_HTTPC_ETIMEOUT)
            return 0;
        if (rc < 0)
            break;
    }
    /* Closed or broken: a partial event is discarded, as the standard says. */
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    nq_httpc_sse_parser_destroy(&s->parser);
    return -1;
}
