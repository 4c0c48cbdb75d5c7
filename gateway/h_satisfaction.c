/* h_satisfaction.c — satisfaction and training of a salesperson, a team or
 * the company for a period (nq/satisf.h), from the KPI counters the scorers
 * keep (nq_kpi_fetch: nothing recounted) and the activity index:
 *
 *   GET /api/v1/satisfaction?scope=company|team:<id>|salesperson:<id>&period=2026-11
 *       average rating, NPS, answers, the period before and the change; per
 *       member (team, salesperson scopes); the last comments in scope.
 *   GET /api/v1/training?scope=...&period=...
 *       trainings and hours per salesperson with their courses and scores;
 *       a scope's completion (members with at least one training); for a
 *       team or a salesperson the required courses (the company's and the
 *       team's, trainreq.h) each member has done and misses, and the share
 *       of members who have done them all.
 *
 * A team is its members now (scopesps.h), each with their whole period.
 * Scoping: the scope stage answers 404 for another team; scopesps.c for a
 * salesperson out of reach. The company gives totals only. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/actindex_fetch.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/kpi_fetch.h"
#include "nq/satisf.h"
#include "satjson.h"
#include "scope_check.h"
#include "scopesps.h"
#include "trainreq.h"

#define SAT_MAX_SALESPEOPLE 5000 /* a scope's salespeople read at most (503 above) */

typedef struct sat_call sat_call_t;

/* What a route reads and answers: its row's argument. */
typedef struct sat_kind {
    bool previous;                            /* also the period before */
    bool courses;                             /* each member's training events */
    void (*answer)(sat_call_t *c, json_t *o); /* the scope's figures into o */
} sat_kind_t;

/* One KPI read of a member: which call, which slot. */
typedef struct slot {
    sat_call_t *c;
    nq_kpi_values_t *v;
} slot_t;

/* One member's reads. */
typedef struct member {
    char *id;
    nq_kpi_values_t v[2]; /* the period, the one before */
    slot_t slot[2];       /* their reads */
    json_t *courses;      /* training events in the period (courses) */
    bool truncated;       /* the period has trainings older than those in courses */
} member_t;

struct sat_call {
    nq_http_conn_t *conn; /* retained until answered */
    gateway_t *gw;
    const sat_kind_t *kind;
    char scope[NQ_ID_MAX + 16];
    nq_period_t period[2]; /* asked for, the one before */
    member_t *m;
    size_t n;
    size_t left;      /* reads to wait for */
    bool failed;      /* a read failed */
    json_t *comments; /* the last comments in scope (satisfaction) */
    json_t *required; /* the required courses of the members' team (training, a team or one) */
};

static bool lists_members(const sat_call_t *c)
{
    return strcmp(c->scope, "company") != 0;
}

static void call_free(sat_call_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->m[i].id);
        json_decref(c->m[i].courses);
    }
    free(c->m);
    json_decref(c->comments);
    json_decref(c->required);
    nq_http_conn_release(c->conn);
    free(c);
}

static void satisf_answer(sat_call_t *c, json_t *o)
{
    nq_satisf_t tot[2] = {{0}, {0}};
    json_t *list = json_array();
    for (size_t i = 0; i < c->n; i++) {
        nq_satisf_t s[2];
        for (int k = 0; k < 2; k++) {
            nq_satisf_from_kpi(&c->m[i].v[k], &s[k]);
            nq_satisf_add(&tot[k], &s[k]);
        }
        json_t *one = gw_satisf_compare_json(&c->period[0], &s[0], &c->period[1], &s[1]);
        if (one && lists_members(c)) {
            json_object_set_new(one, "salesperson_id", json_string(c->m[i].id));
            json_array_append_new(list, one);
        } else {
            json_decref(one);
        }
    }
    json_t *total = gw_satisf_compare_json(&c->period[0], &tot[0], &c->period[1], &tot[1]);
    json_object_update(o, total);
    json_decref(total);
    json_object_set_new(o, "salespeople", lists_members(c) ? list : json_null());
    if (!lists_members(c))
        json_decref(list);
    json_object_set(o, "comments", c->comments ? c->comments : json_null());
}

