/* test_bus.c — nq/bus.h: pure dispatch, and the ZeroMQ socket driver on a real libuv loop.
 *
 * The socket suite runs a ROUTER (bind) and a DEALER (connect) over inproc on one loop and one
 * ZeroMQ context, the way services talk to each other. Every loop run is bounded by a guard timer
 * that fails the test instead of hanging, and every test ends with uv_loop_close() == 0 and
 * zmq_ctx_term() == 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neiqin.pb-c.h"
#include "nq/bus.h"
#include "nq_test.h"

#define PING "sys.ping.v1"

/* ---- pure dispatch ------------------------------------------------------ */

/* What the recording handler saw. */
typedef struct seen {
    int calls;                              /* handler invocations */
    nq_zsock_t *sock;                       /* sock argument */
    void *app;                              /* app argument (points back at this struct) */
    nq_bus_envelope_t env;                  /* copy of the envelope */
    char corr[160];                         /* Ping.correlation_id, "(null)" when absent */
    const ProtobufCMessageDescriptor *desc; /* descriptor of the unpacked message */
} seen_t;

static void record(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                   void *app)
{
    seen_t *s = app;
    const Nq__Ping *ping = (const Nq__Ping *)msg;
    s->calls++;
    s->sock = sock;
    s->app = app;
    s->env = *env;
    s->desc = msg->descriptor;
    snprintf(s->corr, sizeof(s->corr), "%s",
             ping->correlation_id ? ping->correlation_id : "(null)");
}

/* 63 characters: the longest type that fits NQ_BUS_TYPE_MAX with its NUL. */
#define TYPE_63 "t23456789.123456789.123456789.123456789.123456789.123456789.123"
/* 64 characters: one too many. */
#define TYPE_64 TYPE_63 "4"

/* Messages of the tests only, beside the table's sys.ping.v1. */
static const nq_msgtype_t other = {
    "OTHER", "other.v1", NQ_MSG_KIND_PUB, 0, 0, &nq__pong__descriptor, NULL, "a second descriptor"};
static const nq_msgtype_t type_63 = {
    "TYPE_63", TYPE_63, NQ_MSG_KIND_PUB, 0, 0, &nq__ping__descriptor, NULL, "the longest type"};
static const nq_msgtype_t type_64 = {
    "TYPE_64", TYPE_64, NQ_MSG_KIND_PUB, 0, 0, &nq__ping__descriptor, NULL, "one byte too long"};

static const nq_bus_route_t pure_routes[] = {
    {&other, record},
    {NQ_MSG(SYS_PING), record},
    {&type_63, record},
    {&type_64, record},
};
#define N_PURE (sizeof(pure_routes) / sizeof(pure_routes[0]))

/* A packed Ping with correlation id `corr`; returns its length. */
static size_t pack_ping(const char *corr, uint8_t *buf, size_t cap)
{
    Nq__Ping ping = NQ__PING__INIT;
    ping.correlation_id = (char *)corr;
    size_t len = nq__ping__get_packed_size(&ping);
    CU_ASSERT_FATAL(len <= cap);
    return nq__ping__pack(&ping, buf);
}

/* Dispatch [type][payload] as received by a socket without identities
 * (here a SUB, which unpacks requests) with the given cap. */
static int dispatch2(const char *type, size_t type_len, const uint8_t *payload, size_t len,
                     size_t cap, seen_t *s)
{
    const uint8_t *frames[2] = {(const uint8_t *)type, payload};
    size_t lens[2] = {type_len, len};
    return nq_bus_dispatch(pure_routes, N_PURE, cap, (nq_zsock_t *)0x1, frames, lens, 2, ZMQ_SUB,
                           s);
}

static void test_dispatch_dealer(void)
{
    uint8_t buf[64];
    size_t len = pack_ping("c-42", buf, sizeof(buf));
    seen_t s = {0};
    CU_ASSERT_EQUAL(dispatch2(PING, strlen(PING), buf, len, 1024, &s), NQ_BUS_OK);
    CU_ASSERT_EQUAL_FATAL(s.calls, 1);
    CU_ASSERT_PTR_EQUAL(s.sock, (nq_zsock_t *)0x1);
    CU_ASSERT_PTR_EQUAL(s.app, &s);
    CU_ASSERT_PTR_EQUAL(s.desc, &nq__ping__descriptor);
    CU_ASSERT_STRING_EQUAL(s.corr, "c-42");
    CU_ASSERT_EQUAL(s.env.id_len, 0);
    CU_ASSERT_STRING_EQUAL(s.env.type, PING);
    CU_ASSERT_PTR_EQUAL(s.env.msg, NQ_MSG(SYS_PING));
    CU_ASSERT_PTR_EQUAL(s.env.payload, buf);
    CU_ASSERT_EQUAL(s.env.payload_len, len);
    CU_ASSERT_EQUAL(len, 6); /* tag 0x0a, length 4, "c-42" */
}

