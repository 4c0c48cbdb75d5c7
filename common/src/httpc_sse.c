/* httpc_sse.c — Server-Sent Events (see nq/httpc.h): the event-stream parser, pure, and
 * the stream that reads one over its own connection. */
#include "httpc_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ------------------------------------------------------------ SSE parser */

struct nq_httpc_sse_parser {
    nq_buf_t line;   /* the line being read, without its end */
    nq_buf_t id;     /* last event id in force */
    nq_buf_t event;  /* event type of the event being built */
    nq_buf_t data;   /* data of the event being built */
    bool has_data;   /* a data field was seen for this event */
    bool skip_lf;    /* the last line ended in CR: a LF right after belongs to it */
    bool dispatched; /* an event was returned: clear event and data first */
};

nq_httpc_sse_parser_t *nq_httpc_sse_parser_new(void)
{
    nq_httpc_sse_parser_t *p = calloc(1, sizeof(*p));
    if (p) {
        nq_buf_init(&p->line);
        nq_buf_init(&p->id);
        nq_buf_init(&p->event);
        nq_buf_init(&p->data);
    }
    return p;
}

void nq_httpc_sse_parser_destroy(nq_httpc_sse_parser_t **pp)
{
    if (!pp || !*pp)
        return;
    nq_httpc_sse_parser_t *p = *pp;
    nq_buf_release(&p->line);
    nq_buf_release(&p->id);
    nq_buf_release(&p->event);
    nq_buf_release(&p->data);
    free(p);
    *pp = NULL;
}

static int set(nq_buf_t *b, const char *s, size_t n)
{
    nq_buf_reset(b);
    return nq_httpc__append(b, s, n, NQ_HTTPC_MAX_EVENT);
}

/* Apply one "field: value" line. */
static int sse_field(nq_httpc_sse_parser_t *p, const char *name, size_t nl, const char *v,
                     size_t vl)
{
    int rc = 0;
    if (nq_httpc__span_eq(name, nl, "data")) {
        if (p->has_data)
            rc = nq_httpc__append(&p->data, "\n", 1, NQ_HTTPC_MAX_EVENT);
        if (rc == 0)
            rc = nq_httpc__append(&p->data, v, vl, NQ_HTTPC_MAX_EVENT);
        p->has_data = true;
    } else if (nq_httpc__span_eq(name, nl, "event")) {
        rc = set(&p->event, v, vl);
    } else if (nq_httpc__span_eq(name, nl, "id") && !memchr(v, '\0', vl)) {
        rc = set(&p->id, v, vl);
    }
    return rc;
}

/* Process the complete line in p->line. Returns 1 when it dispatched an event. */
static int sse_line(nq_httpc_sse_parser_t *p, nq_httpc_sse_event_t *ev)
{
    const char *l = p->line.buf;
    size_t n = p->line.len;
    int rc = 0;
    if (n == 0 && p->has_data) {
        ev->id = p->id.buf;
        ev->event = p->event.len ? p->event.buf : "message";
        ev->data = p->data.buf;
        ev->data_len = p->data.len;
        p->dispatched = true;
        return 1;
    }
    if (n == 0) {
        nq_buf_reset(&p->event);
    } else if (l[0] != ':') {
        const char *colon = memchr(l, ':', n);
        size_t nl = colon ? (size_t)(colon - l) : n;
        const char *v = colon ? colon + 1 : l + n;
        if (v < l + n && *v == ' ')
            v++;
        rc = sse_field(p, l, nl, v, (size_t)(l + n - v));
    }
    nq_buf_reset(&p->line);
    return rc;
}

int nq_httpc_sse_parser_feed(nq_httpc_sse_parser_t *p, const char *data, size_t len, size_t *used,
                             nq_httpc_sse_event_t *ev)
{
    if (p->dispatched) {
        nq_buf_reset(&p->event);
        nq_buf_reset(&p->data);
        p->has_data = false;
        p->dispatched = false;
    }
    size_t i = 0;
    while (i < len) {
        if (p->skip_lf) {
            p->skip_lf = false;
            if (data[i] == '\n') {
                i++;
                continue;
            }
        }
        size_t j = i;
        while (j < len && data[j] != '\r' && data[j] != '\n')
            j++;
        int rc = nq_httpc__append(&p->line, data + i, j - i, NQ_HTTPC_MAX_EVENT);
        if (rc < 0 || j == len) {
            *used = rc < 0 ? i : len;
            return rc;
        }
        p->skip_lf = data[j] == '\r';
        i = j + 1;
        rc = sse_line(p, ev);
        if (rc != 0) {
            *used = i;
            return rc;
        }
    }
    *used = len;
    return 0;
}

/* ----------------------------------------------------------------- stream */

struct nq_httpc_sse {
    int fd;                        /* the stream's connection, -1 once closed */
    nq_buf_t in;                   /* body bytes received (decoded), not yet parsed */
    size_t off;                    /* how much of `in` the parser consumed */
    bool chunked;                  /* the body uses chunked coding */
    nq_httpc_chunked_t ck;         /* chunk decoder state */
    nq_httpc_sse_parser_t *parser; /* event-stream parser */
};

