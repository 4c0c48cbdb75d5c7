/* splitsvc.c — team target splits on the bus. See splitsvc.h; the shares
 * are computed in split.c. */
#include "splitsvc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/kpi_json.h"
#include "nq/period.h"
#include "overview.h"
#include "reporting_app.h"
#include "roster.h"
#include "split.h"
#include "subject.h"
#include "targetsvc.h"

struct split_call;

/* A member's previous-period read (last_period splits). */
typedef struct split_read {
    struct split_call *call; /* owner */
    size_t member;           /* which member */
} split_read_t;

typedef struct split_call {
    subject_call_t sc;            /* must be first */
    nq_period_t period;           /* the period split */
    nq_period_t previous;         /* for last_period */
    split_method_t method;        /* how */
    double min_share;             /* least share, fraction of the even share */
    bool confirm;                 /* write the proposal */
    bool written;                 /* the writes are done */
    double team[NQ_METRIC_COUNT]; /* the team's targets */
    bool has_team[NQ_METRIC_COUNT];
    bool team_zero[NQ_METRIC_COUNT]; /* set to 0: no target, not split */
    char (*ids)[NQ_ID_MAX + 1];      /* members */
    double *weights;                 /* given weights, by member */
    nq_kpi_values_t *last;           /* members' previous period */
    split_read_t *reads;             /* their reads */
    size_t n;                        /* members */
    json_t *doc;                     /* the proposal */
    Nq__MetricValue *given;          /* request weights (copied) */
    size_t n_given;
} split_call_t;

static void split_free(split_call_t *c)
{
    subject_cleanup(&c->sc);
    free(c->ids);
    free(c->weights);
    free(c->last);
    free(c->reads);
    for (size_t i = 0; i < c->n_given; i++)
        free(c->given[i].metric);
    free(c->given);
    json_decref(c->doc);
    free(c);
}

static void split_reply(split_call_t *c)
{
    answer_document(c->sc.app, &c->sc.base, c->doc);
    split_free(c);
}

/* The weight of member i for the method. */
static double member_weight(const split_call_t *c, size_t i, nq_metric_id_t m)
{
    if (c->method == SPLIT_WEIGHTS)
        return c->weights[i];
    if (c->method == SPLIT_LAST_PERIOD) {
        double v = 0;
        return nq_metric_value(m, &c->last[i], &v) ? v : 0;
    }
    return 1;
}

static void on_split_written(nq_redis_t *r, redisReply *reply, void *data)
{
    split_call_t *c = data;
    nq_call_reply_ok(&c->sc.base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->sc.base);
}

/* Write one member's proposed targets (replacing that period's targets). */
static void write_member(split_call_t *c, size_t i, json_t *targets)
{
    char key[REPORTING_KEY_MAX];
    nq_key_target(key, sizeof(key), NQ_SUBJECT_SALESPERSON, c->ids[i], &c->period);
    nq_redis_args_t a;
    targetsvc_replace_begin(&a, key);
    const char *name;
    json_t *v;
    json_object_foreach (targets, name, v) {
        nq_redis_args_adds(&a, name);
        nq_redis_args_addf(&a, "%.17g", json_number_value(json_object_get(v, "raw")));
    }
    nq_call_issued(&c->sc.base, targetsvc_replace_send(c->sc.app->svc->redis, &a, nq_now_ms(),
                                                       on_split_written, c));
}

/* One entry of the proposal's warnings: who (NULL: the team), which metric,
 * why, in English and Chinese. */
static void split_warn(json_t *warnings, const char *sp, nq_metric_id_t m, const char *en,
                       const char *zh)
{
    json_array_append_new(warnings,
                          json_pack("{s:s?, s:s, s:s, s:s}", "salesperson_id", sp, "metric",
                                    nq_metric_defs[m].name, "reason", en, "zh", zh));
}

/* What the coordinator should look at in metric m's shares: a team target
 * of 0, a member given 0 (no target: too little to share), a member without
 * a base in the period before (given the even share). */
static void split_warnings(const split_call_t *c, nq_metric_id_t m, const double *weights,
                           const double *shares, json_t *warnings)
{
    if (c->team_zero[m])
        split_warn(warnings, NULL, m, "the team target is 0, which means no target: not split",
                   "团队目标为 0，即未设目标：未拆分");
    if (!c->has_team[m])
        return;
    for (size_t i = 0; i < c->n; i++) {
        if (shares[i] <= 0)
            split_warn(warnings, c->ids[i], m,
                       "the share is 0, which means no target: the team target is less than one "
                       "unit per member",
                       "分配为 0，即未设目标：团队目标不足每人一个单位");
        else if (c->method == SPLIT_LAST_PERIOD && weights[i] <= 0 && overview_accumulates(m))
            split_warn(warnings, c->ids[i], m, "nothing in the period before: given the even share",
                       "上期无业绩：按平均份额分配");
    }
}

