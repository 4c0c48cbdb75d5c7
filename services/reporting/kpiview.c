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
#include "leaderboard.h"
#include "roster.h"
#include "overview.h"
#include "split.h"
#include "reporting_app.h"

#define KEY_MAX 192

/* Whose figures: the subject and its id ("" for the company). */
typedef struct subject_ref {
    nq_subject_t subject;
    char id[NQ_ID_MAX + 1];
} subject_ref_t;

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
    nq_call_t base;                          /* must be first */
    reporting_t *app;                        /* the service */
    Nq__MetricValue values[NQ_METRIC_COUNT]; /* the targets to answer with */
    Nq__MetricValue *ptrs[NQ_METRIC_COUNT];  /* reply.values */
    size_t n;                                /* values used */
    int64_t updated_at;                      /* when they were set, 0 if never */
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

void kpiview_on_target(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *data)
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
    bool put = env->msg == NQ_MSG(TARGET_PUT);
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
            nq_call_issued(
                &c->base, nq_redis_command(app->svc->redis, on_targets_read, c, "HGETALL %s", key));
    }
    nq_call_release(&c->base);
}

/* ---- subjects: who is summed or ranked ------------------------------------ */

typedef struct subject_call subject_call_t;

/* Called once the subject's roster is read: the team's or the company's
 * (roster.h), or for one salesperson a roster of that one person. */
typedef void (*members_fn)(subject_call_t *c, roster_t *ro);

struct subject_call {
    nq_call_t base;        /* must be first */
    reporting_t *app;      /* the service */
    subject_ref_t who;     /* whose */
    char *name;            /* display name, or NULL */
    roster_t *roster;      /* whose figures */
    bool with_unknown;     /* the company's roster includes ids seen only in events */
    members_fn on_members; /* what to do with them */
};

/* A call of `size` bytes that starts with a subject_call_t, counted as in
 * flight; NULL (logged) when out of memory. */
static void *subject_call_new(size_t size, reporting_t *app, const nq_bus_envelope_t *env,
                              const char *correlation_id, nq_call_answer_fn answer,
                              members_fn on_members)
{
    subject_call_t *c = calloc(1, size);
    if (!c || !(c->roster = roster_new()) ||
        nq_call_init(&c->base, env, correlation_id, answer) != 0) {
        if (c)
            free(c->roster);
        free(c);
        nq_log_error("kpiview_request", "cannot serve %s: out of memory", env->type);
        return NULL;
    }
    c->app = app;
    c->on_members = on_members;
    app->inflight++;
    return c;
}

static void subject_cleanup(subject_call_t *c)
{
    c->app->inflight--;
    nq_call_cleanup(&c->base);
    free(c->name);
    roster_free(&c->roster);
}

static void on_roster(roster_t *ro, void *data)
{
    subject_call_t *c = data;
    if (ro->name && !c->name)
        c->name = strdup(ro->name);
    c->on_members(c, ro);
}

static void on_sp_name(nq_redis_t *r, redisReply *reply, void *data)
{
    subject_call_t *c = data;
    if (reply && reply->type == REDIS_REPLY_STRING && !c->name)
        c->name = strdup(reply->str);
    nq_call_release(&c->base);
}

/* Find the subject's salespeople (and name); on_members runs with them. */
static void resolve_members(subject_call_t *c)
{
    nq_redis_t *redis = c->app->svc->redis;
    char key[KEY_MAX];
    if (c->who.subject != NQ_SUBJECT_SALESPERSON) {
        roster_read(redis, &c->base, c->who.subject, c->who.id, c->with_unknown, c->roster,
                    on_roster, c);
        return;
    }
    if (roster_add(c->roster, c->who.id, true) != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    c->on_members(c, c->roster);
    nq_key_salesperson(key, sizeof(key), c->who.id);
    nq_call_issued(&c->base, nq_redis_command(redis, on_sp_name, c, "HGET %s name", key));
}

/* The team whose roster lists people (NULL for the company). */
static const char *listed_team(const subject_call_t *c)
{
    return c->who.subject == NQ_SUBJECT_TEAM ? c->who.id : NULL;
}

/* Check kind and `at` into the period containing it; problems go to errs. */
static void check_period(const char *kind_name, bool has_at, int64_t at, nq_period_t *out,
                         nq_field_errors_t *errs)
{
    nq_period_kind_t kind;
    if (nq_period_kind_parse(kind_name, &kind) != 0)
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_of(kind, has_at ? at : nq_now_ms(), out) != 0)
        nq_field_errors_add(errs, "at", "is outside the calendar");
}

/* ---- overviews ------------------------------------------------------------- */

/* The figures read: the three periods, and the company's unassigned part
 * of the current one. */
enum { CUR, PREV, LAST_YEAR, N_PERIODS, UNASSIGNED = N_PERIODS, N_SLOTS };

struct overview_call;

