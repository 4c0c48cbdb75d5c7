/* nq/httpc.h — a small blocking HTTP/1.1 client over POSIX sockets.
 *
 * For tools and tests (nqctl, nq-bench, the integration suite), not for the
 * event-loop processes: every call blocks the calling thread, bounded by the
 * client's timeout. Plain http:// only.
 *
 * A client keeps one keep-alive connection to the base URL. A request sent on
 * a reused connection that the server closed meanwhile (write error, or EOF
 * before the first byte of the answer) is retried once on a fresh
 * connection; a timeout is never retried. Responses framed by
 * Content-Length, by chunked transfer coding, or by closing the connection
 * are understood; 1xx interim answers are skipped.
 *
 *   nq_httpc_t *c = nq_httpc_new("http://127.0.0.1:8080");
 *   nq_httpc_response_t r;
 *   if (nq_httpc_request(c, "GET", "/livez", NULL, NULL, 0, NULL, &r) == 0)
 *       printf("%d %s\n", r.status, r.body);
 *   nq_httpc_response_free(&r);
 *   nq_httpc_destroy(&c);
 *
 * Server-Sent Events have their own connection:
 *
 *   nq_httpc_sse_t *s = nq_httpc_sse_open("http://127.0.0.1:8080",
 *                                         "/api/v1/alerts/stream", NULL, 5000);
 *   nq_httpc_sse_event_t ev;
 *   while (nq_httpc_sse_next(s, &ev, 1000) == 1)
 *       printf("%s %s %s\n", ev.id, ev.event, ev.data);
 *   nq_httpc_sse_close(&s);
 *
 * The parsing pieces (URL, response head, chunked decoding, SSE lines) are
 * exported, pure and socket-free so they can be tested on their own.
 *
 * Errors are negative NQ_HTTPC_E* codes; nq_httpc_strerror() names them.
 * Nothing here is thread-safe: one client or stream per thread.
 */
#ifndef NQ_HTTPC_H
#define NQ_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors (negative, never 0). */
enum {
    NQ_HTTPC_EINVAL = -1,   /* bad argument: URL, method, path or header lines */
    NQ_HTTPC_ERESOLVE = -2, /* host name did not resolve */
    NQ_HTTPC_ECONNECT = -3, /* connection refused or unreachable */
    NQ_HTTPC_ETIMEOUT = -4, /* connect, send or receive took longer than the timeout */
    NQ_HTTPC_EIO = -5,      /* connection reset or closed before the answer was complete */
    NQ_HTTPC_EPROTO = -6,   /* the answer is not valid HTTP/1.x */
    NQ_HTTPC_ETOOBIG = -7,  /* head, body or SSE event larger than the limits below */
    NQ_HTTPC_ENOMEM = -8,   /* out of memory */
};

#define NQ_HTTPC_TIMEOUT_MS 10000      /* default timeout of a new client */
#define NQ_HTTPC_MAX_HEAD   65536      /* largest response head (status line + headers) */
#define NQ_HTTPC_MAX_BODY   (64 << 20) /* largest response body */
#define NQ_HTTPC_MAX_EVENT  (4 << 20)  /* largest SSE line or event data */
#define NQ_HTTPC_CT_LEN     128        /* Content-Type kept, truncated to fit */
#define NQ_HTTPC_RA_LEN     64         /* Retry-After kept, truncated to fit */

typedef struct nq_httpc nq_httpc_t;

/* One complete answer. Owned by the caller: release with nq_httpc_response_free. */
typedef struct nq_httpc_response {
    int status;                         /* HTTP status code, e.g. 202 */
    char *body;                         /* malloc'd, NUL-terminated (may hold NULs) */
    size_t len;                         /* body length, without the NUL */
    char content_type[NQ_HTTPC_CT_LEN]; /* Content-Type value, "" when absent */
    char retry_after[NQ_HTTPC_RA_LEN];  /* Retry-After value as sent, "" when absent */
} nq_httpc_response_t;

/* A client for `base_url`, "http://host[:port][/prefix]" (host may be an
 * [IPv6] literal, port defaults to 80, a prefix is put in front of every
 * request path). Does not connect yet. Returns NULL on a bad URL or no memory. */
nq_httpc_t *nq_httpc_new(const char *base_url);