/* Build {"sp":{"metric":{"raw":x}}} shares, then the JSON answer. */
static void split_compute(split_call_t *c)
{
    json_t *raw = json_object(), *proposal = json_object(), *team = json_object();
    json_t *warnings = json_array();
    double *shares = calloc(c->n + 1, sizeof(*shares));
    double *weights = calloc(c->n + 1, sizeof(*weights));
    for (size_t i = 0; i < c->n; i++) {
        json_object_set_new(raw, c->ids[i], json_object());
        json_object_set_new(proposal, c->ids[i], json_object());
    }
    for (int m = 0; shares && weights && m < NQ_METRIC_COUNT; m++) {
        if (!c->has_team[m]) {
            split_warnings(c, (nq_metric_id_t)m, weights, shares, warnings);
            continue;
        }
        json_object_set_new(team, nq_metric_defs[m].name,
                            nq_metric_json((nq_metric_id_t)m, c->team[m], true));
        for (size_t i = 0; i < c->n; i++)
            weights[i] = member_weight(c, i, (nq_metric_id_t)m);
        split_target((nq_metric_id_t)m, c->team[m], weights, c->n, c->min_share, shares);
        split_warnings(c, (nq_metric_id_t)m, weights, shares, warnings);
        for (size_t i = 0; i < c->n; i++) {
            json_object_set_new(json_object_get(raw, c->ids[i]), nq_metric_defs[m].name,
                                json_pack("{s:f}", "raw", shares[i]));
            json_object_set_new(json_object_get(proposal, c->ids[i]), nq_metric_defs[m].name,
                                nq_metric_json((nq_metric_id_t)m, shares[i], true));
        }
    }
    free(shares);
    free(weights);
    c->doc = json_pack("{s:s, s:o, s:s, s:f, s:o, s:o, s:o, s:b}", "team_id", c->sc.who.id,
                       "period", nq_period_to_json(&c->period), "method",
                       split_method_name(c->method), "min_share", c->min_share, "team_targets",
                       team, "proposal", proposal, "warnings", warnings, "confirmed", c->confirm);
    if (c->confirm) {
        c->sc.base.pending = 1; /* held while the writes are issued */
        for (size_t i = 0; i < c->n; i++)
            write_member(c, i, json_object_get(raw, c->ids[i]));
        c->written = true;
    }
    json_decref(raw);
}

static void split_answer(nq_call_t *base)
{
    split_call_t *c = (split_call_t *)base;
    if (base->status == NQ__STATUS__STATUS_OK && !c->doc) {
        bool any = false;
        for (int m = 0; m < NQ_METRIC_COUNT; m++)
            any = any || c->has_team[m];
        if (!any)
            nq_call_fail(base, NQ__STATUS__STATUS_NOT_FOUND,
                         "team %s has no targets for %s (a target of 0 is none)", c->sc.who.id,
                         c->period.key);
        else if (c->n == 0)
            nq_call_fail(base, NQ__STATUS__STATUS_INVALID, "team %s has no members", c->sc.who.id);
        else {
            split_compute(c);
            if (c->confirm) {
                nq_call_release(base); /* answers again once the writes are back */
                return;
            }
        }
    }
    split_reply(c);
}

static void on_split_last(int status, const nq_kpi_values_t *values, void *data)
{
    split_read_t *rd = data;
    split_call_t *c = rd->call;
    if (status != 0)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        c->last[rd->member] = *values;
    nq_call_release(&c->sc.base);
}

/* The given weights by member (split_match_weights) for the c->n members
 * in c->ids; false after failing the call when they do not match them. */
static bool match_weights(split_call_t *c)
{
    const char **ids = calloc(c->n + 1, sizeof(*ids));
    const char **given_ids = calloc(c->n_given + 1, sizeof(*given_ids));
    double *given = calloc(c->n_given + 1, sizeof(*given));
    char detail[1024];
    bool ok = ids && given_ids && given;
    for (size_t i = 0; ok && i < c->n; i++)
        ids[i] = c->ids[i];
    for (size_t k = 0; ok && k < c->n_given; k++) {
        given_ids[k] = c->given[k].metric;
        given[k] = c->given[k].value;
    }
    if (!ok)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    else if (split_match_weights(ids, c->n, given_ids, given, c->n_given, c->weights,
                                 &c->sc.base.errs, detail, sizeof(detail)) != 0) {
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_INVALID, "%s", detail);
        ok = false;
    }
    free(ids);
    free(given_ids);
    free(given);
    return ok;
}

/* The members a split shares among: those listed (roster.h) at the end of
 * the period, or now while it is not over. Given weights must match exactly
 * these. */
