/* services/alerting/rules.h — alert rules on applied activities (pure).
 *
 * Each rule is a row {key, severity, evaluate, title}. evaluate() looks at
 * one applied activity and, when the rule fires, fills an alert draft with a
 * dedupe subject (the same rule never fires twice for the same subject);
 * title() then writes its zh-CN and English titles with the names of the
 * salesperson and customer, once they are looked up.
 *
 *   alert_draft_t d;
 *   for (size_t i = 0; i < alert_rules_count; i++)
 *       if (alert_rules[i].evaluate(ev, &thresholds, &d)) ... store d ...
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
} alert_draft_t;

/* Display names for titles; "" when unknown (the id is shown then). */
typedef struct alert_names {
    char salesperson[128]; /* 张伟 */
    char customer[128];    /* 杭州金达机电有限公司 */
} alert_names_t;

typedef struct alert_rule {
    const char *key;      /* "big_order" */
    const char *severity; /* default severity */
    bool (*evaluate)(const Nq__Activity *ev, const alert_thresholds_t *t, alert_draft_t *out);
    /* Write the zh-CN and English titles of a draft with the names known. */
    void (*title)(alert_draft_t *d, const alert_names_t *names);
} alert_rule_t;

extern const alert_rule_t alert_rules[];
extern const size_t alert_rules_count;

/* Fill an Nq__Alert (already initialised) that points into `d`. */
void alert_draft_to_proto(const alert_draft_t *d, int64_t raised_at, Nq__Alert *out);

#endif
