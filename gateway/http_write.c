/* gateway/http_write.c — answers on a connection (see http.h): the response head, a body
 * or a stream, written in order (at once when the socket takes it, else queued). */
#include "http_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEAD_FIXED 384 /* response head bytes besides content type and extra headers */

/* On every answer: no content sniffing, no framing, no referrer. */
#define SECURITY_HEADERS                                                                           \
    "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
/* On every answer whose extra headers say nothing of caching: the API's answers are
 * per caller and per moment. */
#define NO_STORE "Cache-Control: no-store\r\n"

/* One queued write, freed in its callback. */
typedef struct wbuf {
    uv_write_t req; /* first, so the callback's request is the wbuf */
    size_t len;     /* bytes of data to send */
    char data[];    /* the bytes */
} wbuf_t;

static void on_written(uv_write_t *req, int status)
{
    wbuf_t *w = (wbuf_t *)req;

    /* ECANCELED: the connection is closing already. */
    if (status < 0 && status != UV_ECANCELED)
        nq_http__conn_close(req->handle->data);
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
        nq_http__conn_close(c);
        return -1;
    }
    if (sent > 0)
        buf = uv_buf_init(w->data + sent, (unsigned)(w->len - (size_t)sent));
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written) < 0) {
        free(w);
        nq_http__conn_close(c);
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

int nq_http__conn_send(nq_http_conn_t *c, const char *data, size_t len)
{
    wbuf_t *w = wbuf_new(len);

    if (!w)
        return nq_http__conn_fail(c, "out of memory");
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
    size_t cap = HEAD_FIXED + ct_len + extra_len + strlen(c->answer_headers) + room;
    wbuf_t *w = wbuf_new(cap);
    char date[40];
    char length[48] = "";

    if (!w)
        return NULL;
    http_date(date, sizeof(date));
    if (content_length >= 0)
        snprintf(length, sizeof(length), "Content-Length: %lld\r\n", content_length);
    bool cache_said = extra && strstr(extra, "Cache-Control:");
    int n = snprintf(w->data, cap - room,
                     "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s%sConnection: %s\r\n" SECURITY_HEADERS
                     "%s%s%s\r\n",
                     status, nq_http_status_text(status), date,
                     content_type ? "Content-Type: " : "", content_type ? content_type : "",
                     content_type ? "\r\n" : "", length, c->keep_alive ? "keep-alive" : "close",
                     cache_said ? "" : NO_STORE, c->answer_headers, extra ? extra : "");
    if (n < 0 || (size_t)n >= cap - room) {
        free(w);
        return NULL;
    }
    w->len = (size_t)n;
    return w;
}

void nq_http__answer_error(nq_http_conn_t *c, int status)
{
    const char *text = nq_http_status_text(status);

    c->state = ST_HANDLING;
    c->keep_alive = false;
    c->is_head = false;
    nq_http_respond(c, status, "text/plain", text, strlen(text), NULL);
}

int nq_http_respond(nq_http_conn_t *conn, int status, const char *content_type, const char *body,
                    size_t body_len, const char *extra_headers)
{
    if (!conn || conn->state != ST_HANDLING || conn->chunked)
        return -1;
    if (status < 200 || status > 599)
        status = 500;
    bool bodyless = status == 204 || status == 304;
    size_t send = bodyless || conn->is_head ? 0 : body_len;
    wbuf_t *w = head_format(conn, status, content_type, bodyless ? -1 : (long long)body_len,
                            extra_headers, send);
    if (!w)
        return nq_http__conn_fail(conn, "out of memory");
    if (send)
        memcpy(w->data + w->len, body, send);
    w->len += send;
    if (conn_write(conn, w) < 0)
        return -1;
    nq_http__answered(conn, status);
    nq_http__request_done(conn);
    return 0;
}

void nq_http__answered(nq_http_conn_t *c, int status)
{
    nq_http_answered_fn fn = c->answered;
    if (!fn)
        return;
    c->answered = NULL;
    fn(c, &c->req, status, c->answered_data);
}

int nq_http_conn_answer_headers(nq_http_conn_t *conn, const char *lines)
{
    size_t have = strlen(conn->answer_headers), len = strlen(lines);
    if (conn->state != ST_HANDLING || have + len >= sizeof(conn->answer_headers))
        return -1;
    memcpy(conn->answer_headers + have, lines, len + 1);
    return 0;
}

void nq_http_conn_on_answered(nq_http_conn_t *conn, nq_http_answered_fn fn, void *data)
{
    conn->answered = fn;
    conn->answered_data = data;
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
        return nq_http__conn_fail(conn, "out of memory");
    if (conn_write(conn, w) < 0)
        return -1;
    nq_http__answered(conn, 200);
    nq_http__request_reset(conn);
    nq_http__input_drop(conn);
    conn->state = ST_STREAMING;
    conn->on_closed = on_closed;
    conn->closed_ctx = ctx;
    nq_http__reading_update(conn); /* to notice the client leaving */
    return 0;
}

int nq_http_chunked_start(nq_http_conn_t *conn, const char *content_type, const char *extra_headers)
{
    if (!conn || conn->state != ST_HANDLING || conn->chunked)
        return -1;
    size_t extra_len = extra_headers ? strlen(extra_headers) : 0;
    char *extra = malloc(extra_len + 32);
    if (!extra)
        return nq_http__conn_fail(conn, "out of memory");
    snprintf(extra, extra_len + 32, "Transfer-Encoding: chunked\r\n%s",
             extra_headers ? extra_headers : "");
    wbuf_t *w = head_format(conn, 200, content_type, -1, extra, 0);
    free(extra);
    if (!w)
        return nq_http__conn_fail(conn, "out of memory");
    if (conn_write(conn, w) < 0)
        return -1;
    conn->chunked = true;
    nq_http__answered(conn, 200);
    return 0;
}

int nq_http_chunked_write(nq_http_conn_t *conn, const char *data, size_t len)
{
    if (!conn || conn->state != ST_HANDLING || !conn->chunked)
        return -1;
    if (len == 0 || conn->is_head)
        return 0;
    wbuf_t *w = wbuf_new(len + 24);
    if (!w)
        return nq_http__conn_fail(conn, "out of memory");
    w->len = (size_t)snprintf(w->data, 24, "%zx\r\n", len);
    memcpy(w->data + w->len, data, len);
    memcpy(w->data + w->len + len, "\r\n", 2);
    w->len += len + 2;
    return conn_write(conn, w);
}

int nq_http_chunked_end(nq_http_conn_t *conn, bool complete)
{
    if (!conn || conn->state != ST_HANDLING || !conn->chunked)
        return -1;
    conn->chunked = false;
    if (!complete) {
        nq_http__conn_fail(conn, "answer cut short");
        return 0;
    }
    if (!conn->is_head && nq_http__conn_send(conn, "0\r\n\r\n", 5) < 0)
        return -1;
    nq_http__request_done(conn);
    return 0;
}

size_t nq_http_conn_queued(const nq_http_conn_t *conn)
{
    return conn && conn->state != ST_CLOSED
               ? uv_stream_get_write_queue_size((const uv_stream_t *)&conn->tcp)
               : 0;
}

int nq_http_stream_write(nq_http_conn_t *conn, const char *data, size_t len)
{
    if (!conn || conn->state != ST_STREAMING)
        return -1;
    if (uv_stream_get_write_queue_size((uv_stream_t *)&conn->tcp) > NQ_HTTP_STREAM_BACKLOG)
        return nq_http__conn_fail(conn, "stream backlog full");
    return nq_http__conn_send(conn, data, len);
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
