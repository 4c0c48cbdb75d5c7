/* services/alerting/timerules.h — the deadlines of timer rules (pure).
 *
 * Timer rules fire on something that did NOT happen by a deadline:
 *   customer_not_visited  no visit, call or meeting with a customer for the
 *                         days of its class (key 7, normal 30, potential 14);
 *   followup_due          the follow-up date the customers service keeps for
 *                         the customer (nq:cust:<id> followup_due_at, by the
 *                         team's cadence, services/customers/followup.h) passed;
 *   ticket_sla            a ticket not closed within its priority's hours
 *                         (urgent 4, high 24, normal 72);
 *   invoice_past_due      an invoice still open (nq/receivable.h: payments
 *                         applied oldest first, as the receivables figures)
 *                         more than grace_days after its due date; subject
 *                         "<customer>/<invoice id>". A payment sets its
 *                         customer's recheck ("invoice_past_due|<customer>",
 *                         due at once): the open alerts of the invoices it
 *                         settled, and the customer's open credit alert when
 *                         its balance is back under the limit, auto-resolve
 *                         (timer_settled).
 * Their rows are in the rule table (rules.c) with their parameters; this
 * module says what an event of the activity log does to their deadlines
 * (timer_plan_event: set or move a deadline, or clear it) and, when a deadline
 * comes due, what the rule does with the facts read then (timer_check: fire,
 * look again at a later due time, or drop). Days are local days as for
 * follow-ups: contacted on day D with N days, a customer is overdue from the
 * local midnight that starts day D + N + 1 (followup_due).
 *
 * A planned deadline is the earliest the rule can fire (the customer's class
 * and cadence are read when it comes due, not from the event), so a due
 * deadline may only be moved later, never missed.
 *
 *   timer_plan_t p[TIMER_PLANS_MAX];
 *   size_t n = timer_plan_event(ev, cfg, followup_zone_offset(), p);
 *   ... when one is due: read timer_facts_t f, then
 *   switch (timer_check(rule, &f, &cfg->rule[i], now, zone, &due, &draft)) ...
 */
#ifndef NQ_ALERTING_TIMERULES_H
#define NQ_ALERTING_TIMERULES_H

#include <stdbool.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/receivable.h"
#include "rules.h"
#include "settings.h"

#define TIMER_PLANS_MAX  8         /* deadlines one event touches */
#define TIMER_RETRY_MS   5000LL    /* an invoice the receivables do not show yet: looked at again */
#define TIMER_HOUR_MS    3600000LL /* ticket_sla counts hours */
#define TIMER_MEMBER_MAX 200       /* "<rule>|<subject>" */

typedef enum {
    TIMER_SET,   /* set the deadline, or move it later */
    TIMER_CLEAR, /* the clock stops: remove the deadline */
} timer_op_t;

/* What one event does to one rule's deadline. */
typedef struct timer_plan {
    const char *rule;  /* rule key, static */
    timer_op_t op;     /* set or clear */
    bool resolves;     /* the condition cleared: an open alert of (rule, subject) resolves */
    char subject[136]; /* the customer or the ticket */
    int64_t due;       /* TIMER_SET: the earliest the rule can fire, Unix ms */
    int64_t at;        /* when the event happened, Unix ms */
} timer_plan_t;

/* What a due deadline is checked against, read when it comes due. */
typedef struct timer_facts {
    bool found;                 /* the customer (ticket_sla: the opening event) is known */
    int cls;                    /* the customer's class index (followup_class), -1 unknown */
    int64_t last_contact;       /* its last visit, call or meeting, Unix ms (0: none) */
    int64_t followup_due;       /* followup_due_at as the customers service stores it (0: none) */
    int cadence_days;           /* its cadence as stored (0: unknown) */
    const char *owner;          /* the customer's owner now ("" or NULL: none) */
    const char *customer;       /* the customer id */
    const Nq__Activity *opened; /* ticket_sla: the ticket_opened event */
    const nq_ar_t *ar;          /* invoice_past_due: the customer's receivables, applied at now */
    const char *invoice;        /* invoice_past_due: the invoice id */
} timer_facts_t;

typedef enum {
    TIMER_FIRE,  /* the deadline passed: *d is filled */
    TIMER_LATER, /* not yet: look again at *due */
    TIMER_DROP,  /* nothing to wait for any more */
} timer_verdict_t;

/* Does any timer rule's deadline move with events of `type`? */
bool timer_type_watched(const char *type);

/* The deadlines event ev touches with settings cfg (indexed like
 * alert_rules[]), into out; how many. Events without a time, a customer (a
 * contact) or a ticket (ticket events) touch none; nor a rule turned off. */
size_t timer_plan_event(const Nq__Activity *ev, const alert_config_t *cfg, int64_t zone_offset,
                        timer_plan_t out[TIMER_PLANS_MAX]);

/* Rule r (a timer row) with settings s on facts f at now. TIMER_FIRE fills
 * *d (rule, severity, subject, window, who, the numbers; titles come from
 * r->describe); TIMER_LATER sets *due (> now). */
timer_verdict_t timer_check(const alert_rule_t *r, const timer_facts_t *f,
                            const alert_settings_t *s, int64_t now, int64_t zone_offset,
                            int64_t *due, alert_draft_t *d);

/* invoice_past_due: split subject "<customer>/<invoice>" (invoice "" for a
 * customer's recheck). -1 when it does not fit. */
int timer_invoice_subject(const char *subject, char *customer, size_t clen, char *invoice,
                          size_t ilen);

/* A customer's recheck after a payment: into out (at most max), a TIMER_CLEAR
 * that resolves for each invoice of ar (applied at now) whose deadline passed
 * (due + grace_days) and is settled now, and, when limit_fen >= 0 and the
 * balance at now is under it, for each of the customer's flagged orders
 * (their timeline refs, the "c|<ref>" facts): "credit_limit|<customer>/<ref>".
 * How many. */
size_t timer_settled(const nq_ar_t *ar, const char *customer, int64_t limit_fen,
                     const char *const *flagged, size_t n_flagged, const alert_settings_t *s,
                     int64_t now, int64_t zone_offset, timer_plan_t *out, size_t max);

/* Whole local days from day(from) to day(to) (0 the same day). */
int timer_local_days(int64_t from, int64_t to, int64_t zone_offset);

/* "<rule>|<subject>": a deadline's member of the timer set. -1 when it does not fit. */
int timer_member(char *buf, size_t len, const char *rule, const char *subject);
/* Split a member back: the rule's row and *subject pointing into member; NULL when unknown. */
const alert_rule_t *timer_member_parse(const char *member, const char **subject);

/* The timer rows' evaluators (they never fire on an event: their deadline
 * engine fires them) and describe functions, for the rule table. */
bool timer_on_event(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                    alert_draft_t *out);
void timer_not_visited_describe(alert_draft_t *d, const alert_names_t *names);
void timer_followup_describe(alert_draft_t *d, const alert_names_t *names);
void timer_sla_describe(alert_draft_t *d, const alert_names_t *names);
void timer_invoice_describe(alert_draft_t *d, const alert_names_t *names);

#endif
