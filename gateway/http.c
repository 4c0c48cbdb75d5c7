/* gateway/http.c — HTTP/1.1 server on libuv and http-parser. See http.h.
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
#include "http.h"

#include "nq/log.h"

#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define IN_CHUNK      65536 /* bytes offered to each read */
#define IN_MAX        65536 /* unparsed input held while handling; reading pauses past it */
#define LINGER_MS     2000  /* how long a closing connection drains input */
#define HEAD_FIXED    256   /* response head bytes besides content type and extra headers */
#define QUERY_KEY_MAX 256   /* longest decoded query parameter name */

typedef enum { ST_READING, ST_HANDLING, ST_STREAMING, ST_CLOSING, ST_CLOSED } conn_state_t;

/* The request-head item being filled; the parser delivers each in pieces. */
typedef enum { ITEM_NONE, ITEM_URL, ITEM_FIELD, ITEM_VALUE } head_item_t;

struct nq_http_server {
    uv_loop_t *loop;               /* the caller's */
    uv_tcp_t listener;             /* listening socket */
    size_t max_body;               /* largest accepted body */
    nq_http_handler_fn on_request; /* the caller's handler */
    void *ctx;                     /* its context */
    int port;                      /* bound port */
    bool listener_closed;          /* the listener's close callback ran */
    nq_http_conn_t *conns;         /* connections whose handles are not yet closed */
};

struct nq_http_conn {
    nq_http_server_t *server;            /* NULL once the handles are closed */
    nq_http_conn_t *prev;                /* in server->conns */
    nq_http_conn_t *next;                /* in server->conns */
    uv_tcp_t tcp;                        /* the socket */
    uv_timer_t timer;                    /* idle timeout, deferred resume, close limits */
    uv_shutdown_t shutdown;              /* the graceful close */
    int refs;                            /* the server's while handles are open + retains */
    int open_handles;                    /* handles whose close callback has not run */
    conn_state_t state;                  /* see the top of this file */
    bool reading;                        /* uv_read_start is in effect */
    bool eof;                            /* the client shut down its sending side */
    bool in_process;                     /* conn_process is on the stack */
    bool lingering;                      /* shutdown done, draining input */
    http_parser parser;                  /* paused while a request is handled */
    char *in;                            /* input buffer, NULL when empty */
    size_t in_off;                       /* bytes of `in` already parsed */
    size_t in_len;                       /* bytes of `in` filled */
    size_t in_cap;                       /* capacity of `in` */
    char head[NQ_HTTP_MAX_HEADER_BYTES]; /* URL and header items, each NUL-terminated */
    size_t head_len;                     /* where the item being filled starts in head */
    size_t item_len;                     /* bytes of the item being filled */
    head_item_t item;                    /* the item being filled */
    char *url;                           /* request target, in head */
    int reject_status;                   /* answer when a parser callback stops the parser */
    bool keep_alive;                     /* another request may follow the current one */
    bool is_head;                        /* the current request is HEAD: answer without body */
    char *body;                          /* body of the current request, NUL-terminated */
    size_t body_cap;                     /* capacity of body */
    nq_http_request_t req;               /* the current request; points into head and body */
    char remote[64];                     /* peer address as text */
    nq_http_stream_closed_fn on_closed;  /* stream close callback, or NULL */
    void *closed_ctx;                    /* its context */
};

/* One queued write, freed in its callback. */
typedef struct wbuf {
    uv_write_t req; /* first, so the callback's request is the wbuf */
    size_t len;     /* bytes of data to send */
    char data[];    /* the bytes */
} wbuf_t;

static void conn_process(nq_http_conn_t *c);
static void conn_finish(nq_http_conn_t *c);
static void conn_close(nq_http_conn_t *c);

/* Log why the connection is dropped, close it, and return -1. */
static int conn_fail(nq_http_conn_t *c, const char *why)
{
    nq_log_warn("http_drop", "dropping connection from %s: %s", c->remote, why);
    conn_close(c);
    return -1;
}

