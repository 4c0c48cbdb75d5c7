/* h_channels.c — a team's delivery channels, their test message, its dead letters.
 *
 *   POST   /api/v1/teams/{id}/channels                 add one (channel.h: 400 naming the field)
 *   GET    /api/v1/teams/{id}/channels                 list, webhook and secret masked, with
 *                                                      each channel's last outcome
 *   DELETE /api/v1/teams/{id}/channels/{channel}       remove one (its queued deliveries drop)
 *   POST   /api/v1/teams/{id}/channels/{channel}/test  queue a test message (202)
 *   GET    /api/v1/teams/{id}/deliveries/dead          the team's dead letters with the last error
 *   POST   /api/v1/teams/{id}/deliveries/redrive       {"deliveries": [id, ...]}: back to the queue
 *   GET    /api/v1/teams/{id}/quiet-hours              the team's quiet hours ({} none)
 *   PUT    /api/v1/teams/{id}/quiet-hours              {"start": "22:00", "end": "08:00"} or {}
 *
 * nq-alerting's sender (services/alerting/deliver.h) does the sending; these
 * only write what it reads. The webhook URL (it carries the robot's token)
 * and the secret are never answered in full, nor logged.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "channel.h"
#include "dlvplan.h"
#include "quiet.h"
#include "teamdoc.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq/scripts.h"

#define REDRIVE_MAX 100 /* deliveries redriven by one request */

typedef struct ch_job {
    nq_http_conn_t *conn; /* retained */
    gateway_t *gw;
    char team[NQ_ID_MAX + 1];
    char channel[NQ_ID_MAX + 1];
    json_t *answer; /* what a success answers */
} ch_job_t;

static ch_job_t *job_new(const gw_request_t *req, const char *team)
{
    ch_job_t *j = calloc(1, sizeof(*j));
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

static void job_end(ch_job_t *j)
{
    json_decref(j->answer);
    nq_http_conn_release(j->conn);
    free(j);
}

/* The call failed to go: 503, and the job ends. */
static void not_sent(ch_job_t *j)
{
    gw_respond_unavailable(j->conn, "the delivery channels");
    job_end(j);
}

/* ---- POST channels -------------------------------------------------------- */

static void on_put(nq_redis_t *r, redisReply *reply, void *data)
{
    ch_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        gw_respond_unavailable(j->conn, "the delivery channels");
    } else if (reply->integer == 0) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else if (reply->integer < 0) {
        gw_respond_error(j->conn, 409, "conflict", "the team has as many channels as it may (20)",
                         NULL);
    } else {
        gw_respond_json(j->conn, 201, json_incref(j->answer), NULL);
    }
    job_end(j);
}

static void post_channel(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? gw_parse_json_body(req) : NULL;
    if (!body)
        return;
    channel_t *ch = malloc(sizeof(*ch));
    nq_field_errors_t errs = {0};
    if (!ch) {
        json_decref(body);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    int bad = channel_parse(body, ch, &errs);
    json_decref(body);
    if (bad) {
        free(ch);
        gw_respond_error(req->conn, 400, "invalid", "bad channel", &errs);
        return;
    }
    unsigned char raw[6];
    randombytes_buf(raw, sizeof(raw));
    strcpy(ch->id, "ch-");
    sodium_bin2hex(ch->id + 3, sizeof(ch->id) - 3, raw, sizeof(raw));
    ch->created_at = nq_now_ms();
    json_t *stored = channel_to_json(ch);
    char *text = stored ? json_dumps(stored, JSON_COMPACT) : NULL;
    json_decref(stored);
    ch_job_t *j = text ? job_new(req, team) : NULL;
    if (j) {
        j->answer = channel_public_json(ch);
        char k_team[160], k_ch[160];
        nq_key_team(k_team, sizeof(k_team), team);
        nq_key_channels(k_ch, sizeof(k_ch), team);
        if (nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(CHANNEL_PUT), on_put, j, 2,
                            "%s %s %s %s %d", k_team, k_ch, ch->id, text, CHANNEL_PER_TEAM) != 0)
            not_sent(j);
    } else if (!text) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
    }
    sodium_memzero(ch, sizeof(*ch));
    if (text)
        sodium_memzero(text, strlen(text));
    free(ch);
    free(text);
}

