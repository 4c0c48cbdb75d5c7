/* deliver.c — the delivery queue's I/O. See deliver.h. */
#include "deliver.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "curluv.h"
#include "dlvplan.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "quiet.h"

struct deliver {
    nq_service_t *svc;           /* shared process state */
    curluv_t *http;              /* requests in flight */
    uv_timer_t *tick;            /* looks for work (heap: closes after we are freed) */
    bool feed_busy;              /* a read of the alert stream is in flight */
    bool own_pending;            /* read this consumer's pending entries first */
    bool claim_busy;             /* a claim (and its load) is in flight */
    bool stopping;               /* deliver_stop ran */
    uint64_t reservations;       /* rate window reservations made (tags them) */
    uint64_t sent, failed, dead; /* outcomes here */
};

/* ---- feeding the queue: raised alerts into deliveries ---------------------- */

typedef struct raised {
    char id[80];    /* alert id */
    char team[72];  /* its team */
    bool escalated; /* the entry is its escalation, not its raise */
} raised_t;

typedef struct feed {
    deliver_t *d;
    char **entries; /* stream entry ids read */
    size_t n_entries;
    raised_t *alerts; /* raised alerts with a team */
    size_t n_alerts;
    char (*teams)[72]; /* distinct teams */
    size_t n_teams;
    bool full; /* the read came back full */
} feed_t;

static void feed_pull(deliver_t *d);

static void feed_free(feed_t *f)
{
    for (size_t i = 0; i < f->n_entries; i++)
        free(f->entries[i]);
    free(f->entries);
    free(f->alerts);
    free(f->teams);
    free(f);
}

static void feed_end(feed_t *f)
{
    deliver_t *d = f->d;
    bool again = f->full;
    feed_free(f);
    d->feed_busy = false;
    if (again)
        feed_pull(d);
}

