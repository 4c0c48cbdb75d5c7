/* store.c — appending batches to the activity log. See store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "validate.h"

/* KEYS[1] stream, KEYS[2] accepted counter; ARGV: window_s, n, the packed
 * batch (nq/actlog.h), then per event: dedupe key, digest.
 * SET ... NX GET remembers a new id and returns a known id's digest in one
 * step. The batch becomes one stream entry, with the indexes of the events
 * that did not count (x); a batch with none new appends nothing.
 * Returns n status integers (0 accepted, 1 duplicate, 2 conflict), then the
 * stream id of the entry ("" if none). */
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
    "    out[i + 1] = prev == d and 1 or 2\n"
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
    "return out\n";

typedef struct append_req {
    size_t n;            /* events in the batch */
    ingest_append_cb cb; /* caller's callback */
    void *data;          /* its argument */
} append_req_t;

int ingest_store_parse_reply(const redisReply *reply, size_t n, int *status, const char **last_id)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != n + 1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const redisReply *e = reply->element[i];
        if (e->type != REDIS_REPLY_INTEGER || e->integer < 0 || e->integer > 2)
            return -1;
        status[i] = (int)e->integer;
    }
    const redisReply *last = reply->element[n];
    if (last->type != REDIS_REPLY_STRING)
        return -1;
    *last_id = last->str;
    return 0;
}

static void on_appended(nq_redis_t *r, redisReply *reply, void *data)
{
    append_req_t *req = data;
    int *status = calloc(req->n ? req->n : 1, sizeof(*status));
    ingest_append_result_t res = {status, req->n, ""};
    int rc = status ? ingest_store_parse_reply(reply, req->n, status, &res.last_id) : -1;
    if (rc != 0)
        nq_log_error("append_failed", "activity log append failed: %s",
                     reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no reply");
    req->cb(rc, &res, req->data);
    free(status);
    free(req);
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

int ingest_store_append(nq_redis_t *r, Nq__Activity *const *events, size_t n, int64_t window_s,
                        ingest_append_cb cb, void *data)
{
    if (!nq_redis_ready(r))
        return -1;
    append_req_t *req = malloc(sizeof(*req));
    if (!req)
        return -1;
    *req = (append_req_t){n, cb, data};

    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "EVAL");
    nq_redis_args_adds(&a, append_script);
    nq_redis_args_adds(&a, "2");
    nq_redis_args_adds(&a, NQ_KEY_ACTIVITIES);
    nq_redis_args_adds(&a, NQ_KEY_STATS_ACCEPTED);
    nq_redis_args_addf(&a, "%lld", (long long)window_s);
    nq_redis_args_addf(&a, "%zu", n);
    size_t len;
    uint8_t *packed = nq_actlog_pack(events, n, &len);
    int rc = packed ? 0 : -1;
    if (packed)
        nq_redis_args_add(&a, packed, len);
    free(packed);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_event(&a, events[i]);
    if (rc == 0)
        rc = nq_redis_command_args(r, on_appended, req, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        free(req);
    return rc;
}
