/* gateway/accessdoc.c — users and API keys in the admin API. See accessdoc.h. */
#include "accessdoc.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "nq/period.h"
#include "nq/roles.h"

/* How a member is read. */
typedef enum {
    M_ID,       /* an id (NQ_ID_RULE) */
    M_ID_OR_NO, /* an id, or null / "" for none */
    M_NAME,     /* a display name: 1..NQ_USER_NAME_MAX bytes of text on one line */
    M_ROLE,     /* a row of nq_roles() */
    M_SCOPE,    /* a row of nq_scopes() */
    M_IDS,      /* an array of at most NQ_TEAMS_MAX ids, stored joined by commas */
    M_STATUS,   /* "active" or "disabled" */
    M_PASSWORD, /* nq_password_valid */
} mkind_t;

/* One member of a body: where its text goes in the output struct. */
typedef struct member {
    const char *name; /* JSON member */
    mkind_t kind;     /* how it is checked */
    bool required;    /* must be there */
    size_t offset;    /* of its buffer in the output */
    size_t size;      /* of the buffer */
} member_t;

#define AT(type, f) offsetof(type, f), sizeof(((type *)0)->f)

/* "admin, manager, ..." of a role table. */
static void names_of(const nq_role_t *rows, int n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", rows[i].name);
}

static bool one_of(const nq_role_t *rows, int n, const char *name, const char *field,
                   nq_field_errors_t *errs)
{
    char list[128];
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return true;
    names_of(rows, n, list, sizeof(list));
    nq_field_errors_add(errs, field, "must be one of %s", list);
    return false;
}

/* The array of ids `v` joined by commas into out. */
static bool ids_read(const json_t *v, const char *field, char *out, size_t size,
                     nq_field_errors_t *errs)
{
    size_t i, at = 0;
    json_t *e;
    char name[48];
    if (!json_is_array(v) || json_array_size(v) > NQ_TEAMS_MAX) {
        nq_field_errors_add(errs, field, "must be an array of at most %d ids", NQ_TEAMS_MAX);
        return false;
    }
    out[0] = '\0';
    json_array_foreach (v, i, e) {
        const char *id = json_string_value(e);
        if (!id || !nq_valid_id(id)) {
            snprintf(name, sizeof(name), "%s[%zu]", field, i);
            nq_field_errors_add(errs, name, NQ_ID_RULE);
            return false;
        }
        at += (size_t)snprintf(out + at, size - at, "%s%s", i ? "," : "", id);
    }
    return at < size;
}

/* Check one member's value and copy its text into `to` (size bytes). */
static bool member_read(const member_t *m, const json_t *v, char *to, nq_field_errors_t *errs)
{
    const char *s = json_string_value(v);
    const char *why = NULL;
    const nq_role_t *rows;
    int n = 0;
    switch (m->kind) {
    case M_IDS:
        return ids_read(v, m->name, to, m->size, errs);
    case M_ID_OR_NO:
        if (json_is_null(v) || (s && !*s)) {
            to[0] = '\0';
            return true;
        }
        break;
    default:
        break;
    }
    if (!s) {
        nq_field_errors_add(errs, m->name, "must be a string");
        return false;
    }
    switch (m->kind) {
    case M_ID:
    case M_ID_OR_NO:
        if (!nq_valid_id(s))
            why = NQ_ID_RULE;
        break;
    case M_NAME:
        if (!*s || !nq_valid_text(s, NQ_USER_NAME_MAX) || strchr(s, '\n') || strchr(s, '\t')) {
            nq_field_errors_add(errs, m->name, "must be 1-%zu bytes of UTF-8 text",
                                (size_t)NQ_USER_NAME_MAX);
            return false;
        }
        break;
    case M_ROLE:
    case M_SCOPE:
        rows = m->kind == M_ROLE ? nq_roles(&n) : nq_scopes(&n);
        if (!one_of(rows, n, s, m->name, errs))
            return false;
        break;
    case M_STATUS:
        if (strcmp(s, "active") != 0 && strcmp(s, "disabled") != 0) {
            nq_field_errors_add(errs, m->name, "must be one of %s", "active, disabled");
            return false;
        }
        break;
    case M_PASSWORD:
        nq_password_valid(s, &why);
        break;
    case M_IDS:
        break;
    }
    if (why) {
        nq_field_errors_add(errs, m->name, "%s", why);
        return false;
    }
    if (strlen(s) >= m->size) { /* every check above bounds its text: a safety net */
        nq_field_errors_add(errs, m->name, "must be at most %d bytes", (int)m->size - 1);
        return false;
    }
    memcpy(to, s, strlen(s) + 1);
    return true;
}

/* Read the members of `body` into out; given[i] says whether members[i] was
 * there. Unknown members, missing required ones and bad values go to errs. */
static int members_read(const json_t *body, const member_t *members, size_t n, void *out,
                        bool *given, nq_field_errors_t *errs)
{
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)body, key, v) {
        size_t i = 0;
        while (i < n && strcmp(members[i].name, key) != 0)
            i++;
        if (i == n)
            nq_field_errors_add(errs, key, "unknown field");
    }
    for (size_t i = 0; i < n; i++) {
        const member_t *m = &members[i];
        v = json_object_get(body, m->name);
        given[i] = v != NULL;
        if (!v && m->required)
            nq_field_errors_add(errs, m->name, "is required");
        else if (v)
            member_read(m, v, (char *)out + m->offset, errs);
    }
    return errs->n ? -1 : 0;
}