static void test_dispatch_router_identity(void)
{
    uint8_t buf[64];
    size_t len = pack_ping("r-1", buf, sizeof(buf));
    static const uint8_t id[5] = {0x00, 0x80, 0x00, 0x41, 0xff}; /* binary, with NULs */
    const uint8_t *frames[3] = {id, (const uint8_t *)PING, buf};
    size_t lens[3] = {sizeof(id), strlen(PING), len};
    seen_t s = {0};
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 3, ZMQ_ROUTER, &s),
        NQ_BUS_OK);
    CU_ASSERT_EQUAL_FATAL(s.calls, 1);
    CU_ASSERT_EQUAL(s.env.id_len, 5);
    CU_ASSERT_EQUAL(memcmp(s.env.id, id, sizeof(id)), 0);
    CU_ASSERT_STRING_EQUAL(s.env.type, PING);
    CU_ASSERT_STRING_EQUAL(s.corr, "r-1");
    CU_ASSERT_EQUAL(s.env.payload_len, len);
}

static void test_dispatch_identity_sizes(void)
{
    static uint8_t id[NQ_BUS_ID_MAX + 1];
    memset(id, 'i', sizeof(id));
    id[NQ_BUS_ID_MAX - 1] = 'z';
    uint8_t buf[16];
    size_t len = pack_ping("x", buf, sizeof(buf));
    const uint8_t *frames[3] = {id, (const uint8_t *)PING, buf};
    size_t lens[3] = {NQ_BUS_ID_MAX, strlen(PING), len};
    seen_t s = {0};
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 3, ZMQ_ROUTER, &s),
        NQ_BUS_OK);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_EQUAL(s.env.id_len, NQ_BUS_ID_MAX);
    CU_ASSERT_EQUAL(s.env.id[NQ_BUS_ID_MAX - 1], 'z');

    lens[0] = NQ_BUS_ID_MAX + 1;
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 3, ZMQ_ROUTER, &s),
        NQ_BUS_EFRAMES);
    CU_ASSERT_EQUAL(s.calls, 1);
}

static void test_dispatch_second_descriptor(void)
{
    /* The route's descriptor is used, not the first one in the table. */
    Nq__Pong pong = NQ__PONG__INIT;
    pong.service = "svc";
    uint8_t buf[32];
    size_t len = nq__pong__pack(&pong, buf);
    seen_t s = {0};
    CU_ASSERT_EQUAL(dispatch2("other.v1", 8, buf, len, 1024, &s), NQ_BUS_OK);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_PTR_EQUAL(s.desc, &nq__pong__descriptor);
    CU_ASSERT_STRING_EQUAL(s.env.type, "other.v1");
}

/* A DEALER unpacks the row's reply, any other socket its request; a row
 * without the descriptor a socket needs is no route there. */
static void test_dispatch_reply_side(void)
{
    Nq__Pong pong = NQ__PONG__INIT;
    pong.service = "svc";
    uint8_t buf[32];
    size_t len = nq__pong__pack(&pong, buf);
    const uint8_t *frames[2] = {(const uint8_t *)PING, buf};
    size_t lens[2] = {strlen(PING), len};
    seen_t s = {0};
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 2, ZMQ_DEALER, &s),
        NQ_BUS_OK);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_PTR_EQUAL(s.desc, &nq__pong__descriptor);
    CU_ASSERT_PTR_EQUAL(s.env.msg, NQ_MSG(SYS_PING));
    /* other.v1 is published: it has no reply to unpack. */
    frames[0] = (const uint8_t *)"other.v1";
    lens[0] = 8;
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 2, ZMQ_DEALER, &s),
        NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(s.calls, 1);
}

