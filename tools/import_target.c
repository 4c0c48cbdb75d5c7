/* import_target.c — CSV rows as target requests (see import_target.h). */
#include "import_target.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/kpi.h"
#include "nq/period.h"

/* The columns that say what a row is about, in this order in plan->ident. */
enum { C_SUBJECT, C_ID, C_PERIOD, C_KEY, N_IDENT };
static const char *const ident_names[N_IDENT] = {"subject", "id", "period", "key"};

/* Subjects and where their targets live. Adding one is adding a row. */
static const struct {
    const char *name; /* `subject` cell */
    const char *path; /* path prefix, followed by [id/]period/key */
    bool has_id;      /* the row names one (salesperson, team) */
} subjects[] = {
    {"salesperson", "/api/v1/targets/salespeople/", true},
    {"team", "/api/v1/targets/teams/", true},
    {"company", "/api/v1/targets/company/", false},
};
#define N_SUBJECTS (sizeof(subjects) / sizeof(subjects[0]))

/* An example key of each period kind, for error messages. */
static const char *const key_examples[NQ_PERIOD_KIND_COUNT] = {
    [NQ_PERIOD_DAY] = "2026-11-26",  [NQ_PERIOD_WEEK] = "2026-W48", [NQ_PERIOD_MONTH] = "2026-11",
    [NQ_PERIOD_QUARTER] = "2026-Q4", [NQ_PERIOD_YEAR] = "2026",
};

struct import_target_plan {
    size_t n;              /* header fields */
    size_t ident[N_IDENT]; /* column of subject, id, period, key */
    int *metric;           /* per column: the metric (nq_metric_id_t), or -1 */
};

void import_target_plan_destroy(import_target_plan_t **pp)
{
    if (!pp || !*pp)
        return;
    free((*pp)->metric);
    free(*pp);
    *pp = NULL;
}

/* Names of every metric, "sales_amount, orders, ...", for an error message. */
static void metric_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < NQ_METRIC_COUNT && used < len; m++) {
        int n = snprintf(buf + used, len - used, "%s%s", m ? ", " : "", nq_metric_defs[m].name);
        used += n > 0 ? (size_t)n : 0;
    }
}

/* Map every header name; returns 0 or -1 with why. seen[] marks the ident columns. */
static int map_header(import_target_plan_t *p, const import_csv_row_t *header, bool *seen,
                      size_t *n_metrics, char *why, size_t why_len)
{
    char names[400];
    for (size_t i = 0; i < header->n; i++) {
        char label[80];
        snprintf(label, sizeof(label), "%s", header->fields[i]);
        import_csv_trim(label);
        int m = nq_metric_find(label), k = 0;
        while (k < N_IDENT && strcmp(ident_names[k], label) != 0)
            k++;
        bool twice = k < N_IDENT && seen[k];
        for (size_t j = 0; m >= 0 && j < i; j++)
            twice = twice || p->metric[j] == m;
        if (twice) {
            snprintf(why, why_len, "header: column %zu '%s' is named twice", i + 1, label);
            return -1;
        }
        if (k < N_IDENT) {
            seen[k] = true;
            p->ident[k] = i;
            p->metric[i] = -1;
        } else if (m >= 0) {
            p->metric[i] = m;
            (*n_metrics)++;
        } else {
            metric_names(names, sizeof(names));
            snprintf(why, why_len,
                     "header: column %zu '%s' is neither subject, id, period, key nor a metric "
                     "(%s)",
                     i + 1, label, names);
            return -1;
        }
    }
    return 0;
}

