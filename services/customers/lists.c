/* lists.c — a page of one of the org directory's lists: the page script
 * picks the ids from the list's indexes (orgix.h), called again from where
 * it stopped until the page is full or done (orgix_walk_next), then each entity is read
 * the way its get reads it, checked against the filters again (it may have
 * changed since its id was picked) and answered in the page's order (ids',
 * or a sort index's). See orgcall.h
 * for the steps of a flow. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/log.h"
#include "nq/page.h"
#include "nq/period.h"
#include "orgcall.h"

typedef struct list_call {
    org_call_t org;             /* must be first: the steps of orgcall.h */
    const orgix_list_t *list;   /* which list */
    orgix_query_t q;            /* what was asked */
    char last[ORGIX_AFTER_MAX]; /* the last entry the page looked at ("" none) */
    bool more;                  /* the list's index has entries after it */
    nq_redis_args_t keys;       /* the page script's KEYS */
    nq_redis_args_t names;      /* its arguments after the 6th (a sorted team page) */
    size_t n_group;             /* how many of keys are the group */
    bool sorted;                /* keys' first is a sort index */
    orgix_walk_t walk;          /* the page's calls so far */
    unsigned budget;            /* the running call's budget */
    char **picked;              /* the ids the calls kept, in the page's order */
    ProtobufCMessage **items;   /* the page, in its order */
    size_t n_items;
} list_call_t;

/* How the entities of a kind are read: `reads` commands per entity, the
 * first its HGETALL; `build` makes the entity from their replies (NULL when
 * out of memory or unreadable); where the page goes in Nq__OrgListReply. */
typedef struct item_kind {
    size_t reads;
    void (*read)(const char *id, nq_redis_args_t *cmds);
    ProtobufCMessage *(*build)(org_call_t *c, const char *id, org_kept_t *kept);
    size_t n_offset;     /* size_t n_<items> */
    size_t items_offset; /* <Item> **<items> */
} item_kind_t;

/* ---------------------------------------------------------------- the kinds */

static void read_hash(const org_kind_t *k, const char *id, nq_redis_args_t *cmd)
{
    char key[ORG_KEY_MAX];
    k->key(key, sizeof(key), id);
    org_args_cmd(cmd, "HGETALL", key);
}

/* A team's hash and its members now: the salespeople list's index of the
 * team, kept with the team histories by the same scripts. */
static void team_read(const char *id, nq_redis_args_t *cmds)
{
    char key[ORG_KEY_MAX];
    read_hash(&org_kinds[ORG_TEAM], id, &cmds[0]);
    if (orgix_team_key(key, sizeof(key), id) < 0)
        key[0] = '\0'; /* an id is at most 64 bytes: cannot happen */
    org_args_zrange(&cmds[1], key);
}

static ProtobufCMessage *team_build(org_call_t *c, const char *id, org_kept_t *kept)
{
    Nq__Team *t = (Nq__Team *)org_kinds[ORG_TEAM].from_fields(id, (const char *const *)kept[0].strs,
                                                              kept[0].n);
    if (t && kept[1].n) {
        t->members = kept[1].strs; /* taken over: the kept reply forgets them */
        t->n_members = kept[1].n;
        kept[1].strs = NULL;
        kept[1].n = 0;
    }
    return t ? &t->base : NULL;
}

/* A salesperson's profile and their two histories, as their get reads them. */
static void sp_read(const char *id, nq_redis_args_t *cmds)
{
    char key[ORG_KEY_MAX];
    read_hash(&org_kinds[ORG_SALESPERSON], id, &cmds[0]);
    nq_key_sp_teams(key, sizeof(key), id);
    org_args_zrange(&cmds[1], key);
    nq_key_sp_status(key, sizeof(key), id);
    org_args_zrange(&cmds[2], key);
}

static ProtobufCMessage *sp_build(org_call_t *c, const char *id, org_kept_t *kept)
{
    nq_orghist_t teams = {0}, status = {0};
    ProtobufCMessage *msg = NULL;
    if (org_parse_history(c, &kept[1], &teams) == 0 && org_parse_history(c, &kept[2], &status) == 0)
        msg = salesperson_entity(id, (const char *const *)kept[0].strs, kept[0].n, &teams, &status);
    nq_orghist_free(&teams);
    nq_orghist_free(&status);
    return msg;
}