static void test_dispatch_unknown_type(void)
{
    uint8_t buf[16];
    size_t len = pack_ping("x", buf, sizeof(buf));
    seen_t s = {0};
    CU_ASSERT_EQUAL(dispatch2("sys.ping.v2", 11, buf, len, 1024, &s), NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(dispatch2("sys.ping", 8, buf, len, 1024, &s), NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(dispatch2("sys.ping.v1x", 12, buf, len, 1024, &s), NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(dispatch2("SYS.PING.V1", 11, buf, len, 1024, &s), NQ_BUS_ETYPE);
    /* A NUL inside the frame: not the same type even though strcmp would agree. */
    CU_ASSERT_EQUAL(dispatch2("sys.ping.v1\0", 12, buf, len, 1024, &s), NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(s.calls, 0);
    /* No routes at all. */
    const uint8_t *frames[2] = {(const uint8_t *)PING, buf};
    size_t lens[2] = {strlen(PING), len};
    CU_ASSERT_EQUAL(nq_bus_dispatch(NULL, 0, 1024, NULL, frames, lens, 2, ZMQ_SUB, &s),
                    NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(s.calls, 0);
}

static void test_dispatch_type_length(void)
{
    uint8_t buf[16];
    size_t len = pack_ping("x", buf, sizeof(buf));
    seen_t s = {0};
    CU_ASSERT_EQUAL(dispatch2("", 0, buf, len, 1024, &s), NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(s.calls, 0);
    /* 63 bytes fit the envelope; 64 do not, even though a route spells them. */
    CU_ASSERT_EQUAL(strlen(TYPE_63), NQ_BUS_TYPE_MAX - 1);
    CU_ASSERT_EQUAL(dispatch2(TYPE_63, strlen(TYPE_63), buf, len, 1024, &s), NQ_BUS_OK);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_STRING_EQUAL(s.env.type, TYPE_63);
    CU_ASSERT_EQUAL(dispatch2(TYPE_64, strlen(TYPE_64), buf, len, 1024, &s), NQ_BUS_ETYPE);
    static char huge[5000];
    memset(huge, 's', sizeof(huge));
    CU_ASSERT_EQUAL(dispatch2(huge, sizeof(huge), buf, len, 1024, &s), NQ_BUS_ETYPE);
    CU_ASSERT_EQUAL(s.calls, 1);
}

static void test_dispatch_frame_count(void)
{
    uint8_t buf[16];
    size_t len = pack_ping("x", buf, sizeof(buf));
    const uint8_t *frames[4] = {(const uint8_t *)PING, buf, buf, buf};
    size_t lens[4] = {strlen(PING), len, len, len};
    seen_t s = {0};
    CU_ASSERT_EQUAL(nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 1, ZMQ_SUB, &s),
                    NQ_BUS_EFRAMES);
    CU_ASSERT_EQUAL(nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 3, ZMQ_SUB, &s),
                    NQ_BUS_EFRAMES);
    CU_ASSERT_EQUAL(nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 0, ZMQ_SUB, &s),
                    NQ_BUS_EFRAMES);
    /* A ROUTER needs the identity in front: [type][payload] alone is one short. */
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 2, ZMQ_ROUTER, &s),
        NQ_BUS_EFRAMES);
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 4, ZMQ_ROUTER, &s),
        NQ_BUS_EFRAMES);
    /* More frames than the driver keeps (it passes the real count). */
    CU_ASSERT_EQUAL(
        nq_bus_dispatch(pure_routes, N_PURE, 1024, NULL, frames, lens, 9, ZMQ_ROUTER, &s),
        NQ_BUS_EFRAMES);
    CU_ASSERT_EQUAL(s.calls, 0);
}

static void test_dispatch_too_big(void)
{
    uint8_t buf[64];
    size_t len = pack_ping("0123456789", buf, sizeof(buf)); /* 12 bytes */
    CU_ASSERT_EQUAL_FATAL(len, 12);
    seen_t s = {0};
    CU_ASSERT_EQUAL(dispatch2(PING, strlen(PING), buf, len, 11, &s), NQ_BUS_ETOOBIG);
    CU_ASSERT_EQUAL(dispatch2(PING, strlen(PING), buf, len, 0, &s), NQ_BUS_ETOOBIG);
    CU_ASSERT_EQUAL(s.calls, 0);
    /* Exactly at the cap is fine. */
    CU_ASSERT_EQUAL(dispatch2(PING, strlen(PING), buf, len, 12, &s), NQ_BUS_OK);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_STRING_EQUAL(s.corr, "0123456789");
}

