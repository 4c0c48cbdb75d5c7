/* services/alerting/deliver.h — the delivery queue and its sender, inside nq-alerting.
 *
 * Raised alerts reach the teams' channels (channel.h) through a durable queue
 * in Redis (keys in nq/keys.h), on the same loop and thread as the rest of
 * alerting; HTTP goes out through libcurl's multi interface on that loop
 * (curluv.h), so every request runs concurrently and a slow or dead receiver
 * holds only its own requests, never the other channels, the rules or the
 * SSE stream (which the gateway serves from the alert stream anyway).
 *
 * Feeding the queue: the sender reads the alert stream nq:alerts through its
 * own consumer group "delivery" (so an alert raised while no sender ran is
 * still delivered), and for each raised alert queues one delivery per
 * channel of the alert's team in the script that acknowledges the entries
 * (dlv_enqueue: a delivery recorded already is not queued again). An
 * escalation entry (escalate.h) queues one more per channel, its id ending
 * in "/escalated" (dlvplan.h), sent marked as an escalation (dropped when
 * the alert was acknowledged or resolved before it went, e.g. held by quiet
 * hours).
 *
 * Sending, every DELIVER_TICK_MS: dlv_claim takes the due deliveries for a
 * lease (a sender that dies leaves them to come back when it ends); dlv_load
 * reads their alerts, records, channels, the channels' messages in their
 * rolling rate window and their queue depths (nq:dlv:depth); per channel
 * dlv_plan says each alone, digests, or wait (dlvplan.h); dlv_reserve takes
 * the planned messages' slots in the window before they are posted (so
 * requests in flight count, and replicas share the limit); each outcome is
 * written by dlv_done: sent, retried after an
 * exponential backoff with jitter (NQ_DELIVERY_RETRY_MS doubling up to an
 * hour) for NQ_DELIVERY_WINDOW_S (24 h), then a dead letter kept per team
 * until redriven (POST /api/v1/teams/{id}/deliveries/redrive). A delivery
 * whose channel was deleted is dropped.
 *
 * Quiet hours (quiet.h): during a team's quiet hours its deliveries below
 * critical are held (state "held", next_at the window's end) and go when it
 * ends; critical alerts and test messages pass through.
 *
 * At least once: a sender killed between the receiver's answer and
 * dlv_done sends that message again when the lease ends.
 */
#ifndef NQ_ALERTING_DELIVER_H
#define NQ_ALERTING_DELIVER_H

#include "nq/service.h"

#define DELIVER_TICK_MS          250   /* how often due deliveries and new alerts are looked for */
#define DELIVER_CLAIM_MAX        64    /* deliveries taken at once */
#define DELIVER_READ_MAX         64    /* alert stream entries read at once */
#define DELIVER_INFLIGHT_MAX     256   /* requests in flight before taking more */
#define DELIVER_LEASE_MS         30000 /* on top of the request timeout */
#define DELIVER_CAP_MS           3600000 /* the backoff's cap */
#define DELIVER_WAIT_MS          10000   /* a channel at its rate limit: look again after */
#define DELIVER_QUIET_RECHECK_MS 60000   /* a held delivery is looked at again after */
#define DELIVER_DIGEST_MAX       64      /* alerts one digest carries (a round's claim) */
#define DELIVER_RATE_SLACK_MS    1000    /* added to a rate window: requests take time to arrive */

typedef struct deliver deliver_t;

/* The sender of svc, or NULL. Starts its timers. */
deliver_t *deliver_new(nq_service_t *svc);
/* Redis (re)connected: create the group, read this consumer's pending entries first. */
void deliver_connected(deliver_t *d);
/* An alert was raised here: look at the stream now. */
void deliver_nudge(deliver_t *d);
/* Stop: timers closed, requests in flight abandoned (their leases run out). */
void deliver_stop(deliver_t *d);
/* Free after the loop ended; sets *d to NULL. */
void deliver_free(deliver_t **d);

#endif
