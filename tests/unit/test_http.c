/* tests/unit/test_http.c — the HTTP server against a real client.
 *
 * Each test runs the server on 127.0.0.1 (port 0) in a loop of its own on
 * this thread, and a scenario in a second thread that talks to it through
 * plain blocking sockets. When the scenario ends it wakes the loop, which
 * destroys the server; the loop then runs until no handle is left and must
 * close cleanly. CUnit is not thread-safe: assertions run in the client
 * thread (never the fatal kind, which would longjmp across threads) and in
 * this one only after the client is joined; code on the loop counts its
 * failures with LOOP_CHECK.
 */
#include "http.h"
#include "nq_test.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_BODY 1024

/* An assertion for code running on the loop: counted, checked after the run. */
#define LOOP_CHECK(h, cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: loop check failed: %s\n", __FILE__, __LINE__, #cond);          \
            (h)->loop_failures++;                                                                  \
        }                                                                                          \
    } while (0)

/* ---- the server side ---------------------------------------------------- */

typedef struct harness {
    uv_loop_t loop;                     /* the server's loop */
    uv_async_t done;                    /* the client's "scenario over" */
    nq_http_server_t *srv;              /* the server under test */
    int port;                           /* where it listens */
    void (*scenario)(struct harness *); /* the client's part */
    int streams_closed;                 /* stream-closed callbacks that ran */
    int loop_failures;                  /* failed LOOP_CHECKs */
} harness_t;

/* Something a handler does later, from a timer. */
typedef struct later {
    uv_timer_t timer;                                 /* fires once, then closes */
    nq_http_conn_t *conn;                             /* retained until then */
    harness_t *h;                                     /* the test */
    void (*fire)(nq_http_conn_t *conn, harness_t *h); /* the deed */
} later_t;

static void later_closed(uv_handle_t *h)
{
    free(h->data);
}

static void later_fire(uv_timer_t *t)
{
    later_t *l = t->data;

    l->fire(l->conn, l->h);
    nq_http_conn_release(l->conn);
    uv_close((uv_handle_t *)t, later_closed);
}

/* Retain conn and run fire(conn, h) ms from now. */
static void later(nq_http_conn_t *conn, harness_t *h, uint64_t ms,
                  void (*fire)(nq_http_conn_t *, harness_t *))
{
    later_t *l = malloc(sizeof(*l));

    if (!l)
        abort();
    l->conn = conn;
    l->h = h;
    l->fire = fire;
    nq_http_conn_retain(conn);
    uv_timer_init(&h->loop, &l->timer);
    l->timer.data = l;
    uv_timer_start(&l->timer, later_fire, ms, 0);
}

static void reply_text(nq_http_conn_t *conn, int status, const char *text)
{
    nq_http_respond(conn, status, "text/plain", text, strlen(text), NULL);
}

static void answer_later(nq_http_conn_t *conn, harness_t *h)
{
    LOOP_CHECK(h, nq_http_conn_open(conn));
    reply_text(conn, 200, "later");
    LOOP_CHECK(h, nq_http_respond(conn, 200, NULL, "", 0, NULL) == -1); /* answered once */
}

static void second_event(nq_http_conn_t *conn, harness_t *h)
{
    LOOP_CHECK(h, nq_http_stream_write(conn, "data: two\n\n", 11) == 0);
}

static void h_hello(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    char extra[128];

    snprintf(extra, sizeof(extra), "X-Remote: %s\r\n", req->remote_addr);
    nq_http_respond(conn, 200, "text/plain", "hello", 5, extra);
}

static void h_echo(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    nq_http_respond(conn, 200, "application/octet-stream", req->body, req->body_len, NULL);
}

static void h_query(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    char a[16], b[16], out[64];

    if (nq_http_query_param(req, "a", a, sizeof(a)) < 0)
        strcpy(a, "-");
    if (nq_http_query_param(req, "b", b, sizeof(b)) < 0)
        strcpy(b, "-");
    snprintf(out, sizeof(out), "a=%s b=%s", a, b);
    reply_text(conn, 200, out);
}

static void h_async(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    later(conn, h, 20, answer_later);
}

static void stream_closed(nq_http_conn_t *conn, void *ctx)
{
    harness_t *h = ctx;

    LOOP_CHECK(h, !nq_http_conn_open(conn));
    h->streams_closed++;
}