static void test_dispatch_decode(void)
{
    seen_t s = {0};
    static const uint8_t wire7[] = {0x0f, 0x01};          /* field 1, wire type 7 */
    static const uint8_t short_len[] = {0x0a, 0x05, 'a'}; /* string says 5 bytes, has 1 */
    static const uint8_t bad_varint[] = {0x08, 0xff, 0xff, 0xff};
    static const uint8_t wrong_wire[] = {0x08, 0x01}; /* string field sent as a varint */
    CU_ASSERT_EQUAL(dispatch2(PING, 11, wire7, sizeof(wire7), 1024, &s), NQ_BUS_EDECODE);
    CU_ASSERT_EQUAL(dispatch2(PING, 11, short_len, sizeof(short_len), 1024, &s), NQ_BUS_EDECODE);
    CU_ASSERT_EQUAL(dispatch2(PING, 11, bad_varint, sizeof(bad_varint), 1024, &s), NQ_BUS_EDECODE);
    CU_ASSERT_EQUAL(dispatch2(PING, 11, wrong_wire, sizeof(wrong_wire), 1024, &s), NQ_BUS_EDECODE);
    CU_ASSERT_EQUAL(s.calls, 0);
    /* An empty payload is a valid empty message. */
    CU_ASSERT_EQUAL(dispatch2(PING, 11, (const uint8_t *)"", 0, 1024, &s), NQ_BUS_OK);
    CU_ASSERT_EQUAL(s.calls, 1);
    CU_ASSERT_STRING_EQUAL(s.corr, "(null)");
    CU_ASSERT_EQUAL(s.env.payload_len, 0);
}

static void test_strerror(void)
{
    const int codes[] = {NQ_BUS_OK, NQ_BUS_EFRAMES, NQ_BUS_ETYPE, NQ_BUS_ETOOBIG, NQ_BUS_EDECODE};
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(nq_bus_strerror(codes[i]));
        CU_ASSERT_STRING_NOT_EQUAL(nq_bus_strerror(codes[i]), "unknown error");
        for (size_t j = 0; j < i; j++)
            CU_ASSERT_STRING_NOT_EQUAL(nq_bus_strerror(codes[i]), nq_bus_strerror(codes[j]));
    }
    CU_ASSERT_STRING_EQUAL(nq_bus_strerror(-5), "unknown error");
    CU_ASSERT_STRING_EQUAL(nq_bus_strerror(1), "unknown error");
    CU_ASSERT_STRING_EQUAL(nq_bus_strerror(-1000), "unknown error");
}

/* ---- the socket driver -------------------------------------------------- */

#define BURST    1000
#define GUARD_MS 10000

typedef struct fixture {
    uv_loop_t loop;                 /* the test's loop */
    void *zctx;                     /* one ZeroMQ context for every socket */
    nq_zsock_t *router;             /* bound, answers pings */
    nq_zsock_t *dealer;             /* connected, receives pongs */
    void *raw;                      /* plain ZeroMQ socket for hand-made frames, or NULL */
    uv_timer_t guard;               /* fails the test when the loop runs too long */
    uv_timer_t check;               /* periodic stop condition (reject test) */
    bool check_started;             /* check was initialised */
    bool timed_out;                 /* the guard fired */
    int pings;                      /* pings the router handled */
    int pongs;                      /* pongs the dealer handled */
    int want_pongs;                 /* stop the loop at this many */
    int want_pings;                 /* one-way test: stop at this many pings */
    nq_bus_envelope_t saved_env;    /* the router's last envelope, to send to that peer later */
    uint64_t want_rejected;         /* reject test: stop at this many rejections */
    bool in_order;                  /* pongs came back as c-0, c-1, ... */
    bool router_sock_ok;            /* router handler got the router socket */
    bool dealer_sock_ok;            /* dealer handler got the dealer socket */
    uint8_t last_id[NQ_BUS_ID_MAX]; /* identity the router last saw */
    size_t last_id_len;             /* its length */
    char last_corr[64];             /* correlation id of the last pong */
    char last_service[32];          /* service of the last pong */
} fixture_t;

static fixture_t fx;

static void on_router_ping(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                           const ProtobufCMessage *msg, void *app)
{
    fixture_t *f = app;
    const Nq__Ping *ping = (const Nq__Ping *)msg;
    f->pings++;
    f->router_sock_ok = sock == f->router;
    memcpy(f->last_id, env->id, env->id_len);
    f->last_id_len = env->id_len;
    f->saved_env = *env;
    Nq__ReplyHeader header = NQ__REPLY_HEADER__INIT;
    header.correlation_id = ping->correlation_id;
    header.has_status = 1;
    header.status = NQ__STATUS__STATUS_OK;
    Nq__Pong pong = NQ__PONG__INIT;
    pong.header = &header;
    pong.service = "test-router";
    CU_ASSERT_EQUAL(nq_zsock_reply(sock, env, PING, &pong.base), 0);
}

