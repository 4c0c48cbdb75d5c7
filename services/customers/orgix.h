/* services/customers/orgix.h — the org directory's lists and their indexes
 * (pure).
 *
 * Each list (teams, salespeople, customers) is one row of orgix_lists[]: its
 * name, its bus message and its filters. A filter is a query parameter whose
 * value every entity of the list has now, read from one field of the
 * entity's hash; each value has an index, a sorted set of the ids that have
 * it (score 0, so it is read in id order from any position with
 * ZRANGEBYLEX), and the list has one of every id. Keys (nq/keys.h):
 * nq:ix:<list> and nq:ix:<list>:<filter>=<value>. Pairs of filters that are
 * often asked together have an index of both values too (ORGIX_PAIR:
 * nq:ix:customers:owner_class=<owner>/<class>), kept by the same moves.
 *
 * Writes: the script that writes a record moves its id between indexes in
 * the same call (common/lua/lib/ix_move.lua): out of orgix_rem_keys, into
 * orgix_add_keys, so an index never disagrees with its record. Adding a
 * filter is adding a row (its field must be one the records' write scripts
 * store).
 *
 * Reads: a query (limit, cursor, include_archived, filters) is a set of
 * terms, filter = value; the plan is the indexes every item is in (one per
 * term; the list's own when there is none) and how many entries a page may
 * look at. The page script (common/lua/list_page.lua) walks the smallest of
 * them from the cursor's position and keeps the ids that are in all the
 * others (ZSCORE): the intersection costs the smallest index's entries, not
 * the largest's. One call looks at a bounded number of entries; a page calls
 * it again from where the last call stopped (orgix_walk_next) until the page
 * is full or the list ends, so a page is never empty while matches remain;
 * once it holds items it stops after limit × ORGIX_PAGE_SCAN_FACTOR entries,
 * and may then hold fewer than `limit` items with a next cursor: only a
 * missing next cursor means the end.
 *
 *   orgix_query_t q;
 *   nq_field_errors_t errs = {0};
 *   if (orgix_query_parse(&orgix_lists[ORG_CUSTOMER], req->params, req->n_params, &q,
 *                         &errs) != 0) ... INVALID with errs ...
 *   orgix_plan_t p;
 *   orgix_plan(&q, &p);             // p.keys: the script's KEYS
 *   ... then per item read: orgix_values_of(...) and orgix_matches(&q, &v) ...
 *   orgix_next_cursor(&q, last_looked_at, buf, sizeof(buf));
 */
#ifndef NQ_CUSTOMERS_ORGIX_H
#define NQ_CUSTOMERS_ORGIX_H

#include <stdbool.h>
#include <stddef.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"
#include "nq/msgtypes.h"
#include "org.h"

/* Most filters of one list (hidden ones included). */
#define ORGIX_FILTERS_MAX 12
/* A page's first call of the page script looks at limit × this many entries. */
#define ORGIX_SCAN_FACTOR 4
/* Each further call looks at as many as all before it together, at most
 * this many (one call keeps Redis busy for about a millisecond or two). */
#define ORGIX_CALL_BUDGET_MAX 2048
/* A page that holds items stops after limit × this many entries. */
#define ORGIX_PAGE_SCAN_FACTOR 16
/* Longest index key. */
#define ORGIX_KEY_MAX 128
/* Most keys of one move (the list's own, every value of the closed filters,
 * a multi-valued filter's values before and after: tags, and the search
 * grams of a name and an id). */
#define ORGIX_KEYS_MAX 256
/* Most values of one multi-valued filter of one entity. */
#define ORGIX_VALUES_MAX 192
/* Most grams of a search query that a plan reads (the rest are checked on
 * each item as read). */
#define ORGIX_QUERY_GRAMS 8
/* Room for a page's start: an id, or a sorted list's position
 * (orgix_next_cursor). */
#define ORGIX_AFTER_MAX 256
/* Bytes of a folded name that order sort=name (cut at a character's start);
 * longer names tie and go by id. */
#define ORGIX_NAME_SORT_BYTES 30
/* Most parameters of one query. */
#define ORGIX_PARAMS_MAX 16

