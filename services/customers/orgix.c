/* orgix.c — the org directory's lists and their indexes. See orgix.h. */
#include "orgix.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custrec.h"
#include "nq/keys.h"
#include "nq/page.h"
#include "nq/utf8.h"

/* ---------------------------------------------------------------- the table */

static const char *const flags[] = {"0", "1", NULL};

enum { TEAM_ARCHIVED };
static const orgix_filter_t team_filters[] = {
    [TEAM_ARCHIVED] = {"archived", "deleted_at", ORGIX_FLAG, flags, NULL, true},
};

enum { SP_TEAM, SP_STATUS, SP_ARCHIVED };
static const orgix_filter_t salesperson_filters[] = {
    [SP_TEAM] = {"team", "team_id", ORGIX_ID, NULL, NULL, false},
    [SP_STATUS] = {"status", "status", ORGIX_CHOICE, org_sp_statuses, ORG_SP_STATUS_DEFAULT, false},
    [SP_ARCHIVED] = {"archived", "deleted_at", ORGIX_FLAG, flags, NULL, true},
};

static const char *const overdue_kinds[] = {"followup", "receivable", NULL};

enum { CU_OWNER, CU_CLASS, CU_POOL = 9 };
static const orgix_filter_t customer_filters[] = {
    [CU_OWNER] = {"owner", "owner_id", ORGIX_ID, NULL, NULL, false},
    [CU_CLASS] = {"class", "class", ORGIX_CHOICE, org_customer_classes, ORG_CUSTOMER_CLASS_DEFAULT,
                  false},
    {"status", "status", ORGIX_CHOICE, custrec_statuses, CUSTREC_STATUS_DEFAULT, false},
    {"region", "region", ORGIX_TEXT, NULL, NULL, false},
    {"industry", "industry", ORGIX_TEXT, NULL, NULL, false},
    /* followup kept by common/lua/lib/followup.lua (services/customers/followup.h),
     * receivable by services/customers/arwatch.h */
    {"overdue", "", ORGIX_KEPT, overdue_kinds, NULL, false},
    {"tag", "tags", ORGIX_MULTI, NULL, NULL, false},
    {"team", "", ORGIX_TEAM, NULL, NULL, false},
    {"q", "name", ORGIX_SEARCH, NULL, NULL, false},
    /* the team of the pool it is in: team= reads it beside the members' owner indexes */
    [CU_POOL] = {"pool_team", "pool_team", ORGIX_POOL, NULL, NULL, false},
    /* owner=&class= and team=&class= (a team's members' and its pool's) as range reads */
    {"owner_class", "", ORGIX_PAIR, NULL, NULL, false, {CU_OWNER, CU_CLASS}},
    {"pool_class", "", ORGIX_PAIR, NULL, NULL, false, {CU_POOL, CU_CLASS}},
};

/* In the order of common/lua/lib/sort.lua's table. */
static const orgix_sort_t customer_sorts[] = {
    {"name"},
    {"created"},
    {"last_contact"},
    {"next_followup"},
};

static void set_term(orgix_query_t *q, size_t i, const char *value)
{
    q->set[i] = true;
    snprintf(q->value[i], sizeof(q->value[i]), "%s", value);
}

/* Archived teams only with include_archived=true. */
static void team_defaults(orgix_query_t *q)
{
    if (!q->include_archived)
        set_term(q, TEAM_ARCHIVED, "0");
}

/* Archived salespeople only with include_archived=true or status=left
 * (everyone archived has left). */
static void salesperson_defaults(orgix_query_t *q)
{
    bool left = q->set[SP_STATUS] && strcmp(q->value[SP_STATUS], "left") == 0;
    if (!q->include_archived && !left)
        set_term(q, SP_ARCHIVED, "0");
}

#define FILTERS(a) a, sizeof(a) / sizeof(a[0])

