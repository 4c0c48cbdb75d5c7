/* plans.c — scorecards and commission plans. See plans.h. */
#include "plans.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "notes.h"
#include "nq/kpi_json.h"
#include "nq/money.h"
#include "nq/period.h"
#include "nq/targets.h"

#define DEFAULT_CAP 1.5
#define EPSILON     1e-9

int plan_parse_date(const json_t *v, int64_t *ms)
{
    return json_is_string(v) ? nq_time_parse(json_string_value(v), ms, NULL) : -1;
}

/* Unknown keys of an object are errors: allowed is NULL-terminated. */
static void check_keys(const json_t *obj, const char *const *allowed, const char *path,
                       nq_field_errors_t *errs)
{
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            nq_field_errors_add(errs, path, "unknown field '%.40s'", key);
    }
}

/* A number field within [lo, hi]; `def` when absent (NAN = required). */
static double number_in(const json_t *obj, const char *key, double lo, double hi, double def,
                        const char *path, nq_field_errors_t *errs)
{
    const json_t *v = json_object_get(obj, key);
    if (!v && !isnan(def))
        return def;
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    if (!(x >= lo && x <= hi)) {
        nq_field_errors_add(errs, path, "%s must be a number from %g to %g", key, lo, hi);
        return lo;
    }
    return x;
}

static void parse_effective(const json_t *doc, int64_t *out, nq_field_errors_t *errs)
{
    if (plan_parse_date(json_object_get(doc, "effective_from"), out) != 0)
        nq_field_errors_add(errs, "effective_from", "must be a date (2026-11-01)");
}

/* ---- scorecards ------------------------------------------------------------ */

static void parse_sc_metric(const json_t *item, size_t i, scorecard_t *sc, bool *seen,
                            nq_field_errors_t *errs)
{
    char path[48];
    snprintf(path, sizeof(path), "metrics[%zu]", i);
    static const char *const keys[] = {"metric", "weight", "cap", NULL};
    if (!json_is_object(item)) {
        nq_field_errors_add(errs, path, "must be {\"metric\",\"weight\",\"cap\"}");
        return;
    }
    check_keys(item, keys, path, errs);
    int m = nq_metric_find(json_string_value(json_object_get(item, "metric")));
    if (m < 0 || seen[m]) {
        nq_field_errors_add(errs, path, m < 0 ? "unknown metric" : "metric given twice");
        return;
    }
    seen[m] = true;
    sc_metric_t *sm = &sc->metrics[sc->n_metrics++];
    sm->metric = (nq_metric_id_t)m;
    sm->weight = number_in(item, "weight", EPSILON, 1, NAN, path, errs);
    sm->cap = number_in(item, "cap", 1, 10, DEFAULT_CAP, path, errs);
}

static void parse_bands(const json_t *bands, scorecard_t *sc, nq_field_errors_t *errs)
{
    if (!bands)
        return;
    if (!json_is_array(bands) || json_array_size(bands) > PLAN_BANDS_MAX) {
        nq_field_errors_add(errs, "bands", "must be an array of at most %d bands", PLAN_BANDS_MAX);
        return;
    }
    size_t i;
    json_t *b;
    json_array_foreach (bands, i, b) {
        static const char *const keys[] = {"name", "min", NULL};
        char path[32];
        snprintf(path, sizeof(path), "bands[%zu]", i);
        if (json_is_object(b))
            check_keys(b, keys, path, errs);
        const char *name = json_string_value(json_object_get(b, "name"));
        sc_band_t *band = &sc->bands[sc->n_bands++];
        if (!name || !*name || !nq_valid_text(name, sizeof(band->name) - 1))
            nq_field_errors_add(errs, path, "name must be 1-23 bytes of text");
        else
            snprintf(band->name, sizeof(band->name), "%s", name);
        band->min = number_in(b, "min", 0, 1000, NAN, path, errs);
        if (i > 0 && band->min <= sc->bands[i - 1].min)
            nq_field_errors_add(errs, path, "min must be above the band before");
    }
}

