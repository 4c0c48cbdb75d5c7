/* services/alerting/rules.h — the alert rule table (pure).
 *
 * One row per rule: {key, kind, severity, event types, parameters with their
 * defaults, evaluate, describe}. Adding a rule is adding a row (rules.c) and
 * its lines in docs/alerts.md. Event rules evaluate one event; schedule
 * rules (no event types, no evaluate) are run by the scheduler (sched.h)
 * with their pure checks in schedule.h, and describe their drafts here.
 *
 * evaluate() looks at one stored activity with the rule's settings for the
 * salesperson's team (settings.h) and what alerting knows besides the event
 * (alert_ctx_t: the last competitor price), and when the rule fires fills an
 * alert draft: the dedupe key's subject and window (the rule fires once per
 * (rule, subject, window)), the numbers that triggered it. describe() then
 * writes the zh-CN and English title and explanation with the names of the
 * salesperson, team and customer, once they are looked up.
 *
 * An event-time rule is about the event as it happened ("a big order came
 * in"): alert_rule_fires() lets it fire only for an event that occurred
 * within the recency window, so a backfill of last month's orders raises
 * nothing "now".
 *
 *   alert_draft_t d;
 *   for (size_t i = 0; i < alert_rules_count; i++)
 *       if (alert_rule_fires(&alert_rules[i], ev, &cfg->rule[i], &ctx, recency, now, &d))
 *           ... look up names, alert_rules[i].describe(&d, &names), store d ...
 */
#ifndef NQ_ALERTING_RULES_H
#define NQ_ALERTING_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/kpi.h"

#define ALERT_PARAMS_MAX  3                              /* parameters of one rule */
#define ALERT_RULES_MAX   16                             /* rows of the table */
#define ALERT_METRICS_ALL ((1LL << NQ_METRIC_COUNT) - 1) /* a METRICS parameter: every metric */

/* Signal rules read the customers service's signals stream (sigread.h, custsig.h). */
typedef enum {
    ALERT_KIND_EVENT,
    ALERT_KIND_TIMER,
    ALERT_KIND_SCHEDULE,
    ALERT_KIND_SIGNAL,
} alert_kind_t;

/* How a parameter reads and prints: money (yuan in JSON, fen inside), a
 * whole number, one of its choices (the index inside), or a time of day. */
typedef enum {
    ALERT_PARAM_MONEY,
    ALERT_PARAM_INT,
    ALERT_PARAM_CHOICE,
    ALERT_PARAM_TIME,    /* a time of day "HH:MM" (minutes after midnight inside) */
    ALERT_PARAM_METRICS, /* metrics of nq/kpi.h: "all" or an array of names (bit m inside) */
} alert_param_type_t;

typedef struct alert_param {
    const char *name;           /* "min_amount" */
    alert_param_type_t type;    /* how it reads */
    int64_t def;                /* company default (fen for money, index for a choice) */
    int64_t min, max;           /* allowed range, inclusive (MONEY, INT) */
    const char *const *choices; /* CHOICE: the names, NULL-terminated */
    const char *what;           /* one line for the docs and errors */
} alert_param_t;

/* One rule's settings: on or off, its parameters' values in row order, and
 * how long an alert of it may stay unacknowledged before it escalates. */
typedef struct alert_settings {
    bool enabled;                /* off: the rule raises nothing */
    int64_t v[ALERT_PARAMS_MAX]; /* parameter values */
    int64_t escalate_min;        /* escalate_after_min: minutes, 0 = never */
} alert_settings_t;

/* What an evaluator knows besides the event. */
typedef struct alert_ctx {
    bool has_last_price; /* competitor_price: an earlier observation of this competitor+product */
    int64_t last_price_fen; /* its price */
    int64_t last_price_at;  /* when it was observed, Unix ms */
} alert_ctx_t;

