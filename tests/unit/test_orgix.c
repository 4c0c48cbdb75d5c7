/* test_orgix.c — services/customers/orgix.h: the org lists' table, their
 * queries (parameters, defaults, cursors), plans, and the index moves of
 * writes.
 *
 * By hand: what each list takes and refuses, archived entities by default
 * and on request, the scope and the plan of a query, a cursor that comes
 * back to its query only. Then a property: random writes of random entities
 * (new, changed, removed), each moved between indexes by orgix_moves from
 * the values it had to those it has, leave every index holding exactly the
 * ids whose values put them there — whatever the earlier values of the
 * closed filters were, since a write does not know them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customers/orgix.h"
#include "nq/keys.h"
#include "nq/page.h"
#include "nq_test.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const orgix_list_t *const teams = &orgix_lists[ORG_TEAM];
static const orgix_list_t *const salespeople = &orgix_lists[ORG_SALESPERSON];
static const orgix_list_t *const customers = &orgix_lists[ORG_CUSTOMER];

/* Parse "name=value" pairs (NULL-terminated) as a list request's. */
static int parse(const orgix_list_t *l, const char *const *pairs, orgix_query_t *q,
                 nq_field_errors_t *errs)
{
    Nq__QueryParam params[32], *ptrs[32];
    char names[32][64];
    size_t n = 0;
    memset(errs, 0, sizeof(*errs));
    for (; pairs[n]; n++) {
        const char *eq = strchr(pairs[n], '=');
        nq__query_param__init(&params[n]);
        snprintf(names[n], sizeof(names[n]), "%.*s", (int)(eq - pairs[n]), pairs[n]);
        params[n].name = names[n];
        params[n].value = (char *)eq + 1;
        ptrs[n] = &params[n];
    }
    return orgix_query_parse(l, ptrs, n, q, errs);
}

static const char *reason_of(const nq_field_errors_t *errs, const char *field)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strcmp(errs->items[i].field, field) == 0)
            return errs->items[i].reason;
    }
    return NULL;
}

static const char *scope_of(const orgix_query_t *q)
{
    static char buf[512];
    CU_ASSERT_TRUE(orgix_scope(q, buf, sizeof(buf)) > 0);
    return buf;
}

/* ---------------------------------------------------------------- the table */

static void test_table(void)
{
    org_kind_id_t kind;
    CU_ASSERT_PTR_EQUAL(orgix_list_for_msg(NQ_MSG(TEAM_LIST), &kind), teams);
    CU_ASSERT_EQUAL(kind, ORG_TEAM);
    CU_ASSERT_PTR_EQUAL(orgix_list_for_msg(NQ_MSG(SALESPERSON_LIST), &kind), salespeople);
    CU_ASSERT_EQUAL(kind, ORG_SALESPERSON);
    CU_ASSERT_PTR_EQUAL(orgix_list_for_msg(NQ_MSG(CUSTOMER_LIST), &kind), customers);
    CU_ASSERT_EQUAL(kind, ORG_CUSTOMER);
    CU_ASSERT_PTR_NULL(orgix_list_for_msg(NQ_MSG(CUSTOMER_GET), &kind));
    CU_ASSERT_PTR_NULL(orgix_list_for_msg(NULL, &kind));
    for (size_t i = 0; i < ORG_KIND_COUNT; i++) {
        const orgix_list_t *l = &orgix_lists[i];
        CU_ASSERT_TRUE(l->n_filters <= ORGIX_FILTERS_MAX);
        for (size_t f = 0; f < l->n_filters; f++) {
            CU_ASSERT_PTR_EQUAL(orgix_filter(l, l->filters[f].name), &l->filters[f]);
            /* a closed filter's every value fits a move with the list's own */
            size_t n = 0;
            for (const char *const *c = l->filters[f].choices; c && *c; c++)
                n++;
            orgix_type_t t = l->filters[f].type;
            CU_ASSERT_TRUE(t == ORGIX_ID || t == ORGIX_TEXT || t == ORGIX_MULTI ||
                           t == ORGIX_TEAM || t == ORGIX_SEARCH || t == ORGIX_POOL ||
                           t == ORGIX_PAIR || (t == ORGIX_KEPT && n >= 1) || n > 1);
        }
    }
    CU_ASSERT_PTR_NOT_NULL(orgix_filter(customers, "team"));
    CU_ASSERT_PTR_NULL(orgix_filter(customers, "archived"));
    char key[ORGIX_KEY_MAX];
    CU_ASSERT_TRUE(orgix_key(key, sizeof(key), customers, orgix_filter(customers, "owner"), "") >
                   0);
    CU_ASSERT_STRING_EQUAL(key, "nq:ix:customers:owner=");
    CU_ASSERT_TRUE(orgix_key(key, sizeof(key), customers, NULL, NULL) > 0);
    CU_ASSERT_STRING_EQUAL(key, "nq:ix:customers");
    CU_ASSERT_TRUE(orgix_team_key(key, sizeof(key), "t-a") > 0);
    CU_ASSERT_STRING_EQUAL(key, "nq:ix:salespeople:team=t-a");
    /* the longest id fits */
    char id[NQ_ID_MAX + 1];
    memset(id, 'x', NQ_ID_MAX);
    id[NQ_ID_MAX] = '\0';
    CU_ASSERT_TRUE(orgix_team_key(key, sizeof(key), id) > 0);
}

/* ---------------------------------------------------------------- queries */

