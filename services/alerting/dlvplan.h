/* services/alerting/dlvplan.h — the delivery queue's decisions (pure).
 *
 * A delivery is one alert (or test message) to one channel; its id is
 * "<alert id>/<team>/<channel>" (ids never hold '/'), from which every key of
 * it is computed; the alert's escalation (escalate.h) is a delivery of its
 * own, "<alert id>/<team>/<channel>/escalated", recorded apart ("<team>/
 * <channel>/escalated") so that it is never taken for the first one. Its record (JSON in the alert's record hash, shown by
 * GET /api/v1/alerts/{id}) says where it stands:
 *
 *   {"channel":"ch-1a2b","kind":"wecom","state":"queued","attempts":0,
 *    "first_at":ms,"next_at":ms,"sent_at":0,"error":"","digest":0}
 *
 * state: queued (waiting or being retried), held (the team's quiet hours), sent, dead (given up after the
 * retry window: a dead letter until redriven), dropped (its channel was
 * deleted). A failed attempt is retried after an exponential backoff with
 * jitter (dlv_backoff_ms) until the window since first_at has passed; the last
 * try is at the window's end. A channel's rate limit is kept per minute: when
 * more deliveries are due than it may still take, they go as one digest
 * (dlv_plan), and when it may take none they wait.
 *
 *   dlv_id_t id;
 *   if (dlv_id_parse("1796...-9c0a/t-east/ch-1", &id) != 0) ... not a delivery ...
 *   int64_t next = now + dlv_backoff_ms(attempts, base, cap, rnd);
 */
#ifndef NQ_ALERTING_DLVPLAN_H
#define NQ_ALERTING_DLVPLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DLV_TEST_PREFIX "test-"     /* the alert id part of a test message's delivery */
#define DLV_TEST_TTL_S  (7 * 86400) /* a test message's record is kept */

/* A delivery id's parts. */
typedef struct dlv_id {
    char alert[80];   /* alert id, or "test-<hex>" */
    char team[72];    /* the team */
    char channel[72]; /* the channel */
    char field[160];  /* "<team>/<channel>[/escalated]": the record's field in the alert's hash */
    bool escalated;   /* the alert's escalation, not its first delivery */
} dlv_id_t;

#define DLV_ESCALATED "escalated" /* the last part of an escalation's delivery id */

/* Split "<alert>/<team>/<channel>[/escalated]". Returns 0, or -1 when it is not one. */
int dlv_id_parse(const char *s, dlv_id_t *out);
/* Is it a test message's delivery? */
bool dlv_id_is_test(const dlv_id_t *id);

/* A delivery's record. */
typedef struct dlv_record {
    char channel[72]; /* the channel's id */
    char kind[16];    /* its kind when queued */
    char state[12];   /* queued, sent, dead, dropped */
    int attempts;     /* tries so far */
    int64_t first_at; /* queued (or redriven) at, ms: the retry window starts */
    int64_t next_at;  /* due at, ms */
    int64_t sent_at;  /* taken by the receiver at, ms (0: not yet) */
    char error[200];  /* the last failure, "" none */
    int digest;       /* sent as part of a digest of this many (0: alone) */
    int redriven;     /* times redriven from the dead letters */
} dlv_record_t;

/* A new queued record. */
void dlv_record_init(dlv_record_t *r, const char *channel, const char *kind, int64_t now);
/* JSON text (malloc'ed) of r, or NULL. */
char *dlv_record_dump(const dlv_record_t *r);
/* Read JSON text into r. Returns 0 or -1. */
int dlv_record_load(const char *text, dlv_record_t *r);
/* The record as the API shows it (times as they are, ms). New reference. */
json_t *dlv_record_json(const dlv_record_t *r, const char *delivery_id);

/* Delay before attempt `attempts` + 1, after `attempts` (>= 1) failed:
 * base * 2^(attempts-1) capped at cap, then a random point in its upper
 * half (rnd: any random number), so receivers that come back are not hit by
 * every sender at once. */
int64_t dlv_backoff_ms(int attempts, int64_t base_ms, int64_t cap_ms, uint32_t rnd);

/* After a failed attempt at now: 1 with *next_at when to try again (never
 * after the window's end, first_at + window_ms), or 0 when the window is
 * over: a dead letter. */
int dlv_after_failure(const dlv_record_t *r, int64_t now, int64_t window_ms, int64_t base_ms,
                      int64_t cap_ms, uint32_t rnd, int64_t *next_at);

/* How a channel's due deliveries go this round. */
typedef enum {
    DLV_SEND_EACH, /* one message each */
    DLV_DIGEST,    /* all in one digest message */
    DLV_WAIT,      /* the channel takes no more this minute: later */
} dlv_plan_t;

/* n deliveries due to a channel that takes rate messages a minute and had
 * `sent` this minute. */
dlv_plan_t dlv_plan(size_t n, int rate, long long sent);

#endif
