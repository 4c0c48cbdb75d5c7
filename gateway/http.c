/* gateway/http.c — HTTP/1.1 server on libuv and http-parser: connections and the server.
 * See http.h; what the other http_*.c files own is listed in http_conn.h.
 *
 * A connection goes through these states:
 *   READING    input is parsed as it arrives; the idle timer runs
 *   HANDLING   a request is with the handler; the parser is paused and input
 *              is buffered (reading stops past IN_MAX)
 *   STREAMING  the answer is an open-ended stream; input is discarded
 *   CLOSING    the last answer is queued: shutdown (which flushes writes),
 *              then drain input until the client closes or LINGER_MS pass
 *   CLOSED     uv_close called; freed when both handles have closed and no
 *              handler retains it
 * The server keeps one reference on each connection from accept to the close
 * callback; the server itself is freed once the listener and every connection
 * handle are closed.
 */
#include "http_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

#define IN_CHUNK  65535 /* bytes offered to each read, at least (64 KiB with the NUL) */
#define IN_MAX    65536 /* unparsed input held while handling; reading pauses past it */
#define LINGER_MS 2000  /* how long a closing connection drains input */

static void conn_process(nq_http_conn_t *c);
static void conn_finish(nq_http_conn_t *c);

int nq_http__conn_fail(nq_http_conn_t *c, const char *why)
{
    nq_log_warn("http_drop", "dropping connection from %s: %s", c->remote, why);
    nq_http__conn_close(c);
    return -1;
}

static void on_timeout(uv_timer_t *t)
{
    nq_http__conn_close(t->data);
}

static void idle_timer_start(nq_http_conn_t *c)
{
    uv_timer_start(&c->timer, on_timeout, NQ_HTTP_IDLE_TIMEOUT_MS, 0);
}

/* Parse what was buffered while a later answer was awaited. */
static void on_resume(uv_timer_t *t)
{
    idle_timer_start(t->data);
    conn_process(t->data);
}

void nq_http__request_done(nq_http_conn_t *c)
{
    nq_http__request_reset(c);
    if (!c->keep_alive) {
        conn_finish(c);
        return;
    }
    c->state = ST_READING;
    http_parser_pause(&c->parser, 0);
    /* An answer given later resumes from the loop, so that the next request's
     * handler never runs inside the caller's nq_http_respond. */
    if (c->in_process)
        idle_timer_start(c);
    else
        uv_timer_start(&c->timer, on_resume, 0, 0);
}

/* Hand a complete request to the handler. */
static void dispatch(nq_http_conn_t *c)
{
    nq_http_server_t *s = c->server;

    if (nq_http__request_finish(c) < 0) {
        nq_http__answer_error(c, 400);
        return;
    }
    c->state = ST_HANDLING;
    c->keep_alive = http_should_keep_alive(&c->parser) && !c->parser.upgrade;
    c->is_head = c->parser.method == HTTP_HEAD;
    c->chunked = false;
    uv_timer_stop(&c->timer);
    s->on_request(c, &c->req, s->ctx);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    nq_http_conn_t *c = h->data;

    if (c->in_off > 0) {
        nq_buf_remove(&c->in, 0, c->in_off);
        c->in_off = 0;
    }
    if (nq_buf_avail(&c->in) < IN_CHUNK && nq_buf_grow(&c->in, IN_CHUNK) != 0) {
        *buf = uv_buf_init(NULL, 0); /* the read callback gets UV_ENOBUFS: closed */
        return;
    }
    *buf = uv_buf_init(c->in.buf + c->in.len, (unsigned)nq_buf_avail(&c->in));
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    nq_http_conn_t *c = stream->data;

    if (n == UV_EOF) {
        c->eof = true;
        c->reading = false; /* libuv stops reading at EOF */
        if (c->state == ST_STREAMING || c->lingering)
            nq_http__conn_close(c);
        else
            conn_process(c);
    } else if (n < 0) {
        nq_http__conn_close(c);
    } else if (c->state == ST_READING || c->state == ST_HANDLING) {
        nq_buf_setlen(&c->in, c->in.len + (size_t)n);
        conn_process(c);
    }
    /* Otherwise (streaming, closing) the bytes are dropped. */
}

void nq_http__reading_update(nq_http_conn_t *c)
{
    bool want = c->state != ST_CLOSED && !c->eof && c->in.len - c->in_off < IN_MAX;

    if (want && !c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
            nq_http__conn_close(c);
            return;
        }
        c->reading = true;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

void nq_http__input_drop(nq_http_conn_t *c)
{
    c->in_off = 0;
    nq_buf_reset(&c->in);
}

/* The answer to a request the parser gave up on. */
static int parse_error_status(const nq_http_conn_t *c, enum http_errno err)
{
    if (c->reject_status)
        return c->reject_status;
    return err == HPE_HEADER_OVERFLOW ? 431 : 400;
}

/* Parse buffered input while no request is with the handler. */
static void conn_process(nq_http_conn_t *c)
{
    if (c->in_process)
        return;
    c->in_process = true;
    while (c->state == ST_READING && c->in_off < c->in.len) {
        size_t n = http_parser_execute(&c->parser, &nq_http__parser_settings, c->in.buf + c->in_off,
                                       c->in.len - c->in_off);
        enum http_errno err = HTTP_PARSER_ERRNO(&c->parser);
        c->in_off += n;
        if (err == HPE_PAUSED)
            dispatch(c);
        else if (err != HPE_OK || n == 0)
            nq_http__answer_error(c, parse_error_status(c, err));
    }
    if (c->in_off == c->in.len) {
        nq_buf_release(&c->in);
        c->in_off = 0;
    }
    if (c->state == ST_READING && c->eof)
        conn_finish(c);
    nq_http__reading_update(c);
    c->in_process = false;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    nq_http_conn_t *c = req->handle->data;

    if (status < 0 || c->eof) {
        nq_http__conn_close(c);
        return;
    }
    c->lingering = true;
    uv_timer_start(&c->timer, on_timeout, LINGER_MS, 0);
}

/* Close gracefully: flush queued writes and send FIN, then drain input until
 * the client closes, so that unread input does not make the kernel answer with
 * a RST that destroys the last answer. Bounded by the idle timeout. */
static void conn_finish(nq_http_conn_t *c)
{
    if (c->state == ST_CLOSING || c->state == ST_CLOSED)
        return;
    c->state = ST_CLOSING;
    nq_http__input_drop(c);
    idle_timer_start(c);
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) < 0)
        nq_http__conn_close(c);
    else
        nq_http__reading_update(c);
}