static void split_members(subject_call_t *sc, roster_t *ro)
{
    split_call_t *c = (split_call_t *)sc;
    int64_t now = nq_now_ms(), ref = now < c->period.end_ms ? now : c->period.end_ms - 1;
    c->ids = calloc(ro->n + 1, sizeof(*c->ids));
    c->weights = calloc(ro->n + 1, sizeof(*c->weights));
    c->last = calloc(ro->n + 1, sizeof(*c->last));
    c->reads = calloc(ro->n + 1, sizeof(*c->reads));
    if (!c->ids || !c->weights || !c->last || !c->reads) {
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t k = 0; k < ro->n; k++) {
        if (!roster_listed(&ro->people[k], sc->who.id, ref))
            continue;
        snprintf(c->ids[c->n], sizeof(c->ids[c->n]), "%s", ro->people[k].id);
        c->n++;
    }
    if (c->method == SPLIT_WEIGHTS && !match_weights(c))
        return;
    for (size_t i = 0; c->method == SPLIT_LAST_PERIOD && i < c->n; i++) {
        c->reads[i] = (split_read_t){c, i};
        nq_call_issued(&sc->base, nq_kpi_fetch(sc->app->svc->redis, c->ids[i], &c->previous,
                                               on_split_last, &c->reads[i]));
    }
}

static void on_team_targets(nq_redis_t *r, redisReply *reply, void *data)
{
    split_call_t *c = data;
    if (nq_call_reply_ok(&c->sc.base, reply, REDIS_REPLY_ARRAY)) {
        nq_targets_from_reply(reply, c->team, c->has_team);
        for (size_t i = 0; i + 1 < reply->elements; i += 2) { /* stored 0s, to flag */
            int m = nq_metric_find(reply->element[i]->str);
            if (m >= 0 && !c->has_team[m] && strtod(reply->element[i + 1]->str, NULL) == 0)
                c->team_zero[m] = true;
        }
    }
    nq_call_release(&c->sc.base);
}

void splitsvc_on_split(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *data)
{
    const Nq__TargetSplitRequest *req = (const Nq__TargetSplitRequest *)msg;
    split_call_t *c =
        subject_call_new(sizeof(*c), data, env, req->correlation_id, split_answer, split_members);
    if (!c)
        return;
    subject_call_t *sc = &c->sc;
    nq_field_errors_t *errs = &sc->base.errs;
    subject_check(true, NQ__SUBJECT__SUBJECT_TEAM, req->team_id, &sc->who, errs);
    nq_period_kind_t kind = NQ_PERIOD_MONTH;
    if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_from_key(kind, req->period_key, &c->period) != 0 ||
             nq_period_prev(&c->period, &c->previous) != 0)
        nq_field_errors_add(errs, "key", "is not a %s key", nq_period_kind_name(kind));
    int method = split_method_parse(req->method ? req->method : "even");
    if (method < 0)
        nq_field_errors_add(errs, "method", "must be even, weights or last_period");
    c->method = method < 0 ? SPLIT_EVEN : (split_method_t)method;
    c->confirm = req->has_confirm && req->confirm;
    c->min_share = req->has_min_share ? req->min_share : 0;
    if (!(c->min_share >= 0 && c->min_share <= 1))
        nq_field_errors_add(errs, "min_share", "must be a fraction of the even share from 0 to 1");
    c->given = calloc(req->n_weights + 1, sizeof(*c->given));
    for (size_t i = 0; c->given && i < req->n_weights; i++) {
        const Nq__MetricValue *w = req->weights[i];
        char field[NQ_ID_MAX + 16];
        snprintf(field, sizeof(field), "weights.%s", w->metric ? w->metric : "");
        if (!nq_valid_id(w->metric))
            nq_field_errors_add(errs, "weights", "salesperson ids %s", NQ_ID_RULE);
        else if (!(w->has_value && w->value > 0 && w->value <= SPLIT_WEIGHT_MAX))
            nq_field_errors_add(errs, field, "must be a number above 0, at most 10^9");
        else if ((c->given[c->n_given].metric = strdup(w->metric)))
            c->given[c->n_given++].value = w->value;
    }
    if (c->method == SPLIT_WEIGHTS && req->n_weights == 0)
        nq_field_errors_add(errs, "weights", "are required for method weights");
    if (c->method != SPLIT_WEIGHTS && req->n_weights > 0)
        nq_field_errors_add(errs, "weights", "apply only to method weights");
    if (errs->n)
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_INVALID, "invalid split: %s %s",
                     errs->items[0].field, errs->items[0].reason);
    else if (!answer_busy(sc->app, &sc->base)) {
        char key[REPORTING_KEY_MAX];
        subject_resolve(sc);
        nq_key_target(key, sizeof(key), NQ_SUBJECT_TEAM, sc->who.id, &c->period);
        nq_call_issued(&sc->base, nq_redis_command(sc->app->svc->redis, on_team_targets, c,
                                                   "HGETALL %s", key));
    }
    nq_call_release(&sc->base);
}
