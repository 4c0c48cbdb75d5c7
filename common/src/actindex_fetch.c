/* actindex_fetch.c — reading a page of the activity index. See nq/actindex_fetch.h. */
#include "nq/actindex_fetch.h"

#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"

/* What the page script answered for one timeline (copied out of the reply). */
typedef struct timeline {
    char *owner;    /* the salesperson whose timeline it is; NULL for a customer's */
    char **members; /* the members that matched, newest first */
    size_t n;       /* how many */
    char *last;     /* the last member read, or NULL: read to the range's end */
} timeline_t;

typedef struct fetch {
    nq_redis_t *r;             /* where it reads */
    nq_actindex_fetch_cb cb;   /* the caller's callback */
    void *data;                /* its argument */
    size_t limit;              /* most events */
    timeline_t *timelines;     /* one per timeline read */
    size_t n_timelines;        /* how many */
    nq_actindex_pick_t *picks; /* the page's members (step 2) */
    size_t n_picks;            /* how many */
    char **owners;             /* per pick: whose hash holds it (borrowed from timelines) */
    Nq__Activity **events;     /* per pick: the event, once read */
    const char *next;          /* where the next page starts (borrowed), or NULL */
    int waiting;               /* replies outstanding, +1 while issuing */
    bool failed;               /* a reply was missing or wrong */
} fetch_t;

static void fetch_free(fetch_t *f)
{
    for (size_t t = 0; t < f->n_timelines; t++) {
        timeline_t *tl = &f->timelines[t];
        for (size_t i = 0; i < tl->n; i++)
            free(tl->members[i]);
        free(tl->members);
        free(tl->owner);
        free(tl->last);
    }
    for (size_t i = 0; f->events && i < f->n_picks; i++) {
        if (f->events[i])
            nq__activity__free_unpacked(f->events[i], NULL);
        free(f->owners[i]);
    }
    free(f->timelines);
    free(f->picks);
    free(f->owners);
    free(f->events);
    free(f);
}

/* Hand the page (or the failure) over and free everything. */
static void fetch_finish(fetch_t *f)
{
    nq_actindex_item_t *items = calloc(f->n_picks + 1, sizeof(*items));
    nq_actindex_page_t page = {items, 0, f->failed ? NULL : f->next};
    bool failed = f->failed || !items;
    size_t missing = 0;
    for (size_t i = 0; !failed && i < f->n_picks; i++) {
        if (f->events[i])
            items[page.n++] = (nq_actindex_item_t){f->owners[i], f->events[i]};
        else
            missing++;
    }
    if (missing)
        nq_log_warn("activity_index_gap", "%zu events of a page are in a timeline but not stored",
                    missing);
    if (failed)
        page = (nq_actindex_page_t){NULL, 0, NULL};
    f->cb(failed ? -1 : 0, &page, f->data);
    free(items);
    fetch_free(f);
}

static void release(fetch_t *f, void (*next_step)(fetch_t *))
{
    if (--f->waiting == 0)
        next_step(f);
}

/* ---- step 2: the events of the page ---------------------------------------- */

/* One HMGET: the events of the picks of one salesperson. */
typedef struct hmget {
    fetch_t *f;    /* the fetch */
    size_t *picks; /* which picks, in the order of the fields asked */
    size_t n;      /* how many */
} hmget_t;

static void on_events(nq_redis_t *r, redisReply *reply, void *data)
{
    hmget_t *h = data;
    fetch_t *f = h->f;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != h->n) {
        f->failed = true;
    } else {
        for (size_t j = 0; j < h->n; j++) {
            const redisReply *v = reply->element[j];
            if (v->type == REDIS_REPLY_STRING)
                f->events[h->picks[j]] =
                    nq__activity__unpack(NULL, v->len, (const uint8_t *)v->str);
        }
    }
    free(h->picks);
    free(h);
    release(f, fetch_finish);
}

