/* import_activity.c — CSV rows and NDJSON lines as activity events (see import_activity.h). */
#include "import_activity.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ATTR_PREFIX     "attr."
#define LOCATION_PREFIX "location."

/* How a column's cell becomes JSON. */
typedef enum {
    K_TEXT,     /* a string, as written */
    K_INT,      /* a whole number */
    K_BOOL,     /* true / false */
    K_LOCATION, /* a number in the "location" object */
    K_ATTR,     /* a string in the "attributes" object */
} kind_t;

/* Event fields a column may name (docs/api.md). Adding a field is adding a row. */
static const struct {
    const char *name; /* column name */
    kind_t kind;      /* conversion */
} fields[] = {
    {"event_id", K_TEXT},
    {"type", K_TEXT},
    {"salesperson_id", K_TEXT},
    {"customer_id", K_TEXT},
    {"occurred_at", K_TEXT},
    {"source", K_TEXT},
    {"notes", K_TEXT},
    {"amount", K_TEXT}, /* money stays text: the gateway parses yuan exactly */
    {"order_id", K_TEXT},
    {"due_at", K_TEXT},
    {"duration_s", K_INT},
    {"direction", K_TEXT},
    {"outcome", K_TEXT},
    {"purpose", K_TEXT},
    {"on_time", K_BOOL},
    {"line_count", K_INT},
    {"rating", K_INT},
    {"nps", K_INT},
    {"channel", K_TEXT},
    {"text", K_TEXT},
    {"category", K_TEXT},
    {"priority", K_TEXT},
    {"competitor", K_TEXT},
    {"product", K_TEXT},
    {"course", K_TEXT},
    {"score", K_INT},
    {"price", K_TEXT},
    {"ticket_id", K_TEXT},
    {"location.lat", K_LOCATION},
    {"location.lng", K_LOCATION},
    {"location.accuracy_m", K_LOCATION},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* Columns every file must have: the gateway requires them of every event. */
static const char *const required[] = {"event_id", "type", "salesperson_id", "occurred_at"};

/* Why some names that look right are not columns. */
static const struct {
    const char *name; /* column name */
    const char *hint; /* what to write instead */
} hints[] = {
    {"attributes", "use one attr.<key> column per attribute"},
    {"location", "use location.lat, location.lng and location.accuracy_m columns"},
    {"received_at", "it is set by the server"},
};

typedef struct column {
    kind_t kind; /* conversion */
    char *name;  /* JSON name: the field, the location member or the attribute key */
    char *label; /* the header name, for errors ("location.lat", "attr.region") */
} column_t;

struct import_activity_plan {
    column_t *cols; /* one per header field */
    size_t n;       /* header fields */
    long event_id;  /* index of the event_id column */
};

void import_activity_plan_destroy(import_activity_plan_t **pp)
{
    if (!pp || !*pp)
        return;
    import_activity_plan_t *p = *pp;
    for (size_t i = 0; i < p->n; i++) {
        free(p->cols[i].name);
        free(p->cols[i].label);
    }
    free(p->cols);
    free(p);
    *pp = NULL;
}

/* Map one trimmed header name to a column. Returns 0, or -1 with why. */
static int map_column(const char *label, column_t *col, char *why, size_t why_len)
{
    const char *name = label;
    col->kind = K_TEXT;
    if (strncmp(label, ATTR_PREFIX, strlen(ATTR_PREFIX)) == 0) {
        col->kind = K_ATTR;
        name = label + strlen(ATTR_PREFIX);
        json_t *key = json_string(name); /* checks the key is UTF-8 */
        json_decref(key);
        if (!*name || strlen(name) > 64 || !key) {
            snprintf(why, why_len, "needs a key of 1-64 bytes of UTF-8 after '" ATTR_PREFIX "'");
            return -1;
        }
    } else {
        size_t i = 0;
        while (i < N_FIELDS && strcmp(fields[i].name, label) != 0)
            i++;
        for (size_t h = 0; i == N_FIELDS && h < sizeof(hints) / sizeof(hints[0]); h++) {
            if (strcmp(hints[h].name, label) == 0) {
                snprintf(why, why_len, "is not a column: %s", hints[h].hint);
                return -1;
            }
        }
        if (i == N_FIELDS) {
            snprintf(why, why_len,
                     "is not an event field (see docs/api.md; nested fields are location.lat, "
                     "location.lng, location.accuracy_m and attr.<key>)");
            return -1;
        }
        col->kind = fields[i].kind;
        if (col->kind == K_LOCATION)
            name = label + strlen(LOCATION_PREFIX);
    }
    col->name = strdup(name);
    col->label = strdup(label);
    if (!col->name || !col->label) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    return 0;
}

/* Check the columns as a whole: no name twice, the required ones present. */
static int check_columns(const import_activity_plan_t *p, char *why, size_t why_len)
{
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(p->cols[i].label, p->cols[j].label) == 0) {
                snprintf(why, why_len, "header: column %zu '%s' is also column %zu", i + 1,
                         p->cols[i].label, j + 1);
                return -1;
            }
        }
    }
    for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
        size_t i = 0;
        while (i < p->n && strcmp(p->cols[i].label, required[r]) != 0)
            i++;
        if (i == p->n) {
            snprintf(why, why_len, "header: no column '%s' (every event needs one)", required[r]);
            return -1;
        }
    }
    return 0;
}

