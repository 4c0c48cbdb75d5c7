/* h_targets.c — targets and KPI overviews (served by nq-reporting).
 *
 *   PUT|GET /api/v1/targets/salespeople/{id}/{period}/{key}
 *   PUT|GET /api/v1/targets/teams/{id}/{period}/{key}
 *   PUT|GET /api/v1/targets/company/{period}/{key}
 *       body / answer {"targets":{"sales_amount":"500000.00","visits":80,...}}; a get
 *       also answers "derived" (a quarter's or year's targets derived from the
 *       months', not set) and "incomplete" (metrics lacking some months' targets)
 *   GET /api/v1/kpis/salespeople/{id}  /api/v1/kpis/teams/{id}  /api/v1/kpis/company
 *       ?period=month&at=2026-11-26: every metric with its target, attainment,
 *       pace, projection, the period before and the same period last year.
 *   GET /api/v1/metrics
 *       the metric table: each metric's names, unit and direction.
 *   POST /api/v1/targets/teams/{id}/{period}/{key}/split
 *       {"method":"even|weights|last_period","weights":{"sp-1":2},"min_share":0.5,
 *        "confirm":false}
 *       the team's targets split among its members: a proposal (with warnings),
 *       or with "confirm": true written as their targets.
 *   GET /api/v1/leaderboards?scope=company|team:{id}&metric=sales_amount|score
 *       &by=value|attainment|pace&period=week
 *       the salespeople ranked by a metric (its value, or its attainment or pace
 *       against each one's target, with the gap to plan) or by score, with
 *       movement since the end of the day before. Callers who do not reach
 *       every team get the board cut to their scope (boardscope.h): a
 *       coordinator's company board holds the company totals and their
 *       teams' people; a salesperson's their own entry, and their teammates'
 *       rank and name when the team's settings allow.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boardscope.h"
#include "gateway.h"
#include "jtext.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_json.h"
#include "nq/kpi_pb.h"
#include "scope.h"
#include "scope_check.h"

/* Which subject a route is about: the argument of its rows. */
typedef struct subject {
    Nq__Subject pb;   /* as sent to reporting */
    const char *name; /* as answered */
} subject_t;

static const subject_t salesperson_subject = {NQ__SUBJECT__SUBJECT_SALESPERSON, "salesperson"};
static const subject_t team_subject = {NQ__SUBJECT__SUBJECT_TEAM, "team"};
static const subject_t company_subject = {NQ__SUBJECT__SUBJECT_COMPANY, "company"};

static const subject_t *subject_of(const gw_request_t *req)
{
    return req->route->arg;
}

/* The path id (NULL for the company), or "" after answering 400. */
static const char *subject_id(const gw_request_t *req)
{
    if (!nq_route_param(req->params, "id"))
        return NULL;
    const char *id = gw_path_id(req, "id");
    return id ? id : "";
}

/* ---- targets ---------------------------------------------------------------- */

static json_t *targets_json(Nq__MetricValue *const *values, size_t n)
{
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < n; i++) {
        int m = nq_metric_find(values[i]->metric);
        if (m >= 0)
            json_object_set_new(obj, values[i]->metric,
                                nq_metric_json((nq_metric_id_t)m, values[i]->value, true));
    }
    return obj;
}

/* The data of a get's call (a put's is NULL). */
static const char target_get[] = "get";

/* {"visits":["2026-12"],...}: the months whose targets a quarter's or a
 * year's lacks to be derived. */
static json_t *incomplete_json(Nq__TargetGap *const *gaps, size_t n)
{
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < n; i++) {
        json_t *months = json_array();
        for (size_t k = 0; months && k < gaps[i]->n_missing; k++)
            json_array_append_new(months, json_string(gaps[i]->missing[k]));
        if (gaps[i]->metric && months)
            json_object_set_new(obj, gaps[i]->metric, months);
        else
            json_decref(months);
    }
    return obj;
}

static void on_targets(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                       const Nq__ReplyHeader *hdr, void *data)
{
    const Nq__TargetReply *rep = (const Nq__TargetReply *)msg;
    json_t *body = json_pack("{s:o}", "targets", targets_json(rep->values, rep->n_values));
    if (body && data == target_get) { /* a get: also the targets as used */
        json_object_set_new(body, "derived", targets_json(rep->derived, rep->n_derived));
        json_object_set_new(body, "incomplete",
                            incomplete_json(rep->incomplete, rep->n_incomplete));
    }
    if (body && rep->has_updated_at) {
        char when[48];
        nq_time_format(rep->updated_at, when, sizeof(when));
        json_object_set_new(body, "updated_at", json_string(when));
    }
    gw_respond_reply(conn, hdr, 200, body);
}