/* The required courses' figures of the scope into o: the list, how many
 * members did them all and that share (null without requirements or
 * members; all null for the company). */
static void required_answer(sat_call_t *c, json_t *o, int64_t completed)
{
    int64_t pct;
    bool has =
        json_array_size(c->required) > 0 && nq_training_completion(completed, (int64_t)c->n, &pct);
    json_object_set(o, "required_courses", c->required ? c->required : json_null());
    json_object_set_new(o, "required_completed",
                        c->required ? json_integer((json_int_t)completed) : json_null());
    json_object_set_new(o, "required_completion", has ? json_real((double)pct / 10) : json_null());
}

static void training_answer(sat_call_t *c, json_t *o)
{
    int64_t trained = 0, trainings = 0, seconds = 0, completed = 0, pct;
    json_t *list = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const nq_kpi_values_t *v = &c->m[i].v[0];
        trained += v->v[NQ_KPI_TRAININGS] > 0;
        trainings += v->v[NQ_KPI_TRAININGS];
        seconds += v->v[NQ_KPI_TRAINING_S];
        if (!lists_members(c))
            continue;
        bool all = false;
        json_t *req = c->required ? gw_trainreq_status(c->required, c->m[i].courses, &all) : NULL;
        completed += all;
        json_t *one =
            json_pack("{s:s, s:I, s:f, s:O, s:b, s:o}", "salesperson_id", c->m[i].id, "trainings",
                      (json_int_t)v->v[NQ_KPI_TRAININGS], "training_hours",
                      (double)((v->v[NQ_KPI_TRAINING_S] + 18) / 36) / 100, "courses",
                      c->m[i].courses ? c->m[i].courses : json_null(), "courses_truncated",
                      c->m[i].truncated, "required", req ? req : json_null());
        json_array_append_new(list, one);
    }
    required_answer(c, o, completed);
    bool has = nq_training_completion(trained, (int64_t)c->n, &pct);
    json_object_set_new(o, "period", json_string(c->period[0].key));
    json_object_set_new(o, "members", json_integer((json_int_t)c->n));
    json_object_set_new(o, "trained", json_integer((json_int_t)trained));
    json_object_set_new(o, "completion", has ? json_real((double)pct / 10) : json_null());
    json_object_set_new(o, "trainings", json_integer((json_int_t)trainings));
    json_object_set_new(o, "training_hours", json_real((double)((seconds + 18) / 36) / 100));
    json_object_set_new(o, "salespeople", lists_members(c) ? list : json_null());
    if (!lists_members(c))
        json_decref(list);
}

static void answer(sat_call_t *c)
{
    json_t *o = json_object();
    if (!nq_http_conn_open(c->conn)) {
        /* the client left */
    } else if (c->failed || !o) {
        gw_respond_unavailable(c->conn, "the KPI store");
    } else {
        json_object_set_new(o, "scope", json_string(c->scope));
        c->kind->answer(c, o);
        gw_respond_json(c->conn, 200, o, NULL);
        o = NULL;
    }
    json_decref(o);
    call_free(c);
}

static void read_done(sat_call_t *c)
{
    if (--c->left == 0)
        answer(c);
}

static void on_values(int status, const nq_kpi_values_t *v, void *data)
{
    slot_t *s = data;
    if (status != 0)
        s->c->failed = true;
    else
        *s->v = *v;
    read_done(s->c);
}

/* A member's training events of the period, as courses: the newest page
 * (NQ_ACTINDEX_LIMIT_MAX at most, within the index's scan budget); a cursor
 * left means older ones were not read (courses_truncated). */
