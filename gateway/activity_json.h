/* gateway/activity_json.h — the JSON of an activity event, both ways: the
 * shape a feed posts (POST /api/v1/activities) is the shape it is read back
 * in (GET /api/v1/activities), plus received_at, which the server sets.
 *
 *   Nq__Activity *ev = (Nq__Activity *)pbjson_decode(&gw_activity_schema, obj, nums, &errs);
 *   json_t *back = pbjson_encode(&gw_activity_schema, &ev->base);
 */
#ifndef NQ_GATEWAY_ACTIVITY_JSON_H
#define NQ_GATEWAY_ACTIVITY_JSON_H

#include "neiqin.pb-c.h"
#include "pbjson.h"

/* Money (amount, price) as decimal yuan, times (occurred_at, due_at,
 * received_at) as RFC 3339 in NQ_ZONE; received_at is written out, refused
 * on input. */
extern const pbjson_schema_t gw_activity_schema;

#endif
