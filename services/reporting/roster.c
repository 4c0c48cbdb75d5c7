/* roster.c — whose figures a team's or the company's answers are made of.
 * See roster.h. */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/buf.h"
#include "nq/log.h"

#define KEY_MAX 192

/* ---- pure ------------------------------------------------------------------ */

bool roster_listed(const roster_person_t *p, const char *team, int64_t t)
{
    if (!p->known || strcmp(nq_orghist_at(&p->status, t, ROSTER_ACTIVE), ROSTER_ACTIVE) != 0)
        return false;
    return !team || strcmp(nq_orghist_at(&p->teams, t, ""), team) == 0;
}

size_t roster_spans(const roster_person_t *p, const char *team, int64_t start, int64_t end,
                    nq_span_t *out)
{
    if (!p->known && !*team && start < end) {
        out[0] = (nq_span_t){start, end};
        return 1;
    }
    return p->known ? nq_orghist_spans(&p->teams, team, "", start, end, out) : 0;
}

bool roster_whole(const nq_span_t *spans, size_t n, int64_t start, int64_t end)
{
    return n == 1 && spans[0].start_ms == start && spans[0].end_ms == end;
}

int roster_add(roster_t *ro, const char *id, bool known)
{
    roster_person_t *grown = nq_array_grow(ro->people, &ro->cap, ro->n + 1, 16, sizeof(*grown));
    if (!grown)
        return -1;
    ro->people = grown;
    roster_person_t *p = &ro->people[ro->n++];
    memset(p, 0, sizeof(*p));
    snprintf(p->id, sizeof(p->id), "%s", id);
    p->known = known;
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const roster_person_t *)a)->id, ((const roster_person_t *)b)->id);
}

void roster_sort(roster_t *ro)
{
    if (ro->n == 0)
        return;
    qsort(ro->people, ro->n, sizeof(*ro->people), by_id);
    size_t w = 0;
    for (size_t i = 1; i < ro->n; i++) {
        if (strcmp(ro->people[i].id, ro->people[w].id) == 0) {
            ro->people[w].known |= ro->people[i].known;
            nq_orghist_free(&ro->people[i].teams);
            nq_orghist_free(&ro->people[i].status);
        } else {
            ro->people[++w] = ro->people[i];
        }
    }
    ro->n = w + 1;
}

/* ---- I/O ------------------------------------------------------------------- */

roster_t *roster_new(void)
{
    return calloc(1, sizeof(roster_t));
}

void roster_free(roster_t **ro)
{
    if (!ro || !*ro)
        return;
    for (size_t i = 0; i < (*ro)->n; i++) {
        nq_orghist_free(&(*ro)->people[i].teams);
        nq_orghist_free(&(*ro)->people[i].status);
    }
    free((*ro)->people);
    free((*ro)->name);
    free(*ro);
    *ro = NULL;
}

/* One history read: whose, which. */
typedef struct hist_read {
    roster_t *ro;
    roster_person_t *p;
    bool status; /* the status history, else the team history */
} hist_read_t;

/* The step's last reply: hand over (unless the call failed). */
static void step_done(roster_t *ro)
{
    if (--ro->waiting == 0 && ro->call->status == NQ__STATUS__STATUS_OK)
        ro->done(ro, ro->data);
}

static void on_history(nq_redis_t *r, redisReply *reply, void *data)
{
    hist_read_t *rd = data;
    roster_t *ro = rd->ro;
    nq_call_t *call = ro->call;
    if (nq_call_reply_ok(call, reply, REDIS_REPLY_ARRAY)) {
        const char **entries = calloc(reply->elements + 1, sizeof(*entries));
        for (size_t i = 0; entries && i < reply->elements; i++)
            entries[i] = reply->element[i]->str;
        nq_orghist_t *h = rd->status ? &rd->p->status : &rd->p->teams;
        if (!entries || nq_orghist_parse(h, entries, reply->elements) != 0)
            nq_call_fail(call, NQ__STATUS__STATUS_UNAVAILABLE, "unreadable history of %s",
                         rd->p->id);
        free(entries);
    }
    free(rd);
    step_done(ro);
    nq_call_release(call);
}

/* Step 2: every known person's two histories. */
static void read_histories(nq_redis_t *r, roster_t *ro)
{
    char key[KEY_MAX];
    ro->waiting = 1; /* held while issuing */
    for (size_t i = 0; i < ro->n && ro->call->status == NQ__STATUS__STATUS_OK; i++) {
        roster_person_t *p = &ro->people[i];
        for (int s = 0; p->known && s < 2; s++) {
            hist_read_t *rd = malloc(sizeof(*rd));
            int rc = -1;
            if (rd && (s ? nq_key_sp_status : nq_key_sp_teams)(key, sizeof(key), p->id) >= 0) {
                *rd = (hist_read_t){ro, p, s == 1};
                rc = nq_redis_command(r, on_history, rd, "ZRANGE %s 0 -1", key);
            }
            if (rc != 0)
                free(rd);
            else
                ro->waiting++;
            nq_call_issued(ro->call, rc);
        }
    }
    step_done(ro);
}

