/* common/src/httpc_internal.h — what the files of the HTTP client share; not for callers
 * (they use nq/httpc.h).
 *
 *   httpc.c        the client: keep-alive, one retry, error texts
 *   httpc_parse.c  the grammar: URL, status and header lines, head, chunked (pure)
 *   httpc_sse.c    Server-Sent Events: the parser (pure) and the stream
 *   httpc_wire.c   bytes on a connection: bounded buffers, connect, send, read an answer
 *
 * Internal names are nq_httpc__*. Errors are the negative NQ_HTTPC_E* codes.
 */
#ifndef NQ_HTTPC_INTERNAL_H
#define NQ_HTTPC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "nq/buf.h"
#include "nq/httpc.h"

#define NQ_HTTPC__READ_CHUNK 16384 /* bytes asked of one recv */
/* Everything a response may occupy in the receive buffer, framing included. */
#define NQ_HTTPC__MAX_BUFFERED                                                                     \
    ((size_t)NQ_HTTPC_MAX_BODY + NQ_HTTPC_MAX_HEAD + NQ_HTTPC__READ_CHUNK)

/* ---- text ---------------------------------------------------------------------------- */

static inline bool nq_httpc__is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 7230 tchar: what a method or header name may contain. */
static inline bool nq_httpc__is_tchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static inline bool nq_httpc__span_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* ---- bounded buffers (httpc_wire.c) ------------------------------------------------- */

/* Make room in b for `extra` more bytes, its content staying within `limit`:
 * 0, NQ_HTTPC_ETOOBIG or NQ_HTTPC_ENOMEM. */
int nq_httpc__reserve(nq_buf_t *b, size_t extra, size_t limit);

/* Append n bytes of s within `limit` (as nq_httpc__reserve). */
int nq_httpc__append(nq_buf_t *b, const void *s, size_t n, size_t limit);

/* Append printf-style within NQ_HTTPC__MAX_BUFFERED. */
int nq_httpc__appendf(nq_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the connection (httpc_wire.c) -------------------------------------------------- */

/* Milliseconds on the monotonic clock: the base of every deadline. */
int64_t nq_httpc__now_ms(void);

/* Connect to the first address of u's host:port that answers, before the
 * deadline. Returns a non-blocking descriptor, or a negative error. */
int nq_httpc__connect(const nq_httpc_url_t *u, int64_t deadline);

/* Send n bytes of p before the deadline: 0 or a negative error. */
int nq_httpc__send_all(int fd, const char *p, size_t n, int64_t deadline);

/* Receive what is available (waiting until the deadline) and append it to b.
 * Returns bytes read (> 0), 0 on orderly close, or a negative error. */
int nq_httpc__recv_more(int fd, nq_buf_t *b, int64_t deadline);

/* Read until a final (non-1xx) head is parsed into *h; leaves the bytes after
 * it at the front of b. *got_any is set once any byte arrived. */
int nq_httpc__read_head(int fd, nq_buf_t *b, int64_t deadline, nq_httpc_head_t *h, bool *got_any);

/* Read one complete answer into out (the body's memory moves to out); *keep
 * says whether the connection may carry another request. */
int nq_httpc__read_response(int fd, bool no_body, int64_t deadline, nq_httpc_response_t *out,
                            bool *got_any, bool *keep);

/* Serialise a request into req: request line, Host, User-Agent, Authorization
 * (`auth`, a complete header line or ""), body headers, extra header lines,
 * empty line, body. NQ_HTTPC_EINVAL for a bad method, path or header lines. */
int nq_httpc__build_request(nq_buf_t *req, const nq_httpc_url_t *u, const char *method,
                            const char *path, const char *content_type, const char *body,
                            size_t len, const char *extra, const char *auth);

#define NQ_HTTPC__AUTH_LINE 160 /* "Authorization: Bearer <key>\r\n" */

/* The Authorization header line for API key `key` into buf, or "" when key is
 * NULL, empty, or not a plain token (blanks, controls, too long). */
void nq_httpc__auth_line(char buf[NQ_HTTPC__AUTH_LINE], const char *key);

#endif
