/* tools/bench_conn.h — nq-bench's keep-alive HTTP/1.1 connections on libuv.
 *
 * A connection carries one request at a time: the owner writes it
 * (bench_conn_write), the connection reads the answer (Content-Length,
 * chunked, or until close; 1xx skipped; nq/httpc.h parses) and hands it to
 * the owner's hooks. Transport failures (refused, reset, not HTTP, an answer
 * after no request) are counted in the shared bench_errors_t and the
 * connection closes, to be opened again when the owner says so. Nothing is
 * retried here: what to send next is the owner's (bench_load.h,
 * bench_probe.h; bench_run.c wires the hooks).
 *
 * The owner initialises each connection's pace timer and closes it; the
 * connection only stops it when it closes.
 */
#ifndef NQ_TOOLS_BENCH_CONN_H
#define NQ_TOOLS_BENCH_CONN_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "nq/buf.h"
#include "nq/httpc.h"

#define BENCH_REQUEST_HEAD_MAX 1024 /* request line and headers */

struct bench;
struct bench_conn;

/* Transport errors of all connections: how many, and the first one. */
typedef struct bench_errors {
    uint64_t count;  /* transport errors */
    char first[320]; /* the first of them */
} bench_errors_t;

/* Count a transport error; the first one is kept for the report. */
void bench_errors_add(bench_errors_t *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What a connection tells its owner; every hook runs on the loop's thread. */
typedef struct bench_conn_hooks {
    /* Connected and reading (c->connected is set): a request may be written. */
    void (*connected)(struct bench_conn *c);
    /* A complete answer (c->resp is its head); c is no longer busy. */
    void (*answer)(struct bench_conn *c, const char *body, size_t len, uint64_t now);
    /* After an answer on a connection kept alive: the next request may go. */
    void (*idle)(struct bench_conn *c, uint64_t now);
    /* The tcp handle is closed; c->reopen says whether it should connect again. */
    void (*closed)(struct bench_conn *c);
    /* The run cannot go on (`why`): the gateway is unreachable, or a request
     * cannot be written. c is closed already when the connection failed. */
    void (*failed)(struct bench_conn *c, const char *why);
} bench_conn_hooks_t;

/* What every connection of a run shares. */
typedef struct bench_net {
    uv_loop_t *loop;                 /* the run's loop */
    const char *url;                 /* --url as given, for messages; borrowed */
    nq_httpc_url_t parsed;           /* its host, port and path prefix */
    struct sockaddr_storage addr;    /* the resolved gateway address */
    const bench_conn_hooks_t *hooks; /* the owner's */
    bench_errors_t errors;           /* transport errors of every connection */
    char auth[160];                  /* "Authorization: Bearer <NQ_API_KEY>\r\n", or "" */
} bench_net_t;

/* What a connection carries: the load (events or reads), or one of the
 * freshness probe's two request kinds. */
typedef enum { ROLE_LOAD, ROLE_PROBE_POST, ROLE_PROBE_POLL } bench_role_t;

typedef enum { FRAME_LENGTH, FRAME_CHUNKED, FRAME_CLOSE } bench_framing_t;

/* One keep-alive connection with at most one request out. */
typedef struct bench_conn {
    uv_tcp_t tcp;                      /* the connection; data points here */
    uv_connect_t connect;              /* its connect request */
    uv_write_t write;                  /* the request being written */
    uv_timer_t pace;                   /* when the next request is due (--rate) */
    bench_net_t *net;                  /* shared settings and hooks */
    struct bench *b;                   /* owner (opaque here) */
    bench_role_t role;                 /* what it sends */
    bool tcp_open;                     /* tcp initialised and its close callback not yet run */
    bool connected;                    /* connected and reading: a request may be written */
    bool reopen;                       /* connect again once tcp is closed */
    bool busy;                         /* a request is out and its answer not complete */
    char head[BENCH_REQUEST_HEAD_MAX]; /* request head (the whole request of a GET) */
    char *body;                        /* request body buffer (body_cap bytes) */
    size_t body_cap;                   /* its size */
    uint64_t sent_ns;                  /* when the request out was written */
    uint64_t due_ns;                   /* when it was due (--rate; <= sent_ns), 0 = when written */
    uint64_t next_ns;                  /* when the next request is due (--rate) */
    nq_buf_t in;                       /* answer bytes received */
    bool have_head;                    /* resp and head_len are valid */
    nq_httpc_head_t resp;              /* the answer's head */
    size_t head_len;                   /* bytes of the head in `in` */
    bench_framing_t framing;           /* how the answer's body ends */
    nq_httpc_chunked_t chunked;        /* chunked decoder state */
    size_t body_len;                   /* decoded body bytes after the head (chunked) */
} bench_conn_t;

/* Resolve net->parsed's host once, before the load. Returns 0, or -1 with a
 * reason in err. */
int bench_net_resolve(bench_net_t *net, char *err, size_t len);

/* Connect (c closed). Hooks `connected` on success; on failure the error is
 * counted, c closed and hook `failed` called. */
void bench_conn_open(bench_conn_t *c);

/* Close the connection (any answer still out is given up: count it first);
 * with `reopen`, hook `closed` asks for a new connection afterwards. */
void bench_conn_close(bench_conn_t *c, bool reopen);

/* Whether c can take a request now: connected and idle. */
bool bench_conn_ready(const bench_conn_t *c);

/* The head of a request for `method` `path` (after the --url prefix) into
 * c->head; with a body of body_len >= 0 bytes, a JSON Content-Type and its
 * Content-Length. Returns the head's length, or -1 when it does not fit. */
int bench_conn_head(bench_conn_t *c, const char *method, const char *path, int body_len);

/* Write a request of n buffers on c, which must be ready; sets c->sent_ns
 * (and c->due_ns to it unless it was due earlier). bufs is the caller's
 * array: it may be advanced. Returns 0, or -1 after counting the error and
 * closing c (to reconnect). */
int bench_conn_write(bench_conn_t *c, uv_buf_t *bufs, unsigned n);

/* A request could not be built on c: tell the owner (hook `failed`). */
void bench_conn_fail(bench_conn_t *c, const char *why);

#endif