/* The body's {"targets":{metric: value}} as MetricValues; NULL after a 400. */
static Nq__MetricValue *parse_targets(const gw_request_t *req, size_t *n)
{
    json_t *body = gw_parse_json_body(req);
    if (!body)
        return NULL;
    json_t *targets = json_object_get(body, "targets");
    nq_field_errors_t errs = {0};
    Nq__MetricValue *values = NULL;
    *n = 0;
    if (!json_is_object(targets) || json_object_size(body) != 1) {
        nq_field_errors_add(&errs, "targets", "the body must be {\"targets\":{metric: value}}");
    } else if (!(values = calloc(json_object_size(targets) + 1, sizeof(*values)))) {
        nq_field_errors_add(&errs, "targets", "out of memory");
    } else {
        const char *name;
        json_t *v;
        json_object_foreach (targets, name, v) {
            int m = nq_metric_find(name);
            const char *why = "unknown metric (see docs/metrics.md)";
            double value;
            if (m < 0 || nq_metric_parse((nq_metric_id_t)m, v, &value, &why) != 0) {
                nq_field_errors_add(&errs, name, "%s", why);
                continue;
            }
            nq__metric_value__init(&values[*n]);
            values[*n].metric = (char *)nq_metric_defs[m].name;
            values[*n].has_value = 1;
            values[*n].value = value;
            (*n)++;
        }
    }
    json_decref(body);
    if (errs.n == 0)
        return values;
    free(values);
    gw_respond_error(req->conn, 400, "invalid", "invalid targets", &errs);
    return NULL;
}

static void target_request(const gw_request_t *req, bool put)
{
    const char *id = subject_id(req);
    if (id && !*id)
        return;
    Nq__TargetRequest msg = NQ__TARGET_REQUEST__INIT;
    msg.has_subject = 1;
    msg.subject = subject_of(req)->pb;
    msg.id = (char *)(id ? id : "");
    msg.period_kind = (char *)nq_route_param(req->params, "period");
    msg.period_key = (char *)nq_route_param(req->params, "key");
    Nq__MetricValue *values = NULL;
    Nq__MetricValue **ptrs = NULL;
    if (put) {
        size_t n = 0;
        if (!(values = parse_targets(req, &n)))
            return;
        ptrs = calloc(n + 1, sizeof(*ptrs));
        for (size_t i = 0; ptrs && i < n; i++)
            ptrs[i] = &values[i];
        msg.values = ptrs;
        msg.n_values = ptrs ? n : 0;
    }
    gw_call(req, put ? NQ_MSG(TARGET_PUT) : NQ_MSG(TARGET_GET), &msg.base, on_targets,
            put ? NULL : (void *)target_get, NULL);
    free(ptrs);
    free(values);
}

static void put_targets(const gw_request_t *req)
{
    target_request(req, true);
}

static void get_targets(const gw_request_t *req)
{
    target_request(req, false);
}

/* ---- overviews -------------------------------------------------------------- */

/* Derived ratios (attainment, pace, change) are given with 4 decimals. */
#define RATIO_SCALE 10000

/* (a - b) / b, or null. */
static json_t *change_json(const Nq__MetricRow *r, bool has_base, double base)
{
    if (!r->has_actual || !has_base || base == 0)
        return json_null();
    return json_real(nq_round_to((r->actual - base) / fabs(base), RATIO_SCALE));
}

static json_t *ratio_json(bool has, double v)
{
    return has ? json_real(nq_round_to(v, RATIO_SCALE)) : json_null();
}

