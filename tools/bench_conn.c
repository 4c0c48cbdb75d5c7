/* tools/bench_conn.c — keep-alive HTTP/1.1 connections: connect, write, read the
 * answer, close. See bench_conn.h. */
#include "bench_conn.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK 65536 /* free room offered to each read */
#define MAX_ANSWER (NQ_HTTPC_MAX_HEAD + NQ_HTTPC_MAX_BODY)

void bench_errors_add(bench_errors_t *e, const char *fmt, ...)
{
    if (e->count++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->first, sizeof(e->first), fmt, ap);
        va_end(ap);
    }
}

int bench_net_resolve(bench_net_t *net, char *err, size_t len)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    char port[16];
    snprintf(port, sizeof(port), "%d", net->parsed.port);
    int rc = getaddrinfo(net->parsed.host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, len, "cannot resolve %s: %s", net->parsed.host, gai_strerror(rc));
        return -1;
    }
    memcpy(&net->addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

bool bench_conn_ready(const bench_conn_t *c)
{
    return c->connected && !c->busy;
}

void bench_conn_fail(bench_conn_t *c, const char *why)
{
    c->net->hooks->failed(c, why);
}

/* ---- answers ------------------------------------------------------------------------ */

/* Forget the answer held, ready for the next one. */
static void reset_answer(bench_conn_t *c)
{
    nq_buf_reset(&c->in);
    c->have_head = false;
    c->head_len = 0;
    c->body_len = 0;
}

/* A complete answer: body is `len` bytes at `body`. */
static void on_answer(bench_conn_t *c, const char *body, size_t len)
{
    uint64_t now = uv_hrtime();
    c->busy = false;
    c->net->hooks->answer(c, body, len, now);
    bool keep = c->resp.keep_alive && c->framing != FRAME_CLOSE;
    reset_answer(c);
    if (!keep) {
        bench_conn_close(c, true); /* the server ends the connection: not an error */
        return;
    }
    c->net->hooks->idle(c, now);
}

/* The answer is not HTTP as nq/httpc.h understands it: count and reconnect. */
static void protocol_error(bench_conn_t *c, const char *why)
{
    bench_errors_add(&c->net->errors, "the answer is not valid HTTP/1.1: %s", why);
    bench_conn_close(c, true);
}

/* What the head says about where the body ends. */
static void set_framing(bench_conn_t *c)
{
    if (c->resp.chunked) {
        c->framing = FRAME_CHUNKED;
        nq_httpc_chunked_init(&c->chunked);
    } else if (c->resp.content_length >= 0) {
        c->framing = FRAME_LENGTH;
    } else if (c->resp.status == 204 || c->resp.status == 304) {
        c->framing = FRAME_LENGTH;
        c->resp.content_length = 0;
    } else {
        c->framing = FRAME_CLOSE; /* the body ends when the server closes */
    }
}

/* Decode what arrived of a chunked body; complete the answer after its last chunk. */
static void process_chunked(bench_conn_t *c, size_t have)
{
    /* Decoded payload stays packed after the head; undecoded bytes follow it. */
    char *raw = c->in.buf + c->head_len + c->body_len;
    size_t raw_len = have - c->body_len, out, used;
    int r = nq_httpc_chunked_decode(&c->chunked, raw, raw_len, &out, &used);
    if (r < 0) {
        protocol_error(c, "malformed chunked body");
        return;
    }
    memmove(raw + out, raw + used, raw_len - used);
    c->body_len += out;
    nq_buf_setlen(&c->in, c->head_len + c->body_len + (raw_len - used));
    if (r == 1 && raw_len > used)
        protocol_error(c, "bytes after the last chunk (no request was pipelined)");
    else if (r == 1)
        on_answer(c, c->in.buf + c->head_len, c->body_len);
}

/* Consume the bytes in `in`: parse the head (skipping 1xx interim answers),
 * then complete the answer once its body is all there. */
static void process_input(bench_conn_t *c)
{
    if (!c->busy) {
        protocol_error(c, "bytes arrived while no request was out");
        return;
    }
    while (!c->have_head) {
        int n = nq_httpc_parse_head(c->in.buf, c->in.len, &c->resp);
        if (n == 0)
            return;
        if (n < 0) {
            protocol_error(c, nq_httpc_strerror(n));
            return;
        }
        if (c->resp.status < 200) {
            nq_buf_remove(&c->in, 0, (size_t)n);
            continue;
        }
        c->have_head = true;
        c->head_len = (size_t)n;
        set_framing(c);
    }
    size_t have = c->in.len - c->head_len;
    if (c->framing == FRAME_LENGTH) {
        if (have < (uint64_t)c->resp.content_length)
            return;
        if (have > (uint64_t)c->resp.content_length)
            protocol_error(c, "more bytes than Content-Length (no request was pipelined)");
        else
            on_answer(c, c->in.buf + c->head_len, have);
    } else if (c->framing == FRAME_CHUNKED) {
        process_chunked(c, have);
    }
}

/* ---- the socket ----------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    bench_conn_t *c = h->data;
    if (c->in.len < MAX_ANSWER && nq_buf_avail(&c->in) < READ_CHUNK)
        nq_buf_grow(&c->in, READ_CHUNK);
    /* No room (answer too big, or no memory): libuv reports UV_ENOBUFS to on_read. */
    *buf = uv_buf_init(c->in.buf + c->in.len,
                       c->in.len < MAX_ANSWER ? (unsigned)nq_buf_avail(&c->in) : 0);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    bench_conn_t *c = s->data;
    if (nread > 0) {
        nq_buf_setlen(&c->in, c->in.len + (size_t)nread);
        process_input(c);
        return;
    }
    if (nread == 0)
        return;
    if (c->busy && c->have_head && c->framing == FRAME_CLOSE && nread == UV_EOF) {
        on_answer(c, c->in.buf + c->head_len, c->in.len - c->head_len);
        return;
    }
    if (c->busy)
        bench_errors_add(&c->net->errors, "the connection ended before the answer was complete: %s",
                         uv_strerror((int)nread));
    bench_conn_close(c, true); /* an idle keep-alive connection closed by the server: reopen */
}