/* Add every string of an array reply as a person. */
static void add_all(roster_t *ro, const redisReply *reply, bool known)
{
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        if (e->type == REDIS_REPLY_STRING && nq_valid_id(e->str) && roster_add(ro, e->str, known))
            nq_call_fail(ro->call, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
    }
}

/* One reply of step 1: the team's name or a list of ids. */
typedef enum { LIST_NAME, LIST_KNOWN, LIST_UNKNOWN } list_kind_t;

typedef struct list_read {
    roster_t *ro;
    nq_redis_t *redis;
    list_kind_t kind;
} list_read_t;

static void on_list(nq_redis_t *r, redisReply *reply, void *data)
{
    list_read_t *rd = data;
    roster_t *ro = rd->ro;
    nq_call_t *call = ro->call;
    int want = rd->kind == LIST_NAME && reply && reply->type == REDIS_REPLY_NIL ? REDIS_REPLY_NIL
               : rd->kind == LIST_NAME                                          ? REDIS_REPLY_STRING
                                                                                : REDIS_REPLY_ARRAY;
    if (nq_call_reply_ok(call, reply, want)) {
        if (rd->kind == LIST_NAME && reply->type == REDIS_REPLY_NIL)
            nq_call_fail(call, NQ__STATUS__STATUS_NOT_FOUND, "no such team");
        else if (rd->kind == LIST_NAME && !(ro->name = strdup(reply->str)))
            nq_call_fail(call, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        else if (rd->kind != LIST_NAME)
            add_all(ro, reply, rd->kind == LIST_KNOWN);
    }
    nq_redis_t *redis = rd->redis;
    free(rd);
    if (--ro->waiting == 0 && call->status == NQ__STATUS__STATUS_OK) {
        roster_sort(ro);
        if (ro->n > ROSTER_MAX)
            nq_call_fail(call, NQ__STATUS__STATUS_INVALID, "more than %d salespeople", ROSTER_MAX);
        else
            read_histories(redis, ro);
    }
    nq_call_release(call);
}

static void issue_list(nq_redis_t *r, roster_t *ro, list_kind_t kind, const char *fmt,
                       const char *key)
{
    list_read_t *rd = malloc(sizeof(*rd));
    int rc = -1;
    if (rd) {
        *rd = (list_read_t){ro, r, kind};
        rc = nq_redis_command(r, on_list, rd, fmt, key);
    }
    if (rc != 0)
        free(rd);
    else
        ro->waiting++;
    nq_call_issued(ro->call, rc);
}

void roster_read(nq_redis_t *r, nq_call_t *call, nq_subject_t subject, const char *id,
                 bool with_unknown, roster_t *ro, roster_done_fn done, void *data)
{
    char key[KEY_MAX];
    ro->call = call;
    ro->done = done;
    ro->data = data;
    ro->waiting = 0;
    if (subject == NQ_SUBJECT_TEAM) {
        nq_key_team(key, sizeof(key), id);
        issue_list(r, ro, LIST_NAME, "HGET %s name", key);
        nq_key_team_members(key, sizeof(key), id);
        issue_list(r, ro, LIST_KNOWN, "SMEMBERS %s", key);
        return;
    }
    issue_list(r, ro, LIST_KNOWN, "SMEMBERS %s", NQ_KEY_SALESPEOPLE);
    issue_list(r, ro, LIST_KNOWN, "SMEMBERS %s", NQ_KEY_SALESPEOPLE_ARCHIVED);
    if (with_unknown)
        issue_list(r, ro, LIST_UNKNOWN, "HKEYS %s", NQ_KEY_UNKNOWN_SALESPEOPLE);
}

int roster_fetch_share(nq_redis_t *r, const roster_person_t *p, const char *team,
                       const nq_period_t *period, nq_span_t *spans, nq_kpi_fetch_cb cb, void *data)
{
    size_t n = roster_spans(p, team, period->start_ms, period->end_ms, spans);
    if (n == 0)
        return 0;
    int rc = roster_whole(spans, n, period->start_ms, period->end_ms)
                 ? nq_kpi_fetch(r, p->id, period, cb, data)
                 : nq_kpi_fetch_spans(r, p->id, spans, n, cb, data);
    return rc == 0 ? 1 : -1;
}