int import_target_plan_new(const import_csv_row_t *header, import_target_plan_t **out, char *why,
                           size_t why_len)
{
    import_target_plan_t *p = calloc(1, sizeof(*p));
    bool seen[N_IDENT] = {false};
    size_t n_metrics = 0;
    *out = NULL;
    if (!p || !(p->metric = calloc(header->n, sizeof(*p->metric)))) {
        free(p);
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    p->n = header->n;
    int rc = map_header(p, header, seen, &n_metrics, why, why_len);
    for (int k = 0; rc == 0 && k < N_IDENT; k++) {
        if (!seen[k]) {
            snprintf(why, why_len, "header: no column '%s' (needed: subject, id, period, key)",
                     ident_names[k]);
            rc = -1;
        }
    }
    if (rc == 0 && n_metrics == 0) {
        snprintf(why, why_len, "header: no metric column (e.g. sales_amount, visits, coverage)");
        rc = -1;
    }
    if (rc != 0)
        import_target_plan_destroy(&p);
    *out = p;
    return rc;
}

/* Cell k of the identity columns. */
static const char *ident(const import_target_plan_t *p, const import_csv_row_t *row, int k)
{
    return row->fields[p->ident[k]];
}

/* Check subject, id, period and key; write the path. Returns false after
 * adding reasons. */
static bool row_path(const import_target_plan_t *p, const import_csv_row_t *row, char *path,
                     size_t path_len, nq_field_errors_t *errs)
{
    const char *subject = ident(p, row, C_SUBJECT), *id = ident(p, row, C_ID);
    const char *period = ident(p, row, C_PERIOD), *key = ident(p, row, C_KEY);
    size_t s = 0;
    nq_period_kind_t kind;
    nq_period_t parsed;
    bool ok = true;
    while (s < N_SUBJECTS && strcmp(subjects[s].name, subject) != 0)
        s++;
    if (s == N_SUBJECTS) {
        nq_field_errors_add(errs, "subject", "must be salesperson, team or company");
        ok = false;
    } else if (subjects[s].has_id && !nq_valid_id(id)) {
        nq_field_errors_add(errs, "id", "%s",
                            *id ? NQ_ID_RULE : "required for a salesperson or team");
        ok = false;
    } else if (!subjects[s].has_id && *id) {
        nq_field_errors_add(errs, "id", "must be empty for the company");
        ok = false;
    }
    if (nq_period_kind_parse(period, &kind) != 0) {
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
        ok = false;
    } else if (nq_period_from_key(kind, key, &parsed) != 0) {
        nq_field_errors_add(errs, "key", "is not a %s key like %s", period, key_examples[kind]);
        ok = false;
    }
    if (ok)
        snprintf(path, path_len, "%s%s%s%s/%s", subjects[s].path, id, *id ? "/" : "", period, key);
    return ok;
}

/* The JSON of one metric cell in the metric's unit, checked as the gateway
 * would; NULL after adding the reason. */
static json_t *metric_value(int m, const char *cell, nq_field_errors_t *errs)
{
    const nq_metric_def_t *def = &nq_metric_defs[m];
    long long i;
    double d;
    json_t *v = NULL;
    const char *why = def->unit == NQ_UNIT_COUNT ? "must be a whole number" : "must be a number";
    if (def->unit == NQ_UNIT_MONEY)
        v = json_string(cell); /* as text: the gateway parses yuan exactly */
    else if (def->unit == NQ_UNIT_COUNT && import_csv_int(cell, &i) == 0)
        v = json_integer(i);
    else if (def->unit != NQ_UNIT_COUNT && import_csv_number(cell, &d) == 0)
        v = json_real(d);
    if (def->unit == NQ_UNIT_MONEY && !v)
        why = "must be decimal yuan";
    if (v && nq_metric_parse((nq_metric_id_t)m, v, &d, &why) == 0)
        return v;
    json_decref(v);
    nq_field_errors_add(errs, def->name, "%s", why);
    return NULL;
}

json_t *import_target_request(const import_target_plan_t *plan, const import_csv_row_t *row,
                              char *path, size_t path_len, nq_field_errors_t *errs)
{
    if (row->n != plan->n) {
        nq_field_errors_add(errs, "(row)", "has %zu fields, the header has %zu", row->n, plan->n);
        return NULL;
    }
    size_t before = errs->n + errs->dropped;
    bool ok = row_path(plan, row, path, path_len, errs);
    json_t *targets = json_object();
    for (size_t i = 0; targets && i < plan->n; i++) {
        if (plan->metric[i] < 0 || row->lens[i] == 0)
            continue;
        json_t *v = metric_value(plan->metric[i], row->fields[i], errs);
        if (v && json_object_set_new(targets, nq_metric_defs[plan->metric[i]].name, v) != 0) {
            json_decref(targets);
            targets = NULL;
        }
    }
    if (targets && json_object_size(targets) == 0 && errs->n + errs->dropped == before)
        nq_field_errors_add(errs, "(row)",
                            "sets no target (a PUT replaces the period's targets: it would "
                            "clear them)");
    json_t *body = targets ? json_pack("{s:o}", "targets", targets) : NULL;
    if (!ok || errs->n + errs->dropped != before) {
        json_decref(body);
        return NULL;
    }
    return body;
}

json_t *import_target_ident(const import_target_plan_t *plan, const import_csv_row_t *row)
{
    json_t *obj = json_object();
    for (int k = 0; obj && k < N_IDENT; k++) {
        if (plan->ident[k] >= row->n || row->lens[plan->ident[k]] == 0)
            continue;
        json_t *v = json_string(ident(plan, row, k));
        if (v)
            json_object_set_new(obj, ident_names[k], v);
    }
    return obj;
}
