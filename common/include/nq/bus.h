/* nq/bus.h — ZeroMQ messaging between neiqin services, driven by a libuv loop.
 *
 * Wire format: one ZeroMQ message = frames [type][payload]. `type` is a short
 * ASCII name ("activity.batch.v1"), `payload` a packed protobuf-c message. A
 * ROUTER socket sees one identity frame in front: [identity][type][payload].
 * Every type is a row of the message table (nq/msgtypes.h), which pairs it
 * with its request and reply descriptors.
 *
 * A receiver dispatches through a static table of routes {message, handler}.
 * Before a handler runs, the frame count is checked, the payload is capped
 * at max_frame bytes, and unpacking must succeed; anything else is logged
 * and dropped (a reply to an unknown request type is never invented). A
 * DEALER (the caller's side) unpacks the row's reply, every other socket its
 * request (or, on a SUB, the published message).
 *
 *   static const nq_bus_route_t routes[] = {
 *       {NQ_MSG(SYS_PING), on_ping},
 *   };
 *   if (nq_bus_routes_check(routes, 1, ZMQ_ROUTER, NQ_SVC_INGEST) != 0) ...fail...
 *   nq_zsock_t *s = nq_zsock_new(loop, zctx, ZMQ_ROUTER, endpoint, NQ_ZSOCK_BIND,
 *                                nq_curve_link(svc->curve, NQ_LINK_INGEST),
 *                                routes, 1, app, cfg->max_frame_bytes);
 *   ...
 *   static void on_ping(nq_zsock_t *s, const nq_bus_envelope_t *env,
 *                       const ProtobufCMessage *msg, void *app) {
 *       Nq__Pong pong = NQ__PONG__INIT; ...
 *       nq_zsock_reply(s, env, env->type, &pong.base);
 *   }
 *   nq_zsock_destroy(&s);   // handles closed; memory freed in the close callbacks
 *
 * Loop integration: ZMQ_FD is edge-triggered and only says "look at
 * ZMQ_EVENTS". Each socket has a uv_poll on ZMQ_FD and a uv_prepare that
 * re-checks ZMQ_EVENTS before the loop blocks, and every receive drains
 * until ZMQ_EVENTS has no POLLIN. So a message never sits unread because an
 * edge was consumed by a send.
 */
#ifndef NQ_BUS_H
#define NQ_BUS_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include <zmq.h>

#include "nq/msgtypes.h"

#define NQ_BUS_TYPE_MAX 64  /* longest type name, bytes incl. NUL */
#define NQ_BUS_ID_MAX   256 /* longest ROUTER identity we keep */

typedef struct nq_zsock nq_zsock_t;

/* A received message, borrowed by the handler for the duration of the call. */
typedef struct nq_bus_envelope {
    uint8_t id[NQ_BUS_ID_MAX];  /* ROUTER identity of the sender (empty otherwise) */
    size_t id_len;              /* bytes in id */
    char type[NQ_BUS_TYPE_MAX]; /* message type name, as received */
    const nq_msgtype_t *msg;    /* its row in the message table */
    const uint8_t *payload;     /* packed protobuf */
    size_t payload_len;         /* bytes in payload */
} nq_bus_envelope_t;

/* A handler gets the unpacked message (freed by the bus after it returns). */
typedef void (*nq_bus_handler_fn)(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                                  const ProtobufCMessage *msg, void *app);

typedef struct nq_bus_route {
    const nq_msgtype_t *msg;   /* NQ_MSG(ACTIVITY_BATCH): its type and descriptors */
    nq_bus_handler_fn handler; /* what to do with it */
} nq_bus_route_t;

/* Why a received message was refused (also counted per socket). */
typedef enum {
    NQ_BUS_OK = 0,
    NQ_BUS_EFRAMES = -1, /* wrong number of frames */
    NQ_BUS_ETYPE = -2,   /* no route for the type */
    NQ_BUS_ETOOBIG = -3, /* payload over the cap */
    NQ_BUS_EDECODE = -4, /* protobuf unpack failed */
} nq_bus_error_t;

/* Dispatch one message already split into frames: pure, no sockets, used by
 * the socket driver and by tests. `frames`/`lens` hold the n frames received
 * on a socket of type `zmq_type`: a ZMQ_ROUTER's start with the sender's
 * identity; a ZMQ_DEALER's payload is unpacked as the row's reply, any other
 * socket's as its request. Returns NQ_BUS_OK after calling the handler, or
 * an error without calling anything. */
