/* settings.c — rule settings per team. See settings.h. */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/money.h"
#include "quiet.h"

static const char *const kind_names[] = {"event", "timer", "schedule", "signal"};

/* escalate_after_min reads like an INT parameter of every rule. */
static const alert_param_t escalate_param = {
    "escalate_after_min",
    ALERT_PARAM_INT,
    ALERT_ESCALATE_DEFAULT_MIN,
    0,
    ALERT_ESCALATE_MAX_MIN,
    NULL,
    "minutes an alert may stay open before it escalates (0: never)"};

void alert_config_defaults(alert_config_t *c, int64_t big_order_fen)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < alert_rules_count; i++) {
        c->rule[i].enabled = true;
        c->rule[i].escalate_min =
            strcmp(alert_rules[i].severity, "info") == 0 ? 0 : ALERT_ESCALATE_DEFAULT_MIN;
        for (size_t k = 0; k < alert_rules[i].n_params; k++)
            c->rule[i].v[k] = alert_rules[i].params[k].def;
    }
    const alert_rule_t *big = alert_rule_find("big_order");
    if (big && big_order_fen > 0)
        c->rule[big - alert_rules].v[alert_param_find(big, "min_amount")] = big_order_fen;
}

int alert_config_company(alert_config_t *c, const nq_config_t *cfg, char *err, size_t errlen)
{
    alert_config_defaults(c, cfg->big_order_fen);
    for (const char *p = cfg->alert_rules_off; *p;) {
        size_t n = strcspn(p, ",");
        const alert_rule_t *r = NULL;
        for (size_t i = 0; i < alert_rules_count && !r; i++)
            if (strlen(alert_rules[i].key) == n && strncmp(alert_rules[i].key, p, n) == 0)
                r = &alert_rules[i];
        if (!r && n > 0) {
            snprintf(err, errlen, "NQ_ALERT_RULES_OFF: no rule \"%.*s\"", (int)n, p);
            return -1;
        }
        if (r)
            c->rule[r - alert_rules].enabled = false;
        p += n + (p[n] == ',');
    }
    return 0;
}

/* A METRICS parameter: "all", or a non-empty array of metric names, each
 * once, into a mask (bit m for metric m). Returns 0, or -1 with the reason. */
static int read_metrics(const json_t *j, int64_t *v, const char *field, nq_field_errors_t *errs)
{
    if (json_is_string(j) && strcmp(json_string_value(j), "all") == 0) {
        *v = ALERT_METRICS_ALL;
        return 0;
    }
    if (!json_is_array(j) || json_array_size(j) == 0) {
        nq_field_errors_add(errs, field, "must be \"all\" or a non-empty array of metric names");
        return -1;
    }
    size_t i;
    json_t *name;
    *v = 0;
    json_array_foreach ((json_t *)j, i, name) {
        int m = json_is_string(name) ? nq_metric_find(json_string_value(name)) : -1;
        if (m < 0) {
            nq_field_errors_add(errs, field, "unknown metric (see docs/metrics.md)");
            return -1;
        }
        if (*v & (1LL << m)) {
            nq_field_errors_add(errs, field, "metric given twice");
            return -1;
        }
        *v |= 1LL << m;
    }
    return 0;
}

/* Read one parameter's JSON value into *v. Returns 0, or -1 with the reason
 * added to errs under `field`. */
static int read_param(const alert_param_t *p, const json_t *j, int64_t *v, const char *field,
                      nq_field_errors_t *errs)
{
    const char *why = NULL;
    switch (p->type) {
    case ALERT_PARAM_MONEY:
        if (json_is_string(j))
            nq_money_parse(json_string_value(j), v, &why);
        else if (json_is_integer(j) && llabs(json_integer_value(j)) <= NQ_MONEY_MAX_FEN / 100)
            *v = (int64_t)json_integer_value(j) * 100;
        else if (json_is_real(j))
            nq_money_from_double(json_real_value(j), v, &why);
        else
            why = "must be an amount in yuan (\"50000.00\")";
        break;
    case ALERT_PARAM_INT:
        if (json_is_integer(j))
            *v = json_integer_value(j);
        else
            why = "must be a whole number";
        break;
    case ALERT_PARAM_CHOICE:
        for (int64_t i = 0; json_is_string(j) && p->choices[i]; i++) {
            if (strcmp(json_string_value(j), p->choices[i]) == 0) {
                *v = i;
                return 0;
            }
        }
        char list[120] = "";
        for (size_t i = 0; p->choices[i]; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                     p->choices[i]);
        nq_field_errors_add(errs, field, "must be one of %s", list);
        return -1;
    case ALERT_PARAM_TIME:
        *v = quiet_hhmm(json_string_value(j));
        if (*v < 0)
            why = "must be a time of day HH:MM";
        break;
    case ALERT_PARAM_METRICS:
        return read_metrics(j, v, field, errs);
    }
    if (why) {
        nq_field_errors_add(errs, field, "%s", why);
        return -1;
    }
    if (*v >= p->min && *v <= p->max)
        return 0;
    if (p->type == ALERT_PARAM_MONEY)
        nq_field_errors_add(errs, field, "must be greater than 0");
    else
        nq_field_errors_add(errs, field, "must be from %lld to %lld", (long long)p->min,
                            (long long)p->max);
    return -1;
}