/* ---- GET channels --------------------------------------------------------- */

static json_t *hash_get(const redisReply *pairs, const char *key)
{
    for (size_t i = 0; i + 1 < pairs->elements; i += 2) {
        if (strcmp(pairs->element[i]->str, key) == 0)
            return json_loads(pairs->element[i + 1]->str, 0, NULL);
    }
    return NULL;
}

static void on_list(nq_redis_t *r, redisReply *reply, void *data)
{
    ch_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
        gw_respond_unavailable(j->conn, "the delivery channels");
    } else if (reply->element[0]->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        json_t *list = json_array();
        const redisReply *chans = reply->element[1];
        channel_t *ch = malloc(sizeof(*ch));
        for (size_t i = 1; ch && i < chans->elements; i += 2) {
            if (channel_from_json(chans->element[i]->str, ch) != 0)
                continue;
            json_t *o = channel_public_json(ch);
            json_t *last = hash_get(reply->element[2], ch->id);
            if (last)
                json_object_set_new(o, "last_delivery", last);
            json_array_append_new(list, o);
        }
        if (ch)
            sodium_memzero(ch, sizeof(*ch));
        free(ch);
        gw_respond_json(j->conn, 200, json_pack("{s:s, s:o}", "team_id", j->team, "channels", list),
                        NULL);
    }
    job_end(j);
}

static void get_channels(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    ch_job_t *j = team ? job_new(req, team) : NULL;
    if (!j)
        return;
    char k_team[160], k_ch[160], k_last[160];
    nq_key_team(k_team, sizeof(k_team), team);
    nq_key_channels(k_ch, sizeof(k_ch), team);
    nq_key_dlv_last(k_last, sizeof(k_last), team);
    if (nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(CHANNEL_LIST), on_list, j, 3, "%s %s %s",
                        k_team, k_ch, k_last) != 0)
        not_sent(j);
}

/* ---- DELETE a channel, test it -------------------------------------------- */

/* 1: done (204 or 202 with the answer), 0: no such channel. */
static void on_one(nq_redis_t *r, redisReply *reply, void *data)
{
    ch_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        gw_respond_unavailable(j->conn, "the delivery channels");
    } else if (reply->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such channel", NULL);
    } else if (j->answer) {
        gw_respond_json(j->conn, 202, json_incref(j->answer), NULL);
    } else {
        gw_respond_json(j->conn, 200, json_pack("{s:s, s:b}", "id", j->channel, "deleted", 1),
                        NULL);
    }
    job_end(j);
}

static ch_job_t *one_job(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    const char *channel = team ? gw_path_id(req, "channel") : NULL;
    ch_job_t *j = channel ? job_new(req, team) : NULL;
    if (j)
        snprintf(j->channel, sizeof(j->channel), "%s", channel);
    return j;
}

static void delete_channel(const gw_request_t *req)
{
    ch_job_t *j = one_job(req);
    if (!j)
        return;
    char k_ch[160], k_last[160];
    nq_key_channels(k_ch, sizeof(k_ch), j->team);
    nq_key_dlv_last(k_last, sizeof(k_last), j->team);
    if (nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(CHANNEL_DELETE), on_one, j, 2, "%s %s %s",
                        k_ch, k_last, j->channel) != 0)
        not_sent(j);
}

static void test_channel(const gw_request_t *req)
{
    ch_job_t *j = one_job(req);
    if (!j)
        return;
    unsigned char raw[8];
    char test_id[40], id[240], field[150], k_ch[160], k_rec[160];
    randombytes_buf(raw, sizeof(raw));
    strcpy(test_id, DLV_TEST_PREFIX);
    sodium_bin2hex(test_id + strlen(DLV_TEST_PREFIX), sizeof(test_id) - strlen(DLV_TEST_PREFIX),
                   raw, sizeof(raw));
    snprintf(id, sizeof(id), "%s/%s/%s", test_id, j->team, j->channel);
    snprintf(field, sizeof(field), "%s/%s", j->team, j->channel);
    int64_t now = nq_now_ms();
    dlv_record_t rec;
    dlv_record_init(&rec, j->channel, "", now);
    char *text = dlv_record_dump(&rec);
    j->answer =
        json_pack("{s:s, s:s, s:s}", "delivery", id, "channel", j->channel, "state", "queued");
    nq_key_channels(k_ch, sizeof(k_ch), j->team);
    nq_key_dlv_alert(k_rec, sizeof(k_rec), test_id);
    if (!text || nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(DLV_TEST), on_one, j, 3,
                                 "%s %s %s %s %s %s %s %lld %d", k_ch, NQ_KEY_DLV_QUEUE, k_rec,
                                 j->channel, id, field, text, (long long)now, DLV_TEST_TTL_S) != 0)
        not_sent(j);
    free(text);
}

