/* test_httpc.c — nq/httpc.h: the pure parsers (URL, status line, headers,
 * head, chunked decoding, SSE), then the client and the SSE stream against a
 * scripted loopback server running in a child process. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nq/httpc.h"
#include "nq_test.h"

/* ------------------------------------------------------------------ URL */

static void test_url(void)
{
    nq_httpc_url_t u;
    CU_ASSERT_EQUAL_FATAL(nq_httpc_parse_url("http://127.0.0.1:8080", &u), 0);
    CU_ASSERT_STRING_EQUAL(u.host, "127.0.0.1");
    CU_ASSERT_EQUAL(u.port, 8080);
    CU_ASSERT_STRING_EQUAL(u.prefix, "");
    CU_ASSERT_EQUAL_FATAL(nq_httpc_parse_url("HTTP://localhost/", &u), 0);
    CU_ASSERT_STRING_EQUAL(u.host, "localhost");
    CU_ASSERT_EQUAL(u.port, 80);
    CU_ASSERT_STRING_EQUAL(u.prefix, "");
    CU_ASSERT_EQUAL_FATAL(nq_httpc_parse_url("http://[::1]:9000/nq/api//", &u), 0);
    CU_ASSERT_STRING_EQUAL(u.host, "::1");
    CU_ASSERT_EQUAL(u.port, 9000);
    CU_ASSERT_STRING_EQUAL(u.prefix, "/nq/api");

    static const char *const bad[] = {
        "https://h",      "http://",     "http://:80",  "http://h:",      "http://h:0",
        "http://h:65536", "http://h:8x", "http://u@h",  "http://h/a?b=1", "http://h#f",
        "ftp://h",        "h:80",        "http://[::1", "http://[::1]x",  "http://h /a",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(nq_httpc_parse_url(bad[i], &u), NQ_HTTPC_EINVAL);
    CU_ASSERT_EQUAL(nq_httpc_parse_url(NULL, &u), NQ_HTTPC_EINVAL);
    CU_ASSERT_PTR_NULL(nq_httpc_new("https://example.com"));
}

/* ----------------------------------------------------------------- head */

static void test_status_line(void)
{
    int minor = -1, status = -1;
    const char *l = "HTTP/1.1 202 Accepted";
    CU_ASSERT_EQUAL(nq_httpc_parse_status_line(l, strlen(l), &minor, &status), 0);
    CU_ASSERT_EQUAL(minor, 1);
    CU_ASSERT_EQUAL(status, 202);
    l = "HTTP/1.0 404 Not Found";
    CU_ASSERT_EQUAL(nq_httpc_parse_status_line(l, strlen(l), &minor, &status), 0);
    CU_ASSERT_EQUAL(minor, 0);
    CU_ASSERT_EQUAL(status, 404);
    l = "HTTP/1.1 204";
    CU_ASSERT_EQUAL(nq_httpc_parse_status_line(l, strlen(l), &minor, &status), 0);
    CU_ASSERT_EQUAL(status, 204);
    static const char *const bad[] = {"HTTP/2 200 OK",   "HTTP/1.1 20 OK",   "HTTP/1.1 200OK",
                                      "ICY 200 OK",      "HTTP/1.1 099 x",   "HTTP/1.x 200 OK",
                                      "http/1.1 200 OK", "HTTP/1.1  200 OK", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(nq_httpc_parse_status_line(bad[i], strlen(bad[i]), &minor, &status),
                        NQ_HTTPC_EPROTO);
}

static void test_header_line(void)
{
    const char *name, *value;
    size_t nl, vl;
    const char *l = "Content-Type: \t application/json; charset=utf-8 \t";
    CU_ASSERT_EQUAL_FATAL(nq_httpc_parse_header_line(l, strlen(l), &name, &nl, &value, &vl), 0);
    CU_ASSERT_EQUAL(nl, 12);
    CU_ASSERT_EQUAL(strncmp(name, "Content-Type", nl), 0);
    CU_ASSERT_EQUAL(vl, strlen("application/json; charset=utf-8"));
    CU_ASSERT_EQUAL(strncmp(value, "application/json; charset=utf-8", vl), 0);
    l = "X-Empty:";
    CU_ASSERT_EQUAL(nq_httpc_parse_header_line(l, strlen(l), &name, &nl, &value, &vl), 0);
    CU_ASSERT_EQUAL(vl, 0);
    static const char *const bad[] = {": v", "Bad Name: v", " folded: v", "NoColon", "X\x01: v"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(nq_httpc_parse_header_line(bad[i], strlen(bad[i]), &name, &nl, &value, &vl),
                        NQ_HTTPC_EPROTO);
}

/* Parse a complete head, expecting its whole length. */
static void head_ok(const char *s, nq_httpc_head_t *h)
{
    CU_ASSERT_EQUAL(nq_httpc_parse_head(s, strlen(s), h), (int)strlen(s));
}

static void test_head(void)
{
    nq_httpc_head_t h;
    const char *s = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    "Retry-After: 2\r\nContent-Length: 17\r\n\r\n";
    head_ok(s, &h);
    CU_ASSERT_EQUAL(h.status, 503);
    CU_ASSERT_EQUAL(h.content_length, 17);
    CU_ASSERT_FALSE(h.chunked);
    CU_ASSERT_TRUE(h.keep_alive);
    CU_ASSERT_STRING_EQUAL(h.content_type, "application/json");
    CU_ASSERT_STRING_EQUAL(h.retry_after, "2");
    /* Every proper prefix is incomplete; bytes after the head are not counted. */
    for (size_t n = 0; n < strlen(s); n++)
        CU_ASSERT_EQUAL(nq_httpc_parse_head(s, n, &h), 0);
    const char *with_body = "HTTP/1.1 200 OK\nContent-Length: 2\n\nok";
    CU_ASSERT_EQUAL(nq_httpc_parse_head(with_body, strlen(with_body), &h),
                    (int)strlen(with_body) - 2);

    head_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 9\r\n\r\n", &h);
    CU_ASSERT_TRUE(h.chunked);
    CU_ASSERT_EQUAL(h.content_length, -1);
    head_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", &h);
    CU_ASSERT_FALSE(h.chunked);
    CU_ASSERT_FALSE(h.keep_alive); /* only the close ends such a body */
    head_ok("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n", &h);
    CU_ASSERT_FALSE(h.keep_alive);
    head_ok("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &h);
    CU_ASSERT_FALSE(h.keep_alive);
    head_ok("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", &h);
    CU_ASSERT_TRUE(h.keep_alive);
    head_ok("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &h);
    CU_ASSERT_EQUAL(h.content_length, 5);
    head_ok("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n", &h);
    CU_ASSERT_EQUAL(h.content_length, -1);
    CU_ASSERT_STRING_EQUAL(h.retry_after, "");

    static const char *const bad[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
        "SSH-2.0-OpenSSH\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(nq_httpc_parse_head(bad[i], strlen(bad[i]), &h), NQ_HTTPC_EPROTO);

    size_t big = NQ_HTTPC_MAX_HEAD + 10;
    char *junk = malloc(big);
    CU_ASSERT_PTR_NOT_NULL_FATAL(junk);
    memset(junk, 'a', big);
    memcpy(junk, "HTTP/1.1 200 OK\r\nX: ", 20);
    CU_ASSERT_EQUAL(nq_httpc_parse_head(junk, big, &h), NQ_HTTPC_ETOOBIG);
    free(junk);
}

/* -------------------------------------------------------------- chunked */

/* Decode `in` fed `step` bytes at a time; returns the final code and the
 * payload in out (NUL-terminated), and the bytes consumed in *used_total. */
static int dechunk(const char *in, size_t step, char *out, size_t *used_total)
{
    nq_httpc_chunked_t st;
    nq_httpc_chunked_init(&st);
    size_t len = strlen(in), pos = 0, n = 0;
    int rc = 0;
    char piece[64];
    *used_total = 0;
    while (pos < len && rc == 0) {
        size_t k = len - pos < step ? len - pos : step, outn, used;
        memcpy(piece, in + pos, k);
        rc = nq_httpc_chunked_decode(&st, piece, k, &outn, &used);
        memcpy(out + n, piece, outn);
        n += outn;
        pos += used;
        *used_total = pos;
    }
    out[n] = '\0';
    return rc;
}

static void test_chunked(void)
{
    static const char *const wiki[] = {
        "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n",
        "4;name=value\r\nWiki\r\n5 \r\npedia\r\ne\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n",
        "4\nWiki\n5\npedia\n0000E\n in\r\n\r\nchunks.\n0\n\n",
    };
    char out[128];
    size_t used;
    for (size_t i = 0; i < sizeof(wiki) / sizeof(wiki[0]); i++) {
        for (size_t step = 1; step <= 64; step *= 2) {
            CU_ASSERT_EQUAL(dechunk(wiki[i], step, out, &used), 1);
            CU_ASSERT_STRING_EQUAL(out, "Wikipedia in\r\n\r\nchunks.");
            CU_ASSERT_EQUAL(used, strlen(wiki[i]));
        }
    }
    /* Bytes after the body are left alone. */
    CU_ASSERT_EQUAL(dechunk("2\r\nok\r\n0\r\n\r\nHTTP/1.1", 64, out, &used), 1);
    CU_ASSERT_STRING_EQUAL(out, "ok");
    CU_ASSERT_EQUAL(used, strlen("2\r\nok\r\n0\r\n\r\n"));
    /* Incomplete. */
    CU_ASSERT_EQUAL(dechunk("4\r\nWi", 64, out, &used), 0);
    CU_ASSERT_STRING_EQUAL(out, "Wi");

    static const char *const bad[] = {
        "g\r\n", "\r\n", "4\r\nWikiX\r\n", "4\rX", "10000000000000000\r\n", "0\r\n\rX"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(dechunk(bad[i], 64, out, &used), NQ_HTTPC_EPROTO);
}

/* ------------------------------------------------------------------ SSE */

/* Collected events, as "id|event|data" joined by ';'. */
static void sse_collect(const char *stream, size_t step, char *out, size_t cap)
{
    nq_httpc_sse_parser_t *p = nq_httpc_sse_parser_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    size_t len = strlen(stream), pos = 0;
    out[0] = '\0';
    while (pos < len) {
        size_t k = len - pos < step ? len - pos : step, used = 0;
        nq_httpc_sse_event_t ev;
        int rc;
        while ((rc = nq_httpc_sse_parser_feed(p, stream + pos, k, &used, &ev)) == 1) {
            size_t n = strlen(out);
            snprintf(out + n, cap - n, "%s|%s|%s;", ev.id, ev.event, ev.data);
            CU_ASSERT_EQUAL(ev.data_len, strlen(ev.data));
            pos += used;
            k -= used;
        }
        CU_ASSERT_EQUAL(rc, 0);
        pos += used;
    }
    nq_httpc_sse_parser_destroy(&p);
    CU_ASSERT_PTR_NULL(p);
}

static void test_sse_parser(void)
{
    static const struct {
        const char *stream;
        const char *want;
    } cases[] = {
        {"id: 1\nevent: alert\ndata: {\"a\":1}\n\n", "1|alert|{\"a\":1};"},
        {"data: one\ndata:two\ndata:  three\n\n", "|message|one\ntwo\n three;"},
        {": keepalive\n\n: x\ndata: a\r\n\r\nid: 7\r\ndata: b\r\r", "|message|a;7|message|b;"},
        {"event: x\n\ndata: no type\n\n", "|message|no type;"},
        {"id: 5\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", "5|message|a;5|message|b;|message|c;"},
        {"data\n\ndata:\ndata\n\n", "|message|;|message|\n;"},
        {"retry: 10\nfoo: bar\ndata: x\n\ndata: partial", "|message|x;"},
    };
    char out[512];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t step = 1; step <= 128; step *= 2) {
            sse_collect(cases[i].stream, step, out, sizeof(out));
            CU_ASSERT_STRING_EQUAL(out, cases[i].want);
        }
    }
    /* An id containing NUL is ignored (fed with its real length). */
    static const char nul_id[] = "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n";
    nq_httpc_sse_parser_t *p = nq_httpc_sse_parser_new();
    nq_httpc_sse_event_t ev;
    size_t used, pos = 0, len = sizeof(nul_id) - 1;
    CU_ASSERT_EQUAL(nq_httpc_sse_parser_feed(p, nul_id, len, &used, &ev), 1);
    pos += used;
    CU_ASSERT_EQUAL(nq_httpc_sse_parser_feed(p, nul_id + pos, len - pos, &used, &ev), 1);
    CU_ASSERT_STRING_EQUAL(ev.id, "1");
    CU_ASSERT_STRING_EQUAL(ev.data, "b");
    nq_httpc_sse_parser_destroy(&p);
    nq_httpc_sse_parser_destroy(&p);
}

/* ------------------------------------------------- loopback server (child) */

static pid_t s_server;
static int s_port;
static char s_url[64];

static void put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static const char *find_ci(const char *hay, const char *needle)
{
    for (size_t n = strlen(needle); *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

/* Read one request head and body from fd into buf. Returns 0, -1 at EOF. */
static int read_request(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    char *end = NULL;
    buf[0] = '\0';
    while (!(end = strstr(buf, "\r\n\r\n"))) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
    }
    const char *cl = find_ci(buf, "\r\nContent-Length:");
    size_t want = (size_t)(end + 4 - buf) + (cl ? (size_t)atoi(cl + 17) : 0);
    while (n < want) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
    }
    return 0;
}

/* Copy header `name`'s value from a raw request into out ("none" if absent). */
static void header_value(const char *req, const char *name, char *out, size_t cap)
{
    char key[64];
    snprintf(key, sizeof(key), "\r\n%s: ", name);
    const char *v = find_ci(req, key);
    snprintf(out, cap, "%s", "none");
    if (v)
        snprintf(out, cap, "%.*s", (int)strcspn(v + strlen(key), "\r\n"), v + strlen(key));
}

/* Serve one connection: each request is answered by its path. Returns when
 * the client or the script closes the connection. */
static void serve(int fd, int conn)
{
    char req[8192], out[512], v[128];
    for (int n = 1;; n++) {
        if (read_request(fd, req, sizeof(req)) != 0)
            return;
        if (strncmp(req, "GET /count ", 11) == 0) {
            char body[64];
            snprintf(body, sizeof(body), "conn=%d req=%d", conn, n);
            snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
            put(fd, out);
        } else if (strncmp(req, "GET /close-after ", 17) == 0) {
            put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return;
        } else if (strncmp(req, "GET /chunked ", 13) == 0) {
            put(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                    "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhel");
            usleep(50000);
            put(fd, "lo\r\n6;x=1\r\n world\r\n");
            usleep(50000);
            put(fd, "0\r\n\r\n");
        } else if (strncmp(req, "GET /drop-next ", 15) == 0) {
            put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            read_request(fd, req, sizeof(req)); /* and leave it unanswered */
            return;
        } else if (strncmp(req, "GET /eof ", 9) == 0) {
            put(fd, "HTTP/1.1 200 OK\r\n\r\nuntil close");
            return;
        } else if (strncmp(req, "GET /slow ", 10) == 0) {
            sleep(2);
            return;
        } else if (strncmp(req, "POST /echo ", 11) == 0) {
            const char *body = strstr(req, "\r\n\r\n") + 4;
            header_value(req, "X-Extra", v, sizeof(v));
            snprintf(out, sizeof(out),
                     "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nX-Seen: %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     v, strlen(body));
            put(fd, out);
            put(fd, body);
        } else if (strncmp(req, "GET /sse-raw ", 13) == 0) {
            put(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                    "event: alert\r\ndata: raw\r\n\r\ndata: cut off");
            return;
        } else if (strncmp(req, "GET /sse ", 9) == 0) {
            header_value(req, "Last-Event-ID", v, sizeof(v));
            char ev[256];
            snprintf(ev, sizeof(ev), "id: 1\nevent: alert\ndata: last=%s\n\n", v);
            snprintf(out, sizeof(out),
                     "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%s\r\n",
                     strlen(ev), ev);
            put(fd, out);
            usleep(400000);
            put(fd, "d\r\n: keepalive\n\r\n");
            put(fd, "5\r\nid: 2\r\n9\r\n\ndata: b\r\n2\r\n\n\n\r\n0\r\n\r\n");
            return;
        } else {
            put(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
    }
}

/* Start the loopback server: the child accepts and forks per connection. */
static int suite_init(void)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    s_port = ntohs(a.sin_port);
    snprintf(s_url, sizeof(s_url), "http://127.0.0.1:%d", s_port);
    s_server = fork();
    if (s_server < 0)
        return -1;
    if (s_server == 0) {
        setpgid(0, 0); /* one group, so cleanup also ends connections still open */
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* and a crashed test leaves no server behind */
        signal(SIGCHLD, SIG_IGN);
        for (int conn = 1;; conn++) {
            int fd = accept(lfd, NULL, NULL);
            if (fd < 0)
                _exit(1);
            if (fork() == 0) {
                close(lfd);
                serve(fd, conn);
                close(fd);
                _exit(0);
            }
            close(fd);
        }
    }
    setpgid(s_server, s_server);
    close(lfd);
    return 0;
}

static int suite_cleanup(void)
{
    kill(-s_server, SIGKILL);
    waitpid(s_server, NULL, 0);
    return 0;
}

/* ---------------------------------------------------------- client tests */

static void get(nq_httpc_t *c, const char *path, int want_status, const char *want_body)
{
    nq_httpc_response_t r;
    CU_ASSERT_EQUAL_FATAL(nq_httpc_request(c, "GET", path, NULL, NULL, 0, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, want_status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
    CU_ASSERT_STRING_EQUAL(r.body, want_body);
    CU_ASSERT_EQUAL(r.len, strlen(want_body));
    nq_httpc_response_free(&r);
    nq_httpc_response_free(&r);
}

static void test_keep_alive(void)
{
    nq_httpc_t *c = nq_httpc_new(s_url);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    get(c, "/count", 200, "conn=1 req=1");
    get(c, "/count", 200, "conn=1 req=2");
    get(c, "/nothing", 404, "");
    get(c, "/count", 200, "conn=1 req=4");
    /* The server drops the connection after answering: the next request
     * silently goes over a fresh one. */
    get(c, "/close-after", 200, "ok");
    get(c, "/count", 200, "conn=2 req=1");
    get(c, "/eof", 200, "until close");
    get(c, "/count", 200, "conn=3 req=1");
    /* The server reads the next request and closes without answering: it is
     * sent again over a fresh connection. */
    get(c, "/drop-next", 200, "ok");
    get(c, "/count", 200, "conn=4 req=1");
    nq_httpc_destroy(&c);
    nq_httpc_destroy(&c);
    CU_ASSERT_PTR_NULL(c);
}

static void test_chunked_response(void)
{
    nq_httpc_t *c = nq_httpc_new(s_url);
    nq_httpc_response_t r;
    CU_ASSERT_EQUAL_FATAL(nq_httpc_request(c, "GET", "/chunked", NULL, NULL, 0, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "hello world");
    CU_ASSERT_STRING_EQUAL(r.content_type, "text/plain");
    nq_httpc_response_free(&r);
    get(c, "/count", 200, "conn=5 req=2"); /* still the same connection */
    nq_httpc_destroy(&c);
}

static void test_post_and_headers(void)
{
    nq_httpc_t *c = nq_httpc_new(s_url);
    nq_httpc_response_t r;
    const char *body = "{\"x\":\"\xe5\xbc\xa0\xe4\xbc\x9f\"}";
    CU_ASSERT_EQUAL_FATAL(nq_httpc_request(c, "POST", "/echo", "application/json", body,
                                           strlen(body), "X-Extra: yes\r\n", &r),
                          0);
    CU_ASSERT_EQUAL(r.status, 503);
    CU_ASSERT_STRING_EQUAL(r.body, body);
    CU_ASSERT_STRING_EQUAL(r.retry_after, "3");
    CU_ASSERT_STRING_EQUAL(r.content_type, "application/json");
    nq_httpc_response_free(&r);
    /* Bad arguments fail before anything is sent, leaving out empty. */
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "count", NULL, NULL, 0, NULL, &r), NQ_HTTPC_EINVAL);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/a b", NULL, NULL, 0, NULL, &r), NQ_HTTPC_EINVAL);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "G T", "/", NULL, NULL, 0, NULL, &r), NQ_HTTPC_EINVAL);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/", NULL, NULL, 0, "X: 1", &r), NQ_HTTPC_EINVAL);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/", NULL, NULL, 0, "X: 1\r\n\r\nY: 2\r\n", &r),
                    NQ_HTTPC_EINVAL);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/", NULL, NULL, 0, "X: 1\nY: 2\r\n", &r),
                    NQ_HTTPC_EINVAL);
    CU_ASSERT_PTR_NULL(r.body);
    CU_ASSERT_EQUAL(r.status, 0);
    nq_httpc_destroy(&c);
}

static void test_failures(void)
{
    nq_httpc_t *c = nq_httpc_new(s_url);
    nq_httpc_response_t r;
    nq_httpc_set_timeout(c, 200);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/slow", NULL, NULL, 0, NULL, &r),
                    NQ_HTTPC_ETIMEOUT);
    CU_ASSERT_PTR_NULL(r.body);
    nq_httpc_destroy(&c);

    /* A port nobody listens on: bind one, close it, then connect. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    getsockname(fd, (struct sockaddr *)&a, &alen);
    close(fd);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(a.sin_port));
    c = nq_httpc_new(url);
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/", NULL, NULL, 0, NULL, &r), NQ_HTTPC_ECONNECT);
    nq_httpc_destroy(&c);
    CU_ASSERT_PTR_NULL(nq_httpc_sse_open(url, "/sse", NULL, 500));
    CU_ASSERT_STRING_EQUAL(nq_httpc_strerror(NQ_HTTPC_ETIMEOUT), "timed out");
    CU_ASSERT_STRING_EQUAL(nq_httpc_strerror(42), "unknown error");
}

static void test_sse_stream(void)
{
    nq_httpc_sse_event_t ev;
    CU_ASSERT_PTR_NULL(nq_httpc_sse_open(s_url, "/count", NULL, 1000)); /* not a stream */
    nq_httpc_sse_t *s = nq_httpc_sse_open(s_url, "/sse", "1764-0", 1000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 1000), 1);
    CU_ASSERT_STRING_EQUAL(ev.id, "1");
    CU_ASSERT_STRING_EQUAL(ev.event, "alert");
    CU_ASSERT_STRING_EQUAL(ev.data, "last=1764-0");
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 100), 0); /* the server pauses */
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 2000), 1);
    CU_ASSERT_STRING_EQUAL(ev.id, "2");
    CU_ASSERT_STRING_EQUAL(ev.event, "message");
    CU_ASSERT_STRING_EQUAL(ev.data, "b");
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 1000), -1);
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 0), -1);
    nq_httpc_sse_close(&s);
    nq_httpc_sse_close(&s);

    s = nq_httpc_sse_open(s_url, "/sse", NULL, 1000);
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 1000), 1);
    CU_ASSERT_STRING_EQUAL(ev.data, "last=none");
    nq_httpc_sse_close(&s);

    /* Not chunked: the body ends when the connection closes; the partial
     * last event is dropped. */
    s = nq_httpc_sse_open(s_url, "/sse-raw", NULL, 1000);
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 1000), 1);
    CU_ASSERT_STRING_EQUAL(ev.event, "alert");
    CU_ASSERT_STRING_EQUAL(ev.data, "raw");
    CU_ASSERT_EQUAL(nq_httpc_sse_next(s, &ev, 1000), -1);
    CU_ASSERT_STRING_EQUAL(ev.data, "");
    nq_httpc_sse_close(&s);
}

static CU_TestInfo parse_tests[] = {
    {"url", test_url},   {"status line", test_status_line}, {"header line", test_header_line},
    {"head", test_head}, {"chunked", test_chunked},         {"sse parser", test_sse_parser},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo client_tests[] = {
    {"keep-alive and reconnect", test_keep_alive},
    {"chunked response", test_chunked_response},
    {"post and headers", test_post_and_headers},
    {"timeout and refused", test_failures},
    {"sse stream", test_sse_stream},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"httpc parsing", NULL, NULL, NULL, NULL, parse_tests},
    {"httpc client", suite_init, suite_cleanup, NULL, NULL, client_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
