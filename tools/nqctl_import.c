/* nqctl_import.c — the import commands: activities (CSV or NDJSON, sent in
 * batches), and targets, teams, salespeople (CSV, one PUT per row) and
 * customers (CSV, the same rows in batches to POST /api/v1/customers:batch). The run around them is in nqctl_import_run.c, the parsers in the
 * import_*.c library. See nqctl.h and docs/nqctl.md. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_activity.h"
#include "import_csv.h"
#include "import_org.h"
#include "import_target.h"
#include "msg.h"
#include "nqctl.h"
#include "nqctl_http.h"
#include "nqctl_import_run.h"

/* import targets, teams...: room for any path of a row */
#define IMPORT_PUT_PATH_MAX                                                                        \
    (IMPORT_TARGET_PATH_MAX > IMPORT_ORG_PATH_MAX ? IMPORT_TARGET_PATH_MAX : IMPORT_ORG_PATH_MAX)

/* json_dump_callback sink: append to the batch body. */
static int append_body(const char *buf, size_t size, void *data)
{
    import_t *imp = data;
    return nq_buf_add(&imp->body, buf, size);
}

/* result_fn of import: one rejects line per rejected or conflicting event. */
static void reject_result(const json_t *res, void *data)
{
    import_t *imp = data;
    json_int_t index = json_integer_value(json_object_get(res, "index"));
    long line = index >= 0 && (size_t)index < imp->n ? imp->lines[index] : 0;
    json_t *errors = json_object_get(res, "errors");
    imp_write_reject(imp, imp_event_entry(json_string_value(json_object_get(res, "event_id"))),
                     line, ctl_str_of(res, "status"), false, errors ? json_incref(errors) : NULL);
}

/* POST the batch and count its answer; sets imp->stop when that fails. */
static void flush_events(import_t *imp)
{
    nq_httpc_response_t r;
    outcome_t o;
    if (imp->n == 0 || imp_send_retrying(imp, "POST", ACTIVITY_PATH, "application/x-ndjson",
                                         imp->body.buf, imp->body.len, &r) != 0)
        return;
    if (ctl_read_outcome(&r, &o, reject_result, imp)) {
        imp->sent += imp->n;
        imp->requests++;
        imp->accepted += (uint64_t)o.accepted;
        imp->duplicate += (uint64_t)o.duplicate;
        imp->conflict += (uint64_t)o.conflict;
        imp->rejected += (uint64_t)o.rejected;
        imp->n = 0;
        nq_buf_reset(&imp->body);
        imp->offset = imp_input_offset(imp);
        fflush(imp->rejects);
        imp_progress(imp);
    } else {
        imp_progress_clear(imp);
        ctl_explain_failure("POST", ACTIVITY_PATH, &r);
        if (r.status == 413)
            fprintf(stderr, "%s", msg_tr(M_LOWER_BATCH));
        imp->stop = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
}

/* Add one record to the batch, or reject it. plan is NULL for NDJSON. */
static void add_event(import_t *imp, const import_activity_plan_t *plan,
                      const import_csv_row_t *row)
{
    nq_field_errors_t errs = {0};
    json_t *ev = plan ? import_activity_event(plan, row, &errs)
                      : import_activity_ndjson(row->fields[0], row->lens[0], &errs);
    int rc = 0;
    if (!ev && errs.n == 0 && plan)
        rc = -1; /* out of memory */
    else if (!ev && errs.n == 0)
        return; /* a blank NDJSON line */
    else if (!ev)
        imp_reject_local(imp, row->line,
                         imp_event_entry(plan ? import_activity_event_id(plan, row) : NULL), &errs);
    else if (plan) /* CSV: the event as built */
        rc = json_dump_callback(ev, append_body, imp, JSON_COMPACT);
    else /* NDJSON: the line as written, so numbers reach the gateway unchanged */
        rc = append_body(row->fields[0], row->lens[0], imp);
    if (ev && rc == 0 && (rc = append_body("\n", 1, imp)) == 0)
        imp->lines[imp->n++] = row->line;
    if (rc != 0) {
        imp_say(imp, "%s", msg_tr(M_OUT_OF_MEMORY));
        imp->stop = CTL_INPUT;
    }
    json_decref(ev);
}

/* The format of FILE by its extension, or NULL. */
static const char *format_of_file(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (dot && strcasecmp(dot, ".csv") == 0)
        return "csv";
    if (dot && (strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".jsonl") == 0))
        return "ndjson";
    return NULL;
}