int import_activity_plan_new(const import_csv_row_t *header, import_activity_plan_t **out,
                             char *why, size_t why_len)
{
    import_activity_plan_t *p = calloc(1, sizeof(*p));
    *out = NULL;
    if (!p || !(p->cols = calloc(header->n, sizeof(*p->cols)))) {
        free(p);
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    p->event_id = -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < header->n; i++) {
        char *label = strdup(header->fields[i]), reason[200];
        if (!label) {
            snprintf(why, why_len, "out of memory");
            rc = -1;
            break;
        }
        import_csv_trim(label);
        if (!*label) {
            snprintf(why, why_len, "header: column %zu has no name", i + 1);
            rc = -1;
        } else if (map_column(label, &p->cols[i], reason, sizeof(reason)) != 0) {
            snprintf(why, why_len, "header: column %zu '%.64s' %s", i + 1, label, reason);
            rc = -1;
        }
        if (rc == 0 && strcmp(label, "event_id") == 0)
            p->event_id = (long)i;
        p->n = i + 1;
        free(label);
    }
    if (rc == 0)
        rc = check_columns(p, why, why_len);
    if (rc != 0)
        import_activity_plan_destroy(&p);
    *out = p;
    return rc;
}

const char *import_activity_event_id(const import_activity_plan_t *plan,
                                     const import_csv_row_t *row)
{
    if (plan->event_id < 0 || (size_t)plan->event_id >= row->n || !row->lens[plan->event_id])
        return NULL;
    return row->fields[plan->event_id];
}

/* "'12x' " when the cell is short printable ASCII (safe to show), else "". */
static const char *shown(const char *cell, char *buf, size_t len)
{
    size_t n = strlen(cell);
    bool plain = n <= 40;
    for (size_t i = 0; plain && i < n; i++)
        plain = cell[i] >= 0x20 && cell[i] < 0x7f;
    snprintf(buf, len, plain ? "'%s' " : "", cell);
    return buf;
}

/* The JSON value of one non-empty cell, or NULL after adding the reason. */
static json_t *cell_value(const column_t *col, const char *cell, nq_field_errors_t *errs)
{
    char buf[48];
    long long i;
    double d;
    switch (col->kind) {
    case K_TEXT:
    case K_ATTR: {
        json_t *v = json_string(cell);
        if (!v)
            nq_field_errors_add(errs, col->label, "not valid UTF-8");
        return v;
    }
    case K_INT:
        if (import_csv_int(cell, &i) == 0)
            return json_integer(i);
        nq_field_errors_add(errs, col->label, "%sis not a whole number",
                            shown(cell, buf, sizeof(buf)));
        return NULL;
    case K_BOOL:
        if (strcasecmp(cell, "true") == 0 || strcasecmp(cell, "false") == 0)
            return json_boolean(strcasecmp(cell, "true") == 0);
        nq_field_errors_add(errs, col->label, "%sis not true or false",
                            shown(cell, buf, sizeof(buf)));
        return NULL;
    case K_LOCATION:
        if (import_csv_number(cell, &d) == 0)
            return json_real(d);
        nq_field_errors_add(errs, col->label, "%sis not a number", shown(cell, buf, sizeof(buf)));
        return NULL;
    }
    return NULL;
}

/* Set obj[key] = v (stolen), creating *obj first when needed. */
static int set_in(json_t **obj, const char *key, json_t *v)
{
    if (!*obj && !(*obj = json_object())) {
        json_decref(v);
        return -1;
    }
    return json_object_set_new(*obj, key, v);
}

json_t *import_activity_event(const import_activity_plan_t *plan, const import_csv_row_t *row,
                              nq_field_errors_t *errs)
{
    if (row->n != plan->n) {
        nq_field_errors_add(errs, "(row)", "has %zu fields, the header has %zu", row->n, plan->n);
        return NULL;
    }
    json_t *ev = json_object(), *location = NULL, *attributes = NULL;
    size_t before = errs->n + errs->dropped;
    bool nomem = !ev;
    for (size_t i = 0; !nomem && i < plan->n; i++) {
        const column_t *col = &plan->cols[i];
        if (row->lens[i] == 0)
            continue; /* empty cell: field absent */
        json_t *v = cell_value(col, row->fields[i], errs);
        if (!v)
            continue;
        json_t **into = col->kind == K_LOCATION ? &location
                        : col->kind == K_ATTR   ? &attributes
                                                : &ev;
        nomem = set_in(into, col->name, v) != 0;
    }
    if (!nomem && location)
        nomem = json_object_set(ev, "location", location) != 0;
    if (!nomem && attributes)
        nomem = json_object_set(ev, "attributes", attributes) != 0;
    json_decref(location);
    json_decref(attributes);
    if (nomem || errs->n + errs->dropped != before) {
        json_decref(ev);
        return NULL;
    }
    return ev;
}

json_t *import_activity_ndjson(const char *line, size_t len, nq_field_errors_t *errs)
{
    size_t blank = 0;
    while (blank < len && (line[blank] == ' ' || line[blank] == '\t'))
        blank++;
    if (blank == len)
        return NULL;
    json_error_t err;
    json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!obj)
        nq_field_errors_add(errs, "(line)", "not valid JSON: %s (column %d)", err.text, err.column);
    else if (!json_is_object(obj))
        nq_field_errors_add(errs, "(line)", "must be a JSON object (one event per line)");
    if (json_is_object(obj))
        return obj;
    json_decref(obj);
    return NULL;
}