int scorecard_parse(const json_t *doc, scorecard_t *out, nq_field_errors_t *errs)
{
    memset(out, 0, sizeof(*out));
    /* version and created_at are set by the server when a version is stored. */
    static const char *const keys[] = {"effective_from", "metrics",    "bands",
                                       "version",        "created_at", NULL};
    if (!json_is_object(doc)) {
        nq_field_errors_add(errs, "(body)", "must be a JSON object");
        return -1;
    }
    check_keys(doc, keys, "(body)", errs);
    parse_effective(doc, &out->effective_from, errs);
    const json_t *metrics = json_object_get(doc, "metrics");
    if (!json_is_array(metrics) || json_array_size(metrics) == 0 ||
        json_array_size(metrics) > NQ_METRIC_COUNT) {
        nq_field_errors_add(errs, "metrics", "must be an array of 1 to %d metrics",
                            NQ_METRIC_COUNT);
    } else {
        bool seen[NQ_METRIC_COUNT] = {false};
        size_t i;
        json_t *item;
        json_array_foreach (metrics, i, item) {
            parse_sc_metric(item, i, out, seen, errs);
        }
        double sum = 0;
        for (size_t k = 0; k < out->n_metrics; k++)
            sum += out->metrics[k].weight;
        if (out->n_metrics && fabs(sum - 1) > 1e-6)
            nq_field_errors_add(errs, "metrics", "weights must add up to 1 (they add up to %g)",
                                sum);
    }
    parse_bands(json_object_get(doc, "bands"), out, errs);
    return errs->n ? -1 : 0;
}

/* One metric's part of a score. */
typedef struct sc_line {
    bool has_actual, has_target;
    double actual, target;
    double attainment;      /* nq_attainment: actual / target (0 below zero), or a ceiling's */
    double counted;         /* attainment up to the cap */
    double contribution;    /* points */
    const kpi_note_t *note; /* why it counts as it does, or NULL */
} sc_line_t;

/* A target of 0 is no target. */
static bool target_set(const plan_input_t *in, nq_metric_id_t m)
{
    return in->has_target[m] && in->target[m] > 0;
}

/* "set", "derived" (from the months' targets), or NULL without a target. */
static const char *target_source(const plan_input_t *in, nq_metric_id_t m)
{
    return !target_set(in, m)      ? NULL
           : in->target_derived[m] ? nq_target_source_name(NQ_TARGET_DERIVED)
                                   : nq_target_source_name(NQ_TARGET_SET);
}

static void score_line(const sc_metric_t *sm, const plan_input_t *in, sc_line_t *l)
{
    memset(l, 0, sizeof(*l));
    l->has_actual = nq_metric_value(sm->metric, &in->values, &l->actual);
    l->has_target = target_set(in, sm->metric);
    l->target = in->target[sm->metric];
    l->note = !l->has_target ? &note_no_target : !l->has_actual ? &note_no_data : NULL;
    if (!l->has_actual || !l->has_target)
        return;
    nq_direction_t dir = nq_metric_direction(sm->metric);
    l->attainment = nq_attainment(dir, l->actual, l->target);
    if (l->actual < 0 && dir == NQ_HIGHER_IS_BETTER)
        l->note = note_negative_of(sm->metric);
    l->counted = fmin(l->attainment, sm->cap);
    l->contribution = 100 * sm->weight * l->counted;
}

double scorecard_score(const scorecard_t *sc, const plan_input_t *in)
{
    double score = 0;
    for (size_t i = 0; i < sc->n_metrics; i++) {
        sc_line_t l;
        score_line(&sc->metrics[i], in, &l);
        score += l.contribution;
    }
    return score;
}

static double round_to(double v, double scale)
{
    return nq_round_to(v, scale);
}

