/* scoreboardsvc.c — leaderboards by score on the bus. See scoreboardsvc.h;
 * ranking in leaderboard.c, scores in plans.c. */
#include "scoreboardsvc.h"

#include <stdio.h>
#include <stdlib.h>

#include "answer.h"
#include "leaderboard.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/log.h"
#include "nq/orghist.h"
#include "nq/period.h"
#include "plankind.h"
#include "reporting_app.h"
#include "roster.h"

struct sboard_call;

/* One salesperson on a score board. */
typedef struct sboard_member {
    struct sboard_call *call; /* owner */
    board_entry_t *entry;     /* its board entry */
    plan_t plan;              /* its team's scorecard in force */
    plan_input_t in;          /* counters of the period and targets */
    nq_kpi_values_t today;    /* counters of the reference day */
    int which;                /* read slot: 0 period, 1 day (kpi reads) */
} sboard_member_t;

typedef struct sboard_call {
    nq_call_t base;              /* must be first */
    reporting_t *app;            /* the service */
    roster_t *roster;            /* whom the board lists */
    char team_id[NQ_ID_MAX + 1]; /* a team's board, "" for the company's */
    nq_period_t period;          /* ranked */
    nq_target_reads_t targets;   /* its target hashes */
    nq_period_t day;             /* reference day */
    board_entry_t *entries;      /* the board */
    sboard_member_t *members;    /* by entry index */
    sboard_member_t *day_reads;  /* a second slot per member for the day read */
    size_t n;
} sboard_call_t;

static void sboard_answer(nq_call_t *base)
{
    sboard_call_t *c = (sboard_call_t *)base;
    for (size_t i = 0; base->status == NQ__STATUS__STATUS_OK && i < c->n; i++) {
        sboard_member_t *m = &c->members[i];
        board_entry_t *e = m->entry;
        plan_input_t before = m->in;
        board_minus_day(&m->in.values, &m->today, &before.values);
        e->defined = e->defined_before = m->plan.present;
        if (m->plan.present) {
            e->value = scorecard_score(&m->plan.scorecard, &m->in);
            e->before = scorecard_score(&m->plan.scorecard, &before);
        }
    }
    answer_board(c->app, base, c->entries, c->n, &c->period, "score", NULL, NQ_HIGHER_IS_BETTER);
    c->app->inflight--;
    nq_call_cleanup(base);
    free(c->entries);
    free(c->members);
    free(c->day_reads);
    roster_free(&c->roster);
    free(c);
}

