/* reply.c — reply headers and pongs. See nq/reply.h. */
#include "nq/reply.h"

void nq_reply_header_init(nq_reply_header_t *h, const char *correlation_id, Nq__Status status,
                          const char *detail, const nq_field_errors_t *errs)
{
    nq__reply_header__init(&h->pb);
    h->pb.correlation_id = (char *)correlation_id;
    h->pb.has_status = 1;
    h->pb.status = status;
    h->pb.detail = (char *)detail;
    size_t n = errs ? errs->n : 0;
    for (size_t i = 0; i < n; i++) {
        nq__field_error__init(&h->items[i]);
        h->items[i].field = (char *)errs->items[i].field;
        h->items[i].reason = (char *)errs->items[i].reason;
        h->ptrs[i] = &h->items[i];
    }
    h->pb.n_errors = n;
    h->pb.errors = n ? h->ptrs : NULL;
}

void nq_reply_pong(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *ping,
                   const nq_service_t *svc, const char *name)
{
    nq_reply_header_t h;
    nq_reply_header_init(&h, ((const Nq__Ping *)ping)->correlation_id,
                         nq_redis_ready(svc->redis) ? NQ__STATUS__STATUS_OK
                                                    : NQ__STATUS__STATUS_UNAVAILABLE,
                         NULL, NULL);
    Nq__Pong pong = NQ__PONG__INIT;
    pong.header = &h.pb;
    pong.service = (char *)name;
    pong.instance = (char *)svc->cfg.instance;
    nq_zsock_reply(sock, env, env->type, &pong.base);
}