/* Send "Authorization: Bearer <key>" with every request (NULL or "": no
 * such header). A new client (and nq_httpc_sse_open) starts with the key in
 * the environment variable NQ_API_KEY, when set: that is how nqctl, nq-bench
 * and the integration tests authenticate. A key with blanks or controls is
 * not sent. */
void nq_httpc_set_api_key(nq_httpc_t *c, const char *key);

/* Close the connection and free the client; sets *c to NULL. Safe on NULL. */
void nq_httpc_destroy(nq_httpc_t **c);

/* Time allowed (ms, > 0) for one attempt of a request: connecting, sending
 * and receiving the whole answer together (name resolution is not bounded).
 * The one retry on a fresh connection gets the same time again. Default
 * NQ_HTTPC_TIMEOUT_MS; values <= 0 are ignored. */
void nq_httpc_set_timeout(nq_httpc_t *c, int timeout_ms);

/* Send one request and wait for its complete answer.
 *   method        "GET", "POST", "PUT", ... (a token, no spaces)
 *   path          starts with '/', may carry a query; no spaces, CR or LF
 *   content_type  NULL for none; sent only with a body
 *   body, len     NULL for no body (no Content-Length is sent); else len bytes
 *   extra_headers NULL, or complete header lines each ending in "\r\n"
 *                 ("Last-Event-ID: 5\r\nX-Api-Key: k\r\n")
 * Host, User-Agent and Content-Length are added. Returns 0 when an answer of
 * any status arrived (out filled, caller frees), or a negative NQ_HTTPC_E*
 * code; on failure out is zeroed (body NULL), so nq_httpc_response_free is
 * always safe after a call. */
int nq_httpc_request(nq_httpc_t *c, const char *method, const char *path, const char *content_type,
                     const char *body, size_t len, const char *extra_headers,
                     nq_httpc_response_t *out);

/* Free the body and zero the response. Safe to call twice. */
void nq_httpc_response_free(nq_httpc_response_t *r);

/* English text for an NQ_HTTPC_E* code ("connection refused or unreachable"). */
const char *nq_httpc_strerror(int code);

/* ------------------------------------------------------ Server-Sent Events */

typedef struct nq_httpc_sse nq_httpc_sse_t;

/* One dispatched event. Every pointer is borrowed from the stream (or
 * parser) and valid until the next next/feed call or close/destroy. */
typedef struct nq_httpc_sse_event {
    const char *id;    /* last event id in force (persists across events), "" if none */
    const char *event; /* event type, "message" when the event named none */
    const char *data;  /* data lines joined by '\n', NUL-terminated */
    size_t data_len;   /* length of data */
} nq_httpc_sse_event_t;

/* Connect to base_url, GET `path` with Accept: text/event-stream (and
 * Last-Event-ID when last_event_id is not NULL), and wait up to timeout_ms for
 * a 200 answer whose Content-Type is text/event-stream. Returns the open
 * stream, or NULL on any failure (bad URL, unreachable, other status). */
nq_httpc_sse_t *nq_httpc_sse_open(const char *base_url, const char *path, const char *last_event_id,
                                  int timeout_ms);

/* Wait up to timeout_ms (0 = only what is already buffered or readable) for
 * the next event. Comments (": keepalive") and events without data are
 * consumed silently. Returns 1 with *ev filled, 0 on timeout (the stream stays
 * usable), -1 when the stream is closed or broken (every later call returns
 * -1; events that arrived before the end are still returned first). On 0 and
 * -1, *ev holds empty strings. */
int nq_httpc_sse_next(nq_httpc_sse_t *s, nq_httpc_sse_event_t *ev, int timeout_ms);

/* Close the connection and free the stream; sets *s to NULL. Safe on NULL. */
void nq_httpc_sse_close(nq_httpc_sse_t **s);

/* --------------------------------------- pure parsing pieces (no sockets) */

/* Parts of a base URL. */
typedef struct nq_httpc_url {
    char host[256];   /* host name or address, IPv6 without brackets */
    int port;         /* 1..65535 */
    char prefix[256]; /* path prefix without a trailing '/', "" for none */
} nq_httpc_url_t;