/* What a filter's values are. */
typedef enum {
    ORGIX_ID,     /* an id, or "" (no team, in the pool) */
    ORGIX_CHOICE, /* one of `choices`; a stored "" is `dflt` */
    ORGIX_FLAG,   /* "1" when the field is set (not ""), else "0" */
    ORGIX_TEXT,   /* a short text (nq_valid_text, at most NQ_ID_MAX bytes), or "" (none) */
    ORGIX_KEPT,   /* one of `choices`, an index its own scripts keep (it depends on time,
                     not on a field): never moved by a write, only left on removal, and
                     trusted as read */
    ORGIX_MULTI,  /* each string of a JSON array field (tags): the entity is in the index
                     of every one; moved by orgix_multi_moves, trusted as read */
    ORGIX_TEAM,   /* a team id: the entity's owner is a member of it now; no index of its
                     own, read as the union of its members' owner indexes, sorted as their
                     ranges of the index by owner (orgix_sort_owner_key; lists.c) */
    ORGIX_SEARCH, /* a text searched for in the entity's name and id (q=): the entity is
                     in the index of every gram of both (orgix_grams), moved like
                     ORGIX_MULTI; a query reads its grams' indexes and checks each item
                     as read (orgix_search_matches) */
    ORGIX_POOL,   /* a team id, or "" (none): the team whose public pool the entity is in;
                     an index per team only (none for "": most customers have an owner),
                     not a parameter: read with an ORGIX_TEAM term (lists.c) */
    ORGIX_PAIR,   /* "<a>/<b>": two filters' values (`pair`, earlier rows, neither
                     empty; else no index; b a choice, short), not a parameter: a query with both terms
                     reads this one index instead of walking one and checking the
                     other (orgix_plan), a team's page its members' and pool's */
} orgix_type_t;

typedef struct orgix_filter {
    const char *name;           /* query parameter and its part of the keys: "owner" */
    const char *field;          /* the hash field the value is read from: "owner_id" */
    orgix_type_t type;          /* what its values are */
    const char *const *choices; /* ORGIX_CHOICE: every value, NULL-terminated */
    const char *dflt;           /* ORGIX_CHOICE: the value of a stored "" */
    bool hidden;                /* not a parameter: set by the list's defaults only */
    unsigned char pair[2];      /* ORGIX_PAIR: the two filters (indexes in the table) */
} orgix_filter_t;

typedef struct orgix_query orgix_query_t;

/* An order a list may be read in besides its ids' (sort=): an index of
 * score 0 whose members are "<sort key>\x1f<id>", kept by the scripts that
 * write what the key is made of (common/lua/lib/sort.lua, the order of the
 * table there is the list's). */
typedef struct orgix_sort {
    const char *name; /* sort=<name>, and its index nq:ix:<list>:sort=<name> */
} orgix_sort_t;

typedef struct orgix_list {
    const char *name;              /* "customers": its keys, and its cursors' scope */
    const nq_msgtype_t *msg;       /* its bus message, NQ_MSG(CUSTOMER_LIST) */
    const orgix_filter_t *filters; /* in a fixed order: values[i] is filters[i]'s */
    size_t n_filters;
    const orgix_sort_t *sorts; /* its orders besides ids' (NULL: none) */
    size_t n_sorts;
    /* Set the terms a query has unless it lifts them (not archived);
     * NULL: none. */
    void (*defaults)(orgix_query_t *q);
} orgix_list_t;

/* One row per list, indexed by org_kind_id_t. */
extern const orgix_list_t orgix_lists[ORG_KIND_COUNT];

/* The list a bus message asks for, with its kind; NULL for any other. */
const orgix_list_t *orgix_list_for_msg(const nq_msgtype_t *msg, org_kind_id_t *kind);

/* The filter of `l` named `name`, or NULL. */
const orgix_filter_t *orgix_filter(const orgix_list_t *l, const char *name);

/* ---- an entity's values, and the indexes they put it in ------------------- */

/* Room for one value: an id, or a pair's "<id>/<choice>". */
#define ORGIX_VALUE_MAX (NQ_ID_MAX + 16)

typedef struct orgix_values {
    char v[ORGIX_FILTERS_MAX][ORGIX_VALUE_MAX + 1]; /* v[i]: filters[i]'s value */
} orgix_values_t;

/* The values of an entity from n alternating field/value strings (an
 * HGETALL reply, or the fields a write stores); an absent field reads "". */
void orgix_values_of(const orgix_list_t *l, const char *const *fields, size_t n,
                     orgix_values_t *out);

typedef struct orgix_keys {
    char key[ORGIX_KEYS_MAX][ORGIX_KEY_MAX];
    size_t n;
} orgix_keys_t;

/* The index of filter f's value `value` (f NULL: the list's own) into buf.
 * Returns its length, or -1 when it does not fit. */
int orgix_key(char *buf, size_t len, const orgix_list_t *l, const orgix_filter_t *f,
              const char *value);

/* The indexes an entity with values `now` is in: the list's own, then one
 * per filter. Returns 0, or -1 when a key does not fit. */
int orgix_add_keys(const orgix_list_t *l, const orgix_values_t *now, orgix_keys_t *out);

