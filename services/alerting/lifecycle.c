/* lifecycle.c — what people do with an alert. See lifecycle.h. */
#include "lifecycle.h"

#include <stdlib.h>
#include <string.h>

#define OPEN     "open"
#define ACKED    "acknowledged"
#define RESOLVED "resolved"

static const char *const states[] = {OPEN, ACKED, RESOLVED, NULL};

typedef struct action_row {
    const char *name;        /* in the path: /alerts/{id}/<name> */
    const char *change;      /* what the stream entry says */
    const char *to;          /* the state it leads to, NULL: unchanged */
    const char *const *from; /* states it may start from */
    const char *refused;     /* why not, from any other state */
    const char *const *body; /* fields its body may have */
    const char *required;    /* a field its body must have, or NULL */
} action_row_t;

static const char *const from_open[] = {OPEN, NULL};
static const char *const from_unresolved[] = {OPEN, ACKED, NULL};
static const char *const from_any[] = {OPEN, ACKED, RESOLVED, NULL};
static const char *const note_fields[] = {"comment", "author", NULL};
static const char *const assign_fields[] = {"assignee", "comment", "author", NULL};
static const char *const comment_fields[] = {"text", "author", NULL};

static const action_row_t actions[] = {
    [ALERT_ACK] = {"ack", ACKED, ACKED, from_open, "only an open alert can be acknowledged",
                   note_fields, NULL},
    [ALERT_RESOLVE] = {"resolve", RESOLVED, RESOLVED, from_unresolved,
                       "the alert is resolved already", note_fields, NULL},
    [ALERT_ASSIGN] = {"assign", "assigned", NULL, from_unresolved,
                      "a resolved alert cannot be assigned", assign_fields, "assignee"},
    [ALERT_COMMENT] = {"comment", "commented", NULL, from_any, "", comment_fields, "text"},
};
#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

int alert_action_find(const char *name, alert_action_t *act)
{
    for (size_t i = 0; name && i < N_ACTIONS; i++) {
        if (strcmp(actions[i].name, name) == 0) {
            *act = (alert_action_t)i;
            return 0;
        }
    }
    return -1;
}

bool alert_state_valid(const char *state)
{
    return state && nq_one_of(state, states);
}

int alert_input_parse(alert_action_t act, const json_t *body, alert_input_t *in,
                      nq_field_errors_t *errs)
{
    const action_row_t *row = &actions[act];
    size_t before = errs->n + errs->dropped;
    memset(in, 0, sizeof(*in));
    if (body && !json_is_object(body)) {
        nq_field_errors_add(errs, "body", "must be a JSON object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)body, key, v) {
        if (!nq_one_of(key, row->body)) {
            nq_field_errors_add(errs, key, "unknown field for %s", row->name);
            continue;
        }
        const char *s = json_string_value(v);
        bool id = strcmp(key, "assignee") == 0 || strcmp(key, "author") == 0;
        if (!s || (id && !nq_valid_id(s))) {
            nq_field_errors_add(errs, key, "%s", id ? NQ_ID_RULE : "must be a string");
            continue;
        }
        if (!id && (!*s || !nq_valid_text(s, ALERT_TEXT_MAX))) {
            nq_field_errors_add(errs, key, "must be 1-%d bytes of text", ALERT_TEXT_MAX);
            continue;
        }
        if (strcmp(key, "assignee") == 0)
            in->assignee = s;
        else if (strcmp(key, "author") == 0)
            in->author = s;
        else
            in->text = s;
    }
    if (row->required && !json_object_get(body, row->required))
        nq_field_errors_add(errs, row->required, "is required");
    return errs->n + errs->dropped == before ? 0 : -1;
}

static void set_str(char **field, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    free(*field);
    *field = copy;
}

/* Append a comment; -1 when out of memory. */
static int add_comment(Nq__Alert *a, const alert_input_t *in, int64_t now)
{
    Nq__AlertComment *c = malloc(sizeof(*c));
    Nq__AlertComment **list = realloc(a->comments, (a->n_comments + 1) * sizeof(*list));
    if (!c || !list) {
        free(c);
        if (list)
            a->comments = list;
        return -1;
    }
    a->comments = list;
    nq__alert_comment__init(c);
    c->has_at = 1;
    c->at = now;
    c->text = strdup(in->text);
    c->author = in->author ? strdup(in->author) : NULL;
    a->comments[a->n_comments++] = c;
    return 0;
}

int alert_act(Nq__Alert *a, alert_action_t act, const alert_input_t *in, int64_t now,
              const char **why)
{
    const action_row_t *row = &actions[act];
    const char *state = a->state ? a->state : OPEN;
    if (!nq_one_of(state, row->from)) {
        *why = row->refused;
        return -1;
    }
    if (in->text && a->n_comments >= ALERT_COMMENTS_MAX) {
        *why = "the alert has as many comments as it may have";
        return -1;
    }
    if (in->text && add_comment(a, in, now) != 0) {
        *why = "out of memory";
        return -1;
    }
    if (row->to)
        set_str(&a->state, row->to);
    if (act == ALERT_ACK) {
        a->has_acknowledged_at = 1;
        a->acknowledged_at = now;
    } else if (act == ALERT_RESOLVE) {
        a->has_resolved_at = 1;
        a->resolved_at = now;
    } else if (act == ALERT_ASSIGN) {
        set_str(&a->assignee, in->assignee);
    }
    set_str(&a->change, row->change);
    a->has_updated_at = 1;
    a->updated_at = now;
    a->has_version = 1;
    a->version++;
    return 0;
}

int alert_auto_resolve(Nq__Alert *a, int64_t now, const char **why)
{
    alert_input_t none = {0};
    if (alert_act(a, ALERT_RESOLVE, &none, now, why) != 0)
        return -1;
    set_str(&a->resolve_reason, "auto");
    return 0;
}

int alert_escalate(Nq__Alert *a, int64_t now, const char **why)
{
    if (strcmp(a->state ? a->state : OPEN, OPEN) != 0) {
        *why = "only an open alert escalates";
        return -1;
    }
    if (a->has_escalated_at && a->escalated_at) {
        *why = "the alert escalated already";
        return -1;
    }
    a->has_escalated_at = 1;
    a->escalated_at = now;
    set_str(&a->change, "escalated");
    a->has_updated_at = 1;
    a->updated_at = now;
    a->has_version = 1;
    a->version++;
    return 0;
}

bool alert_escalation_stops(const Nq__Alert *a)
{
    return strcmp(a->state ? a->state : OPEN, OPEN) != 0 ||
           (a->has_escalated_at && a->escalated_at);
}