const orgix_list_t orgix_lists[ORG_KIND_COUNT] = {
    [ORG_TEAM] = {NQ_IX_TEAMS, NQ_MSG(TEAM_LIST), FILTERS(team_filters), NULL, 0, team_defaults},
    [ORG_SALESPERSON] = {NQ_IX_SALESPEOPLE, NQ_MSG(SALESPERSON_LIST), FILTERS(salesperson_filters),
                         NULL, 0, salesperson_defaults},
    [ORG_CUSTOMER] = {NQ_IX_CUSTOMERS, NQ_MSG(CUSTOMER_LIST), FILTERS(customer_filters),
                      FILTERS(customer_sorts), NULL},
};

/* Filters whose values are not one field's: no index per value of a write's
 * fields (kept by their own scripts, or moved by orgix_multi_moves, or read
 * through others). */
static bool derived(orgix_type_t t)
{
    return t == ORGIX_KEPT || t == ORGIX_MULTI || t == ORGIX_TEAM || t == ORGIX_SEARCH;
}

/* Filters with many values per entity, moved by orgix_multi_moves. */
static bool multi(orgix_type_t t)
{
    return t == ORGIX_MULTI || t == ORGIX_SEARCH;
}

const orgix_list_t *orgix_list_for_msg(const nq_msgtype_t *msg, org_kind_id_t *kind)
{
    for (size_t i = 0; msg && i < ORG_KIND_COUNT; i++) {
        if (orgix_lists[i].msg == msg) {
            *kind = (org_kind_id_t)i;
            return &orgix_lists[i];
        }
    }
    return NULL;
}

const orgix_filter_t *orgix_filter(const orgix_list_t *l, const char *name)
{
    for (size_t i = 0; i < l->n_filters; i++) {
        if (strcmp(l->filters[i].name, name) == 0)
            return &l->filters[i];
    }
    return NULL;
}

/* ---------------------------------------------------------------- values and keys */

static const char *field_value(const char *const *fields, size_t n, const char *field)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (strcmp(fields[i], field) == 0)
            return fields[i + 1];
    }
    return "";
}

void orgix_values_of(const orgix_list_t *l, const char *const *fields, size_t n,
                     orgix_values_t *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < l->n_filters; i++) {
        const orgix_filter_t *f = &l->filters[i];
        const char *v = field_value(fields, n, f->field);
        if (derived(f->type))
            v = "";
        else if (f->type == ORGIX_PAIR) /* its parts come before it */
            v = *out->v[f->pair[0]] && *out->v[f->pair[1]] ? NULL : "";
        else if (f->type == ORGIX_FLAG)
            v = *v ? "1" : "0";
        else if (f->type == ORGIX_CHOICE && !*v)
            v = f->dflt;
        if (v)
            snprintf(out->v[i], sizeof(out->v[i]), "%s", v);
        else if (snprintf(out->v[i], sizeof(out->v[i]), "%s/%s", out->v[f->pair[0]],
                          out->v[f->pair[1]]) >= (int)sizeof(out->v[i]))
            out->v[i][0] = '\0'; /* too long for one value: no pair index */
    }
}

int orgix_key(char *buf, size_t len, const orgix_list_t *l, const orgix_filter_t *f,
              const char *value)
{
    return nq_key_index(buf, len, l->name, f ? f->name : NULL, value);
}

/* Append the index of f's `value` (f NULL: the list's own). 0 or -1. */
static int push_key(orgix_keys_t *out, const orgix_list_t *l, const orgix_filter_t *f,
                    const char *value)
{
    if (out->n == ORGIX_KEYS_MAX)
        return -1;
    return orgix_key(out->key[out->n++], ORGIX_KEY_MAX, l, f, value) < 0 ? -1 : 0;
}

/* Whether value v of filter f has an index: a pool's and a pair's only when set. */
static bool indexed(const orgix_filter_t *f, const char *v)
{
    return (f->type != ORGIX_POOL && f->type != ORGIX_PAIR) || *v;
}

/* Filters that are not query parameters: read through others, or by plans. */
static bool internal(const orgix_filter_t *f)
{
    return f->hidden || f->type == ORGIX_POOL || f->type == ORGIX_PAIR;
}

int orgix_add_keys(const orgix_list_t *l, const orgix_values_t *now, orgix_keys_t *out)
{
    out->n = 0;
    int rc = push_key(out, l, NULL, NULL);
    for (size_t i = 0; rc == 0 && i < l->n_filters; i++) {
        if (!derived(l->filters[i].type) && indexed(&l->filters[i], now->v[i]))
            rc = push_key(out, l, &l->filters[i], now->v[i]);
    }
    return rc;
}