static void on_courses(int status, const nq_actindex_page_t *page, void *data)
{
    slot_t *s = data;
    member_t *m = (member_t *)((char *)s - offsetof(member_t, slot));
    json_t *list = json_array();
    if (status != 0 || !list) {
        s->c->failed = true;
    } else {
        for (size_t i = 0; i < page->n; i++)
            json_array_append_new(list, gw_course_json(page->items[i].event));
        m->courses = json_incref(list);
        m->truncated = page->next != NULL;
    }
    json_decref(list);
    read_done(s->c);
}

static void on_comments(int status, const nq_actindex_page_t *page, void *data)
{
    sat_call_t *c = data;
    json_t *list = json_array();
    if (status != 0 || !list) {
        c->failed = true;
    } else {
        for (size_t i = 0; i < page->n; i++)
            json_array_append_new(list, gw_comment_json(page->items[i].event));
        c->comments = json_incref(list);
    }
    json_decref(list);
    read_done(c);
}

/* The events of `types` in the period of `n` salespeople, newest first. */
static int fetch_events(sat_call_t *c, const char *const *ids, size_t n, const char *types,
                        size_t limit, nq_actindex_fetch_cb cb, void *data)
{
    nq_actindex_query_t q = {.salespeople = ids,
                             .n_salespeople = n,
                             .types = types,
                             .has_from = true,
                             .has_to = true,
                             .from = c->period[0].start_ms,
                             .to = c->period[0].end_ms,
                             .limit = limit};
    return nq_actindex_fetch(c->gw->svc->redis, &q, cb, data);
}

/* The company's and team's required course documents: {company, team}. */
static void on_required(nq_redis_t *r, redisReply *reply, void *data)
{
    sat_call_t *c = data;
    (void)r;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        c->failed = true;
    } else {
        json_t *doc[2] = {NULL, NULL};
        for (int k = 0; k < 2; k++) {
            const redisReply *v = reply->element[k];
            doc[k] = v->type == REDIS_REPLY_STRING ? json_loads(v->str, 0, NULL) : NULL;
        }
        c->required = gw_trainreq_union(doc[0], doc[1]);
        c->failed |= !c->required;
        json_decref(doc[0]);
        json_decref(doc[1]);
    }
    read_done(c);
}

/* Read the required courses of `team` ("" none: the company's only). */
static void read_required(sat_call_t *c, const char *team)
{
    if (nq_redis_command(c->gw->svc->redis, on_required, c, "HMGET %s %s %s",
                         NQ_KEY_TRAINING_REQUIRED, NQ_TRAINING_COMPANY, team) != 0) {
        c->failed = true;
        read_done(c);
    }
}

/* A salesperson scope's team, then its required courses. */
static void on_sp_team(const char *const *teams, void *data)
{
    sat_call_t *c = data;
    if (!teams) {
        c->failed = true;
        read_done(c);
        return;
    }
    read_required(c, teams[0]);
}

/* The required courses of a team's or a salesperson's scope. */
static void start_required(sat_call_t *c)
{
    const char *one[] = {c->m[0].id};
    c->left++;
    if (strncmp(c->scope, "team:", 5) == 0)
        read_required(c, c->scope + 5);
    else if (gw_scope_teams_of(c->gw, one, 1, on_sp_team, c) != 0) {
        c->failed = true;
        c->left--;
    }
}

