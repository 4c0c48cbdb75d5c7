/* services/reporting/targetsvc.h — targets on the bus.
 *
 *   target.put.v1    TargetRequest (values) -> TargetReply: replace the
 *                    targets of a subject for one period
 *   target.get.v1    TargetRequest -> TargetReply: the targets set, and for a
 *                    quarter or year those derived from its months' and the
 *                    months missing for the others (nq/targets.h)
 * Handler for the reporting ROUTER's route table; `app` is reporting_t.
 * A target hash is replaced whole, by one script that also bumps
 * nq:target:version (kept boards check it; common/lua/target_replace.lua):
 * targetsvc_replace_begin, then the caller's field/value pairs, then
 * targetsvc_replace_send (a confirmed split writes its members' targets the
 * same way, splitsvc.h).
 */
#ifndef NQ_REPORTING_TARGETSVC_H
#define NQ_REPORTING_TARGETSVC_H

#include <stdint.h>

#include "nq/bus.h"
#include "nq/redis.h"

void targetsvc_on_target(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                         const ProtobufCMessage *msg, void *app);

/* Start `a` (initialised here) as the call replacing target hash `key`;
 * add metric name / value pairs next. */
void targetsvc_replace_begin(nq_redis_args_t *a, const char *key);

/* End the call with the hash's "_updated_at" (Unix ms) and send it on `r`;
 * `a` is freed. Returns 0 when issued (cb runs once), -1 when not. */
int targetsvc_replace_send(nq_redis_t *r, nq_redis_args_t *a, int64_t updated_at, nq_redis_cb cb,
                           void *data);

#endif
