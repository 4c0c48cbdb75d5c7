/* store.c — appending batches to the activity log. See store.h. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"
#include "validate.h"

/* How often an append is sent again after the script named buckets it was
 * not given (another ingest may add one meanwhile; more is a fault). */
#define STALE_TRIES 3

struct ingest_append {
    size_t n;                       /* events in the batch */
    int64_t now_ms;                 /* when it was received: the dedupe bucket, seen times */
    int64_t window_s;               /* dedupe window */
    ingest_unknown_policy_t policy; /* events of unknown salespeople */
    uint8_t *packed;                /* the events as one log entry's b field */
    size_t packed_len;              /* its length */
    nq_redis_args_t pairs;          /* event_id, digest per event */
    nq_redis_args_t who;            /* salesperson_id, customer_id ("" none) per event */
    char delivery[160];             /* a feed delivery's replay key, "" when none */
    int64_t delivery_ttl_s;         /* how long it is kept */
};

/* Sent appends: who is told, about how many events; what to send again. */
typedef struct sent {
    size_t n;                  /* events over the appends sent together */
    ingest_append_cb cb;       /* caller's callback */
    void *data;                /* its argument */
    ingest_dedupe_t *dedupe;   /* the live buckets known */
    ingest_append_t **appends; /* the appends (the caller's, alive until cb) */
    size_t k;                  /* how many */
    int tries;                 /* sends so far */
} sent_t;

static int send_appends(nq_redis_t *r, sent_t *sent);

int ingest_store_parse_reply(const redisReply *reply, size_t n, int *status, const char **last_id,
                             int64_t *backlog)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
        reply->elements % 2 != 0 || (reply->elements - 2) / 2 > n)
        return -1;
    const redisReply *last = reply->element[0], *left = reply->element[1];
    if (last->type != REDIS_REPLY_STRING || left->type != REDIS_REPLY_INTEGER)
        return -1;
    for (size_t i = 0; i < n; i++)
        status[i] = INGEST_APPEND_ACCEPTED;
    for (size_t k = 2; k < reply->elements; k += 2) {
        const redisReply *at = reply->element[k], *told = reply->element[k + 1];
        if (at->type != REDIS_REPLY_INTEGER || at->integer < 0 || (size_t)at->integer >= n ||
            told->type != REDIS_REPLY_INTEGER || told->integer < INGEST_APPEND_DUPLICATE ||
            told->integer > INGEST_APPEND_UNKNOWN)
            return -1;
        status[at->integer] = (int)told->integer;
    }
    *last_id = last->str;
    *backlog = left->integer;
    return 0;
}

void ingest_store_drop(ingest_append_t *a)
{
    if (!a)
        return;
    free(a->packed);
    nq_redis_args_free(&a->pairs);
    nq_redis_args_free(&a->who);
    free(a);
}

static void sent_free(sent_t *sent)
{
    free(sent->appends);
    free(sent);
}

ingest_reply_kind_t ingest_store_reply_kind(const redisReply *reply, ingest_dedupe_t *dedupe)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
        reply->element[0]->type != REDIS_REPLY_INTEGER)
        return INGEST_REPLY_OTHER;
    long long kind = reply->element[0]->integer;
    if (kind == -2 && reply->elements == 1)
        return INGEST_REPLY_REPLAYED;
    if (kind != -1 || reply->elements < 3 || reply->elements % 2 == 0)
        return INGEST_REPLY_OTHER;
    for (size_t i = 1; i + 1 < reply->elements; i += 2) {
        const redisReply *name = reply->element[i], *expires = reply->element[i + 1];
        if (name->type != REDIS_REPLY_STRING || expires->type != REDIS_REPLY_STRING ||
            ingest_dedupe_learn(dedupe, name->str, (int64_t)strtod(expires->str, NULL)) != 0)
            return INGEST_REPLY_OTHER;
    }
    return INGEST_REPLY_STALE;
}

static void on_appended(nq_redis_t *r, redisReply *reply, void *data)
{
    sent_t *sent = data;
    ingest_reply_kind_t kind = ingest_store_reply_kind(reply, sent->dedupe);
    if (kind == INGEST_REPLY_STALE && sent->tries < STALE_TRIES && send_appends(r, sent) == 0)
        return; /* on_appended runs again */
    int *status = calloc(sent->n ? sent->n : 1, sizeof(*status));
    ingest_append_result_t res = {status, sent->n, "", 0, kind == INGEST_REPLY_REPLAYED};
    int rc = !status ? -1
             : res.replayed
                 ? 0
                 : ingest_store_parse_reply(reply, sent->n, status, &res.last_id, &res.backlog);
    if (rc != 0)
        nq_log_error("append_failed", "activity log append failed: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str
                     : kind == INGEST_REPLY_STALE              ? "dedupe buckets kept changing"
                                                               : "no reply");
    sent->cb(rc, &res, sent->data);
    free(status);
    sent_free(sent);
}