int orgix_pool_key(char *buf, size_t len, const orgix_list_t *l, const char *team)
{
    for (size_t i = 0; i < l->n_filters; i++) {
        if (l->filters[i].type == ORGIX_POOL)
            return orgix_key(buf, len, l, &l->filters[i], team);
    }
    return 0;
}

size_t orgix_add_count(const orgix_list_t *l)
{
    size_t n = 1;
    for (size_t i = 0; i < l->n_filters; i++)
        n += !derived(l->filters[i].type);
    return n;
}

int orgix_rem_keys(const orgix_list_t *l, const orgix_values_t *before, const orgix_values_t *now,
                   orgix_keys_t *out)
{
    out->n = 0;
    int rc = now ? 0 : push_key(out, l, NULL, NULL);
    for (size_t i = 0; rc == 0 && i < l->n_filters; i++) {
        const orgix_filter_t *f = &l->filters[i];
        if ((f->type == ORGIX_KEPT && now) || multi(f->type) || f->type == ORGIX_TEAM)
            continue;
        if (f->type == ORGIX_ID || f->type == ORGIX_TEXT || f->type == ORGIX_POOL ||
            f->type == ORGIX_PAIR) {
            if (before && indexed(f, before->v[i]) &&
                !(now && strcmp(before->v[i], now->v[i]) == 0))
                rc = push_key(out, l, f, before->v[i]);
            continue;
        }
        for (const char *const *c = f->choices; rc == 0 && *c; c++) {
            if (!now || strcmp(*c, now->v[i]) != 0)
                rc = push_key(out, l, f, *c);
        }
    }
    return rc;
}

int orgix_moves(const orgix_list_t *l, const orgix_values_t *before, const orgix_values_t *now,
                orgix_moves_t *m)
{
    m->add.n = 0;
    if (orgix_rem_keys(l, before, now, &m->rem) != 0)
        return -1;
    return now ? orgix_add_keys(l, now, &m->add) : 0;
}

/* Add the strings of field `field`'s JSON array among n alternating
 * field/value strings (absent or "": none) to out. 0, or -1 when it does
 * not parse or out is full. */
static int json_values(const char *const *fields, size_t n, const char *field, orgix_strs_t *out)
{
    const char *text = n ? field_value(fields, n, field) : "";
    json_t *arr = *text ? json_loads(text, 0, NULL) : json_array();
    int rc = json_is_array(arr) ? 0 : -1;
    size_t i;
    json_t *e;
    json_array_foreach (rc == 0 ? arr : NULL, i, e) {
        const char *v = json_string_value(e);
        if (!v || rc != 0)
            continue;
        if (out->n == ORGIX_VALUES_MAX)
            rc = -1;
        else
            snprintf(out->v[out->n++], sizeof(out->v[0]), "%s", v);
    }
    json_decref(arr);
    return rc;
}

/* The values of multi-valued filter f of entity `id` with n alternating
 * fields (none: no values) into out. 0, or -1. */
static int multi_values(const orgix_filter_t *f, const char *id, const char *const *fields,
                        size_t n, orgix_strs_t *out)
{
    out->n = 0;
    if (f->type == ORGIX_MULTI)
        return json_values(fields, n, f->field, out);
    if (n == 0)
        return 0;
    return orgix_grams(field_value(fields, n, f->field), out) == 0 && orgix_grams(id, out) == 0
               ? 0
               : -1;
}

static bool has_value(const orgix_strs_t *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i], v) == 0)
            return true;
    }
    return false;
}

int orgix_multi_moves(const orgix_list_t *l, const char *id, const char *const *before, size_t nb,
                      const char *const *after, size_t na, orgix_moves_t *m)
{
    static orgix_strs_t was, is; /* large; the service is one thread */
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n_filters; i++) {
        const orgix_filter_t *f = &l->filters[i];
        if (!multi(f->type))
            continue;
        rc = multi_values(f, id, before, nb, &was) | multi_values(f, id, after, na, &is);
        for (size_t k = 0; rc == 0 && k < was.n; k++) {
            if (!has_value(&is, was.v[k]))
                rc = push_key(&m->rem, l, f, was.v[k]);
        }
        for (size_t k = 0; rc == 0 && k < is.n; k++)
            rc = push_key(&m->add, l, f, is.v[k]);
    }
    return rc;
}

