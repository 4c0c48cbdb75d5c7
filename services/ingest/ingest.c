/* ingest.c — the ingest service's I/O. See ingest.h. */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/reply.h"
#include "nq/period.h"
#include "dedupe.h"
#include "hold.h"
#include "rebuild_admin.h"
#include "store.h"
#include "validate.h"

/* Batches held, queued or in flight to Redis beyond which new ones are refused (503). */
#define MAX_INFLIGHT_BATCHES 64
/* One append is in flight at a time; the batches that come meanwhile go
 * together in the next one (one script call, one log entry), up to this
 * many events. */
#define GROUP_EVENTS_MAX 5000
/* How often held batches look at the scoring backlog again, ms. */
#define HOLD_POLL_MS 5

struct ingest {
    nq_service_t *svc;                         /* shared process state */
    nq_zsock_t *router;                        /* requests from the gateway */
    nq_zsock_t *pub;                           /* activity.stored.v1 to scorers */
    size_t inflight;                           /* batches held, queued or waiting for Redis */
    hold_t hold;                               /* batches waiting for scorers to catch up */
    uv_timer_t hold_tick;                      /* releases them */
    bool polling;                              /* a backlog read is out */
    struct batch_job *queue_head, *queue_tail; /* batches waiting for the append in flight */
    bool appending;                            /* an append is in flight */
    ingest_dedupe_t dedupe;                    /* the live dedupe buckets known */
    rebuild_admin_t admin;                     /* the rebuild's front: Redis and the router */
    bool has_tick;                             /* hold_tick was initialised */
    bool stopping;                             /* stop hook ran */
};

/* One batch between the request and the reply. */
typedef struct batch_job {
    ingest_t *in;               /* the service */
    nq_bus_envelope_t env;      /* who asked (identity copied) */
    char *correlation_id;       /* copied from the request */
    size_t n;                   /* events in the request */
    char **event_ids;           /* copied ids, for the reply */
    int *status;                /* Nq__EventStatus per event */
    nq_field_errors_t **errors; /* per rejected event, else NULL */
    size_t *stored_index;       /* request index of each event sent to Redis */
    size_t n_stored;            /* events sent to Redis */
    ingest_append_t *append;    /* the prepared append (freed with the job) */
    int64_t deadline;           /* Unix ms after which the caller gave up; 0: none */
    bool replayed;              /* a feed delivery taken before: refused whole */
    struct batch_job *next;     /* the next one queued, or of its group */
} batch_job_t;

static void job_free(batch_job_t *job)
{
    for (size_t i = 0; i < job->n; i++) {
        free(job->event_ids[i]);
        free(job->errors[i]);
    }
    free(job->event_ids);
    free(job->errors);
    free(job->status);
    free(job->stored_index);
    free(job->correlation_id);
    ingest_store_drop(job->append);
    free(job);
}

static batch_job_t *job_new(ingest_t *in, const nq_bus_envelope_t *env, const char *corr, size_t n)
{
    batch_job_t *job = calloc(1, sizeof(*job));
    if (!job)
        return NULL;
    job->in = in;
    job->env = *env;
    job->env.payload = NULL;
    job->env.payload_len = 0;
    job->n = n;
    job->correlation_id = strdup(corr ? corr : "");
    job->event_ids = calloc(n + 1, sizeof(*job->event_ids));
    job->status = calloc(n + 1, sizeof(*job->status));
    job->errors = calloc(n + 1, sizeof(*job->errors));
    job->stored_index = calloc(n + 1, sizeof(*job->stored_index));
    if (!job->correlation_id || !job->event_ids || !job->status || !job->errors ||
        !job->stored_index) {
        job_free(job);
        return NULL;
    }
    return job;
}

