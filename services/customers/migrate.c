/* migrate.c — histories from the first org layout, once. See migrate.h. */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ixbuild.h"
#include "membership.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"
#include "org.h"
#include "summigrate.h"

#define KEY_MAX 128

typedef struct migration {
    nq_redis_t *r;
    char **sps, **teams; /* ids, sorted */
    size_t n_sps, n_teams;
    char **sp_team, **sp_status; /* per salesperson, from the profile */
    char ***members;             /* per team, its first-layout list */
    size_t *n_members;
    size_t waiting; /* replies outstanding */
    bool failed;    /* a step failed */
} migration_t;

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

static void migration_free(migration_t *m)
{
    for (size_t t = 0; m->members && t < m->n_teams; t++)
        free_ids(m->members[t], m->n_members[t]);
    free(m->members);
    free(m->n_members);
    free_ids(m->sp_team, m->n_sps);
    free_ids(m->sp_status, m->n_sps);
    free_ids(m->sps, m->n_sps);
    free_ids(m->teams, m->n_teams);
    free(m);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copy the strings of an array reply, sorted. */
static int copy_sorted(const redisReply *r, char ***out, size_t *n)
{
    *n = 0;
    if (!r || r->type != REDIS_REPLY_ARRAY || !(*out = calloc(r->elements + 1, sizeof(**out))))
        return -1;
    for (size_t i = 0; i < r->elements; i++) {
        if (!((*out)[i] = strdup(r->element[i]->str ? r->element[i]->str : "")))
            return -1;
        (*n)++;
    }
    qsort(*out, *n, sizeof(**out), by_text);
    return 0;
}

static void on_migrated(nq_redis_t *r, redisReply *reply, void *data)
{
    migration_t *m = data;
    bool ok = reply && reply->type == REDIS_REPLY_INTEGER;
    if (ok)
        nq_log_info("org_layout",
                    "team and status histories made for %lld salespeople of the "
                    "first layout",
                    reply->integer);
    else
        nq_log_error("org_layout", "making histories failed: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    migration_free(m);
    if (ok)
        ixbuild_start(r, true);
}

/* Step 3: one script writes every history that does not exist yet
 * (common/lua/org_layout_write.lua). */
static void write_histories(migration_t *m)
{
    char key[KEY_MAX];
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, NQ_KEY_ORG_LAYOUT);
    nq_redis_args_adds(&a, NQ_KEY_ORG_VERSION);
    for (size_t i = 0; i < m->n_sps; i++) {
        nq_key_sp_teams(key, sizeof(key), m->sps[i]);
        nq_redis_args_adds(&a, key);
        nq_key_sp_status(key, sizeof(key), m->sps[i]);
        nq_redis_args_adds(&a, key);
        nq_key_salesperson(key, sizeof(key), m->sps[i]);
        nq_redis_args_adds(&a, key);
    }
    for (size_t t = 0; t < m->n_teams; t++) {
        nq_key_team(key, sizeof(key), m->teams[t]);
        nq_redis_args_adds(&a, key);
        nq_key_team_members(key, sizeof(key), m->teams[t]);
        nq_redis_args_adds(&a, key);
    }
    nq_redis_args_adds(&a, NQ_ORG_LAYOUT);
    nq_redis_args_addf(&a, "%zu", m->n_sps);
    nq_redis_args_addf(&a, "%zu", m->n_teams);
    for (size_t i = 0; i < m->n_sps; i++) {
        nq_redis_args_adds(&a, m->sps[i]);
        nq_redis_args_adds(&a, membership_legacy_team(m->sps[i], m->sp_team[i], m->teams,
                                                      m->n_teams, m->members, m->n_members));
        nq_redis_args_adds(&a, m->sp_status[i]);
    }
    for (size_t t = 0; t < m->n_teams; t++)
        nq_redis_args_adds(&a, m->teams[t]);
    if (nq_script_call_args(m->r, NQ_SCRIPT(ORG_LAYOUT_WRITE), on_migrated, m,
                            2 + 3 * m->n_sps + 2 * m->n_teams, &a) != 0) {
        nq_log_error("org_layout", "cannot make the histories now; next connect tries again");
        migration_free(m);
    }
    nq_redis_args_free(&a);
}

/* One reply of step 2: a profile's team_id and status, or a team's list. */
typedef struct row_read {
    migration_t *m;
    size_t i;  /* which salesperson or team */
    bool team; /* a team's list, else a profile */
} row_read_t;

/* One step-2 reply is handled: after the last, step 3 (or give up). */
static void row_done(migration_t *m)
{
    if (--m->waiting > 0)
        return;
    if (m->failed) {
        nq_log_error("org_layout", "reading the first layout failed; next connect tries again");
        migration_free(m);
        return;
    }
    write_histories(m);
}

static void on_row(nq_redis_t *r, redisReply *reply, void *data)
{
    row_read_t *rd = data;
    migration_t *m = rd->m;
    if (rd->team && reply &&
        (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_NIL)) {
        if (reply->type == REDIS_REPLY_STRING &&
            org_parse_ids(reply->str, &m->members[rd->i], &m->n_members[rd->i]) != 0)
            nq_log_warn("org_layout", "team %s: its members list is unreadable; ignored",
                        m->teams[rd->i]);
    } else if (!rd->team && reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
        const redisReply *team = reply->element[0], *status = reply->element[1];
        m->sp_team[rd->i] = strdup(team->type == REDIS_REPLY_STRING ? team->str : "");
        m->sp_status[rd->i] = strdup(status->type == REDIS_REPLY_STRING ? status->str : "");
        m->failed |= !m->sp_team[rd->i] || !m->sp_status[rd->i];
    } else {
        m->failed = true;
    }
    free(rd);
    row_done(m);
}

static void issue_row(migration_t *m, size_t i, bool team, const char *fmt, const char *key)
{
    row_read_t *rd = malloc(sizeof(*rd));
    if (rd) {
        *rd = (row_read_t){m, i, team};
        if (nq_redis_command(m->r, on_row, rd, fmt, key) == 0) {
            m->waiting++;
            return;
        }
    }
    free(rd);
    m->failed = true;
}

/* Step 2: every profile's team_id and status, every team's list. */
static void read_rows(migration_t *m)
{
    char key[KEY_MAX];
    m->sp_team = calloc(m->n_sps + 1, sizeof(*m->sp_team));
    m->sp_status = calloc(m->n_sps + 1, sizeof(*m->sp_status));
    m->members = calloc(m->n_teams + 1, sizeof(*m->members));
    m->n_members = calloc(m->n_teams + 1, sizeof(*m->n_members));
    m->failed = !m->sp_team || !m->sp_status || !m->members || !m->n_members;
    m->waiting = 1; /* held while issuing */
    for (size_t i = 0; !m->failed && i < m->n_sps; i++) {
        nq_key_salesperson(key, sizeof(key), m->sps[i]);
        issue_row(m, i, false, "HMGET %s team_id status", key);
    }
    for (size_t t = 0; !m->failed && t < m->n_teams; t++) {
        nq_key_team(key, sizeof(key), m->teams[t]);
        issue_row(m, t, true, "HGET %s members", key);
    }
    row_done(m);
}

/* Step 1: the mark, the salespeople and the teams, in one script reply
 * (common/lua/org_layout_read.lua): {mark, {salespeople...}, {teams...}}. */
static void on_lists(nq_redis_t *r, redisReply *reply, void *data)
{
    migration_t *m = data;
    bool ok = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
              reply->element[0]->type == REDIS_REPLY_STRING;
    if (ok && strcmp(reply->element[0]->str, NQ_ORG_LAYOUT) == 0) {
        migration_free(m);
        ixbuild_start(r, false);
        return;
    }
    if (!ok || copy_sorted(reply->element[1], &m->sps, &m->n_sps) != 0 ||
        copy_sorted(reply->element[2], &m->teams, &m->n_teams) != 0) {
        nq_log_error("org_layout", "reading the org failed; next connect tries again");
        migration_free(m);
        return;
    }
    read_rows(m);
}

void migrate_on_connected(nq_redis_t *r, void *data)
{
    summigrate_start(r); /* customers' feedback figures by month (summigrate.h) */
    migration_t *m = calloc(1, sizeof(*m));
    if (!m ||
        (m->r = r, nq_script_callf(r, NQ_SCRIPT(ORG_LAYOUT_READ), on_lists, m, 3, "%s %s %s",
                                   NQ_KEY_ORG_LAYOUT, NQ_KEY_SALESPEOPLE, NQ_KEY_TEAMS) != 0)) {
        nq_log_error("org_layout", "cannot look at the org layout now");
        free(m);
    }
}