static void on_dealer_pong(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                           const ProtobufCMessage *msg, void *app)
{
    fixture_t *f = app;
    const Nq__Pong *pong = (const Nq__Pong *)msg;
    char want[32];
    snprintf(want, sizeof(want), "c-%d", f->pongs);
    const char *corr =
        pong->header && pong->header->correlation_id ? pong->header->correlation_id : "(none)";
    if (strcmp(corr, want) != 0)
        f->in_order = false;
    snprintf(f->last_corr, sizeof(f->last_corr), "%s", corr);
    snprintf(f->last_service, sizeof(f->last_service), "%s",
             pong->service ? pong->service : "(none)");
    f->dealer_sock_ok = sock == f->dealer && env->id_len == 0;
    if (++f->pongs == f->want_pongs)
        uv_stop(&f->loop);
}

static const nq_bus_route_t router_routes[] = {{NQ_MSG(SYS_PING), on_router_ping}};
static const nq_bus_route_t dealer_routes[] = {{NQ_MSG(SYS_PING), on_dealer_pong}};

/* One-way traffic: count, never answer, so nothing but the drain wakes the router. */
static void on_router_count(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                            const ProtobufCMessage *msg, void *app)
{
    fixture_t *f = app;
    const Nq__Ping *ping = (const Nq__Ping *)msg;
    char want[32];
    snprintf(want, sizeof(want), "c-%d", f->pings);
    if (!ping->correlation_id || strcmp(ping->correlation_id, want) != 0)
        f->in_order = false;
    if (++f->pings == f->want_pings)
        uv_stop(&f->loop);
}

static const nq_bus_route_t count_routes[] = {{NQ_MSG(SYS_PING), on_router_count}};

static void on_guard(uv_timer_t *t)
{
    fixture_t *f = t->data;
    f->timed_out = true;
    uv_stop(&f->loop);
}

/* Loop, ZeroMQ context, ROUTER on `endpoint` (payload cap `cap`, dispatching through `routes`),
 * DEALER connected to it. */
static void setup_with(const char *endpoint, size_t cap, const nq_bus_route_t *routes)
{
    memset(&fx, 0, sizeof(fx));
    fx.in_order = true;
    CU_ASSERT_EQUAL_FATAL(uv_loop_init(&fx.loop), 0);
    fx.zctx = zmq_ctx_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx.zctx);
    fx.router = nq_zsock_new(&fx.loop, fx.zctx, ZMQ_ROUTER, endpoint, NQ_ZSOCK_BIND, NULL, routes,
                             1, &fx, cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx.router);
    fx.dealer = nq_zsock_new(&fx.loop, fx.zctx, ZMQ_DEALER, endpoint, NQ_ZSOCK_CONNECT, NULL,
                             dealer_routes, 1, &fx, 65536);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx.dealer);
    uv_timer_init(&fx.loop, &fx.guard);
    fx.guard.data = &fx;
    uv_timer_start(&fx.guard, on_guard, GUARD_MS, 0);
}

static void setup(const char *endpoint, size_t cap)
{
    setup_with(endpoint, cap, router_routes);
}

/* Destroy everything and prove nothing was left behind. */
static void teardown(void)
{
    nq_zsock_destroy(&fx.router);
    nq_zsock_destroy(&fx.dealer);
    CU_ASSERT_PTR_NULL(fx.router);
    CU_ASSERT_PTR_NULL(fx.dealer);
    nq_zsock_destroy(&fx.dealer); /* safe twice */
    nq_zsock_destroy(NULL);
    if (fx.raw)
        zmq_close(fx.raw);
    uv_close((uv_handle_t *)&fx.guard, NULL);
    if (fx.check_started)
        uv_close((uv_handle_t *)&fx.check, NULL);
    CU_ASSERT_EQUAL(uv_run(&fx.loop, UV_RUN_DEFAULT), 0);
    CU_ASSERT_EQUAL(uv_loop_close(&fx.loop), 0);
    CU_ASSERT_EQUAL(zmq_ctx_term(fx.zctx), 0);
}

static int send_ping(int i)
{
    char corr[32];
    snprintf(corr, sizeof(corr), "c-%d", i);
    Nq__Ping ping = NQ__PING__INIT;
    ping.correlation_id = corr;
    return nq_zsock_send(fx.dealer, NQ_MSG(SYS_PING), &ping.base);
}

