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
#include "teamdoc.h"

/* The settings, one row each: adding one is adding a row. */
static const struct {
    const char *name; /* the member */
    bool fallback;    /* its value when not set */
} settings[] = {
    {"leaderboard_visible", false},
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

/* Answer every setting of team with its value in doc (borrowed; NULL: none set). */
static void respond_settings(nq_http_conn_t *conn, const char *team, const json_t *doc, void *data)
{
    (void)data;
    json_t *body = json_pack("{s:s}", "team_id", team);
    for (size_t i = 0; body && i < N_SETTINGS; i++) {
        const json_t *v = json_object_get(doc, settings[i].name);
        json_object_set_new(
            body, settings[i].name,
            json_boolean(json_is_boolean(v) ? json_is_true(v) : settings[i].fallback));
    }
    if (body)
        gw_respond_json(conn, 200, body, NULL);
    else
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
}

static void get_settings(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    if (team)
        gw_team_doc_read(req, NQ_KEY_TEAM_SETTINGS, team, NQ_REASON("the team settings"),
                         respond_settings, NULL);
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
    gw_team_doc_write(req, NQ_KEY_TEAM_SETTINGS, team, body, NQ_REASON("the team settings"),
                      respond_settings, NULL);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/teams/:id/settings", NQ_READ(RULES), get_settings, NULL, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/settings", NQ_WRITE(RULES), put_settings, NULL, GW_SUBJ_TEAM},
};

const gw_routes_t gw_team_settings_routes = {rows, sizeof(rows) / sizeof(rows[0])};
