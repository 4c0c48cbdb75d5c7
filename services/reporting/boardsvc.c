/* boardsvc.c — leaderboards by a metric on the bus. See boardsvc.h; the
 * ranking is in leaderboard.c. */
#include "boardsvc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "leaderboard.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/period.h"
#include "nq/targets.h"
#include "nq/workdays.h"
#include "overview.h"
#include "reporting_app.h"
#include "roster.h"
#include "subject.h"

enum { BOARD_PERIOD, BOARD_DAY, BOARD_READS };

struct board_call;

/* One read of one entry: its period counters or its reference day's. */
typedef struct board_read {
    struct board_call *call; /* owner */
    size_t entry;            /* which entry */
    int which;               /* BOARD_PERIOD or BOARD_DAY */
} board_read_t;

/* An entry's target of the board's metric (boards by attainment or pace). */
typedef struct board_target {
    double value;              /* when source is not NONE */
    nq_target_source_t source; /* set, derived, or none */
} board_target_t;

typedef struct board_call {
    subject_call_t sc;        /* must be first */
    nq_period_t period;       /* ranked on */
    nq_period_t day;          /* the reference day: "before" is the period without it */
    nq_metric_id_t metric;    /* ranked by */
    board_by_t by;            /* its value, attainment or pace */
    board_entry_t *entries;   /* one per salesperson */
    nq_kpi_values_t *now;     /* each one's counters of the period */
    nq_kpi_values_t *today;   /* of the reference day */
    board_target_t *targets;  /* by attainment or pace: each one's target */
    nq_target_reads_t hashes; /* ... read from these target hashes */
    board_read_t *reads;      /* BOARD_READS per entry, then one name read each, then one
                                 target read each */
    size_t n;                 /* entries */
} board_call_t;

/* Set each entry's values: the metric's, or its attainment or pace with the
 * working days elapsed now and at the end of the day before (as the
 * overview counts them). Fills `basis` for the latter. */
static void board_values(board_call_t *c, board_basis_t *basis)
{
    double total = 0, elapsed = 0, before_total = 0, before_elapsed = 0;
    int64_t now = nq_now_ms();
    if (c->by != BOARD_BY_VALUE) {
        nq_workdays(&c->sc.app->cal, &c->period, now, &total, &elapsed);
        nq_workdays(&c->sc.app->cal, &c->period, now < c->day.start_ms ? now : c->day.start_ms,
                    &before_total, &before_elapsed);
        *basis = (board_basis_t){c->by, total, elapsed};
    }
    for (size_t i = 0; i < c->n; i++) {
        nq_kpi_values_t before;
        board_minus_day(&c->now[i], &c->today[i], &before);
        if (c->by == BOARD_BY_VALUE)
            board_set_metric(&c->entries[i], c->metric, &c->now[i], &before);
        else
            board_set_against(&c->entries[i], c->metric, c->by, &c->now[i], &before,
                              c->targets[i].value, c->targets[i].source,
                              overview_share(total, elapsed),
                              overview_share(before_total, before_elapsed));
    }
}

static void board_answer(nq_call_t *base)
{
    board_call_t *c = (board_call_t *)base;
    board_basis_t basis;
    if (base->status == NQ__STATUS__STATUS_OK)
        board_values(c, &basis);
    answer_board(c->sc.app, base, c->entries, c->n, &c->period, nq_metric_defs[c->metric].name,
                 c->by == BOARD_BY_VALUE ? NULL : &basis, board_direction(c->by, c->metric));
    subject_cleanup(&c->sc);
    free(c->entries);
    free(c->now);
    free(c->today);
    free(c->targets);
    free(c->reads);
    free(c);
}

static void on_board_target(int status, const nq_targets_t *t, void *data)
{
    board_read_t *rd = data;
    board_call_t *c = rd->call;
    if (status != 0)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read targets");
    else
        c->targets[rd->entry] = (board_target_t){t->value[c->metric], t->source[c->metric]};
    nq_call_release(&c->sc.base);
}

/* Each entry's target of the metric (its own, derived for a quarter or a
 * year from its months' where not set). */
static void read_board_targets(board_call_t *c)
{
    nq_target_reads_init(&c->hashes, &c->period, &c->sc.app->cal);
    for (size_t i = 0; i < c->n; i++) {
        board_read_t *rd = &c->reads[c->n * (BOARD_READS + 1) + i];
        *rd = (board_read_t){c, i, BOARD_READS};
        nq_call_issued(&c->sc.base, nq_targets_fetch(c->sc.app->svc->redis, NQ_SUBJECT_SALESPERSON,
                                                     c->entries[i].id, &c->hashes, (int)c->metric,
                                                     on_board_target, rd));
    }
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
        char key[REPORTING_KEY_MAX];
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
    char key[REPORTING_KEY_MAX];
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
    c->targets = calloc(ro->n + 1, sizeof(*c->targets));
    c->reads = calloc(ro->n * (BOARD_READS + 2) + 1, sizeof(*c->reads));
    const char **ids = calloc(ro->n + 1, sizeof(*ids));
    if (!c->entries || !c->now || !c->today || !c->targets || !c->reads || !ids) {
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        free(ids);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < ro->n; i++) {
        if (!roster_listed(&ro->people[i], subject_listed_team(sc), c->day.start_ms))
            continue;
        ids[n] = ro->people[i].id;
        snprintf(c->entries[n].id, sizeof(c->entries[n].id), "%s", ids[n]);
        n++;
    }
    c->n = n;
    if (n)
        read_board_names(c);
    if (n && c->by != BOARD_BY_VALUE)
        read_board_targets(c);
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

void boardsvc_on_leaderboard(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                             const ProtobufCMessage *msg, void *data)
{
    const Nq__LeaderboardRequest *req = (const Nq__LeaderboardRequest *)msg;
    board_call_t *c =
        subject_call_new(sizeof(*c), data, env, req->correlation_id, board_answer, read_board);
    if (!c)
        return;
    subject_call_t *sc = &c->sc;
    nq_field_errors_t *errs = &sc->base.errs;
    subject_check(req->has_subject, req->subject, req->id, &sc->who, errs);
    if (sc->who.subject == NQ_SUBJECT_SALESPERSON && !errs->n)
        nq_field_errors_add(errs, "scope", "must be a team or the company");
    subject_check_period(req->period_kind, req->has_at, req->at, &c->period, errs);
    int metric = nq_metric_find(req->metric);
    if (metric < 0)
        nq_field_errors_add(errs, "metric", "unknown metric (see docs/metrics.md)");
    c->metric = metric < 0 ? NQ_METRIC_SALES_AMOUNT : (nq_metric_id_t)metric;
    int by = board_by_parse(req->by);
    const char *refused = by < 0 ? NULL : board_by_refused((board_by_t)by, c->metric);
    if (by < 0)
        nq_field_errors_add(errs, "by", "must be value, attainment or pace");
    else if (refused && metric >= 0)
        nq_field_errors_add(errs, "by", "%s", refused);
    c->by = by < 0 ? BOARD_BY_VALUE : (board_by_t)by;
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
    else if (!answer_busy(sc->app, &sc->base))
        subject_resolve(sc);
    nq_call_release(&sc->base);
}