static json_t *param_json(const alert_param_t *p, int64_t v)
{
    if (p->type == ALERT_PARAM_MONEY) {
        char yuan[NQ_MONEY_BUF];
        nq_money_format(v, yuan, sizeof(yuan));
        return json_string(yuan);
    }
    if (p->type == ALERT_PARAM_CHOICE)
        return json_string(p->choices[v]);
    if (p->type == ALERT_PARAM_METRICS) {
        if (v == ALERT_METRICS_ALL)
            return json_string("all");
        json_t *names = json_array();
        for (int m = 0; names && m < NQ_METRIC_COUNT; m++)
            if (v & (1LL << m))
                json_array_append_new(names, json_string(nq_metric_defs[m].name));
        return names;
    }
    if (p->type == ALERT_PARAM_TIME) {
        char hhmm[8];
        snprintf(hhmm, sizeof(hhmm), "%02d:%02d", (int)(v / 60) % 24, (int)(v % 60));
        return json_string(hhmm);
    }
    return json_integer(v);
}

/* Apply one rule's object onto s, adding what was given to canon. */
static void apply_rule(const alert_rule_t *r, const json_t *obj, alert_settings_t *s, json_t *canon,
                       nq_field_errors_t *errs)
{
    char field[160];
    const char *name;
    json_t *val;
    json_object_foreach ((json_t *)obj, name, val) {
        snprintf(field, sizeof(field), "rules.%s.%s", r->key, name);
        if (strcmp(name, "enabled") == 0) {
            if (!json_is_boolean(val)) {
                nq_field_errors_add(errs, field, "must be true or false");
                continue;
            }
            s->enabled = json_is_true(val);
            json_object_set_new(canon, name, json_boolean(s->enabled));
            continue;
        }
        int k = alert_param_find(r, name);
        bool escalate = strcmp(name, escalate_param.name) == 0;
        if (k < 0 && !escalate) {
            nq_field_errors_add(errs, field, "unknown parameter of rule %s", r->key);
            continue;
        }
        const alert_param_t *p = escalate ? &escalate_param : &r->params[k];
        int64_t v;
        if (read_param(p, val, &v, field, errs) != 0)
            continue;
        *(escalate ? &s->escalate_min : &s->v[k]) = v;
        json_object_set_new(canon, name, param_json(p, v));
    }
}

int alert_config_apply(alert_config_t *c, const json_t *overrides, json_t **canon,
                       nq_field_errors_t *errs)
{
    if (canon)
        *canon = NULL;
    size_t before = errs->n + errs->dropped;
    alert_config_t next = *c;
    json_t *out = json_object();
    if (overrides && !json_is_object(overrides))
        nq_field_errors_add(errs, "rules", "must be an object of rule -> settings");
    const char *key;
    json_t *obj;
    json_object_foreach ((json_t *)overrides, key, obj) {
        char field[160];
        snprintf(field, sizeof(field), "rules.%s", key);
        const alert_rule_t *r = alert_rule_find(key);
        if (!r) {
            nq_field_errors_add(errs, field, "unknown rule");
            continue;
        }
        if (!json_is_object(obj)) {
            nq_field_errors_add(errs, field, "must be an object of parameter -> value");
            continue;
        }
        json_t *rc = json_object();
        apply_rule(r, obj, &next.rule[r - alert_rules], rc, errs);
        json_object_set_new(out, key, rc);
    }
    if (errs->n + errs->dropped != before) {
        json_decref(out);
        return -1;
    }
    *c = next;
    if (canon)
        *canon = out;
    else
        json_decref(out);
    return 0;
}

static json_t *settings_json(const alert_rule_t *r, const alert_settings_t *s)
{
    json_t *params = json_object();
    for (size_t k = 0; k < r->n_params; k++)
        json_object_set_new(params, r->params[k].name, param_json(&r->params[k], s->v[k]));
    return json_pack("{s:b, s:o, s:I}", "enabled", s->enabled, "params", params,
                     escalate_param.name, (json_int_t)s->escalate_min);
}

int64_t alert_escalate_due(const alert_settings_t *s, int64_t raised_at, int64_t unit_ms)
{
    if (!s->enabled || s->escalate_min <= 0)
        return 0;
    return raised_at + s->escalate_min * unit_ms;
}

json_t *alert_config_json(const alert_config_t *eff, const alert_config_t *defaults)
{
    json_t *list = json_array();
    for (size_t i = 0; i < alert_rules_count; i++) {
        const alert_rule_t *r = &alert_rules[i];
        json_t *row = settings_json(r, &eff->rule[i]);
        json_object_set_new(row, "rule", json_string(r->key));
        json_object_set_new(row, "kind", json_string(kind_names[r->kind]));
        json_object_set_new(row, "severity", json_string(r->severity));
        json_object_set_new(row, "defaults", settings_json(r, &defaults->rule[i]));
        json_array_append_new(list, row);
    }
    return list;
}
