/* tests/fuzz/fuzz_request.c — libFuzzer target: the gateway's request path.
 *
 * One input is one HTTP request, sent over a real TCP connection to the
 * gateway's HTTP server (gateway/http.c) running in this process, routed by
 * the gateway's own route rows (router.c) to its own handlers (h_*.c): body
 * parsing (both JSON paths, NDJSON, protobuf), the mapping to protobuf
 * (pbjson*.c) and every answer (respond.c, jtext.c). What lies beyond the
 * gateway is replaced at its edge, since no service runs here:
 *   - upstream_call (a service call) checks that the request message is the
 *     one the message table gives its type and that it packs and unpacks
 *     again, then reports the service unavailable (the handler answers 503
 *     "unavailable", as with a service down);
 *   - coalescer_add (events for ingest) checks each event the same way and,
 *     on the next loop turn, answers every event "accepted", so the batch
 *     answer is built as for a real one.
 * Routes that read Redis (feeds, leaderboards, KPIs, alerts, health,
 * metrics) are left out: they answer 404 here. The activity read is in: its
 * query is checked before Redis is read, and reading finds no Redis (503).
 *
 * Input: "METHOD TARGET\nCONTENT-TYPE\nBODY..." (an empty second line: no
 * Content-Type), sent with a correct Content-Length and Connection: close;
 * or "RAW\n" followed by bytes sent as they are (pipelining, chunked bodies,
 * broken heads).
 *
 * Every answer the gateway builds goes through nq_http_respond, wrapped here
 * (-Wl,--wrap): it must not be a 5xx (503 "unavailable" from the edge above
 * excepted), its body must be valid UTF-8 and, when it is JSON, parse. Any
 * breach aborts, as does a sanitizer report or no end of the answer within
 * ANSWER_MS.
 *
 *   fuzz_request -max_total_time=60 -dict=tests/fuzz/request.dict NEW_DIR tests/fuzz/corpus
 *   fuzz_request crash-<sha1>                 # replay one input
 */
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "coalesce.h"
#include "gateway.h"
#include "nq/log.h"
#include "nq/utf8.h"
#include "upstream.h"

#define ANSWER_MS  10000 /* how long one input may take to be answered */
#define MAX_ROUTES 64
#define REQ_MAX    (1 << 20)

/* ---- the edge: service calls and the ingest coalescer --------------------- */

/* Does msg pack and unpack to the same bytes (what a service would get)? */
static bool message_travels(const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1), *again = malloc(len ? len : 1);
    bool ok = buf && again && protobuf_c_message_pack(msg, buf) == len;
    ProtobufCMessage *back = ok ? protobuf_c_message_unpack(msg->descriptor, NULL, len, buf) : NULL;
    ok = back && protobuf_c_message_get_packed_size(back) == len &&
         protobuf_c_message_pack(back, again) == len && memcmp(buf, again, len) == 0;
    if (back)
        protobuf_c_message_free_unpacked(back, NULL);
    free(buf);
    free(again);
    return ok;
}

static void fail(const char *what, const char *detail, size_t len)
{
    fprintf(stderr, "fuzz_request: %s: %.*s\n", what, (int)(len > 2000 ? 2000 : len),
            detail ? detail : "");
    abort();
}

/* Every upstream stands in for every service the gateway calls. */
bool upstream_answers(const upstream_t *up, const nq_msgtype_t *msg)
{
    return msg->kind != NQ_MSG_KIND_PUB && (msg->peers & NQ_SVC_GATEWAY);
}

int upstream_call(upstream_t *up, const nq_msgtype_t *msg, ProtobufCMessage *req,
                  uint64_t timeout_ms, upstream_cb cb, void *data)
{
    if (req->descriptor != msg->request)
        fail("a request message is not its type's (nq/msgtypes.def)", msg->type, strlen(msg->type));
    if (!message_travels(req))
        fail("a request message does not survive pack/unpack", msg->type, strlen(msg->type));
    return -1; /* the service is away: cb never runs */
}

/* One request's events, answered on the next loop turn. */
typedef struct queued {
    nq_http_conn_t *conn;  /* retained */
    Nq__Activity **events; /* owned */
    size_t n;              /* events */
    coalesce_done_fn done; /* the request's callback */
    void *data;            /* its argument */
    struct queued *next;   /* the queue */
} queued_t;

static queued_t *s_queue;

int coalescer_add(coalescer_t *c, nq_http_conn_t *conn, Nq__Activity **events, size_t n,
                  const char *delivery_id, coalesce_done_fn done, void *data)
{
    queued_t *q = calloc(1, sizeof(*q));
    Nq__Activity **mine = q ? calloc(n ? n : 1, sizeof(*mine)) : NULL;
    if (!mine) {
        free(q);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!message_travels(&events[i]->base))
            fail("an event does not survive pack/unpack", events[i]->event_id,
                 events[i]->event_id ? strlen(events[i]->event_id) : 0);
        mine[i] = events[i];
    }
    *q = (queued_t){conn, mine, n, done, data, s_queue};
    nq_http_conn_retain(conn);
    s_queue = q;
    return 0;
}

