/* gateway/door.c — CORS, body types, rate limits, audit. See door.h. */
#include "door.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditbefore.h"
#include "auth.h"
#include "mediatype.h"
#include "nq/audit.h"
#include "nq/log.h"
#include "ratelimit.h"
#include "scope_check.h"

#define PREFLIGHT_HEADERS                                                                          \
    "Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE\r\n"                              \
    "Access-Control-Allow-Headers: Authorization, Content-Type, X-CSRF-Token, Accept-Language, "   \
    "Last-Event-ID\r\n"                                                                            \
    "Access-Control-Max-Age: 600\r\n"

struct gw_door {
    gateway_t *gw;         /* the app */
    rate_limits_t *limits; /* one bucket per key / user */
};

/* The audit entry's parts known at the door; the rest comes with the answer. */
typedef struct watch {
    gateway_t *gw;                           /* the app (its Redis) */
    char actor[80];                          /* "user:<id>" / "key:<id>" */
    char name[NQ_USER_NAME_MAX + 1];         /* display or key name */
    char subject[NQ_AUDIT_SUBJECT];          /* from the route's pattern */
    char subject_id[NQ_ROUTE_PARAM_LEN * 2]; /* the path parameters joined by '/' */
    char *before;                            /* the record before the write (JSON), or NULL */
} watch_t;

/* A write held while the record it changes is read (auditbefore.h). The
 * principal and params are copies: the door's are in its cache and on its
 * stack. */
typedef struct held {
    watch_t *w;               /* its audit entry's parts */
    gw_request_t req;         /* the request, who and params pointing below */
    nq_route_params_t params; /* a copy */
    gw_principal_t who;       /* a copy */
    audit_read_t rd;          /* the read */
} held_t;

gw_door_t *gw_door_new(gateway_t *gw)
{
    gw_door_t *d = calloc(1, sizeof(*d));
    if (!d || !(d->limits = rate_limits_new(RATE_LIMIT_CALLERS))) {
        free(d);
        return NULL;
    }
    d->gw = gw;
    return d;
}

void gw_door_free(gw_door_t **dp)
{
    gw_door_t *d = dp ? *dp : NULL;
    if (!d)
        return;
    rate_limits_free(d->limits);
    free(d);
    *dp = NULL;
}

bool gw_door_cors(gateway_t *gw, nq_http_conn_t *conn, const nq_http_request_t *http)
{
    const char *origin = nq_http_header(http, "Origin");
    bool preflight = strcmp(http->method, "OPTIONS") == 0 &&
                     nq_http_header(http, "Access-Control-Request-Method");
    bool allowed = origin && *origin && gw_addr_listed(gw->svc->cfg.cors_origins, origin) &&
                   !strpbrk(origin, "\r\n");
    if (allowed) {
        char lines[NQ_HTTP_ANSWER_HEADERS];
        snprintf(lines, sizeof(lines),
                 "Access-Control-Allow-Origin: %s\r\nAccess-Control-Allow-Credentials: true\r\n"
                 "Access-Control-Expose-Headers: Retry-After\r\nVary: Origin\r\n",
                 origin);
        nq_http_conn_answer_headers(conn, lines);
    }
    if (!preflight)
        return false;
    if (allowed)
        nq_http_respond(conn, 204, NULL, NULL, 0, PREFLIGHT_HEADERS);
    else
        gw_respond_error(conn, 403, "cors",
                         origin ? "this origin is not one of NQ_CORS_ORIGINS"
                                : "a preflight needs an Origin",
                         NULL);
    return true;
}

/* Routes whose bodies may be other than JSON; every other route takes JSON. */
static const struct {
    const char *pattern;      /* the route's pattern */
    const char *const *media; /* what it takes */
} media_rows[] = {
    {"/api/v1/activities", gw_activity_media},
    {"/api/v1/feeds/:source", gw_activity_media},
};

const char *const *gw_door_media_of(const char *pattern)
{
    for (size_t i = 0; i < sizeof(media_rows) / sizeof(media_rows[0]); i++)
        if (strcmp(media_rows[i].pattern, pattern) == 0)
            return media_rows[i].media;
    return NULL;
}

bool gw_door_media(const gw_request_t *req)
{
    const char *ct = nq_http_header(req->http, "Content-Type");
    const char *const *media = gw_door_media_of(req->route->pattern);
    if (req->http->body_len == 0 || media_type_accepted(ct, media))
        return false;
    char types[160], detail[256];
    media_types_text(media, types, sizeof(types));
    if (ct)
        snprintf(detail, sizeof(detail), "this route does not take that Content-Type: send %s",
                 types);
    else
        snprintf(detail, sizeof(detail), "a body needs a Content-Type: send %s", types);
    gw_respond_error(req->conn, 415, "unsupported_media_type", detail, NULL);
    return true;
}

bool gw_door_audited(nq_perm_t perm)
{
    return perm.action == NQ_ACT_WRITE && perm.kind != NQ_KIND_ACTIVITY &&
           perm.kind != NQ_KIND_SELF;
}

