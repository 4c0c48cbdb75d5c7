/* h_alert_rules.c — GET and PUT /api/v1/teams/{id}/alert-rules.
 *
 * A team's alert rule settings over the company defaults
 * (services/alerting/settings.h). GET answers every rule with its effective
 * settings, the defaults and the team's overrides; PUT replaces the team's
 * overrides with {"rules": {<rule>: {<parameter>: value, "enabled": bool}}}
 * (an unknown rule or parameter, or a bad value, is a 400 naming
 * "rules.<rule>.<parameter>"; an unknown team a 404) and answers like GET.
 * nq-alerting reads the overrides with each batch: a change applies to the
 * next events it evaluates. The overrides are a per-team document
 * (teamdoc.h) in nq:alert:rules.
 */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "nq/keys.h"
#include "settings.h"
#include "teamdoc.h"

/* Answer team's rules with `overrides` (borrowed; NULL: none); data is the gateway. */
static void respond_rules(nq_http_conn_t *conn, const char *team, const json_t *overrides,
                          void *data)
{
    const gateway_t *gw = data;
    alert_config_t defaults, eff;
    char err[160];
    if (alert_config_company(&defaults, &gw->svc->cfg, err, sizeof(err)) != 0)
        alert_config_defaults(&defaults, gw->svc->cfg.big_order_fen); /* alerting refuses it */
    eff = defaults;
    nq_field_errors_t errs = {0};
    json_t *canon = NULL;
    if (alert_config_apply(&eff, overrides, &canon, &errs) != 0) {
        eff = defaults; /* stored overrides that no longer read: the defaults apply */
        canon = json_object();
    }
    gw_respond_json(conn, 200,
                    json_pack("{s:s, s:o, s:o}", "team_id", team, "rules",
                              alert_config_json(&eff, &defaults), "overrides", canon),
                    NULL);
}

void gw_alert_rules_get(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    if (team)
        gw_team_doc_read(req, NQ_KEY_ALERT_RULES, team, NQ_REASON("the alert rules"), respond_rules,
                         req->gw);
}

void gw_alert_rules_put(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? gw_parse_json_body(req) : NULL;
    if (!body)
        return;
    nq_field_errors_t errs = {0};
    gw_unknown_fields(body, (const char *const[]){"rules", NULL},
                      NQ_REASON("unknown field: send {\"rules\": {...}}"), &errs);
    json_t *rules = json_object_get(body, "rules");
    if (!rules)
        nq_field_errors_add(&errs, "rules", "is required (an object; {} clears the overrides)");
    alert_config_t c;
    char err[160];
    if (alert_config_company(&c, &req->gw->svc->cfg, err, sizeof(err)) != 0)
        alert_config_defaults(&c, req->gw->svc->cfg.big_order_fen); /* alerting refuses it */
    json_t *canon = NULL;
    if (errs.n == 0)
        alert_config_apply(&c, rules, &canon, &errs);
    json_decref(body);
    if (errs.n > 0) {
        gw_respond_error(req->conn, 400, "invalid", "bad alert rules", &errs);
        return;
    }
    gw_team_doc_write(req, NQ_KEY_ALERT_RULES, team, canon, NQ_REASON("the alert rules"),
                      respond_rules, req->gw);
}
