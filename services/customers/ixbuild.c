/* ixbuild.c — the org lists' indexes from the stored records, once. See
 * ixbuild.h. */
#include "ixbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"
#include "orgcall.h"
#include "orgix.h"

/* The directory sets each list's ids are read from. */
static const char *const sources[ORG_KIND_COUNT][2] = {
    [ORG_TEAM] = {NQ_KEY_TEAMS, NQ_KEY_TEAMS_ARCHIVED},
    [ORG_SALESPERSON] = {NQ_KEY_SALESPEOPLE, NQ_KEY_SALESPEOPLE_ARCHIVED},
    [ORG_CUSTOMER] = {NQ_KEY_CUSTOMERS, NULL},
};

/* One stored record of a chunk: its hash as read. */
typedef struct record {
    char **fields; /* alternating field/value strings */
    size_t n;
} record_t;

typedef struct ixbuild {
    nq_redis_t *r;
    char **ids[ORG_KIND_COUNT]; /* each list's ids (sorted, each once) */
    size_t n_ids[ORG_KIND_COUNT];
    size_t done[ORG_KIND_COUNT]; /* records put in their indexes */
    org_kind_id_t kind;          /* the chunk's list */
    size_t at;                   /* its first id */
    size_t chunk;                /* its ids */
    record_t recs[IXBUILD_CHUNK];
    bool again;     /* build whatever the mark says */
    bool mark;      /* step 1: the mark says the indexes are built */
    size_t waiting; /* replies outstanding */
    bool failed;    /* a step failed */
} ixbuild_t;

typedef struct slot {
    ixbuild_t *b;
    size_t i; /* which reply */
} slot_t;

static void free_strs(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

static void free_chunk(ixbuild_t *b)
{
    for (size_t i = 0; i < b->chunk; i++)
        free_strs(b->recs[i].fields, b->recs[i].n);
    memset(b->recs, 0, sizeof(b->recs));
}

static void ixbuild_free(ixbuild_t *b)
{
    free_chunk(b);
    for (size_t k = 0; k < ORG_KIND_COUNT; k++)
        free_strs(b->ids[k], b->n_ids[k]);
    free(b);
}

static void give_up(ixbuild_t *b, const char *what)
{
    nq_log_error("list_indexes", "%s failed; the next connect tries again", what);
    ixbuild_free(b);
}

/* Append the strings of an array reply to *out. 0 or -1. */
static int append_strs(const redisReply *r, char ***out, size_t *n)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return -1;
    char **grown = realloc(*out, (*n + r->elements + 1) * sizeof(**out));
    if (!grown)
        return -1;
    *out = grown;
    for (size_t i = 0; i < r->elements; i++) {
        const char *s = r->element[i]->type == REDIS_REPLY_STRING ? r->element[i]->str : "";
        if (!((*out)[*n] = strdup(s)))
            return -1;
        (*n)++;
    }
    return 0;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(char **ids, size_t *n)
{
    qsort(ids, *n, sizeof(*ids), by_text);
    size_t w = 0;
    for (size_t i = 0; i < *n; i++) {
        if (w && strcmp(ids[w - 1], ids[i]) == 0)
            free(ids[i]);
        else
            ids[w++] = ids[i];
    }
    *n = w;
}

static void next_chunk(ixbuild_t *b);

/* ---------------------------------------------------------------- step 3 */

static void on_marked(nq_redis_t *r, redisReply *reply, void *data)
{
    ixbuild_t *b = data;
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
        give_up(b, "marking the list indexes built");
        return;
    }
    nq_log_info("list_indexes", "built for %zu teams, %zu salespeople, %zu customers",
                b->done[ORG_TEAM], b->done[ORG_SALESPERSON], b->done[ORG_CUSTOMER]);
    ixbuild_free(b);
}

/* ---------------------------------------------------------------- step 2 */

