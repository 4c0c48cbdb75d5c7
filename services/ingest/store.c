/* store.c — appending batches to the activity log. See store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "validate.h"

/* KEYS[1] stream, KEYS[2] accepted counter, KEYS[3] scored counter, KEYS[4]
 * the index of dedupe buckets, KEYS[5] the flag "keys of the first layout
 * may remain". ARGV: now (Unix s), bucket span (s), window (s), n, the packed
 * batch (nq/actlog.h), bucket prefix, first-layout prefix, then per event:
 * event_id, digest.
 * The event ids of a bucket's span are the fields of one hash (value: the
 * digest), so a batch costs one HMGET per live bucket and one HSET, not a
 * command per event. A bucket lives until its span ended and a whole window
 * passed: an id is remembered for at least the window. The index (score:
 * when a bucket expires) names the live ones. While KEYS[5] exists, ids are
 * also looked up as keys of the first layout (one MGET per batch).
 * A digest of 64 hex digits was written by an earlier version: whole SHA-256,
 * whose first 128 bits are the digest now. An id twice in one batch counts
 * once. The batch becomes one stream entry, with the indexes of the events
 * that did not count (x); a batch with none new appends nothing.
 * Returns the stream id of the entry ("" if none), the scoring backlog
 * (events accepted but not yet scored), then (index, 1 duplicate or 2
 * conflict) for each event that did not count: every other one was accepted
 * (a reply of two values for a batch of new events, however large).
 * unpack() takes at most a few thousand values: ids go in chunks of 1000. */
static const char append_script[] =
    "local now, span, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])\n"
    "local n = tonumber(ARGV[4])\n"
    "local ids, known = {}, {}\n"
    "for i = 1, n do ids[i] = ARGV[6 + i * 2] end\n"
    "local function look(fetch)\n"
    "  for c = 1, n, 1000 do\n"
    "    local last = math.min(c + 999, n)\n"
    "    local got = fetch(c, last)\n"
    "    for i = c, last do known[i] = known[i] or got[i - c + 1] end\n"
    "  end\n"
    "end\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)\n"
    "local buckets = redis.call('ZRANGE', KEYS[4], 0, -1)\n"
    "for _, b in ipairs(buckets) do\n"
    "  look(function(c, last) return redis.call('HMGET', b, unpack(ids, c, last)) end)\n"
    "end\n"
    "if redis.call('EXISTS', KEYS[5]) == 1 then\n"
    "  look(function(c, last)\n"
    "    local keys = {}\n"
    "    for i = c, last do keys[#keys + 1] = ARGV[7] .. ids[i] end\n"
    "    return redis.call('MGET', unpack(keys))\n"
    "  end)\n"
    "end\n"
    "local skipped, told, fresh, mine = {}, {}, {}, {}\n"
    "local ns, nf = 0, 0\n"
    "for i = 1, n do\n"
    "  local d = ARGV[7 + i * 2]\n"
    "  local prev = known[i] or mine[ids[i]]\n"
    "  if not prev then\n"
    "    mine[ids[i]] = d\n"
    "    fresh[nf + 1] = ids[i]\n"
    "    fresh[nf + 2] = d\n"
    "    nf = nf + 2\n"
    "  else\n"
    "    local same = prev == d or (#prev == 64 and string.sub(prev, 1, #d) == d)\n"
    "    ns = ns + 1\n"
    "    skipped[ns] = i - 1\n"
    "    told[ns] = same and 1 or 2\n"
    "  end\n"
    "end\n"
    "local accepted = n - ns\n"
    "local id = ''\n"
    "if accepted > 0 then\n"
    "  local start = now - now % span\n"
    "  local bucket = ARGV[6] .. start\n"
    "  for c = 1, nf, 2000 do\n"
    "    redis.call('HSET', bucket, unpack(fresh, c, math.min(c + 1999, nf)))\n"
    "  end\n"
    "  local listed = false\n"
    "  for _, b in ipairs(buckets) do listed = listed or b == bucket end\n"
    "  if not listed then\n"
    "    redis.call('ZADD', KEYS[4], start + span + window, bucket)\n"
    "    redis.call('EXPIREAT', bucket, start + span + window)\n"
    "  end\n"
    "  if ns > 0 then\n"
    "    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[5], 'x',\n"
    "                    table.concat(skipped, ','))\n"
    "  else\n"
    "    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[5])\n"
    "  end\n"
    "  redis.call('INCRBY', KEYS[2], accepted)\n"
    "end\n"
    "local out = {id, tonumber(redis.call('GET', KEYS[2]) or '0') -\n"
    "                 tonumber(redis.call('GET', KEYS[3]) or '0')}\n"
    "for k = 1, ns do\n"
    "  out[1 + k * 2] = skipped[k]\n"
    "  out[2 + k * 2] = told[k]\n"
    "end\n"
    "return out\n";

struct ingest_append {
    size_t n;              /* events in the batch */
    int64_t now_s;         /* when it was received (Unix s): picks the dedupe bucket */
    int64_t window_s;      /* dedupe window */
    uint8_t *packed;       /* the events as one log entry's b field */
    size_t packed_len;     /* its length */
    nq_redis_args_t pairs; /* event_id, digest per event */
};

/* A sent append: who is told, about how many events. */
typedef struct sent {
    size_t n;            /* events over the appends sent together */
    ingest_append_cb cb; /* caller's callback */
    void *data;          /* its argument */
} sent_t;

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
            told->type != REDIS_REPLY_INTEGER ||
            (told->integer != INGEST_APPEND_DUPLICATE && told->integer != INGEST_APPEND_CONFLICT))
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
    free(a);
}

