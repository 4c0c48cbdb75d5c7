/* httpc_wire.c — the HTTP client's bytes on a connection (see httpc_internal.h): bounded
 * buffers, connecting, sending a request, reading one answer. Every wait is a poll
 * bounded by an absolute deadline on the monotonic clock. */
#include "httpc_internal.h"

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

/* ----------------------------------------------------------------- buffer */

/* Make room in b for `extra` more bytes, its content staying within `limit`. */
int nq_httpc__reserve(nq_buf_t *b, size_t extra, size_t limit)
{
    if (extra > limit || b->len > limit - extra)
        return NQ_HTTPC_ETOOBIG;
    return nq_buf_grow(b, extra) == 0 ? 0 : NQ_HTTPC_ENOMEM;
}

int nq_httpc__append(nq_buf_t *b, const void *s, size_t n, size_t limit)
{
    int rc = nq_httpc__reserve(b, n, limit);
    return rc < 0 ? rc : nq_buf_add(b, s, n);
}

int nq_httpc__appendf(nq_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nq_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc < 0 ? NQ_HTTPC_ENOMEM : b->len > NQ_HTTPC__MAX_BUFFERED ? NQ_HTTPC_ETOOBIG : 0;
}

/* ---------------------------------------------------------------- sockets */

int64_t nq_httpc__now_ms(void)
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
        int64_t left = deadline - nq_httpc__now_ms();
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
int nq_httpc__connect(const nq_httpc_url_t *u, int64_t deadline)
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

int nq_httpc__send_all(int fd, const char *p, size_t n, int64_t deadline)
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
int nq_httpc__recv_more(int fd, nq_buf_t *b, int64_t deadline)
{
    int rc = nq_httpc__reserve(b, NQ_HTTPC__READ_CHUNK, NQ_HTTPC__MAX_BUFFERED);
    if (rc < 0)
        return rc;
    for (;;) {
        ssize_t r = recv(fd, b->buf + b->len, NQ_HTTPC__READ_CHUNK, 0);
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
int nq_httpc__read_head(int fd, nq_buf_t *b, int64_t deadline, nq_httpc_head_t *h, bool *got_any)
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
        int r = nq_httpc__recv_more(fd, b, deadline);
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
        rc = nq_httpc__recv_more(fd, b, deadline);
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
        int rc = nq_httpc__recv_more(fd, b, deadline);
        if (rc == 0 && h->content_length < 0) {
            *keep = false;
            return b->len > NQ_HTTPC_MAX_BODY ? NQ_HTTPC_ETOOBIG : 0;
        }
        if (rc <= 0)
            return rc == 0 ? NQ_HTTPC_EIO : rc;
    }
}

/* Read one complete answer into out (body ownership moves to out). */
int nq_httpc__read_response(int fd, bool no_body, int64_t deadline, nq_httpc_response_t *out,
                            bool *got_any, bool *keep)
{
    nq_buf_t b = NQ_BUF_INIT;
    nq_httpc_head_t h;
    int rc = nq_httpc__read_head(fd, &b, deadline, &h, got_any);
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
        if (!nq_httpc__is_tchar(*m))
            return false;
    return true;
}

void nq_httpc__auth_line(char buf[NQ_HTTPC__AUTH_LINE], const char *key)
{
    buf[0] = '\0';
    if (!key || !*key || strlen(key) > NQ_HTTPC__AUTH_LINE - 32)
        return;
    for (const char *p = key; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return;
    snprintf(buf, NQ_HTTPC__AUTH_LINE, "Authorization: Bearer %s\r\n", key);
}

/* Serialise a request: request line, Host, User-Agent, Authorization, body
 * headers, extra header lines, empty line, body. */
int nq_httpc__build_request(nq_buf_t *req, const nq_httpc_url_t *u, const char *method,
                            const char *path, const char *content_type, const char *body,
                            size_t len, const char *extra, const char *auth)
{
    if (!valid_method(method) || !valid_path(path) || (extra && !valid_header_lines(extra)) ||
        (content_type && strpbrk(content_type, "\r\n")))
        return NQ_HTTPC_EINVAL;
    bool v6 = strchr(u->host, ':') != NULL;
    char port[8] = "";
    if (u->port != 80)
        snprintf(port, sizeof(port), ":%d", u->port);
    int rc = nq_httpc__appendf(
        req, "%s %s%s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: nq-httpc/1\r\n%s", method,
        u->prefix, path, v6 ? "[" : "", u->host, v6 ? "]" : "", port, auth ? auth : "");
    if (rc == 0 && body && content_type)
        rc = nq_httpc__appendf(req, "Content-Type: %s\r\n", content_type);
    if (rc == 0 && body)
        rc = nq_httpc__appendf(req, "Content-Length: %zu\r\n", len);
    if (rc == 0)
        rc = nq_httpc__appendf(req, "%s\r\n", extra ? extra : "");
    if (rc == 0 && body)
        rc = nq_httpc__append(req, body, len, NQ_HTTPC__MAX_BUFFERED);
    return rc;
}