int cmd_import_activities(ctl_t *ctl, char **argv)
{
    import_t imp;
    import_csv_row_t row;
    import_activity_plan_t *plan = NULL;
    const char *format = ctl->format ? ctl->format : format_of_file(argv[0]), *why;
    char reason[400];
    if (!format) {
        fprintf(stderr, msg_tr(M_FORMAT_UNKNOWN), argv[0]);
        return CTL_USAGE;
    }
    int rc = imp_open(&imp, ctl, argv[0], strcmp(format, "csv") == 0, M_WHAT_EVENTS);
    if (rc == CTL_OK && imp.csv && (rc = imp_read_header(&imp, &row)) == CTL_OK &&
        import_activity_plan_new(&row, &plan, reason, sizeof(reason)) != 0) {
        fprintf(stderr, msg_tr(M_FILE_LINE), argv[0], row.line, reason);
        rc = CTL_INPUT;
    }
    imp.act = plan;
    imp.max = ctl->batch ? (size_t)ctl->batch : IMPORT_BATCH_DEFAULT;
    if (rc == CTL_OK && !(imp.lines = calloc(imp.max, sizeof(*imp.lines)))) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        rc = CTL_INPUT;
    }
    if (rc == CTL_OK)
        rc = imp_rejects_open(&imp);
    while (rc == CTL_OK && imp.stop == CTL_OK) {
        int got = import_csv_next(imp.reader, &row, &why);
        if (got == IMPORT_CSV_END)
            break;
        if (got == IMPORT_CSV_ROW && plan && import_csv_blank(&row))
            continue; /* Excel's row of empty cells */
        if (got == IMPORT_CSV_ROW)
            add_event(&imp, plan, &row);
        else
            imp_record_failed(&imp, got, row.line, why, imp_event_entry(NULL));
        if (imp.n == imp.max || imp.body.len >= IMPORT_BATCH_BYTES)
            flush_events(&imp);
        else if ((imp.local & 1023) == 1023)
            imp_progress(&imp);
    }
    if (rc == CTL_OK && imp.stop == CTL_OK)
        flush_events(&imp);
    if (rc == CTL_OK)
        rc = imp_summary(&imp, true, M_SAFE_EVENTS);
    import_activity_plan_destroy(&plan);
    imp_close(&imp);
    return rc;
}

/* ------------------------------------ import targets, teams, salespeople, customers */

/* The kinds of file sent row by row, one PUT per row. Adding one is adding a
 * row here and a command. */
typedef enum { PUT_TARGETS, PUT_TEAMS, PUT_SALESPEOPLE, PUT_CUSTOMERS } put_kind_t;
static const struct {
    const char *command;    /* "targets", for messages */
    int org;                /* import_org_kind_t, or -1 for targets */
    const char *safe;       /* why importing again is harmless (a message) */
    const char *order_hint; /* what to import first (a message), or NULL */
    const char *batch;      /* the route taking many rows at once, or NULL: a PUT per row */
    const char *batch_list; /* the member of its body holding the rows */
} put_kinds[] = {
    [PUT_TARGETS] = {"targets", -1, M_SAFE_TARGETS, NULL, NULL, NULL},
    [PUT_TEAMS] = {"teams", IMPORT_ORG_TEAMS, M_SAFE_ORG, NULL, NULL, NULL},
    [PUT_SALESPEOPLE] = {"salespeople", IMPORT_ORG_SALESPEOPLE, M_SAFE_ORG, M_ORG_ORDER_HINT, NULL,
                         NULL},
    [PUT_CUSTOMERS] = {"customers", IMPORT_ORG_CUSTOMERS, M_SAFE_ORG, M_ORG_ORDER_HINT,
                       CUSTOMERS_BATCH_PATH, "customers"},
};

static int put_plan_new(put_kind_t kind, const import_csv_row_t *header, put_plan_t *p, char *why,
                        size_t why_len)
{
    int org = put_kinds[kind].org;
    return org < 0 ? import_target_plan_new(header, &p->target, why, why_len)
                   : import_org_plan_new((import_org_kind_t)org, header, &p->org, why, why_len);
}

