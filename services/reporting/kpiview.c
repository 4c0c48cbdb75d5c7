/* kpiview.c — targets and KPI overviews. See kpiview.h; the figures are
 * computed in overview.c. */
#include "kpiview.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/reply.h"
#include "overview.h"
#include "reporting_app.h"

#define KEY_MAX 192

/* Whose figures: the subject and its id ("" for the company). */
typedef struct subject_ref {
    nq_subject_t subject;
    char id[NQ_ID_MAX + 1];
} subject_ref_t;

static const char *const subject_names[] = {
    [NQ_SUBJECT_SALESPERSON] = "salesperson",
    [NQ_SUBJECT_TEAM] = "team",
    [NQ_SUBJECT_COMPANY] = "company",
};

/* Check subject and id into `out`; problems go to errs. */
static void check_subject(bool has, Nq__Subject subject, const char *id, subject_ref_t *out,
                          nq_field_errors_t *errs)
{
    out->subject = has ? (nq_subject_t)subject : NQ_SUBJECT_SALESPERSON;
    if ((unsigned)out->subject > NQ_SUBJECT_COMPANY) {
        nq_field_errors_add(errs, "subject", "must be salesperson, team or company");
        return;
    }
    if (out->subject == NQ_SUBJECT_COMPANY) {
        out->id[0] = '\0';
        return;
    }
    if (!nq_valid_id(id))
        nq_field_errors_add(errs, "id", NQ_ID_RULE);
    else
        snprintf(out->id, sizeof(out->id), "%s", id);
}

static bool busy(reporting_t *app, nq_call_t *c)
{
    if (app->inflight <= REPORTING_MAX_INFLIGHT)
        return false;
    nq_call_fail(c, NQ__STATUS__STATUS_UNAVAILABLE, "busy: %d requests waiting for redis",
                 REPORTING_MAX_INFLIGHT);
    return true;
}

/* ---- targets ------------------------------------------------------------ */

/* KEYS[1] the target hash; ARGV: field, value, ... Replaces the hash. */
static const char replace_script[] =
    "redis.call('DEL', KEYS[1])\n"
    "if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end\n"
    "return 1\n";

typedef struct target_call {
    nq_call_t base;                              /* must be first */
    reporting_t *app;                            /* the service */
    Nq__MetricValue values[NQ_METRIC_COUNT];     /* the targets to answer with */
    Nq__MetricValue *ptrs[NQ_METRIC_COUNT];      /* reply.values */
    size_t n;                                    /* values used */
    int64_t updated_at;                          /* when they were set, 0 if never */
} target_call_t;

static void target_answer(nq_call_t *base)
{
    target_call_t *c = (target_call_t *)base;
    if (c->app->sock) {
        nq_reply_header_t h;
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__TargetReply reply = NQ__TARGET_REPLY__INIT;
        reply.header = &h.pb;
        reply.values = ok ? c->ptrs : NULL;
        reply.n_values = ok ? c->n : 0;
        reply.has_updated_at = ok && c->updated_at;
        reply.updated_at = c->updated_at;
        nq_zsock_reply(c->app->sock, &base->env, base->env.type, &reply.base);
    }
    c->app->inflight--;
    nq_call_cleanup(base);
    free(c);
}

static void target_add(target_call_t *c, nq_metric_id_t m, double value)
{
    Nq__MetricValue *v = &c->values[c->n];
    nq__metric_value__init(v);
    v->metric = (char *)nq_metric_defs[m].name;
    v->has_value = 1;
    v->value = value;
    c->ptrs[c->n++] = v;
}

static void on_targets_read(nq_redis_t *r, redisReply *reply, void *data)
{
    target_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        for (size_t i = 0; i + 1 < reply->elements; i += 2) {
            const char *field = reply->element[i]->str, *value = reply->element[i + 1]->str;
            int m = nq_metric_find(field);
            if (m >= 0 && c->n < NQ_METRIC_COUNT)
                target_add(c, (nq_metric_id_t)m, strtod(value, NULL));
            else if (strcmp(field, "_updated_at") == 0)
                c->updated_at = strtoll(value, NULL, 10);
        }
    }
    nq_call_release(&c->base);
}