/* ---- parsing ------------------------------------------------------------ */

/* Make the parser stop; conn_process answers `status` and closes. */
static int reject(nq_http_conn_t *c, int status)
{
    c->reject_status = status;
    return -1;
}

/* Start a new head item right after the current one's NUL. */
static int item_begin(nq_http_conn_t *c, head_item_t item)
{
    nq_http_request_t *r = &c->req;

    if (c->item != ITEM_NONE)
        c->head_len += c->item_len + 1;
    if (c->head_len >= sizeof(c->head))
        return -1;
    char *start = c->head + c->head_len;
    *start = '\0';
    c->item = item;
    c->item_len = 0;
    switch (item) {
    case ITEM_URL:
        c->url = start;
        break;
    case ITEM_FIELD:
        if (r->n_headers == NQ_HTTP_MAX_HEADERS)
            return -1;
        r->headers[r->n_headers].name = start;
        r->headers[r->n_headers].value = "";
        r->n_headers++;
        break;
    case ITEM_VALUE:
        r->headers[r->n_headers - 1].value = start;
        break;
    case ITEM_NONE:
        break;
    }
    return 0;
}

/* Append a piece of a head item, keeping it NUL-terminated. */
static int item_add(nq_http_conn_t *c, head_item_t item, const char *at, size_t len)
{
    if (item != c->item && item_begin(c, item) < 0)
        return reject(c, 431);
    size_t used = c->head_len + c->item_len;
    if (len >= sizeof(c->head) - used)
        return reject(c, 431);
    memcpy(c->head + used, at, len);
    c->head[used + len] = '\0';
    c->item_len += len;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    return item_add(p->data, ITEM_URL, at, len);
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    return item_add(p->data, ITEM_FIELD, at, len);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    return item_add(p->data, ITEM_VALUE, at, len);
}

/* Queue a copy of data[0..len). Returns 0, or -1 (and the connection closes). */
static int conn_send(nq_http_conn_t *c, const char *data, size_t len);

static int on_headers_complete(http_parser *p)
{
    static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
    nq_http_conn_t *c = p->data;
    const char *expect = nq_http_header(&c->req, "Expect");

    if ((p->flags & F_CONTENTLENGTH) && p->content_length > c->server->max_body)
        return reject(c, 413);
    if (expect && strcasecmp(expect, "100-continue") == 0 && p->http_minor >= 1)
        conn_send(c, go_on, sizeof(go_on) - 1);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    nq_http_conn_t *c = p->data;
    size_t need = c->req.body_len + len;

    if (need > c->server->max_body)
        return reject(c, 413);
    if (need + 1 > c->body_cap) {
        size_t cap = c->body_cap * 2 > need + 1 ? c->body_cap * 2 : need + 1;
        char *b = realloc(c->body, cap);
        if (!b)
            return reject(c, 503);
        c->body = b;
        c->body_cap = cap;
    }
    memcpy(c->body + c->req.body_len, at, len);
    c->body[need] = '\0';
    c->req.body_len = need;
    return 0;
}