/* What a rule produces; strings are held inside. */
typedef struct alert_draft {
    const char *rule;            /* rule key, static */
    const char *severity;        /* info / warning / critical, static */
    char subject[400];           /* what it is about: an order, a customer, a ticket, ... */
    char window[136];            /* with subject: the same (rule, subject, window) fires once */
    char title[512];             /* zh-CN */
    char title_en[512];          /* English */
    char explanation[768];       /* zh-CN */
    char explanation_en[768];    /* English */
    char link[200];              /* console path */
    char salesperson_id[72];     /* who it is about */
    char customer_id[72];        /* customer involved, "" if none */
    char event_id[136];          /* event that fired it */
    char event_type[32];         /* its type */
    char order_id[136];          /* order involved, "" if none */
    char ticket_id[136];         /* ticket involved, "" if none */
    char priority[16];           /* ticket priority, "" if none */
    char competitor[136];        /* competitor_price */
    char product[136];           /* competitor_price */
    int64_t amount_fen;          /* amount involved, 0 if none */
    int64_t threshold_fen;       /* money threshold crossed, 0 if none */
    int64_t price_fen;           /* competitor_price: observed */
    int64_t previous_price_fen;  /* competitor_price: the observation before */
    double drop_pct;             /* competitor_price: down by this percentage */
    int32_t rating, nps;         /* negative_feedback: as given (-1: not given) */
    int32_t max_rating, max_nps; /* negative_feedback: the thresholds */
    int64_t occurred_at;         /* when that event happened, Unix ms (0: not known) */
    char customer_class[16];     /* timer rules: the customer's class */
    int32_t days, max_days;      /* customer timers: days without contact, the limit (0: none) */
    int32_t hours, max_hours;    /* ticket_sla: hours open, the SLA (0: none) */
    char metric[32];             /* behind_pace: the metric behind */
    char period[16];       /* schedule rules: the period looked at ("2026-12", "2026-12-07") */
    double actual, target; /* behind_pace: the metric's value and target (fen for money) */
    double pace;           /* behind_pace: actual / plan to date */
    int32_t min_pace_pct;  /* behind_pace: the threshold, percent */
    double gap;            /* behind_pace: plan to date - actual, what it takes */
    int32_t at_minute;     /* schedule rules: the run's time, minutes after midnight */
    char team_id[72];      /* a team's alert (behind_pace, targets_missed): the team, "" none */
    double attainment;     /* targets_missed: actual / target of the closed period */
    int32_t min_attainment_pct; /* targets_missed: the threshold, percent */
    bool target_derived;        /* targets_missed: the target is derived from the months' */
    char period_kind[8];        /* targets_missed: month, quarter or year */
    int64_t balance_fen;        /* credit_limit: open balance before the order */
    int64_t headroom_fen; /* credit_limit: limit - balance (0 with no limit: see has_headroom) */
    bool has_headroom;    /* credit_limit */
    int64_t due_at;       /* pool_warning: pool time; invoice_past_due: the due date (0: none) */
    char invoice_id[136]; /* invoice_past_due */
} alert_draft_t;

/* Display names; "" when unknown (the id is shown then). */
typedef struct alert_names {
    char salesperson[128]; /* 张伟 */
    char customer[128];    /* 杭州金达机电有限公司 */
    char team[128];        /* 华东一组 */
} alert_names_t;

typedef struct alert_rule {
    const char *key;             /* "big_order" */
    alert_kind_t kind;           /* event, timer or schedule */
    const char *severity;        /* info / warning / critical */
    bool event_time;             /* about the event as it happened: only recent events fire */
    const char *const *types;    /* event types it looks at, NULL-terminated */
    const alert_param_t *params; /* its parameters */
    size_t n_params;             /* how many (at most ALERT_PARAMS_MAX) */
    /* Does it fire on ev with settings p (values in row order)? Fills *out when true.
     * NULL for a rule that looks at no event (types empty). */
    bool (*evaluate)(const Nq__Activity *ev, const int64_t *p, const alert_ctx_t *ctx,
                     alert_draft_t *out);
    /* Write the titles, explanations and link of a draft with the names known. */
    void (*describe)(alert_draft_t *d, const alert_names_t *names);
} alert_rule_t;

/* A describe's zh-CN title and explanation: its English ones (each printed
 * from an NQ_REASON template) rendered through the i18n catalogue (nq/i18n.h). */
void alert_draft_zh(alert_draft_t *d);

extern const alert_rule_t alert_rules[];
extern const size_t alert_rules_count;

/* The row of rule `key`, or NULL. */
const alert_rule_t *alert_rule_find(const char *key);

/* The index of parameter `name` in r's params, or -1. */
int alert_param_find(const alert_rule_t *r, const char *name);

/* Does any rule look at events of `type`? (A batch of none is only acknowledged.) */
bool alert_type_watched(const char *type);
/* Does any event rule (kind event) look at events of `type`? The alert rules'
 * cycle (alerting.h) reads only these; timer rules have a cycle of their own. */
bool alert_type_evaluated(const char *type);

/* Did `ev` occur within the last `recency_ms` before now_ms (or after it)?
 * Always true for recency_ms 0; false when ev has no occurred_at. */
bool alert_event_recent(const Nq__Activity *ev, int64_t recency_ms, int64_t now_ms);

/* Rule r on ev: false when s is off, when r does not look at ev's type, or
 * for an event-time rule on an event that is not recent; else
 * r->evaluate(). Fills *out (rule and severity too) when true. */
bool alert_rule_fires(const alert_rule_t *r, const Nq__Activity *ev, const alert_settings_t *s,
                      const alert_ctx_t *ctx, int64_t recency_ms, int64_t now_ms,
                      alert_draft_t *out);

/* An alert's id: when it was raised, then the FNV-1a 64 of its dedupe key
 * `seen`, so ids sort in raise order and the raise script can be told its
 * hash's key: "<13 digits>-<16 hex>". */
void alert_id_make(char *buf, size_t len, int64_t raised_at, const char *seen);

/* Fill an Nq__Alert (already initialised) that points into `d` and `names`;
 * state "open", change "raised", version 1. */
void alert_draft_to_proto(const alert_draft_t *d, const alert_names_t *names, const char *team_id,
                          int64_t raised_at, Nq__Alert *out);

#endif