/* One member's counters for one slot. */
typedef struct member_read {
    struct overview_call *call; /* owner */
    int which;                  /* a slot: CUR, PREV, LAST_YEAR or UNASSIGNED */
} member_read_t;

typedef struct overview_call {
    subject_call_t sc;              /* must be first */
    nq_period_t periods[N_PERIODS]; /* the period, the one before, last year's */
    int64_t at;                     /* the reference instant: whom the member count lists */
    overview_input_t in;            /* summed counters and targets */
    nq_kpi_values_t unassigned;     /* company: the current period's figures without a team */
    int members;                    /* salespeople listed (roster.h) */
    int unassigned_people;          /* company: salespeople with figures in `unassigned` */
    member_read_t *reads;           /* N_SLOTS per member */
} overview_call_t;

static nq_kpi_values_t *slot_of(overview_call_t *c, int which)
{
    nq_kpi_values_t *slots[N_SLOTS] = {&c->in.current, &c->in.previous, &c->in.last_year,
                                       &c->unassigned};
    return slots[which];
}

static void overview_answer(nq_call_t *base)
{
    overview_call_t *c = (overview_call_t *)base;
    reporting_t *app = c->sc.app;
    if (app->sock) {
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__Overview reply = NQ__OVERVIEW__INIT;
        Nq__PeriodRef period = NQ__PERIOD_REF__INIT;
        Nq__KpiValues unassigned = NQ__KPI_VALUES__INIT;
        overview_rows_t rows;
        reply.header = &h.pb;
        if (ok) {
            const nq_period_t *p = &c->periods[CUR];
            nq_workdays(&app->cal, p, nq_now_ms(), &c->in.workdays_total, &c->in.workdays_elapsed);
            overview_compute(&c->in, &rows);
            nq_period_to_proto(p, &period);
            reply.period = &period;
            reply.rows = rows.ptrs;
            reply.n_rows = NQ_METRIC_COUNT;
            reply.has_workdays_total = reply.has_workdays_elapsed = reply.has_members = 1;
            reply.workdays_total = c->in.workdays_total;
            reply.workdays_elapsed = c->in.workdays_elapsed;
            reply.members = c->members;
            reply.name = c->sc.name;
            if (c->sc.who.subject == NQ_SUBJECT_COMPANY) {
                nq_kpi_to_proto(&c->unassigned, &unassigned);
                reply.unassigned = &unassigned;
                reply.has_unassigned_salespeople = 1;
                reply.unassigned_salespeople = c->unassigned_people;
            }
        }
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    }
    subject_cleanup(&c->sc);
    free(c->reads);
    free(c);
}

