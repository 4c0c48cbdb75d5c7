/* nq/call.h — one bus request served with several Redis round trips.
 *
 * A service embeds nq_call_t as the first member of its own call struct.
 * Every step the request waits for is counted: nq_call_issued() after
 * issuing a command (a command that could not be issued fails the call),
 * nq_call_release() when its reply is handled. The handler itself holds one
 * count while it runs. When the count drops to zero, `answer` runs once: it
 * sends the reply (status OK, or the first failure recorded with its detail
 * and field errors) and frees the call.
 *
 *   typedef struct my_call { nq_call_t base; ... } my_call_t;
 *   my_call_t *c = calloc(1, sizeof(*c));
 *   nq_call_init(&c->base, env, req->correlation_id, my_answer);   // count = 1
 *   nq_call_issued(&c->base, nq_redis_command(r, on_reply, c, "GET %s", key));
 *   nq_call_release(&c->base);   // the handler is done; the reply will finish it
 */
#ifndef NQ_CALL_H
#define NQ_CALL_H

#include <hiredis/hiredis.h>
#include <stdbool.h>

#include "neiqin.pb-c.h"
#include "nq/bus.h"
#include "nq/fielderr.h"

typedef struct nq_call nq_call_t;

/* Send the reply for `c` (c->status, c->detail, c->errs) and free c. */
typedef void (*nq_call_answer_fn)(nq_call_t *c);

struct nq_call {
    nq_bus_envelope_t env;    /* who asked, and the type to answer with (no payload) */
    char *correlation_id;     /* copied from the request, may be NULL */
    int pending;              /* steps outstanding, +1 while the handler runs */
    Nq__Status status;        /* outcome so far: the first failure wins */
    char detail[256];         /* human text for a failure */
    nq_field_errors_t errs;   /* per-field errors (INVALID) */
    nq_call_answer_fn answer; /* runs when pending reaches 0 */
};

/* Start a call with count 1. Returns 0, or -1 when out of memory. */
int nq_call_init(nq_call_t *c, const nq_bus_envelope_t *env, const char *correlation_id,
                 nq_call_answer_fn answer);

/* Free what nq_call_init allocated (not c itself). */
void nq_call_cleanup(nq_call_t *c);

/* Record a failure (printf-style detail) unless one was recorded already. */
void nq_call_fail(nq_call_t *c, Nq__Status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Account for an issue: rc 0 counts one more step, otherwise the call fails
 * as UNAVAILABLE. */
void nq_call_issued(nq_call_t *c, int rc);

/* One step is done; answer when it was the last. */
void nq_call_release(nq_call_t *c);

/* True when `reply` is of hiredis type `type`; otherwise records why not
 * (connection lost, Redis error, unexpected type) as UNAVAILABLE. */
bool nq_call_reply_ok(nq_call_t *c, const redisReply *reply, int type);

#endif