static void test_defaults(void)
{
    orgix_query_t q;
    nq_field_errors_t errs;
    const char *none[] = {NULL};
    CU_ASSERT_EQUAL(parse(customers, none, &q, &errs), 0);
    CU_ASSERT_EQUAL(q.limit, NQ_PAGE_LIMIT_DEFAULT);
    CU_ASSERT_STRING_EQUAL(q.after, "");
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "customers");
    /* archived teams and salespeople only on request */
    CU_ASSERT_EQUAL(parse(teams, none, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "teams?archived=0");
    const char *all[] = {"include_archived=true", NULL};
    CU_ASSERT_EQUAL(parse(teams, all, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "teams");
    const char *not_all[] = {"include_archived=false", NULL};
    CU_ASSERT_EQUAL(parse(teams, not_all, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "teams?archived=0");
    CU_ASSERT_EQUAL(parse(salespeople, none, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "salespeople?archived=0");
    /* status=left: everyone who left, archived or not */
    const char *left[] = {"status=left", NULL};
    CU_ASSERT_EQUAL(parse(salespeople, left, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "salespeople?status=left");
    const char *leave[] = {"status=leave", NULL};
    CU_ASSERT_EQUAL(parse(salespeople, leave, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "salespeople?status=leave&archived=0");
    /* terms in the table's order, whatever the query's */
    const char *both[] = {"status=active", "limit=7", "team=t-a", NULL};
    CU_ASSERT_EQUAL(parse(salespeople, both, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "salespeople?team=t-a&status=active&archived=0");
    CU_ASSERT_EQUAL(q.limit, 7);
    const char *pool[] = {"class=key", "owner=", NULL};
    CU_ASSERT_EQUAL(parse(customers, pool, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "customers?owner=&class=key");
}

static void test_refused(void)
{
    static const struct {
        const orgix_list_t *list;
        const char *pairs[4];
        const char *field;
    } cases[] = {
        {&orgix_lists[ORG_CUSTOMER], {"limit=0"}, "limit"},
        {&orgix_lists[ORG_CUSTOMER], {"limit=501"}, "limit"},
        {&orgix_lists[ORG_CUSTOMER], {"limit=ten"}, "limit"},
        {&orgix_lists[ORG_CUSTOMER], {"cursor=zzz"}, "cursor"},
        {&orgix_lists[ORG_CUSTOMER], {"cursor="}, "cursor"},
        {&orgix_lists[ORG_CUSTOMER], {"class=vip"}, "class"},
        {&orgix_lists[ORG_CUSTOMER], {"class="}, "class"},
        {&orgix_lists[ORG_CUSTOMER], {"owner=a b"}, "owner"},
        {&orgix_lists[ORG_CUSTOMER], {"owner=sp-1", "owner=sp-2"}, "owner"},
        {&orgix_lists[ORG_CUSTOMER], {"limit=5", "limit=5"}, "limit"},
        {&orgix_lists[ORG_CUSTOMER], {"include_archived=true"}, "include_archived"},
        {&orgix_lists[ORG_CUSTOMER], {"team=t a"}, "team"},
        {&orgix_lists[ORG_CUSTOMER], {"=x"}, "query"},
        {&orgix_lists[ORG_SALESPERSON], {"status=gone"}, "status"},
        {&orgix_lists[ORG_SALESPERSON], {"archived=1"}, "archived"},
        {&orgix_lists[ORG_SALESPERSON], {"include_archived=yes"}, "include_archived"},
        {&orgix_lists[ORG_SALESPERSON],
         {"team="
          "x123456789x123456789x123456789x123456789x1234"
          "56789x123456789x1234"},
         "team"},
        {&orgix_lists[ORG_TEAM], {"owner=sp-1"}, "owner"},
        {&orgix_lists[ORG_TEAM], {"archived=0"}, "archived"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        orgix_query_t q;
        nq_field_errors_t errs;
        CU_ASSERT_EQUAL(parse(cases[i].list, cases[i].pairs, &q, &errs), -1);
        const char *why = reason_of(&errs, cases[i].field);
        CU_ASSERT_PTR_NOT_NULL(why);
        if (!why)
            fprintf(stderr, "\n    case %zu: no error on %s (%zu errors: %s %s)", i, cases[i].field,
                    errs.n, errs.n ? errs.items[0].field : "", errs.n ? errs.items[0].reason : "");
    }
    /* an unknown parameter says what the list takes */
    orgix_query_t q;
    nq_field_errors_t errs;
    const char *typo[] = {"onwer=sp-1", NULL};
    CU_ASSERT_EQUAL(parse(customers, typo, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "onwer"),
                           "is not a parameter of this list (limit, cursor, sort, owner, class, "
                           "status, region, industry, overdue, tag, team, q)");
    const char *typo2[] = {"stauts=left", NULL};
    CU_ASSERT_EQUAL(parse(salespeople, typo2, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(
        reason_of(&errs, "stauts"),
        "is not a parameter of this list (limit, cursor, include_archived, team, status)");
    const char *cls[] = {"class=vip", NULL};
    CU_ASSERT_EQUAL(parse(customers, cls, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "class"), "must be one of key, normal, potential");
    /* every wrong parameter is named, not only the first */
    const char *many[] = {"limit=0", "class=vip", "x=1", NULL};
    CU_ASSERT_EQUAL(parse(customers, many, &q, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 3);
}

/* A page's cursor comes back to its query, and to no other. */
static void test_cursor(void)
{
    orgix_query_t q, q2;
    nq_field_errors_t errs;
    const char *first[] = {"class=key", "limit=2", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, first, &q, &errs), 0);
    char cur[NQ_CURSOR_MAX], pair[NQ_CURSOR_MAX + 16];
    CU_ASSERT_TRUE_FATAL(orgix_next_cursor(&q, "c-0042", cur, sizeof(cur)) > 0);
    snprintf(pair, sizeof(pair), "cursor=%s", cur);
    /* the same filters, another limit: the page after c-0042 */
    const char *next[] = {"limit=50", pair, "class=key", NULL};
    CU_ASSERT_EQUAL(parse(customers, next, &q2, &errs), 0);
    CU_ASSERT_STRING_EQUAL(q2.after, "c-0042");
    CU_ASSERT_EQUAL(q2.limit, 50);
    /* other filters, another list, none */
    const char *other[] = {pair, "class=normal", NULL};
    CU_ASSERT_EQUAL(parse(customers, other, &q2, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "cursor"));
    const char *bare[] = {pair, NULL};
    CU_ASSERT_EQUAL(parse(customers, bare, &q2, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "cursor"));
    CU_ASSERT_EQUAL(parse(salespeople, bare, &q2, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "cursor"));
    /* a cursor of the default teams list is not one of include_archived */
    const char *none[] = {NULL};
    CU_ASSERT_EQUAL_FATAL(parse(teams, none, &q, &errs), 0);
    CU_ASSERT_TRUE_FATAL(orgix_next_cursor(&q, "t-a", cur, sizeof(cur)) > 0);
    snprintf(pair, sizeof(pair), "cursor=%s", cur);
    const char *same[] = {pair, NULL};
    CU_ASSERT_EQUAL(parse(teams, same, &q2, &errs), 0);
    CU_ASSERT_STRING_EQUAL(q2.after, "t-a");
    const char *archived[] = {pair, "include_archived=true", NULL};
    CU_ASSERT_EQUAL(parse(teams, archived, &q2, &errs), -1);
    /* a position that is no id is refused too */
    CU_ASSERT_TRUE_FATAL(orgix_next_cursor(&q, "a/b", cur, sizeof(cur)) > 0);
    snprintf(pair, sizeof(pair), "cursor=%s", cur);
    CU_ASSERT_EQUAL(parse(teams, same, &q2, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "cursor"));
}

static void test_plan(void)
{
    orgix_query_t q;
    orgix_plan_t p;
    nq_field_errors_t errs;
    const char *none[] = {NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, none, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers");
    CU_ASSERT_EQUAL(p.limit, 50);
    CU_ASSERT_EQUAL(p.budget, 50 * ORGIX_SCAN_FACTOR);
    const char *both[] = {"class=key", "owner=sp-1", "limit=3", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, both, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    /* owner and class: their pair's index, a range read */
    CU_ASSERT_EQUAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers:owner_class=sp-1/key");
    CU_ASSERT_EQUAL(p.budget, 12);
    /* owner= (none: the pool) has no pair index: both walked */
    const char *unowned[] = {"class=key", "owner=", "status=pool", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, unowned, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL(p.keys.n, 3);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers:owner=");
    CU_ASSERT_STRING_EQUAL(p.keys.key[1], "nq:ix:customers:class=key");
    CU_ASSERT_EQUAL_FATAL(parse(teams, none, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:teams:archived=0");
    const char *all[] = {"include_archived=true", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(salespeople, all, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:salespeople");
    const char *none_team[] = {"team=", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(salespeople, none_team, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL(p.keys.n, 2);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:salespeople:team=");
    CU_ASSERT_STRING_EQUAL(p.keys.key[1], "nq:ix:salespeople:archived=0");
}

/* An entity's values from its hash, and whether it matches a query. */
static void test_values(void)
{
    orgix_values_t v;
    const char *sp[] = {"name", "一", "team_id", "t-a", "status", "", "deleted_at", ""};
    orgix_values_of(salespeople, sp, N_ELEMS(sp), &v);
    CU_ASSERT_STRING_EQUAL(v.v[0], "t-a");
    CU_ASSERT_STRING_EQUAL(v.v[1], "active"); /* stored "": the default */
    CU_ASSERT_STRING_EQUAL(v.v[2], "0");
    const char *gone[] = {"name", "八", "status", "left", "deleted_at", "1795000000000"};
    orgix_values_of(salespeople, gone, N_ELEMS(gone), &v);
    CU_ASSERT_STRING_EQUAL(v.v[0], ""); /* absent: no team */
    CU_ASSERT_STRING_EQUAL(v.v[1], "left");
    CU_ASSERT_STRING_EQUAL(v.v[2], "1");
    orgix_query_t q;
    nq_field_errors_t errs;
    const char *left[] = {"status=left", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(salespeople, left, &q, &errs), 0);
    CU_ASSERT_TRUE(orgix_matches(&q, &v));
    const char *none[] = {NULL};
    CU_ASSERT_EQUAL_FATAL(parse(salespeople, none, &q, &errs), 0);
    CU_ASSERT_FALSE(orgix_matches(&q, &v));
    const char *all[] = {"include_archived=true", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(salespeople, all, &q, &errs), 0);
    CU_ASSERT_TRUE(orgix_matches(&q, &v));
    const char *cu[] = {"owner_id", "sp-1", "class", "key"};
    orgix_values_of(customers, cu, N_ELEMS(cu), &v);
    const char *key1[] = {"owner=sp-1", "class=key", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, key1, &q, &errs), 0);
    CU_ASSERT_TRUE(orgix_matches(&q, &v));
    const char *pool[] = {"owner=", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, pool, &q, &errs), 0);
    CU_ASSERT_FALSE(orgix_matches(&q, &v));
}

/* A write's moves by hand: a customer given to another owner and class. */
static void test_moves(void)
{
    orgix_values_t before, after;
    orgix_moves_t m;
    const char *was[] = {"owner_id", "sp-1"};
    const char *now[] = {"owner_id", "sp-2", "class", "normal"};
    orgix_values_of(customers, was, N_ELEMS(was), &before);
    orgix_values_of(customers, now, N_ELEMS(now), &after);
    CU_ASSERT_EQUAL_FATAL(orgix_moves(customers, &before, &after, &m), 0);
    /* the owner left, every other class and status, the owner and class pair;
     * region and industry ("") stay */
    CU_ASSERT_EQUAL_FATAL(m.rem.n, 7);
    CU_ASSERT_STRING_EQUAL(m.rem.key[6], "nq:ix:customers:owner_class=sp-1/normal");
    CU_ASSERT_STRING_EQUAL(m.rem.key[0], "nq:ix:customers:owner=sp-1");
    CU_ASSERT_STRING_EQUAL(m.rem.key[1], "nq:ix:customers:class=key");
    CU_ASSERT_STRING_EQUAL(m.rem.key[2], "nq:ix:customers:class=potential");
    CU_ASSERT_STRING_EQUAL(m.rem.key[3], "nq:ix:customers:status=dormant");
    CU_ASSERT_STRING_EQUAL(m.rem.key[5], "nq:ix:customers:status=pool");
    /* the overdue index is the follow-up scripts': never moved by a write */
    CU_ASSERT_EQUAL_FATAL(m.add.n, 7);
    CU_ASSERT_STRING_EQUAL(m.add.key[6], "nq:ix:customers:owner_class=sp-2/normal");
    CU_ASSERT_STRING_EQUAL(m.add.key[0], "nq:ix:customers");
    CU_ASSERT_STRING_EQUAL(m.add.key[1], "nq:ix:customers:owner=sp-2");
    CU_ASSERT_STRING_EQUAL(m.add.key[2], "nq:ix:customers:class=normal");
    CU_ASSERT_STRING_EQUAL(m.add.key[3], "nq:ix:customers:status=active");
    CU_ASSERT_STRING_EQUAL(m.add.key[4], "nq:ix:customers:region=");
    CU_ASSERT_STRING_EQUAL(m.add.key[5], "nq:ix:customers:industry=");
    /* with a pool's and the pairs', when set */
    CU_ASSERT_EQUAL(orgix_add_count(customers), 9);
    /* the same owner: not taken out of it */
    CU_ASSERT_EQUAL_FATAL(orgix_moves(customers, &after, &after, &m), 0);
    CU_ASSERT_EQUAL(m.rem.n, 5);
    /* a new one: no owner to leave */
    CU_ASSERT_EQUAL_FATAL(orgix_moves(customers, NULL, &after, &m), 0);
    CU_ASSERT_EQUAL(m.rem.n, 5);
    /* removed: out of everything, the overdue index too, into nothing */
    CU_ASSERT_EQUAL_FATAL(orgix_moves(customers, &after, NULL, &m), 0);
    CU_ASSERT_EQUAL(m.rem.n, 14);
    CU_ASSERT_STRING_EQUAL(m.rem.key[11], "nq:ix:customers:overdue=followup");
    CU_ASSERT_STRING_EQUAL(m.rem.key[12], "nq:ix:customers:overdue=receivable");
    CU_ASSERT_STRING_EQUAL(m.rem.key[13], "nq:ix:customers:owner_class=sp-2/normal");
    CU_ASSERT_STRING_EQUAL(m.rem.key[0], "nq:ix:customers");
    CU_ASSERT_EQUAL(m.add.n, 0);
}

/* A multi-valued filter (tags): out of the values lost, into every value
 * kept; all of them on removal; none for a record without. The search
 * grams of the id (c-1: "c-", "-1") come after, the name has none here. */
static void test_multi_moves(void)
{
    const char *was[] = {"owner_id", "sp-1", "tags", "[\"vip\",\"华东\",\"old\"]"};
    const char *now[] = {"owner_id", "sp-1", "tags", "[\"华东\",\"new\"]"};
    orgix_moves_t m = {0};
    CU_ASSERT_EQUAL_FATAL(orgix_multi_moves(customers, "c-1", was, 4, now, 4, &m), 0);
    CU_ASSERT_EQUAL_FATAL(m.rem.n, 2);
    CU_ASSERT_STRING_EQUAL(m.rem.key[0], "nq:ix:customers:tag=vip");
    CU_ASSERT_STRING_EQUAL(m.rem.key[1], "nq:ix:customers:tag=old");
    CU_ASSERT_EQUAL_FATAL(m.add.n, 4);
    CU_ASSERT_STRING_EQUAL(m.add.key[0], "nq:ix:customers:tag=华东");
    CU_ASSERT_STRING_EQUAL(m.add.key[1], "nq:ix:customers:tag=new");
    CU_ASSERT_STRING_EQUAL(m.add.key[2], "nq:ix:customers:q=c-");
    CU_ASSERT_STRING_EQUAL(m.add.key[3], "nq:ix:customers:q=-1");
    memset(&m, 0, sizeof(m));
    CU_ASSERT_EQUAL_FATAL(orgix_multi_moves(customers, "c-1", was, 4, NULL, 0, &m), 0);
    CU_ASSERT_EQUAL(m.rem.n, 3 + 2);
    CU_ASSERT_EQUAL(m.add.n, 0);
    memset(&m, 0, sizeof(m));
    CU_ASSERT_EQUAL_FATAL(orgix_multi_moves(customers, "c-1", NULL, 0, now, 2, &m), 0);
    CU_ASSERT_EQUAL(m.rem.n, 0);
    CU_ASSERT_EQUAL(m.add.n, 2); /* the id's grams only */
    const char *bad[] = {"tags", "{oops"};
    CU_ASSERT_EQUAL(orgix_multi_moves(customers, "c-1", bad, 2, now, 4, &m), -1);
    /* the other lists have none */
    memset(&m, 0, sizeof(m));
    CU_ASSERT_EQUAL(orgix_multi_moves(salespeople, "s-1", was, 4, now, 4, &m), 0);
    CU_ASSERT_EQUAL(m.rem.n + m.add.n, 0);
}

/* Search grams: pairs of neighbouring characters of the folded text, each
 * once, none across a space; a renamed customer leaves the grams it lost. */
static void test_grams(void)
{
    orgix_strs_t g = {0};
    CU_ASSERT_EQUAL_FATAL(orgix_grams("华为技术", &g), 0);
    CU_ASSERT_EQUAL_FATAL(g.n, 3);
    CU_ASSERT_STRING_EQUAL(g.v[0], "华为");
    CU_ASSERT_STRING_EQUAL(g.v[1], "为技");
    CU_ASSERT_STRING_EQUAL(g.v[2], "技术");
    g.n = 0;
    CU_ASSERT_EQUAL_FATAL(orgix_grams("ACME Co aca", &g), 0);
    const char *want[] = {"ac", "cm", "me", "co", "ca"}; /* "ac" once; none with the spaces */
    CU_ASSERT_EQUAL_FATAL(g.n, N_ELEMS(want));
    for (size_t i = 0; i < N_ELEMS(want); i++)
        CU_ASSERT_STRING_EQUAL(g.v[i], want[i]);
    g.n = 0;
    CU_ASSERT_EQUAL(orgix_grams("华", &g), 0);
    CU_ASSERT_EQUAL(g.n, 0);
    char f[32];
    CU_ASSERT_EQUAL(orgix_fold(f, sizeof(f), "Äbc DEF 上海"), strlen("Äbc def 上海"));
    CU_ASSERT_STRING_EQUAL(f, "Äbc def 上海");
    CU_ASSERT_EQUAL(orgix_fold(f, 5, "上海"), 3); /* cut at a character's start */
    CU_ASSERT_STRING_EQUAL(f, "上");
    const char *was[] = {"name", "华为技术"};
    const char *now[] = {"name", "华为"};
    orgix_moves_t m = {0};
    CU_ASSERT_EQUAL_FATAL(orgix_multi_moves(customers, "c1", was, 2, now, 2, &m), 0);
    CU_ASSERT_EQUAL_FATAL(m.rem.n, 2);
    CU_ASSERT_STRING_EQUAL(m.rem.key[0], "nq:ix:customers:q=为技");
    CU_ASSERT_STRING_EQUAL(m.rem.key[1], "nq:ix:customers:q=技术");
    CU_ASSERT_EQUAL_FATAL(m.add.n, 2);
    CU_ASSERT_STRING_EQUAL(m.add.key[0], "nq:ix:customers:q=华为");
    CU_ASSERT_STRING_EQUAL(m.add.key[1], "nq:ix:customers:q=c1");
}

/* q= and sort=: what is refused; the plan reads the query's grams (the
 * sort index first when sorted); items are checked for the whole text; a
 * sorted cursor carries the sort key and comes back to its query only. */
static void test_search_and_sort(void)
{
    orgix_query_t q;
    nq_field_errors_t errs;
    orgix_plan_t p;
    const char *one[] = {"q=华", NULL};
    CU_ASSERT_EQUAL(parse(customers, one, &q, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "q"));
    const char *badsort[] = {"sort=phone", NULL};
    CU_ASSERT_EQUAL(parse(customers, badsort, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "sort"),
                           "must be one of name, created, last_contact, next_followup, with - in "
                           "front for the reverse order");
    const char *nosort[] = {"sort=name", NULL};
    CU_ASSERT_EQUAL(parse(teams, nosort, &q, &errs), -1);
    const char *both[] = {"q=华为技术", "sort=-last_contact", "class=key", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, both, &q, &errs), 0);
    CU_ASSERT_TRUE(q.desc);
    CU_ASSERT_STRING_EQUAL(scope_of(&q), "customers?class=key&q=华为技术&sort=-last_contact");
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_TRUE(p.sorted);
    CU_ASSERT_EQUAL_FATAL(p.keys.n, 5);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers:sort=last_contact");
    CU_ASSERT_STRING_EQUAL(p.keys.key[1], "nq:ix:customers:class=key");
    CU_ASSERT_STRING_EQUAL(p.keys.key[2], "nq:ix:customers:q=华为");
    CU_ASSERT_STRING_EQUAL(p.keys.key[4], "nq:ix:customers:q=技术");
    const char *hit[] = {"name", "深圳华为技术有限公司"}, *miss[] = {"name", "华为 技术"};
    CU_ASSERT_TRUE(orgix_search_matches(&q, "c-1", hit, 2));
    CU_ASSERT_FALSE(orgix_search_matches(&q, "c-1", miss, 2));
    const char *byid[] = {"q=CU-00", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, byid, &q, &errs), 0);
    CU_ASSERT_TRUE(orgix_search_matches(&q, "cu-0042", miss, 2));
    CU_ASSERT_FALSE(orgix_search_matches(&q, "cu-1042", miss, 2));
    /* a sorted cursor: the member "<key>\x1f<id>" there and back */
    const char *byname[] = {"sort=name", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, byname, &q, &errs), 0);
    char cur[NQ_CURSOR_MAX];
    CU_ASSERT_TRUE_FATAL(orgix_next_cursor(&q,
                                           "华为技术\x1f"
                                           "c-7",
                                           cur, sizeof(cur)) > 0);
    const char *back[] = {"sort=name", "cursor=", NULL};
    char with[NQ_CURSOR_MAX + 8];
    snprintf(with, sizeof(with), "cursor=%s", cur);
    back[1] = with;
    CU_ASSERT_EQUAL_FATAL(parse(customers, back, &q, &errs), 0);
    CU_ASSERT_STRING_EQUAL(q.after, "华为技术\x1f"
                                    "c-7");
    const char *other[] = {"sort=-name", with, NULL};
    CU_ASSERT_EQUAL(parse(customers, other, &q, &errs), -1);
    /* the longest name key (30 bytes) with the longest id fits a cursor */
    char longest[ORGIX_AFTER_MAX];
    snprintf(longest, sizeof(longest), "%s\x1f%s", "一二三四五六七八九十",
             "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii");
    CU_ASSERT_EQUAL_FATAL(parse(customers, byname, &q, &errs), 0);
    CU_ASSERT_TRUE(orgix_next_cursor(&q, longest, cur, sizeof(cur)) > 0);
}

/* team=: no index of its own; the plan names the team, whose members' owner
 * indexes the page reads as a group. */
static void test_team_plan(void)
{
    orgix_query_t q;
    nq_field_errors_t errs;
    orgix_plan_t p;
    const char *team[] = {"team=t-east", "overdue=followup", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, team, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_STRING_EQUAL(p.team, "t-east");
    CU_ASSERT_EQUAL_FATAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers:overdue=followup");
    const char *alone[] = {"team=t-east", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, alone, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL_FATAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers");
    const char *none[] = {"owner=sp-1", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, none, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_PTR_NULL(p.team);
    const char *bad[] = {"team=t east", NULL};
    CU_ASSERT_EQUAL(parse(customers, bad, &q, &errs), -1);
    /* team= and class=: the members' and the pool's pair indexes hold the class */
    char member[ORGIX_KEY_MAX];
    const char *classed[] = {"team=t-east", "class=key", "status=active", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, classed, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL_FATAL(p.keys.n, 1);
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers:status=active");
    CU_ASSERT_TRUE(orgix_member_key(member, sizeof(member), &q, &p, "sp-1") > 0);
    CU_ASSERT_STRING_EQUAL(member, "nq:ix:customers:owner_class=sp-1/key");
    CU_ASSERT_TRUE(orgix_team_pool_key(member, sizeof(member), &q, &p) > 0);
    CU_ASSERT_STRING_EQUAL(member, "nq:ix:customers:pool_class=t-east/key");
    /* the longest owner id fits its pair's key */
    char id[NQ_ID_MAX + 1];
    memset(id, 'x', NQ_ID_MAX);
    id[NQ_ID_MAX] = '\0';
    CU_ASSERT_TRUE(orgix_member_key(member, sizeof(member), &q, &p, id) > 0);
    /* sorted: the owners' ranges of the index by owner, the class checked */
    const char *classed_sorted[] = {"team=t-east", "class=key", "sort=name", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, classed_sorted, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_EQUAL_FATAL(p.keys.n, 2);
    CU_ASSERT_STRING_EQUAL(p.keys.key[1], "nq:ix:customers:class=key");
    CU_ASSERT_TRUE(orgix_member_key(member, sizeof(member), &q, &p, "sp-1") > 0);
    CU_ASSERT_STRING_EQUAL(member, "nq:ix:customers:owner=sp-1");
    /* no class: the owners' and the pool's own */
    CU_ASSERT_EQUAL_FATAL(parse(customers, alone, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_TRUE(orgix_team_pool_key(member, sizeof(member), &q, &p) > 0);
    CU_ASSERT_STRING_EQUAL(member, "nq:ix:customers:pool_team=t-east");
    /* sorted: the sort index first; the page reads the index by owner, a group a
     * member's id or a pool's "pool=<team>" */
    const char *sorted[] = {"team=t-east", "sort=last_contact", NULL};
    CU_ASSERT_EQUAL_FATAL(parse(customers, sorted, &q, &errs), 0);
    CU_ASSERT_EQUAL_FATAL(orgix_plan(&q, &p), 0);
    CU_ASSERT_TRUE(p.sorted);
    CU_ASSERT_STRING_EQUAL(p.team, "t-east");
    CU_ASSERT_STRING_EQUAL(p.keys.key[0], "nq:ix:customers:sort=last_contact");
    char key[ORGIX_KEY_MAX];
    CU_ASSERT_TRUE(orgix_sort_owner_key(key, sizeof(key), &orgix_lists[ORG_CUSTOMER]) > 0);
    CU_ASSERT_STRING_EQUAL(key, "nq:ix:customers:sort=by_owner");
    CU_ASSERT_EQUAL(ORGIX_SORT_KEYS(&orgix_lists[ORG_CUSTOMER]), 5);
    static const struct {
        const char *team;
        size_t len;
        int want;
        const char *group;
    } groups[] = {
        {"t-east", sizeof(key), 11, "pool=t-east"},
        {"t-east", 11, -1, NULL},
        {"t-east", 12, 11, "pool=t-east"},
    };
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        CU_ASSERT_EQUAL(orgix_pool_group(key, groups[i].len, groups[i].team), groups[i].want);
        if (groups[i].group)
            CU_ASSERT_STRING_EQUAL(key, groups[i].group);
    }
}

/* ---------------------------------------------------------------- property */

#define P_IDS    12
#define P_VALUES 3
#define P_KEYS   256

/* A model of Redis: index key -> its set of ids (a bit per id). */
typedef struct model {
    char keys[P_KEYS][ORGIX_KEY_MAX];
    unsigned members[P_KEYS];
    size_t n;
} model_t;

static unsigned *set_of(model_t *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->keys[i], key) == 0)
            return &m->members[i];
    }
    CU_ASSERT_FATAL(m->n < P_KEYS);
    snprintf(m->keys[m->n], ORGIX_KEY_MAX, "%s", key);
    m->members[m->n] = 0;
    return &m->members[m->n++];
}

/* A customer into a team's pool and out of it: an index per pool team,
 * none for "" (owned), and not a parameter; a team's list holds a pooled
 * customer only when the pool is the team's. */
static void test_pool(void)
{
    const struct {
        const char *before, *after; /* pool_team ("" owned; NULL: new / removed) */
        const char *rem, *add;      /* the pool index left and entered ("" none) */
    } rows[] = {
        {"", "t-a", "", "nq:ix:customers:pool_team=t-a"},
        {"t-a", "", "nq:ix:customers:pool_team=t-a", ""},
        {"t-a", "t-b", "nq:ix:customers:pool_team=t-a", "nq:ix:customers:pool_team=t-b"},
        {"t-a", "t-a", "", "nq:ix:customers:pool_team=t-a"},
        {NULL, "t-a", "", "nq:ix:customers:pool_team=t-a"},
        {"t-a", NULL, "nq:ix:customers:pool_team=t-a", ""},
        {"", "", "", ""},
    };
    for (size_t r = 0; r < N_ELEMS(rows); r++) {
        orgix_values_t before, after;
        orgix_moves_t m;
        const char *was[] = {"pool_team", rows[r].before ? rows[r].before : ""};
        const char *now[] = {"pool_team", rows[r].after ? rows[r].after : ""};
        orgix_values_of(customers, was, 2, &before);
        orgix_values_of(customers, now, 2, &after);
        CU_ASSERT_EQUAL_FATAL(orgix_moves(customers, rows[r].before ? &before : NULL,
                                          rows[r].after ? &after : NULL, &m),
                              0);
        const char *rem = "", *add = "";
        for (size_t i = 0; i < m.rem.n; i++)
            if (strstr(m.rem.key[i], ":pool_team="))
                rem = m.rem.key[i];
        for (size_t i = 0; i < m.add.n; i++)
            if (strstr(m.add.key[i], ":pool_team="))
                add = m.add.key[i];
        if (strcmp(rem, rows[r].rem) != 0 || strcmp(add, rows[r].add) != 0)
            fprintf(stderr, "\n    row %zu: left [%s] entered [%s]", r, rem, add);
        CU_ASSERT_STRING_EQUAL(rem, rows[r].rem);
        CU_ASSERT_STRING_EQUAL(add, rows[r].add);
        /* never an index of "" */
        for (size_t i = 0; i < m.rem.n; i++)
            CU_ASSERT_NOT_EQUAL(strcmp(m.rem.key[i], "nq:ix:customers:pool_team="), 0);
    }
    char key[ORGIX_KEY_MAX];
    CU_ASSERT_TRUE(orgix_pool_key(key, sizeof(key), customers, "t-a") > 0);
    CU_ASSERT_STRING_EQUAL(key, "nq:ix:customers:pool_team=t-a");
    CU_ASSERT_EQUAL(orgix_pool_key(key, sizeof(key), teams, "t-a"), 0);
    /* not a parameter */
    orgix_query_t q;
    nq_field_errors_t errs = {0};
    Nq__QueryParam p = NQ__QUERY_PARAM__INIT, *ps[] = {&p};
    p.name = "pool_team";
    p.value = "t-a";
    CU_ASSERT_EQUAL(orgix_query_parse(customers, ps, 1, &q, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "pool_team");
    /* team=t-a: its pool's customers and owned ones, not another pool's */
    p.name = "team";
    errs = (nq_field_errors_t){0};
    CU_ASSERT_EQUAL_FATAL(orgix_query_parse(customers, ps, 1, &q, &errs), 0);
    const struct {
        const char *pool;
        bool in;
    } m[] = {{"t-a", true}, {"", true}, {"t-b", false}};
    for (size_t i = 0; i < N_ELEMS(m); i++) {
        const char *f[] = {"pool_team", m[i].pool};
        orgix_values_t v;
        orgix_values_of(customers, f, 2, &v);
        CU_ASSERT_EQUAL(orgix_matches(&q, &v), m[i].in);
    }
    /* without a team term a pooled customer is any list's */
    p.name = "class";
    p.value = "key";
    CU_ASSERT_EQUAL_FATAL(orgix_query_parse(customers, ps, 1, &q, &errs), 0);
    const char *f[] = {"pool_team", "t-b", "class", "key"};
    orgix_values_t v;
    orgix_values_of(customers, f, 4, &v);
    CU_ASSERT_TRUE(orgix_matches(&q, &v));
}

/* What ix_move.lua does. */
static void apply(model_t *m, const orgix_moves_t *mv, int id)
{
    for (size_t i = 0; i < mv->rem.n; i++)
        *set_of(m, mv->rem.key[i]) &= ~(1u << id);
    for (size_t i = 0; i < mv->add.n; i++)
        *set_of(m, mv->add.key[i]) |= 1u << id;
}

/* A random stored hash of list l: each filter's field given a value of a
 * few (ids: "", "a1", "a2"; choices: one of them, or "" for the default;
 * flags: "" or a time). */
static size_t random_fields(const orgix_list_t *l, const char *fields[], char buf[][16])
{
    size_t n = 0;
    for (size_t f = 0; f < l->n_filters; f++) {
        const orgix_filter_t *flt = &l->filters[f];
        int r = rand() % P_VALUES;
        fields[n++] = flt->field;
        if (flt->type == ORGIX_ID || flt->type == ORGIX_TEXT || flt->type == ORGIX_POOL)
            snprintf(buf[f], 16, "%s", r ? (r == 1 ? "a1" : "a2") : "");
        else if (flt->type == ORGIX_KEPT || flt->type == ORGIX_MULTI || flt->type == ORGIX_TEAM ||
                 flt->type == ORGIX_SEARCH || flt->type == ORGIX_PAIR)
            snprintf(buf[f], 16, "%s", "");
        else if (flt->type == ORGIX_FLAG)
            snprintf(buf[f], 16, "%s", r ? "1795000000000" : "");
        else
            snprintf(buf[f], 16, "%s", r ? flt->choices[rand() % 2 + (r == 2)] : "");
        fields[n++] = buf[f];
    }
    return n;
}

static void test_property(void)
{
    srand(42);
    int checks = 0, bad = 0;
    for (size_t li = 0; li < ORG_KIND_COUNT; li++) {
        const orgix_list_t *l = &orgix_lists[li];
        model_t *m = calloc(1, sizeof(*m));
        bool exists[P_IDS] = {false};
        orgix_values_t vals[P_IDS];
        for (int step = 0; step < 3000; step++) {
            int id = rand() % P_IDS;
            const char *fields[2 * ORGIX_FILTERS_MAX];
            char buf[ORGIX_FILTERS_MAX][16];
            orgix_values_t now;
            orgix_moves_t mv;
            bool remove = exists[id] && rand() % 5 == 0;
            if (remove) {
                CU_ASSERT_EQUAL_FATAL(orgix_moves(l, &vals[id], NULL, &mv), 0);
            } else {
                orgix_values_of(l, fields, random_fields(l, fields, buf), &now);
                /* a write knows the earlier values of the filters of ids only (and
                 * of pairs: it reads the record) */
                orgix_values_t known;
                memset(&known, 0, sizeof(known));
                for (size_t f = 0; f < l->n_filters; f++) {
                    if (l->filters[f].type == ORGIX_ID || l->filters[f].type == ORGIX_TEXT ||
                        l->filters[f].type == ORGIX_POOL || l->filters[f].type == ORGIX_PAIR)
                        snprintf(known.v[f], sizeof(known.v[f]), "%s", vals[id].v[f]);
                    else
                        snprintf(known.v[f], sizeof(known.v[f]), "junk");
                }
                CU_ASSERT_EQUAL_FATAL(orgix_moves(l, exists[id] ? &known : NULL, &now, &mv), 0);
            }
            apply(m, &mv, id);
            exists[id] = !remove;
            if (!remove)
                vals[id] = now;
            /* every index holds exactly the ids whose values put them there */
            for (size_t k = 0; k < m->n; k++) {
                unsigned want = 0;
                for (int x = 0; x < P_IDS; x++) {
                    orgix_keys_t in;
                    if (!exists[x] || orgix_add_keys(l, &vals[x], &in) != 0)
                        continue;
                    for (size_t i = 0; i < in.n; i++) {
                        if (strcmp(in.key[i], m->keys[k]) == 0)
                            want |= 1u << x;
                    }
                }
                checks++;
                if (want != m->members[k] && bad++ < 5)
                    fprintf(stderr, "\n    %s step %d: %s holds %x, want %x", l->name, step,
                            m->keys[k], m->members[k], want);
            }
        }
        free(m);
    }
    CU_ASSERT_EQUAL(bad, 0);
    fprintf(stderr, "\n    %d indexes checked, %d wrong", checks, bad);
}

/* A page's calls of the page script: budgets growing to the cap, done when
 * full or ended, bounded once it holds items, unbounded (per call only) while
 * empty. */
static void test_walk(void)
{
    static const struct {
        unsigned limit, looked;
        size_t kept;
        bool more;
        unsigned want;
    } rows[] = {
        {50, 0, 0, true, 50 * ORGIX_SCAN_FACTOR},               /* the first call */
        {50, 200, 10, true, 200},                               /* as many as before */
        {50, 400, 10, true, 400},                               /* doubling */
        {50, 600, 10, true, 50 * ORGIX_PAGE_SCAN_FACTOR - 600}, /* what is left of the bound */
        {50, 50 * ORGIX_PAGE_SCAN_FACTOR, 10, true, 0},         /* bound hit with items */
        {50, 50 * ORGIX_PAGE_SCAN_FACTOR, 0, true, 800},        /* none yet: on */
        {50, 900000, 0, true, ORGIX_CALL_BUDGET_MAX},           /* far on, capped */
        {50, 200, 50, true, 0},                                 /* full */
        {50, 200, 3, false, 0},                                 /* the list ended */
        {50, 0, 0, false, 0},                                   /* nothing to walk */
        {1, 4, 0, true, 4},                                     /* a page of 1 */
        {1, 60, 0, true, 60},                                   /* doubling while empty */
        {1, 64, 0, true, 64},                                   /* past the bound, empty */
        {2, 24, 1, true, 2 * ORGIX_PAGE_SCAN_FACTOR - 24},      /* the bound's rest */
        {500, 3000, 1, true, ORGIX_CALL_BUDGET_MAX},            /* a big page's */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        orgix_walk_t w = {rows[i].limit, rows[i].limit * ORGIX_SCAN_FACTOR, rows[i].looked,
                          rows[i].kept, rows[i].more};
        unsigned got = orgix_walk_next(&w);
        if (got != rows[i].want)
            fprintf(stderr, "\n    row %zu: want %u, got %u", i, rows[i].want, got);
        CU_ASSERT_EQUAL(got, rows[i].want);
    }
}

static CU_TestInfo tests[] = {
    {"the table: lists, filters, keys", test_table},
    {"queries: defaults, archived, terms in order", test_defaults},
    {"queries: what is refused, and why", test_refused},
    {"cursors come back to their query only", test_cursor},
    {"plans: the indexes and the budget", test_plan},
    {"an entity's values; matching a query", test_values},
    {"pool indexes: per team, none for owned, read through team=", test_pool},
    {"a write's moves, by hand", test_moves},
    {"a multi-valued filter's moves", test_multi_moves},
    {"search grams and their moves", test_grams},
    {"q= and sort=: terms, plans, sorted cursors", test_search_and_sort},
    {"team=: a group of owner indexes", test_team_plan},
    {"a page's calls: budgets and bounds", test_walk},
    {"random writes: every index exact", test_property},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"orgix", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