/* ---------------------------------------------------------------- search */

size_t orgix_fold(char *buf, size_t len, const char *text)
{
    size_t at = 0, total = strlen(text);
    for (size_t i = 0; i < total;) {
        size_t n = nq_utf8_seq(text + i, total - i, NULL);
        if (n == 0)
            n = 1; /* stored text is valid; never loop on a bad byte */
        if (at + n >= len)
            break;
        for (size_t k = 0; k < n; k++) {
            char ch = text[i + k];
            buf[at++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
        }
        i += n;
    }
    buf[at] = '\0';
    return at;
}

static bool is_space(const char *p, size_t n)
{
    return n == 1 && (*p == ' ' || *p == '\t' || *p == '\n');
}

/* Add the gram of the n bytes at p unless out has it. 0, or -1 when full. */
static int add_gram(orgix_strs_t *out, const char *p, size_t n)
{
    char g[16];
    snprintf(g, sizeof(g), "%.*s", (int)n, p);
    if (has_value(out, g))
        return 0;
    if (out->n == ORGIX_VALUES_MAX)
        return -1;
    memcpy(out->v[out->n++], g, n + 1);
    return 0;
}

int orgix_grams(const char *text, orgix_strs_t *out)
{
    char f[256];
    size_t total = orgix_fold(f, sizeof(f), text), prev = 0, prev_len = 0, chars = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < total;) {
        size_t n = nq_utf8_seq(f + i, total - i, NULL);
        n = n ? n : 1;
        if (chars++ > 0 && !is_space(f + prev, prev_len) && !is_space(f + i, n))
            rc = add_gram(out, f + prev, prev_len + n);
        prev = i;
        prev_len = n;
        i += n;
    }
    return rc;
}

/* The search term of q, or NULL. */
static const char *search_term(const orgix_query_t *q)
{
    for (size_t i = 0; i < q->list->n_filters; i++) {
        if (q->set[i] && q->list->filters[i].type == ORGIX_SEARCH)
            return q->value[i];
    }
    return NULL;
}

bool orgix_search_matches(const orgix_query_t *q, const char *id, const char *const *fields,
                          size_t n)
{
    const char *term = search_term(q);
    if (!term)
        return true;
    char want[NQ_ID_MAX + 1], name[256], fid[NQ_ID_MAX + 1];
    orgix_fold(want, sizeof(want), term);
    orgix_fold(name, sizeof(name), field_value(fields, n, "name"));
    orgix_fold(fid, sizeof(fid), id);
    return strstr(name, want) || strstr(fid, want);
}

int orgix_sort_key(char *buf, size_t len, const orgix_list_t *l, size_t s)
{
    return nq_key_index(buf, len, l->name, "sort", l->sorts[s].name);
}

int orgix_sort_owner_key(char *buf, size_t len, const orgix_list_t *l)
{
    return nq_key_index(buf, len, l->name, "sort", "by_owner");
}

int orgix_pool_group(char *buf, size_t len, const char *team)
{
    int n = snprintf(buf, len, "pool=%s", team);
    return n < 0 || (size_t)n >= len ? -1 : n;
}

int orgix_team_key(char *buf, size_t len, const char *team)
{
    return orgix_key(buf, len, &orgix_lists[ORG_SALESPERSON], &salesperson_filters[SP_TEAM], team);
}

/* ---------------------------------------------------------------- queries */

/* "limit, cursor, include_archived, team, status": what l takes. */
static void parameters_text(const orgix_list_t *l, bool archived, char *buf, size_t len)
{
    size_t at = (size_t)snprintf(buf, len, "limit, cursor%s%s",
                                 archived ? ", include_archived" : "", l->n_sorts ? ", sort" : "");
    for (size_t i = 0; i < l->n_filters && at < len; i++) {
        if (!internal(&l->filters[i]))
            at += (size_t)snprintf(buf + at, len - at, ", %s", l->filters[i].name);
    }
}