static json_t *row_json(const Nq__MetricRow *r)
{
    int m = nq_metric_find(r->metric);
    if (m < 0)
        return NULL;
    nq_metric_id_t id = (nq_metric_id_t)m;
    return json_pack(
        "{s:s, s:s, s:o, s:o, s:s?, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:s?, s:s?}", "zh",
        nq_metric_defs[m].zh, "direction", nq_direction_name(nq_metric_direction(id)), "actual",
        nq_metric_json(id, r->actual, r->has_actual), "target",
        nq_metric_json(id, r->target, r->has_target), "target_source", r->target_source,
        "attainment", ratio_json(r->has_attainment, r->attainment), "pace",
        ratio_json(r->has_pace, r->pace), "projection",
        nq_metric_json(id, r->projection, r->has_projection), "previous",
        nq_metric_json(id, r->previous, r->has_previous), "last_year",
        nq_metric_json(id, r->last_year, r->has_last_year), "change", "previous",
        change_json(r, r->has_previous, r->previous), "last_year",
        change_json(r, r->has_last_year, r->last_year), "note", r->note, "note_zh", r->note_zh);
}

static void on_overview(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                        const Nq__ReplyHeader *hdr, void *data)
{
    const Nq__Overview *ov = (const Nq__Overview *)msg;
    json_t *metrics = json_object();
    for (size_t i = 0; metrics && i < ov->n_rows; i++) {
        json_t *row = row_json(ov->rows[i]);
        if (row)
            json_object_set_new(metrics, ov->rows[i]->metric, row);
    }
    json_t *period = NULL;
    nq_period_t p;
    nq_period_kind_t kind;
    if (ov->period && nq_period_kind_parse(ov->period->kind, &kind) == 0 &&
        nq_period_from_key(kind, ov->period->key, &p) == 0)
        period = nq_period_to_json(&p);
    json_t *body = json_pack(
        "{s:s, s:s?, s:o?, s:{s:f, s:f}, s:i, s:o}", "subject", (const char *)data, "name",
        ov->name, "period", period, "workdays", "total", ov->workdays_total, "elapsed",
        round(ov->workdays_elapsed * 100) / 100, "members", ov->members, "metrics", metrics);
    if (body && ov->unassigned) { /* the company: the part from days without a team */
        nq_kpi_values_t v;
        nq_kpi_from_proto(ov->unassigned, &v);
        json_object_set_new(body, "unassigned",
                            json_pack("{s:i, s:o}", "salespeople", ov->unassigned_salespeople,
                                      "kpis", nq_kpi_to_json(&v)));
    }
    gw_respond_reply(conn, hdr, 200, body);
}

static void get_overview(const gw_request_t *req)
{
    const char *id = subject_id(req);
    nq_period_kind_t kind;
    int64_t at;
    if ((id && !*id) || gw_period_query(req, &kind, &at) != 0)
        return;
    Nq__OverviewRequest msg = NQ__OVERVIEW_REQUEST__INIT;
    msg.has_subject = 1;
    msg.subject = subject_of(req)->pb;
    msg.id = (char *)(id ? id : "");
    msg.period_kind = (char *)nq_period_kind_name(kind);
    msg.has_at = 1;
    msg.at = at;
    gw_call(req, NQ_MSG(KPI_OVERVIEW), &msg.base, on_overview, (void *)subject_of(req)->name, NULL);
}

/* ---- splits ------------------------------------------------------------------ */

static void on_split(nq_http_conn_t *conn, const ProtobufCMessage *msg, const Nq__ReplyHeader *hdr,
                     void *data)
{
    const Nq__DocumentReply *rep = (const Nq__DocumentReply *)msg;
    json_t *body = rep->document ? json_loads(rep->document, 0, NULL) : NULL;
    gw_respond_reply(conn, hdr, 200, body ? body : json_object());
}

/* The body's weights {"sp-1": 2, ...} as MetricValues (metric = salesperson). */
static Nq__MetricValue *split_weights(const json_t *weights, size_t *n, nq_field_errors_t *errs)
{
    *n = 0;
    if (!weights)
        return NULL;
    if (!json_is_object(weights)) {
        nq_field_errors_add(errs, "weights", "must be an object of salesperson id -> weight");
        return NULL;
    }
    Nq__MetricValue *v = calloc(json_object_size(weights) + 1, sizeof(*v));
    const char *id;
    json_t *w;
    json_object_foreach ((json_t *)weights, id, w) {
        if (!v || !json_is_number(w)) {
            nq_field_errors_add(errs, "weights", "every weight must be a number");
            break;
        }
        nq__metric_value__init(&v[*n]);
        v[*n].metric = (char *)id;
        v[*n].has_value = 1;
        v[*n].value = json_number_value(w);
        (*n)++;
    }
    return v;
}