static void on_targets_written(nq_redis_t *r, redisReply *reply, void *data)
{
    target_call_t *c = data;
    nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->base);
}

/* Check the values of a put into the call; problems go to errs. */
static void check_values(target_call_t *c, const Nq__TargetRequest *req)
{
    bool seen[NQ_METRIC_COUNT] = {false};
    for (size_t i = 0; i < req->n_values; i++) {
        const Nq__MetricValue *v = req->values[i];
        int m = nq_metric_find(v->metric);
        const char *name = v->metric ? v->metric : "(metric)";
        if (m < 0)
            nq_field_errors_add(&c->base.errs, name, "unknown metric");
        else if (seen[m])
            nq_field_errors_add(&c->base.errs, name, "given twice");
        else if (!v->has_value || !isfinite(v->value) || v->value < 0)
            nq_field_errors_add(&c->base.errs, name, "must be a number >= 0");
        else {
            seen[m] = true;
            target_add(c, (nq_metric_id_t)m, v->value);
        }
    }
}

static void write_targets(target_call_t *c, const char *key)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "EVAL");
    nq_redis_args_adds(&a, replace_script);
    nq_redis_args_adds(&a, "1");
    nq_redis_args_adds(&a, key);
    c->updated_at = nq_now_ms();
    for (size_t i = 0; i < c->n; i++) {
        nq_redis_args_adds(&a, c->values[i].metric);
        nq_redis_args_addf(&a, "%.17g", c->values[i].value);
    }
    nq_redis_args_adds(&a, "_updated_at");
    nq_redis_args_addf(&a, "%lld", (long long)c->updated_at);
    nq_call_issued(&c->base, nq_redis_command_args(c->app->svc->redis, on_targets_written, c, &a));
    nq_redis_args_free(&a);
}

void kpiview_on_target(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                       const ProtobufCMessage *msg, void *data)
{
    reporting_t *app = data;
    const Nq__TargetRequest *req = (const Nq__TargetRequest *)msg;
    target_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, target_answer) != 0) {
        free(c);
        nq_log_error("target_request", "cannot serve %s: out of memory", env->type);
        return;
    }
    c->app = app;
    app->inflight++;
    bool put = strcmp(env->type, "target.put.v1") == 0;
    subject_ref_t who;
    nq_period_kind_t kind = NQ_PERIOD_MONTH;
    nq_period_t period;
    char key[KEY_MAX];
    check_subject(req->has_subject, req->subject, req->id, &who, &c->base.errs);
    if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(&c->base.errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_from_key(kind, req->period_key, &period) != 0)
        nq_field_errors_add(&c->base.errs, "key", "is not a %s key (like 2026-11, 2026-W48)",
                            nq_period_kind_name(kind));
    if (put)
        check_values(c, req);
    if (c->base.errs.n)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid targets: %s %s",
                     c->base.errs.items[0].field, c->base.errs.items[0].reason);
    else if (!busy(app, &c->base) &&
             nq_key_target(key, sizeof(key), who.subject, who.id, &period) >= 0) {
        if (put)
            write_targets(c, key);
        else
            nq_call_issued(&c->base, nq_redis_command(app->svc->redis, on_targets_read, c,
                                                      "HGETALL %s", key));
    }
    nq_call_release(&c->base);
}

/* ---- overviews ------------------------------------------------------------- */

enum { CUR, PREV, LAST_YEAR, N_PERIODS };

struct overview_call;

/* One member's counters for one of the three periods. */
typedef struct member_read {
    struct overview_call *call; /* owner */
    int which;                  /* CUR, PREV or LAST_YEAR */
} member_read_t;

