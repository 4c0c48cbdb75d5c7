/* gateway/auditbefore.c — the record a write changes, before it. See
 * auditbefore.h. */
#include "auditbefore.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/period.h"

/* How a row's record is read. */
typedef enum {
    READ_HASH,  /* HGETALL key */
    READ_FIELD, /* HGET hash id */
    READ_LAST,  /* the newest member of a ZSET of versions */
} how_t;

typedef int (*key_fn)(char *buf, size_t len, const nq_route_params_t *p);

static const char *id_of(const nq_route_params_t *p)
{
    const char *id = nq_route_param(p, "id");
    return id ? id : "";
}

static int team_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return nq_key_team(buf, len, id_of(p));
}

static int sp_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return nq_key_salesperson(buf, len, id_of(p));
}

static int customer_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return nq_key_customer(buf, len, id_of(p));
}

static int user_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return nq_key_user(buf, len, id_of(p));
}

static int scorecard_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return nq_key_plans(buf, len, id_of(p), "scorecard");
}

static int commission_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return nq_key_plans(buf, len, id_of(p), "commission");
}

/* The targets of the path's subject and period, -1 for a period that is not one. */
static int target_key(char *buf, size_t len, const nq_route_params_t *p, nq_subject_t subject)
{
    nq_period_kind_t kind;
    nq_period_t period;
    const char *k = nq_route_param(p, "period"), *key = nq_route_param(p, "key");
    if (!k || !key || nq_period_kind_parse(k, &kind) != 0 ||
        nq_period_from_key(kind, key, &period) != 0)
        return -1;
    return nq_key_target(buf, len, subject, subject == NQ_SUBJECT_COMPANY ? "" : id_of(p), &period);
}

static int sp_target_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return target_key(buf, len, p, NQ_SUBJECT_SALESPERSON);
}

static int team_target_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return target_key(buf, len, p, NQ_SUBJECT_TEAM);
}

static int company_target_key(char *buf, size_t len, const nq_route_params_t *p)
{
    return target_key(buf, len, p, NQ_SUBJECT_COMPANY);
}

static const struct {
    const char *pattern; /* the write's route (every method of it) */
    how_t how;
    key_fn key;       /* READ_HASH, READ_LAST: the key */
    const char *hash; /* READ_FIELD: the hash, the field being :id */
} rows[] = {
    {"/api/v1/teams/:id", READ_HASH, team_key, NULL},
    {"/api/v1/salespeople/:id", READ_HASH, sp_key, NULL},
    {"/api/v1/customers/:id", READ_HASH, customer_key, NULL},
    {"/api/v1/teams/:id/alert-rules", READ_FIELD, NULL, NQ_KEY_ALERT_RULES},
    {"/api/v1/teams/:id/settings", READ_FIELD, NULL, NQ_KEY_TEAM_SETTINGS},
    {"/api/v1/teams/:id/scorecard", READ_LAST, scorecard_key, NULL},
    {"/api/v1/teams/:id/commission-plan", READ_LAST, commission_key, NULL},
    {"/api/v1/targets/salespeople/:id/:period/:key", READ_HASH, sp_target_key, NULL},
    {"/api/v1/targets/teams/:id/:period/:key", READ_HASH, team_target_key, NULL},
    {"/api/v1/targets/company/:period/:key", READ_HASH, company_target_key, NULL},
    {"/api/v1/users/:id", READ_HASH, user_key, NULL}, /* its pwhash redacted (nq/audit.h) */
};

static void arg(audit_read_t *rd, const char *s)
{
    rd->argv[rd->argc] = s;
    rd->lens[rd->argc++] = strlen(s);
}

bool audit_before_read(audit_read_t *rd, const char *pattern, const nq_route_params_t *params)
{
    memset(rd, 0, sizeof(*rd));
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (strcmp(rows[i].pattern, pattern) != 0)
            continue;
        if (rows[i].how == READ_FIELD) {
            snprintf(rd->key, sizeof(rd->key), "%s", rows[i].hash);
            snprintf(rd->field, sizeof(rd->field), "%s", id_of(params));
            arg(rd, "HGET");
            arg(rd, rd->key);
            arg(rd, rd->field);
            return true;
        }
        int n = rows[i].key(rd->key, sizeof(rd->key), params);
        if (n < 0 || (size_t)n >= sizeof(rd->key))
            return false;
        rd->hash = rows[i].how == READ_HASH;
        arg(rd, rd->hash ? "HGETALL" : "ZREVRANGE");
        arg(rd, rd->key);
        if (!rd->hash) {
            arg(rd, "0");
            arg(rd, "0");
        }
        return true;
    }
    return false;
}

char *audit_before_text(const audit_read_t *rd, const redisReply *reply)
{
    if (!reply)
        return NULL;
    if (reply->type == REDIS_REPLY_STRING)
        return strndup(reply->str, reply->len);
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0)
        return NULL;
    if (!rd->hash) /* the newest version */
        return reply->element[0]->type == REDIS_REPLY_STRING
                   ? strndup(reply->element[0]->str, reply->element[0]->len)
                   : NULL;
    json_t *doc = json_object();
    for (size_t i = 0; doc && i + 1 < reply->elements; i += 2) {
        const redisReply *f = reply->element[i], *v = reply->element[i + 1];
        if (f->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING)
            json_object_set_new(doc, f->str, json_stringn(v->str, v->len));
    }
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(doc);
    return text;
}
