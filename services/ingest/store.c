/* store.c — appending batches to the activity log. See store.h. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "validate.h"

/* KEYS[1] stream, KEYS[2] accepted counter, KEYS[3] scored counter, KEYS[4]
 * the index of dedupe buckets, KEYS[5] the flag "keys of the first layout
 * may remain", KEYS[6] the salespeople of the directory, KEYS[7] the
 * archived ones, KEYS[8] the customers, KEYS[9] / KEYS[10] the unknown
 * salespeople / customers. ARGV: now (Unix s), bucket span (s), window (s),
 * n, the packed batch (nq/actlog.h), bucket prefix, first-layout prefix,
 * then per event: event_id, digest; then (from b = 8 + 2n) the policy
 * ("reject" or "accept"), now (Unix ms), per event "<s>,<c>;" (the 1-based
 * index of its salesperson and of its customer, 0: none, among the ids
 * below), how many distinct salesperson ids (ns), those ids, how many
 * events name each, then the distinct customer ids and how many events
 * name each.
 * The event ids of a bucket's span are the fields of one hash (value: the
 * digest), so a batch costs one HMGET per live bucket and one HSET, not a
 * command per event. A bucket lives until its span ended and a whole window
 * passed: an id is remembered for at least the window. The index (score:
 * when a bucket expires) names the live ones. While KEYS[5] exists, ids are
 * also looked up as keys of the first layout (one MGET per batch).
 * A digest of 64 hex digits was written by an earlier version: whole SHA-256,
 * whose first 128 bits are the digest now. An id twice in one batch counts
 * once. The distinct ids are looked up in the directory (SMISMEMBER). An
 * unknown id is counted in KEYS[9] / KEYS[10] ("<events> <first ms> <last
 * ms>", one HMGET and one HSET per batch) with the events naming it, less
 * those that did not count (the per-event indexes are read only then, or
 * to refuse): under "reject" a new event of an unknown salesperson is
 * refused (status 3), neither remembered nor counted (its salesperson is
 * counted as seen, its customer not). The batch becomes one stream entry,
 * with the indexes of the events that did not count (x); a batch with none
 * new appends nothing.
 * Returns the stream id of the entry ("" if none), the scoring backlog
 * (events accepted but not yet scored), then (index, 1 duplicate, 2
 * conflict or 3 unknown salesperson) for each event that did not count:
 * every other one was accepted (a reply of two values for a batch of new
 * events, however large).
 * unpack() takes at most a few thousand values: ids go in chunks of 1000. */
