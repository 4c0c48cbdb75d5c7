/* services/alerting/alerting.h — the alerting service.
 *
 * Reads the activity log (nq/actlog.h) through its own consumer group
 * "alerting", so an event stored while alerting was down still raises its
 * alert once alerting runs again; it may run as several replicas (entries are
 * shared out by the group; entries a dead replica left pending are taken over
 * with XAUTOCLAIM after ALERTING_RECLAIM_IDLE_MS, its own ones at start: logread.h).
 * The timer deadlines the events move have a group of their own, read by a
 * cycle of their own on the same loop (timercycle.h), so no raise waits for them.
 *
 * One cycle at a time, three Redis calls at most, on as many entries as the
 * last read suggests (readsize.h: more behind a backlog, few at rest):
 *   1. alert_context: the team and name of each salesperson of the batch,
 *      their teams' rule overrides (settings.h), the last competitor prices;
 *   2. every rule of the table (rules.h) on every event, in log order; when
 *      some fired, alert_names: the customers' and teams' names;
 *   3. alert_raise: each alert once per (rule, subject, window) — the dedupe
 *      key is set in the same script that stores the alert, adds it to the
 *      alert stream, the list indexes and the escalation clock (escalate.h) —
 *      the prices seen, and the XACK of the batch's entries. A price that changed since step 1 (another
 *      replica) makes the script do nothing, and the cycle starts again at 1.
 * An entry redelivered after a crash anywhere in between is evaluated again
 * and its alerts are found raised already: never twice, never lost.
 * A batch without an event any event rule looks at (alert_type_evaluated) is
 * only acknowledged.
 *
 * Bus: SUB bound at cfg.changes_endpoint ("kpi.changed.v1" from scorers: only
 * a wake-up, the events are read from the log; it also reads once a second);
 * PUB bound at cfg.alerts_endpoint ("alert.raised.v1" wakes the gateways'
 * SSE hubs, which read the alert stream: the stream is the truth).
 */
#ifndef NQ_ALERTING_H
#define NQ_ALERTING_H

#include "nq/service.h"
#include "readsize.h"
#include "rules.h"
#include "settings.h"

#define ALERTING_RECLAIM_ENTRIES 16   /* entries taken over per reclaim */
#define ALERTING_POLL_MS         1000 /* reads even without a nudge */
#define ALERTING_RECLAIM_MS      2000 /* how often it looks for a dead replica's entries */
#define ALERTING_RECLAIM_IDLE_MS 5000 /* pending this long: its replica is taken for dead */
#define ALERTING_RETRIES         8    /* cycles started again after a price conflict */
#define ALERTING_STATS_POLLS     10   /* cycle timings reported (info) every this many polls */

typedef struct alerting alerting_t;

void *alerting_new(nq_service_t *svc);

/* The keys every call of the raise script names first: the log, the alerts'
 * stream, the last prices, the alerts' list and open indexes, the escalation
 * clock, the auto-resolve records; each alert's own keys follow (alerting_alert_keys). */
void alerting_raise_keys(nq_redis_args_t *a);
/* The same with `stream` (whose entries the raise acknowledges) in the log's place. */
void alerting_raise_keys_of(nq_redis_args_t *a, const char *stream);

/* The settings of `team`: the defaults with the team's overrides found in
 * `teams` (alert_context's [team, JSON, ...]; overrides that do not read are
 * left out). */
void alerting_team_config(alert_config_t *out, const alert_config_t *defaults,
                          const redisReply *teams, const char *team);

/* Append the keys ALERT_RAISE takes for one alert of draft d raised at
 * raised_at for `team` ("" none): its dedupe key, its hash, its rule's,
 * team's and salesperson's indexes; its id (raise time, then a hash of the
 * dedupe key) written to id. */
void alerting_alert_keys(nq_redis_args_t *a, const alert_draft_t *d, const char *team, char *id,
                         size_t id_len, int64_t raised_at);
/* Append ALERT_RAISE's arguments for one alert: its id, `alert` packed
 * (its id left out), when it escalates (Unix ms, 0 never) and the field of its
 * auto-resolve record in NQ_KEY_ALERT_TIMER_OPEN ("" none), written in the same
 * script as the alert. No memory: a->failed. */
void alerting_alert_args(nq_redis_args_t *a, const char *id, const Nq__Alert *alert, int64_t due,
                         const char *open);
/* Make room for one more element in *arr of n (capacity *cap), the new room zeroed.
 * 0, or -1 (no memory; *arr unchanged). */
int alerting_grow(void **arr, size_t n, size_t *cap, size_t size);

void alerting_stop(void *alerting);
void alerting_free(void *app);

#endif