static void post_split(const gw_request_t *req)
{
    const char *id = subject_id(req);
    if (id && !*id)
        return;
    json_t *body = gw_parse_json_body(req);
    if (!body)
        return;
    nq_field_errors_t errs = {0};
    size_t n = 0;
    Nq__MetricValue *weights = split_weights(json_object_get(body, "weights"), &n, &errs);
    Nq__MetricValue **ptrs = calloc(n + 1, sizeof(*ptrs));
    for (size_t i = 0; ptrs && i < n; i++)
        ptrs[i] = &weights[i];
    const json_t *method = json_object_get(body, "method");
    const json_t *confirm = json_object_get(body, "confirm");
    const json_t *min_share = json_object_get(body, "min_share");
    if (method && !json_is_string(method))
        nq_field_errors_add(&errs, "method", "must be even, weights or last_period");
    if (confirm && !json_is_boolean(confirm))
        nq_field_errors_add(&errs, "confirm", "must be true or false");
    if (min_share && !(json_is_number(min_share) && json_number_value(min_share) >= 0 &&
                       json_number_value(min_share) <= 1))
        nq_field_errors_add(&errs, "min_share", "must be a fraction of the even share from 0 to 1");
    if (errs.n) {
        gw_respond_error(req->conn, 400, "invalid", "invalid split request", &errs);
    } else {
        Nq__TargetSplitRequest msg = NQ__TARGET_SPLIT_REQUEST__INIT;
        msg.team_id = (char *)id;
        msg.period_kind = (char *)nq_route_param(req->params, "period");
        msg.period_key = (char *)nq_route_param(req->params, "key");
        msg.method = (char *)json_string_value(method);
        msg.weights = ptrs;
        msg.n_weights = ptrs ? n : 0;
        msg.has_confirm = 1;
        msg.confirm = json_is_true(confirm);
        msg.has_min_share = min_share != NULL;
        msg.min_share = json_number_value(min_share);
        gw_call(req, NQ_MSG(TARGET_SPLIT), &msg.base, on_split, NULL, NULL);
    }
    free(ptrs);
    free(weights);
    json_decref(body);
}

/* ---- leaderboards ------------------------------------------------------------ */

/* Derived ratios (attainment, pace) as shown: 4 decimals. */
static void ratio_text(nq_buf_t *t, bool has, double v)
{
    if (!has) {
        nq_buf_adds(t, "null");
        return;
    }
    json_t *j = json_real(nq_round_to(v, RATIO_SCALE));
    jtext_json(t, j);
    json_decref(j);
}

/* Metric m's value in its unit as text. */
static void metric_text(nq_buf_t *t, int m, bool has, double value)
{
    json_t *v = has && m >= 0 ? nq_metric_json((nq_metric_id_t)m, value, true) : json_null();
    if (json_is_integer(v))
        nq_buf_addi64(t, json_integer_value(v));
    else if (json_is_string(v))
        jtext_str(t, json_string_value(v));
    else
        jtext_json(t, v);
    json_decref(v);
}

/* A board's value: a metric in its unit; a score (0..) with two decimals;
 * an attainment or pace (`by`) with 4. */
static void board_value(nq_buf_t *t, int m, bool by, const Nq__LeaderboardEntry *e)
{
    if (by || !e->has_value) {
        ratio_text(t, e->has_value, e->value);
    } else if (m >= 0) {
        metric_text(t, m, true, e->value);
    } else {
        json_t *v = json_real(round(e->value * 100) / 100);
        jtext_json(t, v);
        json_decref(v);
    }
}

/* A string, or null. */
static void str_text(nq_buf_t *t, const char *s)
{
    if (s)
        jtext_str(t, s);
    else
        nq_buf_adds(t, "null");
}

/* The fields of an entry of a board by attainment or pace: the metric
 * against the entry's own target. */
static void plan_text(nq_buf_t *t, int m, const Nq__LeaderboardEntry *e)
{
    nq_buf_adds(t, ",\"actual\":");
    metric_text(t, m, e->has_actual, e->actual);
    nq_buf_adds(t, ",\"target\":");
    metric_text(t, m, e->has_target, e->target);
    nq_buf_adds(t, ",\"target_source\":");
    str_text(t, e->target_source);
    nq_buf_adds(t, ",\"attainment\":");
    ratio_text(t, e->has_attainment, e->attainment);
    nq_buf_adds(t, ",\"pace\":");
    ratio_text(t, e->has_pace, e->pace);
    nq_buf_adds(t, ",\"gap\":");
    metric_text(t, m, e->has_gap, e->gap);
    nq_buf_adds(t, ",\"behind\":");
    nq_buf_adds(t, !e->has_gap ? "null" : e->gap > 0 ? "true" : "false");
    nq_buf_adds(t, ",\"note\":");
    str_text(t, e->note);
    nq_buf_adds(t, ",\"note_zh\":");
    str_text(t, e->note_zh);
}