static void on_appended(nq_redis_t *r, redisReply *reply, void *data)
{
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("audit_failed", "an audit entry was not stored: %s",
                    reply ? reply->str : "Redis away");
}

static void on_answered(nq_http_conn_t *conn, const nq_http_request_t *http, int status, void *data)
{
    watch_t *w = data;
    nq_audit_entry_t e = {w->actor,       w->name,           http->method,
                          http->path,     w->subject,        w->subject_id,
                          status,         http->remote_addr, http->body,
                          http->body_len, w->before,         w->before ? strlen(w->before) : 0};
    nq_audit_cmd_t cmd;
    if (nq_audit_cmd_build(&cmd, &e, nq_now_ms(), w->gw->svc->cfg.audit_retention_days) == 0) {
        if (nq_redis_commandv(w->gw->svc->redis, on_appended, NULL, cmd.argc, cmd.argv, cmd.lens) !=
            0)
            on_appended(NULL, NULL, NULL);
        nq_audit_cmd_free(&cmd);
    }
    free(w->before);
    free(w);
}

/* The record is read: keep it for the entry, then go on to the handler. */
static void on_before(nq_redis_t *r, redisReply *reply, void *data)
{
    held_t *h = data;
    (void)r;
    if (nq_http_conn_open(h->req.conn)) {
        /* Redis away: the handler's own call fails the same way, and says so */
        h->w->before =
            reply && reply->type != REDIS_REPLY_ERROR ? audit_before_text(&h->rd, reply) : NULL;
        nq_http_conn_on_answered(h->req.conn, on_answered, h->w);
        gw_scope_enter(&h->req);
    } else { /* the client left before anything was written */
        free(h->w);
    }
    nq_http_conn_release(h->req.conn);
    free(h);
}

/* Watch the write's answer for its audit entry; a write whose record
 * auditbefore.h knows is held until that record is read. True when held
 * (the request goes on from on_before). */
static bool watch(const gw_request_t *req, const gw_principal_t *p)
{
    watch_t *w = calloc(1, sizeof(*w));
    if (!w) {
        nq_log_warn("audit_failed", "out of memory: %s %s not audited", req->http->method,
                    req->http->path);
        return false;
    }
    w->gw = req->gw;
    snprintf(w->actor, sizeof(w->actor), "%s:%s", p->is_key ? "key" : "user", p->id);
    snprintf(w->name, sizeof(w->name), "%s", p->name);
    nq_audit_subject(req->route->pattern, w->subject, sizeof(w->subject));
    size_t used = 0;
    for (size_t i = 0; i < req->params->n; i++) {
        int n = snprintf(w->subject_id + used, sizeof(w->subject_id) - used, "%s%s", i ? "/" : "",
                         req->params->values[i]);
        if (n < 0 || (size_t)n >= sizeof(w->subject_id) - used)
            break;
        used += (size_t)n;
    }
    held_t *h = malloc(sizeof(*h));
    if (h && audit_before_read(&h->rd, req->route->pattern, req->params)) {
        h->w = w;
        h->req = *req;
        h->params = *req->params;
        h->who = *p;
        h->req.params = &h->params;
        h->req.who = &h->who;
        nq_http_conn_retain(req->conn);
        if (nq_redis_commandv(w->gw->svc->redis, on_before, h, h->rd.argc, h->rd.argv,
                              h->rd.lens) == 0)
            return true;
        nq_http_conn_release(req->conn);
    }
    free(h);
    nq_http_conn_on_answered(req->conn, on_answered, w);
    return false;
}

bool gw_door_admit(gw_door_t *d, const gw_request_t *req, const gw_principal_t *p)
{
    const nq_config_t *cfg = &d->gw->svc->cfg;
    char name[RATE_NAME_MAX];
    int64_t wait_ms = 1000;
    double rate = (double)(p->is_key ? cfg->rate_key_rps : cfg->rate_user_rps);
    double burst = (double)(p->is_key ? cfg->rate_key_burst : cfg->rate_user_burst);
    size_t len = strnlen(p->id, sizeof(name) - 3); /* "k:<id>" without snprintf's cost */
    name[0] = p->is_key ? 'k' : 'u';
    name[1] = ':';
    memcpy(name + 2, p->id, len);
    name[2 + len] = '\0';
    if (!rate_limits_take(d->limits, name, (int64_t)uv_now(&d->gw->svc->loop), rate, burst,
                          &wait_ms)) {
        char retry[48];
        snprintf(retry, sizeof(retry), "Retry-After: %lld\r\n",
                 (long long)((wait_ms + 999) / 1000));
        gw_respond_error_headers(req->conn, 429, "rate_limited",
                                 p->is_key ? "too many requests with this API key; retry after "
                                             "the seconds in Retry-After"
                                           : "too many requests from this user; retry after the "
                                             "seconds in Retry-After",
                                 retry);
        return true;
    }
    return gw_door_audited(req->route->perm) && watch(req, p);
}