static ProtobufCMessage *customer_build(org_call_t *c, const char *id, org_kept_t *kept)
{
    return customer_entity(id, kept);
}

#define PAGE(items) offsetof(Nq__OrgListReply, n_##items), offsetof(Nq__OrgListReply, items)

static const item_kind_t item_kinds[ORG_KIND_COUNT] = {
    [ORG_TEAM] = {2, team_read, team_build, PAGE(teams)},
    [ORG_SALESPERSON] = {3, sp_read, sp_build, PAGE(salespeople)},
    [ORG_CUSTOMER] = {2, customer_reads, customer_build, PAGE(customers)},
};

static const item_kind_t *item_kind(const list_call_t *c)
{
    return &item_kinds[c->org.kind - org_kinds];
}

/* ---------------------------------------------------------------- the answer */

static void list_answer(nq_call_t *base)
{
    list_call_t *c = (list_call_t *)base;
    customers_t *app = c->org.app;
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    if (base->status == NQ__STATUS__STATUS_UNAVAILABLE)
        nq_log_warn("org_unavailable", "%s: %s", base->env.type, base->detail);
    char next[NQ_CURSOR_MAX] = "";
    if (ok && c->more && c->last[0] && orgix_next_cursor(&c->q, c->last, next, sizeof(next)) < 0)
        nq_call_fail(base, NQ__STATUS__STATUS_UNAVAILABLE, "the next cursor does not fit");
    ok = base->status == NQ__STATUS__STATUS_OK;
    if (app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__OrgListReply reply = NQ__ORG_LIST_REPLY__INIT;
        reply.header = &h.pb;
        if (ok) {
            const item_kind_t *ik = item_kind(c);
            memcpy((char *)&reply + ik->n_offset, &c->n_items, sizeof(c->n_items));
            memcpy((char *)&reply + ik->items_offset, &c->items, sizeof(c->items));
            reply.next_cursor = next[0] ? next : NULL;
        }
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    } else {
        nq_log_debug("reply_dropped", "%s: stopping", base->env.type);
    }
    app->inflight--;
    for (size_t i = 0; i < c->n_items; i++)
        protobuf_c_message_free_unpacked(c->items[i], NULL);
    free(c->items);
    for (size_t i = 0; i < c->walk.kept; i++)
        free(c->picked[i]);
    free(c->picked);
    nq_redis_args_free(&c->keys);
    nq_redis_args_free(&c->names);
    org_set_ids(&c->org, NULL, NULL, 0);
    nq_call_cleanup(base);
    free(c);
}

/* ---------------------------------------------------------------- the steps */

/* Step 3: each entity as read, in the page's order; those gone or no longer matching
 * the filters are left out. */