static void test_ping_pong(void)
{
    setup("inproc://bus-pingpong", 65536);
    fx.want_pongs = 1;
    CU_ASSERT_EQUAL(send_ping(0), 0);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pings, 1);
    CU_ASSERT_EQUAL(fx.pongs, 1);
    CU_ASSERT_TRUE(fx.router_sock_ok);
    CU_ASSERT_TRUE(fx.dealer_sock_ok);
    CU_ASSERT_STRING_EQUAL(fx.last_corr, "c-0");
    CU_ASSERT_STRING_EQUAL(fx.last_service, "test-router");
    /* ZeroMQ's generated identities are 5 bytes, starting with a zero byte. */
    CU_ASSERT_EQUAL(fx.last_id_len, 5);
    CU_ASSERT_EQUAL(fx.last_id[0], 0);
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.router), 0);
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.dealer), 0);
    CU_ASSERT_PTR_NOT_NULL(nq_zsock_handle(fx.router));
    CU_ASSERT_PTR_NOT_EQUAL(nq_zsock_handle(fx.router), nq_zsock_handle(fx.dealer));
    teardown();
}

static void test_burst(void)
{
    setup("inproc://bus-burst", 65536);
    fx.want_pongs = BURST;
    int sent = 0;
    for (int i = 0; i < BURST; i++)
        sent += send_ping(i) == 0;
    CU_ASSERT_EQUAL(sent, BURST);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pings, BURST);
    CU_ASSERT_EQUAL(fx.pongs, BURST);
    CU_ASSERT_TRUE(fx.in_order);
    CU_ASSERT_STRING_EQUAL(fx.last_corr, "c-999");
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.router), 0);

    /* A second burst on the same loop: the drain state survived the first. */
    fx.want_pongs = 2 * BURST;
    sent = 0;
    for (int i = BURST; i < 2 * BURST; i++)
        sent += send_ping(i) == 0;
    CU_ASSERT_EQUAL(sent, BURST);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pongs, 2 * BURST);
    CU_ASSERT_TRUE(fx.in_order);
    teardown();
}

/* Nothing flows back, so no reply wakes the router: after the first edge on ZMQ_FD, the other
 * 999 messages are only read if every wakeup drains the socket until ZMQ_EVENTS says empty. */
static void test_one_way_burst(void)
{
    setup_with("inproc://bus-oneway", 65536, count_routes);
    fx.want_pings = BURST;
    int sent = 0;
    for (int i = 0; i < BURST; i++)
        sent += send_ping(i) == 0;
    CU_ASSERT_EQUAL(sent, BURST);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pings, BURST);
    CU_ASSERT_TRUE(fx.in_order);
    CU_ASSERT_EQUAL(fx.pongs, 0);
    teardown();
}

/* ZMQ_FD signals once per batch of mailbox commands, and any call that processes commands
 * (a send on the same socket, a ZMQ_EVENTS query) consumes the signal. Here the router sends
 * to the dealer after the dealer's ping reached it and before the loop polls: only the uv_prepare
 * re-check of ZMQ_EVENTS can still find the ping. */
static void test_send_consumes_edge(void)
{
    setup("inproc://bus-edge", 65536);
    fx.want_pongs = 1;
    CU_ASSERT_EQUAL(send_ping(0), 0);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE_FATAL(fx.timed_out);
    CU_ASSERT_EQUAL_FATAL(fx.pings, 1);

    CU_ASSERT_EQUAL(send_ping(1), 0);
    uv_sleep(5); /* past libzmq's command throttle, so the send below processes commands */
    Nq__Pong pong = NQ__PONG__INIT;
    pong.service = "unsolicited";
    CU_ASSERT_EQUAL(nq_zsock_reply(fx.router, &fx.saved_env, PING, &pong.base), 0);
    fx.want_pongs = 3; /* first reply, the unsolicited one, the reply to ping 1 */
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pings, 2);
    CU_ASSERT_EQUAL(fx.pongs, 3);
    teardown();
}

static void on_check(uv_timer_t *t)
{
    fixture_t *f = t->data;
    if (nq_zsock_rejected(f->router) >= f->want_rejected && f->pings >= 1)
        uv_stop(&f->loop);
}

/* Send `n` frames from the raw socket. */
static void raw_send(const char *const *frames, const size_t *lens, int n)
{
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(zmq_send(fx.raw, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0),
                        (int)lens[i]);
}