/* Send every read; the answer after the last. */
static void read_all(sat_call_t *c)
{
    nq_redis_t *r = c->gw->svc->redis;
    c->left = 1; /* held until every read is sent */
    for (size_t i = 0; i < c->n; i++) {
        member_t *m = &c->m[i];
        for (int k = 0; k < (c->kind->previous ? 2 : 1); k++) {
            m->slot[k] = (slot_t){c, &m->v[k]};
            c->left++;
            if (nq_kpi_fetch(r, m->id, &c->period[k], on_values, &m->slot[k]) != 0) {
                c->failed = true;
                c->left--;
            }
        }
        const char *one[] = {m->id};
        if (c->kind->courses && lists_members(c)) {
            c->left++;
            if (fetch_events(c, one, 1, ",training,", NQ_ACTINDEX_LIMIT_MAX, on_courses,
                             &m->slot[0]) != 0) {
                c->failed = true;
                c->left--;
            }
        }
    }
    if (c->kind->courses && lists_members(c) && c->n > 0)
        start_required(c);
    const char **ids = calloc(c->n + 1, sizeof(*ids));
    for (size_t i = 0; ids && i < c->n; i++)
        ids[i] = c->m[i].id;
    /* the last comments: of a team or a salesperson (a company's would pass
     * NQ_ACTINDEX_MERGE_MAX timelines and other teams' people) */
    if (!c->kind->courses && lists_members(c) && c->n > 0 && c->n <= NQ_ACTINDEX_MERGE_MAX) {
        c->left++;
        if (!ids ||
            fetch_events(c, ids, c->n, ",feedback,", GW_COMMENTS_MAX, on_comments, c) != 0) {
            c->failed = true;
            c->left--;
        }
    }
    free(ids);
    read_done(c);
}

static void on_salespeople(int status, char **ids, size_t n, void *data)
{
    sat_call_t *c = data;
    if (status == 1) { /* answered */
        call_free(c);
        return;
    }
    if (status != 0 || !(c->m = calloc(n + 1, sizeof(*c->m)))) {
        for (size_t i = 0; i < n; i++)
            free(ids[i]);
        free(ids);
        c->failed = true;
        answer(c);
        return;
    }
    for (size_t i = 0; i < n; i++)
        c->m[i].id = ids[i];
    c->n = n;
    free(ids);
    read_all(c);
}

/* ?period=: a month, quarter or year key; absent: this month. 0, or -1
 * answered 400. */
static int period_of(const gw_request_t *req, nq_period_t p[2])
{
    char text[32];
    nq_field_errors_t errs = {0};
    int given = nq_http_query_param(req->http, "period", text, sizeof(text));
    int rc = given >= 0 ? nq_satisf_period_parse(text, &p[0])
                        : nq_period_of(NQ_PERIOD_MONTH, nq_now_ms(), &p[0]);
    if (rc == 0 && nq_period_prev(&p[0], &p[1]) == 0)
        return 0;
    nq_field_errors_add(&errs, "period",
                        "must be a month (2026-11), a quarter (2026-Q4) or a year (2026)");
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
    return -1;
}

static void get_scope_figures(const gw_request_t *req)
{
    sat_call_t *c = calloc(1, sizeof(*c));
    if (!c) {
        gw_respond_unavailable(req->conn, "the gateway (out of memory)");
        return;
    }
    snprintf(c->scope, sizeof(c->scope), "company");
    if (nq_http_query_param(req->http, "scope", c->scope, sizeof(c->scope)) < 0)
        snprintf(c->scope, sizeof(c->scope), "company"); /* as the scope stage reads it */
    if (period_of(req, c->period) != 0) {
        free(c);
        return;
    }
    c->gw = req->gw;
    c->kind = req->route->arg;
    c->conn = req->conn;
    nq_http_conn_retain(req->conn);
    if (gw_scope_salespeople(req, c->scope, SAT_MAX_SALESPEOPLE, on_salespeople, c) != 0)
        call_free(c);
}

static const sat_kind_t satisfaction = {true, false, satisf_answer};
static const sat_kind_t training = {false, true, training_answer};

static const nq_route_t rows[] = {
    {"GET", "/api/v1/satisfaction", NQ_READ(KPI), get_scope_figures, &satisfaction, GW_SUBJ_BOARD},
    {"GET", "/api/v1/training", NQ_READ(KPI), get_scope_figures, &training, GW_SUBJ_BOARD},
};

const gw_routes_t gw_satisfaction_routes = {rows, sizeof(rows) / sizeof(rows[0])};
