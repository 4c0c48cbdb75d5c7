/* gateway/upstream.h — request/reply to one service over a DEALER socket.
 *
 * Every request carries a fresh correlation id (its field "correlation_id",
 * set here); every reply message has a field "header" (Nq__ReplyHeader) whose
 * correlation id finds the waiting call. A call's callback runs exactly once:
 * with the reply (valid only during the callback), or with NULL when the
 * service did not answer within the deadline or the upstream is closing.
 * The messages it sends and the replies it accepts are those the message
 * table (nq/msgtypes.h) gives the service.
 *
 *   upstream_t *up = upstream_new(loop, zctx, "tcp://127.0.0.1:7101",
 *                                 nq_curve_link(curve, NQ_LINK_INGEST), NQ_SVC_INGEST, max_frame);
 *   Nq__Ping ping = NQ__PING__INIT;
 *   upstream_call(up, NQ_MSG(SYS_PING), &ping.base, 1000, on_pong, data);
 *   static void on_pong(const ProtobufCMessage *reply, const Nq__ReplyHeader *hdr, void *data);
 */
#ifndef NQ_GATEWAY_UPSTREAM_H
#define NQ_GATEWAY_UPSTREAM_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "neiqin.pb-c.h"
#include "nq/bus.h"
#include "nq/msgtypes.h"

typedef struct upstream upstream_t;

/* reply/hdr are NULL on timeout or shutdown. */
typedef void (*upstream_cb)(const ProtobufCMessage *reply, const Nq__ReplyHeader *hdr, void *data);

/* Connect a DEALER to `endpoint`, where service `svc` answers, secured
 * with `sec` (NULL: plain). NULL on failure. */
upstream_t *upstream_new(uv_loop_t *loop, void *zctx, const char *endpoint, const nq_zsec_t *sec,
                         nq_svc_t svc, size_t max_frame);

/* Does this upstream's service answer `msg`? */
bool upstream_answers(const upstream_t *up, const nq_msgtype_t *msg);

/* Send `req` as message `msg` (its correlation_id field is overwritten) and
 * wait up to timeout_ms. Returns 0 when sent (cb will run), -1 when it could
 * not be sent or the service does not answer `msg` (cb never runs). */
int upstream_call(upstream_t *up, const nq_msgtype_t *msg, ProtobufCMessage *req,
                  uint64_t timeout_ms, upstream_cb cb, void *data);

/* Calls waiting for a reply. */
size_t upstream_inflight(const upstream_t *up);

/* Fail every waiting call (callbacks run with NULL), close the socket and
 * the timer; memory is freed in the close callback. Safe on NULL. */
void upstream_destroy(upstream_t **up);

#endif