/* How many indexes orgix_add_keys gives for an entity of l at most (an
 * ORGIX_POOL filter adds one only when set). */
size_t orgix_add_count(const orgix_list_t *l);

/* The index of the public pool of team `team` of list l (its ORGIX_POOL
 * filter's) into buf. Returns its length, 0 when l has no pool, or -1. */
int orgix_pool_key(char *buf, size_t len, const orgix_list_t *l, const char *team);

/* The indexes to take an entity out of, before it is put in those of `now`:
 * for a filter of ids, the index of its value in `before` (none when before
 * is NULL: a new entity); for a filter of choices or a flag, every value's
 * index but the one of `now`, so no earlier value needs to be known. With
 * `now` NULL (the entity is removed): the list's own too, and every value's.
 * Returns 0, or -1 when a key does not fit. */
int orgix_rem_keys(const orgix_list_t *l, const orgix_values_t *before, const orgix_values_t *now,
                   orgix_keys_t *out);

/* The moves of an entity's write: out of rem, then into add. */
typedef struct orgix_moves {
    orgix_keys_t rem; /* orgix_rem_keys */
    orgix_keys_t add; /* orgix_add_keys; none when the entity is removed */
} orgix_moves_t;

/* Both lists of keys of a write from `before` (NULL: a new entity) to `now`
 * (NULL: removed). Returns 0, or -1 when a key does not fit. */
int orgix_moves(const orgix_list_t *l, const orgix_values_t *before, const orgix_values_t *now,
                orgix_moves_t *m);

/* Append to m the moves of l's multi-valued filters of entity `id` from
 * the record as read (nb alternating field/value strings; none for a new
 * entity) to the one written (na; none when removed): out of the indexes of
 * the values it loses, into those of every value it has. Returns 0, or -1
 * when a key does not fit or a stored array does not parse. */
int orgix_multi_moves(const orgix_list_t *l, const char *id, const char *const *before, size_t nb,
                      const char *const *after, size_t na, orgix_moves_t *m);

/* A multi-valued filter's values of one entity. */
typedef struct orgix_strs {
    char v[ORGIX_VALUES_MAX][NQ_ID_MAX + 1];
    size_t n;
} orgix_strs_t;

/* Fold `text` for search and name order: ASCII letters to lower case, the
 * rest as is, into buf (len bytes with the NUL; cut at a character's start).
 * Returns the length written. */
size_t orgix_fold(char *buf, size_t len, const char *text);

/* Add to out the distinct grams of the folded `text`: each pair of
 * neighbouring characters (a text of one character: itself), skipping
 * pairs with a space. Chinese names have no word breaks, so two-character
 * grams find any part of two characters or more. Returns 0, or -1 when out
 * is full. */
int orgix_grams(const char *text, orgix_strs_t *out);

/* Whether the entity `id` with fields (n alternating field/value strings)
 * matches q's search term, if any: its folded name or id contains the
 * folded query. */
bool orgix_search_matches(const orgix_query_t *q, const char *id, const char *const *fields,
                          size_t n);

/* The index of l's sort `s` into buf. Returns its length, or -1. */
int orgix_sort_key(char *buf, size_t len, const orgix_list_t *l, size_t s);

/* The index of l's sorts by owner (nq:ix:<list>:sort=by_owner) into buf:
 * members "<group>\x1f<n>\x1f<sort key>\x1f<id>", n the sort's place in
 * l->sorts from 1, group the entity's owner, or "pool=<team>" for one in a
 * team's pool (common/lua/lib/sort.lua), so that a team's sorted page merges
 * its members' and its pool's ranges. Returns its length, or -1. */
int orgix_sort_owner_key(char *buf, size_t len, const orgix_list_t *l);

/* How many sort indexes a write script takes (lib/sort.lua): the sorts',
 * then the one by owner (orgix_sort_owner_key). */
#define ORGIX_SORT_KEYS(l) ((l)->n_sorts + 1)

/* The group of the pool of team `team` in the index by owner, into buf
 * ("pool=<team>"; an owner's group is the owner's id). Returns its length,
 * or -1. */
int orgix_pool_group(char *buf, size_t len, const char *team);

/* The index of the salespeople whose team now is `team` ("": none) into
 * buf: a team's members now, which a team write moves its members between.
 * Returns its length, or -1. */
int orgix_team_key(char *buf, size_t len, const char *team);

/* ---- a query, its plan, its pages ------------------------------------------ */