/* HMGET <owner's hash> <ref of each pick of that owner>, for the owner of pick `first`. */
static int read_events_of(fetch_t *f, size_t first, bool *asked)
{
    hmget_t *h = calloc(1, sizeof(*h));
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[160];
    if (!h || !(h->picks = calloc(f->n_picks, sizeof(*h->picks))) ||
        nq_key_sp_acts(key, sizeof(key), f->owners[first]) < 0) {
        free(h ? h->picks : NULL);
        free(h);
        return -1;
    }
    h->f = f;
    nq_redis_args_adds(&a, "HMGET");
    nq_redis_args_adds(&a, key);
    for (size_t i = first; i < f->n_picks; i++) {
        if (asked[i] || strcmp(f->owners[i], f->owners[first]) != 0)
            continue;
        const timeline_t *tl = &f->timelines[f->picks[i].scan];
        const char *m = tl->members[f->picks[i].i];
        nq_actindex_parts_t parts;
        nq_actindex_parse(m, strlen(m), &parts); /* checked when the page was read */
        nq_redis_args_add(&a, parts.ref, parts.ref_len);
        asked[i] = true;
        h->picks[h->n++] = i;
    }
    int rc = a.failed ? -1 : nq_redis_command_args(f->r, on_events, h, &a);
    nq_redis_args_free(&a);
    if (rc != 0) {
        free(h->picks);
        free(h);
    }
    return rc;
}

/* The page's members are known: read their events, one HMGET per owner. */
static void read_events(fetch_t *f)
{
    if (f->failed || f->n_picks == 0) {
        fetch_finish(f);
        return;
    }
    bool *asked = calloc(f->n_picks, sizeof(*asked));
    f->waiting = 1;
    for (size_t i = 0; asked && i < f->n_picks; i++) {
        if (asked[i])
            continue;
        if (read_events_of(f, i, asked) == 0)
            f->waiting++;
        else
            f->failed = true;
        if (f->failed)
            break;
    }
    if (!asked)
        f->failed = true;
    free(asked);
    release(f, fetch_finish);
}

/* ---- step 1: each timeline's part, then the merge ---------------------------- */

/* Merge what the timelines answered into the page's picks and their owners. */
static void merge(fetch_t *f)
{
    if (f->failed) {
        fetch_finish(f);
        return;
    }
    nq_actindex_scan_t scans[NQ_ACTINDEX_MERGE_MAX];
    for (size_t t = 0; t < f->n_timelines; t++)
        scans[t] = (nq_actindex_scan_t){(const char *const *)f->timelines[t].members,
                                        f->timelines[t].n, f->timelines[t].last};
    f->picks = calloc(f->limit, sizeof(*f->picks));
    f->owners = calloc(f->limit, sizeof(*f->owners));
    f->events = calloc(f->limit, sizeof(*f->events));
    if (!f->picks || !f->owners || !f->events) {
        f->failed = true;
        fetch_finish(f);
        return;
    }
    f->n_picks = nq_actindex_merge(scans, f->n_timelines, f->limit, f->picks, &f->next);
    for (size_t i = 0; i < f->n_picks; i++) {
        const timeline_t *tl = &f->timelines[f->picks[i].scan];
        const char *m = tl->members[f->picks[i].i];
        nq_actindex_parts_t parts;
        if (nq_actindex_parse(m, strlen(m), &parts) != 0 || (!tl->owner && !parts.salesperson)) {
            nq_log_warn("activity_index_member", "a timeline holds a member that does not parse");
            f->failed = true;
            break;
        }
        f->owners[i] =
            tl->owner ? strdup(tl->owner) : strndup(parts.salesperson, parts.salesperson_len);
        f->failed |= !f->owners[i];
    }
    read_events(f);
}

/* Where a page script's answer goes. */
typedef struct slot {
    fetch_t *f;
    size_t t; /* which timeline */
} slot_t;