static void on_member_kpis(int status, const nq_kpi_values_t *values, void *data)
{
    member_read_t *rd = data;
    if (status != 0)
        nq_call_fail(&rd->call->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        nq_kpi_add(slot_of(rd->call, rd->which), values);
    nq_call_release(&rd->call->sc.base);
}

/* Read p's figures of [period] that go to `team` ("": the unassigned part)
 * into slot `which`: one whole-period read in the common case, the days of
 * their spans otherwise, nothing when none. Returns whether any. */
static bool read_share(overview_call_t *c, const roster_person_t *p, const char *team,
                       const nq_period_t *period, int which, member_read_t *rd, nq_span_t *spans)
{
    nq_redis_t *redis = c->sc.app->svc->redis;
    size_t n = roster_spans(p, team, period->start_ms, period->end_ms, spans);
    *rd = (member_read_t){c, which};
    if (n == 0)
        return false;
    nq_call_issued(&c->sc.base,
                   roster_whole(spans, n, period->start_ms, period->end_ms)
                       ? nq_kpi_fetch(redis, p->id, period, on_member_kpis, rd)
                       : nq_kpi_fetch_spans(redis, p->id, spans, n, on_member_kpis, rd));
    return true;
}

/* Read the figures of every member (each read releases the call): a
 * salesperson's own; a team's over the days each member was in it; the
 * company's everyone's, and the current period's days without a team apart. */
static void read_members(subject_call_t *sc, roster_t *ro)
{
    overview_call_t *c = (overview_call_t *)sc;
    nq_redis_t *redis = sc->app->svc->redis;
    c->reads = calloc(ro->n * N_SLOTS + 1, sizeof(*c->reads));
    if (!c->reads) {
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t i = 0; i < ro->n && sc->base.status == NQ__STATUS__STATUS_OK; i++) {
        const roster_person_t *p = &ro->people[i];
        member_read_t *rd = &c->reads[i * N_SLOTS];
        nq_span_t *spans = malloc((p->teams.n + 1) * sizeof(*spans));
        if (!spans) {
            nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
            break;
        }
        bool salesperson = sc->who.subject == NQ_SUBJECT_SALESPERSON;
        c->members += salesperson || roster_listed(p, listed_team(sc), c->at);
        for (int w = 0; w < N_PERIODS; w++) {
            rd[w] = (member_read_t){c, w};
            if (sc->who.subject == NQ_SUBJECT_TEAM)
                read_share(c, p, sc->who.id, &c->periods[w], w, &rd[w], spans);
            else
                nq_call_issued(&sc->base,
                               nq_kpi_fetch(redis, p->id, &c->periods[w], on_member_kpis, &rd[w]));
        }
        if (sc->who.subject == NQ_SUBJECT_COMPANY)
            c->unassigned_people +=
                read_share(c, p, "", &c->periods[CUR], UNASSIGNED, &rd[UNASSIGNED], spans);
        free(spans);
    }
}

static void on_overview_targets(nq_redis_t *r, redisReply *reply, void *data)
{
    overview_call_t *c = data;
    if (nq_call_reply_ok(&c->sc.base, reply, REDIS_REPLY_ARRAY))
        nq_targets_from_reply(reply, c->in.target, c->in.has_target);
    nq_call_release(&c->sc.base);
}

/* Resolve the subject's members (and name), and read its targets. */
static void start_overview(overview_call_t *c)
{
    subject_call_t *sc = &c->sc;
    char key[KEY_MAX];
    sc->with_unknown = true;
    resolve_members(sc);
    nq_key_target(key, sizeof(key), sc->who.subject, sc->who.id, &c->periods[CUR]);
    nq_call_issued(&sc->base, nq_redis_command(sc->app->svc->redis, on_overview_targets, c,
                                               "HGETALL %s", key));
}

void kpiview_on_overview(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                         const ProtobufCMessage *msg, void *data)
{
    const Nq__OverviewRequest *req = (const Nq__OverviewRequest *)msg;
    overview_call_t *c =
        subject_call_new(sizeof(*c), data, env, req->correlation_id, overview_answer, read_members);
    if (!c)
        return;
    subject_call_t *sc = &c->sc;
    c->at = req->has_at ? req->at : nq_now_ms();
    check_subject(req->has_subject, req->subject, req->id, &sc->who, &sc->base.errs);
    check_period(req->period_kind, true, c->at, &c->periods[CUR], &sc->base.errs);
    if (!sc->base.errs.n && (nq_period_prev(&c->periods[CUR], &c->periods[PREV]) != 0 ||
                             nq_period_last_year(&c->periods[CUR], &c->periods[LAST_YEAR]) != 0))
        nq_field_errors_add(&sc->base.errs, "at", "is outside the calendar");
    if (sc->base.errs.n)
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_INVALID, "invalid overview request: %s %s",
                     sc->base.errs.items[0].field, sc->base.errs.items[0].reason);
    else if (!busy(sc->app, &sc->base))
        start_overview(c);
    nq_call_release(&sc->base);
}

/* ---- leaderboards ----------------------------------------------------------- */

enum { BOARD_PERIOD, BOARD_DAY, BOARD_READS };

struct board_call;

/* One read of one entry: its period counters or its reference day's. */
typedef struct board_read {
    struct board_call *call; /* owner */
    size_t entry;            /* which entry */
    int which;               /* BOARD_PERIOD or BOARD_DAY */
} board_read_t;

typedef struct board_call {
    subject_call_t sc;      /* must be first */
    nq_period_t period;     /* ranked on */
    nq_period_t day;        /* the reference day: "before" is the period without it */
    nq_metric_id_t metric;  /* ranked by */
    board_entry_t *entries; /* one per salesperson */
    nq_kpi_values_t *now;   /* each one's counters of the period */
    nq_kpi_values_t *today; /* of the reference day */
    board_read_t *reads;    /* BOARD_READS per entry, then one name read each */
    size_t n;               /* entries */
} board_call_t;