static void on_sboard_kpis(int status, const nq_kpi_values_t *values, void *data)
{
    sboard_member_t *slot = data;
    sboard_call_t *c = slot->call;
    if (status != 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else if (slot->which == 0)
        slot->in.values = *values;
    else
        c->members[slot - c->day_reads].today = *values;
    nq_call_release(&c->base);
}

static void on_sboard_targets(int status, const nq_targets_t *t, void *data)
{
    sboard_member_t *m = data;
    if (status != 0)
        nq_call_fail(&m->call->base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read targets");
    else
        nq_targets_export(t, m->in.target, m->in.has_target, m->in.target_derived);
    nq_call_release(&m->call->base);
}

static void on_sboard_plan(nq_redis_t *r, redisReply *reply, void *data)
{
    sboard_member_t *m = data;
    if (nq_call_reply_ok(&m->call->base, reply, REDIS_REPLY_ARRAY))
        plan_in_force(reply, PLAN_SCORECARD, &m->plan);
    nq_call_release(&m->call->base);
}

static void on_sboard_name(nq_redis_t *r, redisReply *reply, void *data)
{
    sboard_member_t *m = data;
    if (reply && reply->type == REDIS_REPLY_STRING)
        snprintf(m->entry->name, sizeof(m->entry->name), "%s", reply->str);
    nq_call_release(&m->call->base);
}

/* Each listed person's figures, targets, name, and the scorecard of their
 * team on the reference day. */
static void sboard_read(sboard_call_t *c, const roster_person_t *const *people, size_t n)
{
    c->entries = calloc(n + 1, sizeof(*c->entries));
    c->members = calloc(n + 1, sizeof(*c->members));
    c->day_reads = calloc(n + 1, sizeof(*c->day_reads));
    if (!c->entries || !c->members || !c->day_reads) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    c->n = n;
    nq_redis_t *redis = c->app->svc->redis;
    nq_target_reads_init(&c->targets, &c->period, &c->app->cal);
    for (size_t i = 0; i < n; i++) {
        const char *id = people[i]->id,
                   *team = nq_orghist_at(&people[i]->teams, c->day.start_ms, "");
        sboard_member_t *m = &c->members[i];
        m->call = c;
        m->entry = &c->entries[i];
        c->day_reads[i] = (sboard_member_t){.call = c, .which = 1};
        snprintf(m->entry->id, sizeof(m->entry->id), "%s", id);
        char key[REPORTING_KEY_MAX];
        nq_call_issued(&c->base, nq_kpi_fetch(redis, id, &c->period, on_sboard_kpis, m));
        nq_call_issued(&c->base,
                       nq_kpi_fetch(redis, id, &c->day, on_sboard_kpis, &c->day_reads[i]));
        nq_call_issued(&c->base, nq_targets_fetch(redis, NQ_SUBJECT_SALESPERSON, id, &c->targets,
                                                  -1, on_sboard_targets, m));
        nq_call_issued(&c->base, nq_redis_command(redis, on_sboard_name, m, "HGET %s %s",
                                                  NQ_KEY_SALESPEOPLE_NAMES, id));
        if (nq_valid_id(team) &&
            nq_key_plans(key, sizeof(key), team, plan_kind_name(PLAN_SCORECARD)) >= 0)
            nq_call_issued(
                &c->base, nq_redis_command(redis, on_sboard_plan, m,
                                           "ZREVRANGEBYSCORE %s %lld -inf WITHSCORES LIMIT 0 %d",
                                           key, (long long)c->period.start_ms, PLAN_VERSIONS_SCAN));
    }
}

/* The board's salespeople: the roster's people listed on the reference day. */
static void on_sboard_roster(roster_t *ro, void *data)
{
    sboard_call_t *c = data;
    const roster_person_t **people = calloc(ro->n + 1, sizeof(*people));
    size_t n = 0;
    if (!people) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t i = 0; i < ro->n; i++) {
        if (roster_listed(&ro->people[i], *c->team_id ? c->team_id : NULL, c->day.start_ms))
            people[n++] = &ro->people[i];
    }
    sboard_read(c, people, n);
    free(people);
}

void scoreboardsvc_on_score_board(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                                  const ProtobufCMessage *msg, void *app)
{
    const Nq__LeaderboardRequest *req = (const Nq__LeaderboardRequest *)msg;
    sboard_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, sboard_answer) != 0) {
        free(c);
        nq_log_error("score_board", "out of memory");
        return;
    }
    c->app = app;
    c->app->inflight++;
    nq_field_errors_t *errs = &c->base.errs;
    bool team = req->has_subject && req->subject == NQ__SUBJECT__SUBJECT_TEAM;
    if (team && !nq_valid_id(req->id))
        nq_field_errors_add(errs, "scope", NQ_ID_RULE);
    nq_period_kind_t kind;
    int64_t at = req->has_at ? req->at : nq_now_ms();
    if (nq_period_kind_parse(req->period_kind, &kind) != 0 ||
        nq_period_of(kind, at, &c->period) != 0)
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
    else {
        at = at < c->period.start_ms  ? c->period.start_ms
             : at >= c->period.end_ms ? c->period.end_ms - 1
                                      : at;
        nq_period_of(NQ_PERIOD_DAY, at, &c->day);
    }
    answer_fail_invalid(&c->base, "score board");
    if (c->base.status == NQ__STATUS__STATUS_OK && !(c->roster = roster_new()))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    if (c->base.status == NQ__STATUS__STATUS_OK) {
        snprintf(c->team_id, sizeof(c->team_id), "%s", team ? req->id : "");
        roster_read(c->app->svc->redis, &c->base, team ? NQ_SUBJECT_TEAM : NQ_SUBJECT_COMPANY,
                    c->team_id, false, c->roster, on_sboard_roster, c);
    }
    nq_call_release(&c->base);
}
