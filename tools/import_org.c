/* import_org.c — CSV rows as org entities (see import_org.h). */
#include "import_org.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_alias.h"
#include "import_value.h"
#include "msg.h"
#include "nq/utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* How a column's cell becomes JSON. */
typedef enum {
    K_ID,    /* the entity's id: the path, not the body */
    K_TEXT,  /* a string, as written */
    K_REF,   /* the id of another entity */
    K_LIST,  /* ids separated by , ; 、 or spaces, as an array */
    K_ENUM,  /* a value of a value table, by its API or Chinese name */
    K_TIME,  /* a date or time (import_value.h), as RFC 3339 in the zone */
    K_TEXTS, /* texts separated by ; (an export's tags), as an array */
    K_MONEY, /* an amount in yuan, as decimal text */
    K_WHOLE, /* a whole number */
    K_SKIP,  /* set by the server (an export's created_at, ...): read, never sent */
} kind_t;

/* A column of an org file. */
typedef struct column_def {
    import_name_t n;             /* API name and aliases */
    kind_t kind;                 /* conversion */
    const import_name_t *values; /* K_ENUM: the value table */
    const size_t *n_values;      /* K_ENUM: its size */
} column_def_t;

static const column_def_t team_columns[] = {
    {{"id", "编号|团队编号|团队ID"}, K_ID, NULL, NULL},
    {{"name", "名称|团队名称|团队"}, K_TEXT, NULL, NULL},
    {{"coordinators", "内勤|销售内勤|协调人"}, K_LIST, NULL, NULL},
    {{"members", "成员|组员"}, K_LIST, NULL, NULL},
    {{"effective_from", "生效日期|起始日期|成员生效日期"}, K_TIME, NULL, NULL},
};

static const column_def_t salesperson_columns[] = {
    {{"id", "编号|工号|业务员编号|销售员编号"}, K_ID, NULL, NULL},
    {{"name", "姓名|名称|业务员|销售员|业务员姓名"}, K_TEXT, NULL, NULL},
    {{"team_id", "团队|团队编号|所属团队|小组"}, K_REF, NULL, NULL},
    {{"status", "状态|在职状态"}, K_ENUM, import_statuses, &import_statuses_n},
    {{"effective_from", "生效日期|起始日期|调入日期|入组日期"}, K_TIME, NULL, NULL},
    {{"status_from", "状态生效日期|状态日期|状态起始日期"}, K_TIME, NULL, NULL},
};

static const column_def_t customer_columns[] = {
    {{"id", "编号|客户编号"}, K_ID, NULL, NULL},
    {{"name", "名称|客户名称|客户|公司名称"}, K_TEXT, NULL, NULL},
    {{"class", "级别|分类|类别|客户级别|客户分类"}, K_ENUM, import_classes, &import_classes_n},
    {{"owner_id", "负责人|业务员|销售员|归属业务员|负责业务员"}, K_REF, NULL, NULL},
    {{"since", "起始|生效日期|起始日期|负责起始日期"}, K_TIME, NULL, NULL},
    {{"status", "状态|客户状态"}, K_ENUM, import_customer_statuses, &import_customer_statuses_n},
    {{"region", "区域|地区"}, K_TEXT, NULL, NULL},
    {{"industry", "行业"}, K_TEXT, NULL, NULL},
    {{"tags", "标签"}, K_TEXTS, NULL, NULL},
    {{"credit_limit", "信用额度"}, K_MONEY, NULL, NULL},
    {{"payment_terms_days", "账期天数|账期"}, K_WHOLE, NULL, NULL},
    {{"created_at", "创建时间"}, K_SKIP, NULL, NULL},
    {{"last_contact_at", "最近联系时间"}, K_SKIP, NULL, NULL},
    {{"followup_due_at", "跟进到期时间"}, K_SKIP, NULL, NULL},
    {{"updated_at", "更新时间"}, K_SKIP, NULL, NULL},
};

/* The kinds: their columns and where their entities live. Adding one is
 * adding a row. */
static const struct {
    const column_def_t *columns; /* its columns */
    size_t n_columns;            /* how many */
    const char *path;            /* path prefix, followed by the id */
    const char *what;            /* the file, for messages ("teams") */
} kinds[IMPORT_ORG_KINDS] = {
    [IMPORT_ORG_TEAMS] = {team_columns, COUNT(team_columns), "/api/v1/teams/", "teams"},
    [IMPORT_ORG_SALESPEOPLE] = {salesperson_columns, COUNT(salesperson_columns),
                                "/api/v1/salespeople/", "salespeople"},
    [IMPORT_ORG_CUSTOMERS] = {customer_columns, COUNT(customer_columns), "/api/v1/customers/",
                              "customers"},
};

#define LIST_SEPARATORS ",;| \t\n"