static void on_chunk_written(nq_redis_t *r, redisReply *reply, void *data)
{
    ixbuild_t *b = data;
    if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        give_up(b, "writing the list indexes");
        return;
    }
    b->done[b->kind] += (size_t)reply->integer;
    free_chunk(b);
    b->at += b->chunk;
    b->chunk = 0;
    next_chunk(b);
}

/* The value of `field` in a record as read, "" when absent. */
static const char *field_of(const record_t *rec, const char *field)
{
    for (size_t i = 0; i + 1 < rec->n; i += 2) {
        if (strcmp(rec->fields[i], field) == 0)
            return rec->fields[i + 1];
    }
    return "";
}

/* Every record of the chunk read (those gone are left out): one script puts
 * them in their indexes, if unchanged. */
static void write_chunk(ixbuild_t *b)
{
    const orgix_list_t *l = &orgix_lists[b->kind];
    const org_kind_t *k = &org_kinds[b->kind];
    char key[ORGIX_KEY_MAX];
    nq_redis_args_t a; /* common/lua/ix_build.lua */
    size_t per[IXBUILD_CHUNK] = {0};
    nq_redis_args_init(&a);
    if (l->n_sorts) /* the customers' (lib/sort.lua) */
        org_args_add_sorts(&a);
    size_t nsorts = a.argc;
    size_t n = 0;
    static orgix_moves_t m; /* large; the service is one thread */
    for (size_t i = 0; i < b->chunk; i++) {
        const record_t *rec = &b->recs[i];
        const char *id = b->ids[b->kind][b->at + i];
        orgix_values_t v;
        if (rec->n == 0)
            continue;
        orgix_values_of(l, (const char *const *)rec->fields, rec->n, &v);
        m.rem.n = 0; /* a record's every index: its values', its tags' and its name's grams */
        if (k->key(key, sizeof(key), id) < 0 || orgix_add_keys(l, &v, &m.add) != 0 ||
            orgix_multi_moves(l, id, NULL, 0, (const char *const *)rec->fields, rec->n, &m) != 0)
            a.failed = true;
        nq_redis_args_adds(&a, key);
        for (size_t x = 0; x < m.add.n; x++)
            nq_redis_args_adds(&a, m.add.key[x]);
        per[i] = m.add.n;
        n++;
    }
    size_t nkeys = a.argc;
    nq_redis_args_addf(&a, "%zu", n);
    nq_redis_args_addf(&a, "%zu", l->n_filters);
    nq_redis_args_addf(&a, "%zu", nsorts);
    for (size_t f = 0; f < l->n_filters; f++)
        nq_redis_args_adds(&a, l->filters[f].field);
    for (size_t i = 0; i < b->chunk; i++) {
        if (b->recs[i].n == 0)
            continue;
        nq_redis_args_adds(&a, b->ids[b->kind][b->at + i]);
        nq_redis_args_addf(&a, "%zu", per[i]);
        for (size_t f = 0; f < l->n_filters; f++)
            nq_redis_args_adds(&a, field_of(&b->recs[i], l->filters[f].field));
    }
    int rc = a.failed
                 ? -1
                 : nq_script_call_args(b->r, NQ_SCRIPT(IX_BUILD), on_chunk_written, b, nkeys, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        give_up(b, "writing the list indexes");
}

/* One reply of a chunk's reads is handled: after the last, the write. */
static void record_done(ixbuild_t *b)
{
    if (--b->waiting > 0)
        return;
    if (b->failed)
        give_up(b, "reading the records");
    else
        write_chunk(b);
}

static void on_record(nq_redis_t *r, redisReply *reply, void *data)
{
    slot_t *s = data;
    ixbuild_t *b = s->b;
    b->failed |= append_strs(reply, &b->recs[s->i].fields, &b->recs[s->i].n) != 0;
    free(s);
    record_done(b);
}

/* The next chunk of ids of the list being built (or of the next list), read
 * with one HGETALL each; once every list is done, the mark. */
static void next_chunk(ixbuild_t *b)
{
    while (b->kind < ORG_KIND_COUNT && b->at >= b->n_ids[b->kind]) {
        b->kind++;
        b->at = 0;
    }
    if (b->kind == ORG_KIND_COUNT) {
        if (nq_redis_command(b->r, on_marked, b, "SET %s %s", NQ_KEY_INDEX_LAYOUT,
                             NQ_INDEX_LAYOUT) != 0)
            give_up(b, "marking the list indexes built");
        return;
    }
    const org_kind_t *k = &org_kinds[b->kind];
    char key[ORGIX_KEY_MAX];
    size_t left = b->n_ids[b->kind] - b->at;
    b->chunk = left < IXBUILD_CHUNK ? left : IXBUILD_CHUNK;
    b->waiting = 1; /* held while issuing */
    for (size_t i = 0; i < b->chunk && !b->failed; i++) {
        slot_t *s = malloc(sizeof(*s));
        if (s)
            *s = (slot_t){b, i};
        if (!s || k->key(key, sizeof(key), b->ids[b->kind][b->at + i]) < 0 ||
            nq_redis_command(b->r, on_record, s, "HGETALL %s", key) != 0) {
            free(s);
            b->failed = true;
        } else {
            b->waiting++;
        }
    }
    record_done(b);
}

/* ---------------------------------------------------------------- step 1 */

static void listed_done(ixbuild_t *b);

/* One reply of step 1: the mark, or one directory set of a list's ids. */
static void on_listed(nq_redis_t *r, redisReply *reply, void *data)
{
    slot_t *s = data;
    ixbuild_t *b = s->b;
    if (s->i == ORG_KIND_COUNT * 2) {
        b->mark =
            reply && reply->type == REDIS_REPLY_STRING && strcmp(reply->str, NQ_INDEX_LAYOUT) == 0;
        b->failed |= !reply || reply->type == REDIS_REPLY_ERROR;
    } else {
        size_t kind = s->i / 2;
        b->failed |= append_strs(reply, &b->ids[kind], &b->n_ids[kind]) != 0;
    }
    free(s);
    listed_done(b);
}

/* One reply of step 1 is handled: after the last, step 2 (unless built). */
static void listed_done(ixbuild_t *b)
{
    if (--b->waiting > 0)
        return;
    if (b->failed) {
        give_up(b, "reading the directory");
    } else if (b->mark && !b->again) {
        ixbuild_free(b);
    } else {
        for (size_t k = 0; k < ORG_KIND_COUNT; k++)
            sort_unique(b->ids[k], &b->n_ids[k]);
        b->kind = 0;
        next_chunk(b);
    }
}

/* Issue one read of step 1 (which: 2 × kind + source, or the mark). */
static void issue_listed(ixbuild_t *b, size_t which, const char *fmt, const char *key)
{
    slot_t *s = malloc(sizeof(*s));
    if (s)
        *s = (slot_t){b, which};
    if (!s || nq_redis_command(b->r, on_listed, s, fmt, key) != 0) {
        free(s);
        b->failed = true;
        return;
    }
    b->waiting++;
}

void ixbuild_start(nq_redis_t *r, bool again)
{
    ixbuild_t *b = calloc(1, sizeof(*b));
    if (!b) {
        nq_log_error("list_indexes", "out of memory; the next connect tries again");
        return;
    }
    b->r = r;
    b->again = again;
    b->waiting = 1; /* held while issuing */
    issue_listed(b, ORG_KIND_COUNT * 2, "GET %s", NQ_KEY_INDEX_LAYOUT);
    for (size_t k = 0; k < ORG_KIND_COUNT; k++) {
        for (size_t i = 0; i < 2 && sources[k][i]; i++)
            issue_listed(b, 2 * k + i, "SMEMBERS %s", sources[k][i]);
    }
    listed_done(b);
}
