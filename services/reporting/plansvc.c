/* plansvc.c — plans, scores and simulations. See plansvc.h; the rules are
 * in plans.c. */
#include "plansvc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/log.h"
#include "nq/orghist.h"
#include "nq/period.h"
#include "nq/reply.h"
#include "leaderboard.h"
#include "roster.h"
#include "plans.h"
#include "reporting_app.h"

#define KEY_MAX       192
#define VERSIONS_SCAN 16

/* KEYS[1] the plan versions. ARGV: effective_from ms, the document's members
 * (compact JSON of the object without its braces, server fields removed), now
 * ms. Stores {"version":N,"created_at":T,...} as the next version and returns
 * N. (Built as text: Redis's cjson would turn an empty array into an object.) */
static const char add_version_script[] =
    "local n = redis.call('ZCARD', KEYS[1]) + 1\n"
    "local doc = '{\"version\":' .. n .. ',\"created_at\":' .. ARGV[3]\n"
    "if ARGV[2] ~= '' then doc = doc .. ',' .. ARGV[2] end\n"
    "redis.call('ZADD', KEYS[1], ARGV[1], doc .. '}')\n"
    "return n\n";

/* The members of a document to store: compact JSON of the object without its
 * braces, without the fields the server sets. Caller frees; NULL on OOM. */
static char *stored_members(const char *document)
{
    json_t *doc = json_loads(document, JSON_REJECT_DUPLICATES, NULL);
    json_object_del(doc, "version");
    json_object_del(doc, "created_at");
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(doc);
    if (text) { /* "{...}" -> "..." */
        size_t len = strlen(text);
        memmove(text, text + 1, len - 2);
        text[len - 2] = '\0';
    }
    return text;
}

/* ---- plan kinds ------------------------------------------------------------- */

typedef enum { PLAN_SCORECARD, PLAN_COMMISSION, PLAN_KINDS } plan_kind_t;

/* A parsed plan of either kind. */
typedef struct plan {
    bool present;                 /* a version applies */
    int version;                  /* its number, 0 for a draft */
    scorecard_t scorecard;        /* PLAN_SCORECARD */
    commission_plan_t commission; /* PLAN_COMMISSION */
} plan_t;

static int parse_scorecard(const json_t *doc, plan_t *p, nq_field_errors_t *errs, int64_t *from)
{
    int rc = scorecard_parse(doc, &p->scorecard, errs);
    *from = p->scorecard.effective_from;
    return rc;
}

static int parse_commission(const json_t *doc, plan_t *p, nq_field_errors_t *errs, int64_t *from)
{
    int rc = commission_parse(doc, &p->commission, errs);
    *from = p->commission.effective_from;
    return rc;
}

static const struct {
    const char *name; /* "scorecard" */
    int (*parse)(const json_t *doc, plan_t *p, nq_field_errors_t *errs, int64_t *from);
} kinds[PLAN_KINDS] = {
    [PLAN_SCORECARD] = {"scorecard", parse_scorecard},
    [PLAN_COMMISSION] = {"commission", parse_commission},
};

static int kind_find(const char *name)
{
    for (int k = 0; name && k < PLAN_KINDS; k++) {
        if (strcmp(kinds[k].name, name) == 0)
            return k;
    }
    return -1;
}

/* Parse JSON text as plan `k`. Returns 0, or -1 with errs filled. */
static int plan_from_text(plan_kind_t k, const char *text, plan_t *p, nq_field_errors_t *errs)
{
    memset(p, 0, sizeof(*p));
    json_error_t jerr;
    json_t *doc = text ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    int64_t from;
    int rc = -1;
    if (!doc)
        nq_field_errors_add(errs, kinds[k].name, "is not valid JSON");
    else if ((rc = kinds[k].parse(doc, p, errs, &from)) == 0) {
        p->present = true;
        p->version = (int)json_integer_value(json_object_get(doc, "version"));
    }
    json_decref(doc);
    return rc;
}

/* The version in force from ZREVRANGEBYSCORE ... WITHSCORES (latest date
 * first): the highest version among those of the latest date. */
static void plan_in_force(const redisReply *reply, plan_kind_t k, plan_t *out)
{
    plan_t best = {0};
    const char *top = NULL;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        const char *score = reply->element[i + 1]->str;
        if (top && strcmp(score, top) != 0)
            break;
        top = score;
        plan_t p;
        nq_field_errors_t ignore = {0};
        if (plan_from_text(k, reply->element[i]->str, &p, &ignore) == 0 && p.version > best.version)
            best = p;
    }
    *out = best;
}

/* ---- a reply that is a JSON document ---------------------------------------- */

typedef struct doc_call {
    nq_call_t base;   /* must be first */
    reporting_t *app; /* the service */
    json_t *doc;      /* the answer, when OK */
} doc_call_t;

