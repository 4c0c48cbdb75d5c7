/* gateway/alerts.h — what the alert handlers share (h_alerts.c, h_alert_act.c,
 * h_alert_rules.c, h_channels.c). */
#ifndef NQ_GATEWAY_ALERTS_H
#define NQ_GATEWAY_ALERTS_H

#include "gateway.h"

/* The JSON of an alert (money as yuan, times as RFC 3339). New reference. */
json_t *gw_alert_json(const Nq__Alert *alert);

/* One row of an alert_fetch reply ({id, packed, version}): the alert with its
 * id (free with nq__alert__free_unpacked) and its version in *version (may be
 * NULL), or NULL when the alert does not exist. */
Nq__Alert *gw_alert_from_fetch(const redisReply *row, long long *version);

/* Call alert_fetch for the alerts ids[0..n): cb gets one row each. Returns 0,
 * or -1 when not sent (cb never runs). */
int gw_alerts_fetch(gateway_t *gw, const char *const *ids, size_t n, nq_redis_cb cb, void *data);

/* Whether the SSE hub knows where the alert stream ended when it started
 * (/readyz waits for it: a client that joined before would miss the alerts
 * written until then). */
bool gw_alerts_started(const gateway_t *gw);

/* Something was written to the alert stream: the SSE hub reads it now. */
void gw_alerts_wake(gateway_t *gw);

/* POST /api/v1/alerts/{id}/{ack|resolve|assign|comment} (h_alert_act.c). */
void gw_alert_act(const gw_request_t *req);

/* GET and PUT /api/v1/teams/{id}/alert-rules (h_alert_rules.c). */
void gw_alert_rules_get(const gw_request_t *req);
void gw_alert_rules_put(const gw_request_t *req);

/* The delivery records of an alert (HGETALL of its nq:dlv:alert hash) as the
 * API shows them (h_channels.c). New reference. */
json_t *gw_deliveries_json(const redisReply *pairs, const char *alert_id);

#endif