/* "more" of metric m to add `extra` to its value: text in zh and en. */
static json_t *option_json(nq_metric_id_t m, double value_now, double extra)
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    char zh[160], en[160], more[48], shown[48];
    if (d->unit == NQ_UNIT_COUNT) {
        long long n = (long long)ceil(extra - EPSILON);
        snprintf(more, sizeof(more), "%lld", n);
        snprintf(zh, sizeof(zh), "%s再增加 %lld", d->zh, n);
        snprintf(en, sizeof(en), "%lld more %s", n, d->en);
    } else if (d->unit == NQ_UNIT_MONEY && d->den == NQ_KPI_NONE) {
        int64_t fen = (int64_t)ceil(extra / 100 - EPSILON) * 100; /* whole yuan, rounded up */
        nq_money_format(fen, more, sizeof(more));
        nq_money_format_grouped(fen, shown, sizeof(shown));
        snprintf(zh, sizeof(zh), "%s再增加 ¥%s", d->zh, shown);
        snprintf(en, sizeof(en), "CNY %s more %s", shown, d->en);
    } else {
        double to = value_now + extra;
        if (d->unit == NQ_UNIT_RATIO)
            snprintf(more, sizeof(more), "%.1f%%", ceil(to * 1000 - EPSILON) / 10);
        else if (d->unit == NQ_UNIT_MONEY)
            nq_money_format((int64_t)ceil(to - EPSILON), more, sizeof(more));
        else
            snprintf(more, sizeof(more), "%.2f", ceil(to * 100 - EPSILON) / 100);
        snprintf(zh, sizeof(zh), "%s提高到 %s", d->zh, more);
        snprintf(en, sizeof(en), "%s up to %s", d->en, more);
    }
    return json_pack("{s:s, s:s, s:s, s:s}", "metric", d->name, "more", more, "zh", zh, "en", en);
}

/* A lower-is-better metric m brought down to at most `to` (its unit; fen
 * rounded down to whole yuan): text in zh and en, as option_json's. */
static json_t *option_lower_json(nq_metric_id_t m, double to)
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    char zh[160], en[160], more[48];
    if (d->unit == NQ_UNIT_COUNT)
        snprintf(more, sizeof(more), "%lld", (long long)floor(to + EPSILON));
    else if (d->unit == NQ_UNIT_MONEY)
        nq_money_format((int64_t)floor(to / 100 + EPSILON) * 100, more, sizeof(more));
    else
        snprintf(more, sizeof(more), "%.1f", floor(to * 10 + EPSILON) / 10);
    snprintf(zh, sizeof(zh), "%s降低到 %s", d->zh, more);
    snprintf(en, sizeof(en), "%s down to %s", d->en, more);
    return json_pack("{s:s, s:s, s:s, s:s}", "metric", d->name, "more", more, "zh", zh, "en", en);
}

/* What it takes to gain `points`: one option per metric that can do it alone
 * (a lower-is-better one up to attainment 1, by bringing it under its
 * ceiling: the actual at which target / actual is the attainment called for). */
static json_t *next_band_json(const scorecard_t *sc, const plan_input_t *in, const sc_band_t *band,
                              double points)
{
    json_t *options = json_array();
    char zh[1024] = "", en[1024] = "";
    for (size_t i = 0; i < sc->n_metrics; i++) {
        const sc_metric_t *sm = &sc->metrics[i];
        sc_line_t l;
        score_line(sm, in, &l);
        double need = points / (100 * sm->weight); /* attainment to add */
        nq_direction_t dir = nq_metric_direction(sm->metric);
        double most = fmin(sm->cap, nq_attainment_max(dir));
        if (!l.has_target || !l.has_actual || l.counted + need > most + EPSILON)
            continue;
        /* From the actual as it is (it may be below zero, where attainment counts 0). */
        json_t *o =
            dir == NQ_LOWER_IS_BETTER
                ? option_lower_json(sm->metric, l.target / (l.counted + need))
                : option_json(sm->metric, l.actual, (l.counted + need) * l.target - l.actual);
        size_t zl = strlen(zh), el = strlen(en);
        snprintf(zh + zl, sizeof(zh) - zl, "%s%s", zl ? "，或" : "",
                 json_string_value(json_object_get(o, "zh")));
        snprintf(en + el, sizeof(en) - el, "%s%s", el ? " or " : "",
                 json_string_value(json_object_get(o, "en")));
        json_array_append_new(options, o);
    }
    return json_pack("{s:s, s:f, s:o, s:s, s:s}", "band", band->name, "points",
                     round_to(points, 100), "options", options, "zh", zh, "en", en);
}

static json_t *value_json(nq_metric_id_t m, bool has, double v)
{
    return nq_metric_json(m, v, has);
}