/* Add one event's id and digest to the pairs, and whose it is to who. */
static int add_event(ingest_append_t *a, const Nq__Activity *ev)
{
    char digest[INGEST_DIGEST_LEN + 1];
    if (!ev->event_id || ingest_digest(ev, digest) != 0)
        return -1;
    nq_redis_args_adds(&a->pairs, ev->event_id);
    nq_redis_args_add(&a->pairs, digest, INGEST_DIGEST_LEN);
    nq_redis_args_adds(&a->who, ev->salesperson_id ? ev->salesperson_id : "");
    nq_redis_args_adds(&a->who, ev->customer_id ? ev->customer_id : "");
    return 0;
}

ingest_append_t *ingest_store_prepare(Nq__Activity *const *events, size_t n, int64_t window_s,
                                      int64_t now_ms, ingest_unknown_policy_t policy,
                                      const char *delivery, int64_t delivery_ttl_s)
{
    ingest_append_t *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    *a = (ingest_append_t){.n = n, .now_ms = now_ms, .window_s = window_s, .policy = policy};
    if (delivery && nq_key_feed_seen(a->delivery, sizeof(a->delivery), delivery) < 0) {
        free(a);
        return NULL;
    }
    a->delivery_ttl_s = delivery_ttl_s;
    nq_redis_args_init(&a->pairs);
    nq_redis_args_init(&a->who);
    a->packed = nq_actlog_pack(events, n, &a->packed_len);
    int rc = a->packed ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_event(a, events[i]);
    if (rc != 0 || a->pairs.failed || a->who.failed) {
        ingest_store_drop(a);
        return NULL;
    }
    return a;
}

bool ingest_store_is_delivery(const ingest_append_t *a)
{
    return a->delivery[0] != '\0';
}

/* The distinct non-empty ids of a batch, in first-seen order (borrowed),
 * found again by an open-addressing table. */
typedef struct distinct {
    const char **ids;   /* distinct ids */
    uint32_t *events;   /* per distinct id: the events naming it */
    size_t n;           /* how many */
    const char **slots; /* the table: an id or NULL */
    uint32_t *at;       /* per slot: 1-based index into ids */
    size_t mask;        /* slots - 1 (a power of two) */
} distinct_t;

static int distinct_init(distinct_t *d, size_t max)
{
    size_t cap = 16;
    while (cap < 2 * max)
        cap *= 2;
    *d = (distinct_t){
        calloc(max + 1, sizeof(*d->ids)), calloc(max + 1, sizeof(*d->events)), 0,
        calloc(cap, sizeof(*d->slots)),   calloc(cap, sizeof(*d->at)),         cap - 1};
    return d->ids && d->events && d->slots && d->at ? 0 : -1;
}

static void distinct_free(distinct_t *d)
{
    free(d->ids);
    free(d->events);
    free(d->slots);
    free(d->at);
}

/* The 1-based index of id among the distinct ones (added when new); 0 for "". */
static uint32_t distinct_add(distinct_t *d, const char *id)
{
    if (!*id)
        return 0;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)id; *c; c++)
        h = (h ^ *c) * 16777619u;
    size_t i = h & d->mask;
    while (d->slots[i] && strcmp(d->slots[i], id) != 0)
        i = (i + 1) & d->mask;
    if (!d->slots[i]) {
        d->slots[i] = d->ids[d->n++] = id;
        d->at[i] = (uint32_t)d->n;
    }
    d->events[d->at[i] - 1]++;
    return d->at[i];
}

/* Each event's "<salesperson>,<customer>;" indexes into sp and cu (which
 * collect the distinct ids). NULL when out of memory; the caller frees. */
static char *who_map(ingest_append_t *const *appends, size_t k, size_t n, distinct_t *sp,
                     distinct_t *cu, size_t *len)
{
    char *map = malloc(n * 24 + 1);
    if (!map || distinct_init(sp, n) != 0 || distinct_init(cu, n) != 0) {
        free(map);
        return NULL;
    }
    *len = 0;
    for (size_t j = 0; j < k; j++) {
        const nq_redis_args_t *who = &appends[j]->who;
        for (size_t i = 0; i + 1 < who->argc; i += 2)
            *len += (size_t)sprintf(map + *len, "%u,%u;", distinct_add(sp, who->argv[i]),
                                    distinct_add(cu, who->argv[i + 1]));
    }
    return map;
}

/* The script's KEYS that are always there, in its order. */
static const char *const fixed_keys[] = {
    NQ_KEY_ACTIVITIES,     NQ_KEY_STATS_ACCEPTED,      NQ_KEY_STATS_SCORED,
    NQ_KEY_DEDUPE_BUCKETS, NQ_KEY_SALESPEOPLE,         NQ_KEY_SALESPEOPLE_ARCHIVED,
    NQ_KEY_CUSTOMERS,      NQ_KEY_UNKNOWN_SALESPEOPLE, NQ_KEY_UNKNOWN_CUSTOMERS,
};
#define N_FIXED_KEYS (sizeof(fixed_keys) / sizeof(fixed_keys[0]))