/* Check `value` for filter f; errors on the filter's name. */
static void check_value(const orgix_filter_t *f, const char *value, nq_field_errors_t *errs)
{
    if ((f->type == ORGIX_ID || f->type == ORGIX_TEAM) && *value && !nq_valid_id(value))
        nq_field_errors_add(errs, f->name, "%s, or empty for none", NQ_ID_RULE);
    if ((f->type == ORGIX_TEXT || f->type == ORGIX_MULTI) && *value &&
        !nq_valid_text(value, NQ_ID_MAX))
        nq_field_errors_add(errs, f->name,
                            "must be at most %d bytes of UTF-8 text, or empty for none", NQ_ID_MAX);
    if (f->type == ORGIX_SEARCH) {
        orgix_strs_t *grams = calloc(1, sizeof(*grams));
        if (!nq_valid_text(value, NQ_ID_MAX))
            nq_field_errors_add(errs, f->name, "must be at most %d bytes of UTF-8 text", NQ_ID_MAX);
        else if (!grams || orgix_grams(value, grams) != 0 || grams->n == 0)
            nq_field_errors_add(errs, f->name,
                                "must have two characters side by side that are not spaces");
        free(grams);
    }
    if ((f->type != ORGIX_CHOICE && f->type != ORGIX_KEPT) || nq_one_of(value, f->choices))
        return;
    char text[120] = "";
    size_t at = 0;
    for (const char *const *c = f->choices; *c && at < sizeof(text); c++)
        at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%s", at ? ", " : "", *c);
    nq_field_errors_add(errs, f->name, "must be one of %s", text);
}

/* Whether l has a hidden filter (archived), which include_archived lifts. */
static bool has_hidden(const orgix_list_t *l)
{
    for (size_t i = 0; i < l->n_filters; i++) {
        if (l->filters[i].hidden)
            return true;
    }
    return false;
}

/* Parameters other than filters, in the order of `seen` below. */
enum { P_LIMIT, P_CURSOR, P_ARCHIVED, P_SORT, P_FILTERS };

/* Which parameter `name` is (P_*, or P_FILTERS + a filter's index), or -1. */
static int parameter_of(const orgix_list_t *l, const char *name)
{
    if (strcmp(name, "limit") == 0)
        return P_LIMIT;
    if (strcmp(name, "cursor") == 0)
        return P_CURSOR;
    if (strcmp(name, "include_archived") == 0)
        return has_hidden(l) ? P_ARCHIVED : -1;
    if (strcmp(name, "sort") == 0)
        return l->n_sorts ? P_SORT : -1;
    const orgix_filter_t *f = orgix_filter(l, name);
    return f && !internal(f) ? P_FILTERS + (int)(f - l->filters) : -1;
}

/* sort=[-]<name>: one of the list's sorts. */
static void take_sort(orgix_query_t *q, const char *value, nq_field_errors_t *errs)
{
    const orgix_list_t *l = q->list;
    q->desc = *value == '-';
    for (size_t i = 0; i < l->n_sorts; i++) {
        if (strcmp(value + q->desc, l->sorts[i].name) == 0)
            q->sort = (int)i;
    }
    if (q->sort >= 0)
        return;
    char text[120] = "";
    size_t at = 0;
    for (size_t i = 0; i < l->n_sorts && at < sizeof(text); i++)
        at +=
            (size_t)snprintf(text + at, sizeof(text) - at, "%s%s", i ? ", " : "", l->sorts[i].name);
    nq_field_errors_add(errs, "sort", "must be one of %s, with - in front for the reverse order",
                        text);
}

/* Read a sorted list's cursor position "<sort key in hex>~<id>" as the sort
 * index's member "<sort key>\x1f<id>" into q->after. 0, or -1. */