static void server_maybe_free(nq_http_server_t *s)
{
    if (s->listener_closed && !s->conns)
        free(s);
}

static void on_conn_closed(uv_handle_t *h)
{
    nq_http_conn_t *c = h->data;
    nq_http_server_t *s = c->server;

    if (--c->open_handles > 0)
        return;
    if (c->on_closed)
        c->on_closed(c, c->closed_ctx);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->server = NULL;
    server_maybe_free(s);
    nq_http_conn_release(c);
}

void nq_http__conn_close(nq_http_conn_t *c)
{
    if (c->state == ST_CLOSED)
        return;
    if (c->state == ST_HANDLING)
        nq_http__answered(c, 0);
    c->state = ST_CLOSED;
    c->reading = false; /* uv_close stops reading */
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

static void peer_name(nq_http_conn_t *c)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);

    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0 ||
        uv_ip_name((struct sockaddr *)&ss, c->remote, sizeof(c->remote)) != 0)
        snprintf(c->remote, sizeof(c->remote), "?");
}

static void on_connection(uv_stream_t *listener, int status)
{
    nq_http_server_t *s = listener->data;
    nq_http_conn_t *c = status < 0 ? NULL : calloc(1, sizeof(*c));

    if (!c) {
        nq_log_warn("http_accept", "%s", status < 0 ? uv_strerror(status) : "out of memory");
        return;
    }
    c->server = s;
    nq_buf_init(&c->in);
    nq_buf_init(&c->body);
    c->refs = 1;
    c->open_handles = 2;
    c->state = ST_READING;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    if (uv_accept(listener, (uv_stream_t *)&c->tcp) < 0) {
        nq_http__conn_close(c);
        return;
    }
    peer_name(c);
    uv_tcp_nodelay(&c->tcp, 1);
    idle_timer_start(c);
    nq_http__reading_update(c);
}

static void on_listener_closed(uv_handle_t *h)
{
    nq_http_server_t *s = h->data;

    s->listener_closed = true;
    server_maybe_free(s);
}

/* Stop listening and close every connection; frees s from the loop. */
static void server_close(nq_http_server_t *s)
{
    uv_close((uv_handle_t *)&s->listener, on_listener_closed);
    for (nq_http_conn_t *c = s->conns; c; c = c->next)
        nq_http__conn_close(c);
}

/* Resolve a numeric host. Returns 0 or a negative libuv error. */
static int address_parse(const char *host, int port, struct sockaddr_storage *addr)
{
    if (port < 0 || port > 65535)
        return UV_EINVAL;
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)addr) == 0)
        return 0;
    return uv_ip6_addr(host, port, (struct sockaddr_in6 *)addr);
}

nq_http_server_t *nq_http_server_new(uv_loop_t *loop, const char *host, int port, size_t max_body,
                                     nq_http_handler_fn on_request, void *ctx)
{
    struct sockaddr_storage addr;
    int len = sizeof(addr);
    nq_http_server_t *s;
    int err = loop && host && on_request ? address_parse(host, port, &addr) : UV_EINVAL;

    if (err < 0 || !(s = calloc(1, sizeof(*s)))) {
        nq_log_warn("http_listen", "%s:%d: %s", host ? host : "(null)", port,
                    err < 0 ? uv_strerror(err) : "out of memory");
        return NULL;
    }
    s->loop = loop;
    s->max_body = max_body;
    s->on_request = on_request;
    s->ctx = ctx;
    uv_tcp_init(loop, &s->listener);
    s->listener.data = s;
    err = uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0);
    if (!err)
        err = uv_listen((uv_stream_t *)&s->listener, SOMAXCONN, on_connection);
    if (!err)
        err = uv_tcp_getsockname(&s->listener, (struct sockaddr *)&addr, &len);
    if (err) {
        nq_log_warn("http_listen", "%s:%d: %s", host, port, uv_strerror(err));
        server_close(s);
        return NULL;
    }
    s->port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                               : ((struct sockaddr_in *)&addr)->sin_port);
    return s;
}

void nq_http_server_destroy(nq_http_server_t **srv)
{
    if (!srv || !*srv)
        return;
    server_close(*srv);
    *srv = NULL;
}

int nq_http_server_port(const nq_http_server_t *srv)
{
    return srv->port;
}

void nq_http_conn_retain(nq_http_conn_t *conn)
{
    conn->refs++;
}

void nq_http_conn_release(nq_http_conn_t *conn)
{
    if (!conn || --conn->refs > 0)
        return;
    nq_buf_release(&conn->in);
    nq_buf_release(&conn->body);
    free(conn);
}

bool nq_http_conn_open(const nq_http_conn_t *conn)
{
    return conn && conn->state < ST_CLOSING;
}

const nq_http_request_t *nq_http_conn_request(const nq_http_conn_t *conn)
{
    return conn && conn->state == ST_HANDLING ? &conn->req : NULL;
}
