/* services/alerting/rules.h — alert rules on applied activities (pure).
 *
 * Each rule is a row {key, severity, event_time, evaluate, title}.
 * evaluate() looks at one applied activity and, when the rule fires, fills an
 * alert draft with a dedupe subject (the same rule never fires twice for the
 * same subject); title() then writes its zh-CN and English titles with the
 * names of the salesperson and customer, once they are looked up.
 *
 * An event-time rule is about the event as it happened ("a big order came
 * in"): alert_rule_fires() lets it fire only for an event that occurred
 * within the recency window, so a backfill of last month's orders raises
 * nothing "now".
 *
 *   alert_draft_t d;
 *   for (size_t i = 0; i < alert_rules_count; i++)
 *       if (alert_rule_fires(&alert_rules[i], ev, &thresholds, nq_now_ms(), &d)) ... store d ...
 */
#ifndef NQ_ALERTING_RULES_H
#define NQ_ALERTING_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"

/* Rule settings, from the configuration. */
typedef struct alert_thresholds {
    int64_t big_order_fen; /* an order at or above this is a big order */
    int64_t recency_ms;    /* event-time rules: only events this recent fire (0: any age) */
} alert_thresholds_t;

/* What a rule produces; strings are held inside. */
typedef struct alert_draft {
    const char *rule;        /* rule key, static */
    const char *severity;    /* info / warning / critical, static */
    char subject[160];       /* dedupe subject: the same (rule, subject) fires once */
    char title[512];         /* zh-CN */
    char title_en[512];      /* English */
    char salesperson_id[72]; /* who it is about */
    char customer_id[72];    /* customer involved, "" if none */
    char event_id[136];      /* event that fired it */
    int64_t amount_fen;      /* amount involved, 0 if none */
    int64_t occurred_at;     /* when that event happened, Unix ms (0: not known) */
} alert_draft_t;

/* Display names for titles; "" when unknown (the id is shown then). */
typedef struct alert_names {
    char salesperson[128]; /* 张伟 */
    char customer[128];    /* 杭州金达机电有限公司 */
} alert_names_t;

typedef struct alert_rule {
    const char *key;      /* "big_order" */
    const char *severity; /* default severity */
    bool event_time;      /* about the event as it happened: fires only for recent events */
    bool (*evaluate)(const Nq__Activity *ev, const alert_thresholds_t *t, alert_draft_t *out);
    /* Write the zh-CN and English titles of a draft with the names known. */
    void (*title)(alert_draft_t *d, const alert_names_t *names);
} alert_rule_t;

extern const alert_rule_t alert_rules[];
extern const size_t alert_rules_count;

/* Did `ev` occur within the last `recency_ms` before now_ms (or after it)?
 * Always true for recency_ms 0; false when ev has no occurred_at. */
bool alert_event_recent(const Nq__Activity *ev, int64_t recency_ms, int64_t now_ms);

/* Rule r on ev at now_ms: false for an event-time rule on an event that is
 * not recent (t->recency_ms), else r->evaluate(). Fills *out when true. */
bool alert_rule_fires(const alert_rule_t *r, const Nq__Activity *ev, const alert_thresholds_t *t,
                      int64_t now_ms, alert_draft_t *out);

/* Fill an Nq__Alert (already initialised) that points into `d`. */
void alert_draft_to_proto(const alert_draft_t *d, int64_t raised_at, Nq__Alert *out);

#endif