int nq_bus_dispatch(const nq_bus_route_t *routes, size_t n_routes, size_t max_frame,
                    nq_zsock_t *sock, const uint8_t *const *frames, const size_t *lens, size_t n,
                    int zmq_type, void *app);

/* Does the route table of a `zmq_type` socket of service `svc` agree with
 * the message table? A ZMQ_SUB's must route every publication `svc`
 * subscribes to, any other socket's (a ROUTER's) every request `svc`
 * answers: each once, and nothing else. Returns 0, or -1 after logging the
 * first discrepancy. */
int nq_bus_routes_check(const nq_bus_route_t *routes, size_t n_routes, int zmq_type, nq_svc_t svc);

/* Text for an nq_bus_error_t. */
const char *nq_bus_strerror(int err);

typedef enum { NQ_ZSOCK_CONNECT = 0, NQ_ZSOCK_BIND = 1 } nq_zsock_mode_t;

#define NQ_Z85_KEY_LEN 40 /* a CURVE key in Z85 text, without its NUL */

/* CURVE settings of one socket (nq/curve.h makes them for a link). A server
 * checks every client's key through the process's ZAP handler, which is
 * asked with `domain`; a client proves its key pair and checks the
 * server's key. */
typedef struct nq_zsec {
    bool server;                         /* CURVE server (else client) */
    char domain[32];                     /* ZAP domain: the link's name */
    char public_key[NQ_Z85_KEY_LEN + 1]; /* this side's public key, Z85 */
    char secret_key[NQ_Z85_KEY_LEN + 1]; /* this side's secret key, Z85 */
    char server_key[NQ_Z85_KEY_LEN + 1]; /* client only: the server's public key */
} nq_zsec_t;

/* Create a socket of `type` (ZMQ_ROUTER, ZMQ_DEALER, ZMQ_PUB, ZMQ_SUB, ...),
 * secure it with `sec` (NULL: plain, no authentication), bind or connect it
 * to `endpoint`, set linger 0, and watch it on `loop` (routes may be NULL/0
 * for send-only sockets). A SUB socket subscribes to every route's type.
 * Returns NULL on failure (logged with the reason, never a key). */
nq_zsock_t *nq_zsock_new(uv_loop_t *loop, void *zctx, int type, const char *endpoint,
                         nq_zsock_mode_t mode, const nq_zsec_t *sec, const nq_bus_route_t *routes,
                         size_t n_routes, void *app, size_t max_frame);

/* A raw socket's handler: the frames of one message (at most NQ_BUS_RAW_FRAMES
 * of them; `n` counts any beyond), borrowed for the call. */
#define NQ_BUS_RAW_FRAMES 8
typedef void (*nq_zsock_raw_fn)(nq_zsock_t *sock, const uint8_t *const *frames, const size_t *lens,
                                size_t n, void *app);

/* A plain socket driven the same way whose messages go to `fn` as frames,
 * without the [type][payload] framing (the ZAP handler, nq/curve.h).
 * Returns NULL on failure (logged). */
nq_zsock_t *nq_zsock_new_raw(uv_loop_t *loop, void *zctx, int type, const char *endpoint,
                             nq_zsock_mode_t mode, nq_zsock_raw_fn fn, void *app);

/* Send `n` frames as one message without blocking. Returns 0 or -1. */
int nq_zsock_send_raw(nq_zsock_t *s, const uint8_t *const *frames, const size_t *lens, size_t n);

/* Send message `type` (a row of nq/msgtypes.h) as [type][payload] (DEALER,
 * PUB, PUSH ...); `msg` must be the row's request (or published message).
 * Never blocks: returns 0, or -1 when `msg` is not of the row's request
 * type, the message cannot be queued now (EAGAIN) or packing failed. */
int nq_zsock_send(nq_zsock_t *s, const nq_msgtype_t *type, const ProtobufCMessage *msg);

/* Reply on a ROUTER to the sender of `env`: [identity][type][payload], where
 * `type` is the request's (env->type). Returns -1 without sending when `msg`
 * is not the reply the message table gives env->msg. */
int nq_zsock_reply(nq_zsock_t *s, const nq_bus_envelope_t *env, const char *type,
                   const ProtobufCMessage *msg);

/* The raw ZeroMQ socket (for setsockopt before traffic). Borrowed. */
void *nq_zsock_handle(nq_zsock_t *s);

/* Messages dropped because they failed nq_bus_dispatch. */
uint64_t nq_zsock_rejected(const nq_zsock_t *s);

/* Close the socket and its loop handles; memory is freed in the close
 * callbacks, so run the loop afterwards. Sets *s to NULL; safe on NULL. */
void nq_zsock_destroy(nq_zsock_t **s);

#endif