void document_send(reporting_t *app, nq_call_t *base, const json_t *doc)
{
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    char *text = ok && doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    if (ok && !text)
        nq_call_fail(base, NQ__STATUS__STATUS_UNAVAILABLE, "could not build the answer");
    if (app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status,
                             base->status == NQ__STATUS__STATUS_OK ? NULL : base->detail,
                             &base->errs);
        Nq__DocumentReply reply = NQ__DOCUMENT_REPLY__INIT;
        reply.header = &h.pb;
        reply.document = text;
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    }
    free(text);
}

static void doc_answer(nq_call_t *base)
{
    doc_call_t *c = (doc_call_t *)base;
    document_send(c->app, base, c->doc);
    c->app->inflight--;
    nq_call_cleanup(base);
    json_decref(c->doc);
    free(c);
}

/* Allocate a call of `size` bytes starting with doc_call_t, or NULL. */
static void *doc_call_new(size_t size, reporting_t *app, const nq_bus_envelope_t *env,
                          const char *correlation_id, nq_call_answer_fn answer)
{
    doc_call_t *c = calloc(1, size);
    if (!c || nq_call_init(&c->base, env, correlation_id, answer) != 0) {
        free(c);
        nq_log_error("plan_request", "cannot serve %s: out of memory", env->type);
        return NULL;
    }
    c->app = app;
    app->inflight++;
    if (app->inflight > REPORTING_MAX_INFLIGHT)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "busy: too many requests");
    return c;
}

static void fail_invalid(nq_call_t *c, const char *what)
{
    if (c->errs.n)
        nq_call_fail(c, NQ__STATUS__STATUS_INVALID, "invalid %s: %s %s", what,
                     c->errs.items[0].field, c->errs.items[0].reason);
}

/* ---- plan.put.v1 / plan.get.v1 ---------------------------------------------- */

static void on_version_added(nq_redis_t *r, redisReply *reply, void *data)
{
    doc_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER))
        json_object_set_new(c->doc, "version", json_integer(reply->integer));
    nq_call_release(&c->base);
}

static void on_versions(nq_redis_t *r, redisReply *reply, void *data)
{
    doc_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        json_t *versions = json_array();
        for (size_t i = 0; i < reply->elements; i++) {
            json_t *v = json_loads(reply->element[i]->str, 0, NULL);
            if (v)
                json_array_append_new(versions, v);
        }
        json_object_set_new(c->doc, "versions", versions);
    }
    nq_call_release(&c->base);
}

void plansvc_on_plan(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app)
{
    const Nq__PlanRequest *req = (const Nq__PlanRequest *)msg;
    doc_call_t *c = doc_call_new(sizeof(*c), app, env, req->correlation_id, doc_answer);
    if (!c)
        return;
    bool put = env->msg == NQ_MSG(PLAN_PUT);
    int k = kind_find(req->kind);
    nq_field_errors_t *errs = &c->base.errs;
    if (!nq_valid_id(req->team_id))
        nq_field_errors_add(errs, "team_id", NQ_ID_RULE);
    if (k < 0)
        nq_field_errors_add(errs, "kind", "must be scorecard or commission");
    plan_t plan;
    if (put && k >= 0 && (!req->document || strlen(req->document) > PLANSVC_DOC_MAX))
        nq_field_errors_add(errs, "(body)", "a plan document of at most 64 KiB is required");
    else if (put && k >= 0)
        plan_from_text((plan_kind_t)k, req->document, &plan, errs);
    fail_invalid(&c->base, "plan");
    char key[KEY_MAX];
    if (c->base.status == NQ__STATUS__STATUS_OK &&
        nq_key_plans(key, sizeof(key), req->team_id, kinds[k].name) >= 0) {
        nq_redis_t *redis = c->app->svc->redis;
        c->doc = json_pack("{s:s, s:s}", "team_id", req->team_id, "kind", kinds[k].name);
        if (put) {
            int64_t from = k == PLAN_SCORECARD ? plan.scorecard.effective_from
                                               : plan.commission.effective_from;
            char *members = stored_members(req->document);
            nq_call_issued(&c->base,
                           members ? nq_redis_command(redis, on_version_added, c,
                                                      "EVAL %s 1 %s %lld %s %lld",
                                                      add_version_script, key, (long long)from,
                                                      members, (long long)nq_now_ms())
                                   : -1);
            free(members);
        } else {
            nq_call_issued(&c->base,
                           nq_redis_command(redis, on_versions, c, "ZRANGE %s 0 -1", key));
        }
    }
    nq_call_release(&c->base);
}

/* ---- score.v1 / simulate.v1 -------------------------------------------------- */

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