/* A board by a metric on its way: the request as sent to reporting, and
 * where its answer is kept (boardcache.h). */
typedef struct board_get {
    gateway_t *gw;
    nq_http_conn_t *conn; /* retained until answered */
    Nq__LeaderboardRequest msg;
    char id[NQ_ID_MAX + 8]; /* as long as the scope parameter it came from, so */
    char metric[64];        /* reporting sees (and refuses) a too-long id whole */
    char by[64];            /* value, attainment, pace */
    char key[BOARD_CACHE_KEY_MAX + 1];
    char stamp[BOARD_CACHE_STAMP_MAX + 1]; /* "" when unknown: nothing kept */
    gw_scope_t scope;                      /* the caller's: the answer is cut to it */
} board_get_t;

/* ---- a board cut to its caller (boardscope.h) ----------------------------------- */

/* A board answer on its way to a caller who does not reach every team. */
typedef struct board_cut {
    gateway_t *gw;
    nq_http_conn_t *conn;     /* retained until answered */
    gw_scope_t scope;         /* the caller's */
    bool company;             /* the company board; else a team's */
    char team[NQ_ID_MAX + 8]; /* a team's board: the team */
    json_t *board;            /* the whole answer */
    size_t n;                 /* its entries */
    char **teams;             /* the current team of each entry's salesperson, then the caller's */
    bool visible;             /* a salesperson's team lets teammates see each other */
} board_cut_t;

static void board_cut_end(board_cut_t *c)
{
    for (size_t i = 0; c->teams && i <= c->n; i++)
        free(c->teams[i]);
    free(c->teams);
    json_decref(c->board);
    nq_http_conn_release(c->conn);
    free(c);
}

static void board_cut_answer(board_cut_t *c)
{
    if (nq_http_conn_open(c->conn)) {
        const char *own = c->scope.reach == NQ_REACH_SELF ? c->teams[c->n] : NULL;
        gw_board_scope(c->board, &c->scope, c->company, (const char *const *)c->teams, own,
                       c->visible);
        gw_respond_json(c->conn, 200, json_incref(c->board), NULL);
    }
    board_cut_end(c);
}

static void on_cut_settings(nq_redis_t *r, redisReply *reply, void *data)
{
    board_cut_t *c = data;
    (void)r;
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
        if (nq_http_conn_open(c->conn))
            gw_respond_unavailable(c->conn, "the team settings");
        board_cut_end(c);
        return;
    }
    c->visible = gw_board_mates_visible(reply->type == REDIS_REPLY_STRING ? reply->str : NULL);
    board_cut_answer(c);
}

static void on_cut_teams(const char *const *teams, void *data)
{
    board_cut_t *c = data;
    if (!teams || !(c->teams = calloc(c->n + 1, sizeof(*c->teams)))) {
        if (nq_http_conn_open(c->conn))
            gw_respond_unavailable(c->conn, "the org store");
        board_cut_end(c);
        return;
    }
    size_t all = c->n + (c->scope.reach == NQ_REACH_SELF);
    for (size_t i = 0; i < all; i++)
        c->teams[i] = strdup(teams[i]);
    for (size_t i = 0; i < all; i++)
        if (!c->teams[i]) {
            if (nq_http_conn_open(c->conn))
                gw_respond_error(c->conn, 500, "internal", "out of memory", NULL);
            board_cut_end(c);
            return;
        }
    if (c->scope.reach != NQ_REACH_SELF) {
        board_cut_answer(c);
        return;
    }
    const char *own = c->teams[c->n];
    if (!c->company && strcmp(c->team, own) != 0) { /* another team's board: as if none */
        if (nq_http_conn_open(c->conn))
            gw_respond_error(c->conn, 404, "not_found", "no such record", NULL);
        board_cut_end(c);
        return;
    }
    if (nq_redis_command(c->gw->svc->redis, on_cut_settings, c, "HGET %s %s", NQ_KEY_TEAM_SETTINGS,
                         *own ? own : "-") != 0)
        on_cut_settings(NULL, NULL, c);
}

