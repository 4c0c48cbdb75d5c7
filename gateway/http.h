/* gateway/http.h — a small HTTP/1.1 server on libuv and http-parser.
 *
 * One server listens on host:port. Each complete request (headers + body,
 * body at most max_body bytes, else 413 answered by the server itself; a
 * request that cannot be parsed gets 400 and the connection closes) is
 * handed to the `on_request` callback. The callback may answer at once or
 * later (after a ZeroMQ round trip): it calls nq_http_respond() exactly once,
 * or starts a stream (Server-Sent Events) with nq_http_stream_start().
 * Keep-alive is honoured; pipelined requests are answered in order (the next
 * request is not parsed until the previous one is answered).
 *
 * Limits, each answered by the server itself, after which the connection
 * closes: a head (request target plus header names and values) over
 * NQ_HTTP_MAX_HEADER_BYTES or with more than NQ_HTTP_MAX_HEADERS headers gets
 * 431; a body over max_body gets 413; a malformed request, a bad %-escape in
 * the path, a path that decodes to a NUL or has a ".." segment get 400. A
 * connection that has not sent a complete request within
 * NQ_HTTP_IDLE_TIMEOUT_MS (from accept or from the last answer) is closed;
 * requests with the handler and streams have no timeout. Every answer carries
 * X-Content-Type-Options: nosniff, X-Frame-Options: DENY, Referrer-Policy:
 * no-referrer, Cache-Control: no-store unless its extra headers set a
 * Cache-Control, Date and Connection ("close" when the client asked for it, for HTTP/1.0
 * without keep-alive, and for streams). "Expect: 100-continue" is honoured.
 *
 * Everything runs on the loop's thread. The process must ignore SIGPIPE
 * (signal(SIGPIPE, SIG_IGN)): libuv writes to a socket the peer has closed
 * would raise it.
 *
 * Connections are owned by the server. A handler that answers later must
 * nq_http_conn_retain() the connection and nq_http_conn_release() it once
 * done; if the client went away meanwhile, respond/stream calls are no-ops
 * that return -1 (check nq_http_conn_open()).
 *
 *   static void on_req(nq_http_conn_t *c, const nq_http_request_t *req, void *ctx) {
 *       nq_http_respond(c, 200, "application/json", "{\"ok\":true}", 11, NULL);
 *   }
 *   nq_http_server_t *srv = nq_http_server_new(loop, "127.0.0.1", 8080, 4 << 20, on_req, NULL);
 *   ...
 *   nq_http_server_destroy(&srv);   // closes every connection; handles freed in close callbacks
 */
#ifndef NQ_GATEWAY_HTTP_H
#define NQ_GATEWAY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#define NQ_HTTP_MAX_HEADERS      32        /* headers per request; more gets 431 */
#define NQ_HTTP_MAX_HEADER_BYTES 16384     /* target + header names/values (+NULs); more: 431 */
#define NQ_HTTP_IDLE_TIMEOUT_MS  60000     /* to receive a complete request */
#define NQ_HTTP_STREAM_BACKLOG   (1 << 20) /* unsent stream bytes past which it is dropped */
#define NQ_HTTP_ANSWER_HEADERS   512       /* bytes of nq_http_conn_answer_headers */

typedef struct nq_http_server nq_http_server_t;
typedef struct nq_http_conn nq_http_conn_t;

typedef struct nq_http_header {
    const char *name;  /* as received; compare case-insensitively */
    const char *value; /* NUL-terminated */
} nq_http_header_t;

/* A parsed request. Every pointer is borrowed: valid until the request is
 * answered (respond or stream_start), or the connection closes. */
typedef struct nq_http_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* decoded path without the query, "/api/v1/x" */
    const char *query;  /* raw query string without '?', "" if none */
    nq_http_header_t headers[NQ_HTTP_MAX_HEADERS];
    size_t n_headers;
    const char *body; /* NUL-terminated for convenience, may contain NULs */
    size_t body_len;
    const char *remote_addr; /* peer IP as text */
} nq_http_request_t;

typedef void (*nq_http_handler_fn)(nq_http_conn_t *conn, const nq_http_request_t *req, void *ctx);

/* Called when a streaming connection closes (client gone, write error, or
 * server stopping). It runs from the loop once the connection's handles are
 * closed, never from inside an nq_http_* call; conn stays valid during the
 * call (and after, while retained) but is no longer open. */
typedef void (*nq_http_stream_closed_fn)(nq_http_conn_t *conn, void *ctx);

/* Start listening. host is a numeric IPv4 or IPv6 address; port 0 picks a
 * free port (see nq_http_server_port). Returns the server, or NULL (bind
 * failure is logged with the reason; memory already taken is released once
 * the loop runs). max_body is the largest accepted body in bytes. */
nq_http_server_t *nq_http_server_new(uv_loop_t *loop, const char *host, int port, size_t max_body,
                                     nq_http_handler_fn on_request, void *ctx);

/* Stop listening, close every connection (stream-closed callbacks run), and
 * free the server once its handles are closed. Sets *srv to NULL; safe on NULL.
 * Handles close, and callbacks run, the next time the loop runs: run it until
 * it has no handles before uv_loop_close(). Connections a handler still
 * retains stay allocated, closed, until their last release. */
void nq_http_server_destroy(nq_http_server_t **srv);