json_t *scorecard_explain(const scorecard_t *sc, const plan_input_t *in)
{
    json_t *lines = json_array();
    double score = 0;
    for (size_t i = 0; i < sc->n_metrics; i++) {
        const sc_metric_t *sm = &sc->metrics[i];
        sc_line_t l;
        score_line(sm, in, &l);
        score += l.contribution;
        json_array_append_new(
            lines,
            json_pack(
                "{s:s, s:s, s:s, s:o, s:o, s:s?, s:o, s:f, s:f, s:f, s:s?, s:s?}", "metric",
                nq_metric_defs[sm->metric].name, "zh", nq_metric_defs[sm->metric].zh, "direction",
                nq_direction_name(nq_metric_direction(sm->metric)), "actual",
                value_json(sm->metric, l.has_actual, l.actual), "target",
                value_json(sm->metric, l.has_target, l.target), "target_source",
                target_source(in, sm->metric), "attainment",
                l.has_target && l.has_actual ? json_real(round_to(l.attainment, 1e4)) : json_null(),
                "cap", sm->cap, "weight", sm->weight, "contribution", round_to(l.contribution, 100),
                "note", l.note ? l.note->en : NULL, "note_zh", l.note ? l.note->zh : NULL));
    }
    size_t band = 0;
    bool in_band = false;
    for (size_t b = 0; b < sc->n_bands; b++) {
        if (score + EPSILON >= sc->bands[b].min) {
            band = b;
            in_band = true;
        }
    }
    size_t next = in_band ? band + 1 : 0;
    json_t *next_json = next < sc->n_bands
                            ? next_band_json(sc, in, &sc->bands[next], sc->bands[next].min - score)
                            : json_null();
    return json_pack("{s:f, s:s?, s:o, s:o}", "score", round_to(score, 100), "band",
                     in_band ? sc->bands[band].name : NULL, "metrics", lines, "next_band",
                     next_json);
}

/* ---- commission ------------------------------------------------------------ */

static void parse_tiers(const json_t *tiers, commission_plan_t *p, nq_field_errors_t *errs)
{
    if (!json_is_array(tiers) || json_array_size(tiers) == 0 ||
        json_array_size(tiers) > PLAN_TIERS_MAX) {
        nq_field_errors_add(errs, "tiers", "must be an array of 1 to %d tiers", PLAN_TIERS_MAX);
        return;
    }
    size_t i;
    json_t *t;
    json_array_foreach (tiers, i, t) {
        static const char *const keys[] = {"from", "rate", NULL};
        char path[32];
        snprintf(path, sizeof(path), "tiers[%zu]", i);
        if (json_is_object(t))
            check_keys(t, keys, path, errs);
        commission_tier_t *tier = &p->tiers[p->n_tiers++];
        tier->from = number_in(t, "from", 0, 10, NAN, path, errs);
        tier->rate = number_in(t, "rate", 0, 1, NAN, path, errs);
        if (i == 0 && tier->from != 0)
            nq_field_errors_add(errs, path, "the first tier must start from 0");
        if (i > 0 && tier->from <= p->tiers[i - 1].from)
            nq_field_errors_add(errs, path, "from must be above the tier before");
    }
}

int commission_parse(const json_t *doc, commission_plan_t *out, nq_field_errors_t *errs)
{
    memset(out, 0, sizeof(*out));
    static const char *const keys[] = {"effective_from", "metric",     "tiers", "accelerator",
                                       "version",        "created_at", NULL};
    if (!json_is_object(doc)) {
        nq_field_errors_add(errs, "(body)", "must be a JSON object");
        return -1;
    }
    check_keys(doc, keys, "(body)", errs);
    parse_effective(doc, &out->effective_from, errs);
    int m = nq_metric_find(json_string_value(json_object_get(doc, "metric")));
    if (m < 0 || nq_metric_defs[m].unit != NQ_UNIT_MONEY ||
        !nq_metric_accumulates((nq_metric_id_t)m) ||
        nq_metric_direction((nq_metric_id_t)m) != NQ_HIGHER_IS_BETTER)
        nq_field_errors_add(errs, "metric", "must be an amount: sales_amount or collections");
    out->metric = m < 0 ? NQ_METRIC_SALES_AMOUNT : (nq_metric_id_t)m;
    parse_tiers(json_object_get(doc, "tiers"), out, errs);
    const json_t *acc = json_object_get(doc, "accelerator");
    out->accel_above = 1;
    out->accel_multiplier = 1;
    if (acc) {
        static const char *const acc_keys[] = {"above", "multiplier", NULL};
        if (json_is_object(acc))
            check_keys(acc, acc_keys, "accelerator", errs);
        out->accel_above = number_in(acc, "above", 0, 10, NAN, "accelerator", errs);
        out->accel_multiplier = number_in(acc, "multiplier", 1, 10, NAN, "accelerator", errs);
    }
    return errs->n ? -1 : 0;
}

