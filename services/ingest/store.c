/* store.c — appending batches to the activity log. See store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "validate.h"

/* KEYS[1] stream, KEYS[2] accepted counter, KEYS[3] scored counter; ARGV:
 * window_s, n, the packed
 * batch (nq/actlog.h), then per event: dedupe key, digest.
 * SET ... NX GET remembers a new id and returns a known id's digest in one
 * step (a digest of 64 hex digits was written by an earlier version: whole
 * SHA-256, whose first 128 bits are the digest now). The batch becomes one stream entry, with the indexes of the events
 * that did not count (x); a batch with none new appends nothing.
 * Returns n status integers (0 accepted, 1 duplicate, 2 conflict), the
 * stream id of the entry ("" if none), and the scoring backlog (events
 * accepted but not yet scored). */
static const char append_script[] =
    "local window = ARGV[1]\n"
    "local n = tonumber(ARGV[2])\n"
    "local out, skipped = {}, {}\n"
    "for i = 0, n - 1 do\n"
    "  local d = ARGV[5 + i * 2]\n"
    "  local prev = redis.call('SET', ARGV[4 + i * 2], d, 'NX', 'EX', window, 'GET')\n"
    "  if not prev then\n"
    "    out[i + 1] = 0\n"
    "  else\n"
    "    local same = prev == d or (#prev == 64 and string.sub(prev, 1, #d) == d)\n"
    "    out[i + 1] = same and 1 or 2\n"
    "    skipped[#skipped + 1] = i\n"
    "  end\n"
    "end\n"
    "local accepted = n - #skipped\n"
    "local id = ''\n"
    "if accepted > 0 then\n"
    "  if #skipped > 0 then\n"
    "    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[3], 'x',\n"
    "                    table.concat(skipped, ','))\n"
    "  else\n"
    "    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[3])\n"
    "  end\n"
    "  redis.call('INCRBY', KEYS[2], accepted)\n"
    "end\n"
    "out[n + 1] = id\n"
    "out[n + 2] = tonumber(redis.call('GET', KEYS[2]) or '0') -\n"
    "             tonumber(redis.call('GET', KEYS[3]) or '0')\n"
    "return out\n";

struct ingest_append {
    size_t n;             /* events in the batch */
    nq_redis_args_t call; /* the script call */
    ingest_append_cb cb;  /* caller's callback, once sent */
    void *data;           /* its argument */
};

int ingest_store_parse_reply(const redisReply *reply, size_t n, int *status, const char **last_id,
                             int64_t *backlog)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != n + 2)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const redisReply *e = reply->element[i];
        if (e->type != REDIS_REPLY_INTEGER || e->integer < 0 || e->integer > 2)
            return -1;
        status[i] = (int)e->integer;
    }
    const redisReply *last = reply->element[n], *left = reply->element[n + 1];
    if (last->type != REDIS_REPLY_STRING || left->type != REDIS_REPLY_INTEGER)
        return -1;
    *last_id = last->str;
    *backlog = left->integer;
    return 0;
}

void ingest_store_drop(ingest_append_t *a)
{
    if (!a)
        return;
    nq_redis_args_free(&a->call);
    free(a);
}

static void on_appended(nq_redis_t *r, redisReply *reply, void *data)
{
    ingest_append_t *a = data;
    int *status = calloc(a->n ? a->n : 1, sizeof(*status));
    ingest_append_result_t res = {status, a->n, "", 0};
    int rc =
        status ? ingest_store_parse_reply(reply, a->n, status, &res.last_id, &res.backlog) : -1;
    if (rc != 0)
        nq_log_error("append_failed", "activity log append failed: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    a->cb(rc, &res, a->data);
    free(status);
    free(a);
}

/* Add one event's dedupe key and digest to the script args. */
static int add_event(nq_redis_args_t *a, const Nq__Activity *ev)
{
    char key[NQ_ID_MAX + INGEST_EVENT_ID_MAX + 16];
    char digest[INGEST_DIGEST_LEN + 1];
    if (nq_key_event(key, sizeof(key), ev->event_id) < 0 || ingest_digest(ev, digest) != 0)
        return -1;
    nq_redis_args_adds(a, key);
    nq_redis_args_add(a, digest, INGEST_DIGEST_LEN);
    return 0;
}

ingest_append_t *ingest_store_prepare(Nq__Activity *const *events, size_t n, int64_t window_s)
{
    ingest_append_t *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->n = n;
    nq_redis_args_t *c = &a->call;
    nq_redis_args_init(c);
    nq_redis_args_adds(c, "EVAL");
    nq_redis_args_adds(c, append_script);
    nq_redis_args_adds(c, "3");
    nq_redis_args_adds(c, NQ_KEY_ACTIVITIES);
    nq_redis_args_adds(c, NQ_KEY_STATS_ACCEPTED);
    nq_redis_args_adds(c, NQ_KEY_STATS_SCORED);
    nq_redis_args_addf(c, "%lld", (long long)window_s);
    nq_redis_args_addf(c, "%zu", n);
    size_t len;
    uint8_t *packed = nq_actlog_pack(events, n, &len);
    int rc = packed ? 0 : -1;
    if (packed)
        nq_redis_args_add(c, packed, len);
    free(packed);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_event(c, events[i]);
    if (rc != 0 || c->failed) {
        ingest_store_drop(a);
        return NULL;
    }
    return a;
}

int ingest_store_send(nq_redis_t *r, ingest_append_t *a, ingest_append_cb cb, void *data)
{
    a->cb = cb;
    a->data = data;
    if (!nq_redis_ready(r) || nq_redis_command_args(r, on_appended, a, &a->call) != 0)
        return -1;
    nq_redis_args_free(&a->call); /* hiredis holds its own copy */
    return 0;
}