void board_send(reporting_t *app, nq_call_t *base, board_entry_t *entries, size_t n,
                const nq_period_t *period, const char *metric)
{
    bool ok = base->status == NQ__STATUS__STATUS_OK;
    Nq__LeaderboardEntry *pb = ok ? calloc(n + 1, sizeof(*pb)) : NULL;
    Nq__LeaderboardEntry **ptrs = ok ? calloc(n + 1, sizeof(*ptrs)) : NULL;
    if (ok && (!pb || !ptrs))
        nq_call_fail(base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    ok = base->status == NQ__STATUS__STATUS_OK;
    if (ok)
        board_rank(entries, n);
    if (app->sock) {
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__Leaderboard reply = NQ__LEADERBOARD__INIT;
        Nq__PeriodRef pref = NQ__PERIOD_REF__INIT;
        reply.header = &h.pb;
        if (ok) {
            board_to_proto(entries, n, pb, ptrs);
            nq_period_to_proto(period, &pref);
            reply.period = &pref;
            reply.metric = (char *)metric;
            reply.entries = ptrs;
            reply.n_entries = n;
        }
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    }
    free(pb);
    free(ptrs);
}

static void board_answer(nq_call_t *base)
{
    board_call_t *c = (board_call_t *)base;
    for (size_t i = 0; base->status == NQ__STATUS__STATUS_OK && i < c->n; i++) {
        nq_kpi_values_t before;
        board_minus_day(&c->now[i], &c->today[i], &before);
        board_set_metric(&c->entries[i], c->metric, &c->now[i], &before);
    }
    board_send(c->sc.app, base, c->entries, c->n, &c->period, nq_metric_defs[c->metric].name);
    subject_cleanup(&c->sc);
    free(c->entries);
    free(c->now);
    free(c->today);
    free(c->reads);
    free(c);
}

static void on_board_kpis(int status, const nq_kpi_values_t *values, void *data)
{
    board_read_t *rd = data;
    board_call_t *c = rd->call;
    if (status != 0)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else if (rd->which == BOARD_PERIOD)
        c->now[rd->entry] = *values;
    else
        c->today[rd->entry] = *values;
    nq_call_release(&c->sc.base);
}

static void on_board_name(nq_redis_t *r, redisReply *reply, void *data)
{
    board_read_t *rd = data;
    board_entry_t *e = &rd->call->entries[rd->entry];
    if (reply && reply->type == REDIS_REPLY_STRING)
        snprintf(e->name, sizeof(e->name), "%s", reply->str);
    nq_call_release(&rd->call->sc.base);
}

/* Every entry's name from the names index; one not in it (written before
 * the index was) is read from its profile. */
static void on_board_names(nq_redis_t *r, redisReply *reply, void *data)
{
    board_call_t *c = data;
    bool whole = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == c->n;
    for (size_t i = 0; i < c->n; i++) {
        const redisReply *v = whole ? reply->element[i] : NULL;
        if (v && v->type == REDIS_REPLY_STRING) {
            snprintf(c->entries[i].name, sizeof(c->entries[i].name), "%s", v->str);
            continue;
        }
        board_read_t *rd = &c->reads[c->n * BOARD_READS + i];
        *rd = (board_read_t){c, i, BOARD_READS};
        char key[KEY_MAX];
        nq_key_salesperson(key, sizeof(key), c->entries[i].id);
        const char *argv[] = {"HGET", key, "name"};
        const size_t lens[] = {4, strlen(key), 4};
        nq_call_issued(&c->sc.base,
                       nq_redis_commandv(c->sc.app->svc->redis, on_board_name, rd, 3, argv, lens));
    }
    nq_call_release(&c->sc.base);
}

/* One HMGET of the names index for the whole board. */
static void read_board_names(board_call_t *c)
{
    const char **argv = calloc(c->n + 2, sizeof(*argv));
    size_t *lens = calloc(c->n + 2, sizeof(*lens));
    if (!argv || !lens) {
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    } else {
        argv[0] = "HMGET";
        argv[1] = NQ_KEY_SALESPEOPLE_NAMES;
        for (size_t i = 0; i < c->n; i++)
            argv[2 + i] = c->entries[i].id;
        for (size_t i = 0; i < c->n + 2; i++)
            lens[i] = strlen(argv[i]);
        nq_call_issued(&c->sc.base, nq_redis_commandv(c->sc.app->svc->redis, on_board_names, c,
                                                      (int)(c->n + 2), argv, lens));
    }
    free(argv);
    free(lens);
}

/* The counters metric m is computed from (hash counters only). */
static size_t metric_counters(nq_metric_id_t m, nq_kpi_id_t out[3])
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        if (d->num[i] != NQ_KPI_NONE)
            out[n++] = (nq_kpi_id_t)d->num[i];
    }
    if (d->den != NQ_KPI_NONE)
        out[n++] = (nq_kpi_id_t)d->den;
    return n;
}

/* Add the values of `counters` in an HMGET reply (nil = 0) to out. Returns 0
 * or -1. */
static int add_hmget(const redisReply *reply, const nq_kpi_id_t *counters, size_t n,
                     nq_kpi_values_t *out)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != n)
        return -1;
    for (size_t k = 0; k < n; k++) {
        const redisReply *v = reply->element[k];
        if (v->type == REDIS_REPLY_STRING)
            out->v[counters[k]] += strtoll(v->str, NULL, 10);
    }
    return 0;
}

/* One HMGET of a KPI hash of an entry's period (one of its parts) or
 * reference day. */
static void on_board_counters(nq_redis_t *r, redisReply *reply, void *data)
{
    board_read_t *rd = data;
    board_call_t *c = rd->call;
    nq_kpi_id_t counters[3];
    size_t nc = metric_counters(c->metric, counters);
    nq_kpi_values_t *out = rd->which == BOARD_PERIOD ? &c->now[rd->entry] : &c->today[rd->entry];
    if (!reply || add_hmget(reply, counters, nc, out) != 0)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "unreadable KPIs");
    nq_call_release(&c->sc.base);
}

/* The whole board as one pipeline of plain commands (boards by metrics that
 * need no key-customer sets): per entry an HMGET of only the metric's
 * counters for each KPI hash of the period (nq_kpi_parts) and for the
 * reference day. */
