/* team.c — a team's get, put and delete: its hash, and the moves of its
 * members' team histories (membership.h). See orgcall.h for the shape of a
 * flow: read, compute, write with one script that checks what was read is
 * unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membership.h"
#include "nq/keys.h"
#include "cadence.h"
#include "orgcall.h"

/* Step 1 of every team flow: HGETALL the team, SMEMBERS everyone ever in it. */
static void team_read(org_call_t *c, org_gathered_fn next)
{
    char key[ORG_KEY_MAX];
    nq_redis_args_t cmds[2];
    nq_key_team(key, sizeof(key), c->id);
    org_args_cmd(&cmds[0], "HGETALL", key);
    nq_key_team_members(key, sizeof(key), c->id);
    org_args_cmd(&cmds[1], "SMEMBERS", key);
    org_gather(c, cmds, 2, next);
}

/* Step 2: SMEMBERS everyone ever in the team again, and the team history
 * of each salesperson of c->ids. */
static void team_read_histories(org_call_t *c, org_gathered_fn next)
{
    char key[ORG_KEY_MAX];
    nq_redis_args_t *cmds = calloc(c->n_ids + 1, sizeof(*cmds));
    if (!cmds) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    nq_key_team_members(key, sizeof(key), c->id);
    org_args_cmd(&cmds[0], "SMEMBERS", key);
    for (size_t i = 0; i < c->n_ids; i++) {
        nq_key_sp_teams(key, sizeof(key), c->ids[i]);
        org_args_zrange(&cmds[i + 1], key);
    }
    org_gather(c, cmds, c->n_ids + 1, next);
    free(cmds);
}

/* Whether everyone of the set read (kept) is among c->ids: else someone
 * joined since step 1. Sorts kept's strings. */
static bool ids_cover(org_call_t *c, org_kept_t *ever)
{
    qsort(ever->strs, ever->n, sizeof(*ever->strs), org_by_text);
    for (size_t i = 0; i < ever->n; i++) {
        if (!bsearch(&ever->strs[i], c->ids, c->n_ids, sizeof(*c->ids), org_by_text))
            return false;
    }
    return true;
}

/* Set the answer's members: the salespeople whose team now is this one. */
static int set_members(org_call_t *c, const member_change_t *people, size_t n)
{
    Nq__Team *t = (Nq__Team *)c->stored;
    t->members = calloc(n + 1, sizeof(*t->members));
    if (!t->members)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!membership_is_current(&people[i].after, c->id))
            continue;
        if (!(t->members[t->n_members] = strdup(people[i].id)))
            return -1;
        t->n_members++;
    }
    return 0;
}

static void free_people(member_change_t *people, size_t n)
{
    for (size_t i = 0; people && i < n; i++) {
        nq_orghist_free(&people[i].before);
        nq_orghist_free(&people[i].after);
    }
    free(people);
}

/* The people of c->ids with their team histories (kept[1..]); `after` is a
 * copy of `before`. NULL when the call failed. */
static member_change_t *people_of(org_call_t *c, org_kept_t *kept)
{
    member_change_t *people = calloc(c->n_ids + 1, sizeof(*people));
    if (!people) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < c->n_ids; i++) {
        people[i].id = c->ids[i];
        if (org_parse_history(c, &kept[i + 1], &people[i].before) != 0 ||
            nq_orghist_copy(&people[i].after, &people[i].before) != 0) {
            nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
            free_people(people, c->n_ids);
            return NULL;
        }
    }
    return people;
}

static void team_written(org_call_t *c, org_kept_t *kept, size_t n)
{
    const char *out = org_outcome(&kept[0]);
    char ids[200];
    org_join_ids(ids, sizeof(ids), (const char *const *)kept[0].strs + 1,
                 kept[0].n ? kept[0].n - 1 : 0);
    if (strcmp(out, "retry") == 0) {
        protobuf_c_message_free_unpacked(c->stored, NULL);
        c->stored = NULL;
        org_restart(c);
    } else if (strcmp(out, "missing") == 0) {
        const Nq__Team *t = c->req->team;
        for (size_t k = 1; k < kept[0].n; k++) {
            for (size_t i = 0; i < t->n_members; i++) {
                char field[32];
                snprintf(field, sizeof(field), "members[%zu]", i);
                if (strcmp(t->members[i], kept[0].strs[k]) == 0)
                    nq_field_errors_add(&c->base.errs, field, "no salesperson %s in the directory",
                                        kept[0].strs[k]);
            }
        }
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID,
                     "invalid team: salespeople not in the directory: %s", ids);
    } else if (strcmp(out, "members") == 0) {
        nq_field_errors_add(&c->base.errs, "members", "%s in the team now (move them first)", ids);
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID,
                     "team %s has members now: %s (move them first)", c->id, ids);
    } else if (strcmp(out, "ok") != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "unexpected answer %s", out);
    } else if (c->op == ORG_PUT && c->req->members_given) {
        for (size_t i = 0; i < c->n_ids; i++) /* everyone it looked at may have moved */
            cadence_rehome(&c->base, org_redis(c), c->ids[i]);
    }
}