static json_t *member_json(score_call_t *c, const member_t *m)
{
    json_t *row = json_pack("{s:s}", "salesperson_id", m->id);
    for (int k = 0; k < PLAN_KINDS; k++) {
        double live_v, draft_v;
        json_t *live = plan_result(&c->live[k], (plan_kind_t)k, &m->in, &live_v);
        if (!c->simulate) {
            json_object_set_new(row, kinds[k].name, live);
            continue;
        }
        json_t *draft = plan_result(&c->draft[k], (plan_kind_t)k, &m->in, &draft_v);
        json_object_set_new(row, kinds[k].name,
                            json_pack("{s:o, s:o}", "live", live, "draft", draft));
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
    doc_answer(base);
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

static void on_member_targets(nq_redis_t *r, redisReply *reply, void *data)
{
    member_t *m = data;
    if (nq_call_reply_ok(&m->call->dc.base, reply, REDIS_REPLY_ARRAY))
        nq_targets_from_reply(reply, m->in.target, m->in.has_target);
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
    for (size_t i = 0; i < n; i++) {
        member_t *m = &c->members[i];
        m->call = c;
        snprintf(m->id, sizeof(m->id), "%s", ids[i]);
        char key[KEY_MAX];
        nq_key_target(key, sizeof(key), NQ_SUBJECT_SALESPERSON, m->id, &c->period);
        nq_call_issued(&c->dc.base, nq_kpi_fetch(redis, m->id, &c->period, on_member_values, m));
        nq_call_issued(&c->dc.base,
                       nq_redis_command(redis, on_member_targets, m, "HGETALL %s", key));
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
        char key[KEY_MAX];
        live_read_t *rd = malloc(sizeof(*rd));
        if (!rd || nq_key_plans(key, sizeof(key), c->team_id, kinds[k].name) < 0) {
            free(rd);
            nq_call_fail(&c->dc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
            return;
        }
        *rd = (live_read_t){c, (plan_kind_t)k};
        int rc = nq_redis_command(c->dc.app->svc->redis, on_live_plan, rd,
                                  "ZREVRANGEBYSCORE %s %lld -inf WITHSCORES LIMIT 0 %d", key,
                                  (long long)c->period.start_ms, VERSIONS_SCAN);
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
        if (texts[k] && strlen(texts[k]) > PLANSVC_DOC_MAX)
            nq_field_errors_add(&c->dc.base.errs, kinds[k].name, "is over 64 KiB");
        else if (texts[k])
            plan_from_text((plan_kind_t)k, texts[k], &c->draft[k], &c->dc.base.errs);
    }
}

void plansvc_on_score(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
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
    fail_invalid(&c->dc.base, c->simulate ? "simulation" : "score request");
    c->dc.doc = json_object();
    nq_redis_t *redis = c->dc.app->svc->redis;
    char key[KEY_MAX];
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

/* ---- score.board.v1: a leaderboard by score ---------------------------------- */

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
    board_send(c->app, base, c->entries, c->n, &c->period, "score");
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

static void on_sboard_targets(nq_redis_t *r, redisReply *reply, void *data)
{
    sboard_member_t *m = data;
    if (nq_call_reply_ok(&m->call->base, reply, REDIS_REPLY_ARRAY))
        nq_targets_from_reply(reply, m->in.target, m->in.has_target);
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
    for (size_t i = 0; i < n; i++) {
        const char *id = people[i]->id,
                   *team = nq_orghist_at(&people[i]->teams, c->day.start_ms, "");
        sboard_member_t *m = &c->members[i];
        m->call = c;
        m->entry = &c->entries[i];
        c->day_reads[i] = (sboard_member_t){.call = c, .which = 1};
        snprintf(m->entry->id, sizeof(m->entry->id), "%s", id);
        char key[KEY_MAX];
        nq_call_issued(&c->base, nq_kpi_fetch(redis, id, &c->period, on_sboard_kpis, m));
        nq_call_issued(&c->base,
                       nq_kpi_fetch(redis, id, &c->day, on_sboard_kpis, &c->day_reads[i]));
        nq_key_target(key, sizeof(key), NQ_SUBJECT_SALESPERSON, id, &c->period);
        nq_call_issued(&c->base, nq_redis_command(redis, on_sboard_targets, m, "HGETALL %s", key));
        nq_call_issued(&c->base, nq_redis_command(redis, on_sboard_name, m, "HGET %s %s",
                                                  NQ_KEY_SALESPEOPLE_NAMES, id));
        if (nq_valid_id(team) &&
            nq_key_plans(key, sizeof(key), team, kinds[PLAN_SCORECARD].name) >= 0)
            nq_call_issued(&c->base,
                           nq_redis_command(redis, on_sboard_plan, m,
                                            "ZREVRANGEBYSCORE %s %lld -inf WITHSCORES LIMIT 0 %d",
                                            key, (long long)c->period.start_ms, VERSIONS_SCAN));
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

void plansvc_on_score_board(nq_zsock_t *sock, const nq_bus_envelope_t *env,
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
    fail_invalid(&c->base, "score board");
    if (c->base.status == NQ__STATUS__STATUS_OK && !(c->roster = roster_new()))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    if (c->base.status == NQ__STATUS__STATUS_OK) {
        snprintf(c->team_id, sizeof(c->team_id), "%s", team ? req->id : "");
        roster_read(c->app->svc->redis, &c->base, team ? NQ_SUBJECT_TEAM : NQ_SUBJECT_COMPANY,
                    c->team_id, false, c->roster, on_sboard_roster, c);
    }
    nq_call_release(&c->base);
}