/* The port the server listens on (the one picked when created with port 0). */
int nq_http_server_port(const nq_http_server_t *srv);

/* Value of header `name` (case-insensitive), or NULL. */
const char *nq_http_header(const nq_http_request_t *req, const char *name);

/* Value of query parameter `name` percent-decoded into buf (NUL-terminated),
 * '+' read as a space; "?flag" has the value "". The first occurrence wins.
 * Returns the length, or -1 when absent, too long for buf, or malformed (a bad
 * %-escape or one that decodes to NUL). */
int nq_http_query_param(const nq_http_request_t *req, const char *name, char *buf, size_t len);

/* Every query parameter in turn: *at starts at req->query; each call
 * percent-decodes the next name and value (as nq_http_query_param; empty
 * pairs "&&" are skipped) into name and value, and moves *at past them.
 * Returns 1 with a parameter, 0 at the end, -1 when one is malformed or too
 * long for its buffer (*at moves past it all the same).
 *
 *   const char *at = req->query;
 *   int rc;
 *   while ((rc = nq_http_query_next(&at, name, sizeof(name), value, sizeof(value))) != 0)
 *       ...
 */
int nq_http_query_next(const char **at, char *name, size_t nlen, char *value, size_t vlen);

/* Answer the current request. `extra_headers` is NULL or a string of complete
 * header lines each ending in "\r\n" ("Retry-After: 1\r\n"). Content-Length,
 * Date, Connection are added; content_type may be NULL for none. The body is
 * copied. No body (nor Content-Length for 204/304) is sent for 204, 304 and
 * HEAD requests; a status outside 200..599 is sent as 500. Returns 0, or -1
 * when the connection is gone or the request was already answered. */
int nq_http_respond(nq_http_conn_t *conn, int status, const char *content_type, const char *body,
                    size_t body_len, const char *extra_headers);

/* Turn the connection into an open-ended stream: sends status 200, the
 * content type ("text/event-stream" when NULL), no Content-Length,
 * Cache-Control: no-cache, Connection: close. After this, write chunks with
 * nq_http_stream_write. `on_closed` (may be NULL) runs once when the
 * connection closes, if this returned 0. Returns 0 or -1. */
int nq_http_stream_start(nq_http_conn_t *conn, const char *content_type,
                         nq_http_stream_closed_fn on_closed, void *ctx);

/* Queue a chunk (copied) on a stream. A client that lets more than
 * NQ_HTTP_STREAM_BACKLOG bytes pile up unsent is dropped (the connection
 * closes). Returns 0, or -1 when the stream is gone or was just dropped. */
int nq_http_stream_write(nq_http_conn_t *conn, const char *data, size_t len);

/* A long answer sent piece by piece (a CSV export), with Transfer-Encoding:
 * chunked on a connection that stays the request's: chunked_start sends
 * status 200, content_type and the extra header lines (as nq_http_respond);
 * each chunked_write sends one chunk (an empty one is skipped);
 * chunked_end(conn, true) sends the last chunk and the request is done
 * (keep-alive as usual), chunked_end(conn, false) closes the connection so
 * the client sees the answer was cut short. A HEAD request gets the head
 * only. Each returns 0, or -1 when the connection is gone or not in that
 * stage; nq_http_respond is refused meanwhile. */
int nq_http_chunked_start(nq_http_conn_t *conn, const char *content_type,
                          const char *extra_headers);
int nq_http_chunked_write(nq_http_conn_t *conn, const char *data, size_t len);
int nq_http_chunked_end(nq_http_conn_t *conn, bool complete);

/* Bytes queued on conn that the socket has not taken yet (for a sender
 * that waits while a slow client reads). */
size_t nq_http_conn_queued(const nq_http_conn_t *conn);

/* Reference counting for answers that come later: retain inside the handler,
 * release once done with conn (the last release after close frees it).
 * nq_http_conn_open is false once the connection closes or its last answer
 * is sent and it is closing. */
void nq_http_conn_retain(nq_http_conn_t *conn);
void nq_http_conn_release(nq_http_conn_t *conn);
bool nq_http_conn_open(const nq_http_conn_t *conn);

/* The request being handled on conn, the one the next answer goes to (valid
 * until answered), or NULL when none is. */
const nq_http_request_t *nq_http_conn_request(const nq_http_conn_t *conn);

/* Header lines (each ending in "\r\n", at most NQ_HTTP_ANSWER_HEADERS bytes in
 * all) added to the answer of the request being handled on conn, whoever
 * answers it: the door's CORS headers. Returns 0, or -1 when they do not fit
 * or no request is being handled. */
int nq_http_conn_answer_headers(nq_http_conn_t *conn, const char *lines);

/* Run fn once when the request being handled on conn is answered, with the
 * request (still valid during the call) and the status sent (200 for a
 * stream started), or with status 0 when the connection closes first. One
 * watcher per request; a second replaces the first. The watcher must not
 * answer. */
typedef void (*nq_http_answered_fn)(nq_http_conn_t *conn, const nq_http_request_t *req, int status,
                                    void *data);
void nq_http_conn_on_answered(nq_http_conn_t *conn, nq_http_answered_fn fn, void *data);

/* Reason phrase for a status code ("Accepted"). */
const char *nq_http_status_text(int status);

#endif