typedef struct overview_call {
    nq_call_t base;                  /* must be first */
    reporting_t *app;                /* the service */
    subject_ref_t who;               /* whose */
    nq_period_t periods[N_PERIODS];  /* the period, the one before, last year's */
    overview_input_t in;             /* summed counters and targets */
    char *name;                      /* display name, or NULL */
    int members;                     /* salespeople summed */
    member_read_t *reads;            /* 3 per member */
} overview_call_t;

static nq_kpi_values_t *slot_of(overview_call_t *c, int which)
{
    nq_kpi_values_t *slots[N_PERIODS] = {&c->in.current, &c->in.previous, &c->in.last_year};
    return slots[which];
}

static void overview_answer(nq_call_t *base)
{
    overview_call_t *c = (overview_call_t *)base;
    if (c->app->sock) {
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__Overview reply = NQ__OVERVIEW__INIT;
        Nq__PeriodRef period = NQ__PERIOD_REF__INIT;
        overview_rows_t rows;
        reply.header = &h.pb;
        if (ok) {
            const nq_period_t *p = &c->periods[CUR];
            nq_workdays(&c->app->cal, p, nq_now_ms(), &c->in.workdays_total,
                        &c->in.workdays_elapsed);
            overview_compute(&c->in, &rows);
            period.kind = (char *)nq_period_kind_name(p->kind);
            period.key = (char *)p->key;
            period.has_start = period.has_end = 1;
            period.start = p->start_ms;
            period.end = p->end_ms;
            reply.period = &period;
            reply.rows = rows.ptrs;
            reply.n_rows = NQ_METRIC_COUNT;
            reply.has_workdays_total = reply.has_workdays_elapsed = reply.has_members = 1;
            reply.workdays_total = c->in.workdays_total;
            reply.workdays_elapsed = c->in.workdays_elapsed;
            reply.members = c->members;
            reply.name = c->name;
        }
        nq_zsock_reply(c->app->sock, &base->env, base->env.type, &reply.base);
    }
    c->app->inflight--;
    nq_call_cleanup(base);
    free(c->reads);
    free(c->name);
    free(c);
}

static void on_member_kpis(int status, const nq_kpi_values_t *values, void *data)
{
    member_read_t *rd = data;
    if (status != 0)
        nq_call_fail(&rd->call->base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        nq_kpi_add(slot_of(rd->call, rd->which), values);
    nq_call_release(&rd->call->base);
}

/* Read the three periods of every member; each read releases the call. */
static void read_members(overview_call_t *c, const char *const *ids, size_t n)
{
    if (n > KPIVIEW_MAX_MEMBERS) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "more than %d salespeople to sum",
                     KPIVIEW_MAX_MEMBERS);
        return;
    }
    c->reads = calloc(n * N_PERIODS + 1, sizeof(*c->reads));
    if (!c->reads) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    c->members = (int)n;
    for (size_t i = 0; i < n; i++) {
        for (int w = 0; w < N_PERIODS; w++) {
            member_read_t *rd = &c->reads[i * N_PERIODS + (size_t)w];
            *rd = (member_read_t){c, w};
            nq_call_issued(&c->base, nq_kpi_fetch(c->app->svc->redis, ids[i], &c->periods[w],
                                                  on_member_kpis, rd));
        }
    }
}

static void set_name(overview_call_t *c, const redisReply *r)
{
    if (r && r->type == REDIS_REPLY_STRING && !c->name)
        c->name = strdup(r->str);
}

/* A team: HMGET name members -> its members' reads. */
static void on_team(nq_redis_t *r, redisReply *reply, void *data)
{
    overview_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY) && reply->elements == 2) {
        if (reply->element[0]->type != REDIS_REPLY_STRING) {
            nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "team %s not found", c->who.id);
        } else {
            set_name(c, reply->element[0]);
            const char *text = reply->element[1]->type == REDIS_REPLY_STRING
                                   ? reply->element[1]->str
                                   : "[]";
            json_t *members = json_loads(text, 0, NULL);
            size_t n = json_is_array(members) ? json_array_size(members) : 0;
            const char **ids = calloc(n + 1, sizeof(*ids));
            size_t k = 0;
            for (size_t i = 0; ids && i < n; i++) {
                const char *id = json_string_value(json_array_get(members, i));
                if (nq_valid_id(id))
                    ids[k++] = id;
            }
            read_members(c, ids, k);
            free(ids);
            json_decref(members);
        }
    }
    nq_call_release(&c->base);
}

