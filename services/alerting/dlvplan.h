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
 * try is at the window's end. A channel's rate limit holds in any rolling
 * window of NQ_DLV_RATE_WINDOW_S: a message's slot is reserved before it is
 * posted; when the channel's backlog is deeper than the window still allows,
 * the due deliveries go as digests (dlv_plan), and when it allows none they wait.
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

/* What the planner knows of one channel in a round. */
typedef struct dlv_budget {
    size_t due;      /* deliveries of the channel taken this round (none held or dropped) */
    long long depth; /* deliveries of the channel in the queue, due or not (a hint: < due is due) */
    int rate;        /* messages the channel takes in any window (rate_per_min) */
    long long spent; /* messages reserved for it in the last window */
    size_t digest_max; /* alerts one digest carries at most (>= 2) */
} dlv_budget_t;

/* How the round's due deliveries go: `messages` messages now, the first
 * `sent` deliveries in them, `per_message` each (the last may carry fewer;
 * 1: each alone); the other due - sent wait for the window to move on. */
typedef struct dlv_split {
    size_t messages;    /* messages to send now */
    size_t per_message; /* deliveries in each (0 when messages is 0) */
    size_t sent;        /* deliveries in them: min(due, messages * per_message) */
} dlv_split_t;

/* Plan a channel's round. While its backlog (depth, or at least the due
 * ones) fits in the first half of the window (what was spent in it plus the
 * backlog, at most half the rate, rounded up), each delivery goes alone;
 * past that the due ones go as full digests (digest_max each), so a burst
 * drains in a few large messages even when it reaches the queue bit by bit,
 * and half the window is kept for what comes after it. Nothing left in the
 * window: all wait. */
dlv_split_t dlv_plan(const dlv_budget_t *b);

#endif
