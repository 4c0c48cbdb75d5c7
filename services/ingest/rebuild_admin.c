/* rebuild_admin.c — see rebuild_admin.h. */
#include "rebuild_admin.h"

#include <stdlib.h>
#include <string.h>

#include "nq/call.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/rebuild_job.h"
#include "nq/reply.h"
#include "nq/scripts.h"

typedef struct admin_call {
    nq_call_t base;         /* must be first */
    rebuild_admin_t *admin; /* the service */
    nq_rebuild_job_t job;   /* as read */
    Nq__RebuildStatus
        status; /* the answer: the job (strings borrowed from it) and the log's length */
} admin_call_t;

/* The job into the answer. */
static void status_of_job(Nq__RebuildStatus *st, const nq_rebuild_job_t *job)
{
    static const struct {
        const char *field;
        size_t value, has; /* offsets in Nq__RebuildStatus */
    } ints[] = {
        {NQ_REBUILD_F_FROM, offsetof(Nq__RebuildStatus, from),
         offsetof(Nq__RebuildStatus, has_from)},
        {NQ_REBUILD_F_SCANNED, offsetof(Nq__RebuildStatus, scanned),
         offsetof(Nq__RebuildStatus, has_scanned)},
        {NQ_REBUILD_F_REQUESTED_AT, offsetof(Nq__RebuildStatus, requested_at),
         offsetof(Nq__RebuildStatus, has_requested_at)},
        {NQ_REBUILD_F_STARTED_AT, offsetof(Nq__RebuildStatus, started_at),
         offsetof(Nq__RebuildStatus, has_started_at)},
        {NQ_REBUILD_F_FINISHED_AT, offsetof(Nq__RebuildStatus, finished_at),
         offsetof(Nq__RebuildStatus, has_finished_at)},
        {NQ_REBUILD_F_ATTEMPTS, offsetof(Nq__RebuildStatus, attempts),
         offsetof(Nq__RebuildStatus, has_attempts)},
    };
    const int64_t values[] = {job->from,       job->scanned,     job->requested_at,
                              job->started_at, job->finished_at, job->attempts};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        if (!nq_rebuild_job_has(job, ints[i].field))
            continue;
        *(int64_t *)(void *)((char *)st + ints[i].value) = values[i];
        *(protobuf_c_boolean *)(void *)((char *)st + ints[i].has) = 1;
    }
    st->state = (char *)nq_rebuild_state_name(job->state);
    st->owner = nq_rebuild_job_has(job, NQ_REBUILD_F_OWNER) ? (char *)job->owner : NULL;
    st->error = nq_rebuild_job_has(job, NQ_REBUILD_F_ERROR) ? (char *)job->error : NULL;
}

static void admin_answer(nq_call_t *base)
{
    admin_call_t *c = (admin_call_t *)base;
    nq_zsock_t *router = c->admin->router;
    if (router) {
        nq_reply_header_t h;
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        status_of_job(&c->status, &c->job);
        c->status.header = &h.pb;
        nq_zsock_reply(router, &base->env, base->env.type, &c->status.base);
    }
    nq_call_cleanup(base);
    free(c);
}

static void on_job(nq_redis_t *r, redisReply *reply, void *data)
{
    admin_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        for (size_t i = 0; i + 1 < reply->elements; i += 2)
            nq_rebuild_job_set(&c->job, reply->element[i]->str, reply->element[i + 1]->str);
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
    nq_redis_t *redis = c->admin->redis;
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

/* Request a rebuild of the periods ending after `from` (common/lua/rebuild_request.lua). */
static int request(admin_call_t *c, int64_t from)
{
    const char *sources[NQ_REBUILD_STATE_COUNT];
    size_t n = nq_rebuild_sources(NQ_REBUILD_REQUEST, sources, NQ_REBUILD_STATE_COUNT);
    nq_script_call_t *call = nq_script_call_new(NQ_SCRIPT(REBUILD_REQUEST), 1, 3 + n);
    if (!call)
        return -1;
    nq_script_call_adds(call, NQ_KEY_REBUILD_JOB);
    nq_script_call_addll(call, from);
    nq_script_call_addll(call, nq_now_ms());
    nq_script_call_adds(call, nq_rebuild_state_name(NQ_REBUILD_REQUESTED));
    for (size_t i = 0; i < n; i++)
        nq_script_call_adds(call, sources[i]);
    return nq_script_call_send(c->admin->redis, &call, on_requested, c);
}

void rebuild_admin_on_request(rebuild_admin_t *admin, const nq_bus_envelope_t *env,
                              const ProtobufCMessage *msg)
{
    const Nq__RebuildRequest *req = (const Nq__RebuildRequest *)msg;
    admin_call_t *c = calloc(1, sizeof(*c));
    if (!c || nq_call_init(&c->base, env, req->correlation_id, admin_answer) != 0) {
        free(c);
        nq_log_error("rebuild_request", "out of memory");
        return;
    }
    c->admin = admin;
    nq_rebuild_job_init(&c->job);
    nq__rebuild_status__init(&c->status);
    if (env->msg != NQ_MSG(REBUILD_START)) {
        read_status(c);
    } else if (req->has_from && req->from < 0) {
        nq_field_errors_add(&c->base.errs, "from", "must be a date");
        nq_call_fail(&c->base, NQ__STATUS__STATUS_INVALID, "from must be a date");
    } else {
        nq_call_issued(&c->base, request(c, req->has_from ? req->from : 0));
    }
    nq_call_release(&c->base);
}