/* Answer a board's text: whole to callers who see it whole, else cut. */
static void board_respond(const board_get_t *bg, nq_http_conn_t *conn, const char *text, size_t len)
{
    bool company = bg->msg.subject == NQ__SUBJECT__SUBJECT_COMPANY;
    if (gw_scope_all(&bg->scope) || (bg->scope.reach == NQ_REACH_TEAMS && !company)) {
        gw_respond_json_text(conn, 200, text, len);
        return;
    }
    board_cut_t *c = calloc(1, sizeof(*c));
    json_t *board = json_loadb(text, len, 0, NULL);
    json_t *entries = json_object_get(board, "entries");
    size_t n = json_array_size(entries);
    const char **ids = calloc(n + 2, sizeof(*ids));
    if (!c || !board || !ids) {
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
        json_decref(board);
        free(c);
        free(ids);
        return;
    }
    *c = (board_cut_t){
        .gw = bg->gw, .conn = conn, .scope = bg->scope, .company = company, .board = board, .n = n};
    snprintf(c->team, sizeof(c->team), "%s", bg->id);
    for (size_t i = 0; i < n; i++) {
        const char *sp =
            json_string_value(json_object_get(json_array_get(entries, i), "salesperson_id"));
        ids[i] = sp ? sp : "";
    }
    ids[n] = c->scope.self; /* a salesperson's own team: asked last */
    nq_http_conn_retain(conn);
    if (gw_scope_teams_cached(bg->gw, ids, n + (c->scope.reach == NQ_REACH_SELF), on_cut_teams,
                              c) != 0) {
        gw_respond_unavailable(conn, "the org store");
        board_cut_end(c);
    }
    free(ids);
}

/* Written as text: 200 entries as json_t trees cost more than the rest of
 * the request. `data` is the board_get_t (a board by a metric: its answer
 * is kept when it has a stamp). */
static void on_leaderboard(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                           const Nq__ReplyHeader *hdr, void *data)
{
    if (hdr && hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK) {
        gw_respond_reply(conn, hdr, 200, NULL);
        return;
    }
    const Nq__Leaderboard *lb = (const Nq__Leaderboard *)msg;
    int m = nq_metric_find(lb->metric);
    nq_buf_t t = NQ_BUF_INIT;
    bool by = lb->by != NULL; /* by attainment or pace */
    nq_buf_adds(&t, "{\"metric\":");
    jtext_str(&t, lb->metric);
    nq_buf_adds(&t, ",\"direction\":"); /* the metric's; a score is higher-is-better */
    jtext_str(&t, nq_direction_name(m >= 0 ? nq_metric_direction((nq_metric_id_t)m)
                                           : NQ_HIGHER_IS_BETTER));
    if (by) {
        nq_buf_adds(&t, ",\"by\":");
        jtext_str(&t, lb->by);
        json_t *days = json_pack("{s:f, s:f}", "total", lb->workdays_total, "elapsed",
                                 round(lb->workdays_elapsed * 100) / 100);
        nq_buf_adds(&t, ",\"workdays\":");
        jtext_json(&t, days);
        json_decref(days);
    }
    nq_period_t p;
    nq_period_kind_t kind;
    if (lb->period && nq_period_kind_parse(lb->period->kind, &kind) == 0 &&
        nq_period_from_key(kind, lb->period->key, &p) == 0) {
        nq_buf_adds(&t, ",\"period\":");
        json_t *period = nq_period_to_json(&p);
        jtext_json(&t, period);
        json_decref(period);
    }
    nq_buf_adds(&t, ",\"entries\":[");
    for (size_t i = 0; i < lb->n_entries; i++) {
        const Nq__LeaderboardEntry *e = lb->entries[i];
        nq_buf_adds(&t, i ? ",{\"rank\":" : "{\"rank\":");
        nq_buf_addi64(&t, e->rank);
        nq_buf_adds(&t, ",\"previous_rank\":");
        nq_buf_addi64(&t, e->previous_rank);
        nq_buf_adds(&t, ",\"movement\":");
        nq_buf_addi64(&t, (int64_t)e->previous_rank - e->rank);
        nq_buf_adds(&t, ",\"salesperson_id\":");
        jtext_str(&t, e->salesperson_id ? e->salesperson_id : "");
        if (e->name) {
            nq_buf_adds(&t, ",\"name\":");
            jtext_str(&t, e->name);
        }
        nq_buf_adds(&t, ",\"value\":");
        board_value(&t, m, by, e);
        if (by)
            plan_text(&t, m, e);
        nq_buf_adds(&t, "}");
    }
    nq_buf_adds(&t, "]}");
    const board_get_t *bg = data;
    if (t.failed) {
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
    } else {
        board_respond(bg, conn, t.buf, t.len);
        if (bg->stamp[0])
            board_cache_put(bg->gw->boards, bg->key, bg->stamp, nq_now_ms(), t.buf, t.len);
    }
    nq_buf_release(&t);
}

