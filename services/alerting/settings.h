/* services/alerting/settings.h — rule settings per team over company defaults (pure).
 *
 * Every rule of the table (rules.h) has settings: on or off, and its
 * parameters. The company defaults are the table's, with big_order's amount
 * from the configuration (NQ_BIG_ORDER_YUAN). A team may override any of
 * them; its overrides are kept as one JSON object per team (nq:alert:rules,
 * nq/keys.h), in the shape PUT /api/v1/teams/{id}/alert-rules takes:
 *
 *   {"big_order": {"min_amount": "80000.00", "escalate_after_min": 30},
 *    "negative_feedback": {"enabled": false}}
 *
 * Besides "enabled" and its parameters every rule takes "escalate_after_min":
 * an alert of it still open (not acknowledged, not resolved) that long after
 * it was raised escalates (services/alerting/escalate.h); 0 = never. The
 * default is 60 for a rule of severity warning or critical, 0 for info.
 *
 * The gateway checks a PUT with alert_config_apply (an unknown rule or
 * parameter, or a bad value, is refused naming "rules.<rule>.<param>") and
 * stores what it returns as canonical; alerting applies the stored object
 * over the defaults the same way.
 *
 *   alert_config_t c;
 *   alert_config_defaults(&c, cfg->big_order_fen);
 *   if (alert_config_apply(&c, overrides, &canon, &errs) != 0) ... 400 ...
 *   if (alert_rules[i].... c.rule[i].enabled ...
 */
#ifndef NQ_ALERTING_SETTINGS_H
#define NQ_ALERTING_SETTINGS_H

#include <jansson.h>

#include "nq/fielderr.h"
#include "nq/config.h"
#include "rules.h"

#define ALERT_ESCALATE_DEFAULT_MIN 60    /* warning and critical rules */
#define ALERT_ESCALATE_MAX_MIN     10080 /* a week */

/* The settings of every rule, indexed like alert_rules[]. */
typedef struct alert_config {
    alert_settings_t rule[ALERT_RULES_MAX];
} alert_config_t;

/* The company defaults: every rule on, the table's values, big_order's
 * min_amount = big_order_fen (when > 0). */
void alert_config_defaults(alert_config_t *c, int64_t big_order_fen);

/* The company defaults of a process's configuration: alert_config_defaults
 * with cfg's big-order threshold, and the rules of cfg's alert_rules_off
 * turned off. Returns 0, or -1 with the unknown rule named in err. */
int alert_config_company(alert_config_t *c, const nq_config_t *cfg, char *err, size_t errlen);

/* Apply `overrides` (a JSON object as above; NULL: none) onto c. Returns 0,
 * and when canon is not NULL a new canonical object of what was given (money
 * as yuan strings with two decimals, choices by name); or -1 with the reasons
 * in errs (fields "rules", "rules.<rule>", "rules.<rule>.<param>"), c untouched. */
int alert_config_apply(alert_config_t *c, const json_t *overrides, json_t **canon,
                       nq_field_errors_t *errs);

/* When an alert raised at raised_at with settings s escalates, Unix ms: raised_at +
 * s->escalate_min minutes of unit_ms (60000; tests shorten it); 0 when it never
 * does (escalate_min 0, or the rule off). */
int64_t alert_escalate_due(const alert_settings_t *s, int64_t raised_at, int64_t unit_ms);

/* The rules as GET /api/v1/teams/{id}/alert-rules shows them: an array of
 * {rule, kind, severity, enabled, params, escalate_after_min, defaults: {enabled, params,
 * escalate_after_min}}, with
 * the values of `eff` and the defaults of `defaults`. New reference. */
json_t *alert_config_json(const alert_config_t *eff, const alert_config_t *defaults);

#endif
