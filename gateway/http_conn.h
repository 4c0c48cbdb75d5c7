/* gateway/http_conn.h — what the files of the HTTP server share; not for handlers
 * (they use http.h).
 *
 *   http.c        connections: accept, read, parse in turn, the states, close; the server
 *   http_parse.c  a request's head and body as http-parser delivers them
 *   http_query.c  what a handler reads of a request: headers, query parameters
 *   http_write.c  answers: heads, bodies, streams, in order on the socket
 *
 * Internal names are nq_http__*. Everything runs on the loop's thread.
 */
#ifndef NQ_GATEWAY_HTTP_CONN_H
#define NQ_GATEWAY_HTTP_CONN_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "http.h"
#include "nq/buf.h"

/* A connection's state: see the top of http.c. */
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
    conn_state_t state;                  /* see http.c's top */
    bool reading;                        /* uv_read_start is in effect */
    bool eof;                            /* the client shut down its sending side */
    bool in_process;                     /* conn_process is on the stack */
    bool lingering;                      /* shutdown done, draining input */
    http_parser parser;                  /* paused while a request is handled */
    nq_buf_t in;                         /* input, freed whenever it is all parsed */
    size_t in_off;                       /* bytes of `in` already parsed */
    char head[NQ_HTTP_MAX_HEADER_BYTES]; /* URL and header items, each NUL-terminated */
    size_t head_len;                     /* where the item being filled starts in head */
    size_t item_len;                     /* bytes of the item being filled */
    head_item_t item;                    /* the item being filled */
    char *url;                           /* request target, in head */
    int reject_status;                   /* answer when a parser callback stops the parser */
    bool keep_alive;                     /* another request may follow the current one */
    bool is_head;                        /* the current request is HEAD: answer without body */
    bool chunked;                        /* the current answer is being sent in chunks */
    nq_buf_t body;                       /* body of the current request */
    nq_http_request_t req;               /* the current request; points into head and body */
    char remote[64];                     /* peer address as text */
    char answer_headers[NQ_HTTP_ANSWER_HEADERS]; /* added to the current request's answer */
    nq_http_answered_fn answered;                /* the current request's watcher, or NULL */
    void *answered_data;                         /* its data */
    nq_http_stream_closed_fn on_closed;          /* stream close callback, or NULL */
    void *closed_ctx;                            /* its context */
};

/* ---- http.c ---------------------------------------------------------------------- */

/* Log why the connection is dropped, close it, and return -1. */
int nq_http__conn_fail(nq_http_conn_t *c, const char *why);

/* Close at once; queued writes are cancelled. Safe to call again. */
void nq_http__conn_close(nq_http_conn_t *c);

/* The current request is answered: go on with the next one, or close. */
void nq_http__request_done(nq_http_conn_t *c);

/* Drop buffered input (streaming, closing). */
void nq_http__input_drop(nq_http_conn_t *c);

/* Read while input is wanted: open, not at EOF, not too much buffered. */
void nq_http__reading_update(nq_http_conn_t *c);

/* ---- http_parse.c ---------------------------------------------------------------- */

/* The callbacks that fill a connection's request (parser.data is the connection). */
extern const http_parser_settings nq_http__parser_settings;

/* Fill the request from the parsed head: split the target, decode the path.
 * Returns 0, or -1 when the target is not acceptable. */
int nq_http__request_finish(nq_http_conn_t *c);

/* Forget the current request (its pointers become invalid). */
void nq_http__request_reset(nq_http_conn_t *c);

/* ---- http_query.c ---------------------------------------------------------------- */

/* Decode %XX escapes (and '+' as a space when plus_space) of src[0..len) into
 * dst, NUL-terminated, using at most cap bytes; dst may be src. Returns the
 * decoded length, or -1 for a bad escape, a decoded NUL, or too little room. */
int nq_http__pct_decode(char *dst, size_t cap, const char *src, size_t len, bool plus_space);

/* ---- http_write.c ---------------------------------------------------------------- */

/* Queue a copy of data[0..len). Returns 0, or -1 (and the connection closes). */
int nq_http__conn_send(nq_http_conn_t *c, const char *data, size_t len);

/* Tell the current request's watcher (if any) it was answered with status
 * (0: never), once. */
void nq_http__answered(nq_http_conn_t *c, int status);

/* Answer an error the server found itself, then close. */
void nq_http__answer_error(nq_http_conn_t *c, int status);

#endif