/* Send the batch reply: header with `status`, one result per event. */
static void reply(batch_job_t *job, Nq__Status status, const char *detail)
{
    Nq__ActivityBatchReply rep = NQ__ACTIVITY_BATCH_REPLY__INIT;
    rep.has_replayed = rep.replayed = job->replayed;
    Nq__ReplyHeader hdr = NQ__REPLY_HEADER__INIT;
    hdr.correlation_id = job->correlation_id;
    hdr.has_status = 1;
    hdr.status = status;
    hdr.detail = (char *)detail;
    rep.header = &hdr;

    size_t n = status == NQ__STATUS__STATUS_OK && !job->replayed ? job->n : 0;
    Nq__EventResult *results = calloc(n + 1, sizeof(*results));
    Nq__EventResult **ptrs = calloc(n + 1, sizeof(*ptrs));
    Nq__FieldError *errs = calloc(n * NQ_FIELD_ERRORS_MAX + 1, sizeof(*errs));
    Nq__FieldError **err_ptrs = calloc(n * NQ_FIELD_ERRORS_MAX + 1, sizeof(*err_ptrs));
    if (!results || !ptrs || !errs || !err_ptrs) {
        hdr.status = NQ__STATUS__STATUS_UNAVAILABLE;
        hdr.detail = "out of memory";
        n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        Nq__EventResult *r = &results[i];
        nq__event_result__init(r);
        r->has_index = r->has_status = 1;
        r->index = (int32_t)i;
        r->event_id = job->event_ids[i];
        r->status = job->status[i];
        const nq_field_errors_t *fe = job->errors[i];
        r->errors = &err_ptrs[i * NQ_FIELD_ERRORS_MAX];
        for (size_t k = 0; fe && k < fe->n; k++) {
            Nq__FieldError *e = &errs[i * NQ_FIELD_ERRORS_MAX + k];
            nq__field_error__init(e);
            e->field = (char *)fe->items[k].field;
            e->reason = (char *)fe->items[k].reason;
            r->errors[r->n_errors++] = e;
        }
        ptrs[i] = r;
    }
    rep.results = ptrs;
    rep.n_results = n;
    if (job->in->router)
        nq_zsock_reply(job->in->router, &job->env, job->env.type, &rep.base);
    free(results);
    free(ptrs);
    free(errs);
    free(err_ptrs);
}

static void publish_stored(ingest_t *in, size_t count, const char *last_id)
{
    if (!in->pub || count == 0)
        return;
    Nq__ActivityStored msg = NQ__ACTIVITY_STORED__INIT;
    msg.has_count = 1;
    msg.count = (int32_t)count;
    msg.last_stream_id = (char *)last_id;
    nq_zsock_send(in->pub, NQ_MSG(ACTIVITY_STORED), &msg.base);
}

/* Answer every job of a list with `status` and free them. */
static void fail_jobs(ingest_t *in, batch_job_t *jobs, const char *why)
{
    while (jobs) {
        batch_job_t *next = jobs->next;
        in->inflight--;
        reply(jobs, NQ__STATUS__STATUS_UNAVAILABLE, why);
        job_free(jobs);
        jobs = next;
    }
}

static void flush(ingest_t *in);

/* A group's append came back: each job gets its events' statuses. */
static void on_appended(int rc, const ingest_append_result_t *res, void *data)
{
    batch_job_t *jobs = data;
    ingest_t *in = jobs->in;
    in->appending = false;
    if (rc != 0) {
        fail_jobs(in, jobs, "activity log unavailable, retry later");
        flush(in);
        return;
    }
    if (res->replayed) { /* a delivery goes alone: this is its job */
        jobs->replayed = true;
        in->inflight--;
        reply(jobs, NQ__STATUS__STATUS_OK, NULL);
        job_free(jobs);
        flush(in);
        return;
    }
    hold_backlog(&in->hold, res->backlog);
    static const Nq__EventStatus map[] = {
        [INGEST_APPEND_ACCEPTED] = NQ__EVENT_STATUS__EVENT_ACCEPTED,
        [INGEST_APPEND_DUPLICATE] = NQ__EVENT_STATUS__EVENT_DUPLICATE,
        [INGEST_APPEND_CONFLICT] = NQ__EVENT_STATUS__EVENT_CONFLICT,
        [INGEST_APPEND_UNKNOWN] = NQ__EVENT_STATUS__EVENT_REJECTED,
    };
    size_t accepted = 0, at = 0;
    while (jobs) {
        batch_job_t *next = jobs->next;
        for (size_t k = 0; k < jobs->n_stored && at < res->n; k++, at++) {
            size_t i = jobs->stored_index[k];
            jobs->status[i] = map[res->status[at]];
            accepted += res->status[at] == INGEST_APPEND_ACCEPTED;
            if (res->status[at] == INGEST_APPEND_UNKNOWN &&
                (jobs->errors[i] = calloc(1, sizeof(nq_field_errors_t))))
                nq_field_errors_add(jobs->errors[i], "salesperson_id",
                                    "unknown salesperson (not in the directory)");
        }
        in->inflight--;
        reply(jobs, NQ__STATUS__STATUS_OK, NULL);
        job_free(jobs);
        jobs = next;
    }
    publish_stored(in, accepted, res->last_id);
    flush(in);
}

