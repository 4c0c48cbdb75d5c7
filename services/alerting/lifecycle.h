/* services/alerting/lifecycle.h — what people do with an alert (pure).
 *
 * An alert is open -> acknowledged -> resolved (or open -> resolved). At any
 * state but resolved it can be assigned to someone; it can be commented on at
 * any state. Each action is a row {name, states it may start from, state it
 * leads to, what it sets}; an action from a state it may not start from is
 * refused with a reason (HTTP 409). Every action bumps the alert's version,
 * sets updated_at and names itself in `change` (the alert stream entry that
 * carries it to the SSE stream says what happened).
 *
 * Escalation is not a person's action: nq-alerting applies it to an alert still
 * open when its rule's escalate_after_min has passed (alert_escalate: the state
 * stays open, the severity is kept, escalated_at is set, change "escalated").
 * Acknowledging or resolving stops the escalation clock; assigning and
 * commenting do not (alert_escalation_stops).
 *
 * Bodies (JSON objects; every field optional unless said):
 *   ack, resolve   {"comment": text, "author": id}
 *   assign         {"assignee": id (required), "comment", "author"}
 *   comment        {"text": text (required), "author": id}
 *
 *   alert_action_t act; alert_input_t in; nq_field_errors_t errs = {0};
 *   if (alert_action_find("ack", &act) != 0) ... 404 ...
 *   if (alert_input_parse(act, body, &in, &errs) != 0) ... 400 ...
 *   const char *why;
 *   if (alert_act(alert, act, &in, now, &why) != 0) ... 409 why ...
 */
#ifndef NQ_ALERTING_LIFECYCLE_H
#define NQ_ALERTING_LIFECYCLE_H

#include <jansson.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"

#define ALERT_TEXT_MAX     2000 /* bytes of a comment */
#define ALERT_COMMENTS_MAX 200  /* comments on one alert */

typedef enum { ALERT_ACK, ALERT_RESOLVE, ALERT_ASSIGN, ALERT_COMMENT } alert_action_t;

/* An action's input, pointing into the parsed body. */
typedef struct alert_input {
    const char *assignee; /* assign */
    const char *text;     /* comment text, or the optional comment of another action; NULL none */
    const char *author;   /* who wrote it; NULL unknown */
} alert_input_t;

/* The action named `name` ("ack", "resolve", "assign", "comment"). 0, or -1. */
int alert_action_find(const char *name, alert_action_t *act);

/* Is `state` one an alert can be in? */
bool alert_state_valid(const char *state);

/* Check a body (NULL: empty) for action `act`. Returns 0 with *in pointing
 * into body, or -1 with the reasons in errs. */
int alert_input_parse(alert_action_t act, const json_t *body, alert_input_t *in,
                      nq_field_errors_t *errs);

/* Apply `act` to alert a (unpacked by protobuf-c with the default allocator:
 * fields it replaces are freed, new ones malloc'ed). Returns 0, or -1 with
 * *why (static) when the alert's state does not allow it; a is untouched then. */
int alert_act(Nq__Alert *a, alert_action_t act, const alert_input_t *in, int64_t now,
              const char **why);

/* Escalate alert a at now: only an open alert not escalated before. Returns
 * 0 (escalated_at, change "escalated", updated_at, version + 1), or -1 with
 * *why (static) when a is acknowledged, resolved or escalated already. */
int alert_escalate(Nq__Alert *a, int64_t now, const char **why);

/* Resolve alert a at now because its condition cleared (a timer rule's
 * customer got a visit, its ticket closed): state resolved, resolve_reason
 * "auto", change "resolved", like ALERT_RESOLVE otherwise. Returns 0, or -1
 * with *why (static) when a is resolved already. */
int alert_auto_resolve(Nq__Alert *a, int64_t now, const char **why);

/* Is a, as stored after a change, off the escalation clock (not open any
 * more, or escalated)? The change's script then removes it from the clock. */
bool alert_escalation_stops(const Nq__Alert *a);

#endif