/* The append call of sent->appends (common/lua/ingest_append.lua for its
 * KEYS and ARGV), or NULL when out of memory or out of room for buckets. */
static nq_script_call_t *append_call(sent_t *sent)
{
    ingest_append_t *const *appends = sent->appends, *first = appends[0];
    size_t k = sent->k, n = 0, packed_len = 0, pairs = 0, map_len = 0;
    for (size_t j = 0; j < k; j++) {
        n += appends[j]->n;
        packed_len += appends[j]->packed_len;
        pairs += appends[j]->pairs.argc;
    }
    size_t nb = ingest_dedupe_live(sent->dedupe, first->now_ms / 1000, first->window_s);
    bool delivery = ingest_store_is_delivery(first);
    /* Entries of a repeated field, packed one after the other, are the
     * packing of all of them: the batches' events make one log entry. */
    uint8_t *packed = malloc(packed_len ? packed_len : 1);
    distinct_t sp = {0}, cu = {0};
    char *map = who_map(appends, k, n, &sp, &cu, &map_len);
    nq_script_call_t *c = NULL;
    if (nb > 0 && packed && map)
        c = nq_script_call_new(NQ_SCRIPT(INGEST_APPEND), N_FIXED_KEYS + nb + delivery,
                               10 + pairs + 2 * (sp.n + cu.n));
    if (c) {
        for (size_t j = 0, at = 0; j < k; at += appends[j]->packed_len, j++)
            memcpy(packed + at, appends[j]->packed, appends[j]->packed_len);
        for (size_t i = 0; i < N_FIXED_KEYS; i++)
            nq_script_call_adds(c, fixed_keys[i]);
        for (size_t i = 0; i < nb; i++)
            nq_script_call_adds(c, sent->dedupe->b[i].name);
        if (delivery)
            nq_script_call_adds(c, first->delivery);
        nq_script_call_addll(c, first->now_ms / 1000);
        nq_script_call_addll(c, sent->dedupe->b[nb - 1].expires);
        nq_script_call_addll(c, (long long)nb);
        if (delivery)
            nq_script_call_addll(c, first->delivery_ttl_s);
        else
            nq_script_call_adds(c, "");
        nq_script_call_addll(c, (long long)n);
        nq_script_call_add(c, packed, packed_len);
        nq_script_call_adds(c, first->policy == INGEST_UNKNOWN_REJECT ? "reject" : "accept");
        nq_script_call_addll(c, first->now_ms);
        nq_script_call_add(c, map, map_len);
        nq_script_call_addll(c, (long long)sp.n);
        for (size_t j = 0; j < k; j++) {
            for (size_t i = 0; i < appends[j]->pairs.argc; i++)
                nq_script_call_add(c, appends[j]->pairs.argv[i], appends[j]->pairs.lens[i]);
        }
        const distinct_t *lists[] = {&sp, &cu};
        for (int l = 0; l < 2; l++) {
            for (size_t i = 0; i < lists[l]->n; i++)
                nq_script_call_adds(c, lists[l]->ids[i]);
            for (size_t i = 0; i < lists[l]->n; i++)
                nq_script_call_addll(c, lists[l]->events[i]);
        }
    }
    free(packed);
    free(map);
    distinct_free(&sp);
    distinct_free(&cu);
    return c;
}

/* Send (again) the appends of `sent`. 0 when issued, -1 when not. */
static int send_appends(nq_redis_t *r, sent_t *sent)
{
    nq_script_call_t *c = append_call(sent);
    sent->tries++;
    return nq_script_call_send(r, &c, on_appended, sent); /* one command: issued whole or not */
}

int ingest_store_send(nq_redis_t *r, ingest_dedupe_t *dedupe, ingest_append_t *const *appends,
                      size_t k, ingest_append_cb cb, void *data)
{
    if (k == 0 || !nq_redis_ready(r))
        return -1;
    for (size_t j = 0; k > 1 && j < k; j++) {
        if (ingest_store_is_delivery(appends[j]))
            return -1; /* a delivery goes alone */
    }
    sent_t *sent = calloc(1, sizeof(*sent));
    ingest_append_t **copy = malloc(k * sizeof(*copy));
    if (!sent || !copy) {
        free(sent);
        free(copy);
        return -1;
    }
    memcpy(copy, appends, k * sizeof(*copy));
    *sent = (sent_t){0, cb, data, dedupe, copy, k, 0};
    for (size_t j = 0; j < k; j++)
        sent->n += appends[j]->n;
    if (send_appends(r, sent) != 0) {
        sent_free(sent);
        return -1;
    }
    return 0;
}