static void on_enqueued(nq_redis_t *r, redisReply *reply, void *data)
{
    feed_t *f = data;
    if (!reply || reply->type != REDIS_REPLY_INTEGER)
        nq_log_warn("delivery_deferred", "%zu alert stream entries stay pending: %s", f->n_entries,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
    else if (reply->integer > 0)
        nq_log_info("delivery_queued", "%lld deliveries queued", reply->integer);
    feed_end(f);
}

static int add_delivery(nq_redis_args_t *keys, nq_redis_args_t *args, const raised_t *a,
                        const channel_t *ch, int64_t now)
{
    char key[160], id[260], field[170];
    const char *tail = a->escalated ? "/" DLV_ESCALATED : "";
    nq_key_dlv_alert(key, sizeof(key), a->id);
    nq_redis_args_adds(keys, key);
    snprintf(id, sizeof(id), "%s/%s/%s%s", a->id, a->team, ch->id, tail);
    snprintf(field, sizeof(field), "%s/%s%s", a->team, ch->id, tail);
    dlv_record_t rec;
    dlv_record_init(&rec, ch->id, channel_kind_name(ch->kind), now);
    char *text = dlv_record_dump(&rec);
    if (!text)
        return -1;
    nq_redis_args_adds(args, id);
    nq_redis_args_adds(args, field);
    nq_redis_args_adds(args, text);
    nq_redis_args_addf(args, "%" PRId64, now);
    free(text);
    return 0;
}

/* [per team: [id, channel JSON, ...]] -> one delivery per alert and channel. */
static void on_channels(nq_redis_t *r, redisReply *reply, void *data)
{
    feed_t *f = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != f->n_teams) {
        nq_log_warn("delivery_deferred", "%zu alert stream entries stay pending: %s", f->n_entries,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
        feed_end(f);
        return;
    }
    nq_redis_args_t keys, args;
    nq_redis_args_init(&keys);
    nq_redis_args_init(&args);
    int64_t now = nq_now_ms();
    nq_redis_args_adds(&keys, NQ_KEY_ALERTS);
    nq_redis_args_adds(&keys, NQ_KEY_DLV_QUEUE);
    nq_redis_args_adds(&keys, NQ_KEY_DLV_DEPTH);
    nq_redis_args_adds(&args, NQ_GROUP_DELIVERY);
    nq_redis_args_addf(&args, "%zu", f->n_entries);
    for (size_t i = 0; i < f->n_entries; i++)
        nq_redis_args_adds(&args, f->entries[i]);
    channel_t *ch = malloc(sizeof(*ch));
    for (size_t t = 0; ch && t < f->n_teams; t++) {
        const redisReply *list = reply->element[t];
        for (size_t k = 1; list->type == REDIS_REPLY_ARRAY && k < list->elements; k += 2) {
            if (channel_from_json(list->element[k]->str, ch) != 0)
                continue;
            for (size_t i = 0; i < f->n_alerts; i++) {
                if (strcmp(f->alerts[i].team, f->teams[t]) == 0 &&
                    add_delivery(&keys, &args, &f->alerts[i], ch, now) != 0)
                    keys.failed = true;
            }
        }
    }
    size_t nkeys = keys.argc;
    for (size_t i = 0; i < args.argc; i++)
        nq_redis_args_add(&keys, args.argv[i], args.lens[i]);
    int rc = !ch || keys.failed || args.failed
                 ? -1
                 : nq_script_call_args(f->d->svc->redis, NQ_SCRIPT(DLV_ENQUEUE), on_enqueued, f,
                                       nkeys, &keys);
    free(ch);
    nq_redis_args_free(&keys);
    nq_redis_args_free(&args);
    if (rc != 0)
        on_enqueued(NULL, NULL, f);
}

/* Keep a raised or escalated alert of an entry [stream id, [field, value, ...]]. */
static int feed_take(feed_t *f, const redisReply *entry)
{
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING)
        return 0;
    f->entries[f->n_entries] = strdup(entry->element[0]->str);
    if (!f->entries[f->n_entries])
        return -1;
    f->n_entries++;
    const redisReply *fields = entry->element[1];
    const char *id = NULL;
    const redisReply *packed = NULL;
    for (size_t i = 0; fields->type == REDIS_REPLY_ARRAY && i + 1 < fields->elements; i += 2) {
        const char *name = fields->element[i]->str;
        if (name && strcmp(name, "id") == 0)
            id = fields->element[i + 1]->str;
        else if (name && strcmp(name, "a") == 0)
            packed = fields->element[i + 1];
    }
    Nq__Alert *a = id && packed && packed->type == REDIS_REPLY_STRING
                       ? nq__alert__unpack(NULL, packed->len, (const uint8_t *)packed->str)
                       : NULL;
    bool escalated = a && a->change && strcmp(a->change, "escalated") == 0;
    if (a && (!a->change || strcmp(a->change, "raised") == 0 || escalated) && a->team_id &&
        *a->team_id && strlen(id) < sizeof(f->alerts[0].id) &&
        strlen(a->team_id) < sizeof(f->alerts[0].team)) {
        raised_t *x = &f->alerts[f->n_alerts++];
        x->escalated = escalated;
        snprintf(x->id, sizeof(x->id), "%s", id);
        snprintf(x->team, sizeof(x->team), "%s", a->team_id);
        size_t t = 0;
        while (t < f->n_teams && strcmp(f->teams[t], x->team) != 0)
            t++;
        if (t == f->n_teams)
            snprintf(f->teams[f->n_teams++], sizeof(f->teams[0]), "%s", x->team);
    }
    if (a)
        nq__alert__free_unpacked(a, NULL);
    return 0;
}

