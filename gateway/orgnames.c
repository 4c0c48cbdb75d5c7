/* gateway/orgnames.c — names next to the org ids of an answer. See orgnames.h. */
#include "orgnames.h"

#include <stdio.h>
#include <string.h>

#include "nq/fielderr.h"

/* Where ids are: a member of the record, or of each entry of its array. */
static const struct {
    const char *array; /* NULL: the record itself */
    const char *id;    /* the id's member */
    const char *name;  /* the name's member written beside it */
    char kind;         /* GW_NAME_SP or GW_NAME_TEAM */
} fields[] = {
    {NULL, "owner_id", "owner_name", GW_NAME_SP},
    {NULL, "pool_team", "pool_team_name", GW_NAME_TEAM},
    {NULL, "team_id", "team_name", GW_NAME_TEAM},
    {NULL, "salesperson_id", "salesperson_name", GW_NAME_SP},
    {"owner_history", "owner_id", "owner_name", GW_NAME_SP},
    {"notes", "salesperson_id", "salesperson_name", GW_NAME_SP},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* The key of field f's id in object o into buf; false when it has none. */
static bool key_of(const json_t *o, size_t f, char *buf, size_t len)
{
    const char *id = json_string_value(json_object_get(o, fields[f].id));
    if (!id || !nq_valid_id(id))
        return false;
    int n = snprintf(buf, len, "%c:%s", fields[f].kind, id);
    return n > 0 && (size_t)n < len;
}

/* Call visit(object, field, data) for each object of a record holding field f. */
typedef void (*visit_fn)(json_t *o, size_t f, void *data);

static void each_field(const json_t *record, visit_fn visit, void *data)
{
    for (size_t f = 0; f < N_FIELDS; f++) {
        if (!fields[f].array) {
            visit((json_t *)record, f, data);
            continue;
        }
        size_t i;
        json_t *e;
        json_array_foreach (json_object_get(record, fields[f].array), i, e)
            visit(e, f, data);
    }
}

static void each_record(const json_t *records, visit_fn visit, void *data)
{
    if (json_is_object(records)) {
        each_field(records, visit, data);
        return;
    }
    size_t i;
    json_t *r;
    json_array_foreach (records, i, r)
        each_field(r, visit, data);
}

static void need_one(json_t *o, size_t f, void *data)
{
    char key[NQ_ID_MAX + 8];
    if (key_of(o, f, key, sizeof(key)) && json_object_set_new(data, key, json_null()) != 0)
        json_object_set_new(data, "", json_true()); /* out of memory: flagged */
}

json_t *gw_names_needed(const json_t *records)
{
    json_t *need = json_object();
    if (!need)
        return NULL;
    each_record(records, need_one, need);
    if (json_object_get(need, "")) {
        json_decref(need);
        return NULL;
    }
    return need;
}

static void apply_one(json_t *o, size_t f, void *data)
{
    char key[NQ_ID_MAX + 8];
    const char *name;
    if (key_of(o, f, key, sizeof(key)) &&
        (name = json_string_value(json_object_get(data, key))) != NULL)
        json_object_set_new(o, fields[f].name, json_string(name));
}

void gw_names_apply(json_t *records, const json_t *names)
{
    each_record(records, apply_one, (void *)names);
}

char gw_names_kind(const char *key, const char **id)
{
    if (!key || strlen(key) < 3 || key[1] != ':' ||
        (key[0] != GW_NAME_SP && key[0] != GW_NAME_TEAM))
        return 0;
    *id = key + 2;
    return key[0];
}
