/* trainreq.c — required training courses. See trainreq.h. */
#include "trainreq.h"

#include <stdio.h>
#include <string.h>

/* Whether the array list holds the string name. */
static bool lists(const json_t *list, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach (list, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return true;
    }
    return false;
}

/* Whether a course object of `courses` is the course `name`. */
static bool taken(const json_t *courses, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach (courses, i, c) {
        const json_t *v = json_object_get(c, "course");
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return true;
    }
    return false;
}

/* Whether one of the first n names of list is `name`. */
static bool listed_before(const json_t *list, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++) {
        const json_t *w = json_array_get(list, k);
        if (json_is_string(w) && strcmp(json_string_value(w), name) == 0)
            return true;
    }
    return false;
}

static void check_names(const json_t *list, nq_field_errors_t *errs)
{
    size_t i;
    json_t *v;
    char field[32];
    json_array_foreach (list, i, v) {
        snprintf(field, sizeof(field), "courses[%zu]", i);
        size_t len = json_is_string(v) ? json_string_length(v) : 0;
        if (len == 0 || len > GW_TRAINREQ_NAME_MAX || strlen(json_string_value(v)) != len)
            nq_field_errors_add(errs, field, "must be a course name of 1 to 100 bytes");
        else if (listed_before(list, i, json_string_value(v)))
            nq_field_errors_add(errs, field, "given twice");
    }
}

int gw_trainreq_check(const json_t *doc, nq_field_errors_t *errs)
{
    size_t before = errs->n + errs->dropped;
    const char *key;
    json_t *v;
    if (!json_is_object(doc)) {
        nq_field_errors_add(errs, "courses", "is required");
        return -1;
    }
    json_object_foreach ((json_t *)doc, key, v) {
        if (strcmp(key, "courses") != 0)
            nq_field_errors_add(errs, key, "unknown field");
    }
    const json_t *list = json_object_get(doc, "courses");
    if (!list)
        nq_field_errors_add(errs, "courses", "is required");
    else if (!json_is_array(list) || json_array_size(list) > GW_TRAINREQ_MAX)
        nq_field_errors_add(errs, "courses", "must be an array of at most 50 course names");
    else
        check_names(list, errs);
    return errs->n + errs->dropped > before ? -1 : 0;
}

/* Append the names of doc's courses that acc does not list yet. */
static void add_courses(json_t *acc, const json_t *doc)
{
    nq_field_errors_t errs = {0};
    if (!doc || gw_trainreq_check(doc, &errs) != 0)
        return;
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(doc, "courses"), i, v) {
        if (!lists(acc, json_string_value(v)))
            json_array_append(acc, v);
    }
}

json_t *gw_trainreq_union(const json_t *company_doc, const json_t *team_doc)
{
    json_t *acc = json_array();
    if (acc) {
        add_courses(acc, company_doc);
        add_courses(acc, team_doc);
    }
    return acc;
}

json_t *gw_trainreq_status(const json_t *required, const json_t *courses, bool *complete)
{
    json_t *done = json_array(), *missing = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (required, i, v) {
        const char *name = json_string_value(v);
        if (name)
            json_array_append(taken(courses, name) ? done : missing, v);
    }
    *complete = json_array_size(missing) == 0;
    return json_pack("{s:o, s:o}", "done", done, "missing", missing);
}