static void list_got_items(org_call_t *oc, org_kept_t *kept, size_t n)
{
    list_call_t *c = (list_call_t *)oc;
    const item_kind_t *ik = item_kind(c);
    if (!(c->items = calloc(oc->n_ids + 1, sizeof(*c->items)))) {
        nq_call_fail(&oc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t i = 0; i < oc->n_ids && oc->base.status == NQ__STATUS__STATUS_OK; i++) {
        org_kept_t *k = &kept[i * ik->reads];
        orgix_values_t v;
        if (k[0].n == 0) /* removed since its id was picked */
            continue;
        orgix_values_of(c->list, (const char *const *)k[0].strs, k[0].n, &v);
        if (!orgix_matches(&c->q, &v) ||
            !orgix_search_matches(&c->q, oc->ids[i], (const char *const *)k[0].strs, k[0].n))
            continue;
        if (!(c->items[c->n_items] = ik->build(oc, oc->ids[i], k)))
            nq_call_fail(&oc->base, NQ__STATUS__STATUS_UNAVAILABLE,
                         "stored %s %s could not be read", oc->kind->name, oc->ids[i]);
        else
            c->n_items++;
    }
}

static void list_call_script(list_call_t *c);

/* Add the n ids a call kept to the page's. Returns 0, or -1 out of memory. */
static int keep_picked(list_call_t *c, char *const *ids, size_t n)
{
    if (n == 0)
        return 0;
    char **more = realloc(c->picked, (c->walk.kept + n) * sizeof(*more));
    if (!more)
        return -1;
    c->picked = more;
    for (size_t i = 0; i < n; i++) {
        if (!(c->picked[c->walk.kept] = strdup(ids[i])))
            return -1;
        c->walk.kept++;
    }
    return 0;
}

/* Step 2: a call's answer {last looked at, more, ids...}; once the page is
 * done, read the entities of its ids. */
static void list_got_ids(org_call_t *oc, org_kept_t *kept, size_t n)
{
    list_call_t *c = (list_call_t *)oc;
    const item_kind_t *ik = item_kind(c);
    org_kept_t *k = &kept[0];
    if (k->n < 2) {
        nq_call_fail(&oc->base, NQ__STATUS__STATUS_UNAVAILABLE, "unexpected page answer");
        return;
    }
    if (k->strs[0][0])
        snprintf(c->last, sizeof(c->last), "%s", k->strs[0]);
    c->more = strcmp(k->strs[1], "1") == 0;
    c->walk.looked += c->budget;
    c->walk.more = c->more;
    if (keep_picked(c, k->strs + 2, k->n - 2) != 0) {
        nq_call_fail(&oc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    if ((c->budget = orgix_walk_next(&c->walk)) > 0) {
        snprintf(c->q.after, sizeof(c->q.after), "%s", c->last);
        list_call_script(c);
        return;
    }
    char *const *lists[] = {c->picked};
    size_t counts[] = {c->walk.kept};
    if (org_set_page_ids(oc, lists, counts, 1) != 0 || oc->n_ids == 0)
        return;
    nq_redis_args_t *cmds = calloc(oc->n_ids * ik->reads, sizeof(*cmds));
    if (!cmds) {
        nq_call_fail(&oc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t i = 0; i < oc->n_ids; i++)
        ik->read(oc->ids[i], &cmds[i * ik->reads]);
    org_gather(oc, cmds, oc->n_ids * ik->reads, list_got_items);
    free(cmds);
}

/* One call of the page script (common/lua/list_page.lua): from the page's
 * position, for the items still wanted, with the running budget. */
static void list_call_script(list_call_t *c)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    for (size_t i = 0; i < c->keys.argc; i++)
        nq_redis_args_add(&a, c->keys.argv[i], c->keys.lens[i]);
    nq_redis_args_adds(&a, c->q.after);
    nq_redis_args_addf(&a, "%zu", (size_t)c->walk.limit - c->walk.kept);
    nq_redis_args_addf(&a, "%u", c->budget);
    nq_redis_args_adds(&a, c->q.desc ? "desc" : "");
    nq_redis_args_addf(&a, "%zu", c->n_group);
    nq_redis_args_adds(&a, c->sorted ? "sorted" : "");
    for (size_t i = 0; i < c->names.argc; i++)
        nq_redis_args_add(&a, c->names.argv[i], c->names.lens[i]);
    a.failed |= c->keys.failed || c->names.failed;
    org_gather_script(&c->org, NQ_SCRIPT(LIST_PAGE), c->keys.argc, &a, list_got_ids);
}

/* A sorted page of a team reads the index by owner: its key after the
 * group's, the sort's place and the group's names after the script's
 * other arguments (common/lua/list_page.lua). */
static void add_owned(nq_redis_args_t *keys, nq_redis_args_t *names, const list_call_t *c,
                      char *const *members, size_t n, const char *team)
{
    char key[ORGIX_KEY_MAX];
    if (orgix_sort_owner_key(key, sizeof(key), c->list) < 0)
        keys->failed = true;
    nq_redis_args_adds(keys, key);
    nq_redis_args_addf(names, "%d", c->q.sort + 1);
    for (size_t i = 0; i < n; i++)
        nq_redis_args_adds(names, members[i]);
    if (team) {
        if (orgix_pool_group(key, sizeof(key), team) < 0)
            names->failed = true;
        nq_redis_args_adds(names, key);
    }
}

/* Step 1: the page's ids, from the plan's indexes and the group of the
 * owner indexes of `members` and the index of the team's pool (with a team;
 * their pair indexes with the plan's `with` term). */
static void list_page_of(list_call_t *c, const orgix_plan_t *p, char *const *members, size_t n)
{
    nq_redis_args_t *a = &c->keys;
    char key[ORGIX_KEY_MAX];
    for (size_t i = 0; i < p->keys.n; i++)
        nq_redis_args_adds(a, p->keys.key[i]);
    for (size_t i = 0; i < n; i++) {
        if (orgix_member_key(key, sizeof(key), &c->q, p, members[i]) < 0)
            a->failed = true;
        nq_redis_args_adds(a, key);
    }
    int pool = p->team ? orgix_team_pool_key(key, sizeof(key), &c->q, p) : 0;
    if (pool < 0)
        a->failed = true;
    else if (pool > 0)
        nq_redis_args_adds(a, key);
    if (p->team && p->sorted)
        add_owned(a, &c->names, c, members, n, pool > 0 ? p->team : NULL);
    c->n_group = n + (pool > 0);
    if (p->team && c->n_group == 0) /* a team without members or pool: an empty page */
        return;
    c->sorted = p->sorted;
    c->walk = (orgix_walk_t){.limit = p->limit, .budget = p->budget, .more = true};
    c->budget = orgix_walk_next(&c->walk);
    list_call_script(c);
}

/* Step 0 of a query with team=: its members now, whose customers it lists
 * with those of the team's pool. */
static void list_got_members(org_call_t *oc, org_kept_t *kept, size_t n)
{
    list_call_t *c = (list_call_t *)oc;
    orgix_plan_t p;
    if (orgix_plan(&c->q, &p) != 0)
        nq_call_fail(&oc->base, NQ__STATUS__STATUS_UNAVAILABLE, "index key too long");
    else
        list_page_of(c, &p, kept[0].strs, kept[0].n);
}

static void list_page(list_call_t *c)
{
    orgix_plan_t p;
    if (orgix_plan(&c->q, &p) != 0) {
        nq_call_fail(&c->org.base, NQ__STATUS__STATUS_UNAVAILABLE, "index key too long");
        return;
    }
    if (!p.team) {
        list_page_of(c, &p, NULL, 0);
        return;
    }
    char key[ORGIX_KEY_MAX];
    nq_redis_args_t cmd;
    orgix_team_key(key, sizeof(key), p.team);
    org_args_zrange(&cmd, key);
    org_gather(&c->org, &cmd, 1, list_got_members);
}

void list_serve(customers_t *app, const nq_bus_envelope_t *env, const Nq__OrgListRequest *req)
{
    org_kind_id_t kind;
    const orgix_list_t *l = orgix_list_for_msg(env->msg, &kind);
    list_call_t *c = l ? calloc(1, sizeof(*c)) : NULL;
    if (!c || nq_call_init(&c->org.base, env, req->correlation_id, list_answer) != 0) {
        nq_log_error("org_request", "cannot serve %s: %s", env->type,
                     l ? "out of memory" : "no list for this type");
        free(c);
        return;
    }
    c->org.app = app;
    c->org.kind = &org_kinds[kind];
    c->org.now = nq_now_ms();
    snprintf(c->org.id, sizeof(c->org.id), "%s", l->name);
    c->list = l;
    nq_redis_args_init(&c->keys);
    nq_redis_args_init(&c->names);
    app->inflight++;
    if (app->inflight > ORG_MAX_INFLIGHT)
        nq_call_fail(&c->org.base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "busy: %d requests waiting for redis", ORG_MAX_INFLIGHT);
    else if (orgix_query_parse(l, req->params, req->n_params, &c->q, &c->org.base.errs) != 0)
        org_fail_invalid(&c->org, "query");
    else
        list_page(c);
    nq_call_release(&c->org.base);
}