static void read_board_at_once(board_call_t *c, const char *const *ids, size_t n)
{
    nq_period_t parts[BOARD_READS][NQ_KPI_PARTS_MAX];
    int n_parts[BOARD_READS] = {nq_kpi_parts(&c->period, parts[BOARD_PERIOD]),
                                nq_kpi_parts(&c->day, parts[BOARD_DAY])};
    if (n_parts[BOARD_PERIOD] < 0 || n_parts[BOARD_DAY] < 0) {
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_INVALID, "the period is outside the calendar");
        return;
    }
    nq_kpi_id_t counters[3];
    size_t nc = metric_counters(c->metric, counters);
    const char *argv[2 + 3];
    size_t lens[2 + 3];
    char key[KEY_MAX];
    argv[0] = "HMGET";
    for (size_t k = 0; k < nc; k++)
        argv[2 + k] = nq_kpi_defs[counters[k]].field;
    for (size_t k = 0; k < 2 + nc; k++)
        lens[k] = k == 1 ? 0 : strlen(argv[k]);
    nq_redis_t *redis = c->sc.app->svc->redis;
    for (size_t i = 0; i < n; i++) {
        for (int w = 0; w < BOARD_READS; w++) {
            board_read_t *rd = &c->reads[i * BOARD_READS + (size_t)w];
            *rd = (board_read_t){c, i, w};
            for (int k = 0; k < n_parts[w]; k++) {
                nq_key_kpi(key, sizeof(key), ids[i], &parts[w][k]);
                argv[1] = key;
                lens[1] = strlen(key);
                nq_call_issued(&c->sc.base, nq_redis_commandv(redis, on_board_counters, rd,
                                                              (int)(2 + nc), argv, lens));
            }
        }
    }
}

/* The board's entries: the roster's people listed on the reference day
 * (roster.h), each ranked on their own figures of the period. */
static void read_board(subject_call_t *sc, roster_t *ro)
{
    board_call_t *c = (board_call_t *)sc;
    c->entries = calloc(ro->n + 1, sizeof(*c->entries));
    c->now = calloc(ro->n + 1, sizeof(*c->now));
    c->today = calloc(ro->n + 1, sizeof(*c->today));
    c->reads = calloc(ro->n * (BOARD_READS + 1) + 1, sizeof(*c->reads));
    const char **ids = calloc(ro->n + 1, sizeof(*ids));
    if (!c->entries || !c->now || !c->today || !c->reads || !ids) {
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        free(ids);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < ro->n; i++) {
        if (!roster_listed(&ro->people[i], listed_team(sc), c->day.start_ms))
            continue;
        ids[n] = ro->people[i].id;
        snprintf(c->entries[n].id, sizeof(c->entries[n].id), "%s", ids[n]);
        n++;
    }
    c->n = n;
    if (n)
        read_board_names(c);
    if (n && !nq_metric_needs_sets(c->metric)) {
        read_board_at_once(c, ids, n);
        free(ids);
        return;
    }
    const nq_period_t *periods[BOARD_READS] = {&c->period, &c->day};
    for (size_t i = 0; i < n; i++) {
        for (int w = 0; w < BOARD_READS; w++) {
            board_read_t *rd = &c->reads[i * BOARD_READS + (size_t)w];
            *rd = (board_read_t){c, i, w};
            nq_call_issued(&sc->base, nq_kpi_fetch(sc->app->svc->redis, ids[i], periods[w],
                                                   on_board_kpis, rd));
        }
    }
    free(ids);
}

void kpiview_on_leaderboard(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                            const ProtobufCMessage *msg, void *data)
{
    const Nq__LeaderboardRequest *req = (const Nq__LeaderboardRequest *)msg;
    board_call_t *c =
        subject_call_new(sizeof(*c), data, env, req->correlation_id, board_answer, read_board);
    if (!c)
        return;
    subject_call_t *sc = &c->sc;
    nq_field_errors_t *errs = &sc->base.errs;
    check_subject(req->has_subject, req->subject, req->id, &sc->who, errs);
    if (sc->who.subject == NQ_SUBJECT_SALESPERSON && !errs->n)
        nq_field_errors_add(errs, "scope", "must be a team or the company");
    check_period(req->period_kind, req->has_at, req->at, &c->period, errs);
    int metric = nq_metric_find(req->metric);
    if (metric < 0)
        nq_field_errors_add(errs, "metric", "unknown metric (see docs/metrics.md)");
    c->metric = metric < 0 ? NQ_METRIC_SALES_AMOUNT : (nq_metric_id_t)metric;
    /* The reference day: the day of `at`, kept inside the period. */
    int64_t at = req->has_at ? req->at : nq_now_ms();
    if (!errs->n) {
        at = at < c->period.start_ms  ? c->period.start_ms
             : at >= c->period.end_ms ? c->period.end_ms - 1
                                      : at;
        nq_period_of(NQ_PERIOD_DAY, at, &c->day);
    }
    if (errs->n)
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_INVALID, "invalid leaderboard request: %s %s",
                     errs->items[0].field, errs->items[0].reason);
    else if (!busy(sc->app, &sc->base))
        resolve_members(sc);
    nq_call_release(&sc->base);
}

