/* nq/reply.h — building the header every bus reply carries.
 *
 *   nq_reply_header_t h;
 *   nq_reply_header_init(&h, req->correlation_id, NQ__STATUS__STATUS_INVALID, "bad team", &errs);
 *   reply.header = &h.pb;
 *
 * The header borrows correlation_id, detail and errs: they must outlive it,
 * and the struct must not move once filled (pb points into it).
 */
#ifndef NQ_REPLY_H
#define NQ_REPLY_H

#include "neiqin.pb-c.h"
#include "nq/bus.h"
#include "nq/fielderr.h"
#include "nq/service.h"

typedef struct nq_reply_header {
    Nq__ReplyHeader pb;                        /* the header to put in a reply */
    Nq__FieldError items[NQ_FIELD_ERRORS_MAX]; /* one per field error */
    Nq__FieldError *ptrs[NQ_FIELD_ERRORS_MAX]; /* what pb.errors points at */
} nq_reply_header_t;

/* Fill `h`: correlation id, status, detail (NULL for none), field errors
 * (NULL for none). */
void nq_reply_header_init(nq_reply_header_t *h, const char *correlation_id, Nq__Status status,
                          const char *detail, const nq_field_errors_t *errs);

/* Answer a sys.ping.v1 on a ROUTER for service `name` of `svc`: OK while
 * Redis is connected, UNAVAILABLE otherwise. */
void nq_reply_pong(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *ping,
                   const nq_service_t *svc, const char *name);

#endif