struct import_org_plan {
    import_org_kind_t kind;    /* the file's kind */
    size_t n;                  /* header fields */
    const column_def_t **cols; /* per header field, its column */
    char **labels;             /* per header field, its name in the header */
    size_t id;                 /* the id column */
};

void import_org_plan_destroy(import_org_plan_t **pp)
{
    if (!pp || !*pp)
        return;
    import_labels_free((*pp)->labels, (*pp)->n);
    free((*pp)->cols);
    free(*pp);
    *pp = NULL;
}

/* "id, name, team_id, status" of a kind. */
static void column_list(import_org_kind_t kind, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < kinds[kind].n_columns && used < len; c++) {
        const column_def_t *col = &kinds[kind].columns[c];
        int n = snprintf(buf + used, len - used, "%s%s (%.*s)", c ? ", " : "", col->n.name,
                         (int)strcspn(col->n.aliases, "|"), col->n.aliases);
        used += n > 0 ? (size_t)n : 0;
    }
}

/* Map header column i; returns 0 or -1 with why. */
static int map_column(import_org_plan_t *p, size_t i, const char *label, char *why, size_t why_len)
{
    const column_def_t *defs = kinds[p->kind].columns;
    int c = import_name_find(defs, kinds[p->kind].n_columns, sizeof(defs[0]), label);
    if (c < 0) {
        char names[300];
        column_list(p->kind, names, sizeof(names));
        snprintf(why, why_len, msg_tr(M_ORG_HDR_UNKNOWN), i + 1, label, kinds[p->kind].what, names);
        return -1;
    }
    for (size_t j = 0; j < i; j++) {
        if (p->cols[j] == &defs[c]) {
            snprintf(why, why_len, msg_tr(M_HDR_TWICE), i + 1, label, j + 1);
            return -1;
        }
    }
    p->cols[i] = &defs[c];
    if (defs[c].kind == K_ID)
        p->id = i;
    return 0;
}

/* Every column a file must have: id and name. */
static int check_required(const import_org_plan_t *p, char *why, size_t why_len)
{
    for (size_t c = 0; c < 2; c++) {
        const column_def_t *def = &kinds[p->kind].columns[c];
        size_t i = 0;
        while (i < p->n && p->cols[i] != def)
            i++;
        if (i == p->n) {
            char aliases[120];
            import_name_aliases(&def->n, aliases, sizeof(aliases));
            snprintf(why, why_len, msg_tr(M_HDR_MISSING), def->n.name, aliases);
            return -1;
        }
    }
    return 0;
}

int import_org_plan_new(import_org_kind_t kind, const import_csv_row_t *header,
                        import_org_plan_t **out, char *why, size_t why_len)
{
    import_org_plan_t *p = calloc(1, sizeof(*p));
    *out = NULL;
    if (!p || !(p->cols = calloc(header->n, sizeof(*p->cols)))) {
        free(p);
        snprintf(why, why_len, "%s", msg_tr(M_OUT_OF_MEMORY));
        return -1;
    }
    p->kind = kind;
    size_t width = import_csv_width(header);
    int rc = import_labels_of(header, width, &p->labels, why, why_len);
    p->n = rc == 0 ? width : 0;
    for (size_t i = 0; rc == 0 && i < p->n; i++)
        rc = map_column(p, i, p->labels[i], why, why_len);
    if (rc == 0)
        rc = check_required(p, why, why_len);
    if (rc != 0)
        import_org_plan_destroy(&p);
    *out = p;
    return rc;
}

/* Replace the wide separators 、，； (three bytes each) with spaces. */
static void blank_wide_separators(char *s)
{
    static const char *const wide[] = {"、", "，", "；"};
    for (char *p = s; *p; p++) {
        for (size_t w = 0; w < sizeof(wide) / sizeof(wide[0]); w++) {
            if (strncmp(p, wide[w], 3) == 0) {
                memset(p, ' ', 3);
                break;
            }
        }
    }
}

/* The ids of a list cell as a JSON array, or NULL after adding the reason. */
static json_t *id_list(const char *label, const char *cell, nq_field_errors_t *errs)
{
    char *copy = strdup(cell), *save = NULL;
    json_t *ids = copy ? json_array() : NULL;
    if (!ids) {
        free(copy);
        return NULL;
    }
    blank_wide_separators(copy);
    for (char *id = strtok_r(copy, LIST_SEPARATORS, &save); id;
         id = strtok_r(NULL, LIST_SEPARATORS, &save)) {
        if (!nq_valid_id(id)) {
            import_value_refuse(errs, label, msg_tr(M_EXPECT_ID_LIST), id);
            json_decref(ids);
            ids = NULL;
            break;
        }
        json_array_append_new(ids, json_string(id));
    }
    free(copy);
    return ids;
}