/* Parse "http://host[:port][/prefix]". Returns 0, or NQ_HTTPC_EINVAL (other
 * scheme, empty host, bad port, user info, query or fragment, too long). */
int nq_httpc_parse_url(const char *url, nq_httpc_url_t *out);

/* Parse a status line without its line end: "HTTP/1.1 200 OK" (the reason may
 * be empty). Returns 0 with *minor (HTTP/1.minor) and *status (100..999),
 * or NQ_HTTPC_EPROTO. */
int nq_httpc_parse_status_line(const char *line, size_t len, int *minor, int *status);

/* Split a header line without its line end at the first ':' and trim spaces
 * and tabs around the value. The spans point into `line`. Returns 0, or
 * NQ_HTTPC_EPROTO for an empty name, a name with spaces or controls, no ':',
 * or a folded continuation line (leading space). */
int nq_httpc_parse_header_line(const char *line, size_t len, const char **name, size_t *name_len,
                               const char **value, size_t *value_len);

/* What a response head says about the message. */
typedef struct nq_httpc_head {
    int minor;                          /* HTTP/1.minor */
    int status;                         /* status code */
    int64_t content_length;             /* -1 when absent */
    bool chunked;                       /* Transfer-Encoding ends in chunked */
    bool keep_alive;                    /* connection may be reused afterwards */
    char content_type[NQ_HTTPC_CT_LEN]; /* "" when absent */
    char retry_after[NQ_HTTPC_RA_LEN];  /* "" when absent */
} nq_httpc_head_t;

/* Parse a response head at the start of buf (lines end in CRLF or LF; the
 * head ends with an empty line). Returns the head's length including the
 * empty line (> 0), 0 when buf holds no complete head yet, NQ_HTTPC_EPROTO
 * when it is malformed (conflicting Content-Length, bad number, ...), or
 * NQ_HTTPC_ETOOBIG when no head ends within NQ_HTTPC_MAX_HEAD bytes.
 * keep_alive follows the version and the Connection header. */
int nq_httpc_parse_head(const char *buf, size_t len, nq_httpc_head_t *out);

/* Incremental decoder of a chunked body. Zero-initialise (or
 * nq_httpc_chunked_init) before the first byte of the body. */
typedef struct nq_httpc_chunked {
    int state;          /* where in the chunk grammar the decoder is */
    uint64_t remaining; /* data bytes left in the current chunk, or size being read */
    int digits;         /* hex digits of the size line read so far */
} nq_httpc_chunked_t;

void nq_httpc_chunked_init(nq_httpc_chunked_t *st);

/* Decode buf[0..len) in place: the chunk payload is moved to the front of buf
 * and its length stored in *out_len (never more than len). The input may be
 * split anywhere between calls. *used is the number of input bytes consumed:
 * all of them unless the body ended. Returns 1 when the last chunk and the
 * trailer are complete (bytes after them are not consumed), 0 when more input
 * is needed, NQ_HTTPC_EPROTO on malformed input (further calls fail too). */
int nq_httpc_chunked_decode(nq_httpc_chunked_t *st, char *buf, size_t len, size_t *out_len,
                            size_t *used);

/* Incremental Server-Sent Events parser (the WHATWG event-stream grammar:
 * lines end in CRLF, LF or CR; "field: value" with one optional space after
 * the colon; lines starting with ':' are comments; an empty line dispatches;
 * "retry" and unknown fields are ignored; an id containing NUL is ignored). */
typedef struct nq_httpc_sse_parser nq_httpc_sse_parser_t;

/* A parser, or NULL when out of memory. */
nq_httpc_sse_parser_t *nq_httpc_sse_parser_new(void);

/* Consume data[0..len) up to and including the line that completes an event.
 * Returns 1 with *ev filled and *used = bytes consumed (call again with the
 * rest), 0 when all len bytes were consumed without completing an event, or
 * NQ_HTTPC_ETOOBIG / NQ_HTTPC_ENOMEM (the parser is then unusable). */
int nq_httpc_sse_parser_feed(nq_httpc_sse_parser_t *p, const char *data, size_t len, size_t *used,
                             nq_httpc_sse_event_t *ev);

/* Free the parser; sets *p to NULL. Safe on NULL. */
void nq_httpc_sse_parser_destroy(nq_httpc_sse_parser_t **p);

#endif