static json_t *put_request(const put_plan_t *p, const import_csv_row_t *row, char *path,
                           nq_field_errors_t *errs)
{
    return p->target ? import_target_request(p->target, row, path, IMPORT_PUT_PATH_MAX, errs)
                     : import_org_request(p->org, row, path, IMPORT_PUT_PATH_MAX, errs);
}

static json_t *put_ident(const put_plan_t *p, const import_csv_row_t *row)
{
    return p->target ? import_target_ident(p->target, row) : import_org_ident(p->org, row);
}

static void put_plan_destroy(put_plan_t *p)
{
    import_target_plan_destroy(&p->target);
    import_org_plan_destroy(&p->org);
}

/* The reasons of a refused PUT: the answer's field errors, or its error and
 * detail as one. New reference. */
static json_t *answer_errors(const nq_httpc_response_t *r)
{
    json_t *answer = json_loadb(r->body, r->len, 0, NULL);
    json_t *errors = json_object_get(answer, "errors");
    char text[200], reason[240];
    if (json_is_array(errors) && json_array_size(errors) > 0) {
        json_incref(errors);
    } else {
        ctl_error_text(r, text, sizeof(text));
        snprintf(reason, sizeof(reason), "HTTP %d %s", r->status, text);
        errors = json_pack("[{s:s, s:o}]", "field", "(row)", "reason", imp_safe_string(reason));
    }
    json_decref(answer);
    return errors;
}

/* PUT one row (body stolen); a refusal goes to the rejects file. */
static void put_row(import_t *imp, const import_csv_row_t *row, const char *path, json_t *body)
{
    nq_httpc_response_t r;
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        imp_say(imp, "%s", msg_tr(M_OUT_OF_MEMORY));
        imp->stop = CTL_INPUT;
        return;
    }
    int rc = imp_send_retrying(imp, "PUT", path, "application/json", text, strlen(text), &r);
    free(text);
    if (rc != 0)
        return;
    imp->sent++;
    imp->requests++;
    if (ctl_is_2xx(r.status)) {
        imp->accepted++;
    } else {
        imp->rejected++;
        imp_write_reject(imp, put_ident(imp->put, row), row->line, "rejected", false,
                         answer_errors(&r));
    }
    nq_httpc_response_free(&r);
    imp->offset = imp_input_offset(imp);
    imp_progress(imp);
}

/* Add a row (body stolen, its id put in it) to the batch being built:
 * {"<list>":[row,row,...]} once closed by flush_rows. */
static void add_row(import_t *imp, const char *list, const import_csv_row_t *row, json_t *body)
{
    json_t *ident = put_ident(imp->put, row);
    int rc = ident ? json_object_set(body, "id", json_object_get(ident, "id")) : -1;
    if (rc == 0 && imp->n == 0)
        rc = nq_buf_addf(&imp->body, "{\"%s\":[", list);
    else if (rc == 0)
        rc = append_body(",", 1, imp);
    if (rc == 0)
        rc = json_dump_callback(body, append_body, imp, JSON_COMPACT);
    if (rc == 0)
        imp->lines[imp->n++] = row->line;
    else {
        imp_say(imp, "%s", msg_tr(M_OUT_OF_MEMORY));
        imp->stop = CTL_INPUT;
    }
    json_decref(ident);
    json_decref(body);
}

/* POST the batch and count its answer, one result per row: each refused one
 * to the rejects file by its line. A refusal of the whole request stops the
 * import (sets imp->stop). */
static void flush_rows(import_t *imp, const char *path)
{
    nq_httpc_response_t r;
    if (imp->n == 0 || append_body("]}", 2, imp) != 0 ||
        imp_send_retrying(imp, "POST", path, "application/json", imp->body.buf, imp->body.len,
                          &r) != 0)
        return;
    json_t *answer = ctl_is_2xx(r.status) ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    json_t *results = json_object_get(answer, "results"), *res;
    size_t i;
    if (json_array_size(results) != imp->n) {
        imp_progress_clear(imp);
        ctl_explain_failure("POST", path, &r);
        imp->stop = CTL_REFUSED;
    }
    json_array_foreach (imp->stop ? NULL : results, i, res) {
        json_t *errors = json_object_get(res, "errors");
        if (strcmp(ctl_str_of(res, "status"), "stored") == 0) {
            imp->accepted++;
            continue;
        }
        imp->rejected++;
        imp_write_reject(imp, json_pack("{s:O}", "id", json_object_get(res, "id")), imp->lines[i],
                         "rejected", false, errors ? json_incref(errors) : NULL);
    }
    if (!imp->stop) {
        imp->sent += imp->n;
        imp->requests++;
        imp->n = 0;
        nq_buf_reset(&imp->body);
        imp->offset = imp_input_offset(imp);
        fflush(imp->rejects);
        imp_progress(imp);
    }
    json_decref(answer);
    nq_httpc_response_free(&r);
}