/* The tier rate in force at attainment `a`. */
static double rate_at(const commission_plan_t *p, double a)
{
    double rate = p->tiers[0].rate;
    for (size_t i = 0; i < p->n_tiers; i++) {
        if (a + EPSILON >= p->tiers[i].from)
            rate = p->tiers[i].rate;
    }
    return a + EPSILON >= p->accel_above ? rate * p->accel_multiplier : rate;
}

/* The attainment points where the rate changes: every tier start and the
 * accelerator, ascending. Returns how many. */
static size_t breakpoints(const commission_plan_t *p, double points[PLAN_TIERS_MAX + 1])
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_tiers; i++)
        points[n++] = p->tiers[i].from;
    if (p->accel_multiplier != 1) {
        size_t k = n;
        while (k > 0 && points[k - 1] > p->accel_above)
            k--;
        if (k == 0 || fabs(points[k - 1] - p->accel_above) > EPSILON) {
            memmove(&points[k + 1], &points[k], (n - k) * sizeof(points[0]));
            points[k] = p->accel_above;
            n++;
        }
    }
    return n;
}

/* Where attainment `a` of `target` fen falls, in whole fen (half up). */
static int64_t fen_at(double a, double target)
{
    return (int64_t)nq_round_to(a * target, 1);
}

/* One line per tier the actual reaches: its amount in fen (tier bounds at
 * whole fen, so the amounts add up to the actual) and its commission rounded
 * half up to the fen. Returns the sum of the lines' commissions. */
static int64_t commission_lines(const commission_plan_t *p, int64_t actual, double target,
                                json_t *lines)
{
    double points[PLAN_TIERS_MAX + 1];
    size_t n = breakpoints(p, points);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t lo = fen_at(points[i], target);
        int64_t hi = i + 1 < n ? fen_at(points[i + 1], target) : INT64_MAX;
        if (actual <= lo)
            break;
        int64_t part = (actual < hi ? actual : hi) - lo;
        if (part <= 0)
            continue; /* a tier narrower than a fen */
        double rate = rate_at(p, points[i]);
        int64_t fen = (int64_t)nq_round_to((double)part * rate, 1);
        total += fen;
        json_array_append_new(
            lines, json_pack("{s:f, s:o, s:f, s:o, s:o}", "from", points[i], "to",
                             i + 1 < n ? json_real(points[i + 1]) : json_null(), "rate", rate,
                             "amount", nq_metric_json(p->metric, (double)part, true), "commission",
                             nq_metric_json(p->metric, (double)fen, true)));
    }
    return total;
}

json_t *commission_explain(const commission_plan_t *p, const plan_input_t *in, int64_t *fen)
{
    double actual = 0;
    bool has_actual = nq_metric_value(p->metric, &in->values, &actual);
    bool has_target = target_set(in, p->metric);
    double target = in->target[p->metric];
    json_t *lines = json_array();
    *fen = has_actual && has_target && actual > 0
               ? commission_lines(p, (int64_t)actual, target, lines)
               : 0;
    const kpi_note_t *note = !has_target                ? &note_no_commission
                             : has_actual && actual < 0 ? &note_negative
                                                        : NULL;
    return json_pack("{s:s, s:o, s:o, s:s?, s:o, s:o, s:o, s:s?, s:s?}", "metric",
                     nq_metric_defs[p->metric].name, "actual",
                     nq_metric_json(p->metric, actual, has_actual), "target",
                     nq_metric_json(p->metric, target, has_target), "target_source",
                     target_source(in, p->metric), "attainment",
                     has_actual && has_target
                         ? json_real(round_to(
                               nq_attainment(nq_metric_direction(p->metric), actual, target), 1e4))
                         : json_null(),
                     "commission", nq_metric_json(p->metric, (double)*fen, true), "tiers", lines,
                     "note", note ? note->en : NULL, "note_zh", note ? note->zh : NULL);
}