/* A new user: the record and its password side by side. */
typedef struct user_in {
    nq_user_t u;
    char password[NQ_PASSWORD_MAX + 1];
} user_in_t;

static const member_t user_members[] = {
    {"id", M_ID, true, AT(user_in_t, u.id)},
    {"name", M_NAME, false, AT(user_in_t, u.name)},
    {"role", M_ROLE, true, AT(user_in_t, u.role)},
    {"teams", M_IDS, false, AT(user_in_t, u.teams)},
    {"salesperson_id", M_ID_OR_NO, false, AT(user_in_t, u.salesperson)},
    {"password", M_PASSWORD, true, AT(user_in_t, password)},
};
#define N_USER (sizeof(user_members) / sizeof(user_members[0]))

int access_user_parse(const json_t *body, nq_user_t *u, char *password, nq_field_errors_t *errs)
{
    user_in_t in;
    bool given[N_USER];
    memset(&in, 0, sizeof(in));
    int rc = members_read(body, user_members, N_USER, &in, given, errs);
    if (rc == 0) {
        *u = in.u;
        memcpy(password, in.password, sizeof(in.password));
    }
    memset(&in, 0, sizeof(in));
    return rc;
}

static const member_t patch_members[] = {
    {"name", M_NAME, false, AT(access_patch_t, name)},
    {"role", M_ROLE, false, AT(access_patch_t, role)},
    {"teams", M_IDS, false, AT(access_patch_t, teams)},
    {"salesperson_id", M_ID_OR_NO, false, AT(access_patch_t, salesperson)},
    {"status", M_STATUS, false, AT(access_patch_t, status)},
    {"password", M_PASSWORD, false, AT(access_patch_t, password)},
};
#define N_PATCH (sizeof(patch_members) / sizeof(patch_members[0]))
#define STATUS  4 /* the row of "status" */
#define PASSWD  5 /* the row of "password" */

int access_patch_parse(const json_t *body, const char *id, const char *self, access_patch_t *out,
                       nq_field_errors_t *errs)
{
    bool given[N_PATCH];
    char *const texts[] = {out->name, out->role, out->teams, out->salesperson};
    memset(out, 0, sizeof(*out));
    int rc = members_read(body, patch_members, N_PATCH, out, given, errs);
    if (rc != 0)
        return rc;
    const char **ptrs[] = {&out->p.name, &out->p.role, &out->p.teams, &out->p.salesperson};
    bool any = given[STATUS] || given[PASSWD];
    for (size_t i = 0; i < 4; i++) {
        *ptrs[i] = given[i] ? texts[i] : NULL;
        any |= given[i];
    }
    out->p.status = given[STATUS] ? strcmp(out->status, "disabled") == 0 : -1;
    out->p.password = given[PASSWD] ? out->password : NULL;
    bool own = self && strcmp(self, id) == 0;
    if (own && out->p.status == 1)
        nq_field_errors_add(errs, "status", "you cannot disable your own user");
    if (own && out->p.role && strcmp(out->p.role, "admin") != 0)
        nq_field_errors_add(errs, "role", "you cannot change your own role");
    return errs->n ? -1 : any ? 0 : -2;
}

static const member_t key_members[] = {
    {"name", M_ID, true, AT(access_key_in_t, name)},
    {"scope", M_SCOPE, true, AT(access_key_in_t, scope)},
    {"teams", M_IDS, false, AT(access_key_in_t, teams)},
    {"sources", M_IDS, false, AT(access_key_in_t, sources)},
};
#define N_KEY (sizeof(key_members) / sizeof(key_members[0]))

int access_key_parse(const json_t *body, access_key_in_t *k, nq_field_errors_t *errs)
{
    bool given[N_KEY];
    memset(k, 0, sizeof(*k));
    return members_read(body, key_members, N_KEY, k, given, errs);
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *time_or_null(long long ms)
{
    char buf[48];
    if (ms <= 0)
        return json_null();
    nq_time_format(ms, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *ids_json(const char *joined)
{
    json_t *arr = json_array();
    for (const char *p = joined; arr && *p;) {
        size_t len = strcspn(p, ",");
        json_array_append_new(arr, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    return arr;
}

json_t *access_user_json(const nq_user_t *u)
{
    return json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "id", u->id, "name",
        u->name[0] ? u->name : u->id, "role", u->role, "teams", ids_json(u->teams),
        "salesperson_id", u->salesperson[0] ? json_string(u->salesperson) : json_null(), "status",
        u->disabled ? "disabled" : "active", "created_at", time_or_null(u->created), "updated_at",
        time_or_null(u->updated), "last_login_at", time_or_null(u->last_login));
}

json_t *access_key_json(const nq_apikey_t *k)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "id", k->id, "name", k->name,
                     "scope", k->scope, "teams", ids_json(k->teams), "sources",
                     ids_json(k->sources), "status", k->revoked ? "revoked" : "live", "created_at",
                     time_or_null(k->created), "last_used_at", time_or_null(k->last_used),
                     "revoked_at", time_or_null(k->revoked));
}