static void h_events(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    if (nq_http_stream_start(conn, NULL, stream_closed, h) < 0 ||
        nq_http_stream_write(conn, "data: one\n\n", 11) < 0)
        return;
    later(conn, h, 10, second_event);
}

static void second_chunk(nq_http_conn_t *conn, harness_t *h)
{
    LOOP_CHECK(h, nq_http_chunked_write(conn, "b,\"c\"\r\n", 7) == 0);
    LOOP_CHECK(h, nq_http_chunked_write(conn, "", 0) == 0); /* skipped: no early last chunk */
    LOOP_CHECK(h, nq_http_chunked_end(conn, true) == 0);
    LOOP_CHECK(h, nq_http_chunked_write(conn, "x", 1) == -1); /* the answer is over */
}

/* A chunked answer: the head and a first chunk now, the rest later. */
static void h_chunks(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    LOOP_CHECK(h, nq_http_chunked_write(conn, "x", 1) == -1); /* not started */
    if (nq_http_chunked_start(conn, "text/csv", "Content-Disposition: attachment\r\n") < 0)
        return;
    LOOP_CHECK(h, nq_http_respond(conn, 200, NULL, "", 0, NULL) == -1); /* answering already */
    LOOP_CHECK(h, nq_http_chunked_write(conn, "a\r\n", 3) == 0);
    later(conn, h, 10, second_chunk);
}

static void cut_short(nq_http_conn_t *conn, harness_t *h)
{
    LOOP_CHECK(h, nq_http_chunked_end(conn, false) == 0);
    LOOP_CHECK(h, !nq_http_conn_open(conn));
}

/* A chunked answer that fails half way: the connection closes, no last chunk. */
static void h_chunks_cut(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    if (nq_http_chunked_start(conn, "text/csv", NULL) < 0 ||
        nq_http_chunked_write(conn, "a\r\n", 3) < 0)
        return;
    later(conn, h, 10, cut_short);
}

/* Anything else: 404 with the decoded path as body. */
static void h_missing(nq_http_conn_t *conn, const nq_http_request_t *req, harness_t *h)
{
    reply_text(conn, 404, req->path);
}

typedef void (*test_handler_fn)(nq_http_conn_t *, const nq_http_request_t *, harness_t *);

static const struct {
    const char *path;       /* exact decoded path */
    test_handler_fn handle; /* its handler */
} handlers[] = {
    {"/hello", h_hello},           {"/echo", h_echo},     {"/query", h_query},
    {"/async", h_async},           {"/events", h_events}, {"/chunks", h_chunks},
    {"/chunks-cut", h_chunks_cut},
};

static void on_request(nq_http_conn_t *conn, const nq_http_request_t *req, void *ctx)
{
    for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
        if (strcmp(req->path, handlers[i].path) == 0) {
            handlers[i].handle(conn, req, ctx);
            return;
        }
    }
    h_missing(conn, req, ctx);
}

static void on_done(uv_async_t *async)
{
    harness_t *h = async->data;

    nq_http_server_destroy(&h->srv);
    nq_http_server_destroy(&h->srv); /* safe twice */
    uv_close((uv_handle_t *)async, NULL);
}

static void client_main(void *arg)
{
    harness_t *h = arg;

    h->scenario(h);
    uv_async_send(&h->done);
}

/* Serve until the scenario is over, then check that everything closed. */
static void harness_run(harness_t *h, void (*scenario)(harness_t *))
{
    uv_thread_t client;

    memset(h, 0, sizeof(*h));
    h->scenario = scenario;
    CU_ASSERT_FATAL(uv_loop_init(&h->loop) == 0);
    h->srv = nq_http_server_new(&h->loop, "127.0.0.1", 0, MAX_BODY, on_request, h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h->srv);
    h->port = nq_http_server_port(h->srv);
    CU_ASSERT(h->port > 0);
    uv_async_init(&h->loop, &h->done, on_done);
    h->done.data = h;
    CU_ASSERT_FATAL(uv_thread_create(&client, client_main, h) == 0);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    uv_thread_join(&client);
    CU_ASSERT_EQUAL(h->loop_failures, 0);
    CU_ASSERT_EQUAL(uv_loop_close(&h->loop), 0);
}

/* ---- the client side ---------------------------------------------------- */