static void test_rejects(void)
{
    /* Cap 64 bytes, so an oversized ping is refused by the driver, not by ZeroMQ. */
    setup("inproc://bus-rejects", 64);
    fx.raw = zmq_socket(fx.zctx, ZMQ_DEALER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx.raw);
    int linger = 0;
    zmq_setsockopt(fx.raw, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(fx.raw, ZMQ_ROUTING_ID, "raw-peer", 8);
    CU_ASSERT_EQUAL_FATAL(zmq_connect(fx.raw, "inproc://bus-rejects"), 0);

    static const char *const garbage3[] = {"\xde\xad", "\xbe\xef\x00", "\x01"};
    static const size_t garbage3_len[] = {2, 3, 1};
    raw_send(garbage3, garbage3_len, 3); /* 4 frames at the router: EFRAMES */
    static const char *const five[] = {"a", "b", "c", "d", "e"};
    static const size_t five_len[] = {1, 1, 1, 1, 1};
    raw_send(five, five_len, 5); /* 6 frames: more than the driver keeps */
    raw_send(five, five_len, 1); /* 2 frames: EFRAMES */
    static const char *const unknown[] = {"no.such.v1", "\x0a\x00"};
    static const size_t unknown_len[] = {10, 2};
    raw_send(unknown, unknown_len, 2); /* ETYPE */
    static const char *const undecodable[] = {PING, "\x0f\x0f\x0f"};
    static const size_t undecodable_len[] = {11, 3};
    raw_send(undecodable, undecodable_len, 2); /* EDECODE */
    uint8_t big[128];
    size_t big_len = pack_ping("0123456789012345678901234567890123456789012345678901234567890123",
                               big, sizeof(big));
    CU_ASSERT_EQUAL(big_len, 66);
    const char *too_big[] = {PING, (const char *)big};
    const size_t too_big_len[] = {11, big_len};
    raw_send(too_big, too_big_len, 2); /* ETOOBIG */
    /* Then a good ping from the same peer: the router still answers. */
    uint8_t ok[32];
    size_t ok_len = pack_ping("raw-1", ok, sizeof(ok));
    const char *good[] = {PING, (const char *)ok};
    const size_t good_len[] = {11, ok_len};
    raw_send(good, good_len, 2);

    fx.want_rejected = 6;
    uv_timer_init(&fx.loop, &fx.check);
    fx.check_started = true;
    fx.check.data = &fx;
    uv_timer_start(&fx.check, on_check, 5, 5);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.router), 6);
    CU_ASSERT_EQUAL(fx.pings, 1);
    CU_ASSERT_EQUAL(fx.last_id_len, 8);
    CU_ASSERT_EQUAL(memcmp(fx.last_id, "raw-peer", 8), 0);

    /* The reply went back to "raw-peer" as [type][payload]. */
    char type[64] = {0};
    uint8_t payload[128];
    int n = zmq_recv(fx.raw, type, sizeof(type) - 1, ZMQ_DONTWAIT);
    CU_ASSERT_EQUAL(n, 11);
    CU_ASSERT_STRING_EQUAL(type, PING);
    int more = 0;
    size_t more_len = sizeof(more);
    zmq_getsockopt(fx.raw, ZMQ_RCVMORE, &more, &more_len);
    CU_ASSERT_EQUAL_FATAL(more, 1);
    n = zmq_recv(fx.raw, payload, sizeof(payload), ZMQ_DONTWAIT);
    CU_ASSERT_FATAL(n > 0 && n <= (int)sizeof(payload));
    Nq__Pong *pong = nq__pong__unpack(NULL, (size_t)n, payload);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pong);
    CU_ASSERT_PTR_NOT_NULL(pong->header);
    if (pong->header)
        CU_ASSERT_STRING_EQUAL(pong->header->correlation_id, "raw-1");
    nq__pong__free_unpacked(pong, NULL);

    /* The nq DEALER is unaffected: a normal round trip still works. */
    fx.want_pongs = 1;
    CU_ASSERT_EQUAL(send_ping(0), 0);
    uv_timer_stop(&fx.check);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pongs, 1);
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.router), 6);
    teardown();
}

/* What is sent is what the message table says travels: a request as the
 * row's request, a reply as its reply; anything else is refused unsent. */