/* The texts of a cell separated by ; (an export's tags), trimmed, as an array. */
static json_t *text_list(const char *cell)
{
    json_t *out = json_array();
    for (const char *p = cell; out && *p;) {
        size_t len = strcspn(p, ";");
        size_t lead = strspn(p, " "), end = len;
        while (end > lead && p[end - 1] == ' ')
            end--;
        if (end > lead)
            json_array_append_new(out, json_stringn(p + lead, end - lead));
        p += len + (p[len] == ';');
    }
    return out;
}

/* A text cell as written, without the apostrophe an export puts before a
 * text a spreadsheet would run as a formula ('=SUM(...) is =SUM(...)). */
static const char *unneutralised(const char *cell)
{
    return cell[0] == '\'' && cell[1] && strchr("=+-@\t\r", cell[1]) ? cell + 1 : cell;
}

/* The JSON value of one non-empty cell, or NULL after adding the reason
 * (K_SKIP: NULL, no reason). */
static json_t *cell_value(const column_def_t *col, const char *label, const char *cell,
                          nq_field_errors_t *errs)
{
    const import_name_t *v;
    char list[200], time[IMPORT_VALUE_MAX];
    long long whole;
    if (!nq_utf8_valid(cell, strlen(cell))) {
        nq_field_errors_add(errs, label, "%s", msg_tr(M_EXPECT_TEXT));
        return NULL;
    }
    switch (col->kind) {
    case K_ID:
    case K_REF:
        if (nq_valid_id(cell))
            return json_string(cell);
        import_value_refuse(errs, label, msg_tr(M_EXPECT_ID), cell);
        return NULL;
    case K_TEXT:
        return json_string(unneutralised(cell));
    case K_TEXTS:
        return text_list(cell);
    case K_MONEY:
        if (import_value_decimal(cell, IMPORT_NUM_YUAN, time, sizeof(time)) == 0)
            return json_string(time);
        import_value_refuse(errs, label, msg_tr(M_EXPECT_AMOUNT), cell);
        return NULL;
    case K_WHOLE:
        if (import_value_int(cell, &whole) == 0)
            return json_integer(whole);
        import_value_refuse(errs, label, msg_tr(M_EXPECT_WHOLE), cell);
        return NULL;
    case K_SKIP:
        return NULL;
    case K_LIST:
        return id_list(label, cell, errs);
    case K_ENUM:
        if ((v = import_name_value(col->values, *col->n_values, cell)))
            return json_string(v->name);
        import_name_list(col->values, *col->n_values, list, sizeof(list));
        nq_field_errors_add(errs, label, msg_tr(M_EXPECT_ONE_OF), list);
        return NULL;
    case K_TIME:
        if (import_value_time(cell, time, sizeof(time)) == 0)
            return json_string(time);
        import_value_refuse(errs, label, msg_tr(M_EXPECT_TIME), cell);
        return NULL;
    }
    return NULL;
}

json_t *import_org_request(const import_org_plan_t *plan, const import_csv_row_t *row, char *path,
                           size_t path_len, nq_field_errors_t *errs)
{
    if (!import_csv_fits(row, plan->n)) {
        nq_field_errors_add(errs, "(row)", msg_tr(M_ROW_FIELDS), row->n, plan->n);
        return NULL;
    }
    json_t *body = json_object();
    size_t before = errs->n + errs->dropped;
    bool nomem = !body;
    for (size_t i = 0; !nomem && i < plan->n; i++) {
        const column_def_t *col = plan->cols[i];
        if (row->lens[i] == 0) {
            if (col->kind == K_ID || strcmp(col->n.name, "name") == 0)
                nq_field_errors_add(errs, plan->labels[i], "%s", msg_tr(M_ORG_REQUIRED));
            continue;
        }
        json_t *v = cell_value(col, plan->labels[i], row->fields[i], errs);
        if (v && col->kind == K_ID)
            snprintf(path, path_len, "%s%s", kinds[plan->kind].path, row->fields[i]);
        if (v && col->kind == K_ID)
            json_decref(v); /* the id goes in the path */
        else if (v)
            nomem = json_object_set_new(body, col->n.name, v) != 0;
    }
    if (nomem || errs->n + errs->dropped != before) {
        json_decref(body);
        return NULL;
    }
    return body;
}

json_t *import_org_ident(const import_org_plan_t *plan, const import_csv_row_t *row)
{
    json_t *obj = json_object();
    if (obj && plan->id < row->n && row->lens[plan->id] > 0) {
        json_t *v = json_string(row->fields[plan->id]);
        if (v)
            json_object_set_new(obj, "id", v);
    }
    return obj;
}

const char *import_org_label(const import_org_plan_t *plan, const char *field)
{
    size_t len = strcspn(field, "[");
    for (size_t i = 0; i < plan->n; i++) {
        const char *name = plan->cols[i]->n.name;
        if (strlen(name) == len && strncmp(name, field, len) == 0)
            return plan->labels[i];
    }
    return NULL;
}
