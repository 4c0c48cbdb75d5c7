/* h_activity_read.c — GET /api/v1/activities: the events that were recorded,
 * read back from the activity index (nq/actindex.h), newest first, a page
 * at a time:
 *
 *   ?salesperson=<id>                  one salesperson's events
 *   ?customer=<id>[&salesperson=<id>]  one customer's (of one salesperson only)
 *   ?team=<id>                         the events of the team's members now
 *                                      (team.get.v1 from nq-customers), merged;
 *                                      at most NQ_ACTINDEX_MERGE_MAX members
 *   &type=visit,call  &from=<time>  &to=<time>  &cursor=<next_cursor>  &limit=1..200
 *
 * and GET /api/v1/customers/{id}/timeline, the same read of one customer's
 * timeline with the customer from the path (`types` naming the type filter);
 * GET /api/v1/salespeople/{id}/activities, one salesperson's with the
 * salesperson from the path (a route scoped to the salesperson, so a
 * coordinator reads their own people's); GET /api/v1/teams/{id}/idle, who
 * of the team's members now has no event in the day (or period) of `at`.
 *
 * The answer is {"items":[event, ...], "next_cursor": "..." or null}, each
 * event in the JSON a feed posts (activity_json.h) with its received_at; on
 * a customer's timeline also the salesperson's name (salesperson_name).
 * The index is read straight from Redis (nq/actindex_fetch.h), as KPIs are.
 *
 * Scoping (scope_check.c, GW_SUBJ_QUERY): the query's customer (else its
 * salesperson, else its team) must be in the caller's scope, as the :id of
 * a route would be; 404 otherwise. A customer in scope shows its whole
 * timeline, as GET /api/v1/customers/{id}/timeline does.
 */
#include <stdlib.h>
#include <string.h>

#include "activity_json.h"
#include "gateway.h"
#include "nq/actindex_fetch.h"
#include "nq/fielderr.h"
#include "nq/kpi_json.h"
#include "nq/log.h"

/* One read, from the query to the answer. */
typedef struct act_read {
    nq_http_conn_t *conn;                /* retained while Redis reads */
    nq_actindex_query_t q;               /* points into the fields below */
    char salesperson[NQ_ID_MAX + 1];     /* ?salesperson, "" when absent */
    char customer[NQ_ID_MAX + 1];        /* ?customer, "" when absent */
    char team[NQ_ID_MAX + 1];            /* ?team, "" when absent */
    char types[NQ_ACTINDEX_TYPES_MAX];   /* ",visit,call," or "" */
    char cursor[NQ_ACTINDEX_MEMBER_MAX]; /* the member the cursor names, "" when absent */
    const char *one[1];                  /* q.salespeople of a salesperson's read */
    gateway_t *named;                    /* a customer's timeline: reporters named (orgnames.h) */
} act_read_t;

/* ---- the query -------------------------------------------------------------- */

/* Whether the raw query names parameter `name` at all. */
static bool query_has(const nq_http_request_t *http, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = http->query; p && *p;) {
        size_t pair = strcspn(p, "&");
        if (strncmp(p, name, n) == 0 && (p[n] == '=' || p[n] == '&' || p[n] == '\0'))
            return true;
        p += pair + (p[pair] == '&');
    }
    return false;
}

/* ?name into buf: 1 when given, 0 when absent, -1 (recorded in errs) when
 * too long or badly %-encoded. */
static int param(const gw_request_t *req, const char *name, char *buf, size_t len,
                 nq_field_errors_t *errs)
{
    if (nq_http_query_param(req->http, name, buf, len) >= 0)
        return 1;
    buf[0] = '\0';
    if (!query_has(req->http, name))
        return 0;
    nq_field_errors_add(errs, name, "is too long or badly %%-encoded");
    return -1;
}

static void id_param(const gw_request_t *req, const char *name, char *buf, nq_field_errors_t *errs)
{
    char raw[256];
    if (param(req, name, raw, sizeof(raw), errs) != 1)
        return;
    if (!nq_valid_id(raw))
        nq_field_errors_add(errs, name, NQ_ID_RULE);
    else
        memcpy(buf, raw, strlen(raw) + 1); /* a valid id fits NQ_ID_MAX */
}