/* A whole request is in: stop here until it is answered. */
static int on_message_complete(http_parser *p)
{
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings s_settings = {
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

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

/* Decode %XX escapes (and '+' as a space when plus_space) of src[0..len) into
 * dst, NUL-terminated, using at most cap bytes; dst may be src. Returns the
 * decoded length, or -1 for a bad escape, a decoded NUL, or too little room. */
static int pct_decode(char *dst, size_t cap, const char *src, size_t len, bool plus_space)
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

/* Does the path have a ".." segment? */
static bool has_dot_dot(const char *path)
{
    for (const char *seg = path;; seg++) {
        size_t n = strcspn(seg, "/");
        if (n == 2 && seg[0] == '.' && seg[1] == '.')
            return true;
        seg += n;
        if (*seg == '\0')
            return false;
    }
}

/* Fill the request from the parsed head: split the target, decode the path.
 * Returns 0, or -1 when the target is not acceptable. */
static int request_finish(nq_http_conn_t *c)
{
    nq_http_request_t *r = &c->req;
    struct http_parser_url u;

    http_parser_url_init(&u);
    if (!c->url || http_parser_parse_url(c->url, strlen(c->url), 0, &u) != 0 ||
        !(u.field_set & (1 << UF_PATH)))
        return -1;
    r->query = "";
    if (u.field_set & (1 << UF_QUERY)) {
        char *query = c->url + u.field_data[UF_QUERY].off;
        query[u.field_data[UF_QUERY].len] = '\0';
        r->query = query;
    }
    /* Decoding only shrinks, so the path is decoded in place; its NUL lands on
     * or before the '?' that precedes the query. */
    char *path = c->url + u.field_data[UF_PATH].off;
    size_t len = u.field_data[UF_PATH].len;
    if (pct_decode(path, len + 1, path, len, false) < 0 || has_dot_dot(path))
        return -1;
    r->path = path;
    r->method = http_method_str((enum http_method)c->parser.method);
    r->body = c->body ? c->body : "";
    r->remote_addr = c->remote;
    return 0;
}

/* Forget the current request (its pointers become invalid). */
static void request_reset(nq_http_conn_t *c)
{
    free(c->body);
    c->body = NULL;
    c->body_cap = 0;
    c->req.n_headers = 0;
    c->req.body_len = 0;
    c->head_len = 0;
    c->item_len = 0;
    c->head[0] = '\0';
    c->item = ITEM_NONE;
    c->url = NULL;
    c->reject_status = 0;
}

/* ---- writing ------------------------------------------------------------ */

static void on_written(uv_write_t *req, int status)
{
    wbuf_t *w = (wbuf_t *)req;

    /* ECANCELED: the connection is closing already. */
    if (status < 0 && status != UV_ECANCELED)
        conn_close(req->handle->data);
    free(w);
}

/* Send w and free it: at once when the socket takes it all (uv_try_write;
 * libuv refuses while earlier writes are queued, so order is kept), else
 * queued for the write callback to free. A queued write costs an epoll_ctl
 * when it completes: one per answer, for single-event feeds. Returns 0, or
 * -1 (w freed, the connection closing). */
static int conn_write(nq_http_conn_t *c, wbuf_t *w)
{
    uv_buf_t buf = uv_buf_init(w->data, (unsigned)w->len);
    int sent = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);

    if (sent == (int)w->len) {
        free(w);
        return 0;
    }
    if (sent < 0 && sent != UV_EAGAIN && sent != UV_ENOSYS) {
        free(w);
        conn_close(c);
        return -1;
    }
    if (sent > 0)
        buf = uv_buf_init(w->data + sent, (unsigned)(w->len - (size_t)sent));
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written) < 0) {
        free(w);
        conn_close(c);
        return -1;
    }
    return 0;
}

static wbuf_t *wbuf_new(size_t cap)
{
    wbuf_t *w = malloc(sizeof(*w) + cap);

    if (w)
        w->len = 0;
    return w;
}

static int conn_send(nq_http_conn_t *c, const char *data, size_t len)
{
    wbuf_t *w = wbuf_new(len);

    if (!w)
        return conn_fail(c, "out of memory");
    memcpy(w->data, data, len);
    w->len = len;
    return conn_write(c, w);
}

/* IMF-fixdate of now ("Sun, 06 Nov 1994 08:49:37 GMT"), locale-independent. */
static void http_date(char *buf, size_t len)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A write buffer holding a response head, with room for `room` more bytes.
 * content_length < 0 leaves Content-Length out. NULL when out of memory. */
