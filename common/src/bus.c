/* bus.c — ZeroMQ framing, dispatch, and libuv integration. See nq/bus.h. */
#include "nq/bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

#define MAX_FRAMES NQ_BUS_RAW_FRAMES /* a ZAP request's 7; a bus message has 2 or 3 */

struct nq_zsock {
    uv_poll_t poll;               /* readiness of ZMQ_FD */
    uv_prepare_t prepare;         /* re-checks ZMQ_EVENTS before the loop blocks */
    bool touched;                 /* sent on since the last drain (see on_prepare) */
    void *zsock;                  /* the ZeroMQ socket */
    int type;                     /* ZMQ_ROUTER, ZMQ_DEALER, ... */
    const nq_bus_route_t *routes; /* dispatch table, borrowed (static) */
    nq_zsock_raw_fn raw;          /* raw socket: gets the frames instead of dispatch */
    size_t n_routes;              /* rows in routes */
    size_t max_frame;             /* largest payload accepted */
    void *app;                    /* handed to every handler */
    uint64_t rejected;            /* messages dropped by dispatch */
    int open_handles;             /* uv handles not yet closed */
    bool closing;                 /* destroy called: no more dispatch */
};

const char *nq_bus_strerror(int err)
{
    static const char *const text[] = {
        [0] = "ok",
        [-NQ_BUS_EFRAMES] = "wrong number of frames",
        [-NQ_BUS_ETYPE] = "unknown message type",
        [-NQ_BUS_ETOOBIG] = "payload over the size cap",
        [-NQ_BUS_EDECODE] = "payload does not decode",
    };
    if (err > 0 || -err >= (int)(sizeof(text) / sizeof(text[0])))
        return "unknown error";
    return text[-err];
}

static const nq_bus_route_t *find_route(const nq_bus_route_t *routes, size_t n, const uint8_t *type,
                                        size_t len)
{
    for (size_t i = 0; i < n; i++) {
        const char *have = routes[i].msg->type;
        if (strlen(have) == len && memcmp(have, type, len) == 0)
            return &routes[i];
    }
    return NULL;
}

int nq_bus_dispatch(const nq_bus_route_t *routes, size_t n_routes, size_t max_frame,
                    nq_zsock_t *sock, const uint8_t *const *frames, const size_t *lens, size_t n,
                    int zmq_type, void *app)
{
    size_t n_ids = zmq_type == ZMQ_ROUTER ? 1 : 0;
    if (n != n_ids + 2 || (n_ids == 1 && lens[0] > NQ_BUS_ID_MAX))
        return NQ_BUS_EFRAMES;
    const uint8_t *type = frames[n_ids];
    size_t type_len = lens[n_ids];
    if (type_len == 0 || type_len >= NQ_BUS_TYPE_MAX)
        return NQ_BUS_ETYPE;
    const nq_bus_route_t *route = find_route(routes, n_routes, type, type_len);
    if (!route)
        return NQ_BUS_ETYPE;
    /* A DEALER is the caller's side: what it receives are replies. */
    const ProtobufCMessageDescriptor *desc =
        zmq_type == ZMQ_DEALER ? route->msg->reply : route->msg->request;
    if (!desc)
        return NQ_BUS_ETYPE;
    if (lens[n_ids + 1] > max_frame)
        return NQ_BUS_ETOOBIG;

    ProtobufCMessage *msg =
        protobuf_c_message_unpack(desc, NULL, lens[n_ids + 1], frames[n_ids + 1]);
    if (!msg)
        return NQ_BUS_EDECODE;

    nq_bus_envelope_t env;
    env.id_len = n_ids ? lens[0] : 0;
    if (env.id_len)
        memcpy(env.id, frames[0], env.id_len);
    memcpy(env.type, type, type_len);
    env.type[type_len] = '\0';
    env.msg = route->msg;
    env.payload = frames[n_ids + 1];
    env.payload_len = lens[n_ids + 1];
    route->handler(sock, &env, msg, app);
    protobuf_c_message_free_unpacked(msg, NULL);
    return NQ_BUS_OK;
}