/* ---- target splits ------------------------------------------------------------ */

struct split_call;

/* A member's previous-period read (last_period splits). */
typedef struct split_read {
    struct split_call *call; /* owner */
    size_t member;           /* which member */
} split_read_t;

typedef struct split_call {
    subject_call_t sc;            /* must be first */
    nq_period_t period;           /* the period split */
    nq_period_t previous;         /* for last_period */
    split_method_t method;        /* how */
    double min_share;             /* least share, fraction of the even share */
    bool confirm;                 /* write the proposal */
    bool written;                 /* the writes are done */
    double team[NQ_METRIC_COUNT]; /* the team's targets */
    bool has_team[NQ_METRIC_COUNT];
    bool team_zero[NQ_METRIC_COUNT]; /* set to 0: no target, not split */
    char (*ids)[NQ_ID_MAX + 1];      /* members */
    double *weights;                 /* given weights, by member */
    nq_kpi_values_t *last;           /* members' previous period */
    split_read_t *reads;             /* their reads */
    size_t n;                        /* members */
    json_t *doc;                     /* the proposal */
    Nq__MetricValue *given;          /* request weights (copied) */
    size_t n_given;
} split_call_t;

static void split_free(split_call_t *c)
{
    subject_cleanup(&c->sc);
    free(c->ids);
    free(c->weights);
    free(c->last);
    free(c->reads);
    for (size_t i = 0; i < c->n_given; i++)
        free(c->given[i].metric);
    free(c->given);
    json_decref(c->doc);
    free(c);
}

static void split_reply(split_call_t *c)
{
    document_send(c->sc.app, &c->sc.base, c->doc);
    split_free(c);
}

/* The weight of member i for the method. */
static double member_weight(const split_call_t *c, size_t i, nq_metric_id_t m)
{
    if (c->method == SPLIT_WEIGHTS)
        return c->weights[i];
    if (c->method == SPLIT_LAST_PERIOD) {
        double v = 0;
        return nq_metric_value(m, &c->last[i], &v) ? v : 0;
    }
    return 1;
}

static void on_split_written(nq_redis_t *r, redisReply *reply, void *data)
{
    split_call_t *c = data;
    nq_call_reply_ok(&c->sc.base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->sc.base);
}

/* Write one member's proposed targets (replacing that period's targets). */
static void write_member(split_call_t *c, size_t i, json_t *targets)
{
    char key[KEY_MAX];
    nq_key_target(key, sizeof(key), NQ_SUBJECT_SALESPERSON, c->ids[i], &c->period);
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "EVAL");
    nq_redis_args_adds(&a, replace_script);
    nq_redis_args_adds(&a, "1");
    nq_redis_args_adds(&a, key);
    const char *name;
    json_t *v;
    json_object_foreach (targets, name, v) {
        nq_redis_args_adds(&a, name);
        nq_redis_args_addf(&a, "%.17g", json_number_value(json_object_get(v, "raw")));
    }
    nq_redis_args_adds(&a, "_updated_at");
    nq_redis_args_addf(&a, "%lld", (long long)nq_now_ms());
    nq_call_issued(&c->sc.base,
                   nq_redis_command_args(c->sc.app->svc->redis, on_split_written, c, &a));
    nq_redis_args_free(&a);
}

/* One entry of the proposal's warnings: who (NULL: the team), which metric,
 * why, in English and Chinese. */
static void split_warn(json_t *warnings, const char *sp, nq_metric_id_t m, const char *en,
                       const char *zh)
{
    json_array_append_new(warnings,
                          json_pack("{s:s?, s:s, s:s, s:s}", "salesperson_id", sp, "metric",
                                    nq_metric_defs[m].name, "reason", en, "zh", zh));
}

/* What the coordinator should look at in metric m's shares: a team target
 * of 0, a member given 0 (no target: too little to share), a member without
 * a base in the period before (given the even share). */
static void split_warnings(const split_call_t *c, nq_metric_id_t m, const double *weights,
                           const double *shares, json_t *warnings)
{
    if (c->team_zero[m])
        split_warn(warnings, NULL, m, "the team target is 0, which means no target: not split",
                   "团队目标为 0，即未设目标：未拆分");
    if (!c->has_team[m])
        return;
    for (size_t i = 0; i < c->n; i++) {
        if (shares[i] <= 0)
            split_warn(warnings, c->ids[i], m,
                       "the share is 0, which means no target: the team target is less than one "
                       "unit per member",
                       "分配为 0，即未设目标：团队目标不足每人一个单位");
        else if (c->method == SPLIT_LAST_PERIOD && weights[i] <= 0 && overview_accumulates(m))
            split_warn(warnings, c->ids[i], m, "nothing in the period before: given the even share",
                       "上期无业绩：按平均份额分配");
    }
}

