/* h_plans.c — scorecards, commission plans, scores and simulations (served
 * by nq-reporting; the documents are checked there, see
 * services/reporting/plans.h).
 *
 *   PUT|GET /api/v1/teams/{id}/scorecard         add a version / list versions
 *   PUT|GET /api/v1/teams/{id}/commission-plan   same for the commission plan
 *   GET  /api/v1/scores/salespeople/{id}?period=month&at=...   score and commission, explained
 *   POST /api/v1/teams/{id}/simulations?period=month&at=...
 *        {"scorecard":{draft},"commission":{draft}}: live and draft side by side
 */
#include <stdlib.h>

#include "gateway.h"

/* The plan kind a route is about ("scorecard", "commission"): the argument
 * of its rows. */
static const char *kind_of(const gw_request_t *req)
{
    return req->route->arg;
}

static void on_document(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                        const Nq__ReplyHeader *hdr, void *data)
{
    const Nq__DocumentReply *rep = (const Nq__DocumentReply *)msg;
    json_t *body = rep->document ? json_loads(rep->document, 0, NULL) : NULL;
    int ok_status = data ? *(const int *)data : 200;
    if (!body && (!hdr->has_status || hdr->status == NQ__STATUS__STATUS_OK)) {
        gw_respond_unavailable(conn, "reporting");
        return;
    }
    gw_respond_reply(conn, hdr, ok_status, body);
}

/* The JSON text of body member `key` (or the whole body when key is NULL). */
static char *member_text(const json_t *body, const char *key)
{
    const json_t *v = key ? json_object_get(body, key) : body;
    return v ? json_dumps(v, JSON_COMPACT) : NULL;
}

static void plan_request(const gw_request_t *req, bool put)
{
    static const int created = 201;
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    Nq__PlanRequest msg = NQ__PLAN_REQUEST__INIT;
    msg.team_id = (char *)id;
    msg.kind = (char *)kind_of(req);
    if (put) {
        json_t *body = gw_parse_json_body(req);
        if (!body)
            return;
        msg.document = member_text(body, NULL);
        json_decref(body);
    }
    gw_call(req, put ? NQ_MSG(PLAN_PUT) : NQ_MSG(PLAN_GET), &msg.base, on_document,
            put ? (void *)&created : NULL, NULL);
    free(msg.document);
}

static void put_plan(const gw_request_t *req)
{
    plan_request(req, true);
}

static void get_plan(const gw_request_t *req)
{
    plan_request(req, false);
}

static void score_request(const gw_request_t *req, bool simulate)
{
    const char *id = gw_path_id(req, "id");
    nq_period_kind_t kind;
    int64_t at;
    if (!id || gw_period_query(req, &kind, &at) != 0)
        return;
    Nq__ScoreRequest msg = NQ__SCORE_REQUEST__INIT;
    msg.period_kind = (char *)nq_period_kind_name(kind);
    msg.has_at = 1;
    msg.at = at;
    if (simulate) {
        json_t *body = gw_parse_json_body(req);
        if (!body)
            return;
        msg.team_id = (char *)id;
        msg.draft_scorecard = member_text(body, "scorecard");
        msg.draft_commission = member_text(body, "commission");
        json_decref(body);
    } else {
        msg.salesperson_id = (char *)id;
    }
    gw_call(req, simulate ? NQ_MSG(SIMULATE) : NQ_MSG(SCORE), &msg.base, on_document, NULL, NULL);
    free(msg.draft_scorecard);
    free(msg.draft_commission);
}

static void get_score(const gw_request_t *req)
{
    score_request(req, false);
}

static void post_simulation(const gw_request_t *req)
{
    score_request(req, true);
}

static const nq_route_t rows[] = {
    {"PUT", "/api/v1/teams/:id/scorecard", NQ_WRITE(PLAN), put_plan, "scorecard", GW_SUBJ_TEAM},
    {"GET", "/api/v1/teams/:id/scorecard", NQ_READ(PLAN), get_plan, "scorecard", GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/commission-plan", NQ_WRITE(PLAN), put_plan, "commission",
     GW_SUBJ_TEAM},
    {"GET", "/api/v1/teams/:id/commission-plan", NQ_READ(PLAN), get_plan, "commission",
     GW_SUBJ_TEAM},
    {"GET", "/api/v1/scores/salespeople/:id", NQ_READ(KPI), get_score, NULL, GW_SUBJ_SALESPERSON},
    {"POST", "/api/v1/teams/:id/simulations", NQ_READ(PLAN), post_simulation, NULL, GW_SUBJ_TEAM},
};

const gw_routes_t gw_plan_routes = {rows, sizeof(rows) / sizeof(rows[0])};