static void board_get_free(void *data)
{
    board_get_t *bg = data;
    nq_http_conn_release(bg->conn);
    free(bg);
}

/* The versions the kept answer must have been computed at (nq/keys.h): the
 * kept answer if they match, else the board from reporting, read after this
 * stamp (so never older than it). */
static void on_board_stamp(nq_redis_t *r, redisReply *reply, void *data)
{
    board_get_t *bg = data;
    if (bg->key[0] && reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 3) {
        const char *v[3];
        for (int i = 0; i < 3; i++)
            v[i] = reply->element[i]->type == REDIS_REPLY_STRING ? reply->element[i]->str : "0";
        snprintf(bg->stamp, sizeof(bg->stamp), "%s:%s:%s", v[0], v[1], v[2]);
    }
    size_t len = 0;
    const char *kept = bg->stamp[0]
                           ? board_cache_get(bg->gw->boards, bg->key, bg->stamp, nq_now_ms(), &len)
                           : NULL;
    if (kept) {
        if (nq_http_conn_open(bg->conn))
            board_respond(bg, bg->conn, kept, len);
        board_get_free(bg);
        return;
    }
    gw_request_t req = {.gw = bg->gw, .conn = bg->conn};
    gw_call(&req, NQ_MSG(LEADERBOARD), &bg->msg.base, on_leaderboard, bg, board_get_free);
}

/* The board request msg on its way (copied), or NULL (answered). */
static board_get_t *board_get_new(const gw_request_t *req, const Nq__LeaderboardRequest *msg)
{
    board_get_t *bg = calloc(1, sizeof(*bg));
    if (!bg) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return NULL;
    }
    bg->gw = req->gw;
    bg->conn = req->conn;
    nq_http_conn_retain(req->conn);
    snprintf(bg->id, sizeof(bg->id), "%s", msg->id);
    snprintf(bg->metric, sizeof(bg->metric), "%s", msg->metric);
    snprintf(bg->by, sizeof(bg->by), "%s", msg->by ? msg->by : "");
    bg->msg = *msg;
    bg->msg.id = bg->id;
    bg->msg.metric = bg->metric;
    bg->msg.by = msg->by ? bg->by : NULL;
    gw_scope_of(&bg->scope, req->who);
    return bg;
}

/* A board by a metric: from the kept answers when nothing changed since. */
static void get_metric_board(const gw_request_t *req, const Nq__LeaderboardRequest *msg)
{
    board_get_t *bg = board_get_new(req, msg);
    if (!bg)
        return;
    /* The board depends on the period, on the day of `at` (its reference
     * day) and on what it ranks. A state metric (tickets_overdue, dso...)
     * moves with the clock and the activity index, which no stamp covers:
     * never kept. */
    nq_period_t day;
    int m = nq_metric_find(bg->metric);
    if (m >= 0 && nq_metric_defs[m].at_end)
        bg->key[0] = '\0';
    else if (nq_period_of(NQ_PERIOD_DAY, msg->at, &day) == 0 && /* else reporting says why */
             snprintf(bg->key, sizeof(bg->key), "%d|%s|%s|%s|%s|%lld", (int)msg->subject, bg->id,
                      bg->metric, bg->by, msg->period_kind,
                      (long long)day.start_ms) >= (int)sizeof(bg->key))
        bg->key[0] = '\0'; /* too long to be a valid request: nothing kept */
    if (nq_redis_command(req->gw->svc->redis, on_board_stamp, bg, "MGET %s %s %s",
                         NQ_KEY_KPI_VERSION, NQ_KEY_ORG_VERSION, NQ_KEY_TARGET_VERSION) != 0)
        on_board_stamp(NULL, NULL, bg); /* Redis not at hand: ask reporting, keep nothing */
}