void nq_httpc_sse_close(nq_httpc_sse_t **ps)
{
    if (!ps || !*ps)
        return;
    nq_httpc_sse_t *s = *ps;
    if (s->fd >= 0)
        close(s->fd);
    nq_buf_release(&s->in);
    nq_httpc_sse_parser_destroy(&s->parser);
    free(s);
    *ps = NULL;
}

/* Decode the raw bytes s->in[from..] of a chunked body in place (nothing to
 * do for other framings). Returns 1 when the stream goes on, 0 when the last
 * chunk or garbage arrived: the connection is then closed, and what was
 * decoded stays to be parsed. */
static int sse_decode(nq_httpc_sse_t *s, size_t from)
{
    size_t out, used;
    if (!s->chunked || from == s->in.len)
        return 1;
    int rc = nq_httpc_chunked_decode(&s->ck, s->in.buf + from, s->in.len - from, &out, &used);
    nq_buf_setlen(&s->in, from + out);
    if (rc == 0)
        return 1;
    close(s->fd);
    s->fd = -1;
    return 0;
}

/* Send the GET and check that a 200 event stream answers. */
static int sse_handshake(nq_httpc_sse_t *s, const nq_httpc_url_t *u, const char *path,
                         const char *last_event_id, int64_t deadline)
{
    nq_buf_t req = NQ_BUF_INIT, extra = NQ_BUF_INIT;
    nq_httpc_head_t h = {0};
    bool got_any = false;
    char auth[NQ_HTTPC__AUTH_LINE];
    nq_httpc__auth_line(auth, getenv("NQ_API_KEY"));
    int rc = nq_httpc__appendf(&extra, "Accept: text/event-stream\r\nCache-Control: no-cache\r\n");
    if (rc == 0 && last_event_id)
        rc = nq_httpc__appendf(&extra, "Last-Event-ID: %s\r\n", last_event_id);
    if (rc == 0)
        rc = nq_httpc__build_request(&req, u, "GET", path, NULL, NULL, 0, extra.buf, auth);
    if (rc == 0)
        rc = nq_httpc__send_all(s->fd, req.buf, req.len, deadline);
    if (rc == 0)
        rc = nq_httpc__read_head(s->fd, &s->in, deadline, &h, &got_any);
    if (rc == 0 && (h.status != 200 || strncasecmp(h.content_type, "text/event-stream", 17) != 0))
        rc = NQ_HTTPC_EPROTO;
    s->chunked = h.chunked;
    nq_buf_release(&req);
    nq_buf_release(&extra);
    return rc;
}

nq_httpc_sse_t *nq_httpc_sse_open(const char *base_url, const char *path, const char *last_event_id,
                                  int timeout_ms)
{
    nq_httpc_url_t u;
    int64_t deadline = nq_httpc__now_ms() + timeout_ms;
    if (nq_httpc_parse_url(base_url, &u) != 0)
        return NULL;
    nq_httpc_sse_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    nq_buf_init(&s->in);
    s->parser = nq_httpc_sse_parser_new();
    s->fd = s->parser ? nq_httpc__connect(&u, deadline) : -1;
    if (s->fd < 0)
        s->fd = -1; /* connect_to's error code is not a descriptor */
    if (s->fd < 0 || sse_handshake(s, &u, path, last_event_id, deadline) != 0) {
        nq_httpc_sse_close(&s);
        return NULL;
    }
    sse_decode(s, 0); /* bytes that came with the head */
    return s;
}

/* Receive more body bytes into s->in. Returns 1 when the stream goes on, 0
 * when it ended (the connection is closed; decoded bytes stay to be parsed),
 * or a negative error (NQ_HTTPC_ETIMEOUT: nothing arrived in time). */
static int sse_fill(nq_httpc_sse_t *s, int64_t deadline)
{
    if (s->off > 0) {
        nq_buf_remove(&s->in, 0, s->off);
        s->off = 0;
    }
    size_t before = s->in.len;
    int rc = nq_httpc__recv_more(s->fd, &s->in, deadline);
    if (rc == 0) {
        close(s->fd);
        s->fd = -1;
    }
    return rc <= 0 ? rc : sse_decode(s, before);
}

int nq_httpc_sse_next(nq_httpc_sse_t *s, nq_httpc_sse_event_t *ev, int timeout_ms)
{
    int64_t deadline = nq_httpc__now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    *ev = (nq_httpc_sse_event_t){"", "", "", 0};
    if (!s || !s->parser)
        return -1;
    for (;;) {
        if (s->off < s->in.len) {
            size_t used;
            int rc = nq_httpc_sse_parser_feed(s->parser, s->in.buf + s->off, s->in.len - s->off,
                                              &used, ev);
            s->off += used;
            if (rc == 1)
                return 1;
            if (rc < 0)
                break;
        }
        if (s->fd < 0)
            break;
        int rc = sse_fill(s, deadline);
        if (rc == NQ_HTTPC_ETIMEOUT)
            return 0;
        if (rc < 0)
            break;
    }
    /* Closed or broken: a partial event is discarded, as the standard says. */
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    nq_httpc_sse_parser_destroy(&s->parser);
    return -1;
}