struct orgix_query {
    const orgix_list_t *list;                     /* which list */
    bool set[ORGIX_FILTERS_MAX];                  /* filters[i] is a term (given or default) */
    char value[ORGIX_FILTERS_MAX][NQ_ID_MAX + 1]; /* and its value */
    bool include_archived;                        /* include_archived=true */
    unsigned limit;                               /* items per page, 1..NQ_PAGE_LIMIT_MAX */
    int sort;                                     /* sort=: index in list->sorts, -1: by id */
    bool desc;                                    /* sort=-<name>: from the last */
    char after[ORGIX_AFTER_MAX]; /* the page starts after this id, or this member of the sort
                                    index; "": first */
};

/* Read a list request's parameters: `limit` (nq/page.h), `cursor` (one of
 * this list with these filters), `include_archived` (true/false), `sort`
 * (one of the list's sorts, "-" in front for the reverse), and the list's
 * filters (an id or "" for a filter of ids, one of its values for a
 * filter of choices); then the list's defaults. Every parameter at most
 * once; any other parameter is refused. Returns 0, or -1 with an error on
 * each parameter that is wrong (field: its name). */
int orgix_query_parse(const orgix_list_t *l, Nq__QueryParam *const *params, size_t n,
                      orgix_query_t *q, nq_field_errors_t *errs);

/* The scope of q's cursors: "<list>?<filter>=<value>&..." over its terms, in
 * the table's order. Returns its length, or -1 when it does not fit. */
int orgix_scope(const orgix_query_t *q, char *buf, size_t len);

typedef struct orgix_plan {
    orgix_keys_t keys; /* the indexes every item is in: the sort's first when sorted, then
                          the terms', or the list's own */
    bool sorted;       /* keys.key[0] is a sort index, which the page walks */
    const char *team;  /* an ORGIX_TEAM term's team: items are also in one of its members'
                          owner indexes or in its pool's index (NULL: none) */
    int with;          /* with a team, unsorted: the filter whose term the group's indexes
                          hold too (the owner's and pool's ORGIX_PAIR with it), not in keys;
                          -1: none */
    unsigned limit;    /* items wanted */
    unsigned budget;   /* entries the first call may look at: limit × ORGIX_SCAN_FACTOR */
} orgix_plan_t;

/* The plan of q. Returns 0, or -1 when a key does not fit. */
int orgix_plan(const orgix_query_t *q, orgix_plan_t *p);

/* The index of a team page's group for owner `member` (the owner's, or its
 * ORGIX_PAIR with the plan's `with` term), into buf. Returns its length,
 * or -1. */
int orgix_member_key(char *buf, size_t len, const orgix_query_t *q, const orgix_plan_t *p,
                     const char *member);

/* The index of the pool of the plan's team for its group (the pool's, or
 * its ORGIX_PAIR with `with`), into buf. Returns its length, 0 when the list
 * has no pool, or -1. */
int orgix_team_pool_key(char *buf, size_t len, const orgix_query_t *q, const orgix_plan_t *p);

/* Whether an entity with values v has every term of q (checked again on
 * the entity as read, which may have changed since the page's ids were);
 * with a team term, an entity in a pool must be in that team's. */
bool orgix_matches(const orgix_query_t *q, const orgix_values_t *v);

/* Where a page's walk is: what its calls of the page script did so far. */
typedef struct orgix_walk {
    unsigned limit;  /* items wanted (the plan's) */
    unsigned budget; /* the first call's budget (the plan's) */
    unsigned looked; /* entries the calls so far looked at (their budgets) */
    size_t kept;     /* ids they kept */
    bool more;       /* the last call said the walk has entries after it */
} orgix_walk_t;

/* The budget of the page's next call of the page script, or 0 when the page
 * is done: full, at the list's end, or holding items after limit ×
 * ORGIX_PAGE_SCAN_FACTOR entries. The first call (looked 0, more true) gets
 * the plan's budget, each next one as many as all before it, at most
 * ORGIX_CALL_BUDGET_MAX, and no more than what is left of the page's bound
 * once it holds items. A page without items goes on to its first match or
 * the end (bounded per call, not in total: never an empty page with a
 * cursor). A call that stops short of the page without ending the list has
 * looked at its whole budget, so the caller adds each call's budget to
 * `looked`.
 *
 *   orgix_walk_t w = {p.limit, p.budget, 0, 0, true};
 *   for (unsigned b; (b = orgix_walk_next(&w)) > 0;) {
 *       ... call the script with budget b, limit w.limit - w.kept ...
 *       w.looked += b; w.kept += ids kept; w.more = its "more";
 *   }
 */
unsigned orgix_walk_next(const orgix_walk_t *w);

/* The cursor of the page after the entry `last` (the last one a page looked
 * at: an id, or a sort index's member, whose key goes in hex). Returns its
 * length, or -1. */
int orgix_next_cursor(const orgix_query_t *q, const char *last, char *buf, size_t len);

#endif