/* ---- dead letters ---------------------------------------------------------- */

static void on_dead(nq_redis_t *r, redisReply *reply, void *data)
{
    ch_job_t *j = data;
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        gw_respond_unavailable(j->conn, "the dead letters");
    } else if (reply->element[0]->integer != 1) {
        gw_respond_error(j->conn, 404, "not_found", "no such team", NULL);
    } else {
        json_t *list = json_array();
        const redisReply *pairs = reply->element[1];
        for (size_t i = 0; i + 1 < pairs->elements; i += 2) {
            dlv_record_t rec;
            if (dlv_record_load(pairs->element[i + 1]->str, &rec) == 0)
                json_array_append_new(list, dlv_record_json(&rec, pairs->element[i]->str));
        }
        gw_respond_json(j->conn, 200,
                        json_pack("{s:s, s:o}", "team_id", j->team, "deliveries", list), NULL);
    }
    job_end(j);
}

static void get_dead(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    ch_job_t *j = team ? job_new(req, team) : NULL;
    if (!j)
        return;
    char k_team[160], k_dead[160];
    nq_key_team(k_team, sizeof(k_team), team);
    nq_key_dlv_dead(k_dead, sizeof(k_dead), team);
    if (nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(DLV_DEAD_LIST), on_dead, j, 2, "%s %s",
                        k_team, k_dead) != 0)
        not_sent(j);
}

static void on_redriven(nq_redis_t *r, redisReply *reply, void *data)
{
    ch_job_t *j = data;
    size_t n = json_array_size(j->answer);
    if (!nq_http_conn_open(j->conn)) {
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != n) {
        gw_respond_unavailable(j->conn, "the dead letters");
    } else {
        json_t *queued = json_array(), *missing = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append(reply->element[i]->integer == 1 ? queued : missing,
                              json_array_get(j->answer, i));
        gw_respond_json(j->conn, 200,
                        json_pack("{s:o, s:o}", "queued", queued, "not_dead", missing), NULL);
    }
    job_end(j);
}

static void redrive(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? gw_parse_json_body(req) : NULL;
    if (!body)
        return;
    nq_field_errors_t errs = {0};
    gw_unknown_fields(body, (const char *const[]){"deliveries", NULL}, NQ_REASON("unknown field"),
                      &errs);
    json_t *ids = json_object_get(body, "deliveries");
    if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > REDRIVE_MAX)
        nq_field_errors_add(&errs, "deliveries",
                            "is required: 1 to 100 delivery ids from GET deliveries/dead");
    size_t i;
    json_t *v;
    json_array_foreach (ids, i, v) {
        dlv_id_t id;
        if (errs.n == 0 && (!json_is_string(v) || dlv_id_parse(json_string_value(v), &id) != 0 ||
                            strcmp(id.team, team) != 0))
            nq_field_errors_add(&errs, "deliveries", "item %zu is not a delivery of this team", i);
    }
    if (errs.n > 0) {
        json_decref(body);
        gw_respond_error(req->conn, 400, "invalid", "bad redrive", &errs);
        return;
    }
    ch_job_t *j = job_new(req, team);
    if (!j) {
        json_decref(body);
        return;
    }
    j->answer = json_incref(ids);
    json_decref(body);
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char k[200];
    nq_key_dlv_dead(k, sizeof(k), team);
    nq_redis_args_adds(&a, k);
    nq_redis_args_adds(&a, NQ_KEY_DLV_QUEUE);
    nq_redis_args_adds(&a, NQ_KEY_DLV_DEPTH);
    json_array_foreach (ids, i, v) {
        dlv_id_t id;
        dlv_id_parse(json_string_value(v), &id);
        nq_key_dlv_alert(k, sizeof(k), id.alert);
        nq_redis_args_adds(&a, k);
    }
    size_t nkeys = a.argc;
    nq_redis_args_addf(&a, "%" PRId64, nq_now_ms());
    json_array_foreach (ids, i, v) {
        dlv_id_t id;
        dlv_id_parse(json_string_value(v), &id);
        nq_redis_args_adds(&a, json_string_value(v));
        nq_redis_args_adds(&a, id.field);
    }
    if (a.failed || nq_script_call_args(req->gw->svc->redis, NQ_SCRIPT(DLV_REDRIVE), on_redriven, j,
                                        nkeys, &a) != 0)
        not_sent(j);
    nq_redis_args_free(&a);
}

