/* actlog.c — activity log entries. See nq/actlog.h. */
#include "nq/actlog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

size_t nq_actlog_framed_size(const Nq__Activity *ev)
{
    size_t len = nq__activity__get_packed_size(ev), varint = 1;
    for (size_t v = len; v > 0x7f; v >>= 7)
        varint++;
    return 1 + varint + len; /* field numbers below 16 take a one-byte tag */
}

uint8_t *nq_actlog_pack(Nq__Activity *const *events, size_t n, size_t *len)
{
    Nq__ActivityLogEntry entry = NQ__ACTIVITY_LOG_ENTRY__INIT;
    entry.events = (Nq__Activity **)events;
    entry.n_events = n;
    *len = nq__activity_log_entry__get_packed_size(&entry);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        nq__activity_log_entry__pack(&entry, buf);
    return buf;
}

void nq_actlog_free(nq_actlog_entry_t *e)
{
    if (e->log)
        nq__activity_log_entry__free_unpacked(e->log, NULL);
    free(e->events);
    memset(e, 0, sizeof(*e));
}

/* Read the next index of a skip list at *p; false at its end or on garbage. */
static bool next_index(const char **p, size_t *index, bool *bad)
{
    if (**p == '\0')
        return false;
    const char *s = *p;
    if (*s < '0' || *s > '9') {
        *bad = true;
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || (*end != ',' && *end != '\0') || (*end == ',' && end[1] == '\0')) {
        *bad = true;
        return false;
    }
    *index = (size_t)v;
    *p = *end == ',' ? end + 1 : end;
    return true;
}

int nq_actlog_decode(const uint8_t *blob, size_t len, const char *skip, long long counted,
                     nq_actlog_entry_t *out)
{
    memset(out, 0, sizeof(*out));
    out->log = nq__activity_log_entry__unpack(NULL, len, blob);
    if (!out->log)
        return -1;
    size_t total = out->log->n_events;
    out->events = malloc((total ? total : 1) * sizeof(*out->events));
    if (!out->events)
        goto bad;
    const char *p = skip ? skip : "";
    size_t next_skip = 0, k = 0;
    bool bad = false, have = next_index(&p, &next_skip, &bad);
    for (size_t i = 0; i < total && !bad; i++) {
        if (have && next_skip == i) {
            size_t prev = next_skip;
            have = next_index(&p, &next_skip, &bad);
            bad = bad || (have && next_skip <= prev);
            continue;
        }
        out->events[k++] = out->log->events[i];
    }
    if (bad || have || counted != (long long)k)
        goto bad; /* garbage, an index past the end, or the count disagrees */
    out->n = k;
    return 0;
bad:
    nq_actlog_free(out);
    return -1;
}

/* The value of `name` in a stream entry's field list, or NULL. */
static const redisReply *field(const redisReply *entry, const char *name)
{
    if (!entry || entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[1]->type != REDIS_REPLY_ARRAY)
        return NULL;
    const redisReply *f = entry->element[1];
    for (size_t i = 0; i + 1 < f->elements; i += 2) {
        if (f->element[i]->type == REDIS_REPLY_STRING && strcmp(f->element[i]->str, name) == 0)
            return f->element[i + 1]->type == REDIS_REPLY_STRING ? f->element[i + 1] : NULL;
    }
    return NULL;
}

long long nq_actlog_count(const redisReply *entry)
{
    const redisReply *n = field(entry, "n");
    if (!n)
        return 0;
    char *end;
    long long v = strtoll(n->str, &end, 10);
    return *end == '\0' && end != n->str && v >= 0 ? v : 0;
}

const redisReply *nq_actlog_claimed(const redisReply *reply, char *cursor, size_t len)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2)
        return NULL;
    if (reply->element[0]->type == REDIS_REPLY_STRING)
        snprintf(cursor, len, "%s", reply->element[0]->str);
    const redisReply *entries = reply->element[1];
    return entries->type == REDIS_REPLY_ARRAY ? entries : NULL;
}

int nq_actlog_from_entry(const redisReply *entry, nq_actlog_entry_t *out)
{
    memset(out, 0, sizeof(*out));
    const redisReply *n = field(entry, "n"), *b = field(entry, "b"), *x = field(entry, "x");
    if (!n || !b)
        return -1;
    char *end;
    long long counted = strtoll(n->str, &end, 10);
    if (*end != '\0' || end == n->str)
        return -1;
    return nq_actlog_decode((const uint8_t *)b->str, b->len, x ? x->str : NULL, counted, out);
}

int nq_actlog_batch_take(nq_actlog_batch_t *b, const redisReply *entries, const char *effect)
{
    memset(b, 0, sizeof(*b));
    size_t cap = entries && entries->type == REDIS_REPLY_ARRAY ? entries->elements : 0;
    if (cap == 0)
        return 0;
    b->ids = calloc(cap, sizeof(*b->ids));
    b->entries = calloc(cap, sizeof(*b->entries));
    if (!b->ids || !b->entries)
        return -1;
    for (size_t i = 0; i < cap; i++) {
        const redisReply *entry = entries->element[i];
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
            entry->element[0]->type != REDIS_REPLY_STRING)
            continue;
        if (!(b->ids[b->n] = strdup(entry->element[0]->str)))
            return -1;
        nq_actlog_entry_t *e = &b->entries[b->n++];
        if (nq_actlog_from_entry(entry, e) != 0) {
            b->poison++;
            nq_log_error("poison_entry", "log entry %s does not decode; acknowledged, %s",
                         entry->element[0]->str, effect);
        }
        b->events += e->n;
    }
    return 0;
}

void nq_actlog_batch_free(nq_actlog_batch_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->ids[i]);
        nq_actlog_free(&b->entries[i]);
    }
    free(b->ids);
    free(b->entries);
    memset(b, 0, sizeof(*b));
}