static int sorted_after(orgix_query_t *q, const char *pos)
{
    const char *tilde = strchr(pos, '~');
    size_t hex = tilde ? (size_t)(tilde - pos) : 0, at = 0;
    if (!tilde || hex % 2 || hex / 2 + 1 + NQ_ID_MAX + 1 > sizeof(q->after) ||
        !nq_valid_id(tilde + 1))
        return -1;
    for (size_t i = 0; i < hex; i += 2) {
        unsigned byte;
        if (sscanf(pos + i, "%2x", &byte) != 1 || byte < 0x20)
            return -1;
        q->after[at++] = (char)byte;
    }
    q->after[at++] = '\x1f';
    snprintf(q->after + at, sizeof(q->after) - at, "%s", tilde + 1);
    return 0;
}

/* Take one parameter (which: parameter_of's answer, known). */
static void take(orgix_query_t *q, int which, const char *value, const char **cursor,
                 nq_field_errors_t *errs)
{
    const char *why = NULL;
    if (which == P_LIMIT) {
        if (nq_page_limit(value, &q->limit, &why) != 0)
            nq_field_errors_add(errs, "limit", "%s", why);
    } else if (which == P_CURSOR) {
        *cursor = value;
    } else if (which == P_SORT) {
        take_sort(q, value, errs);
    } else if (which == P_ARCHIVED) {
        q->include_archived = strcmp(value, "true") == 0;
        if (!q->include_archived && strcmp(value, "false") != 0)
            nq_field_errors_add(errs, "include_archived", "must be true or false");
    } else {
        const orgix_filter_t *f = &q->list->filters[which - P_FILTERS];
        size_t before = errs->n + errs->dropped;
        check_value(f, value, errs);
        if (errs->n + errs->dropped == before)
            set_term(q, (size_t)(which - P_FILTERS), value);
    }
}

int orgix_query_parse(const orgix_list_t *l, Nq__QueryParam *const *params, size_t n,
                      orgix_query_t *q, nq_field_errors_t *errs)
{
    size_t before = errs->n + errs->dropped;
    bool seen[P_FILTERS + ORGIX_FILTERS_MAX] = {0};
    const char *cursor = NULL;
    memset(q, 0, sizeof(*q));
    q->list = l;
    q->limit = NQ_PAGE_LIMIT_DEFAULT;
    q->sort = -1;
    if (n > ORGIX_PARAMS_MAX) {
        nq_field_errors_add(errs, "query", "has more than %d parameters", ORGIX_PARAMS_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = params[i]->name ? params[i]->name : "";
        const char *value = params[i]->value ? params[i]->value : "";
        int which = parameter_of(l, name);
        if (which < 0) {
            char known[160];
            parameters_text(l, has_hidden(l), known, sizeof(known));
            nq_field_errors_add(errs, *name ? name : "query",
                                "is not a parameter of this list (%s)", known);
        } else if (seen[which]) {
            nq_field_errors_add(errs, name, "is given more than once");
        } else {
            seen[which] = true;
            take(q, which, value, &cursor, errs);
        }
    }
    if (errs->n + errs->dropped > before)
        return -1;
    if (l->defaults)
        l->defaults(q);
    if (cursor) {
        char scope[512], pos[NQ_CURSOR_POS_MAX + 1];
        const char *why = "is not a cursor of this list";
        if (orgix_scope(q, scope, sizeof(scope)) < 0 ||
            nq_page_cursor_decode(cursor, scope, pos, sizeof(pos), &why) != 0 ||
            (q->sort < 0 ? !nq_valid_id(pos) : sorted_after(q, pos) != 0))
            nq_field_errors_add(errs, "cursor", "%s", why);
        else if (q->sort < 0)
            snprintf(q->after, sizeof(q->after), "%s", pos);
    }
    return errs->n + errs->dropped > before ? -1 : 0;
}

int orgix_scope(const orgix_query_t *q, char *buf, size_t len)
{
    const orgix_list_t *l = q->list;
    int at = snprintf(buf, len, "%s", l->name);
    char sep = '?';
    for (size_t i = 0; i < l->n_filters && at >= 0 && (size_t)at < len; i++) {
        if (!q->set[i])
            continue;
        int w =
            snprintf(buf + at, len - (size_t)at, "%c%s=%s", sep, l->filters[i].name, q->value[i]);
        at = w < 0 ? -1 : at + w;
        sep = '&';
    }
    if (q->sort >= 0 && at >= 0 && (size_t)at < len) {
        int w = snprintf(buf + at, len - (size_t)at, "%csort=%s%s", sep, q->desc ? "-" : "",
                         l->sorts[q->sort].name);
        at = w < 0 ? -1 : at + w;
    }
    return at < 0 || (size_t)at >= len ? -1 : at;
}

/* The indexes of the first ORGIX_QUERY_GRAMS grams of search `text`. */
static int push_grams(orgix_plan_t *p, const orgix_list_t *l, const orgix_filter_t *f,
                      const char *text)
{
    orgix_strs_t *grams = calloc(1, sizeof(*grams));
    int rc = grams && orgix_grams(text, grams) == 0 ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < grams->n && i < ORGIX_QUERY_GRAMS; i++)
        rc = push_key(&p->keys, l, f, grams->v[i]);
    free(grams);
    return rc;
}

