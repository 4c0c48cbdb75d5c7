/* salesperson.c — a salesperson's get, put and delete, over their team and
 * status histories (membership.h). See orgcall.h for the shape of a flow:
 * read, compute, write with one script that checks what was read is
 * unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membership.h"
#include "nq/keys.h"
#include "cadence.h"
#include "orgcall.h"

/* The value of `field` in a kept HGETALL reply, or NULL. */
static const char *field_of(const org_kept_t *k, const char *field)
{
    for (size_t i = 0; i + 1 < k->n; i += 2) {
        if (strcmp(k->strs[i], field) == 0)
            return k->strs[i + 1];
    }
    return NULL;
}

/* Point sp's history at copies of the histories' stretches. 0 or -1 (OOM). */
static int attach_history(Nq__Salesperson *sp, const nq_orghist_t *teams,
                          const nq_orghist_t *status)
{
    Nq__SalespersonChange *view = calloc(teams->n + status->n + 1, sizeof(*view));
    size_t n = view ? membership_view(teams, status, view) : 0;
    int rc = view && (sp->history = calloc(n + 1, sizeof(*sp->history))) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Nq__SalespersonChange *e = malloc(sizeof(*e));
        if (!e) {
            rc = -1;
            break;
        }
        *e = view[i];
        e->team_id = strdup(view[i].team_id);
        e->status = strdup(view[i].status);
        sp->history[sp->n_history++] = e;
        if (!e->team_id || !e->status)
            rc = -1;
    }
    free(view);
    return rc;
}

ProtobufCMessage *salesperson_entity(const char *id, const char *const *fields, size_t n,
                                     const nq_orghist_t *teams, const nq_orghist_t *status)
{
    ProtobufCMessage *msg = org_kinds[ORG_SALESPERSON].from_fields(id, fields, n);
    if (msg && attach_history((Nq__Salesperson *)msg, teams, status) != 0) {
        protobuf_c_message_free_unpacked(msg, NULL);
        msg = NULL;
    }
    return msg;
}

/* The answer: the salesperson as stored, with their history. */
static void sp_answer(org_call_t *c, const char *const *fields, size_t n, const nq_orghist_t *teams,
                      const nq_orghist_t *status)
{
    if (!(c->stored = salesperson_entity(c->id, fields, n, teams, status)))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE,
                     "salesperson %s could not be read back", c->id);
}

/* HGETALL profile, ZRANGE team history, ZRANGE status history. */
static void sp_read(org_call_t *c, org_gathered_fn next)
{
    char key[ORG_KEY_MAX];
    nq_redis_args_t cmds[3];
    nq_key_salesperson(key, sizeof(key), c->id);
    org_args_cmd(&cmds[0], "HGETALL", key);
    nq_key_sp_teams(key, sizeof(key), c->id);
    org_args_zrange(&cmds[1], key);
    nq_key_sp_status(key, sizeof(key), c->id);
    org_args_zrange(&cmds[2], key);
    org_gather(c, cmds, 3, next);
}

static void sp_got(org_call_t *c, org_kept_t *kept, size_t n)
{
    nq_orghist_t teams = {0}, status = {0};
    if (kept[0].n == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "salesperson %s not found", c->id);
    else if (org_parse_history(c, &kept[1], &teams) == 0 &&
             org_parse_history(c, &kept[2], &status) == 0)
        sp_answer(c, (const char *const *)kept[0].strs, kept[0].n, &teams, &status);
    nq_orghist_free(&teams);
    nq_orghist_free(&status);
}

void salesperson_get(org_call_t *c)
{
    sp_read(c, sp_got);
}

/* The script's answer to a salesperson write; c->stored holds the answer
 * already (built from what was written). */
static void sp_written(org_call_t *c, org_kept_t *kept, size_t n)
{
    const char *out = org_outcome(&kept[0]);
    if (strcmp(out, "retry") == 0) {
        protobuf_c_message_free_unpacked(c->stored, NULL);
        c->stored = NULL;
        org_restart(c);
    } else if (strcmp(out, "no_team") == 0) {
        nq_field_errors_add(&c->base.errs, "team_id", "no team %s in the directory",
                            c->req->salesperson->team_id);
        org_fail_invalid(c, "salesperson");
    } else if (strcmp(out, "ok") != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "unexpected answer %s", out);
    } else {
        cadence_rehome(&c->base, org_redis(c), c->id); /* their customers by their team now */
    }
}

/* A salesperson's write: what it was read as, and what it writes. */
typedef struct sp_change {
    const char *name;             /* the name written */
    const org_kept_t *old_teams;  /* the team history as read */
    const org_kept_t *old_status; /* the status history as read */
    const char *old_team;         /* the team as read (the last entry of old_teams) */
    const nq_orghist_t *teams;    /* the team history written */
    const nq_orghist_t *status;   /* the status history written */
    const char *team;             /* must be in the directory unless "" */
    bool archive;                 /* out of the directory, into the archived */
    const char *deleted_at;       /* "" when not archived */
} sp_change_t;

/* Build the answer from what is written, then write salesperson c->id
 * (histories, profile, directory, list indexes) as `w` says. */