/* Build {"sp":{"metric":{"raw":x}}} shares, then the JSON answer. */
static void split_compute(split_call_t *c)
{
    json_t *raw = json_object(), *proposal = json_object(), *team = json_object();
    json_t *warnings = json_array();
    double *shares = calloc(c->n + 1, sizeof(*shares));
    double *weights = calloc(c->n + 1, sizeof(*weights));
    for (size_t i = 0; i < c->n; i++) {
        json_object_set_new(raw, c->ids[i], json_object());
        json_object_set_new(proposal, c->ids[i], json_object());
    }
    for (int m = 0; shares && weights && m < NQ_METRIC_COUNT; m++) {
        if (!c->has_team[m]) {
            split_warnings(c, (nq_metric_id_t)m, weights, shares, warnings);
            continue;
        }
        json_object_set_new(team, nq_metric_defs[m].name,
                            nq_metric_json((nq_metric_id_t)m, c->team[m], true));
        for (size_t i = 0; i < c->n; i++)
            weights[i] = member_weight(c, i, (nq_metric_id_t)m);
        split_target((nq_metric_id_t)m, c->team[m], weights, c->n, c->min_share, shares);
        split_warnings(c, (nq_metric_id_t)m, weights, shares, warnings);
        for (size_t i = 0; i < c->n; i++) {
            json_object_set_new(json_object_get(raw, c->ids[i]), nq_metric_defs[m].name,
                                json_pack("{s:f}", "raw", shares[i]));
            json_object_set_new(json_object_get(proposal, c->ids[i]), nq_metric_defs[m].name,
                                nq_metric_json((nq_metric_id_t)m, shares[i], true));
        }
    }
    free(shares);
    free(weights);
    c->doc = json_pack("{s:s, s:o, s:s, s:f, s:o, s:o, s:o, s:b}", "team_id", c->sc.who.id,
                       "period", nq_period_to_json(&c->period), "method",
                       split_method_name(c->method), "min_share", c->min_share, "team_targets",
                       team, "proposal", proposal, "warnings", warnings, "confirmed", c->confirm);
    if (c->confirm) {
        c->sc.base.pending = 1; /* held while the writes are issued */
        for (size_t i = 0; i < c->n; i++)
            write_member(c, i, json_object_get(raw, c->ids[i]));
        c->written = true;
    }
    json_decref(raw);
}

static void split_answer(nq_call_t *base)
{
    split_call_t *c = (split_call_t *)base;
    if (base->status == NQ__STATUS__STATUS_OK && !c->doc) {
        bool any = false;
        for (int m = 0; m < NQ_METRIC_COUNT; m++)
            any = any || c->has_team[m];
        if (!any)
            nq_call_fail(base, NQ__STATUS__STATUS_NOT_FOUND,
                         "team %s has no targets for %s (a target of 0 is none)", c->sc.who.id,
                         c->period.key);
        else if (c->n == 0)
            nq_call_fail(base, NQ__STATUS__STATUS_INVALID, "team %s has no members", c->sc.who.id);
        else {
            split_compute(c);
            if (c->confirm) {
                nq_call_release(base); /* answers again once the writes are back */
                return;
            }
        }
    }
    split_reply(c);
}

static void on_split_last(int status, const nq_kpi_values_t *values, void *data)
{
    split_read_t *rd = data;
    split_call_t *c = rd->call;
    if (status != 0)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        c->last[rd->member] = *values;
    nq_call_release(&c->sc.base);
}

/* The given weights by member (split_match_weights) for the c->n members
 * in c->ids; false after failing the call when they do not match them. */
static bool match_weights(split_call_t *c)
{
    const char **ids = calloc(c->n + 1, sizeof(*ids));
    const char **given_ids = calloc(c->n_given + 1, sizeof(*given_ids));
    double *given = calloc(c->n_given + 1, sizeof(*given));
    char detail[1024];
    bool ok = ids && given_ids && given;
    for (size_t i = 0; ok && i < c->n; i++)
        ids[i] = c->ids[i];
    for (size_t k = 0; ok && k < c->n_given; k++) {
        given_ids[k] = c->given[k].metric;
        given[k] = c->given[k].value;
    }
    if (!ok)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    else if (split_match_weights(ids, c->n, given_ids, given, c->n_given, c->weights,
                                 &c->sc.base.errs, detail, sizeof(detail)) != 0) {
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_INVALID, "%s", detail);
        ok = false;
    }
    free(ids);
    free(given_ids);
    free(given);
    return ok;
}

/* The members a split shares among: those listed (roster.h) at the end of
 * the period, or now while it is not over. Given weights must match exactly
 * these. */
