/* import_activity.c — CSV rows and NDJSON lines as activity events (see import_activity.h). */
#include "import_activity.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_alias.h"
#include "import_value.h"
#include "msg.h"
#include "nq/utf8.h"

#define ATTR_PREFIX     "attr."
#define LOCATION_PREFIX "location."
#define ATTRIBUTES      "attributes."

/* How a column's cell becomes JSON. */
typedef enum {
    K_TEXT,     /* a string, as written */
    K_ENUM,     /* a string from a value table, by its API or Chinese name */
    K_TIME,     /* a time: RFC 3339 as written, local times converted */
    K_MONEY,    /* decimal yuan as text, separators dropped */
    K_INT,      /* a whole number */
    K_BOOL,     /* true / false */
    K_LOCATION, /* a number in the "location" object */
    K_ATTR,     /* a string in the "attributes" object */
} kind_t;

/* The values a K_ENUM column takes. */
typedef struct value_set {
    const import_name_t *names; /* the value table (import_alias.h) */
    const size_t *n;            /* its size */
    const char *expect;         /* what a bad cell is told (a message), NULL = the values */
} value_set_t;

static const value_set_t types = {import_types, &import_types_n, M_EXPECT_TYPE};
static const value_set_t directions = {import_directions, &import_directions_n, NULL};
static const value_set_t priorities = {import_priorities, &import_priorities_n, NULL};
static const value_set_t channels = {import_channels, &import_channels_n, NULL};

/* Event fields a column may name (docs/api.md), with their Chinese names.
 * Adding a field is adding a row. */