/* Does a `zmq_type` socket of `svc` receive message `m`: a SUB the
 * publications `svc` subscribes to, any other the requests `svc` answers? */
static bool receives(const nq_msgtype_t *m, int zmq_type, nq_svc_t svc)
{
    if (zmq_type == ZMQ_SUB)
        return m->kind == NQ_MSG_KIND_PUB && (m->peers & svc);
    return m->kind != NQ_MSG_KIND_PUB && (m->owner & svc);
}

static const nq_bus_route_t *route_of(const nq_bus_route_t *routes, size_t n, const nq_msgtype_t *m)
{
    for (size_t i = 0; i < n; i++) {
        if (routes[i].msg == m)
            return &routes[i];
    }
    return NULL;
}

int nq_bus_routes_check(const nq_bus_route_t *routes, size_t n_routes, int zmq_type, nq_svc_t svc)
{
    const char *name = nq_svc_name(svc);
    for (size_t i = 0; i < n_routes; i++) {
        const nq_msgtype_t *m = routes[i].msg;
        if (!receives(m, zmq_type, svc)) {
            nq_log_error("bus_routes", "%s routes %s, which the message table does not send it",
                         name, m->type);
            return -1;
        }
        if (route_of(routes, i, m)) {
            nq_log_error("bus_routes", "%s routes %s twice", name, m->type);
            return -1;
        }
    }
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        const nq_msgtype_t *m = &nq_msgtypes[i];
        if (receives(m, zmq_type, svc) && !route_of(routes, n_routes, m)) {
            nq_log_error("bus_routes", "%s has no route for %s, which the message table sends it",
                         name, m->type);
            return -1;
        }
    }
    return 0;
}

static bool has_pollin(nq_zsock_t *s)
{
    int events = 0;
    size_t len = sizeof(events);
    if (zmq_getsockopt(s->zsock, ZMQ_EVENTS, &events, &len) != 0)
        return false;
    return (events & ZMQ_POLLIN) != 0;
}

/* Receive one multipart message without blocking. Returns the frame count
 * (frames beyond MAX_FRAMES are read and dropped but counted), 0 if nothing
 * is waiting, -1 on error. */