/* A plain date ("2026-11-30") as `to` means up to the end of that day. */
static bool is_date(const char *s)
{
    return strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

static void time_param(const gw_request_t *req, const char *name, bool end_of_day, bool *has,
                       int64_t *ms, nq_field_errors_t *errs)
{
    char raw[64];
    const char *why = "must be a date (2026-11-26), an RFC 3339 time or Unix ms";
    if (param(req, name, raw, sizeof(raw), errs) != 1)
        return;
    nq_period_t day;
    if (nq_time_parse(raw, ms, &why) != 0) {
        nq_field_errors_add(errs, name, "%s", why);
    } else if (end_of_day && is_date(raw)) {
        if (nq_period_of(NQ_PERIOD_DAY, *ms, &day) == 0)
            *ms = day.end_ms;
        *has = true;
    } else {
        *has = true;
    }
}

static void limit_param(const gw_request_t *req, size_t *limit, nq_field_errors_t *errs)
{
    char raw[16];
    *limit = NQ_ACTINDEX_LIMIT_DEFAULT;
    if (param(req, "limit", raw, sizeof(raw), errs) != 1)
        return;
    char *end;
    long v = strtol(raw, &end, 10);
    if (!*raw || *end || raw[0] == '-' || raw[0] == '+' || v < 1 || v > NQ_ACTINDEX_LIMIT_MAX)
        nq_field_errors_add(errs, "limit", "must be an integer from 1 to %d",
                            NQ_ACTINDEX_LIMIT_MAX);
    else
        *limit = (size_t)v;
}

/* Whose events: one of salesperson, customer (with a salesperson or not) or team. */
static void subject_params(const gw_request_t *req, act_read_t *rd, nq_field_errors_t *errs)
{
    id_param(req, "salesperson", rd->salesperson, errs);
    id_param(req, "customer", rd->customer, errs);
    id_param(req, "team", rd->team, errs);
    if (errs->n)
        return;
    if (*rd->team && (*rd->salesperson || *rd->customer))
        nq_field_errors_add(errs, "team", "cannot be combined with salesperson or customer");
    else if (!*rd->team && !*rd->salesperson && !*rd->customer)
        nq_field_errors_add(errs, "salesperson",
                            "one of salesperson, customer or team is required");
}

/* The query but its subject into rd->q, the type filter named `types_name`.
 * Returns 0, or -1 with errs filled. */
static int parse_query(const gw_request_t *req, act_read_t *rd, const char *types_name,
                       nq_field_errors_t *errs)
{
    nq_actindex_query_t *q = &rd->q;
    char raw[NQ_ACTINDEX_CURSOR_MAX];
    const char *why;
    if (param(req, types_name, raw, sizeof(raw), errs) == 1 &&
        nq_actindex_types_parse(raw, rd->types, sizeof(rd->types), &why) != 0)
        nq_field_errors_add(errs, types_name, "%s", why);
    time_param(req, "from", false, &q->has_from, &q->from, errs);
    time_param(req, "to", true, &q->has_to, &q->to, errs);
    if (q->has_from && q->has_to && q->to <= q->from)
        nq_field_errors_add(errs, "to", "must be after from");
    limit_param(req, &q->limit, errs);
    if (param(req, "cursor", raw, sizeof(raw), errs) == 1 &&
        nq_actindex_cursor_decode(raw, *rd->customer != '\0', rd->cursor, sizeof(rd->cursor)) != 0)
        nq_field_errors_add(errs, "cursor",
                            "is not a cursor of this list (pass the next_cursor of its page "
                            "before)");
    q->types = rd->types;
    q->cursor = *rd->cursor ? rd->cursor : NULL;
    if (*rd->customer)
        q->customer = rd->customer;
    if (*rd->salesperson) {
        rd->one[0] = rd->salesperson;
        q->salespeople = rd->one;
        q->n_salespeople = 1;
    }
    return errs->n ? -1 : 0;
}

/* ---- the answer --------------------------------------------------------------- */

/* The page as JSON; with `named`, each event's salesperson named beside the id. */
static void respond_page(nq_http_conn_t *conn, const nq_actindex_page_t *page, gateway_t *named)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < page->n; i++)
        json_array_append_new(items,
                              pbjson_encode(&gw_activity_schema, &page->items[i].event->base));
    char cursor[NQ_ACTINDEX_CURSOR_MAX];
    json_t *next = page->next && nq_actindex_cursor_encode(page->next, cursor, sizeof(cursor)) > 0
                       ? json_string(cursor)
                       : json_null();
    json_t *body = json_pack("{s:o?, s:o?}", "items", items, "next_cursor", next);
    if (!body) {
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
        return;
    }
    if (named)
        gw_respond_named(named, conn, body, items);
    else
        gw_respond_json(conn, 200, body, NULL);
}

