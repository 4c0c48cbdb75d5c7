/* orgcall.c — one org request from its arrival to its reply: the steps of a
 * flow (gather, restart), its ids, and the argument vectors of the history
 * reads and writes. See orgcall.h. */
#include "orgcall.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

nq_redis_t *org_redis(const org_call_t *c)
{
    return c->app->svc->redis;
}

void org_fail_invalid(org_call_t *c, const char *what)
{
    nq_field_errors_t *e = &c->base.errs;
    if (e->n)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid %s: %s %s%s", what,
                     e->items[0].field, e->items[0].reason,
                     e->n > 1 ? NQ_REASON(" (and more)") : "");
}

void org_join_ids(char *buf, size_t len, const char *const *ids, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        int w = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", ids[i]);
        if (w < 0 || (size_t)w >= len - at) {
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            return;
        }
        at += (size_t)w;
    }
}

int org_by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int org_set_ids(org_call_t *c, char *const *const *lists, const size_t *counts, size_t n_lists)
{
    if (org_set_page_ids(c, lists, counts, n_lists) != 0)
        return -1;
    if (c->n_ids == 0)
        return 0; /* no list: c->ids is NULL, which qsort must not get */
    qsort(c->ids, c->n_ids, sizeof(*c->ids), org_by_text);
    size_t w = 0;
    for (size_t i = 0; i < c->n_ids; i++) {
        if (w && strcmp(c->ids[w - 1], c->ids[i]) == 0)
            free(c->ids[i]);
        else
            c->ids[w++] = c->ids[i];
    }
    c->n_ids = w;
    return 0;
}

int org_set_page_ids(org_call_t *c, char *const *const *lists, const size_t *counts, size_t n_lists)
{
    for (size_t i = 0; i < c->n_ids; i++)
        free(c->ids[i]);
    free(c->ids);
    c->ids = NULL;
    c->n_ids = 0;
    size_t total = 0;
    for (size_t l = 0; l < n_lists; l++)
        total += counts[l];
    if (total == 0)
        return 0;
    if (!(c->ids = calloc(total, sizeof(*c->ids))))
        goto out_oom;
    for (size_t l = 0; l < n_lists; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            if (!(c->ids[c->n_ids] = strdup(lists[l][i])))
                goto out_oom;
            c->n_ids++;
        }
    }
    return 0;
out_oom:
    nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    return -1;
}

void org_restart(org_call_t *c)
{
    if (++c->tries >= ORG_TRIES)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "the org kept changing during this write; retry");
    else
        c->start(c);
}

/* ---------------------------------------------------------------- gather */

typedef struct gather {
    org_call_t *call;     /* whose */
    org_kept_t *kept;     /* one per command */
    size_t n;             /* commands */
    size_t waiting;       /* replies outstanding */
    org_gathered_fn next; /* the next step */
} gather_t;

typedef struct gather_slot {
    gather_t *g; /* the step */
    size_t i;    /* which reply */
} gather_slot_t;

static void gather_free(gather_t *g)
{
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = 0; k < g->kept[i].n; k++)
            free(g->kept[i].strs[k]);
        free(g->kept[i].strs);
    }
    free(g->kept);
    free(g);
}

/* Copy a reply into kept; false when it is an error or of another shape. */
static bool keep(const redisReply *r, org_kept_t *kept)
{
    if (!r || r->type == REDIS_REPLY_ERROR)
        return false;
    kept->nil = r->type == REDIS_REPLY_NIL;
    size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 1;
    if (!(kept->strs = calloc(n + 1, sizeof(*kept->strs))))
        return false;
    char digits[24];
    for (size_t i = 0; i < n; i++) {
        const redisReply *e = r->type == REDIS_REPLY_ARRAY ? r->element[i] : r;
        const char *text = e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS ? e->str
                           : e->type == REDIS_REPLY_INTEGER
                               ? (snprintf(digits, sizeof(digits), "%lld", e->integer), digits)
                               : "";
        if (!(kept->strs[i] = strdup(text)))
            return false;
        kept->n++;
    }
    return true;
}

static void on_gathered(nq_redis_t *r, redisReply *reply, void *data)
{
    gather_slot_t *slot = data;
    gather_t *g = slot->g;
    org_call_t *c = g->call;
    if (!keep(reply, &g->kept[slot->i]))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "redis: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    free(slot);
    if (--g->waiting == 0) {
        if (c->base.status == NQ__STATUS__STATUS_OK)
            g->next(c, g->kept, g->n);
        gather_free(g);
    }
    nq_call_release(&c->base);
}

/* Issue one command of a step: the vector `cmd`, or when `s` is not NULL a
 * call of that script with cmd's keys (the first nkeys) and arguments. */
static int issue(org_call_t *c, const nq_script_t *s, size_t nkeys, const nq_redis_args_t *cmd,
                 gather_slot_t *slot)
{
    return s ? nq_script_call_args(org_redis(c), s, on_gathered, slot, nkeys, cmd)
             : nq_redis_command_args(org_redis(c), on_gathered, slot, cmd);
}