/* XREADGROUP reply: [[stream, [entries]]], or nil. */
static void on_feed_read(nq_redis_t *r, redisReply *reply, void *data)
{
    deliver_t *d = data;
    const redisReply *entries = nq_redis_stream_entries(reply);
    size_t n = entries ? entries->elements : 0;
    if (reply && reply->type != REDIS_REPLY_ERROR && n < DELIVER_READ_MAX)
        d->own_pending = false;
    feed_t *f = n && !d->stopping ? calloc(1, sizeof(*f)) : NULL;
    if (f) {
        f->d = d;
        f->full = n >= DELIVER_READ_MAX;
        f->entries = calloc(n, sizeof(*f->entries));
        f->alerts = calloc(n, sizeof(*f->alerts));
        f->teams = calloc(n, sizeof(*f->teams));
    }
    if (!f || !f->entries || !f->alerts || !f->teams) {
        if (f)
            feed_free(f);
        d->feed_busy = false;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (feed_take(f, entries->element[i]) != 0) {
            feed_end(f);
            return;
        }
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[160];
    for (size_t t = 0; t < f->n_teams; t++) {
        nq_key_channels(key, sizeof(key), f->teams[t]);
        nq_redis_args_adds(&a, key);
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(d->svc->redis, NQ_SCRIPT(DLV_CHANNELS), on_channels, f,
                                            a.argc, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        feed_end(f);
}

static void feed_pull(deliver_t *d)
{
    if (d->feed_busy || d->stopping)
        return;
    if (nq_redis_command(d->svc->redis, on_feed_read, d,
                         "XREADGROUP GROUP %s %s COUNT %d STREAMS %s %s", NQ_GROUP_DELIVERY,
                         nq_service_member(d->svc), DELIVER_READ_MAX, NQ_KEY_ALERTS,
                         d->own_pending ? "0" : ">") == 0)
        d->feed_busy = true;
}

/* ---- sending ----------------------------------------------------------------- */

/* One delivery taken. */
typedef struct taken {
    dlv_id_t id;
    char full[260];   /* the delivery id */
    dlv_record_t rec; /* its record */
    bool has_rec;     /* the record read */
    Nq__Alert *alert; /* its alert (NULL for a test message, or gone) */
    size_t group;     /* its channel's index in the round */
    int role;         /* TAKEN_* */
} taken_t;

/* What a delivery of the round is, once looked at. */
enum { TAKEN_DONE, TAKEN_TEST, TAKEN_PICKED };

/* A channel of the round. */
typedef struct group {
    char team[72], channel[72];
    channel_t ch;      /* as stored */
    bool has_ch;       /* it exists */
    long long sent;    /* messages in the rate window */
    long long depth;   /* its deliveries in the queue */
    quiet_t quiet;     /* the team's quiet hours */
    size_t tests;      /* test messages taken (each goes alone, first) */
    dlv_split_t split; /* how the picked deliveries go */
    long long granted; /* messages the rate window took */
} group_t;

typedef struct round {
    deliver_t *d;
    taken_t *t;
    size_t n;
    group_t *g;
    size_t n_groups;
    bool full;
} round_t;

/* One request: the deliveries it carries. */
typedef struct send {
    deliver_t *d;
    channel_t ch;
    size_t n;
    taken_t *t; /* copies (alerts not kept) */
} send_t;

static void claim(deliver_t *d);

static void round_free(round_t *rd)
{
    for (size_t i = 0; i < rd->n; i++) {
        if (rd->t[i].alert)
            nq__alert__free_unpacked(rd->t[i].alert, NULL);
    }
    free(rd->t);
    free(rd->g);
    free(rd);
}

static void on_done(nq_redis_t *r, redisReply *reply, void *data)
{
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("delivery_outcome_lost", "%s (the delivery is tried again after its lease)",
                    reply ? reply->str : "Redis unavailable");
}

/* Write t's outcome: rec already updated; due: when a retry is due. */
static void store_outcome(deliver_t *d, const taken_t *t, const char *outcome, int64_t due)
{
    char *text = dlv_record_dump(&t->rec);
    json_t *last = json_pack("{s:s, s:I, s:s, s:s}", "state", t->rec.state, "at",
                             (json_int_t)nq_now_ms(), "error", t->rec.error, "delivery", t->full);
    char *last_text = last ? json_dumps(last, JSON_COMPACT) : NULL;
    json_decref(last);
    char k_rec[160], k_dead[160], k_last[160];
    nq_key_dlv_alert(k_rec, sizeof(k_rec), t->id.alert);
    nq_key_dlv_dead(k_dead, sizeof(k_dead), t->id.team);
    nq_key_dlv_last(k_last, sizeof(k_last), t->id.team);
    if (!text || !last_text ||
        nq_script_callf(d->svc->redis, NQ_SCRIPT(DLV_DONE), on_done, NULL, 5,
                        "%s %s %s %s %s %s %s %s %s %lld %d %s/%s %s %s", NQ_KEY_DLV_QUEUE, k_rec,
                        k_dead, NQ_KEY_DLV_DEPTH, k_last, t->full, t->id.field, text, outcome,
                        (long long)due, dlv_id_is_test(&t->id) ? 0 : 1, t->id.team, t->id.channel,
                        t->id.channel, last_text) != 0)
        nq_log_warn("delivery_outcome_lost", "%s: Redis unavailable (tried again after its lease)",
                    t->full);
    free(text);
    free(last_text);
}

static void on_sent(long status, const char *body, const char *error, void *data)
{
    send_t *s = data;
    deliver_t *d = s->d;
    const nq_config_t *cfg = &d->svc->cfg;
    if (d->stopping) { /* abandoned: taken again when its lease ends */
        free(s->t);
        free(s);
        return;
    }
    const char *why = NULL;
    char err[200];
    bool ok = !*error && channel_accepted(&s->ch, status, body, &why);
    if (*error)
        snprintf(err, sizeof(err), "%s", error);
    else if (!ok)
        snprintf(err, sizeof(err), "HTTP %ld: %s", status, why);
    int64_t now = nq_now_ms();
    for (size_t i = 0; i < s->n; i++) {
        taken_t *t = &s->t[i];
        t->rec.attempts++;
        if (ok) {
            strcpy(t->rec.state, "sent");
            t->rec.sent_at = now;
            t->rec.error[0] = '\0';
            t->rec.digest = s->n > 1 ? (int)s->n : 0;
            d->sent++;
            store_outcome(d, t, "sent", 0);
            continue;
        }
        snprintf(t->rec.error, sizeof(t->rec.error), "%s", err);
        int64_t next;
        if (dlv_after_failure(&t->rec, now, cfg->delivery_window_s * 1000, cfg->delivery_retry_ms,
                              DELIVER_CAP_MS, randombytes_random(), &next)) {
            t->rec.next_at = next;
            d->failed++;
            store_outcome(d, t, "retry", next);
        } else {
            strcpy(t->rec.state, "dead");
            d->dead++;
            nq_log_warn("delivery_dead", "%s after %d attempts: %s", t->full, t->rec.attempts, err);
            store_outcome(d, t, "dead", 0);
        }
    }
    free(s->t);
    free(s);
}

/* Post rq, or mail it when it is an e-mail. 0, or -1 (on_sent never runs). */
static int send_request(curluv_t *http, const channel_req_t *rq, long timeout_ms, send_t *s)
{
    if (!rq->mail_from)
        return curluv_post(http, rq->url, rq->headers, rq->body, rq->len, timeout_ms, on_sent, s);
    curluv_mail_t m = {.url = rq->url,
                       .username = rq->username,
                       .password = rq->password,
                       .from = rq->mail_from,
                       .rcpt = (const char *const *)rq->mail_rcpt,
                       .require_tls = rq->require_tls};
    return curluv_mail(http, &m, rq->body, rq->len, timeout_ms, on_sent, s);
}

/* Post one message carrying deliveries t[0..n) of group g. */
static void post(round_t *rd, const group_t *g, taken_t *const *t, size_t n)
{
    deliver_t *d = rd->d;
    channel_item_t *items = calloc(n, sizeof(*items));
    send_t *s = calloc(1, sizeof(*s));
    if (s)
        s->t = calloc(n, sizeof(*s->t));
    if (!items || !s || !s->t) {
        free(items);
        if (s)
            free(s->t);
        free(s);
        return; /* they come back after their lease */
    }
    s->d = d;
    s->ch = g->ch;
    s->n = n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        s->t[i] = *t[i];
        s->t[i].alert = NULL;
        if (t[i]->alert) {
            channel_item_of(t[i]->alert, &items[k]);
            items[k++].escalated = t[i]->id.escalated;
        }
    }
    channel_msg_t m = {.kind = k == 0  ? CHANNEL_MSG_TEST
                               : k > 1 ? CHANNEL_MSG_DIGEST
                                       : CHANNEL_MSG_ALERT,
                       .items = items,
                       .n = k,
                       .team_name = g->team,
                       .console_url = d->svc->cfg.console_url};
    channel_req_t rq;
    int rc = channel_request(&g->ch, &m, nq_now_ms(), &rq);
    free(items);
    if (rc == 0) {
        rc = send_request(d->http, &rq, (long)d->svc->cfg.delivery_timeout_ms, s);
        channel_req_free(&rq);
    }
    if (rc != 0) {
        nq_log_warn("delivery_not_sent", "%s: the request could not be made",
                    s->t[0].full); /* back after its lease */
        free(s->t);
        free(s);
    }
}

/* A delivery that cannot go: its channel is gone, or its alert. */
static void drop(deliver_t *d, taken_t *t, const char *why)
{
    strcpy(t->rec.state, "dropped");
    snprintf(t->rec.error, sizeof(t->rec.error), "%s", why);
    store_outcome(d, t, "dropped", 0);
}

/* Hold t until its team's quiet hours end (looked at again every minute,
 * so hours cleared meanwhile release it); its retry window starts then. */
static void hold(deliver_t *d, taken_t *t, int64_t until, int64_t now)
{
    strcpy(t->rec.state, "held");
    t->rec.next_at = until;
    t->rec.first_at = until;
    int64_t due = until < now + DELIVER_QUIET_RECHECK_MS ? until : now + DELIVER_QUIET_RECHECK_MS;
    store_outcome(d, t, "retry", due);
}

/* A delivery the channel's rate window has no room for now: later. */
static void wait_window(deliver_t *d, taken_t *t, int64_t now)
{
    t->rec.next_at = now + DELIVER_WAIT_MS;
    store_outcome(d, t, "retry", t->rec.next_at);
}

/* Sort the round's deliveries: drop, hold, or keep them for a message; then
 * plan each channel's messages (dlv_plan). Returns how many channels want any. */
static size_t sort_round(round_t *rd, int64_t now)
{
    deliver_t *d = rd->d;
    nq_period_t day;
    bool day_known = nq_period_of(NQ_PERIOD_DAY, now, &day) == 0;
    size_t wanting = 0;
    for (size_t gi = 0; gi < rd->n_groups; gi++) {
        group_t *g = &rd->g[gi];
        int64_t quiet = day_known ? quiet_until(&g->quiet, now, day.start_ms, day.end_ms) : 0;
        size_t picked = 0;
        for (size_t i = 0; i < rd->n; i++) {
            taken_t *t = &rd->t[i];
            if (t->group != gi)
                continue;
            t->role = TAKEN_DONE;
            if (!t->has_rec) /* its record is gone: nothing to say where it stands */
                dlv_record_init(&t->rec, t->id.channel, "", now);
            if (!g->has_ch)
                drop(d, t, "the channel was deleted");
            else if (!t->alert && !dlv_id_is_test(&t->id))
                drop(d, t, "the alert is gone");
            else if (t->id.escalated && t->alert && t->alert->state &&
                     strcmp(t->alert->state, "open") != 0)
                drop(d, t, "the alert was acknowledged or resolved before its escalation went out");
            else if (!t->alert)
                t->role = TAKEN_TEST, g->tests++; /* a test message goes alone */
            else if (quiet && quiet_holds(t->alert->severity))
                hold(d, t, quiet, now);
            else
                t->role = TAKEN_PICKED, picked++;
        }
        dlv_budget_t b = {.due = picked,
                          .depth = g->depth,
                          .rate = g->ch.rate_per_min,
                          .spent = g->sent + (long long)g->tests,
                          .digest_max = DELIVER_DIGEST_MAX};
        g->split = dlv_plan(&b);
        wanting += g->tests + g->split.messages > 0;
    }
    return wanting;
}

/* Post what the rate windows granted; the rest waits. */
static void send_round(round_t *rd, int64_t now)
{
    deliver_t *d = rd->d;
    taken_t **pick = calloc(rd->n ? rd->n : 1, sizeof(*pick));
    for (size_t gi = 0; gi < rd->n_groups; gi++) {
        group_t *g = &rd->g[gi];
        long long left = g->granted;
        size_t n = 0;
        for (size_t i = 0; i < rd->n; i++) {
            taken_t *t = &rd->t[i];
            if (t->group != gi || t->role == TAKEN_DONE)
                continue;
            if (t->role == TAKEN_TEST && left > 0)
                left--, post(rd, g, &t, 1);
            else if (t->role == TAKEN_PICKED && pick)
                pick[n++] = t;
            else
                wait_window(d, t, now);
        }
        size_t per = g->split.per_message ? g->split.per_message : 1;
        size_t at = 0;
        for (size_t m = 0; m < g->split.messages && left > 0 && at < n; m++, left--) {
            size_t k = n - at < per ? n - at : per;
            post(rd, g, &pick[at], k);
            at += k;
        }
        for (; at < n; at++)
            wait_window(d, pick[at], now);
    }
    free(pick);
}

static void round_next(round_t *rd)
{
    deliver_t *d = rd->d;
    bool again = rd->full && !d->stopping;
    round_free(rd);
    d->claim_busy = false;
    if (again)
        claim(d);
}

/* dlv_reserve's reply: per wanting channel the messages granted. */
static void on_reserved(nq_redis_t *r, redisReply *reply, void *data)
{
    round_t *rd = data;
    size_t k = 0;
    for (size_t gi = 0; gi < rd->n_groups; gi++) {
        group_t *g = &rd->g[gi];
        if (g->tests + g->split.messages == 0)
            continue;
        g->granted = reply && reply->type == REDIS_REPLY_ARRAY && k < reply->elements &&
                             reply->element[k]->type == REDIS_REPLY_INTEGER
                         ? reply->element[k]->integer
                         : 0;
        k++;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        nq_log_warn("delivery_deferred", "%zu deliveries wait for their lease: %s", rd->n,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
    else if (!rd->d->stopping)
        send_round(rd, nq_now_ms());
    round_next(rd);
}

/* Reserve the planned messages in the channels' rate windows, then send. */
static void dispatch(round_t *rd)
{
    deliver_t *d = rd->d;
    int64_t now = nq_now_ms();
    if (sort_round(rd, now) == 0) {
        round_next(rd);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[200];
    for (size_t gi = 0; gi < rd->n_groups; gi++) {
        if (rd->g[gi].tests + rd->g[gi].split.messages == 0)
            continue;
        nq_key_dlv_sent(key, sizeof(key), rd->g[gi].team, rd->g[gi].channel);
        nq_redis_args_adds(&a, key);
    }
    size_t nkeys = a.argc;
    nq_redis_args_addf(&a, "%" PRId64, now);
    nq_redis_args_addf(&a, "%d", NQ_DLV_RATE_WINDOW_S * 1000 + DELIVER_RATE_SLACK_MS);
    nq_redis_args_addf(&a, "%s:%" PRIu64, nq_service_member(d->svc), ++d->reservations);
    for (size_t gi = 0; gi < rd->n_groups; gi++) {
        group_t *g = &rd->g[gi];
        if (g->tests + g->split.messages == 0)
            continue;
        nq_redis_args_addf(&a, "%d", g->ch.rate_per_min);
        nq_redis_args_addf(&a, "%zu", g->tests + g->split.messages);
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(d->svc->redis, NQ_SCRIPT(DLV_RESERVE), on_reserved, rd,
                                            nkeys, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        on_reserved(NULL, NULL, rd);
}

/* [per delivery [packed alert, record]], then [per channel [channel, messages
 * in the window, quiet hours, depth]]. */
static void on_loaded(nq_redis_t *r, redisReply *reply, void *data)
{
    round_t *rd = data;
    deliver_t *d = rd->d;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != rd->n + rd->n_groups) {
        nq_log_warn("delivery_deferred", "%zu deliveries wait for their lease: %s", rd->n,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
    } else if (!d->stopping) {
        for (size_t i = 0; i < rd->n; i++) {
            const redisReply *row = reply->element[i];
            taken_t *t = &rd->t[i];
            if (row->element[0]->type == REDIS_REPLY_STRING)
                t->alert = nq__alert__unpack(NULL, row->element[0]->len,
                                             (const uint8_t *)row->element[0]->str);
            if (t->alert) {
                free(t->alert->id);
                t->alert->id = strdup(t->id.alert);
            }
            t->has_rec = row->element[1]->type == REDIS_REPLY_STRING &&
                         dlv_record_load(row->element[1]->str, &t->rec) == 0;
        }
        for (size_t j = 0; j < rd->n_groups; j++) {
            const redisReply *row = reply->element[rd->n + j];
            group_t *g = &rd->g[j];
            g->has_ch = row->element[0]->type == REDIS_REPLY_STRING &&
                        channel_from_json(row->element[0]->str, &g->ch) == 0;
            g->sent = row->element[1]->integer;
            g->depth = row->element[3]->integer;
            if (row->element[2]->type != REDIS_REPLY_STRING ||
                quiet_load(row->element[2]->str, &g->quiet) != 0)
                memset(&g->quiet, 0, sizeof(g->quiet));
        }
        dispatch(rd); /* owns the round now */
        return;
    }
    round_next(rd);
}

static void on_claimed(nq_redis_t *r, redisReply *reply, void *data)
{
    deliver_t *d = data;
    size_t n = reply && reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
    round_t *rd = n && !d->stopping ? calloc(1, sizeof(*rd)) : NULL;
    if (rd) {
        rd->d = d;
        rd->t = calloc(n, sizeof(*rd->t));
        rd->g = calloc(n, sizeof(*rd->g));
        rd->full = n >= DELIVER_CLAIM_MAX;
    }
    if (!rd || !rd->t || !rd->g) {
        if (rd)
            round_free(rd);
        d->claim_busy = false;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        taken_t *t = &rd->t[rd->n];
        const char *s = reply->element[i]->str;
        if (!s || dlv_id_parse(s, &t->id) != 0 || strlen(s) >= sizeof(t->full)) {
            nq_log_warn("delivery_unreadable", "queue member %s is not a delivery id", s ? s : "");
            continue;
        }
        snprintf(t->full, sizeof(t->full), "%s", s);
        size_t g = 0;
        while (g < rd->n_groups && (strcmp(rd->g[g].team, t->id.team) != 0 ||
                                    strcmp(rd->g[g].channel, t->id.channel) != 0))
            g++;
        if (g == rd->n_groups) {
            snprintf(rd->g[g].team, sizeof(rd->g[g].team), "%s", t->id.team);
            snprintf(rd->g[g].channel, sizeof(rd->g[g].channel), "%s", t->id.channel);
            rd->n_groups++;
        }
        t->group = g;
        rd->n++;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[200];
    for (size_t i = 0; i < rd->n; i++) {
        nq_key_alert(key, sizeof(key), rd->t[i].id.alert);
        nq_redis_args_adds(&a, key);
        nq_key_dlv_alert(key, sizeof(key), rd->t[i].id.alert);
        nq_redis_args_adds(&a, key);
    }
    for (size_t j = 0; j < rd->n_groups; j++) {
        nq_key_channels(key, sizeof(key), rd->g[j].team);
        nq_redis_args_adds(&a, key);
        nq_key_dlv_sent(key, sizeof(key), rd->g[j].team, rd->g[j].channel);
        nq_redis_args_adds(&a, key);
        nq_redis_args_adds(&a, NQ_KEY_ALERT_QUIET);
    }
    nq_redis_args_adds(&a, NQ_KEY_DLV_DEPTH);
    size_t nkeys = a.argc;
    nq_redis_args_addf(&a, "%zu", rd->n);
    nq_redis_args_addf(&a, "%" PRId64, nq_now_ms());
    nq_redis_args_addf(&a, "%d", NQ_DLV_RATE_WINDOW_S * 1000 + DELIVER_RATE_SLACK_MS);
    for (size_t i = 0; i < rd->n; i++)
        nq_redis_args_adds(&a, rd->t[i].id.field);
    for (size_t j = 0; j < rd->n_groups; j++) {
        nq_redis_args_adds(&a, rd->g[j].channel);
        nq_redis_args_adds(&a, rd->g[j].team);
    }
    int rc = a.failed || rd->n == 0 ? -1
                                    : nq_script_call_args(d->svc->redis, NQ_SCRIPT(DLV_LOAD),
                                                          on_loaded, rd, nkeys, &a);
    nq_redis_args_free(&a);
    if (rc != 0) {
        round_free(rd);
        d->claim_busy = false;
    }
}

static void claim(deliver_t *d)
{
    if (d->claim_busy || d->stopping || curluv_pending(d->http) >= DELIVER_INFLIGHT_MAX)
        return;
    long long lease = (long long)d->svc->cfg.delivery_timeout_ms + DELIVER_LEASE_MS;
    if (nq_script_callf(d->svc->redis, NQ_SCRIPT(DLV_CLAIM), on_claimed, d, 1, "%s %lld %lld %d",
                        NQ_KEY_DLV_QUEUE, (long long)nq_now_ms(), lease, DELIVER_CLAIM_MAX) == 0)
        d->claim_busy = true;
}

/* ---- life ---------------------------------------------------------------------- */

static void on_tick(uv_timer_t *t)
{
    deliver_t *d = t->data;
    feed_pull(d);
    claim(d);
}

deliver_t *deliver_new(nq_service_t *svc)
{
    deliver_t *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->svc = svc;
    d->http = curluv_new(&svc->loop);
    d->tick = malloc(sizeof(*d->tick));
    if (!d->http || !d->tick) {
        curluv_destroy(&d->http);
        free(d->tick);
        free(d);
        return NULL;
    }
    uv_timer_init(&svc->loop, d->tick);
    d->tick->data = d;
    uv_timer_start(d->tick, on_tick, DELIVER_TICK_MS, DELIVER_TICK_MS);
    return d;
}

void deliver_connected(deliver_t *d)
{
    if (!d)
        return;
    nq_redis_ensure_group(d->svc->redis, NQ_KEY_ALERTS, NQ_GROUP_DELIVERY);
    d->feed_busy = d->claim_busy = false; /* calls of the old connection were answered NULL */
    d->own_pending = true;
    feed_pull(d);
}

void deliver_nudge(deliver_t *d)
{
    if (d)
        feed_pull(d);
}

static void on_tick_closed(uv_handle_t *h)
{
    free(h);
}

void deliver_stop(deliver_t *d)
{
    if (!d || d->stopping)
        return;
    d->stopping = true;
    uv_close((uv_handle_t *)d->tick, on_tick_closed);
    d->tick = NULL;
    nq_log_info("delivery_stopped",
                "%llu sent, %llu failed attempts, %llu dead letters; %zu "
                "requests abandoned (sent again after their lease)",
                (unsigned long long)d->sent, (unsigned long long)d->failed,
                (unsigned long long)d->dead, curluv_pending(d->http));
    curluv_destroy(&d->http);
}

void deliver_free(deliver_t **d)
{
    if (!d || !*d)
        return;
    free(*d);
    *d = NULL;
}