static void on_page(int status, const nq_actindex_page_t *page, void *data)
{
    act_read_t *rd = data;
    if (!nq_http_conn_open(rd->conn)) {
        /* the client left */
    } else if (status != 0) {
        gw_respond_unavailable(rd->conn, "the activity index");
    } else {
        respond_page(rd->conn, page, rd->named);
    }
    nq_http_conn_release(rd->conn);
    free(rd);
}

/* Read the page of rd->q; rd is the read's from now on (freed when answered). */
static void fetch(nq_http_conn_t *conn, nq_redis_t *redis, act_read_t *rd)
{
    rd->conn = conn;
    nq_http_conn_retain(conn);
    if (nq_actindex_fetch(redis, &rd->q, on_page, rd) != 0) {
        nq_http_conn_release(conn);
        gw_respond_unavailable(conn, "the activity index");
        free(rd);
    }
}

/* ---- a team: its members now, then their timelines merged ---------------------- */

typedef struct team_read {
    act_read_t *rd;    /* the read (owned until handed to fetch) */
    nq_redis_t *redis; /* where the index is read */
} team_read_t;

static void team_read_free(void *data)
{
    team_read_t *t = data;
    free(t->rd);
    free(t);
}

static void on_team(nq_http_conn_t *conn, const ProtobufCMessage *msg, const Nq__ReplyHeader *hdr,
                    void *data)
{
    team_read_t *t = data;
    const Nq__Team *team = ((const Nq__OrgReply *)msg)->team;
    if (hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK) {
        gw_respond_reply(conn, hdr, 200, NULL);
        return;
    }
    size_t n = team ? team->n_members : 0;
    if (n > NQ_ACTINDEX_MERGE_MAX) {
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, "team",
                            "has %zu members now; at most %d are read together: ask per "
                            "salesperson",
                            n, NQ_ACTINDEX_MERGE_MAX);
        gw_respond_error(conn, 400, "invalid", "bad query parameter", &errs);
        return;
    }
    if (n == 0) {
        nq_actindex_page_t empty = {NULL, 0, NULL};
        respond_page(conn, &empty, NULL);
        return;
    }
    act_read_t *rd = t->rd;
    t->rd = NULL; /* the fetch's now, whatever it answers */
    rd->q.salespeople = (const char *const *)team->members; /* copied by the fetch */
    rd->q.n_salespeople = n;
    fetch(conn, t->redis, rd);
}

/* A read of the request's query, its subject set by `subject`; NULL when
 * answered already (bad query, out of memory). */
static act_read_t *read_of(const gw_request_t *req, const char *types_name,
                           void (*subject)(const gw_request_t *, act_read_t *, nq_field_errors_t *))
{
    act_read_t *rd = calloc(1, sizeof(*rd));
    if (!rd) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return NULL;
    }
    nq_field_errors_t errs = {0};
    subject(req, rd, &errs);
    if (parse_query(req, rd, types_name, &errs) != 0) {
        gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
        free(rd);
        return NULL;
    }
    return rd;
}

