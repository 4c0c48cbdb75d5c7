/* h_alert_rules.c — GET and PUT /api/v1/teams/{id}/alert-rules.
 *
 * A team's alert rule settings over the company defaults
 * (services/alerting/settings.h). GET answers every rule with its effective
 * settings, the defaults and the team's overrides; PUT replaces the team's
 * overrides with {"rules": {<rule>: {<parameter>: value, "enabled": bool}}}
 * (an unknown rule or parameter, or a bad value, is a 400 naming
 * "rules.<rule>.<parameter>"; an unknown team a 404) and answers like GET.
 * nq-alerting reads the overrides with each batch: a change applies to the
 * next events it evaluates.
 */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "nq/keys.h"
#include "nq/scripts.h"
#include "settings.h"

typedef struct rules_job {
    nq_http_conn_t *conn; /* retained */
    gateway_t *gw;
    char team[NQ_ID_MAX + 1];
    json_t *overrides; /* PUT: the canonical overrides written */
} rules_job_t;

static rules_job_t *job_new(const gw_request_t *req, const char *team)
{
    rules_job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return NULL;
    }
    j->conn = req->conn;
    j->gw = req->gw;
    snprintf(j->team, sizeof(j->team), "%s", team);
    nq_http_conn_retain(req->conn);
    return j;
}

static void job_end(rules_job_t *j)
{
    json_decref(j->overrides);
    nq_http_conn_release(j->conn);
    free(j);
}

/* Answer the team's rules with `overrides` (borrowed; NULL: none). */
static void respond_rules(rules_job_t *j, const json_t *overrides)
{
    alert_config_t defaults, eff;
    alert_config_defaults(&defaults, j->gw->svc->cfg.big_order_fen);
    eff = defaults;
    nq_field_errors_t errs = {0};
    json_t *canon = NULL;
    if (alert_config_apply(&eff, overrides, &canon, &errs) != 0) {
        eff = defaults; /* stored overrides that no longer read: the defaults apply */
        canon = json_object();
    }
    gw_respond_json(j->conn, 200,
                    json_pack("{s:s, s:o, s:o}", "team_id", j->team, "rules",
                              alert_config_json(&eff, &defaults), "overrides", canon),
                    NULL);
}

static int send_call(rules_job_t *j, const nq_script_t *s, nq_redis_cb cb, const char *json)
{
    char team_key[160];
    nq_key_team(team_key, sizeof(team_key), j->team);
    if (json)
        return nq_script_callf(j->gw->svc->redis, s, cb, j, 2, "%s %s %s %s", team_key,
                               NQ_KEY_ALERT_RULES, j->team, json);
    return nq_script_callf(j->gw->svc->redis, s, cb, j, 2, "%s %s %s", team_key, NQ_KEY_ALERT_RULES,
                           j->team);
}

/* {1 when the team exists, its overrides or nil} */
static void on_read(nq_redis_t *r, redisReply *reply, void *data)
{
    rules_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        gw_respond_unavailable(j->conn, "the alert rules");
    } else if (reply->element[0]->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        const redisReply *v = reply->element[1];
        json_t *o = v->type == REDIS_REPLY_STRING ? json_loads(v->str, 0, NULL) : NULL;
        respond_rules(j, o);
        json_decref(o);
    }
    job_end(j);
}

void gw_alert_rules_get(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    rules_job_t *j = team ? job_new(req, team) : NULL;
    if (j && send_call(j, NQ_SCRIPT(ALERT_RULES_READ), on_read, NULL) != 0) {
        gw_respond_unavailable(req->conn, "the alert rules");
        job_end(j);
    }
}

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    rules_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        gw_respond_unavailable(j->conn, "the alert rules");
    } else if (reply->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        respond_rules(j, j->overrides);
    }
    job_end(j);
}

void gw_alert_rules_put(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? gw_parse_json_body(req) : NULL;
    if (!body)
        return;
    nq_field_errors_t errs = {0};
    const char *key;
    json_t *v;
    json_object_foreach (body, key, v) {
        if (strcmp(key, "rules") != 0)
            nq_field_errors_add(&errs, key, "unknown field: send {\"rules\": {...}}");
    }
    json_t *rules = json_object_get(body, "rules");
    if (!rules)
        nq_field_errors_add(&errs, "rules", "is required (an object; {} clears the overrides)");
    alert_config_t c;
    alert_config_defaults(&c, req->gw->svc->cfg.big_order_fen);
    json_t *canon = NULL;
    if (errs.n == 0)
        alert_config_apply(&c, rules, &canon, &errs);
    json_decref(body);
    if (errs.n > 0) {
        gw_respond_error(req->conn, 400, "invalid", "bad alert rules", &errs);
        return;
    }
    char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
    rules_job_t *j = text ? job_new(req, team) : NULL;
    if (!j) {
        free(text);
        json_decref(canon);
        if (!text)
            gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    j->overrides = canon;
    if (send_call(j, NQ_SCRIPT(ALERT_RULES_WRITE), on_written, text) != 0) {
        gw_respond_unavailable(req->conn, "the alert rules");
        job_end(j);
    }
    free(text);
}