/* Validate every event; stamp the valid ones and collect them for Redis.
 * Returns the number of valid events put in `valid`. */
static size_t validate_batch(batch_job_t *job, Nq__ActivityBatchRequest *req, Nq__Activity **valid)
{
    const nq_config_t *cfg = &job->in->svc->cfg;
    int64_t now = nq_now_ms();
    size_t n_valid = 0;
    for (size_t i = 0; i < job->n; i++) {
        Nq__Activity *ev = req->events[i];
        job->event_ids[i] = ev->event_id ? strndup(ev->event_id, INGEST_EVENT_ID_MAX) : NULL;
        nq_field_errors_t errs = {0};
        if (ingest_validate(ev, now, cfg->future_skew_s * 1000, &errs) != 0) {
            job->status[i] = NQ__EVENT_STATUS__EVENT_REJECTED;
            job->errors[i] = malloc(sizeof(errs));
            if (job->errors[i])
                *job->errors[i] = errs;
            continue;
        }
        ev->has_received_at = 1;
        ev->received_at = now;
        job->stored_index[n_valid] = i;
        valid[n_valid++] = ev;
    }
    return n_valid;
}

/* Whether a batch may go ahead: STATUS_OK, or the refusal with its reason. */
static Nq__Status admit(const ingest_t *in, const Nq__ActivityBatchRequest *req, const char **why)
{
    if (req->n_events > (size_t)in->svc->cfg.max_batch_events) {
        *why = "too many events in one batch";
        return NQ__STATUS__STATUS_INVALID;
    }
    if (in->inflight >= MAX_INFLIGHT_BATCHES) {
        *why = "ingest is saturated, retry later";
        return NQ__STATUS__STATUS_UNAVAILABLE;
    }
    if (req->has_deadline && nq_now_ms() > req->deadline) {
        *why = "the request expired before ingest got it; nothing was stored";
        return NQ__STATUS__STATUS_UNAVAILABLE;
    }
    if (req->delivery_id && !ingest_delivery_valid(req->delivery_id)) {
        *why = "delivery_id must be <source>:<signature as 64 lower-case hex digits>";
        return NQ__STATUS__STATUS_INVALID;
    }
    return NQ__STATUS__STATUS_OK;
}

/* Take the queued jobs of the next group off the queue (at most
 * GROUP_EVENTS_MAX events unless one job alone has more; a feed delivery
 * alone), answering those whose caller gave up. Returns them linked, or NULL
 * when none is left. */
static batch_job_t *take_group(ingest_t *in, ingest_append_t **appends, size_t *k)
{
    batch_job_t *first = NULL, *last = NULL;
    size_t events = 0;
    *k = 0;
    while (in->queue_head && *k < MAX_INFLIGHT_BATCHES) {
        batch_job_t *job = in->queue_head;
        bool alone = ingest_store_is_delivery(job->append);
        if (*k > 0 && (alone || events + job->n_stored > GROUP_EVENTS_MAX))
            break;
        in->queue_head = job->next;
        job->next = NULL;
        if (job->deadline && nq_now_ms() > job->deadline) {
            fail_jobs(in, job,
                      "the request expired while waiting for the activity log; nothing "
                      "was stored");
            continue;
        }
        if (last)
            last->next = job;
        else
            first = job;
        last = job;
        appends[(*k)++] = job->append;
        events += job->n_stored;
        if (alone)
            break;
    }
    if (!in->queue_head)
        in->queue_tail = NULL;
    return first;
}