/* The team of q's ORGIX_TEAM term, or NULL. */
static const char *team_term(const orgix_query_t *q)
{
    for (size_t i = 0; i < q->list->n_filters; i++) {
        if (q->set[i] && q->list->filters[i].type == ORGIX_TEAM)
            return q->value[i];
    }
    return NULL;
}

/* The ORGIX_PAIR filter of l made of filters a and b, or NULL. */
static const orgix_filter_t *pair_of(const orgix_list_t *l, size_t a, size_t b)
{
    for (size_t i = 0; i < l->n_filters; i++) {
        const orgix_filter_t *f = &l->filters[i];
        if (f->type == ORGIX_PAIR && f->pair[0] == a && f->pair[1] == b)
            return f;
    }
    return NULL;
}

/* The filter of l of type t, or NULL. */
static const orgix_filter_t *of_type(const orgix_list_t *l, orgix_type_t t)
{
    for (size_t i = 0; i < l->n_filters; i++) {
        if (l->filters[i].type == t)
            return &l->filters[i];
    }
    return NULL;
}

/* Whether q's term i has a value a pair index holds (not ""). */
static bool pairable(const orgix_query_t *q, size_t i)
{
    return q->set[i] && *q->value[i];
}

/* Mark in `covered` the terms of q that pair indexes read, and push those
 * indexes; with a team (unsorted), the term its members' and pool's pairs
 * hold (p->with). 0 or -1. */
static int push_pairs(const orgix_query_t *q, orgix_plan_t *p, bool *covered)
{
    const orgix_list_t *l = q->list;
    const orgix_filter_t *owner = orgix_filter(l, "owner"), *pool = of_type(l, ORGIX_POOL);
    int rc = 0;
    p->with = -1;
    for (size_t b = 0; p->team && !p->sorted && owner && pool && b < l->n_filters; b++) {
        if (p->with < 0 && pairable(q, b) && pair_of(l, (size_t)(owner - l->filters), b) &&
            pair_of(l, (size_t)(pool - l->filters), b)) {
            p->with = (int)b;
            covered[b] = true;
        }
    }
    for (size_t i = 0; rc == 0 && i < l->n_filters; i++) {
        const orgix_filter_t *f = &l->filters[i];
        size_t a = f->pair[0], b = f->pair[1];
        char v[ORGIX_VALUE_MAX + 1];
        if (f->type != ORGIX_PAIR || covered[a] || covered[b] || !pairable(q, a) ||
            !pairable(q, b) ||
            snprintf(v, sizeof(v), "%s/%s", q->value[a], q->value[b]) >= (int)sizeof(v))
            continue;
        covered[a] = covered[b] = true;
        rc = push_key(&p->keys, l, f, v);
    }
    return rc;
}