static void split_members(subject_call_t *sc, roster_t *ro)
{
    split_call_t *c = (split_call_t *)sc;
    int64_t now = nq_now_ms(), ref = now < c->period.end_ms ? now : c->period.end_ms - 1;
    c->ids = calloc(ro->n + 1, sizeof(*c->ids));
    c->weights = calloc(ro->n + 1, sizeof(*c->weights));
    c->last = calloc(ro->n + 1, sizeof(*c->last));
    c->reads = calloc(ro->n + 1, sizeof(*c->reads));
    if (!c->ids || !c->weights || !c->last || !c->reads) {
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t k = 0; k < ro->n; k++) {
        if (!roster_listed(&ro->people[k], sc->who.id, ref))
            continue;
        snprintf(c->ids[c->n], sizeof(c->ids[c->n]), "%s", ro->people[k].id);
        c->n++;
    }
    if (c->method == SPLIT_WEIGHTS && !match_weights(c))
        return;
    for (size_t i = 0; c->method == SPLIT_LAST_PERIOD && i < c->n; i++) {
        c->reads[i] = (split_read_t){c, i};
        nq_call_issued(&sc->base, nq_kpi_fetch(sc->app->svc->redis, c->ids[i], &c->previous,
                                               on_split_last, &c->reads[i]));
    }
}

static void on_team_targets(nq_redis_t *r, redisReply *reply, void *data)
{
    split_call_t *c = data;
    if (nq_call_reply_ok(&c->sc.base, reply, REDIS_REPLY_ARRAY)) {
        nq_targets_from_reply(reply, c->team, c->has_team);
        for (size_t i = 0; i + 1 < reply->elements; i += 2) { /* stored 0s, to flag */
            int m = nq_metric_find(reply->element[i]->str);
            if (m >= 0 && !c->has_team[m] && strtod(reply->element[i + 1]->str, NULL) == 0)
                c->team_zero[m] = true;
        }
    }
    nq_call_release(&c->sc.base);
}

void kpiview_on_split(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                      void *data)
{
    const Nq__TargetSplitRequest *req = (const Nq__TargetSplitRequest *)msg;
    split_call_t *c =
        subject_call_new(sizeof(*c), data, env, req->correlation_id, split_answer, split_members);
    if (!c)
        return;
    subject_call_t *sc = &c->sc;
    nq_field_errors_t *errs = &sc->base.errs;
    check_subject(true, NQ__SUBJECT__SUBJECT_TEAM, req->team_id, &sc->who, errs);
    nq_period_kind_t kind = NQ_PERIOD_MONTH;
    if (nq_period_kind_parse(req->period_kind, &kind) != 0)
        nq_field_errors_add(errs, "period", "must be day, week, month, quarter or year");
    else if (nq_period_from_key(kind, req->period_key, &c->period) != 0 ||
             nq_period_prev(&c->period, &c->previous) != 0)
        nq_field_errors_add(errs, "key", "is not a %s key", nq_period_kind_name(kind));
    int method = split_method_parse(req->method ? req->method : "even");
    if (method < 0)
        nq_field_errors_add(errs, "method", "must be even, weights or last_period");
    c->method = method < 0 ? SPLIT_EVEN : (split_method_t)method;
    c->confirm = req->has_confirm && req->confirm;
    c->min_share = req->has_min_share ? req->min_share : 0;
    if (!(c->min_share >= 0 && c->min_share <= 1))
        nq_field_errors_add(errs, "min_share", "must be a fraction of the even share from 0 to 1");
    c->given = calloc(req->n_weights + 1, sizeof(*c->given));
    for (size_t i = 0; c->given && i < req->n_weights; i++) {
        const Nq__MetricValue *w = req->weights[i];
        char field[NQ_ID_MAX + 16];
        snprintf(field, sizeof(field), "weights.%s", w->metric ? w->metric : "");
        if (!nq_valid_id(w->metric))
            nq_field_errors_add(errs, "weights", "salesperson ids %s", NQ_ID_RULE);
        else if (!(w->has_value && w->value > 0 && w->value <= SPLIT_WEIGHT_MAX))
            nq_field_errors_add(errs, field, "must be a number above 0, at most 10^9");
        else if ((c->given[c->n_given].metric = strdup(w->metric)))
            c->given[c->n_given++].value = w->value;
    }
    if (c->method == SPLIT_WEIGHTS && req->n_weights == 0)
        nq_field_errors_add(errs, "weights", "are required for method weights");
    if (c->method != SPLIT_WEIGHTS && req->n_weights > 0)
        nq_field_errors_add(errs, "weights", "apply only to method weights");
    if (errs->n)
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_INVALID, "invalid split: %s %s",
                     errs->items[0].field, errs->items[0].reason);
    else if (!busy(sc->app, &sc->base)) {
        char key[KEY_MAX];
        resolve_members(sc);
        nq_key_target(key, sizeof(key), NQ_SUBJECT_TEAM, sc->who.id, &c->period);
        nq_call_issued(&sc->base, nq_redis_command(sc->app->svc->redis, on_team_targets, c,
                                                   "HGETALL %s", key));
    }
    nq_call_release(&sc->base);
}