/* The company: every salesperson in the directory. */
static void on_company(nq_redis_t *r, redisReply *reply, void *data)
{
    overview_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        const char **ids = calloc(reply->elements + 1, sizeof(*ids));
        size_t k = 0;
        for (size_t i = 0; ids && i < reply->elements; i++) {
            if (reply->element[i]->type == REDIS_REPLY_STRING)
                ids[k++] = reply->element[i]->str;
        }
        read_members(c, ids, k);
        free(ids);
    }
    nq_call_release(&c->base);
}

static void on_sp_name(nq_redis_t *r, redisReply *reply, void *data)
{
    overview_call_t *c = data;
    set_name(c, reply);
    nq_call_release(&c->base);
}

static void on_overview_targets(nq_redis_t *r, redisReply *reply, void *data)
{
    overview_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        for (size_t i = 0; i + 1 < reply->elements; i += 2) {
            int m = nq_metric_find(reply->element[i]->str);
            if (m >= 0) {
                c->in.has_target[m] = true;
                c->in.target[m] = strtod(reply->element[i + 1]->str, NULL);
            }
        }
    }
    nq_call_release(&c->base);
}

/* Resolve the subject's members (and name), and read its targets. */
static void start_overview(overview_call_t *c)
{
    nq_redis_t *redis = c->app->svc->redis;
    char key[KEY_MAX];
    switch (c->who.subject) {
    case NQ_SUBJECT_SALESPERSON: {
        const char *ids[] = {c->who.id};
        read_members(c, ids, 1);
        nq_key_salesperson(key, sizeof(key), c->who.id);
        nq_call_issued(&c->base, nq_redis_command(redis, on_sp_name, c, "HGET %s name", key));
        break;
    }
    case NQ_SUBJECT_TEAM:
        nq_key_team(key, sizeof(key), c->who.id);
        nq_call_issued(&c->base,
                       nq_redis_command(redis, on_team, c, "HMGET %s name members", key));
        break;
    default:
        nq_call_issued(&c->base,
                       nq_redis_command(redis, on_company, c, "SMEMBERS %s", NQ_KEY_SALESPEOPLE));
        break;
    }
    nq_key_target(key, sizeof(key), c->who.subject, c->who.id, &c->periods[CUR]);
    nq_call_issued(&c->base,
                   nq_redis_command(redis, on_overview_targets, c, "HGETALL %s", key));
}

void kpiview_on_overview(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                         const ProtobufCMessage *msg, void *data)
{
    reporting_t *app = data;
    const Nq__OverviewRequest *req = (const Nq__OverviewRequest *)msg;
    overview_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, overview_answer) != 0) {
        free(c);
        nq_log_error("overview_request", "cannot serve %s: out of memory", env->type);
        return;
    }
    c->app = app;
    app->inflight++;
    nq_period_kind_t kind = NQ_PERIOD_MONTH;
    check_subject(req->has_subject, req->subject, req->id, &c->who, &c->base.errs);
    if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(&c->base.errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_of(kind, req->has_at ? req->at : nq_now_ms(), &c->periods[CUR]) != 0 ||
             nq_period_prev(&c->periods[CUR], &c->periods[PREV]) != 0 ||
             nq_period_last_year(&c->periods[CUR], &c->periods[LAST_YEAR]) != 0)
        nq_field_errors_add(&c->base.errs, "at", "is outside the calendar");
    if (c->base.errs.n)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "invalid overview request: %s %s",
                     c->base.errs.items[0].field, c->base.errs.items[0].reason);
    else if (!busy(app, &c->base))
        start_overview(c);
    nq_log_debug("overview", "%s %s", subject_names[c->who.subject], c->who.id);
    nq_call_release(&c->base);
}