int orgix_plan(const orgix_query_t *q, orgix_plan_t *p)
{
    const orgix_list_t *l = q->list;
    bool covered[ORGIX_FILTERS_MAX] = {0};
    int rc = 0;
    p->keys.n = 0;
    p->team = team_term(q);
    p->sorted = q->sort >= 0;
    if (p->sorted) {
        p->keys.n = 1;
        rc = orgix_sort_key(p->keys.key[0], ORGIX_KEY_MAX, l, (size_t)q->sort) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = push_pairs(q, p, covered);
    for (size_t i = 0; rc == 0 && i < l->n_filters; i++) {
        if (covered[i])
            continue;
        if (q->set[i] && l->filters[i].type == ORGIX_TEAM)
            p->team = q->value[i];
        else if (q->set[i] && l->filters[i].type == ORGIX_SEARCH)
            rc = push_grams(p, l, &l->filters[i], q->value[i]);
        else if (q->set[i])
            rc = push_key(&p->keys, l, &l->filters[i], q->value[i]);
    }
    if (rc == 0 && p->keys.n == 0)
        rc = push_key(&p->keys, l, NULL, NULL);
    p->limit = q->limit;
    p->budget = q->limit * ORGIX_SCAN_FACTOR;
    return rc;
}

bool orgix_matches(const orgix_query_t *q, const orgix_values_t *v)
{
    const orgix_list_t *l = q->list;
    const char *team = team_term(q);
    for (size_t i = 0; i < l->n_filters; i++) {
        if (q->set[i] && !derived(l->filters[i].type) && strcmp(q->value[i], v->v[i]) != 0)
            return false;
        /* in a pool: a team's list holds it when the pool is the team's */
        if (team && l->filters[i].type == ORGIX_POOL && *v->v[i] && strcmp(team, v->v[i]) != 0)
            return false;
    }
    return true;
}

int orgix_next_cursor(const orgix_query_t *q, const char *last, char *buf, size_t len)
{
    char scope[512], pos[NQ_CURSOR_POS_MAX + 1];
    if (orgix_scope(q, scope, sizeof(scope)) < 0)
        return -1;
    const char *sep = q->sort >= 0 ? strrchr(last, '\x1f') : NULL;
    if (q->sort >= 0 && !sep)
        return -1;
    if (sep) {
        size_t at = 0;
        for (const char *p = last; p < sep && at + 3 < sizeof(pos); p++)
            at += (size_t)snprintf(pos + at, sizeof(pos) - at, "%02x", (unsigned char)*p);
        if (snprintf(pos + at, sizeof(pos) - at, "~%s", sep + 1) >= (int)(sizeof(pos) - at))
            return -1;
        last = pos;
    }
    return nq_page_cursor_encode(buf, len, scope, last);
}

unsigned orgix_walk_next(const orgix_walk_t *w)
{
    if (!w->more || w->kept >= w->limit)
        return 0;
    if (w->looked == 0)
        return w->budget;
    unsigned b = w->looked < w->budget ? w->budget : w->looked;
    if (b > ORGIX_CALL_BUDGET_MAX)
        b = ORGIX_CALL_BUDGET_MAX;
    if (w->kept == 0)
        return b;
    unsigned bound = w->limit * ORGIX_PAGE_SCAN_FACTOR;
    if (w->looked >= bound)
        return 0;
    return b < bound - w->looked ? b : bound - w->looked;
}

/* The index of filter f's value `value` for a team page's group: its pair
 * with the plan's `with` term when there is one. */
static int group_key(char *buf, size_t len, const orgix_query_t *q, const orgix_plan_t *p,
                     const orgix_filter_t *f, const char *value)
{
    const orgix_list_t *l = q->list;
    if (p->with < 0)
        return orgix_key(buf, len, l, f, value);
    char v[ORGIX_VALUE_MAX + 1];
    if (snprintf(v, sizeof(v), "%s/%s", value, q->value[p->with]) >= (int)sizeof(v))
        return -1;
    return orgix_key(buf, len, l, pair_of(l, (size_t)(f - l->filters), (size_t)p->with), v);
}

int orgix_member_key(char *buf, size_t len, const orgix_query_t *q, const orgix_plan_t *p,
                     const char *member)
{
    const orgix_filter_t *owner = orgix_filter(q->list, "owner");
    return owner ? group_key(buf, len, q, p, owner, member) : -1;
}

int orgix_team_pool_key(char *buf, size_t len, const orgix_query_t *q, const orgix_plan_t *p)
{
    const orgix_filter_t *pool = of_type(q->list, ORGIX_POOL);
    return pool ? group_key(buf, len, q, p, pool, p->team) : 0;
}