/* import targets / teams / salespeople / customers FILE: one PUT per row,
 * or batches of rows where the kind has a batch route. */
static int import_puts(ctl_t *ctl, const char *file, put_kind_t kind)
{
    import_t imp;
    import_csv_row_t row;
    put_plan_t plan = {NULL, NULL};
    char reason[600], path[IMPORT_PUT_PATH_MAX];
    const char *why;
    if (ctl->format && strcmp(ctl->format, "csv") != 0) {
        fprintf(stderr, msg_tr(M_CSV_ONLY), put_kinds[kind].command);
        return CTL_USAGE;
    }
    int rc = imp_open(&imp, ctl, file, true, M_WHAT_ROWS);
    if (rc == CTL_OK && (rc = imp_read_header(&imp, &row)) == CTL_OK &&
        put_plan_new(kind, &row, &plan, reason, sizeof(reason)) != 0) {
        fprintf(stderr, msg_tr(M_FILE_LINE), file, row.line, reason);
        rc = CTL_INPUT;
    }
    imp.put = &plan;
    const char *batch = put_kinds[kind].batch;
    imp.max = !batch ? 0
              : !ctl->batch
                  ? CUSTOMERS_BATCH_DEFAULT
                  : (size_t)(ctl->batch < CUSTOMERS_BATCH_MAX ? ctl->batch : CUSTOMERS_BATCH_MAX);
    if (rc == CTL_OK && batch && !(imp.lines = calloc(imp.max, sizeof(*imp.lines)))) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        rc = CTL_INPUT;
    }
    if (rc == CTL_OK)
        rc = imp_rejects_open(&imp);
    while (rc == CTL_OK && imp.stop == CTL_OK) {
        nq_field_errors_t errs = {0};
        json_t *body = NULL;
        int got = import_csv_next(imp.reader, &row, &why);
        if (got == IMPORT_CSV_END)
            break;
        if (got == IMPORT_CSV_ROW && import_csv_blank(&row))
            continue; /* Excel's row of empty cells */
        if (got != IMPORT_CSV_ROW)
            imp_record_failed(&imp, got, row.line, why, json_object());
        else if ((body = put_request(&plan, &row, path, &errs)) && batch)
            add_row(&imp, put_kinds[kind].batch_list, &row, body);
        else if (body)
            put_row(&imp, &row, path, body);
        else if (errs.n > 0)
            imp_reject_local(&imp, row.line, put_ident(&plan, &row), &errs);
        else
            imp_record_failed(&imp, IMPORT_CSV_ENOMEM, row.line, "", NULL);
        if (batch && imp.stop == CTL_OK &&
            (imp.n == imp.max || imp.body.len >= CUSTOMERS_BATCH_BYTES))
            flush_rows(&imp, batch);
        else if (batch && (imp.local & 1023) == 1023)
            imp_progress(&imp);
    }
    if (rc == CTL_OK && batch && imp.stop == CTL_OK)
        flush_rows(&imp, batch);
    if (rc == CTL_OK && imp.rejected > 0 && put_kinds[kind].order_hint)
        imp_say(&imp, "%s", msg_tr(put_kinds[kind].order_hint));
    if (rc == CTL_OK)
        rc = imp_summary(&imp, false, put_kinds[kind].safe);
    put_plan_destroy(&plan);
    imp_close(&imp);
    return rc;
}

int cmd_import_targets(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_TARGETS);
}

int cmd_import_teams(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_TEAMS);
}

int cmd_import_salespeople(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_SALESPEOPLE);
}

int cmd_import_customers(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_CUSTOMERS);
}
