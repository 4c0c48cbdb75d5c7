/* nq/msgtypes.h — the table of every bus message (rows in nq/msgtypes.def).
 *
 * Each message has one row: its wire type, kind (request/reply, JSON
 * document reply, or publication), who answers or publishes it, who sends
 * or hears it, and the descriptors of its request and reply. Route tables,
 * the gateway's upstreams and every send name a message by its row, so the
 * pairing of a type with its descriptors is written once:
 *
 *   static const nq_bus_route_t routes[] = {
 *       {NQ_MSG(ACTIVITY_BATCH), on_batch},
 *   };
 *   nq_zsock_send(pub, NQ_MSG(ACTIVITY_STORED), &stored.base);
 *   const nq_msgtype_t *m = nq_msg_find("sys.ping.v1");   // NULL when unknown
 *
 * The table is static data; nothing here allocates or does I/O.
 */
#ifndef NQ_MSGTYPES_H
#define NQ_MSGTYPES_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "neiqin.pb-c.h"

/* The processes that exchange messages, as bits of a set. */
typedef enum {
    NQ_SVC_GATEWAY = 1u << 0,
    NQ_SVC_INGEST = 1u << 1,
    NQ_SVC_SCORING = 1u << 2,
    NQ_SVC_CUSTOMERS = 1u << 3,
    NQ_SVC_ALERTING = 1u << 4,
    NQ_SVC_REPORTING = 1u << 5,
} nq_svc_t;

/* How a message travels. */
typedef enum {
    NQ_MSG_KIND_REQ, /* request/reply; the reply is a typed protobuf message */
    NQ_MSG_KIND_DOC, /* request/reply; the reply is a DocumentReply (JSON in a string) */
    NQ_MSG_KIND_PUB, /* published; no reply */
} nq_msg_kind_t;

typedef struct nq_msgtype {
    const char *name;                          /* C name: "ACTIVITY_BATCH" */
    const char *type;                          /* wire type: "activity.batch.v1" */
    nq_msg_kind_t kind;                        /* request/reply or publication */
    unsigned owner;                            /* nq_svc_t set: who answers or publishes it */
    unsigned peers;                            /* nq_svc_t set: who sends it or subscribes */
    const ProtobufCMessageDescriptor *request; /* the request, or the published message */
    const ProtobufCMessageDescriptor *reply;   /* the reply; NULL for a publication */
    const char *doc;                           /* one line: what it is for */
} nq_msgtype_t;

/* NQ_MSG_ACTIVITY_BATCH, ...: a row's index in nq_msgtypes. */
typedef enum {
#define NQ_MSGTYPE(name, ...) NQ_MSG_##name,
#include "nq/msgtypes.def"
#undef NQ_MSGTYPE
    NQ_MSG_COUNT
} nq_msg_id_t;

/* Every message, in the order of nq/msgtypes.def. */
extern const nq_msgtype_t nq_msgtypes[NQ_MSG_COUNT];

/* The row of message NAME: a constant address, usable in static tables. */
#define NQ_MSG(name) (&nq_msgtypes[NQ_MSG_##name])

/* The row whose wire type is the string `type`, or NULL (also for NULL). */
const nq_msgtype_t *nq_msg_find(const char *type);

/* The name of one service ("ingest"), "" for anything but a single nq_svc_t. */
const char *nq_svc_name(unsigned svc);

#endif