/* Send the queued jobs as one append, unless one is in flight. */
static void flush(ingest_t *in)
{
    ingest_append_t *appends[MAX_INFLIGHT_BATCHES];
    size_t k;
    while (!in->appending && in->queue_head) {
        batch_job_t *jobs = take_group(in, appends, &k);
        if (!jobs)
            return;
        in->appending =
            ingest_store_send(in->svc->redis, &in->dedupe, appends, k, on_appended, jobs) == 0;
        if (!in->appending)
            fail_jobs(in, jobs, "activity log unavailable, retry later");
    }
}

/* Queue a batch for the next append (or answer that it expired while held). */
static void send_job(ingest_t *in, batch_job_t *job)
{
    if (job->deadline && nq_now_ms() > job->deadline) { /* job->next is NULL: never queued */
        fail_jobs(in, job, "the request expired while scoring caught up; nothing was stored");
        return;
    }
    if (in->queue_tail)
        in->queue_tail->next = job;
    else
        in->queue_head = job;
    in->queue_tail = job;
    flush(in);
}

/* Send every held batch that may go now. */
static void release_held(ingest_t *in)
{
    batch_job_t *job;
    while ((job = hold_pop_due(&in->hold, nq_now_ms())))
        send_job(in, job);
    if (in->hold.n == 0)
        uv_timer_stop(&in->hold_tick);
}

static void on_backlog(nq_redis_t *r, redisReply *reply, void *data)
{
    ingest_t *in = data;
    in->polling = false;
    if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
        const redisReply *acc = reply->element[0], *sc = reply->element[1];
        long long a = acc->type == REDIS_REPLY_STRING ? atoll(acc->str) : 0;
        long long s = sc->type == REDIS_REPLY_STRING ? atoll(sc->str) : 0;
        hold_backlog(&in->hold, a - s);
    }
    if (!in->stopping)
        release_held(in);
}

static void on_hold_tick(uv_timer_t *t)
{
    ingest_t *in = t->data;
    release_held(in);
    if (in->hold.n > 0 && !in->polling &&
        nq_redis_command(in->svc->redis, on_backlog, in, "MGET %s %s", NQ_KEY_STATS_ACCEPTED,
                         NQ_KEY_STATS_SCORED) == 0)
        in->polling = true;
}

/* Hold a batch until scorers catch up (hold.h), or send it now. */
static void take_job(ingest_t *in, batch_job_t *job)
{
    in->inflight++;
    if (!hold_needed(&in->hold)) {
        send_job(in, job);
        return;
    }
    if (hold_push(&in->hold, job, nq_now_ms()) != 0) {
        send_job(in, job); /* out of memory for the queue: do not hold */
        return;
    }
    if (in->hold.n == 1)
        nq_log_warn("scoring_behind",
                    "%lld events wait to be scored (limit %lld): new batches wait up to %lld ms",
                    (long long)in->hold.backlog, (long long)in->hold.max,
                    (long long)in->hold.wait_max_ms);
    if (!uv_is_active((uv_handle_t *)&in->hold_tick))
        uv_timer_start(&in->hold_tick, on_hold_tick, HOLD_POLL_MS, HOLD_POLL_MS);
}