static void gather(org_call_t *c, const nq_script_t *s, size_t nkeys, nq_redis_args_t *cmds,
                   size_t n, org_gathered_fn next)
{
    gather_t *g = calloc(1, sizeof(*g));
    if (g && !(g->kept = calloc(n + 1, sizeof(*g->kept)))) {
        free(g);
        g = NULL;
    }
    if (g) {
        *g = (gather_t){c, g->kept, n, 1, next}; /* held while issuing */
        for (size_t i = 0; i < n; i++) {
            gather_slot_t *slot = malloc(sizeof(*slot));
            int rc = -1;
            if (slot && !cmds[i].failed) {
                *slot = (gather_slot_t){g, i};
                rc = issue(c, s, nkeys, &cmds[i], slot);
            }
            if (rc != 0)
                free(slot);
            else
                g->waiting++;
            nq_call_issued(&c->base, rc);
        }
    } else {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        nq_redis_args_free(&cmds[i]);
    if (g && --g->waiting == 0) {
        if (c->base.status == NQ__STATUS__STATUS_OK)
            g->next(c, g->kept, g->n);
        gather_free(g);
    }
}

void org_gather(org_call_t *c, nq_redis_args_t *cmds, size_t n, org_gathered_fn next)
{
    gather(c, NULL, 0, cmds, n, next);
}

void org_gather_script(org_call_t *c, const nq_script_t *s, size_t nkeys, nq_redis_args_t *a,
                       org_gathered_fn next)
{
    gather(c, s, nkeys, a, 1, next);
}

/* ---------------------------------------------------------------- histories */

void org_args_cmd(nq_redis_args_t *a, const char *cmd, const char *key)
{
    nq_redis_args_init(a);
    nq_redis_args_adds(a, cmd);
    nq_redis_args_adds(a, key);
}

void org_args_zrange(nq_redis_args_t *a, const char *key)
{
    org_args_cmd(a, "ZRANGE", key);
    nq_redis_args_adds(a, "0");
    nq_redis_args_adds(a, "-1");
}

int org_parse_history(org_call_t *c, const org_kept_t *k, nq_orghist_t *h)
{
    if (nq_orghist_parse(h, (const char *const *)k->strs, k->n) == 0)
        return 0;
    nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "the stored history of %s is unreadable",
                 c->id);
    return -1;
}

void org_args_add_joined(nq_redis_args_t *a, const org_kept_t *k)
{
    size_t len = 0;
    for (size_t i = 0; i < k->n; i++)
        len += strlen(k->strs[i]) + 1;
    char *text = malloc(len + 1), *at = text;
    if (!text) {
        a->failed = true;
        return;
    }
    for (size_t i = 0; i < k->n; i++)
        at += sprintf(at, "%s%s", i ? "\n" : "", k->strs[i]);
    *at = '\0';
    nq_redis_args_add(a, text, (size_t)(at - text));
    free(text);
}

void org_args_add_entries(nq_redis_args_t *a, const nq_orghist_t *h)
{
    char entry[NQ_ORGHIST_ENTRY_MAX];
    nq_redis_args_addf(a, "%zu", h->n);
    for (size_t i = 0; i < h->n; i++) {
        if (nq_orghist_entry(entry, sizeof(entry), &h->changes[i]) < 0)
            a->failed = true;
        else
            nq_redis_args_adds(a, entry);
    }
}

const char *org_last_value(const nq_orghist_t *h, const char *none)
{
    return h->n ? h->changes[h->n - 1].value : none;
}

const char *org_outcome(const org_kept_t *k)
{
    return k->n ? k->strs[0] : "";
}

void org_args_add_moves(nq_redis_args_t *a, const orgix_moves_t *m)
{
    for (size_t i = 0; i < m->rem.n; i++)
        nq_redis_args_adds(a, m->rem.key[i]);
    for (size_t i = 0; i < m->add.n; i++)
        nq_redis_args_adds(a, m->add.key[i]);
}

void org_args_add_sorts(nq_redis_args_t *a)
{
    const orgix_list_t *l = &orgix_lists[ORG_CUSTOMER];
    char key[ORGIX_KEY_MAX];
    for (size_t i = 0; i < l->n_sorts; i++) {
        if (orgix_sort_key(key, sizeof(key), l, i) < 0)
            a->failed = true;
        nq_redis_args_adds(a, key);
    }
    if (orgix_sort_owner_key(key, sizeof(key), l) < 0)
        a->failed = true;
    nq_redis_args_adds(a, key);
}

void org_args_add_move_counts(nq_redis_args_t *a, const orgix_moves_t *m)
{
    nq_redis_args_addf(a, "%zu", m->rem.n);
    nq_redis_args_addf(a, "%zu", m->add.n);
}