typedef struct client {
    int fd;          /* connected socket with a receive timeout */
    char buf[65536]; /* received and not yet consumed, NUL-terminated */
    size_t len;      /* bytes in buf */
} client_t;

typedef struct response {
    int status;      /* from the status line */
    char head[4096]; /* status line and headers, NUL-terminated */
    char body[4096]; /* the body, NUL-terminated */
    size_t body_len; /* its length */
} response_t;

static client_t *client_open(int port)
{
    client_t *c = calloc(1, sizeof(*c));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval timeout = {.tv_sec = 5};

    if (!c)
        abort();
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    CU_ASSERT(connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    return c;
}

static void client_close(client_t *c)
{
    close(c->fd);
    free(c);
}

static void client_send_n(client_t *c, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        data += n;
        len -= (size_t)n;
    }
    CU_ASSERT_EQUAL(len, 0);
}

static void client_send(client_t *c, const char *text)
{
    client_send_n(c, text, strlen(text));
}

/* Receive more. Returns the bytes received, 0 at EOF, -1 on error or timeout. */
static ssize_t client_fill(client_t *c)
{
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len - 1, 0);

    if (n > 0)
        c->len += (size_t)n;
    c->buf[c->len] = '\0';
    return n;
}

static const char *find(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, needle, n) == 0)
            return buf + i;
    }
    return NULL;
}

/* Consume n bytes of the buffer. */
static void client_consume(client_t *c, size_t n)
{
    c->len -= n;
    memmove(c->buf, c->buf + n, c->len + 1);
}

/* Read a response head; body_len is what Content-Length announces. On
 * failure returns -1 with an empty response (status -1). */
static int client_head(client_t *c, response_t *r)
{
    const char *end;

    r->status = -1;
    r->head[0] = '\0';
    r->body[0] = '\0';
    r->body_len = 0;
    while (!(end = find(c->buf, c->len, "\r\n\r\n"))) {
        if (client_fill(c) <= 0)
            return -1;
    }
    size_t head_len = (size_t)(end + 4 - c->buf);
    if (head_len >= sizeof(r->head))
        return -1;
    memcpy(r->head, c->buf, head_len);
    r->head[head_len] = '\0';
    if (sscanf(r->head, "HTTP/1.1 %d ", &r->status) != 1)
        r->status = -1;
    const char *length = strstr(r->head, "\r\nContent-Length: ");
    r->body_len = length ? strtoul(length + 18, NULL, 10) : 0;
    client_consume(c, head_len);
    return 0;
}

/* Read one response framed by Content-Length (none: no body). Returns 0 or -1. */
static int client_response(client_t *c, response_t *r)
{
    if (client_head(c, r) < 0 || r->body_len >= sizeof(r->body))
        return -1;
    while (c->len < r->body_len) {
        if (client_fill(c) <= 0)
            return -1;
    }
    memcpy(r->body, c->buf, r->body_len);
    r->body[r->body_len] = '\0';
    client_consume(c, r->body_len);
    return 0;
}

/* Send a request and read one response; the response is checked for status. */
static void exchange(client_t *c, const char *request, int status, response_t *r)
{
    client_send(c, request);
    CU_ASSERT_EQUAL(client_response(c, r), 0);
    CU_ASSERT_EQUAL(r->status, status);
}

/* Did the server close the connection (EOF with nothing left)? */
static bool client_at_eof(client_t *c)
{
    return c->len == 0 && client_fill(c) == 0;
}

static bool has_header(const response_t *r, const char *line)
{
    char full[256];

    snprintf(full, sizeof(full), "\r\n%s\r\n", line);
    return strstr(r->head, full) != NULL;
}

/* One request on a connection of its own that the server must then close. */
static void exchange_and_close(harness_t *h, const char *request, int status)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, request, status, &r);
    CU_ASSERT_TRUE(has_header(&r, "Connection: close"));
    CU_ASSERT_TRUE(client_at_eof(c));
    client_close(c);
}

/* ---- scenarios ------------------------------------------------------------ */