/* Issue the team write (the answer is built already): people with their
 * histories as read (kept[1..]) and after; ever = the set as read. */
static void team_write(org_call_t *c, org_kept_t *kept, const member_change_t *people, bool archive)
{
    const Nq__Team *t = c->req->team;
    const orgix_list_t *l = &orgix_lists[ORG_TEAM];
    const char *state[] = {"deleted_at", archive ? "1" : ""};
    orgix_values_t after;
    orgix_moves_t moves;
    orgix_values_of(l, state, 2, &after);
    char key[ORG_KEY_MAX];
    nq_redis_args_t a; /* common/lua/team_write.lua */
    nq_redis_args_init(&a);
    nq_key_team(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_redis_args_adds(&a, NQ_KEY_TEAMS);
    nq_redis_args_adds(&a, NQ_KEY_TEAMS_ARCHIVED);
    nq_redis_args_adds(&a, NQ_KEY_SALESPEOPLE);
    nq_key_team_members(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_redis_args_adds(&a, NQ_KEY_ORG_VERSION);
    if (orgix_moves(l, NULL, &after, &moves) != 0)
        a.failed = true;
    org_args_add_moves(&a, &moves);
    for (size_t i = 0; i < c->n_ids; i++) {
        nq_key_sp_teams(key, sizeof(key), c->ids[i]);
        nq_redis_args_adds(&a, key);
        nq_key_salesperson(key, sizeof(key), c->ids[i]);
        nq_redis_args_adds(&a, key);
        if (orgix_team_key(key, sizeof(key), org_last_value(&people[i].before, "")) < 0)
            a.failed = true;
        nq_redis_args_adds(&a, key);
        if (orgix_team_key(key, sizeof(key), org_last_value(&people[i].after, "")) < 0)
            a.failed = true;
        nq_redis_args_adds(&a, key);
    }
    size_t nkeys = a.argc;
    /* The stored coordinators, exactly as a put writes them. */
    nq_redis_args_t fields;
    nq_redis_args_init(&fields);
    if (!archive)
        org_to_fields(c->kind, &t->base, c->now, &fields);
    nq_redis_args_adds(&a, c->id);
    nq_redis_args_adds(&a, archive ? "" : t->name);
    nq_redis_args_adds(&a, !archive && fields.argc > 3 ? fields.argv[3] : "[]");
    nq_redis_args_free(&fields);
    nq_redis_args_addf(&a, "%lld", (long long)c->now);
    org_args_add_joined(&a, &kept[0]);
    nq_redis_args_addf(&a, "%zu", c->n_ids);
    nq_redis_args_adds(&a, archive ? "1" : "0");
    org_args_add_move_counts(&a, &moves);
    for (size_t i = 0; i < c->n_ids; i++) {
        const member_change_t *p = &people[i];
        nq_redis_args_adds(&a, p->id);
        nq_redis_args_adds(&a, p->listed ? "1" : "0");
        org_args_add_joined(&a, &kept[i + 1]);
        nq_redis_args_adds(&a, org_last_value(&p->after, ""));
        if (nq_orghist_equal(&p->before, &p->after))
            nq_redis_args_adds(&a, "-1");
        else
            org_args_add_entries(&a, &p->after);
    }
    org_gather_script(c, NQ_SCRIPT(TEAM_WRITE), nkeys, &a, team_written);
}

/* Whether `id` is among the put's members. */
static bool listed(const Nq__Team *t, const char *id)
{
    for (size_t i = 0; t && i < t->n_members; i++) {
        if (strcmp(t->members[i], id) == 0)
            return true;
    }
    return false;
}

/* A put with members moves salespeople (membership_team_put); without, it
 * changes the name and coordinators only. */
static void team_put_histories(org_call_t *c, org_kept_t *kept, size_t n)
{
    const Nq__Team *t = c->req->team;
    bool given = c->req->members_given || t->n_members > 0;
    if (!ids_cover(c, &kept[0])) {
        org_restart(c);
        return;
    }
    member_change_t *people = people_of(c, kept);
    if (!people)
        return;
    for (size_t i = 0; given && i < c->n_ids; i++) {
        people[i].listed = listed(t, people[i].id);
        nq_orghist_free(&people[i].after); /* membership_team_put copies it again */
    }
    if (given && membership_team_put(people, c->n_ids, c->id, t->has_effective_from,
                                     t->effective_from, c->now, &c->base.errs) != 0) {
        org_fail_invalid(c, "team");
    } else {
        nq_redis_args_t fields;
        nq_redis_args_init(&fields);
        if (org_to_fields(c->kind, &t->base, c->now, &fields) == 0)
            c->stored = c->kind->from_fields(c->id, (const char *const *)fields.argv, fields.argc);
        nq_redis_args_free(&fields);
        if (!c->stored || set_members(c, people, c->n_ids) != 0)
            nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        else
            team_write(c, kept, people, false);
    }
    free_people(people, c->n_ids);
}

/* Step 1 of a put: whom to look at, everyone ever in the team and everyone
 * listed. */
static void team_put_ids(org_call_t *c, org_kept_t *kept, size_t n)
{
    const Nq__Team *t = c->req->team;
    char *const *lists[] = {kept[1].strs, t->members};
    size_t counts[] = {kept[1].n, t->n_members};
    if (org_set_ids(c, lists, counts, 2) == 0)
        team_read_histories(c, team_put_histories);
}

void team_put(org_call_t *c)
{
    team_read(c, team_put_ids);
}

/* The team as stored, and its members now. */
static void team_got_histories(org_call_t *c, org_kept_t *kept, size_t n)
{
    member_change_t *people = people_of(c, kept);
    if (people && set_members(c, people, c->n_ids) != 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    free_people(people, c->n_ids);
}

/* A delete archives the team, refused while it has members. */
static void team_delete_histories(org_call_t *c, org_kept_t *kept, size_t n)
{
    if (!ids_cover(c, &kept[0])) {
        protobuf_c_message_free_unpacked(c->stored, NULL);
        c->stored = NULL;
        org_restart(c);
        return;
    }
    member_change_t *people = people_of(c, kept);
    if (!people)
        return;
    const char **current = calloc(c->n_ids + 1, sizeof(*current));
    size_t n_current = 0;
    for (size_t i = 0; current && i < c->n_ids; i++) {
        if (membership_is_current(&people[i].before, c->id))
            current[n_current++] = people[i].id;
    }
    Nq__Team *t = (Nq__Team *)c->stored;
    if (!current) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    } else if (n_current) {
        char ids[200];
        org_join_ids(ids, sizeof(ids), current, n_current);
        nq_field_errors_add(&c->base.errs, "members", "%s in the team now (move them first)", ids);
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID,
                     "team %s has members now: %s (move them first)", c->id, ids);
    } else {
        if (!t->has_deleted_at) {
            t->has_deleted_at = 1;
            t->deleted_at = c->now;
        }
        t->has_updated_at = 1;
        t->updated_at = c->now;
        team_write(c, kept, people, true);
    }
    free(current);
    free_people(people, c->n_ids);
}

/* Step 1 of a get or a delete: the team (404 when none) and whom to look at. */
static void team_found(org_call_t *c, org_kept_t *kept, size_t n, org_gathered_fn next)
{
    char *const *lists[] = {kept[1].strs};
    size_t counts[] = {kept[1].n};
    if (kept[0].n == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "team %s not found", c->id);
    else if (!(c->stored =
                   c->kind->from_fields(c->id, (const char *const *)kept[0].strs, kept[0].n)))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "stored team %s could not be read",
                     c->id);
    else if (org_set_ids(c, lists, counts, 1) == 0)
        team_read_histories(c, next);
}

static void team_get_ids(org_call_t *c, org_kept_t *kept, size_t n)
{
    team_found(c, kept, n, team_got_histories);
}

static void team_delete_ids(org_call_t *c, org_kept_t *kept, size_t n)
{
    team_found(c, kept, n, team_delete_histories);
}

void team_get(org_call_t *c)
{
    team_read(c, team_get_ids);
}

void team_delete(org_call_t *c)
{
    team_read(c, team_delete_ids);
}
