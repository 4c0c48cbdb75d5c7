/* dlvplan.c — the delivery queue's decisions. See dlvplan.h. */
#include "dlvplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"

int dlv_id_parse(const char *s, dlv_id_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *a = s ? strchr(s, '/') : NULL;
    const char *b = a ? strchr(a + 1, '/') : NULL;
    const char *c = b ? strchr(b + 1, '/') : NULL;
    if (!b || (c && strcmp(c + 1, DLV_ESCALATED) != 0))
        return -1;
    int la = (int)(a - s), lt = (int)(b - a - 1);
    size_t lc = c ? (size_t)(c - b - 1) : strlen(b + 1);
    if (la <= 0 || la >= (int)sizeof(out->alert) || lt <= 0 || lt > NQ_ID_MAX || lc > NQ_ID_MAX)
        return -1;
    out->escalated = c != NULL;
    snprintf(out->alert, sizeof(out->alert), "%.*s", la, s);
    snprintf(out->team, sizeof(out->team), "%.*s", lt, a + 1);
    snprintf(out->channel, sizeof(out->channel), "%.*s", (int)lc, b + 1);
    snprintf(out->field, sizeof(out->field), "%s/%s%s", out->team, out->channel,
             out->escalated ? "/" DLV_ESCALATED : "");
    return nq_valid_id(out->team) && nq_valid_id(out->channel) ? 0 : -1;
}

bool dlv_id_is_test(const dlv_id_t *id)
{
    return strncmp(id->alert, DLV_TEST_PREFIX, strlen(DLV_TEST_PREFIX)) == 0;
}

void dlv_record_init(dlv_record_t *r, const char *channel, const char *kind, int64_t now)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->channel, sizeof(r->channel), "%s", channel);
    snprintf(r->kind, sizeof(r->kind), "%s", kind);
    strcpy(r->state, "queued");
    r->first_at = r->next_at = now;
}

char *dlv_record_dump(const dlv_record_t *r)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:I, s:s, s:i, s:i}", "channel",
                          r->channel, "kind", r->kind, "state", r->state, "attempts", r->attempts,
                          "first_at", (json_int_t)r->first_at, "next_at", (json_int_t)r->next_at,
                          "sent_at", (json_int_t)r->sent_at, "error", r->error, "digest", r->digest,
                          "redriven", r->redriven);
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

int dlv_record_load(const char *text, dlv_record_t *r)
{
    memset(r, 0, sizeof(*r));
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    const char *ch = "", *kind = "", *state = "", *err = "";
    json_int_t first = 0, next = 0, sent = 0;
    int rc = j && json_unpack(j, "{s:s, s?s, s:s, s?i, s?I, s?I, s?I, s?s, s?i, s?i}", "channel",
                              &ch, "kind", &kind, "state", &state, "attempts", &r->attempts,
                              "first_at", &first, "next_at", &next, "sent_at", &sent, "error", &err,
                              "digest", &r->digest, "redriven", &r->redriven) == 0
                 ? 0
                 : -1;
    if (rc == 0) {
        snprintf(r->channel, sizeof(r->channel), "%s", ch);
        snprintf(r->kind, sizeof(r->kind), "%s", kind);
        snprintf(r->state, sizeof(r->state), "%s", state);
        snprintf(r->error, sizeof(r->error), "%s", err);
        r->first_at = first;
        r->next_at = next;
        r->sent_at = sent;
    }
    json_decref(j);
    return rc;
}

json_t *dlv_record_json(const dlv_record_t *r, const char *delivery_id)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:s}", "delivery", delivery_id,
                          "channel", r->channel, "kind", r->kind, "state", r->state, "attempts",
                          r->attempts, "first_at", (json_int_t)r->first_at, "next_at",
                          (json_int_t)r->next_at, "last_error", r->error);
    if (j && r->sent_at)
        json_object_set_new(j, "sent_at", json_integer(r->sent_at));
    if (j && r->digest)
        json_object_set_new(j, "digest", json_integer(r->digest));
    if (j && r->redriven)
        json_object_set_new(j, "redriven", json_integer(r->redriven));
    dlv_id_t id;
    if (j && dlv_id_parse(delivery_id, &id) == 0 && id.escalated)
        json_object_set_new(j, "escalation", json_true());
    return j;
}

int64_t dlv_backoff_ms(int attempts, int64_t base_ms, int64_t cap_ms, uint32_t rnd)
{
    int64_t d = base_ms > 0 ? base_ms : 1;
    for (int i = 1; i < attempts && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    int64_t half = d / 2;
    return d - half + (half > 0 ? (int64_t)(rnd % (uint64_t)(half + 1)) : 0);
}

int dlv_after_failure(const dlv_record_t *r, int64_t now, int64_t window_ms, int64_t base_ms,
                      int64_t cap_ms, uint32_t rnd, int64_t *next_at)
{
    int64_t end = r->first_at + window_ms;
    if (now >= end)
        return 0;
    int64_t next = now + dlv_backoff_ms(r->attempts, base_ms, cap_ms, rnd);
    *next_at = next < end ? next : end;
    return 1;
}

dlv_split_t dlv_plan(const dlv_budget_t *b)
{
    dlv_split_t s = {0, 0, 0};
    long long left = (long long)b->rate - b->spent;
    if (b->due == 0 || left <= 0)
        return s;
    long long backlog = b->depth > (long long)b->due ? b->depth : (long long)b->due;
    long long singles = ((long long)b->rate + 1) / 2; /* of the window, at most, alone */
    bool alone = backlog <= left && b->spent + backlog <= singles;
    size_t per = alone ? 1 : (b->digest_max >= 2 ? b->digest_max : 2);
    size_t want = (b->due + per - 1) / per;
    s.messages = (long long)want <= left ? want : (size_t)left;
    s.per_message = per;
    s.sent = s.messages * per < b->due ? s.messages * per : b->due;
    return s;
}
