/* nq/curve.h — ZeroMQ CURVE between the suite's processes: keys, links, ZAP.
 *
 * Every service has one key pair, in the key directory (NQ_CURVE_DIR) as
 * `<service>.key` (its secret key, Z85, mode 0600) and `<service>.pub` (its
 * public key, Z85). A service reads its own secret key and the public keys
 * of the services it talks to, nothing else.
 *
 * Every bound endpoint is a link (a row of nq_links): the service that binds
 * it is the CURVE server, and only the services the row names as clients
 * may connect: the server's ZAP handler (run on the process's loop, bound
 * at inproc://zeromq.zap.01) admits a client only when its public key is one
 * of theirs. A process without the keys, or with a key pair of its own, gets
 * no connection: nothing it sends reaches a handler.
 *
 *   nq_curve_t *c = nq_curve_new(NQ_SVC_INGEST, cfg->curve_dir, err, sizeof(err));
 *   nq_curve_start(c, loop, zctx);               // the ZAP handler (a server)
 *   sock = nq_zsock_new(loop, zctx, ZMQ_ROUTER, cfg->ingest_endpoint, NQ_ZSOCK_BIND,
 *                       nq_curve_link(c, NQ_LINK_INGEST), routes, n, app, max_frame);
 *   ...
 *   nq_curve_stop(c);                            // closes the handler (run the loop)
 *   nq_curve_destroy(&c);
 *
 * With CURVE off (NQ_CURVE=off) a service has no nq_curve_t: nq_curve_link
 * of NULL is NULL, a plain socket. Keys never reach a log.
 */
#ifndef NQ_CURVE_H
#define NQ_CURVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "nq/bus.h"
#include "nq/msgtypes.h"

/* The bound endpoints of the suite. */
typedef enum {
    NQ_LINK_INGEST,    /* ingest's ROUTER: the gateway's requests */
    NQ_LINK_CUSTOMERS, /* customers' ROUTER */
    NQ_LINK_REPORTING, /* reporting's ROUTER */
    NQ_LINK_STORED,    /* ingest's PUB of stored activities */
    NQ_LINK_CHANGES,   /* alerting's SUB of KPI changes (the scorers' PUBs connect) */
    NQ_LINK_ALERTS,    /* alerting's PUB of alerts */
    NQ_LINK_COUNT
} nq_link_t;

typedef struct nq_link_row {
    const char *name; /* ZAP domain and log name: "ingest" */
    unsigned server;  /* nq_svc_t: the service that binds it */
    unsigned clients; /* nq_svc_t set: the services that may connect */
} nq_link_row_t;

/* Every link, indexed by nq_link_t. */
extern const nq_link_row_t nq_links[NQ_LINK_COUNT];

typedef struct nq_curve nq_curve_t;

/* The service of process name `name` ("nq-ingest" -> NQ_SVC_INGEST), 0 when
 * none. */
unsigned nq_curve_service_of(const char *name);

/* Load what service `svc` needs from key directory `dir`: its own key pair
 * and the public keys of its links' servers and clients. Returns NULL with
 * the reason in err (a missing or malformed file, named by path; never a
 * key's text). */
nq_curve_t *nq_curve_new(unsigned svc, const char *dir, char *err, size_t errlen);

/* Start the ZAP handler on `loop` when the service binds any link. Returns 0
 * or -1 (logged). */
int nq_curve_start(nq_curve_t *c, uv_loop_t *loop, void *zctx);

/* The settings of this service's socket on `link`: server or client. NULL
 * when c is NULL (CURVE off). The service must be the link's server or one
 * of its clients (a programming error otherwise: logged, NULL). */
const nq_zsec_t *nq_curve_link(const nq_curve_t *c, nq_link_t link);

/* Whether a client with public key `key` (32 bytes) may connect to link
 * `domain` of this service. Pure. */
bool nq_curve_allowed(const nq_curve_t *c, const char *domain, size_t domain_len,
                      const uint8_t *key, size_t key_len);

/* Clients refused so far (each also logged as a warning). */
uint64_t nq_curve_refused(const nq_curve_t *c);

/* Close the ZAP handler (its memory is freed in the loop's close callbacks). */
void nq_curve_stop(nq_curve_t *c);

/* Free; sets *c to NULL; safe on NULL. Call after stop and the loop's run. */
void nq_curve_destroy(nq_curve_t **c);

/* Make a key pair for every service in `dir` (made when missing, 0700)
 * where `<service>.key` is not there yet; existing pairs are kept. Returns
 * the number of pairs made, or -1 with the reason in err. */
int nq_curve_keygen(const char *dir, char *err, size_t errlen);

#endif
