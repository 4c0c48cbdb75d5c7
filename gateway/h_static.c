/* gateway/h_static.c — the console's files (webfiles.h) answered at the door: no
 * credential needed, GET and HEAD only, never a path under /api/. */
#include <stdio.h>

#include "gateway.h"
#include "nq/log.h"
#include "webfiles.h"

/* What the console may load: its own files only; no inline script or style, no
 * framing, no plug-ins, forms and links back to itself. */
#define CSP                                                                                        \
    "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; "           \
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "               \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"
#define CACHE_FOREVER "Cache-Control: public, max-age=31536000, immutable\r\n"
#define CACHE_CHECK   "Cache-Control: no-cache\r\n"

int gw_static_load(gateway_t *gw, const char *dir, bool required)
{
    char err[256];
    gw->web = gw_webfiles_load(dir, err, sizeof(err));
    if (gw->web) {
        nq_log_info("web_loaded", "%zu files, %zu bytes from %s", gw->web->n, gw->web->bytes, dir);
        return 0;
    }
    if (required) {
        nq_log_error("web_failed", "NQ_WEB_ROOT %s: %s", dir, err);
        return -1;
    }
    nq_log_warn("web_missing", "no console at / (%s: %s)", dir, err);
    return 0;
}

bool gw_static_answer(const gateway_t *gw, nq_http_conn_t *conn, const nq_http_request_t *http)
{
    bool get = strcmp(http->method, "GET") == 0, head = strcmp(http->method, "HEAD") == 0;
    const gw_webfile_t *f = get || head ? gw_webfiles_lookup(gw->web, http->path) : NULL;
    if (!f)
        return false;
    bool gz = f->gz && gw_web_accepts_gzip(nq_http_header(http, "Accept-Encoding"));
    char headers[768];
    snprintf(headers, sizeof(headers), "ETag: %s\r\n%s%sVary: Accept-Encoding\r\n" CSP, f->etag,
             f->immutable ? CACHE_FOREVER : CACHE_CHECK, gz ? "Content-Encoding: gzip\r\n" : "");
    if (gw_web_etag_match(nq_http_header(http, "If-None-Match"), f->etag))
        nq_http_respond(conn, 304, NULL, NULL, 0, headers);
    else
        nq_http_respond(conn, 200, f->type, gz ? f->gz : f->body, gz ? f->gz_len : f->len, headers);
    return true;
}