static const struct field {
    import_name_t n;           /* API name and aliases */
    kind_t kind;               /* conversion */
    const value_set_t *values; /* K_ENUM: its values */
} fields[] = {
    {{"event_id", "编号|事件编号|流水号|记录编号|单据编号"}, K_TEXT, NULL},
    {{"type", "类型|活动类型|事件类型"}, K_ENUM, &types},
    {{"salesperson_id", "业务员|销售员|业务员编号|销售员编号|业务员ID"}, K_TEXT, NULL},
    {{"customer_id", "客户|客户编号|客户ID"}, K_TEXT, NULL},
    {{"occurred_at", "时间|日期|发生时间|活动时间"}, K_TIME, NULL},
    {{"source", "来源|数据来源"}, K_TEXT, NULL},
    {{"notes", "备注|说明"}, K_TEXT, NULL},
    {{"amount", "金额|订单金额"}, K_MONEY, NULL},
    {{"order_id", "订单号|订单编号"}, K_TEXT, NULL},
    {{"due_at", "到期日|到期时间|交期|截止日期"}, K_TIME, NULL},
    {{"duration_s", "时长|通话时长"}, K_INT, NULL},
    {{"direction", "方向|呼叫方向"}, K_ENUM, &directions},
    {{"outcome", "结果"}, K_TEXT, NULL},
    {{"purpose", "目的|拜访目的"}, K_TEXT, NULL},
    {{"on_time", "按时|是否按时|准时"}, K_BOOL, NULL},
    {{"line_count", "行数|明细行数"}, K_INT, NULL},
    {{"rating", "评分|打分"}, K_INT, NULL},
    {{"nps", "净推荐值"}, K_INT, NULL},
    {{"channel", "渠道|反馈渠道"}, K_ENUM, &channels},
    {{"text", "内容|文本|反馈内容"}, K_TEXT, NULL},
    {{"category", "类别|分类|工单类别"}, K_TEXT, NULL},
    {{"priority", "优先级"}, K_ENUM, &priorities},
    {{"competitor", "竞品|竞争对手"}, K_TEXT, NULL},
    {{"product", "产品"}, K_TEXT, NULL},
    {{"course", "课程"}, K_TEXT, NULL},
    {{"score", "成绩|分数|得分"}, K_INT, NULL},
    {{"price", "价格|单价"}, K_MONEY, NULL},
    {{"ticket_id", "工单号|工单编号"}, K_TEXT, NULL},
    {{"location.lat", "纬度"}, K_LOCATION, NULL},
    {{"location.lng", "经度"}, K_LOCATION, NULL},
    {{"location.accuracy_m", "定位精度|精度"}, K_LOCATION, NULL},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* Columns every file must have: the gateway requires them of every event. */
static const char *const required[] = {"event_id", "type", "salesperson_id", "occurred_at"};

/* Why some names that look right are not columns. */
static const struct {
    const char *name; /* column name */
    const char *hint; /* what to write instead (a message) */
} hints[] = {
    {"attributes", M_ACT_HINT_ATTRIBUTES},
    {"location", M_ACT_HINT_LOCATION},
    {"received_at", M_ACT_HINT_RECEIVED_AT},
};

typedef struct column {
    const struct field *field; /* the event field, NULL for attr.<key> */
    char *name;                /* JSON name: the field, the location member or the attribute key */
    char *label;               /* the header's name, for errors ("金额", "attr.region") */
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

/* The column's kind. */
static kind_t kind_of(const column_t *col)
{
    return col->field ? col->field->kind : K_ATTR;
}

/* Map one trimmed header name to a column. Returns 0, or -1 with why. */
static int map_column(const char *label, column_t *col, char *why, size_t why_len)
{
    const char *name = label;
    if (strncmp(label, ATTR_PREFIX, strlen(ATTR_PREFIX)) == 0) {
        name = label + strlen(ATTR_PREFIX);
        if (!*name || strlen(name) > 64 || !nq_utf8_valid(name, strlen(name))) {
            snprintf(why, why_len, "%s", msg_tr(M_ACT_HDR_ATTR_KEY));
            return -1;
        }
    } else {
        int i = import_name_find(fields, N_FIELDS, sizeof(fields[0]), label);
        for (size_t h = 0; i < 0 && h < sizeof(hints) / sizeof(hints[0]); h++) {
            if (strcmp(hints[h].name, label) == 0) {
                snprintf(why, why_len, msg_tr(M_ACT_HDR_NOT_COLUMN), msg_tr(hints[h].hint));
                return -1;
            }
        }
        if (i < 0) {
            snprintf(why, why_len, "%s", msg_tr(M_ACT_HDR_UNKNOWN));
            return -1;
        }
        col->field = &fields[i];
        name = fields[i].n.name;
        if (col->field->kind == K_LOCATION)
            name += strlen(LOCATION_PREFIX);
    }
    col->name = strdup(name);
    col->label = strdup(label);
    if (!col->name || !col->label) {
        snprintf(why, why_len, "%s", msg_tr(M_OUT_OF_MEMORY));
        return -1;
    }
    return 0;
}

/* Whether two columns hold the same thing (two names of one field). */
static bool same(const column_t *a, const column_t *b)
{
    return a->field == b->field && strcmp(a->name, b->name) == 0;
}

/* Check the columns as a whole: nothing twice, the required ones present. */
static int check_columns(const import_activity_plan_t *p, char *why, size_t why_len)
{
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (same(&p->cols[i], &p->cols[j])) {
                snprintf(why, why_len, msg_tr(M_HDR_TWICE), i + 1, p->cols[i].label, j + 1);
                return -1;
            }
        }
    }
    for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
        size_t i = 0;
        while (i < p->n &&
               !(p->cols[i].field && strcmp(p->cols[i].field->n.name, required[r]) == 0))
            i++;
        if (i == p->n) {
            char aliases[200];
            int f = import_name_find(fields, N_FIELDS, sizeof(fields[0]), required[r]);
            import_name_aliases(&fields[f].n, aliases, sizeof(aliases));
            snprintf(why, why_len, msg_tr(M_HDR_MISSING), required[r], aliases);
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
        snprintf(why, why_len, "%s", msg_tr(M_OUT_OF_MEMORY));
        return -1;
    }
    p->event_id = -1;
    int rc = 0;
    size_t width = import_csv_width(header);
    for (size_t i = 0; rc == 0 && i < width; i++) {
        char label[IMPORT_LABEL_MAX], reason[300];
        rc = import_label_of(header, i, label, sizeof(label), why, why_len);
        if (rc == 0 && map_column(label, &p->cols[i], reason, sizeof(reason)) != 0) {
            snprintf(why, why_len, msg_tr(M_HDR_COLUMN), i + 1, label, reason);
            rc = -1;
        }
        if (rc == 0 && p->cols[i].field && strcmp(p->cols[i].field->n.name, "event_id") == 0)
            p->event_id = (long)i;
        p->n = i + 1;
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

const char *import_activity_label(const import_activity_plan_t *plan, const char *field)
{
    bool attr = strncmp(field, ATTRIBUTES, strlen(ATTRIBUTES)) == 0;
    for (size_t i = 0; i < plan->n; i++) {
        const column_t *col = &plan->cols[i];
        if (attr ? !col->field && strcmp(col->name, field + strlen(ATTRIBUTES)) == 0
                 : col->field && strcmp(col->field->n.name, field) == 0)
            return col->label;
    }
    return NULL;
}

/* The JSON value of one non-empty cell, or NULL after adding the reason. */
static json_t *cell_value(const column_t *col, const char *cell, nq_field_errors_t *errs)
{
    char text[IMPORT_VALUE_MAX], list[400];
    long long i;
    double d;
    bool b;
    const import_name_t *v;
    if (!nq_utf8_valid(cell, strlen(cell))) {
        nq_field_errors_add(errs, col->label, "%s", msg_tr(M_EXPECT_TEXT));
        return NULL;
    }
    switch (kind_of(col)) {
    case K_TEXT:
    case K_ATTR:
        return json_string(cell);
    case K_ENUM:
        if ((v = import_name_value(col->field->values->names, *col->field->values->n, cell)))
            return json_string(v->name);
        if (col->field->values->expect) {
            import_value_refuse(errs, col->label, msg_tr(col->field->values->expect), cell);
            return NULL;
        }
        import_name_list(col->field->values->names, *col->field->values->n, list, sizeof(list));
        nq_field_errors_add(errs, col->label, msg_tr(M_EXPECT_ONE_OF), list);
        return NULL;
    case K_TIME:
        if (import_value_time(cell, text, sizeof(text)) == 0)
            return json_string(text);
        import_value_refuse(errs, col->label, msg_tr(M_EXPECT_TIME), cell);
        return NULL;
    case K_MONEY:
        if (import_value_decimal(cell, IMPORT_NUM_YUAN, text, sizeof(text)) == 0)
            return json_string(text);
        import_value_refuse(errs, col->label, msg_tr(M_EXPECT_AMOUNT), cell);
        return NULL;
    case K_INT:
        if (import_value_int(cell, &i) == 0)
            return json_integer(i);
        import_value_refuse(errs, col->label, msg_tr(M_EXPECT_WHOLE), cell);
        return NULL;
    case K_BOOL:
        if (import_value_bool(cell, &b) == 0)
            return json_boolean(b);
        import_value_refuse(errs, col->label, msg_tr(M_EXPECT_BOOL), cell);
        return NULL;
    case K_LOCATION:
        if (import_value_number(cell, IMPORT_NUM_EXPONENT, &d) == 0)
            return json_real(d);
        import_value_refuse(errs, col->label, msg_tr(M_EXPECT_NUMBER), cell);
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
    if (!import_csv_fits(row, plan->n)) {
        nq_field_errors_add(errs, "(row)", msg_tr(M_ROW_FIELDS), row->n, plan->n);
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
        json_t **into = kind_of(col) == K_LOCATION ? &location
                        : kind_of(col) == K_ATTR   ? &attributes
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
        nq_field_errors_add(errs, "(line)", msg_tr(M_NDJSON_NOT_JSON), err.text, err.column);
    else if (!json_is_object(obj))
        nq_field_errors_add(errs, "(line)", "%s", msg_tr(M_NDJSON_NOT_OBJECT));
    if (json_is_object(obj))
        return obj;
    json_decref(obj);
    return NULL;
}