static void on_appended(nq_redis_t *r, redisReply *reply, void *data)
{
    sent_t *sent = data;
    int *status = calloc(sent->n ? sent->n : 1, sizeof(*status));
    ingest_append_result_t res = {status, sent->n, "", 0};
    int rc =
        status ? ingest_store_parse_reply(reply, sent->n, status, &res.last_id, &res.backlog) : -1;
    if (rc != 0)
        nq_log_error("append_failed", "activity log append failed: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    sent->cb(rc, &res, sent->data);
    free(status);
    free(sent);
}

/* Add one event's id and digest to the pairs. */
static int add_event(nq_redis_args_t *a, const Nq__Activity *ev)
{
    char digest[INGEST_DIGEST_LEN + 1];
    if (!ev->event_id || ingest_digest(ev, digest) != 0)
        return -1;
    nq_redis_args_adds(a, ev->event_id);
    nq_redis_args_add(a, digest, INGEST_DIGEST_LEN);
    return 0;
}

/* KEYS[1] layout mark, KEYS[2] stream, KEYS[3] legacy flag. ARGV: window,
 * this layout's mark. Returns 1 when keys of the first layout may remain. */
static const char layout_script[] =
    "if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end\n"
    "local legacy = redis.call('XLEN', KEYS[2]) > 0\n"
    "if legacy then redis.call('SET', KEYS[3], '1', 'EX', ARGV[1]) end\n"
    "redis.call('SET', KEYS[1], ARGV[2])\n"
    "return legacy and 1 or 0\n";

void ingest_store_layout_call(nq_redis_args_t *a, int64_t window_s)
{
    nq_redis_args_init(a);
    nq_redis_args_adds(a, "EVAL");
    nq_redis_args_adds(a, layout_script);
    nq_redis_args_adds(a, "3");
    nq_redis_args_adds(a, NQ_KEY_DEDUPE_LAYOUT);
    nq_redis_args_adds(a, NQ_KEY_ACTIVITIES);
    nq_redis_args_adds(a, NQ_KEY_DEDUPE_LEGACY);
    nq_redis_args_addf(a, "%lld", (long long)window_s);
    nq_redis_args_adds(a, NQ_DEDUPE_LAYOUT);
}

int64_t ingest_dedupe_span_s(int64_t window_s)
{
    return window_s > 4 ? (window_s + 3) / 4 : 1;
}

ingest_append_t *ingest_store_prepare(Nq__Activity *const *events, size_t n, int64_t window_s,
                                      int64_t now_ms)
{
    ingest_append_t *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    *a = (ingest_append_t){.n = n, .now_s = now_ms / 1000, .window_s = window_s};
    nq_redis_args_init(&a->pairs);
    a->packed = nq_actlog_pack(events, n, &a->packed_len);
    int rc = a->packed ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_event(&a->pairs, events[i]);
    if (rc != 0 || a->pairs.failed) {
        ingest_store_drop(a);
        return NULL;
    }
    return a;
}

int ingest_store_send(nq_redis_t *r, ingest_append_t *const *appends, size_t k, ingest_append_cb cb,
                      void *data)
{
    if (k == 0 || !nq_redis_ready(r))
        return -1;
    size_t n = 0, packed_len = 0, pairs = 0;
    for (size_t j = 0; j < k; j++) {
        n += appends[j]->n;
        packed_len += appends[j]->packed_len;
        pairs += appends[j]->pairs.argc;
    }
    /* Entries of a repeated field, packed one after the other, are the
     * packing of all of them: the batches' events make one log entry. */
    uint8_t *packed = malloc(packed_len ? packed_len : 1);
    sent_t *sent = malloc(sizeof(*sent));
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    int rc = -1;
    if (packed && sent) {
        *sent = (sent_t){n, cb, data};
        for (size_t j = 0, at = 0; j < k; at += appends[j]->packed_len, j++)
            memcpy(packed + at, appends[j]->packed, appends[j]->packed_len);
        static const char *const head[] = {"EVAL",
                                           append_script,
                                           "5",
                                           NQ_KEY_ACTIVITIES,
                                           NQ_KEY_STATS_ACCEPTED,
                                           NQ_KEY_STATS_SCORED,
                                           NQ_KEY_DEDUPE_BUCKETS,
                                           NQ_KEY_DEDUPE_LEGACY};
        size_t n_head = sizeof(head) / sizeof(head[0]);
        nq_redis_pipe_cmd(&p, on_appended, sent, n_head + 7 + pairs);
        for (size_t i = 0; i < n_head; i++)
            nq_redis_pipe_adds(&p, head[i]);
        nq_redis_pipe_addll(&p, appends[0]->now_s);
        nq_redis_pipe_addll(&p, ingest_dedupe_span_s(appends[0]->window_s));
        nq_redis_pipe_addll(&p, appends[0]->window_s);
        nq_redis_pipe_addll(&p, (long long)n);
        nq_redis_pipe_add(&p, packed, packed_len);
        nq_redis_pipe_adds(&p, NQ_KEY_DEDUPE_BUCKET_PREFIX);
        nq_redis_pipe_adds(&p, NQ_KEY_EVENT_PREFIX);
        for (size_t j = 0; j < k; j++) {
            for (size_t i = 0; i < appends[j]->pairs.argc; i++)
                nq_redis_pipe_add(&p, appends[j]->pairs.argv[i], appends[j]->pairs.lens[i]);
        }
        rc = nq_redis_pipe_send(r, &p); /* one command: issued whole or not at all */
    }
    if (rc != 0)
        free(sent);
    free(packed);
    nq_redis_pipe_free(&p); /* hiredis holds its own copy of the command */
    return rc;
}
