/* h_team_settings.c — GET and PUT /api/v1/teams/{id}/settings.
 *
 * A team's settings document, {"leaderboard_visible": bool}: whether the
 * team's salespeople see each other's rank and name on leaderboards
 * (boardscope.h; default false: each sees only their own entry). PUT
 * replaces the document (an unknown member or a value of another type is a
 * 400 naming it; an unknown team a 404) and answers like GET. Stored in
 * nq:team:settings by the scripts that keep alert rule overrides, which
 * keep any per-team document in a hash by team id.
 */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/keys.h"
#include "nq/scripts.h"

/* The settings, one row each: adding one is adding a row. */
static const struct {
    const char *name; /* the member */
    bool fallback;    /* its value when not set */
} settings[] = {
    {"leaderboard_visible", false},
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

typedef struct settings_job {
    nq_http_conn_t *conn; /* retained */
    char team[NQ_ID_MAX + 1];
    json_t *doc; /* PUT: the document written */
} settings_job_t;

static void job_end(settings_job_t *j)
{
    json_decref(j->doc);
    nq_http_conn_release(j->conn);
    free(j);
}

/* Every setting with its value in doc (borrowed; NULL: none set). */
static void respond_settings(settings_job_t *j, const json_t *doc)
{
    json_t *body = json_pack("{s:s}", "team_id", j->team);
    for (size_t i = 0; body && i < N_SETTINGS; i++) {
        const json_t *v = json_object_get(doc, settings[i].name);
        json_object_set_new(
            body, settings[i].name,
            json_boolean(json_is_boolean(v) ? json_is_true(v) : settings[i].fallback));
    }
    if (body)
        gw_respond_json(j->conn, 200, body, NULL);
    else
        gw_respond_error(j->conn, 500, "internal", "out of memory", NULL);
}

static int send_call(const gw_request_t *req, settings_job_t *j, const nq_script_t *s,
                     nq_redis_cb cb, const char *json)
{
    char team_key[160];
    nq_key_team(team_key, sizeof(team_key), j->team);
    if (json)
        return nq_script_callf(req->gw->svc->redis, s, cb, j, 2, "%s %s %s %s", team_key,
                               NQ_KEY_TEAM_SETTINGS, j->team, json);
    return nq_script_callf(req->gw->svc->redis, s, cb, j, 2, "%s %s %s", team_key,
                           NQ_KEY_TEAM_SETTINGS, j->team);
}

static settings_job_t *job_new(const gw_request_t *req, const char *team)
{
    settings_job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return NULL;
    }
    j->conn = req->conn;
    snprintf(j->team, sizeof(j->team), "%s", team);
    nq_http_conn_retain(req->conn);
    return j;
}

/* {1 when the team exists, its document or nil} */
static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    settings_job_t *j = data;
    (void)r;
    if (!nq_http_conn_open(j->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        gw_respond_unavailable(j->conn, "the team settings");
    } else if (reply->element[0]->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        const redisReply *v = reply->element[1];
        json_t *doc = v->type == REDIS_REPLY_STRING ? json_loads(v->str, 0, NULL) : NULL;
        respond_settings(j, doc);
        json_decref(doc);
    }
    job_end(j);
}

static void get_settings(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    settings_job_t *j = team ? job_new(req, team) : NULL;
    if (j && send_call(req, j, NQ_SCRIPT(ALERT_RULES_READ), on_read, NULL) != 0) {
        gw_respond_unavailable(req->conn, "the team settings");
        job_end(j);
    }
}

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    settings_job_t *j = data;
    (void)r;
    if (!nq_http_conn_open(j->conn)) {
        /* the client left */
    } else if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        gw_respond_unavailable(j->conn, "the team settings");
    } else if (reply->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        respond_settings(j, j->doc);
    }
    job_end(j);
}

/* Is `name` a setting? */
static bool known(const char *name)
{
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (strcmp(settings[i].name, name) == 0)
            return true;
    return false;
}

static void put_settings(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? gw_parse_json_body(req) : NULL;
    if (!body)
        return;
    nq_field_errors_t errs = {0};
    const char *key;
    json_t *v;
    json_object_foreach (body, key, v) {
        if (!known(key))
            nq_field_errors_add(&errs, key, "unknown field");
        else if (!json_is_boolean(v))
            nq_field_errors_add(&errs, key, "must be true or false");
    }
    if (errs.n > 0) {
        gw_respond_error(req->conn, 400, "invalid", "bad team settings", &errs);
        json_decref(body);
        return;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    settings_job_t *j = text ? job_new(req, team) : NULL;
    if (!j) {
        if (!text)
            gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        free(text);
        json_decref(body);
        return;
    }
    j->doc = body;
    if (send_call(req, j, NQ_SCRIPT(ALERT_RULES_WRITE), on_written, text) != 0) {
        gw_respond_unavailable(req->conn, "the team settings");
        job_end(j);
    }
    free(text);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/teams/:id/settings", NQ_READ(RULES), get_settings, NULL, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/settings", NQ_WRITE(RULES), put_settings, NULL, GW_SUBJ_TEAM},
};

const gw_routes_t gw_team_settings_routes = {rows, sizeof(rows) / sizeof(rows[0])};