static const char append_script[] =
    "local now, span, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])\n"
    "local n = tonumber(ARGV[4])\n"
    "local b = 8 + 2 * n\n"
    "local reject, now_ms, ns = ARGV[b] == 'reject', ARGV[b + 1], tonumber(ARGV[b + 3])\n"
    "local sp0 = b + 3\n"
    "local nc = (#ARGV - sp0 - 2 * ns) / 2\n"
    "local cu0 = sp0 + 2 * ns\n"
    "local function unknown_of(first, last, sets)\n"
    "  local out, any = {}, false\n"
    "  for c = first, last, 1000 do\n"
    "    local hi = math.min(c + 999, last)\n"
    "    local seen, left = {}, hi - c + 1\n"
    "    for _, key in ipairs(sets) do\n"
    "      if left > 0 then\n"
    "        local got = redis.call('SMISMEMBER', key, unpack(ARGV, c, hi))\n"
    "        for i = 1, #got do\n"
    "          if got[i] == 1 and not seen[i] then seen[i] = true; left = left - 1 end\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    for i = c, hi do\n"
    "      if not seen[i - c + 1] then out[i - first + 1] = true; any = true end\n"
    "    end\n"
    "  end\n"
    "  return out, any\n"
    "end\n"
    "local usp, any_sp = unknown_of(sp0 + 1, sp0 + ns, {KEYS[6], KEYS[7]})\n"
    "local ucu, any_cu = unknown_of(cu0 + 1, cu0 + nc, {KEYS[8]})\n"
    "local ev_sp, ev_cu\n"
    "local function who()\n"
    "  if ev_sp then return end\n"
    "  ev_sp, ev_cu = {}, {}\n"
    "  local i = 0\n"
    "  for sp, cu in string.gmatch(ARGV[b + 2], '(%d+),(%d+);') do\n"
    "    i = i + 1\n"
    "    ev_sp[i], ev_cu[i] = tonumber(sp), tonumber(cu)\n"
    "  end\n"
    "end\n"
    "local refuse = reject and any_sp\n"
    "if refuse then who() end\n"
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
    "for _, bk in ipairs(buckets) do\n"
    "  look(function(c, last) return redis.call('HMGET', bk, unpack(ids, c, last)) end)\n"
    "end\n"
    "if redis.call('EXISTS', KEYS[5]) == 1 then\n"
    "  look(function(c, last)\n"
    "    local keys = {}\n"
    "    for i = c, last do keys[#keys + 1] = ARGV[7] .. ids[i] end\n"
    "    return redis.call('MGET', unpack(keys))\n"
    "  end)\n"
    "end\n"
    "local skipped, told, fresh, mine = {}, {}, {}, {}\n"
    "local ns_, nf = 0, 0\n"
    "for i = 1, n do\n"
    "  local d = ARGV[7 + i * 2]\n"
    "  local prev = known[i] or mine[ids[i]]\n"
    "  if not prev and refuse and usp[ev_sp[i]] then\n"
    "    ns_ = ns_ + 1\n"
    "    skipped[ns_] = i - 1\n"
    "    told[ns_] = 3\n"
    "  elseif not prev then\n"
    "    mine[ids[i]] = d\n"
    "    fresh[nf + 1] = ids[i]\n"
    "    fresh[nf + 2] = d\n"
    "    nf = nf + 2\n"
    "  else\n"
    "    local same = prev == d or (#prev == 64 and string.sub(prev, 1, #d) == d)\n"
    "    ns_ = ns_ + 1\n"
    "    skipped[ns_] = i - 1\n"
    "    told[ns_] = same and 1 or 2\n"
    "  end\n"
    "end\n"
    "if any_sp or any_cu then\n"
    "  local counts, first = {{}, {}}, {sp0, cu0}\n"
    "  for j in pairs(usp) do counts[1][j] = tonumber(ARGV[sp0 + ns + j]) end\n"
    "  for j in pairs(ucu) do counts[2][j] = tonumber(ARGV[cu0 + nc + j]) end\n"
    "  if ns_ > 0 then who() end\n"
    "  for k = 1, ns_ do\n"
    "    local i = skipped[k] + 1\n"
    "    local s, c = ev_sp[i], ev_cu[i]\n"
    "    if told[k] ~= 3 and counts[1][s] then counts[1][s] = counts[1][s] - 1 end\n"
    "    if c > 0 and counts[2][c] then counts[2][c] = counts[2][c] - 1 end\n"
    "  end\n"
    "  for k = 1, 2 do\n"
    "    local who_ids, adds = {}, {}\n"
    "    for j, add in pairs(counts[k]) do\n"
    "      if add > 0 then who_ids[#who_ids + 1] = ARGV[first[k] + j]; adds[#adds + 1] = add end\n"
    "    end\n"
    "    for c = 1, #who_ids, 1000 do\n"
    "      local hi = math.min(c + 999, #who_ids)\n"
    "      local old = redis.call('HMGET', KEYS[8 + k], unpack(who_ids, c, hi))\n"
    "      local kv = {}\n"
    "      for i = c, hi do\n"
    "        local seen, since = 0, now_ms\n"
    "        local o = old[i - c + 1]\n"
    "        if o then\n"
    "          local a, f = string.match(o, '^(%d+) (%d+)')\n"
    "          seen, since = tonumber(a) or 0, f or now_ms\n"
    "        end\n"
    "        kv[#kv + 1] = who_ids[i]\n"
    "        kv[#kv + 1] = (seen + adds[i]) .. ' ' .. since .. ' ' .. now_ms\n"
    "      end\n"
    "      redis.call('HSET', KEYS[8 + k], unpack(kv))\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local accepted = n - ns_\n"
    "local id = ''\n"
    "if accepted > 0 then\n"
    "  local start = now - now % span\n"
    "  local bucket = ARGV[6] .. start\n"
    "  for c = 1, nf, 2000 do\n"
    "    redis.call('HSET', bucket, unpack(fresh, c, math.min(c + 1999, nf)))\n"
    "  end\n"
    "  local listed = false\n"
    "  for _, bk in ipairs(buckets) do listed = listed or bk == bucket end\n"
    "  if not listed then\n"
    "    redis.call('ZADD', KEYS[4], start + span + window, bucket)\n"
    "    redis.call('EXPIREAT', bucket, start + span + window)\n"
    "  end\n"
    "  if ns_ > 0 then\n"
    "    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[5], 'x',\n"
    "                    table.concat(skipped, ','))\n"
    "  else\n"
    "    id = redis.call('XADD', KEYS[1], '*', 'n', accepted, 'b', ARGV[5])\n"
    "  end\n"
    "  redis.call('INCRBY', KEYS[2], accepted)\n"
    "end\n"
    "local out = {id, tonumber(redis.call('GET', KEYS[2]) or '0') -\n"
    "                 tonumber(redis.call('GET', KEYS[3]) or '0')}\n"
    "for k = 1, ns_ do\n"
    "  out[1 + k * 2] = skipped[k]\n"
    "  out[2 + k * 2] = told[k]\n"
    "end\n"
    "return out\n";