static void sc_get(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "hello");
    CU_ASSERT_TRUE(has_header(&r, "Content-Length: 5"));
    CU_ASSERT_TRUE(has_header(&r, "Content-Type: text/plain"));
    CU_ASSERT_TRUE(has_header(&r, "Connection: keep-alive"));
    CU_ASSERT_TRUE(has_header(&r, "X-Remote: 127.0.0.1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.head, "\r\nDate: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.head, " GMT\r\n"));
    /* security headers on every answer; nothing is to be cached */
    CU_ASSERT_TRUE(has_header(&r, "X-Content-Type-Options: nosniff"));
    CU_ASSERT_TRUE(has_header(&r, "X-Frame-Options: DENY"));
    CU_ASSERT_TRUE(has_header(&r, "Referrer-Policy: no-referrer"));
    CU_ASSERT_TRUE(has_header(&r, "Cache-Control: no-store"));
    client_close(c);
}

static void sc_keep_alive(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "hello");
    exchange(c, "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n", 404, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "/nothing");
    /* HTTP/1.0 keeps the connection only when asked. */
    exchange(c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, &r);
    CU_ASSERT_TRUE(has_header(&r, "Connection: keep-alive"));
    /* HEAD: the length of the body, no body, and the connection goes on. */
    client_send(c, "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    CU_ASSERT_EQUAL(client_head(c, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(has_header(&r, "Content-Length: 5"));
    /* Had a body been sent, it would now spoil the next response. */
    exchange(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "hello");
    client_close(c);
}

static void sc_connection_close(harness_t *h)
{
    exchange_and_close(h, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 200);
    exchange_and_close(h, "GET /hello HTTP/1.0\r\n\r\n", 200);
}