static void on_write(uv_write_t *w, int status)
{
    bench_conn_t *c = w->data;
    if (status == 0 || status == UV_ECANCELED)
        return;
    bench_errors_add(&c->net->errors, "sending a request: %s", uv_strerror(status));
    bench_conn_close(c, true);
}

int bench_conn_head(bench_conn_t *c, const char *method, const char *path, int body_len)
{
    const nq_httpc_url_t *url = &c->net->parsed;
    bool v6 = strchr(url->host, ':') != NULL;
    int n = snprintf(c->head, sizeof(c->head), "%s %s%s HTTP/1.1\r\nHost: %s%s%s:%d\r\n%s", method,
                     url->prefix, path, v6 ? "[" : "", url->host, v6 ? "]" : "", url->port,
                     c->net->auth);
    if (n < 0 || (size_t)n >= sizeof(c->head))
        return -1;
    size_t room = sizeof(c->head) - (size_t)n;
    int m = body_len >= 0
                ? snprintf(c->head + n, room,
                           "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", body_len)
                : snprintf(c->head + n, room, "\r\n");
    return m < 0 || (size_t)m >= room ? -1 : n + m;
}

int bench_conn_write(bench_conn_t *c, uv_buf_t *bufs, unsigned n)
{
    reset_answer(c);
    c->write.data = c;
    c->sent_ns = uv_hrtime();
    if (c->due_ns == 0 || c->due_ns > c->sent_ns)
        c->due_ns = c->sent_ns;
    /* At once when the socket takes it all (a queued write costs the load
     * generator an epoll_ctl per request when it completes); the rest, if
     * any, queued. */
    int rc = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
    size_t sent = rc > 0 ? (size_t)rc : 0;
    for (; n > 0 && sent >= bufs->len; n--, bufs++)
        sent -= bufs->len;
    if (n > 0) {
        bufs->base += sent;
        bufs->len -= sent;
    }
    rc = n == 0 ? 0 : uv_write(&c->write, (uv_stream_t *)&c->tcp, bufs, n, on_write);
    if (rc != 0) {
        bench_errors_add(&c->net->errors, "sending a request: %s", uv_strerror(rc));
        bench_conn_close(c, true);
        return -1;
    }
    c->busy = true;
    return 0;
}

/* ---- connect and close ------------------------------------------------------------------ */

/* The run cannot reach the gateway: count, close c, tell the owner. */
static void connect_failed(bench_conn_t *c, const char *why)
{
    bench_errors_add(&c->net->errors, "%s", why);
    bench_conn_close(c, false);
    c->net->hooks->failed(c, why);
}

static void on_connect(uv_connect_t *req, int status)
{
    bench_conn_t *c = req->handle->data;
    bench_net_t *net = c->net;
    if (status == UV_ECANCELED)
        return;
    if (status < 0) {
        char why[300];
        snprintf(why, sizeof(why), "cannot connect to %s: %s (is the gateway running?)", net->url,
                 uv_strerror(status));
        connect_failed(c, why);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (rc != 0) {
        bench_errors_add(&net->errors, "reading from %s: %s", net->url, uv_strerror(rc));
        bench_conn_close(c, true);
        return;
    }
    c->connected = true;
    net->hooks->connected(c);
}

void bench_conn_open(bench_conn_t *c)
{
    uv_tcp_init(c->net->loop, &c->tcp);
    c->tcp.data = c;
    c->tcp_open = true;
    c->reopen = false;
    reset_answer(c);
    int rc =
        uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&c->net->addr, on_connect);
    if (rc != 0) {
        char why[300];
        snprintf(why, sizeof(why), "cannot connect to %s: %s", c->net->url, uv_strerror(rc));
        connect_failed(c, why);
    }
}

static void on_tcp_closed(uv_handle_t *h)
{
    bench_conn_t *c = h->data;
    c->tcp_open = false;
    c->net->hooks->closed(c);
}

void bench_conn_close(bench_conn_t *c, bool reopen)
{
    c->busy = false;
    c->connected = false;
    uv_timer_stop(&c->pace);
    if (!c->tcp_open || uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    c->reopen = reopen;
    uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
}
