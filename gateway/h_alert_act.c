/* h_alert_act.c — POST /api/v1/alerts/{id}/{ack|resolve|assign|comment}.
 *
 * Read the alert (alert_fetch), apply the action (services/alerting/
 * lifecycle.h: 409 with the reason when its state does not allow it), and
 * store it with alert_change, which writes only if the alert's version is
 * still the one read and appends the change to the alert stream (the SSE
 * stream carries it) and, once acknowledged or resolved, takes it off the
 * escalation clock. When someone else changed the alert in between, it is
 * read and the action applied again (a few times, then 409).
 */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "lifecycle.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "scope.h"

#define ACT_TRIES 4 /* reads of an alert that others keep changing */

typedef struct act_job {
    nq_http_conn_t *conn; /* retained */
    gateway_t *gw;
    char id[NQ_ID_MAX + 1];
    alert_action_t act;
    json_t *body; /* owns the strings `in` points to */
    alert_input_t in;
    char state_before[24]; /* for the index move */
    char state_after[24];
    Nq__Alert *after; /* the alert as answered */
    int tries;
    gw_scope_t seen; /* what the caller may see: another team's alert is 404 */
} act_job_t;

static void job_end(act_job_t *j)
{
    if (j->after)
        nq__alert__free_unpacked(j->after, NULL);
    json_decref(j->body);
    nq_http_conn_release(j->conn);
    free(j);
}

static void fetch(act_job_t *j);

static void on_changed(nq_redis_t *r, redisReply *reply, void *data)
{
    act_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
        job_end(j);
        return;
    }
    if (reply && reply->type == REDIS_REPLY_NIL && ++j->tries < ACT_TRIES) {
        nq__alert__free_unpacked(j->after, NULL);
        j->after = NULL;
        fetch(j); /* changed by someone else since read: again */
        return;
    }
    if (reply && reply->type == REDIS_REPLY_STRING) {
        gw_alerts_wake(j->gw);
        gw_respond_json(j->conn, 200, gw_alert_json(j->after), NULL);
    } else if (reply && reply->type == REDIS_REPLY_NIL) {
        gw_respond_error(j->conn, 409, "conflict", "the alert keeps changing; try again", NULL);
    } else {
        gw_respond_unavailable(j->conn, "the alert store");
    }
    job_end(j);
}

/* Store the changed alert if its version is still `version`. */
static void store(act_job_t *j, long long version)
{
    char key[160], before[160], after[160];
    nq_key_alert(key, sizeof(key), j->id);
    nq_key_index(before, sizeof(before), NQ_IX_ALERTS, "state", j->state_before);
    nq_key_index(after, sizeof(after), NQ_IX_ALERTS, "state", j->state_after);
    char *id = j->after->id;
    j->after->id = NULL; /* stored without: the hash and the entry have it */
    size_t len = nq__alert__get_packed_size(j->after);
    uint8_t *buf = malloc(len ? len : 1);
    if (buf)
        nq__alert__pack(j->after, buf);
    j->after->id = id;
    if (!buf ||
        nq_script_callf(j->gw->svc->redis, NQ_SCRIPT(ALERT_CHANGE), on_changed, j, 5,
                        "%s %s %s %s %s %lld %s %s %b %d %d", key, NQ_KEY_ALERTS, before, after,
                        NQ_KEY_ALERT_ESCALATE, version, j->id, j->state_after, buf, len,
                        NQ_ALERT_STREAM_MAXLEN, alert_escalation_stops(j->after) ? 1 : 0) != 0) {
        gw_respond_unavailable(j->conn, "the alert store");
        job_end(j);
    }
    free(buf);
}

static void on_fetched(nq_redis_t *r, redisReply *reply, void *data)
{
    act_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
        job_end(j);
        return;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 1) {
        gw_respond_unavailable(j->conn, "the alert store");
        job_end(j);
        return;
    }
    long long version = 0;
    j->after = gw_alert_from_fetch(reply->element[0], &version);
    if (j->after &&
        !gw_scope_sees_alert(&j->seen, j->after->team_id ? j->after->team_id : "",
                             j->after->salesperson_id ? j->after->salesperson_id : "")) {
        nq__alert__free_unpacked(j->after, NULL);
        j->after = NULL; /* out of the caller's scope: as if there were none */
    }
    if (!j->after) {
        gw_respond_error(j->conn, 404, "not_found", "no such alert", NULL);
        job_end(j);
        return;
    }
    snprintf(j->state_before, sizeof(j->state_before), "%s",
             j->after->state ? j->after->state : "open");
    const char *why = NULL;
    if (alert_act(j->after, j->act, &j->in, nq_now_ms(), &why) != 0) {
        gw_respond_error(j->conn, 409, "conflict", why, NULL);
        job_end(j);
        return;
    }
    snprintf(j->state_after, sizeof(j->state_after), "%s", j->after->state);
    store(j, version);
}

static void fetch(act_job_t *j)
{
    const char *id = j->id;
    if (gw_alerts_fetch(j->gw, &id, 1, on_fetched, j) != 0) {
        gw_respond_unavailable(j->conn, "the alert store");
        job_end(j);
    }
}

void gw_alert_act(const gw_request_t *req)
{
    alert_action_t act;
    if (alert_action_find(nq_route_param(req->params, "action"), &act) != 0) {
        gw_respond_error(req->conn, 404, "not_found",
                         "no such action: use ack, resolve, assign or comment", NULL);
        return;
    }
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    json_t *body = NULL;
    if (req->http->body_len > 0 && !(body = gw_parse_json_body(req)))
        return;
    act_job_t *j = calloc(1, sizeof(*j));
    if (!j) {
        json_decref(body);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    j->body = body;
    nq_field_errors_t errs = {0};
    if (alert_input_parse(act, body, &j->in, &errs) != 0) {
        gw_respond_error(req->conn, 400, "invalid", "bad request body", &errs);
        json_decref(body);
        free(j);
        return;
    }
    j->conn = req->conn;
    j->gw = req->gw;
    j->act = act;
    gw_scope_of(&j->seen, req->who);
    snprintf(j->id, sizeof(j->id), "%s", id);
    nq_http_conn_retain(req->conn);
    fetch(j);
}