static void test_send_checks_payload(void)
{
    setup("inproc://bus-payload", 65536);
    Nq__Ping ping = NQ__PING__INIT;
    Nq__Pong pong = NQ__PONG__INIT;
    const nq_bus_envelope_t env = {.msg = NQ_MSG(SYS_PING)};
    CU_ASSERT_EQUAL(nq_zsock_send(fx.dealer, NQ_MSG(SYS_PING), &pong.base), -1);
    CU_ASSERT_EQUAL(nq_zsock_send(fx.dealer, NQ_MSG(ACTIVITY_BATCH), &ping.base), -1);
    CU_ASSERT_EQUAL(nq_zsock_reply(fx.router, &env, PING, &ping.base), -1);
    /* Nothing went out: the only ping the router sees, and the only pong
     * coming back, are those of the round trip below. */
    fx.want_pongs = 1;
    CU_ASSERT_EQUAL(send_ping(0), 0);
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    CU_ASSERT_FALSE(fx.timed_out);
    CU_ASSERT_EQUAL(fx.pings, 1);
    CU_ASSERT_EQUAL(fx.pongs, 1);
    CU_ASSERT_STRING_EQUAL(fx.last_corr, "c-0");
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.router), 0);
    CU_ASSERT_EQUAL(nq_zsock_rejected(fx.dealer), 0);
    teardown();
}

static void test_new_failures(void)
{
    uv_loop_t loop;
    CU_ASSERT_EQUAL_FATAL(uv_loop_init(&loop), 0);
    void *zctx = zmq_ctx_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(zctx);
    nq_zsock_t *a = nq_zsock_new(&loop, zctx, ZMQ_ROUTER, "inproc://bus-twice", NQ_ZSOCK_BIND, NULL,
                                 router_routes, 1, NULL, 1024);
    CU_ASSERT_PTR_NOT_NULL(a);
    /* Same endpoint again, a bad transport, a bad socket type: NULL, nothing leaks. */
    CU_ASSERT_PTR_NULL(nq_zsock_new(&loop, zctx, ZMQ_ROUTER, "inproc://bus-twice", NQ_ZSOCK_BIND,
                                    NULL, router_routes, 1, NULL, 1024));
    CU_ASSERT_PTR_NULL(nq_zsock_new(&loop, zctx, ZMQ_DEALER, "bogus://x", NQ_ZSOCK_CONNECT, NULL,
                                    dealer_routes, 1, NULL, 1024));
    CU_ASSERT_PTR_NULL(nq_zsock_new(&loop, zctx, 9999, "inproc://bus-other", NQ_ZSOCK_BIND, NULL,
                                    router_routes, 1, NULL, 1024));
    /* A send-only socket (no routes) is created but not watched. */
    nq_zsock_t *pub = nq_zsock_new(&loop, zctx, ZMQ_PUB, "inproc://bus-pub", NQ_ZSOCK_BIND, NULL,
                                   NULL, 0, NULL, 1024);
    CU_ASSERT_PTR_NOT_NULL(pub);
    nq_zsock_destroy(&a);
    nq_zsock_destroy(&pub);
    CU_ASSERT_PTR_NULL(pub);
    CU_ASSERT_EQUAL(uv_run(&loop, UV_RUN_DEFAULT), 0);
    CU_ASSERT_EQUAL(uv_loop_close(&loop), 0);
    CU_ASSERT_EQUAL(zmq_ctx_term(zctx), 0);
}

static CU_TestInfo dispatch_tests[] = {
    {"framing without identity: handler sees message and envelope", test_dispatch_dealer},
    {"ROUTER framing: identity copied", test_dispatch_router_identity},
    {"identity up to NQ_BUS_ID_MAX bytes", test_dispatch_identity_sizes},
    {"the route's own descriptor unpacks", test_dispatch_second_descriptor},
    {"a DEALER unpacks replies, other sockets requests", test_dispatch_reply_side},
    {"unknown type -> ETYPE", test_dispatch_unknown_type},
    {"empty and overlong type -> ETYPE", test_dispatch_type_length},
    {"wrong frame count -> EFRAMES", test_dispatch_frame_count},
    {"payload over the cap -> ETOOBIG", test_dispatch_too_big},
    {"garbage payload -> EDECODE", test_dispatch_decode},
    {"strerror", test_strerror},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo socket_tests[] = {
    {"ROUTER/DEALER ping-pong on a uv loop", test_ping_pong},
    {"1000-message burst all arrive, in order", test_burst},
    {"1000 one-way messages all arrive (edge-triggered drain)", test_one_way_burst},
    {"a send that consumes the ZMQ_FD edge loses nothing", test_send_consumes_edge},
    {"malformed messages are counted and dropped", test_rejects},
    {"a payload the message table does not give is not sent", test_send_checks_payload},
    {"nq_zsock_new failures return NULL", test_new_failures},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"bus dispatch", NULL, NULL, NULL, NULL, dispatch_tests},
    {"bus sockets", NULL, NULL, NULL, NULL, socket_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
