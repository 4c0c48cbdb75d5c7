/* rebuild_admin.c — see rebuild_admin.h. */
#include "rebuild_admin.h"

#include <stdlib.h>
#include <string.h>

#include "nq/call.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/reply.h"

/* KEYS[1] job. ARGV: from, now. Requests a rebuild unless one is running;
 * returns 1 when requested, 0 when busy. */
static const char request_script[] =
    "local st = redis.call('HGET', KEYS[1], 'state')\n"
    "if st == 'requested' or st == 'scanning' or st == 'pausing' or st == 'swapping' then\n"
    "  return 0\n"
    "end\n"
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('HSET', KEYS[1], 'state', 'requested', 'from', ARGV[1], 'requested_at', ARGV[2])\n"
    "return 1\n";

typedef struct admin_call {
    nq_call_t base;           /* must be first */
    void *app;                /* ingest */
    Nq__RebuildStatus status; /* filled by the reads */
    char *strings[3];         /* state, owner, error: owned copies */
} admin_call_t;

static void admin_answer(nq_call_t *base)
{
    admin_call_t *c = (admin_call_t *)base;
    nq_zsock_t *router = ingest_router(c->app);
    if (router) {
        nq_reply_header_t h;
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        c->status.header = &h.pb;
        if (!c->status.state)
            c->status.state = "none";
        nq_zsock_reply(router, &base->env, base->env.type, &c->status.base);
    }
    for (int i = 0; i < 3; i++)
        free(c->strings[i]);
    nq_call_cleanup(base);
    free(c);
}

/* Copy a job field into the status. */
static void set_field(admin_call_t *c, const char *field, const char *value)
{
    static const struct {
        const char *name;
        size_t offset; /* int64 in Nq__RebuildStatus */
        size_t has;    /* its has_ flag */
    } ints[] = {
        {"from", offsetof(Nq__RebuildStatus, from), offsetof(Nq__RebuildStatus, has_from)},
        {"scanned", offsetof(Nq__RebuildStatus, scanned), offsetof(Nq__RebuildStatus, has_scanned)},
        {"requested_at", offsetof(Nq__RebuildStatus, requested_at),
         offsetof(Nq__RebuildStatus, has_requested_at)},
        {"started_at", offsetof(Nq__RebuildStatus, started_at),
         offsetof(Nq__RebuildStatus, has_started_at)},
        {"finished_at", offsetof(Nq__RebuildStatus, finished_at),
         offsetof(Nq__RebuildStatus, has_finished_at)},
        {"attempts", offsetof(Nq__RebuildStatus, attempts),
         offsetof(Nq__RebuildStatus, has_attempts)},
    };
    static const char *const texts[] = {"state", "owner", "error"};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        if (strcmp(field, ints[i].name) == 0) {
            *(int64_t *)((char *)&c->status + ints[i].offset) = strtoll(value, NULL, 10);
            *(protobuf_c_boolean *)((char *)&c->status + ints[i].has) = 1;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (strcmp(field, texts[i]) == 0 && !c->strings[i])
            c->strings[i] = strdup(value);
    }
    c->status.state = c->strings[0];
    c->status.owner = c->strings[1];
    c->status.error = c->strings[2];
}

static void on_job(nq_redis_t *r, redisReply *reply, void *data)
{
    admin_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        for (size_t i = 0; i + 1 < reply->elements; i += 2)
            set_field(c, reply->element[i]->str, reply->element[i + 1]->str);
    }
    nq_call_release(&c->base);
}

static void on_len(nq_redis_t *r, redisReply *reply, void *data)
{
    admin_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER)) {
        c->status.has_total = 1;
        c->status.total = reply->integer;
    }
    nq_call_release(&c->base);
}

static void read_status(admin_call_t *c)
{
    nq_redis_t *redis = ingest_service(c->app)->redis;
    nq_call_issued(&c->base, nq_redis_command(redis, on_job, c, "HGETALL %s", NQ_KEY_REBUILD_JOB));
    nq_call_issued(&c->base, nq_redis_command(redis, on_len, c, "XLEN %s", NQ_KEY_ACTIVITIES));
}

static void on_requested(nq_redis_t *r, redisReply *reply, void *data)
{
    admin_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER) && reply->integer == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "a rebuild is already running");
    else if (c->base.status == NQ__STATUS__STATUS_OK)
        nq_log_info("rebuild_requested", "a scorer will take it within a second");
    read_status(c);
    nq_call_release(&c->base);
}

void rebuild_admin_on_request(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                              const ProtobufCMessage *msg, void *app)
{
    const Nq__RebuildRequest *req = (const Nq__RebuildRequest *)msg;
    admin_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, admin_answer) != 0) {
        free(c);
        nq_log_error("rebuild_request", "out of memory");
        return;
    }
    c->app = app;
    nq__rebuild_status__init(&c->status);
    nq_redis_t *redis = ingest_service(app)->redis;
    if (env->msg != NQ_MSG(REBUILD_START)) {
        read_status(c);
    } else if (req->has_from && req->from < 0) {
        nq_field_errors_add(&c->base.errs, "from", "must be a date");
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "from must be a date");
    } else {
        nq_call_issued(&c->base, nq_redis_command(redis, on_requested, c, "EVAL %s 1 %s %lld %lld",
                                                  request_script, NQ_KEY_REBUILD_JOB,
                                                  (long long)(req->has_from ? req->from : 0),
                                                  (long long)nq_now_ms()));
    }
    nq_call_release(&c->base);
}