static wbuf_t *head_format(const nq_http_conn_t *c, int status, const char *content_type,
                           long long content_length, const char *extra, size_t room)
{
    size_t ct_len = content_type ? strlen(content_type) : 0;
    size_t extra_len = extra ? strlen(extra) : 0;
    size_t cap = HEAD_FIXED + ct_len + extra_len + room;
    wbuf_t *w = wbuf_new(cap);
    char date[40];
    char length[48] = "";

    if (!w)
        return NULL;
    http_date(date, sizeof(date));
    if (content_length >= 0)
        snprintf(length, sizeof(length), "Content-Length: %lld\r\n", content_length);
    int n = snprintf(w->data, cap - room,
                     "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s%sConnection: %s\r\n%s\r\n", status,
                     nq_http_status_text(status), date, content_type ? "Content-Type: " : "",
                     content_type ? content_type : "", content_type ? "\r\n" : "", length,
                     c->keep_alive ? "keep-alive" : "close", extra ? extra : "");
    if (n < 0 || (size_t)n >= cap - room) {
        free(w);
        return NULL;
    }
    w->len = (size_t)n;
    return w;
}

/* ---- connection lifecycle ----------------------------------------------- */

static void on_timeout(uv_timer_t *t)
{
    conn_close(t->data);
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

/* The current request is answered: go on with the next one, or close. */
static void request_done(nq_http_conn_t *c)
{
    request_reset(c);
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

/* Answer an error the server found itself, then close. */
static void answer_error(nq_http_conn_t *c, int status)
{
    const char *text = nq_http_status_text(status);

    c->state = ST_HANDLING;
    c->keep_alive = false;
    c->is_head = false;
    nq_http_respond(c, status, "text/plain", text, strlen(text), NULL);
}

/* Hand a complete request to the handler. */
static void dispatch(nq_http_conn_t *c)
{
    nq_http_server_t *s = c->server;

    if (request_finish(c) < 0) {
        answer_error(c, 400);
        return;
    }
    c->state = ST_HANDLING;
    c->keep_alive = http_should_keep_alive(&c->parser) && !c->parser.upgrade;
    c->is_head = c->parser.method == HTTP_HEAD;
    uv_timer_stop(&c->timer);
    s->on_request(c, &c->req, s->ctx);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    nq_http_conn_t *c = h->data;

    if (c->in_off > 0) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
    if (c->in_cap - c->in_len < IN_CHUNK) {
        char *in = realloc(c->in, c->in_len + IN_CHUNK);
        if (!in) {
            *buf = uv_buf_init(NULL, 0); /* the read callback gets UV_ENOBUFS */
            return;
        }
        c->in = in;
        c->in_cap = c->in_len + IN_CHUNK;
    }
    *buf = uv_buf_init(c->in + c->in_len, (unsigned)(c->in_cap - c->in_len));
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    nq_http_conn_t *c = stream->data;

    if (n == UV_EOF) {
        c->eof = true;
        c->reading = false; /* libuv stops reading at EOF */
        if (c->state == ST_STREAMING || c->lingering)
            conn_close(c);
        else
            conn_process(c);
    } else if (n < 0) {
        conn_close(c);
    } else if (c->state == ST_READING || c->state == ST_HANDLING) {
        c->in_len += (size_t)n;
        conn_process(c);
    }
    /* Otherwise (streaming, closing) the bytes are dropped. */
}

/* Read while input is wanted: open, not at EOF, not too much buffered. */
static void reading_update(nq_http_conn_t *c)
{
    bool want = c->state != ST_CLOSED && !c->eof && c->in_len - c->in_off < IN_MAX;

    if (want && !c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
            conn_close(c);
            return;
        }
        c->reading = true;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

/* Drop buffered input (streaming, closing). */
static void input_drop(nq_http_conn_t *c)
{
    c->in_off = 0;
    c->in_len = 0;
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
    while (c->state == ST_READING && c->in_off < c->in_len) {
        size_t n =
            http_parser_execute(&c->parser, &s_settings, c->in + c->in_off, c->in_len - c->in_off);
        enum http_errno err = HTTP_PARSER_ERRNO(&c->parser);
        c->in_off += n;
        if (err == HPE_PAUSED)
            dispatch(c);
        else if (err != HPE_OK || n == 0)
            answer_error(c, parse_error_status(c, err));
    }
    if (c->in_off == c->in_len) {
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
        input_drop(c);
    }
    if (c->state == ST_READING && c->eof)
        conn_finish(c);
    reading_update(c);
    c->in_process = false;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    nq_http_conn_t *c = req->handle->data;

    if (status < 0 || c->eof) {
        conn_close(c);
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
    input_drop(c);
    idle_timer_start(c);
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) < 0)
        conn_close(c);
    else
        reading_update(c);
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

/* Close at once; queued writes are cancelled. Safe to call again. */
static void conn_close(nq_http_conn_t *c)
{
    if (c->state == ST_CLOSED)
        return;
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
        conn_close(c);
        return;
    }
    peer_name(c);
    uv_tcp_nodelay(&c->tcp, 1);
    idle_timer_start(c);
    reading_update(c);
}

/* ---- public API ---------------------------------------------------------- */

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
        conn_close(c);
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
        if (pct_decode(key, sizeof(key), p, klen, true) >= 0 && strcmp(key, name) == 0) {
            const char *value = p + klen + (klen < pair);
            return pct_decode(buf, len, value, pair - (size_t)(value - p), true);
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
    if (pct_decode(name, nlen, p, klen, true) < 0 ||
        pct_decode(value, vlen, v, pair - (size_t)(v - p), true) < 0)
        return -1;
    return 1;
}

int nq_http_respond(nq_http_conn_t *conn, int status, const char *content_type, const char *body,
                    size_t body_len, const char *extra_headers)
{
    if (!conn || conn->state != ST_HANDLING)
        return -1;
    if (status < 200 || status > 599)
        status = 500;
    bool bodyless = status == 204 || status == 304;
    size_t send = bodyless || conn->is_head ? 0 : body_len;
    wbuf_t *w = head_format(conn, status, content_type, bodyless ? -1 : (long long)body_len,
                            extra_headers, send);
    if (!w)
        return conn_fail(conn, "out of memory");
    if (send)
        memcpy(w->data + w->len, body, send);
    w->len += send;
    if (conn_write(conn, w) < 0)
        return -1;
    request_done(conn);
    return 0;
}

int nq_http_stream_start(nq_http_conn_t *conn, const char *content_type,
                         nq_http_stream_closed_fn on_closed, void *ctx)
{
    if (!conn || conn->state != ST_HANDLING)
        return -1;
    conn->keep_alive = false; /* no length: the stream ends with the connection */
    wbuf_t *w = head_format(conn, 200, content_type ? content_type : "text/event-stream", -1,
                            "Cache-Control: no-cache\r\n", 0);
    if (!w)
        return conn_fail(conn, "out of memory");
    if (conn_write(conn, w) < 0)
        return -1;
    request_reset(conn);
    input_drop(conn);
    conn->state = ST_STREAMING;
    conn->on_closed = on_closed;
    conn->closed_ctx = ctx;
    reading_update(conn); /* to notice the client leaving */
    return 0;
}

int nq_http_stream_write(nq_http_conn_t *conn, const char *data, size_t len)
{
    if (!conn || conn->state != ST_STREAMING)
        return -1;
    if (uv_stream_get_write_queue_size((uv_stream_t *)&conn->tcp) > NQ_HTTP_STREAM_BACKLOG)
        return conn_fail(conn, "stream backlog full");
    return conn_send(conn, data, len);
}

void nq_http_conn_retain(nq_http_conn_t *conn)
{
    conn->refs++;
}

void nq_http_conn_release(nq_http_conn_t *conn)
{
    if (!conn || --conn->refs > 0)
        return;
    free(conn->in);
    free(conn->body);
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

const char *nq_http_status_text(int status)
{
    switch (status) {
#define XX(num, name, text)                                                                        \
    case num:                                                                                      \
        return #text;
        HTTP_STATUS_MAP(XX)
#undef XX
    default:
        return "Unknown";
    }
}