/* Answer every queued request: each event accepted under its own id. */
static void deliver_queue(uv_check_t *check)
{
    while (s_queue) {
        queued_t *q = s_queue;
        s_queue = q->next;
        Nq__ReplyHeader hdr = NQ__REPLY_HEADER__INIT;
        hdr.has_status = 1;
        hdr.status = NQ__STATUS__STATUS_OK;
        Nq__EventResult *results = calloc(q->n + 1, sizeof(*results));
        Nq__EventResult **ptrs = calloc(q->n + 1, sizeof(*ptrs));
        if (!results || !ptrs)
            fail("out of memory", NULL, 0);
        for (size_t i = 0; i < q->n; i++) {
            nq__event_result__init(&results[i]);
            results[i].event_id = q->events[i]->event_id;
            results[i].has_status = 1;
            results[i].status = NQ__EVENT_STATUS__EVENT_ACCEPTED;
            ptrs[i] = &results[i];
        }
        q->done(q->conn, &hdr, ptrs, q->n, false, q->data);
        for (size_t i = 0; i < q->n; i++)
            protobuf_c_message_free_unpacked(&q->events[i]->base, NULL);
        nq_http_conn_release(q->conn);
        free(results);
        free(ptrs);
        free(q->events);
        free(q);
    }
}

/* ---- what every answer must be --------------------------------------------- */

int __real_nq_http_respond(nq_http_conn_t *conn, int status, const char *content_type,
                           const char *body, size_t body_len, const char *extra_headers);

int __wrap_nq_http_respond(nq_http_conn_t *conn, int status, const char *content_type,
                           const char *body, size_t body_len, const char *extra_headers)
{
    bool json = content_type && strncmp(content_type, "application/json", 16) == 0;
    json_t *parsed = json && body_len ? json_loadb(body, body_len, 0, NULL) : NULL;
    const char *error = json_string_value(json_object_get(parsed, "error"));
    if (status >= 500 && !(status == 503 && error && strcmp(error, "unavailable") == 0))
        fail("a 5xx answer", body, body_len);
    for (size_t i = 0; i < body_len;) {
        size_t n = nq_utf8_seq(body + i, body_len - i, NULL);
        if (n == 0)
            fail("an answer that is not UTF-8", body, body_len);
        i += n;
    }
    if (json && body_len && !parsed)
        fail("a JSON answer that does not parse", body, body_len);
    json_decref(parsed);
    return __real_nq_http_respond(conn, status, content_type, body, body_len, extra_headers);
}

/* ---- the gateway, without services ---------------------------------------- */

static struct {
    bool ready;             /* init ran */
    nq_service_t svc;       /* config and loop (no Redis, no ZeroMQ) */
    gateway_t gw;           /* what the handlers see */
    nq_http_server_t *http; /* the server under test */
    uv_check_t check;       /* delivers queued ingest answers */
    nq_route_t routes[MAX_ROUTES];
    size_t n_routes;
} g;

/* Rows of these modules, except those that read Redis. */
static void build_routes(void)
{
    static const gw_routes_t *const modules[] = {
        &gw_activity_routes, &gw_activity_read_routes, &gw_org_routes,
        &gw_target_routes,   &gw_plan_routes,          &gw_admin_routes,
    };
    static const char *const redis_readers[] = {"/api/v1/feeds/:source", "/api/v1/leaderboards"};
    for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++) {
        for (size_t i = 0; i < modules[m]->n; i++) {
            const nq_route_t *r = &modules[m]->rows[i];
            bool skip = false;
            for (size_t k = 0; k < sizeof(redis_readers) / sizeof(redis_readers[0]); k++)
                skip |= strcmp(r->pattern, redis_readers[k]) == 0;
            if (!skip && g.n_routes < MAX_ROUTES)
                g.routes[g.n_routes++] = *r;
        }
    }
}

/* As gateway.c routes a request. */
static void on_request(nq_http_conn_t *conn, const nq_http_request_t *http, void *ctx)
{
    nq_route_params_t params;
    int status = 404;
    const nq_route_t *route =
        nq_route_find(g.routes, g.n_routes, http->method, http->path, &params, &status);
    if (!route) {
        gw_respond_error(conn, status, status == 405 ? "method_not_allowed" : "not_found",
                         status == 405 ? "this path does not take that method" : "no such path",
                         NULL);
        return;
    }
    gw_request_t req = {&g.gw, conn, http, route, &params, NULL};
    route->handler(&req);
}