static void get_leaderboard(const gw_request_t *req)
{
    char scope[NQ_ID_MAX + 8] = "company", metric[64] = "sales_amount", by[64] = "";
    nq_period_kind_t kind;
    int64_t at;
    if (gw_period_query(req, &kind, &at) != 0)
        return;
    nq_http_query_param(req->http, "scope", scope, sizeof(scope));
    nq_http_query_param(req->http, "metric", metric, sizeof(metric));
    bool has_by = nq_http_query_param(req->http, "by", by, sizeof(by)) >= 0;
    Nq__LeaderboardRequest msg = NQ__LEADERBOARD_REQUEST__INIT;
    msg.has_subject = 1;
    msg.subject = NQ__SUBJECT__SUBJECT_COMPANY;
    msg.id = "";
    if (strncmp(scope, "team:", 5) == 0) {
        msg.subject = NQ__SUBJECT__SUBJECT_TEAM;
        msg.id = scope + 5;
    } else if (strcmp(scope, "company") != 0) {
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, "scope", "must be company or team:<id>");
        gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
        return;
    }
    msg.period_kind = (char *)nq_period_kind_name(kind);
    msg.has_at = 1;
    msg.at = at;
    msg.metric = metric;
    msg.by = has_by ? by : NULL;
    if (strcmp(metric, "score") == 0 && has_by && strcmp(by, "value") != 0) {
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, "by", "applies to a metric: a board by score ranks scores");
        gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
    } else if (strcmp(metric, "score") == 0) {
        board_get_t *bg = board_get_new(req, &msg);
        if (bg)
            gw_call(req, NQ_MSG(SCORE_BOARD), &bg->msg.base, on_leaderboard, bg, board_get_free);
    } else {
        get_metric_board(req, &msg);
    }
}

/* GET /api/v1/metrics: the metric table (nq/kpi.h), in its order, with each
 * metric's unit and direction; no team's data. */
static void get_metrics(const gw_request_t *req)
{
    json_t *list = json_array();
    for (int m = 0; list && m < NQ_METRIC_COUNT; m++) {
        const nq_metric_def_t *d = &nq_metric_defs[m];
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "metric", d->name, "zh", d->zh,
                            "en", d->en, "unit", nq_unit_name(d->unit), "direction",
                            nq_direction_name(d->direction), "state", d->at_end, "accumulates",
                            nq_metric_accumulates((nq_metric_id_t)m)));
    }
    gw_respond_json(req->conn, 200, json_pack("{s:o}", "metrics", list), NULL);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/leaderboards", NQ_READ(KPI), get_leaderboard, NULL, GW_SUBJ_BOARD},
    {"POST", "/api/v1/targets/teams/:id/:period/:key/split", NQ_WRITE(TARGET), post_split,
     &team_subject, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/targets/salespeople/:id/:period/:key", NQ_WRITE(TARGET), put_targets,
     &salesperson_subject, GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/targets/salespeople/:id/:period/:key", NQ_READ(TARGET), get_targets,
     &salesperson_subject, GW_SUBJ_SALESPERSON},
    {"PUT", "/api/v1/targets/teams/:id/:period/:key", NQ_WRITE(TARGET), put_targets, &team_subject,
     GW_SUBJ_TEAM},
    {"GET", "/api/v1/targets/teams/:id/:period/:key", NQ_READ(TARGET), get_targets, &team_subject,
     GW_SUBJ_TEAM},
    {"PUT", "/api/v1/targets/company/:period/:key", NQ_WRITE(TARGET), put_targets, &company_subject,
     GW_SUBJ_COMPANY},
    {"GET", "/api/v1/targets/company/:period/:key", NQ_READ(TARGET), get_targets, &company_subject,
     GW_SUBJ_COMPANY},
    {"GET", "/api/v1/kpis/salespeople/:id", NQ_READ(KPI), get_overview, &salesperson_subject,
     GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/kpis/teams/:id", NQ_READ(KPI), get_overview, &team_subject, GW_SUBJ_TEAM},
    {"GET", "/api/v1/kpis/company", NQ_READ(KPI), get_overview, &company_subject, GW_SUBJ_COMPANY},
    {"GET", "/api/v1/metrics", NQ_READ(KPI), get_metrics, NULL, GW_SUBJ_NONE},
};

const gw_routes_t gw_target_routes = {rows, sizeof(rows) / sizeof(rows[0])};
