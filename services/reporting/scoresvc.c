/* scoresvc.c — scores and simulations on the bus. See scoresvc.h; the
 * rules are in plans.c. */
#include "scoresvc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/kpi_json.h"
#include "nq/money.h"
#include "nq/orghist.h"
#include "nq/period.h"
#include "plankind.h"
#include "reporting_app.h"
#include "roster.h"

/* One salesperson being scored. */
typedef struct member {
    char id[NQ_ID_MAX + 1];
    plan_input_t in; /* counters and targets */
    struct score_call *call;
} member_t;

typedef struct score_call {
    doc_call_t dc;               /* must be first */
    bool simulate;               /* simulate.v1 */
    nq_period_t period;          /* scored */
    nq_target_reads_t targets;   /* its target hashes */
    int64_t at;                  /* the reference instant: whose team, who is listed */
    roster_t *roster;            /* simulate: the team's */
    char team_id[NQ_ID_MAX + 1]; /* whose plans */
    plan_t live[PLAN_KINDS];     /* versions in force at the period start */
    plan_t draft[PLAN_KINDS];    /* simulate: the drafts */
    member_t *members;           /* one, or the team's */
    size_t n_members;
} score_call_t;

static json_t *plan_result(const plan_t *p, plan_kind_t k, const plan_input_t *in, double *value)
{
    if (!p->present) {
        *value = 0;
        return json_null();
    }
    json_t *out;
    if (k == PLAN_SCORECARD) {
        out = scorecard_explain(&p->scorecard, in);
        *value = scorecard_score(&p->scorecard, in);
    } else {
        int64_t fen;
        out = commission_explain(&p->commission, in, &fen);
        *value = (double)fen;
    }
    if (out && p->version)
        json_object_set_new(out, "version", json_integer(p->version));
    return out;
}

/* Draft minus live of one plan kind, as the simulation shows it (null unless both
 * plans are present): the score's points between the two rounded scores, the
 * commission in yuan from the exact fen. */
static json_t *difference_json(plan_kind_t k, const plan_t *live, const plan_t *draft,
                               double live_v, double draft_v)
{
    if (!live->present || !draft->present)
        return json_null();
    if (k == PLAN_SCORECARD)
        return json_real(nq_round_to(nq_round_to(draft_v, 100) - nq_round_to(live_v, 100), 100));
    char buf[32];
    if (nq_money_format((int64_t)draft_v - (int64_t)live_v, buf, sizeof(buf)) < 0)
        return json_null();
    return json_string(buf);
}

static json_t *member_json(score_call_t *c, const member_t *m)
{
    json_t *row = json_pack("{s:s}", "salesperson_id", m->id);
    for (int k = 0; k < PLAN_KINDS; k++) {
        double live_v, draft_v;
        json_t *live = plan_result(&c->live[k], (plan_kind_t)k, &m->in, &live_v);
        if (!c->simulate) {
            json_object_set_new(row, plan_kind_name(k), live);
            continue;
        }
        json_t *draft = plan_result(&c->draft[k], (plan_kind_t)k, &m->in, &draft_v);
        json_t *diff = difference_json((plan_kind_t)k, &c->live[k], &c->draft[k], live_v, draft_v);
        json_object_set_new(
            row, plan_kind_name(k),
            json_pack("{s:o, s:o, s:o}", "live", live, "draft", draft, "difference", diff));
    }
    return row;
}

static void score_answer(nq_call_t *base)
{
    score_call_t *c = (score_call_t *)base;
    if (base->status == NQ__STATUS__STATUS_OK) {
        json_t *rows = json_array();
        for (size_t i = 0; i < c->n_members; i++)
            json_array_append_new(rows, member_json(c, &c->members[i]));
        json_object_set_new(c->dc.doc, "period", nq_period_to_json(&c->period));
        json_object_set_new(c->dc.doc, "team_id",
                            *c->team_id ? json_string(c->team_id) : json_null());
        if (c->simulate) {
            json_object_set_new(c->dc.doc, "salespeople", rows);
        } else {
            json_object_update(c->dc.doc, json_array_get(rows, 0));
            json_decref(rows);
        }
    }
    free(c->members);
    roster_free(&c->roster);
    doc_call_answer(base);
}