struct ingest_append {
    size_t n;                       /* events in the batch */
    int64_t now_ms;                 /* when it was received: the dedupe bucket, seen times */
    int64_t window_s;               /* dedupe window */
    ingest_unknown_policy_t policy; /* events of unknown salespeople */
    uint8_t *packed;                /* the events as one log entry's b field */
    size_t packed_len;              /* its length */
    nq_redis_args_t pairs;          /* event_id, digest per event */
    nq_redis_args_t who;            /* salesperson_id, customer_id ("" none) per event */
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
                                      int64_t now_ms, ingest_unknown_policy_t policy)
{
    ingest_append_t *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    *a = (ingest_append_t){.n = n, .now_ms = now_ms, .window_s = window_s, .policy = policy};
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

int ingest_store_send(nq_redis_t *r, ingest_append_t *const *appends, size_t k, ingest_append_cb cb,
                      void *data)
{
    if (k == 0 || !nq_redis_ready(r))
        return -1;
    size_t n = 0, packed_len = 0, pairs = 0, map_len = 0;
    for (size_t j = 0; j < k; j++) {
        n += appends[j]->n;
        packed_len += appends[j]->packed_len;
        pairs += appends[j]->pairs.argc;
    }
    /* Entries of a repeated field, packed one after the other, are the
     * packing of all of them: the batches' events make one log entry. */
    uint8_t *packed = malloc(packed_len ? packed_len : 1);
    sent_t *sent = malloc(sizeof(*sent));
    distinct_t sp = {0}, cu = {0};
    char *map = who_map(appends, k, n, &sp, &cu, &map_len);
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    int rc = -1;
    if (packed && sent && map) {
        *sent = (sent_t){n, cb, data};
        for (size_t j = 0, at = 0; j < k; at += appends[j]->packed_len, j++)
            memcpy(packed + at, appends[j]->packed, appends[j]->packed_len);
        static const char *const head[] = {"EVAL",
                                           append_script,
                                           "10",
                                           NQ_KEY_ACTIVITIES,
                                           NQ_KEY_STATS_ACCEPTED,
                                           NQ_KEY_STATS_SCORED,
                                           NQ_KEY_DEDUPE_BUCKETS,
                                           NQ_KEY_DEDUPE_LEGACY,
                                           NQ_KEY_SALESPEOPLE,
                                           NQ_KEY_SALESPEOPLE_ARCHIVED,
                                           NQ_KEY_CUSTOMERS,
                                           NQ_KEY_UNKNOWN_SALESPEOPLE,
                                           NQ_KEY_UNKNOWN_CUSTOMERS};
        size_t n_head = sizeof(head) / sizeof(head[0]);
        nq_redis_pipe_cmd(&p, on_appended, sent, n_head + 7 + pairs + 4 + 2 * (sp.n + cu.n));
        for (size_t i = 0; i < n_head; i++)
            nq_redis_pipe_adds(&p, head[i]);
        nq_redis_pipe_addll(&p, appends[0]->now_ms / 1000);
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
        nq_redis_pipe_adds(&p, appends[0]->policy == INGEST_UNKNOWN_REJECT ? "reject" : "accept");
        nq_redis_pipe_addll(&p, appends[0]->now_ms);
        nq_redis_pipe_add(&p, map, map_len);
        nq_redis_pipe_addll(&p, (long long)sp.n);
        const distinct_t *lists[] = {&sp, &cu};
        for (int l = 0; l < 2; l++) {
            for (size_t i = 0; i < lists[l]->n; i++)
                nq_redis_pipe_adds(&p, lists[l]->ids[i]);
            for (size_t i = 0; i < lists[l]->n; i++)
                nq_redis_pipe_addll(&p, lists[l]->events[i]);
        }
        rc = nq_redis_pipe_send(r, &p); /* one command: issued whole or not at all */
    }
    if (rc != 0)
        free(sent);
    free(packed);
    free(map);
    distinct_free(&sp);
    distinct_free(&cu);
    nq_redis_pipe_free(&p); /* hiredis holds its own copy of the command */
    return rc;
}