static int recv_message(nq_zsock_t *s, zmq_msg_t *parts)
{
    int n = 0;
    int more = 1;
    while (more) {
        zmq_msg_t scratch;
        zmq_msg_t *part = n < MAX_FRAMES ? &parts[n] : &scratch;
        zmq_msg_init(part);
        if (zmq_msg_recv(part, s->zsock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(part);
            return n == 0 && errno == EAGAIN ? 0 : -1;
        }
        more = zmq_msg_more(part);
        if (part == &scratch)
            zmq_msg_close(part);
        n++;
    }
    return n;
}

static void drain(nq_zsock_t *s)
{
    s->touched = false; /* every send below is followed by a ZMQ_EVENTS check */
    while (!s->closing && has_pollin(s)) {
        zmq_msg_t parts[MAX_FRAMES];
        int n = recv_message(s, parts);
        if (n <= 0)
            break;
        int kept = n < MAX_FRAMES ? n : MAX_FRAMES;
        const uint8_t *frames[MAX_FRAMES];
        size_t lens[MAX_FRAMES];
        for (int i = 0; i < kept; i++) {
            frames[i] = zmq_msg_data(&parts[i]);
            lens[i] = zmq_msg_size(&parts[i]);
        }
        int rc = NQ_BUS_OK;
        if (s->raw)
            s->raw(s, frames, lens, (size_t)n, s->app);
        else
            rc = nq_bus_dispatch(s->routes, s->n_routes, s->max_frame, s, frames, lens, (size_t)n,
                                 s->type, s->app);
        if (rc != NQ_BUS_OK) {
            s->rejected++;
            nq_log_warn("bus_reject", "dropped a message with %d frames: %s", n,
                        nq_bus_strerror(rc));
        }
        for (int i = 0; i < kept; i++)
            zmq_msg_close(&parts[i]);
    }
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    drain(h->data);
}

/* ZMQ_FD signals an edge, which any call on the socket may spend: after a
 * send, messages can wait with the descriptor quiet, so ZMQ_EVENTS is checked
 * before the loop blocks. Only then: the check costs system calls (poll,
 * getpid), several per turn of a busy loop with four sockets. */
static void on_prepare(uv_prepare_t *h)
{
    nq_zsock_t *s = h->data;
    if (s->touched)
        drain(s);
}

/* CURVE options, set before bind or connect. Returns 0 or -1 (errno). */
static int secure(void *zsock, const nq_zsec_t *sec)
{
    int on = 1;
    if (sec->server)
        return zmq_setsockopt(zsock, ZMQ_CURVE_SERVER, &on, sizeof(on)) |
               zmq_setsockopt(zsock, ZMQ_ZAP_DOMAIN, sec->domain, strlen(sec->domain)) |
               zmq_setsockopt(zsock, ZMQ_CURVE_SECRETKEY, sec->secret_key, NQ_Z85_KEY_LEN);
    return zmq_setsockopt(zsock, ZMQ_CURVE_SERVERKEY, sec->server_key, NQ_Z85_KEY_LEN) |
           zmq_setsockopt(zsock, ZMQ_CURVE_PUBLICKEY, sec->public_key, NQ_Z85_KEY_LEN) |
           zmq_setsockopt(zsock, ZMQ_CURVE_SECRETKEY, sec->secret_key, NQ_Z85_KEY_LEN);
}

/* The common part of nq_zsock_new and nq_zsock_new_raw: `s` has its type,
 * routes or raw handler; make the ZeroMQ socket, bind or connect, watch it. */
static nq_zsock_t *open_sock(nq_zsock_t *s, uv_loop_t *loop, void *zctx, const char *endpoint,
                             nq_zsock_mode_t mode, const nq_zsec_t *sec)
{
    int type = s->type;
    s->zsock = zmq_socket(zctx, type);
    if (!s->zsock)
        goto out_free;

    int linger = 0;
    int64_t maxmsg = (int64_t)s->max_frame + 4096;
    zmq_setsockopt(s->zsock, ZMQ_LINGER, &linger, sizeof(linger));
    if (type == ZMQ_DEALER) {
        /* Queue only to a connected peer: a request to a service that is down
         * fails at once instead of waiting to be delivered after its caller
         * gave up. */
        int immediate = 1;
        zmq_setsockopt(s->zsock, ZMQ_IMMEDIATE, &immediate, sizeof(immediate));
    }
    zmq_setsockopt(s->zsock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
    if (type == ZMQ_SUB) {
        for (size_t i = 0; i < s->n_routes; i++)
            zmq_setsockopt(s->zsock, ZMQ_SUBSCRIBE, s->routes[i].msg->type,
                           strlen(s->routes[i].msg->type));
    }
    if (sec && secure(s->zsock, sec) != 0) {
        nq_log_error("bus_curve", "cannot secure the socket for %s: %s", endpoint,
                     zmq_strerror(errno));
        goto out_close_zsock;
    }
    int rc = mode == NQ_ZSOCK_BIND ? zmq_bind(s->zsock, endpoint) : zmq_connect(s->zsock, endpoint);
    if (rc != 0) {
        nq_log_error("bus_endpoint", "%s %s: %s", mode == NQ_ZSOCK_BIND ? "bind" : "connect",
                     endpoint, zmq_strerror(errno));
        goto out_close_zsock;
    }

    int fd;
    size_t fd_len = sizeof(fd);
    if (zmq_getsockopt(s->zsock, ZMQ_FD, &fd, &fd_len) != 0)
        goto out_close_zsock;
    if (uv_poll_init(loop, &s->poll, fd) != 0)
        goto out_close_zsock;
    uv_prepare_init(loop, &s->prepare);
    s->poll.data = s;
    s->prepare.data = s;
    s->open_handles = 2;
    s->touched = true; /* check once before the first wait */
    if (s->n_routes > 0 || s->raw) {
        uv_poll_start(&s->poll, UV_READABLE, on_poll);
        uv_prepare_start(&s->prepare, on_prepare);
    }
    return s;

out_close_zsock:
    zmq_close(s->zsock);
out_free:
    free(s);
    return NULL;
}

nq_zsock_t *nq_zsock_new(uv_loop_t *loop, void *zctx, int type, const char *endpoint,
                         nq_zsock_mode_t mode, const nq_zsec_t *sec, const nq_bus_route_t *routes,
                         size_t n_routes, void *app, size_t max_frame)
{
    nq_zsock_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->type = type;
    s->routes = routes;
    s->n_routes = n_routes;
    s->max_frame = max_frame;
    s->app = app;
    return open_sock(s, loop, zctx, endpoint, mode, sec);
}

nq_zsock_t *nq_zsock_new_raw(uv_loop_t *loop, void *zctx, int type, const char *endpoint,
                             nq_zsock_mode_t mode, nq_zsock_raw_fn fn, void *app)
{
    nq_zsock_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->type = type;
    s->raw = fn;
    s->max_frame = 65536;
    s->app = app;
    return open_sock(s, loop, zctx, endpoint, mode, NULL);
}

int nq_zsock_send_raw(nq_zsock_t *s, const uint8_t *const *frames, const size_t *lens, size_t n)
{
    s->touched = true;
    for (size_t i = 0; i < n; i++) {
        if (zmq_send(s->zsock, frames[i], lens[i], (i + 1 < n ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT) <
            0) {
            nq_log_warn("bus_send", "could not send a raw message: %s", zmq_strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int send_frames(nq_zsock_t *s, const uint8_t *id, size_t id_len, const char *type,
                       const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    zmq_msg_t payload;
    if (zmq_msg_init_size(&payload, len) != 0)
        return -1;
    protobuf_c_message_pack(msg, zmq_msg_data(&payload));

    int rc = 0;
    s->touched = true;
    if (id && zmq_send(s->zsock, id, id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        rc = -1;
    if (rc == 0 && zmq_send(s->zsock, type, strlen(type), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        rc = -1;
    if (rc == 0 && zmq_msg_send(&payload, s->zsock, ZMQ_DONTWAIT) < 0)
        rc = -1;
    zmq_msg_close(&payload);
    if (rc != 0)
        nq_log_warn("bus_send", "could not send %s: %s", type, zmq_strerror(errno));
    return rc;
}

/* Is `msg` what the message table says travels as `want` for `type`? */
static bool payload_ok(const char *type, const ProtobufCMessageDescriptor *want,
                       const ProtobufCMessage *msg)
{
    if (want && msg->descriptor == want)
        return true;
    nq_log_error("bus_send", "refused to send %s as %s: the message table says %s",
                 msg->descriptor->name, type, want ? want->name : "nothing");
    return false;
}

int nq_zsock_send(nq_zsock_t *s, const nq_msgtype_t *type, const ProtobufCMessage *msg)
{
    if (!payload_ok(type->type, type->request, msg))
        return -1;
    return send_frames(s, NULL, 0, type->type, msg);
}

int nq_zsock_reply(nq_zsock_t *s, const nq_bus_envelope_t *env, const char *type,
                   const ProtobufCMessage *msg)
{
    if (env->msg && !payload_ok(type, env->msg->reply, msg))
        return -1;
    return send_frames(s, env->id, env->id_len, type, msg);
}

void *nq_zsock_handle(nq_zsock_t *s)
{
    return s->zsock;
}

uint64_t nq_zsock_rejected(const nq_zsock_t *s)
{
    return s->rejected;
}

static void on_handle_closed(uv_handle_t *h)
{
    nq_zsock_t *s = h->data;
    if (--s->open_handles == 0)
        free(s);
}

void nq_zsock_destroy(nq_zsock_t **sp)
{
    if (!sp || !*sp)
        return;
    nq_zsock_t *s = *sp;
    *sp = NULL;
    s->closing = true;
    /* Stop watching the fd before ZeroMQ closes it. */
    uv_close((uv_handle_t *)&s->poll, on_handle_closed);
    uv_close((uv_handle_t *)&s->prepare, on_handle_closed);
    zmq_close(s->zsock);
}