static void on_member_values(int status, const nq_kpi_values_t *values, void *data)
{
    member_t *m = data;
    if (status != 0)
        nq_call_fail(&m->call->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        m->in.values = *values;
    nq_call_release(&m->call->dc.base);
}

static void on_member_targets(int status, const nq_targets_t *t, void *data)
{
    member_t *m = data;
    if (status != 0)
        nq_call_fail(&m->call->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read targets");
    else
        nq_targets_export(t, m->in.target, m->in.has_target, m->in.target_derived);
    nq_call_release(&m->call->dc.base);
}

static void read_members(score_call_t *c, const char *const *ids, size_t n)
{
    c->members = calloc(n + 1, sizeof(*c->members));
    if (!c->members) {
        nq_call_fail(&c->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    c->n_members = n;
    nq_redis_t *redis = c->dc.app->svc->redis;
    nq_target_reads_init(&c->targets, &c->period, &c->dc.app->cal);
    for (size_t i = 0; i < n; i++) {
        member_t *m = &c->members[i];
        m->call = c;
        snprintf(m->id, sizeof(m->id), "%s", ids[i]);
        nq_call_issued(&c->dc.base, nq_kpi_fetch(redis, m->id, &c->period, on_member_values, m));
        nq_call_issued(&c->dc.base, nq_targets_fetch(redis, NQ_SUBJECT_SALESPERSON, m->id,
                                                     &c->targets, -1, on_member_targets, m));
    }
}

/* A live-plan read: which call, which kind. The version in force is the
 * highest version among those with the latest effective_from not after the
 * period start. */
typedef struct live_read {
    score_call_t *call;
    plan_kind_t kind;
} live_read_t;

static void on_live_plan(nq_redis_t *r, redisReply *reply, void *data)
{
    live_read_t *rd = data;
    score_call_t *c = rd->call;
    if (nq_call_reply_ok(&c->dc.base, reply, REDIS_REPLY_ARRAY)) {
        plan_in_force(reply, rd->kind, &c->live[rd->kind]);
    }
    free(rd);
    nq_call_release(&c->dc.base);
}

static void read_live_plans(score_call_t *c)
{
    for (int k = 0; k < PLAN_KINDS; k++) {
        char key[REPORTING_KEY_MAX];
        live_read_t *rd = malloc(sizeof(*rd));
        if (!rd || nq_key_plans(key, sizeof(key), c->team_id, plan_kind_name(k)) < 0) {
            free(rd);
            nq_call_fail(&c->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
            return;
        }
        *rd = (live_read_t){c, (plan_kind_t)k};
        int rc = nq_redis_command(c->dc.app->svc->redis, on_live_plan, rd,
                                  "ZREVRANGEBYSCORE %s %lld -inf WITHSCORES LIMIT 0 %d", key,
                                  (long long)c->period.start_ms, PLAN_VERSIONS_SCAN);
        if (rc != 0)
            free(rd);
        nq_call_issued(&c->dc.base, rc);
    }
}

/* score.v1: the plans are those of the salesperson's team on the
 * reference day (the day of `at`): the last change of the team history not
 * after it. */
static void on_sp_team(nq_redis_t *r, redisReply *reply, void *data)
{
    score_call_t *c = data;
    nq_orghist_t h = {0};
    if (nq_call_reply_ok(&c->dc.base, reply, REDIS_REPLY_ARRAY)) {
        const char *entry = reply->elements == 1 ? reply->element[0]->str : NULL;
        if (entry && nq_orghist_parse(&h, &entry, 1) != 0)
            nq_call_fail(&c->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "unreadable team history");
        const char *team = nq_orghist_at(&h, c->at, "");
        if (nq_valid_id(team)) {
            snprintf(c->team_id, sizeof(c->team_id), "%s", team);
            read_live_plans(c);
        }
    }
    nq_orghist_free(&h);
    nq_call_release(&c->dc.base);
}

/* simulate.v1: the team's members listed on the reference day. */
static void on_team_roster(roster_t *ro, void *data)
{
    score_call_t *c = data;
    const char **ids = calloc(ro->n + 1, sizeof(*ids));
    size_t n = 0;
    if (!ids) {
        nq_call_fail(&c->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t i = 0; i < ro->n; i++) {
        if (roster_listed(&ro->people[i], c->team_id, c->at))
            ids[n++] = ro->people[i].id;
    }
    read_members(c, ids, n);
    free(ids);
}

static void check_drafts(score_call_t *c, const Nq__ScoreRequest *req)
{
    const char *texts[PLAN_KINDS] = {req->draft_scorecard, req->draft_commission};
    for (int k = 0; k < PLAN_KINDS; k++) {
        if (texts[k] && strlen(texts[k]) > PLAN_DOC_MAX)
            nq_field_errors_add(&c->dc.base.errs, plan_kind_name(k), "is over 64 KiB");
        else if (texts[k])
            plan_from_text((plan_kind_t)k, texts[k], &c->draft[k], &c->dc.base.errs);
    }
}

void scoresvc_on_score(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *app)
{
    const Nq__ScoreRequest *req = (const Nq__ScoreRequest *)msg;
    score_call_t *c = doc_call_new(sizeof(*c), app, env, req->correlation_id, score_answer);
    if (!c)
        return;
    c->simulate = env->msg == NQ_MSG(SIMULATE);
    nq_field_errors_t *errs = &c->dc.base.errs;
    const char *who = c->simulate ? req->team_id : req->salesperson_id;
    if (!nq_valid_id(who))
        nq_field_errors_add(errs, c->simulate ? "team_id" : "salesperson_id", NQ_ID_RULE);
    nq_period_kind_t kind;
    c->at = req->has_at ? req->at : nq_now_ms();
    if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_of(kind, c->at, &c->period) != 0)
        nq_field_errors_add(errs, "at", "is outside the calendar");
    if (c->simulate)
        check_drafts(c, req);
    answer_fail_invalid(&c->dc.base, c->simulate ? "simulation" : "score request");
    c->dc.doc = json_object();
    nq_redis_t *redis = c->dc.app->svc->redis;
    char key[REPORTING_KEY_MAX];
    if (c->dc.base.status == NQ__STATUS__STATUS_OK && c->simulate) {
        snprintf(c->team_id, sizeof(c->team_id), "%s", who);
        if (!(c->roster = roster_new()))
            nq_call_fail(&c->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        else
            roster_read(redis, &c->dc.base, NQ_SUBJECT_TEAM, who, false, c->roster, on_team_roster,
                        c);
        read_live_plans(c);
    } else if (c->dc.base.status == NQ__STATUS__STATUS_OK) {
        const char *ids[] = {who};
        read_members(c, ids, 1);
        nq_key_sp_teams(key, sizeof(key), who);
        nq_call_issued(&c->dc.base, nq_redis_command(redis, on_sp_team, c,
                                                     "ZREVRANGEBYSCORE %s %lld -inf LIMIT 0 1", key,
                                                     (long long)c->at));
    }
    nq_call_release(&c->dc.base);
}