/* Three requests in one write, the first answered later: answers keep order. */
static void sc_pipelined(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    client_send(c, "GET /async HTTP/1.1\r\nHost: t\r\n\r\n"
                   "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                   "GET /query?a=3 HTTP/1.1\r\nHost: t\r\n\r\n");
    CU_ASSERT_EQUAL(client_response(c, &r), 0);
    CU_ASSERT_STRING_EQUAL(r.body, "later");
    CU_ASSERT_EQUAL(client_response(c, &r), 0);
    CU_ASSERT_STRING_EQUAL(r.body, "hello");
    CU_ASSERT_EQUAL(client_response(c, &r), 0);
    CU_ASSERT_STRING_EQUAL(r.body, "a=3 b=-");
    client_close(c);
}

static void sc_post_body(harness_t *h)
{
    static const char request[] = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 7\r\n\r\n"
                                  "ab\0cd\r\n";
    client_t *c = client_open(h->port);
    response_t r;

    client_send_n(c, request, sizeof(request) - 1);
    CU_ASSERT_EQUAL(client_response(c, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body_len, 7);
    CU_ASSERT_EQUAL(memcmp(r.body, "ab\0cd\r\n", 7), 0);

    exchange(c,
             "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n",
             200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "abcdefg");

    /* Expect: 100-continue gets the interim answer before the body is sent. */
    exchange(c,
             "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
             "Expect: 100-continue\r\n\r\n",
             100, &r);
    exchange(c, "xyz", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "xyz");
    client_close(c);
}

static void sc_too_large(harness_t *h)
{
    char chunked[MAX_BODY + 256];
    int n = snprintf(chunked, sizeof(chunked),
                     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n",
                     MAX_BODY + 1);

    exchange_and_close(h, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n", 413);
    memset(chunked + n, 'z', MAX_BODY + 1);
    strcpy(chunked + n + MAX_BODY + 1, "\r\n0\r\n\r\n");
    exchange_and_close(h, chunked, 413);
}

static void sc_garbage(harness_t *h)
{
    exchange_and_close(h, "GARBAGE\r\n\r\n", 400);
    exchange_and_close(h, "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n", 400);
}

static void sc_header_limits(harness_t *h)
{
    char request[NQ_HTTP_MAX_HEADER_BYTES + 256];
    size_t n = (size_t)sprintf(request, "GET /hello HTTP/1.1\r\n");

    for (int i = 0; i <= NQ_HTTP_MAX_HEADERS; i++)
        n += (size_t)sprintf(request + n, "X-H%d: %d\r\n", i, i);
    strcpy(request + n, "\r\n");
    exchange_and_close(h, request, 431);

    n = (size_t)sprintf(request, "GET /hello HTTP/1.1\r\nX-Big: ");
    memset(request + n, 'b', NQ_HTTP_MAX_HEADER_BYTES);
    strcpy(request + n + NQ_HTTP_MAX_HEADER_BYTES, "\r\n\r\n");
    exchange_and_close(h, request, 431);
}

static void sc_path_decoding(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, "GET /p%41th+x HTTP/1.1\r\nHost: t\r\n\r\n", 404, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "/pAth+x");
    exchange(c, "GET /a%2Fb?x=%41 HTTP/1.1\r\nHost: t\r\n\r\n", 404, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "/a/b");
    client_close(c);
    exchange_and_close(h, "GET /a/%2e%2E/b HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    exchange_and_close(h, "GET /a/.. HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    exchange_and_close(h, "GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    exchange_and_close(h, "GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n", 400);
}

static void sc_async(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, "GET /async HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "later");
    exchange(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    client_close(c);
}

static void sc_stream(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_TRUE(has_header(&r, "Content-Type: text/event-stream"));
    CU_ASSERT_TRUE(has_header(&r, "Cache-Control: no-cache"));
    CU_ASSERT_PTR_NULL(strstr(r.head, "no-store")); /* one Cache-Control: the stream's */
    CU_ASSERT_TRUE(has_header(&r, "X-Content-Type-Options: nosniff"));
    CU_ASSERT_PTR_NULL(strstr(r.head, "Content-Length"));
    while (!strstr(c->buf, "data: two\n\n") && client_fill(c) > 0)
        ;
    CU_ASSERT_STRING_EQUAL(c->buf, "data: one\n\ndata: two\n\n");
    client_close(c);
}

static void sc_chunked(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    client_send(c, "GET /chunks HTTP/1.1\r\nHost: t\r\n\r\n");
    CU_ASSERT_EQUAL(client_head(c, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_TRUE(has_header(&r, "Transfer-Encoding: chunked"));
    CU_ASSERT_TRUE(has_header(&r, "Content-Type: text/csv"));
    CU_ASSERT_TRUE(has_header(&r, "Content-Disposition: attachment"));
    CU_ASSERT_TRUE(has_header(&r, "Connection: keep-alive"));
    CU_ASSERT_PTR_NULL(strstr(r.head, "Content-Length"));
    while (!strstr(c->buf, "0\r\n\r\n") && client_fill(c) > 0)
        ;
    CU_ASSERT_STRING_EQUAL(c->buf, "3\r\na\r\n\r\n7\r\nb,\"c\"\r\n\r\n0\r\n\r\n");
    client_consume(c, c->len);
    /* the connection goes on */
    exchange(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "hello");
    client_close(c);

    /* cut short: the connection closes without the last chunk */
    c = client_open(h->port);
    client_send(c, "GET /chunks-cut HTTP/1.1\r\nHost: t\r\n\r\n");
    CU_ASSERT_EQUAL(client_head(c, &r), 0);
    while (client_fill(c) > 0)
        ;
    CU_ASSERT_STRING_EQUAL(c->buf, "3\r\na\r\n\r\n");
    client_close(c);
}

static void sc_query(harness_t *h)
{
    client_t *c = client_open(h->port);
    response_t r;

    exchange(c, "GET /query?a=1&b=x%20y HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "a=1 b=x y");
    exchange(c, "GET /query?b=%zz&aa=2&a HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "a= b=-");
    exchange(c, "GET /query?b=c+d&b=2&%61=%3D HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "a== b=c d");
    exchange(c, "GET /query?b=0123456789abcdef HTTP/1.1\r\nHost: t\r\n\r\n", 200, &r);
    CU_ASSERT_STRING_EQUAL(r.body, "a=- b=-"); /* too long for the handler's buffer */
    client_close(c);
}

/* ---- tests ---------------------------------------------------------------- */

#define SCENARIO_TEST(name)                                                                        \
    static void test_##name(void)                                                                  \
    {                                                                                              \
        harness_t h;                                                                               \
        harness_run(&h, sc_##name);                                                                \
    }

SCENARIO_TEST(get)
SCENARIO_TEST(keep_alive)
SCENARIO_TEST(connection_close)
SCENARIO_TEST(pipelined)
SCENARIO_TEST(post_body)
SCENARIO_TEST(too_large)
SCENARIO_TEST(garbage)
SCENARIO_TEST(header_limits)
SCENARIO_TEST(path_decoding)
SCENARIO_TEST(async)
SCENARIO_TEST(query)
SCENARIO_TEST(chunked)

static void test_stream(void)
{
    harness_t h;

    harness_run(&h, sc_stream);
    CU_ASSERT_EQUAL(h.streams_closed, 1);
}

static void test_query_param_direct(void)
{
    nq_http_request_t req = {.query = "a=1&b=x%20y&flag&e=a+b&bad=%4&n=%00"};
    char buf[8];

    CU_ASSERT_EQUAL(nq_http_query_param(&req, "a", buf, sizeof(buf)), 1);
    CU_ASSERT_STRING_EQUAL(buf, "1");
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "b", buf, sizeof(buf)), 3);
    CU_ASSERT_STRING_EQUAL(buf, "x y");
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "flag", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "e", buf, sizeof(buf)), 3);
    CU_ASSERT_STRING_EQUAL(buf, "a b");
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "bad", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "n", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "missing", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "b", buf, 3), -1); /* "x y" needs 4 */
    req.query = "";
    CU_ASSERT_EQUAL(nq_http_query_param(&req, "a", buf, sizeof(buf)), -1);
}

static void test_header_lookup(void)
{
    nq_http_request_t req = {.n_headers = 2};

    req.headers[0] = (nq_http_header_t){"Host", "t"};
    req.headers[1] = (nq_http_header_t){"content-type", "text/plain"};
    CU_ASSERT_STRING_EQUAL(nq_http_header(&req, "Content-Type"), "text/plain");
    CU_ASSERT_STRING_EQUAL(nq_http_header(&req, "HOST"), "t");
    CU_ASSERT_PTR_NULL(nq_http_header(&req, "Accept"));
}

static void test_status_text(void)
{
    CU_ASSERT_STRING_EQUAL(nq_http_status_text(202), "Accepted");
    CU_ASSERT_STRING_EQUAL(nq_http_status_text(413), "Payload Too Large");
    CU_ASSERT_STRING_EQUAL(nq_http_status_text(431), "Request Header Fields Too Large");
    CU_ASSERT_STRING_EQUAL(nq_http_status_text(999), "Unknown");
}

/* A failed start returns NULL, and what it took is released by the loop. */
static void test_bind_failure(void)
{
    uv_loop_t loop;
    nq_http_server_t *a;

    CU_ASSERT_FATAL(uv_loop_init(&loop) == 0);
    CU_ASSERT_PTR_NULL(nq_http_server_new(&loop, "not-an-address", 0, 1, on_request, NULL));
    CU_ASSERT_PTR_NULL(nq_http_server_new(&loop, "127.0.0.1", 70000, 1, on_request, NULL));
    a = nq_http_server_new(&loop, "127.0.0.1", 0, 1, on_request, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NULL(
        nq_http_server_new(&loop, "127.0.0.1", nq_http_server_port(a), 1, on_request, NULL));
    nq_http_server_destroy(&a);
    CU_ASSERT_PTR_NULL(a);
    nq_http_server_destroy(NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    CU_ASSERT_EQUAL(uv_loop_close(&loop), 0);
}

static int suite_init(void)
{
    signal(SIGPIPE, SIG_IGN); /* as the gateway must: libuv writes can raise it */
    return 0;
}

static CU_TestInfo server_tests[] = {
    {"GET answered 200 with body", test_get},
    {"keep-alive: several requests on one connection", test_keep_alive},
    {"Connection: close and HTTP/1.0 close after the answer", test_connection_close},
    {"pipelined requests answered in order", test_pipelined},
    {"POST bodies delivered intact", test_post_body},
    {"body over max_body gets 413", test_too_large},
    {"garbage gets 400 and close", test_garbage},
    {"too many or too large headers get 431", test_header_limits},
    {"path percent-decoding and rejects", test_path_decoding},
    {"answer from a timer, later", test_async},
    {"SSE stream receives written events", test_stream},
    {"query parameters over the wire", test_query},
    {"chunked answers: in pieces, then keep-alive; cut short: closed", test_chunked},
    {"bind failures", test_bind_failure},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo helper_tests[] = {
    {"query parameter decoding", test_query_param_direct},
    {"header lookup is case-insensitive", test_header_lookup},
    {"status reason phrases", test_status_text},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"http server", suite_init, NULL, NULL, NULL, server_tests},
    {"http helpers", NULL, NULL, NULL, NULL, helper_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