static char *reply_str(const redisReply *e)
{
    return e->type == REDIS_REPLY_STRING ? strndup(e->str, e->len) : NULL;
}

/* {last, member...} of one timeline. */
static void on_part(nq_redis_t *r, redisReply *reply, void *data)
{
    slot_t *s = data;
    fetch_t *f = s->f;
    timeline_t *tl = &f->timelines[s->t];
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        if (reply && reply->type == REDIS_REPLY_ERROR)
            nq_log_warn("activity_page_failed", "%s", reply->str);
        f->failed = true;
    } else {
        tl->last = reply->element[0]->len ? reply_str(reply->element[0]) : NULL;
        tl->members = calloc(reply->elements, sizeof(*tl->members));
        f->failed |= !tl->members || (reply->element[0]->len && !tl->last);
        for (size_t i = 1; tl->members && i < reply->elements; i++) {
            char *m = reply_str(reply->element[i]);
            if (!m) {
                f->failed = true;
                break;
            }
            tl->members[tl->n++] = m;
        }
    }
    free(s);
    release(f, merge);
}

/* The page script on timeline t. */
static int read_part(fetch_t *f, size_t t, const nq_actindex_query_t *q,
                     const nq_actindex_range_t *range, size_t scan)
{
    char key[160];
    const char *only = q->customer && q->n_salespeople ? q->salespeople[0] : "";
    int n = q->customer ? nq_key_customer_timeline(key, sizeof(key), q->customer)
                        : nq_key_sp_timeline(key, sizeof(key), q->salespeople[t]);
    slot_t *s = n < 0 ? NULL : malloc(sizeof(*s));
    if (!s)
        return -1;
    *s = (slot_t){f, t};
    int rc = nq_script_callf(f->r, NQ_SCRIPT(ACTINDEX_PAGE), on_part, s, 1,
                             "%s %s %s %lld %lld %s %s", key, range->max, range->min,
                             (long long)q->limit + 1, (long long)scan, q->types, only);
    if (rc != 0)
        free(s);
    return rc;
}

static bool query_ok(const nq_actindex_query_t *q)
{
    if (q->limit < 1 || q->limit > NQ_ACTINDEX_LIMIT_MAX || !q->types)
        return false;
    if (q->customer)
        return q->n_salespeople <= 1;
    return q->n_salespeople >= 1 && q->n_salespeople <= NQ_ACTINDEX_MERGE_MAX;
}

int nq_actindex_fetch(nq_redis_t *r, const nq_actindex_query_t *q, nq_actindex_fetch_cb cb,
                      void *data)
{
    if (!nq_redis_ready(r) || !query_ok(q))
        return -1;
    fetch_t *f = calloc(1, sizeof(*f));
    size_t n = q->customer ? 1 : q->n_salespeople;
    if (!f || !(f->timelines = calloc(n, sizeof(*f->timelines)))) {
        free(f);
        return -1;
    }
    f->r = r;
    f->cb = cb;
    f->data = data;
    f->limit = q->limit;
    f->n_timelines = n;
    for (size_t t = 0; !q->customer && t < n; t++) {
        if (!(f->timelines[t].owner = strdup(q->salespeople[t]))) {
            fetch_free(f);
            return -1;
        }
    }
    nq_actindex_range_t range;
    nq_actindex_range(&range, q->has_from, q->from, q->has_to, q->to, q->cursor);
    bool filtered = *q->types || (q->customer && q->n_salespeople);
    size_t scan = nq_actindex_scan_each(n, q->limit, filtered);
    f->waiting = 1;
    for (size_t t = 0; t < n; t++) {
        if (read_part(f, t, q, &range, scan) != 0) {
            f->failed = true;
            break;
        }
        f->waiting++;
    }
    if (f->failed && f->waiting == 1) { /* nothing issued: cb never runs */
        fetch_free(f);
        return -1;
    }
    release(f, merge);
    return 0;
}
