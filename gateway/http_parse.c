/* gateway/http_parse.c — a request as http-parser delivers it (see http_conn.h): the
 * head's items (target, header names and values) in the connection's fixed buffer, the
 * body within the server's limit, then the target split and its path decoded. A
 * callback that refuses stops the parser with the status to answer. */
#include "http_conn.h"

#include <string.h>
#include <strings.h>

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

static int on_headers_complete(http_parser *p)
{
    static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
    nq_http_conn_t *c = p->data;
    const char *expect = nq_http_header(&c->req, "Expect");

    if ((p->flags & F_CONTENTLENGTH) && p->content_length > c->server->max_body)
        return reject(c, 413);
    if (expect && strcasecmp(expect, "100-continue") == 0 && p->http_minor >= 1)
        nq_http__conn_send(c, go_on, sizeof(go_on) - 1);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    nq_http_conn_t *c = p->data;
    size_t need = c->req.body_len + len;

    if (need > c->server->max_body)
        return reject(c, 413);
    if (nq_buf_add(&c->body, at, len) != 0)
        return reject(c, 503);
    c->req.body_len = need;
    return 0;
}

/* A whole request is in: stop here until it is answered. */
static int on_message_complete(http_parser *p)
{
    http_parser_pause(p, 1);
    return 0;
}

const http_parser_settings nq_http__parser_settings = {
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

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

int nq_http__request_finish(nq_http_conn_t *c)
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
    if (nq_http__pct_decode(path, len + 1, path, len, false) < 0 || has_dot_dot(path))
        return -1;
    r->path = path;
    r->method = http_method_str((enum http_method)c->parser.method);
    r->body = c->body.buf;
    r->remote_addr = c->remote;
    return 0;
}

void nq_http__request_reset(nq_http_conn_t *c)
{
    nq_buf_release(&c->body);
    c->req.n_headers = 0;
    c->req.body_len = 0;
    c->head_len = 0;
    c->item_len = 0;
    c->head[0] = '\0';
    c->item = ITEM_NONE;
    c->url = NULL;
    c->reject_status = 0;
    c->answer_headers[0] = '\0';
    c->answered = NULL;
}