/* No door here (auth.c reads Redis): no cache of salespeople's teams. */
team_cache_t *gw_auth_team_cache(gw_auth_t *a)
{
    (void)a;
    return NULL;
}

/* Stand-ins for the upstreams and the coalescer: never dereferenced. */
static char s_edge;

static void init(void)
{
    char err[256];
    signal(SIGPIPE, SIG_IGN);
    nq_log_init("fuzz_request", NQ_LOG_ERROR);
    if (nq_config_load(&g.svc.cfg, "fuzz_request", 0, NULL, NULL, err, sizeof(err)) != 0 ||
        uv_loop_init(&g.svc.loop) != 0)
        fail("init", err, strlen(err));
    g.svc.cfg.max_body_bytes = REQ_MAX;
    g.gw.svc = &g.svc;
    g.gw.ingest = g.gw.customers = g.gw.reporting = (upstream_t *)&s_edge;
    g.gw.coalescer = (coalescer_t *)&s_edge;
    g.gw.boards = board_cache_new(BOARD_CACHE_BOARDS, BOARD_CACHE_BYTES);
    build_routes();
    g.http = nq_http_server_new(&g.svc.loop, "127.0.0.1", 0, REQ_MAX, on_request, &g.gw);
    if (!g.http || !g.gw.boards || uv_check_init(&g.svc.loop, &g.check) != 0 ||
        uv_check_start(&g.check, deliver_queue) != 0)
        fail("init", "server", 6);
    g.ready = true;
}

/* ---- one input ------------------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The bytes to send for an input (malloc'ed, *len set). */
static char *request_of(const uint8_t *data, size_t size, size_t *len)
{
    const char *in = (const char *)data, *end = in + size;
    if (size >= 4 && memcmp(in, "RAW\n", 4) == 0) {
        char *raw = malloc(size - 4 + 1);
        if (raw)
            memcpy(raw, in + 4, size - 4);
        *len = size - 4;
        return raw;
    }
    const char *nl1 = memchr(in, '\n', size);
    const char *line1_end = nl1 ? nl1 : end;
    const char *ct = nl1 ? nl1 + 1 : end;
    const char *nl2 = ct < end ? memchr(ct, '\n', (size_t)(end - ct)) : NULL;
    const char *ct_end = nl2 ? nl2 : end;
    const char *body = nl2 ? nl2 + 1 : end;
    size_t body_len = (size_t)(end - body), cap = size + 256;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int n = snprintf(out, cap, "%.*s HTTP/1.1\r\nHost: fuzz\r\n", (int)(line1_end - in), in);
    if (ct_end > ct)
        n += snprintf(out + n, cap - (size_t)n, "Content-Type: %.*s\r\n", (int)(ct_end - ct), ct);
    n += snprintf(out + n, cap - (size_t)n, "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                  body_len);
    memcpy(out + n, body, body_len);
    *len = (size_t)n + body_len;
    return out;
}

/* Send `req`, then read until the server closes; the loop runs meanwhile. */
static void exchange(int fd, const char *req, size_t len)
{
    size_t sent = 0;
    bool shut = false;
    char buf[65536];
    for (int64_t deadline = mono_ms() + ANSWER_MS;;) {
        uv_run(&g.svc.loop, UV_RUN_NOWAIT);
        if (sent < len) {
            ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                sent += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                sent = len; /* the server closed early (413, 400): fine */
        }
        if (sent == len && !shut) {
            shutdown(fd, SHUT_WR);
            shut = true;
        }
        ssize_t got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return;
        if (got < 0) {
            if (mono_ms() > deadline)
                fail("no end of the answer", req, len);
            poll(&(struct pollfd){fd, POLLIN, 0}, 1, 0);
        }
    }
}

/* A connection to the server. The connect completes in the kernel (the
 * listener's backlog), but libFuzzer's timer signal may interrupt the wait. */
static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)nq_http_server_port(g.http)),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0)
        fail("socket", strerror(errno), strlen(strerror(errno)));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS &&
        errno != EINTR)
        fail("connect", strerror(errno), strlen(strerror(errno)));
    int err = 0, rc;
    socklen_t len = sizeof(err);
    while ((rc = poll(&(struct pollfd){fd, POLLOUT, 0}, 1, 1000)) < 0 && errno == EINTR)
        ;
    if (rc != 1)
        fail("connect: not established within 1 s", NULL, 0);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
        fail("connect", strerror(err), strlen(strerror(err)));
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g.ready)
        init();
    if (size > REQ_MAX)
        return 0;
    size_t len;
    char *req = request_of(data, size, &len);
    if (!req)
        return 0;
    int fd = connect_server();
    exchange(fd, req, len);
    close(fd);
    for (int i = 0; i < 4; i++) /* let the server see the close and free the connection */
        uv_run(&g.svc.loop, UV_RUN_NOWAIT);
    free(req);
    return 0;
}