static void sp_write(org_call_t *c, const sp_change_t *w)
{
    char now[24];
    snprintf(now, sizeof(now), "%lld", (long long)c->now);
    const char *team_now = org_last_value(w->teams, ""),
               *status_now = org_last_value(w->status, MEMBERSHIP_ACTIVE);
    const char *fields[] = {"name",     w->name,      "team_id", team_now,     "status",
                            status_now, "updated_at", now,       "deleted_at", w->deleted_at};
    const size_t n_fields = sizeof(fields) / sizeof(fields[0]);
    sp_answer(c, fields, n_fields, w->teams, w->status);
    if (c->base.status != NQ__STATUS__STATUS_OK)
        return;
    const orgix_list_t *l = &orgix_lists[ORG_SALESPERSON];
    const char *was[] = {"team_id", w->old_team};
    orgix_values_t before, after;
    orgix_moves_t moves;
    orgix_values_of(l, was, 2, &before);
    orgix_values_of(l, fields, n_fields, &after);
    if (orgix_moves(l, &before, &after, &moves) != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "index key too long");
        return;
    }
    char key[ORG_KEY_MAX];
    nq_redis_args_t a; /* common/lua/salesperson_write.lua */
    nq_redis_args_init(&a);
    nq_key_salesperson(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_key_sp_teams(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_key_sp_status(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_redis_args_adds(&a, NQ_KEY_SALESPEOPLE_NAMES);
    nq_redis_args_adds(&a, NQ_KEY_SALESPEOPLE);
    nq_redis_args_adds(&a, NQ_KEY_SALESPEOPLE_ARCHIVED);
    nq_redis_args_adds(&a, NQ_KEY_TEAMS);
    nq_redis_args_adds(&a, NQ_KEY_ORG_VERSION);
    if (*w->team) {
        nq_key_team_members(key, sizeof(key), w->team);
        nq_redis_args_adds(&a, key);
    }
    org_args_add_moves(&a, &moves);
    size_t nkeys = a.argc;
    const char *head[] = {c->id, w->name, team_now, status_now, now, w->team};
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        nq_redis_args_adds(&a, head[i]);
    org_args_add_joined(&a, w->old_teams);
    org_args_add_joined(&a, w->old_status);
    nq_redis_args_adds(&a, w->archive ? "1" : "0");
    nq_redis_args_adds(&a, w->deleted_at);
    org_args_add_move_counts(&a, &moves);
    org_args_add_entries(&a, w->teams);
    org_args_add_entries(&a, w->status);
    org_gather_script(c, NQ_SCRIPT(SALESPERSON_WRITE), nkeys, &a, sp_written);
}

/* A put: team_id from effective_from, status from status_from (membership.h). */
static void sp_put_read(org_call_t *c, org_kept_t *kept, size_t n)
{
    const Nq__Salesperson *sp = c->req->salesperson;
    const char *team = sp->team_id ? sp->team_id : "";
    const char *st = sp->status ? sp->status : MEMBERSHIP_ACTIVE;
    nq_field_errors_t *errs = &c->base.errs;
    nq_orghist_t teams = {0}, status = {0};
    int64_t team_day, status_day;
    if (org_parse_history(c, &kept[1], &teams) != 0 || org_parse_history(c, &kept[2], &status) != 0)
        goto out_free;
    char old_team[NQ_ID_MAX + 1];
    snprintf(old_team, sizeof(old_team), "%s", org_last_value(&teams, ""));
    if (membership_day(sp->has_effective_from, sp->effective_from, teams.n == 0, c->now,
                       "effective_from", errs, &team_day) == 0)
        membership_set(&teams, team_day, team, "", "team_id", errs);
    if (membership_day(sp->has_status_from, sp->status_from, status.n == 0, c->now, "status_from",
                       errs, &status_day) == 0)
        membership_set(&status, status_day, st, MEMBERSHIP_ACTIVE, "status", errs);
    if (errs->n)
        org_fail_invalid(c, "salesperson");
    else
        sp_write(c, &(sp_change_t){sp->name, &kept[1], &kept[2], old_team, &teams, &status, team,
                                   false, ""});
out_free:
    nq_orghist_free(&teams);
    nq_orghist_free(&status);
}

void salesperson_put(org_call_t *c)
{
    sp_read(c, sp_put_read);
}

/* A delete archives: no team and status left from today, out of the
 * directory (kept, with their history, for the figures of the past). */
static void sp_delete_read(org_call_t *c, org_kept_t *kept, size_t n)
{
    nq_orghist_t teams = {0}, status = {0};
    nq_field_errors_t *errs = &c->base.errs;
    int64_t today;
    const char *deleted = field_of(&kept[0], "deleted_at");
    char now[24];
    snprintf(now, sizeof(now), "%lld", (long long)c->now);
    if (kept[0].n == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "salesperson %s not found", c->id);
    else if (org_parse_history(c, &kept[1], &teams) == 0 &&
             org_parse_history(c, &kept[2], &status) == 0) {
        char old_team[NQ_ID_MAX + 1];
        snprintf(old_team, sizeof(old_team), "%s", org_last_value(&teams, ""));
        const char *name = field_of(&kept[0], "name");
        if (membership_day(false, 0, false, c->now, "id", errs, &today) == 0 &&
            membership_set(&teams, today, "", "", "id", errs) == 0 &&
            membership_set(&status, today, MEMBERSHIP_LEFT, MEMBERSHIP_ACTIVE, "id", errs) == 0)
            sp_write(c, &(sp_change_t){name ? name : c->id, &kept[1], &kept[2], old_team, &teams,
                                       &status, "", true, deleted && *deleted ? deleted : now});
    }
    if (errs->n)
        org_fail_invalid(c, "delete");
    nq_orghist_free(&teams);
    nq_orghist_free(&status);
}

void salesperson_delete(org_call_t *c)
{
    sp_read(c, sp_delete_read);
}