static void on_batch(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app)
{
    ingest_t *in = app;
    Nq__ActivityBatchRequest *req = (Nq__ActivityBatchRequest *)msg;
    batch_job_t *job = job_new(in, env, req->correlation_id, req->n_events);
    Nq__Activity **valid = calloc(req->n_events + 1, sizeof(*valid));
    if (!job || !valid) {
        nq_log_error("oom", "cannot take a batch of %zu events", req->n_events);
        goto out_free;
    }
    const char *why = NULL;
    Nq__Status admitted = admit(in, req, &why);
    if (admitted != NQ__STATUS__STATUS_OK) {
        reply(job, admitted, why);
        goto out_free;
    }
    job->n_stored = validate_batch(job, req, valid);
    if (job->n_stored == 0) {
        reply(job, NQ__STATUS__STATUS_OK, NULL);
        goto out_free;
    }
    job->deadline = req->has_deadline ? req->deadline : 0;
    const nq_config_t *cfg = &in->svc->cfg;
    /* A delivery is remembered across the signature's whole window, both edges. */
    job->append = ingest_store_prepare(valid, job->n_stored, cfg->dedupe_window_s, nq_now_ms(),
                                       strcmp(cfg->unknown_salesperson, "reject") == 0
                                           ? INGEST_UNKNOWN_REJECT
                                           : INGEST_UNKNOWN_ACCEPT,
                                       req->delivery_id, 2 * cfg->feed_tolerance_s);
    if (!job->append) {
        reply(job, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory, retry later");
        goto out_free;
    }
    free(valid);
    take_job(in, job); /* the job is now the hold's or on_appended's */
    return;

out_free:
    if (job)
        job_free(job);
    free(valid);
}

static void on_ping(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *app)
{
    nq_reply_pong(sock, env, msg, ((ingest_t *)app)->svc, "ingest");
}

static void on_rebuild(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                       void *app)
{
    rebuild_admin_on_request(&((ingest_t *)app)->admin, env, msg);
}

static const nq_bus_route_t routes[] = {
    {NQ_MSG(ACTIVITY_BATCH), on_batch},
    {NQ_MSG(REBUILD_START), on_rebuild},
    {NQ_MSG(REBUILD_STATUS), on_rebuild},
    {NQ_MSG(SYS_PING), on_ping},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static void on_redis_connected(nq_redis_t *r, void *data)
{
    nq_redis_ensure_group(r, NQ_KEY_ACTIVITIES, NQ_GROUP_SCORING);
}

void *ingest_new(nq_service_t *svc)
{
    if (nq_bus_routes_check(routes, N_ROUTES, ZMQ_ROUTER, NQ_SVC_INGEST) != 0)
        return NULL;
    ingest_t *in = calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    in->svc = svc;
    ingest_dedupe_init(&in->dedupe);
    const nq_config_t *cfg = &svc->cfg;
    in->router = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_ROUTER, cfg->ingest_endpoint,
                              NQ_ZSOCK_BIND, nq_curve_link(svc->curve, NQ_LINK_INGEST), routes,
                              N_ROUTES, in, (size_t)cfg->max_frame_bytes);
    in->pub = nq_zsock_new(&svc->loop, svc->zctx, ZMQ_PUB, cfg->stored_endpoint, NQ_ZSOCK_BIND,
                           nq_curve_link(svc->curve, NQ_LINK_STORED), NULL, 0, in,
                           (size_t)cfg->max_frame_bytes);
    if (!in->router || !in->pub) {
        ingest_stop(in);
        free(in);
        return NULL;
    }
    in->admin = (rebuild_admin_t){svc->redis, in->router};
    hold_init(&in->hold, cfg->scoring_backlog_max, cfg->ingest_hold_max_ms);
    uv_timer_init(&svc->loop, &in->hold_tick);
    in->hold_tick.data = in;
    in->has_tick = true;
    nq_redis_on_connected(svc->redis, on_redis_connected, in);
    nq_log_info("listening", "router %s, stored pub %s", cfg->ingest_endpoint,
                cfg->stored_endpoint);
    return in;
}

void ingest_stop(void *app)
{
    ingest_t *in = app;
    if (!in || in->stopping)
        return;
    in->stopping = true;
    batch_job_t *job;
    while ((job = hold_pop(&in->hold))) /* nothing of theirs is stored; never queued */
        fail_jobs(in, job, "ingest is stopping, retry later");
    fail_jobs(in, in->queue_head, "ingest is stopping, retry later");
    in->queue_head = in->queue_tail = NULL;
    if (in->has_tick)
        uv_close((uv_handle_t *)&in->hold_tick, NULL);
    in->admin.router = NULL;
    nq_zsock_destroy(&in->router);
    nq_zsock_destroy(&in->pub);
}

void ingest_free(void *app)
{
    free(app);
}