/* ---- quiet hours ----------------------------------------------------------- */

/* Answer the team's quiet hours in doc (borrowed; NULL: none). */
static void respond_quiet(nq_http_conn_t *conn, const char *team, const json_t *doc, void *data)
{
    quiet_t q = {0};
    nq_field_errors_t errs = {0};
    if (doc && quiet_parse(doc, &q, &errs) != 0)
        memset(&q, 0, sizeof(q)); /* stored hours that no longer read: none */
    gw_respond_json(conn, 200,
                    json_pack("{s:s, s:o}", "team_id", team, "quiet_hours", quiet_json(&q)), NULL);
}

static void get_quiet(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    if (team)
        gw_team_doc_read(req, NQ_KEY_ALERT_QUIET, team, NQ_REASON("the quiet hours"), respond_quiet,
                         NULL);
}

static void put_quiet(const gw_request_t *req)
{
    const char *team = gw_path_id(req, "id");
    json_t *body = team ? gw_parse_json_body(req) : NULL;
    if (!body)
        return;
    quiet_t q;
    nq_field_errors_t errs = {0};
    int bad = quiet_parse(body, &q, &errs);
    json_decref(body);
    if (bad) {
        gw_respond_error(req->conn, 400, "invalid", "bad quiet hours", &errs);
        return;
    }
    gw_team_doc_write(req, NQ_KEY_ALERT_QUIET, team, quiet_json(&q), NQ_REASON("the quiet hours"),
                      respond_quiet, NULL);
}

/* ---- an alert's deliveries (GET /api/v1/alerts/{id}) ----------------------- */

json_t *gw_deliveries_json(const redisReply *pairs, const char *alert_id)
{
    json_t *list = json_array();
    for (size_t i = 0; pairs && pairs->type == REDIS_REPLY_ARRAY && i + 1 < pairs->elements;
         i += 2) {
        dlv_record_t rec;
        char id[240];
        snprintf(id, sizeof(id), "%s/%s", alert_id, pairs->element[i]->str);
        if (dlv_record_load(pairs->element[i + 1]->str, &rec) == 0)
            json_array_append_new(list, dlv_record_json(&rec, id));
    }
    return list;
}

static const nq_route_t rows[] = {
    {"POST", "/api/v1/teams/:id/channels", NQ_WRITE(RULES), post_channel, NULL, GW_SUBJ_TEAM},
    {"GET", "/api/v1/teams/:id/channels", NQ_READ(RULES), get_channels, NULL, GW_SUBJ_TEAM},
    {"DELETE", "/api/v1/teams/:id/channels/:channel", NQ_WRITE(RULES), delete_channel, NULL,
     GW_SUBJ_TEAM},
    {"POST", "/api/v1/teams/:id/channels/:channel/test", NQ_WRITE(RULES), test_channel, NULL,
     GW_SUBJ_TEAM},
    {"GET", "/api/v1/teams/:id/deliveries/dead", NQ_READ(RULES), get_dead, NULL, GW_SUBJ_TEAM},
    {"POST", "/api/v1/teams/:id/deliveries/redrive", NQ_WRITE(RULES), redrive, NULL, GW_SUBJ_TEAM},
    {"GET", "/api/v1/teams/:id/quiet-hours", NQ_READ(RULES), get_quiet, NULL, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/quiet-hours", NQ_WRITE(RULES), put_quiet, NULL, GW_SUBJ_TEAM},
};

const gw_routes_t gw_channel_routes = {rows, sizeof(rows) / sizeof(rows[0])};