static void get_activities(const gw_request_t *req)
{
    act_read_t *rd = read_of(req, "type", subject_params);
    if (!rd)
        return;
    if (!*rd->team) {
        fetch(req->conn, req->gw->svc->redis, rd);
        return;
    }
    team_read_t *t = malloc(sizeof(*t));
    if (!t) {
        free(rd);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    *t = (team_read_t){rd, req->gw->svc->redis};
    Nq__OrgRequest msg = NQ__ORG_REQUEST__INIT;
    msg.id = rd->team;
    gw_call(req, NQ_MSG(TEAM_GET), &msg.base, on_team, t, team_read_free);
}

/* The customer of the path, whose timeline is read. */
static void path_customer(const gw_request_t *req, act_read_t *rd, nq_field_errors_t *errs)
{
    const char *id = nq_route_param(req->params, "id");
    if (!nq_valid_id(id))
        nq_field_errors_add(errs, "id", NQ_ID_RULE);
    else
        memcpy(rd->customer, id, strlen(id) + 1);
}

/* GET /api/v1/customers/{id}/timeline: every event about the customer, newest first. */
static void get_customer_timeline(const gw_request_t *req)
{
    act_read_t *rd = read_of(req, "types", path_customer);
    if (!rd)
        return;
    rd->named = req->gw; /* who reported: a salesperson sees only themselves listed */
    fetch(req->conn, req->gw->svc->redis, rd);
}

/* The salesperson of the path, whose events are read. */
static void path_salesperson(const gw_request_t *req, act_read_t *rd, nq_field_errors_t *errs)
{
    const char *id = nq_route_param(req->params, "id");
    if (!nq_valid_id(id))
        nq_field_errors_add(errs, "id", NQ_ID_RULE);
    else
        memcpy(rd->salesperson, id, strlen(id) + 1);
}

/* GET /api/v1/salespeople/{id}/activities: the salesperson's events, newest first. */
static void get_salesperson_activities(const gw_request_t *req)
{
    act_read_t *rd = read_of(req, "type", path_salesperson);
    if (rd)
        fetch(req->conn, req->gw->svc->redis, rd);
}

/* ---- who has no activity: each member's index read for one event of the period -- */

typedef struct idle_read {
    nq_http_conn_t *conn; /* retained until answered */
    nq_redis_t *redis;    /* where the index is read */
    nq_period_t period;   /* the day (or period) asked about */
    char team[NQ_ID_MAX + 1];
    size_t n, left; /* members; reads not answered yet (+1 while starting) */
    bool failed;    /* a read failed or could not start */
    char (*members)[NQ_ID_MAX + 1];
    bool *active; /* [i]: members[i] has an event in the period */
} idle_read_t;

typedef struct idle_slot {
    idle_read_t *rd;
    size_t i;
} idle_slot_t;

static void idle_free(idle_read_t *rd)
{
    free(rd->members);
    free(rd->active);
    free(rd);
}

/* One read fewer to wait for; the last answers and frees the read. */
static void idle_step(idle_read_t *rd)
{
    if (--rd->left > 0)
        return;
    if (!nq_http_conn_open(rd->conn)) {
        /* the client left */
    } else if (rd->failed) {
        gw_respond_unavailable(rd->conn, "the activity index");
    } else {
        json_t *idle = json_array();
        for (size_t i = 0; idle && i < rd->n; i++)
            if (!rd->active[i])
                json_array_append_new(idle, json_string(rd->members[i]));
        json_t *body =
            json_pack("{s:s, s:o, s:I, s:o?}", "team_id", rd->team, "period",
                      nq_period_to_json(&rd->period), "members", (json_int_t)rd->n, "idle", idle);
        if (body)
            gw_respond_json(rd->conn, 200, body, NULL);
        else
            gw_respond_error(rd->conn, 500, "internal", "out of memory", NULL);
    }
    nq_http_conn_release(rd->conn);
    idle_free(rd);
}

static void on_idle_page(int status, const nq_actindex_page_t *page, void *data)
{
    idle_slot_t *slot = data;
    idle_read_t *rd = slot->rd;
    if (status != 0)
        rd->failed = true;
    else
        rd->active[slot->i] = page->n > 0;
    free(slot);
    idle_step(rd);
}

/* Read one event of the period from member i's index. */
static void idle_ask(idle_read_t *rd, size_t i)
{
    const char *one[1] = {rd->members[i]};
    nq_actindex_query_t q = {.salespeople = one,
                             .n_salespeople = 1,
                             .types = "",
                             .has_from = true,
                             .from = rd->period.start_ms,
                             .has_to = true,
                             .to = rd->period.end_ms,
                             .limit = 1};
    idle_slot_t *slot = malloc(sizeof(*slot));
    if (slot)
        *slot = (idle_slot_t){rd, i};
    if (!slot || nq_actindex_fetch(rd->redis, &q, on_idle_page, slot) != 0) {
        free(slot);
        rd->failed = true;
        rd->left--;
    }
}

/* The team call's data: the read until on_idle_team hands it to the index reads. */
typedef struct idle_call {
    idle_read_t *rd;
} idle_call_t;

static void idle_call_free(void *data)
{
    idle_call_t *call = data;
    if (call->rd)
        idle_free(call->rd);
    free(call);
}

static void on_idle_team(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                         const Nq__ReplyHeader *hdr, void *data)
{
    idle_call_t *call = data;
    idle_read_t *rd = call->rd;
    const Nq__Team *team = ((const Nq__OrgReply *)msg)->team;
    if (hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK) {
        gw_respond_reply(conn, hdr, 200, NULL);
        return;
    }
    size_t n = team ? team->n_members : 0;
    rd->members = calloc(n ? n : 1, sizeof(*rd->members));
    rd->active = calloc(n ? n : 1, sizeof(*rd->active));
    if (!rd->members || !rd->active) {
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
        return;
    }
    rd->n = n;
    for (size_t i = 0; i < n; i++)
        snprintf(rd->members[i], sizeof(rd->members[i]), "%s", team->members[i]);
    call->rd = NULL; /* the reads own it from here on */
    rd->conn = conn;
    nq_http_conn_retain(conn);
    rd->left = n + 1;
    for (size_t i = 0; i < n; i++)
        idle_ask(rd, i);
    idle_step(rd);
}

/* GET /api/v1/teams/{id}/idle?period=day&at=: the members now without an event in the
 * period of `at` (default: today). */
static void get_team_idle(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    nq_period_kind_t kind;
    int64_t at;
    char given[16];
    if (!id || gw_period_query(req, &kind, &at) != 0)
        return;
    if (nq_http_query_param(req->http, "period", given, sizeof(given)) < 0)
        kind = NQ_PERIOD_DAY;
    idle_call_t *call = malloc(sizeof(*call));
    idle_read_t *rd = calloc(1, sizeof(*rd));
    if (!call || !rd) {
        free(call);
        free(rd);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    call->rd = rd;
    if (nq_period_of(kind, at, &rd->period) != 0) {
        free(call);
        free(rd);
        gw_respond_error(req->conn, 400, "invalid", "time outside the calendar", NULL);
        return;
    }
    rd->redis = req->gw->svc->redis;
    snprintf(rd->team, sizeof(rd->team), "%s", id);
    Nq__OrgRequest msg = NQ__ORG_REQUEST__INIT;
    msg.id = rd->team;
    gw_call(req, NQ_MSG(TEAM_GET), &msg.base, on_idle_team, call, idle_call_free);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/activities", NQ_READ(ACTIVITY), get_activities, NULL, GW_SUBJ_QUERY},
    {"GET", "/api/v1/salespeople/:id/activities", NQ_READ(ACTIVITY), get_salesperson_activities,
     NULL, GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/teams/:id/idle", NQ_READ(ACTIVITY), get_team_idle, NULL, GW_SUBJ_TEAM},
    {"GET", "/api/v1/customers/:id/timeline", NQ_READ(ACTIVITY), get_customer_timeline, NULL,
     GW_SUBJ_CUSTOMER},
};

const gw_routes_t gw_activity_read_routes = {rows, sizeof(rows) / sizeof(rows[0])};
