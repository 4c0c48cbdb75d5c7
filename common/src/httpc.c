/* httpc.c — the blocking HTTP/1.1 client: one keep-alive connection, a request sent
 * and its answer read, one retry on a stale connection (see nq/httpc.h). The bytes on
 * the connection are httpc_wire.c's, the grammar httpc_parse.c's. */
#include "nq/httpc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpc_internal.h"

struct nq_httpc {
    nq_httpc_url_t url;             /* where requests go */
    int fd;                         /* the keep-alive connection, -1 when none */
    int timeout_ms;                 /* time allowed for one attempt */
    char auth[NQ_HTTPC__AUTH_LINE]; /* the Authorization line of every request, or "" */
};

nq_httpc_t *nq_httpc_new(const char *base_url)
{
    nq_httpc_url_t u;
    if (nq_httpc_parse_url(base_url, &u) != 0)
        return NULL;
    nq_httpc_t *c = malloc(sizeof(*c));
    if (!c)
        return NULL;
    c->url = u;
    c->fd = -1;
    c->timeout_ms = NQ_HTTPC_TIMEOUT_MS;
    nq_httpc__auth_line(c->auth, getenv("NQ_API_KEY"));
    return c;
}

void nq_httpc_set_api_key(nq_httpc_t *c, const char *key)
{
    nq_httpc__auth_line(c->auth, key);
}

static void drop_connection(nq_httpc_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void nq_httpc_destroy(nq_httpc_t **pc)
{
    if (!pc || !*pc)
        return;
    drop_connection(*pc);
    free(*pc);
    *pc = NULL;
}

void nq_httpc_set_timeout(nq_httpc_t *c, int timeout_ms)
{
    if (timeout_ms > 0)
        c->timeout_ms = timeout_ms;
}

/* Has the server closed (or written unasked to) the idle connection? */
static bool idle_connection_dead(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char byte;
    if (poll(&pfd, 1, 0) == 0)
        return false;
    return !(pfd.revents & POLLIN) || recv(fd, &byte, 1, MSG_PEEK) >= 0 || errno != EAGAIN;
}

/* One attempt on the current connection (connecting first if none). */
static int attempt(nq_httpc_t *c, const nq_buf_t *req, bool no_body, nq_httpc_response_t *out,
                   bool *got_any)
{
    int64_t deadline = nq_httpc__now_ms() + c->timeout_ms;
    bool keep = false;
    if (c->fd < 0)
        c->fd = nq_httpc__connect(&c->url, deadline);
    if (c->fd < 0) {
        int rc = c->fd;
        c->fd = -1;
        return rc;
    }
    int rc = nq_httpc__send_all(c->fd, req->buf, req->len, deadline);
    if (rc == 0)
        rc = nq_httpc__read_response(c->fd, no_body, deadline, out, got_any, &keep);
    if (rc < 0 || !keep)
        drop_connection(c);
    return rc;
}

int nq_httpc_request(nq_httpc_t *c, const char *method, const char *path, const char *content_type,
                     const char *body, size_t len, const char *extra_headers,
                     nq_httpc_response_t *out)
{
    nq_buf_t req = NQ_BUF_INIT;
    memset(out, 0, sizeof(*out));
    if (!c)
        return NQ_HTTPC_EINVAL;
    int rc = nq_httpc__build_request(&req, &c->url, method, path, content_type, body, len,
                                     extra_headers, c->auth);
    bool no_body = method && strcmp(method, "HEAD") == 0;
    for (int tries = 0; rc == 0 && tries < 2; tries++) {
        if (c->fd >= 0 && idle_connection_dead(c->fd))
            drop_connection(c);
        bool reused = c->fd >= 0, got_any = false;
        rc = attempt(c, &req, no_body, out, &got_any);
        /* Only a stale keep-alive connection is worth a second try. */
        if (rc != NQ_HTTPC_EIO || !reused || got_any)
            break;
        rc = 0;
    }
    nq_buf_release(&req);
    return rc;
}

void nq_httpc_response_free(nq_httpc_response_t *r)
{
    if (!r)
        return;
    free(r->body);
    memset(r, 0, sizeof(*r));
}

const char *nq_httpc_strerror(int code)
{
    static const struct {
        int code;
        const char *text;
    } texts[] = {
        {0, "success"},
        {NQ_HTTPC_EINVAL, "invalid URL, method, path or header"},
        {NQ_HTTPC_ERESOLVE, "host name did not resolve"},
        {NQ_HTTPC_ECONNECT, "connection refused or unreachable"},
        {NQ_HTTPC_ETIMEOUT, "timed out"},
        {NQ_HTTPC_EIO, "connection closed before the answer was complete"},
        {NQ_HTTPC_EPROTO, "answer is not valid HTTP/1.x"},
        {NQ_HTTPC_ETOOBIG, "answer too large"},
        {NQ_HTTPC_ENOMEM, "out of memory"},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i].code == code)
            return texts[i].text;
    return "unknown error";
}
