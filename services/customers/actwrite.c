/* actwrite.c — a batch of log entries as one index transaction. See actwrite.h. */
#include "actwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "followup.h"
#include "nq/actindex.h"
#include "nq/custsum.h"
#include "nq/fielderr.h"
#include "nq/intel.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "nq/receivable.h"
#include "nq/scripts.h"

/* One event to index. */
typedef struct row {
    const Nq__Activity *ev; /* the event (borrowed from its entry) */
    char ref[NQ_ACTINDEX_REF_MAX];
    uint8_t *packed; /* the event as stored */
    size_t packed_len;
    size_t order; /* its place in the batch: ties keep it */
} row_t;

static int by_salesperson(const void *a, const void *b)
{
    const row_t *x = *(row_t *const *)a, *y = *(row_t *const *)b;
    int c = strcmp(x->ev->salesperson_id, y->ev->salesperson_id);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int by_customer(const void *a, const void *b)
{
    const row_t *x = *(row_t *const *)a, *y = *(row_t *const *)b;
    int c = strcmp(x->ev->customer_id, y->ev->customer_id);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

typedef const char *(*key_of_fn)(const row_t *r);

static const char *salesperson_of(const row_t *r)
{
    return r->ev->salesperson_id;
}

static const char *customer_of(const row_t *r)
{
    return r->ev->customer_id;
}

/* The end of the run of rows sorted[from, ...) with the same key as sorted[from]. */
static size_t run_end(row_t *const *sorted, size_t from, size_t n, key_of_fn key)
{
    size_t to = from + 1;
    while (to < n && strcmp(key(sorted[to]), key(sorted[from])) == 0)
        to++;
    return to;
}

/* Whether r is an invoice or a payment: its customer's receivables move. */
static bool is_ar(const row_t *r)
{
    const char *kind = nq_custsum_kind(r->ev->type);
    return strcmp(kind, "invoice") == 0 || strcmp(kind, "payment") == 0;
}

/* Whether ev can be indexed: its salesperson, type and time make keys and
 * a member (ingest validated them; an entry written otherwise is not
 * trusted). */
static bool indexable(const Nq__Activity *ev)
{
    char m[NQ_ACTINDEX_MEMBER_MAX];
    return nq_valid_id(ev->salesperson_id) && nq_activity_type_known(ev->type) &&
           ev->has_occurred_at &&
           nq_actindex_member(m, sizeof(m), ev->occurred_at, ev->type, "r", ev->salesperson_id) >=
               0;
}

/* The rows of the counted events of every entry. Returns how many, or -1. */
static long collect(const char *const *ids, const nq_actlog_entry_t *entries, size_t n, row_t **out,
                    actwrite_stats_t *st)
{
    size_t cap = 0, at = 0;
    for (size_t i = 0; i < n; i++)
        cap += entries[i].n;
    row_t *rows = calloc(cap + 1, sizeof(*rows));
    if (!rows)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const nq_actlog_entry_t *e = &entries[i];
        for (size_t c = 0, k = 0; c < e->n && e->log; c++) {
            while (k < e->log->n_events && e->log->events[k] != e->events[c])
                k++; /* the counted event's place in the batch: its ref */
            const Nq__Activity *ev = e->events[c];
            row_t *r = &rows[at];
            if (!indexable(ev) || nq_actindex_ref(r->ref, sizeof(r->ref), ids[i], k) < 0) {
                st->skipped++;
                continue;
            }
            r->ev = ev;
            r->order = at;
            r->packed_len = nq__activity__get_packed_size(ev);
            if (!(r->packed = malloc(r->packed_len ? r->packed_len : 1))) {
                for (size_t j = 0; j < at; j++)
                    free(rows[j].packed);
                free(rows);
                return -1;
            }
            nq__activity__pack(ev, r->packed);
            at++;
        }
    }
    *out = rows;
    return (long)at;
}

typedef void (*add_fn)(nq_redis_pipe_t *p, const row_t *r);

static void add_member(nq_redis_pipe_t *p, const row_t *r, const char *salesperson)
{
    char m[NQ_ACTINDEX_MEMBER_MAX];
    int n = nq_actindex_member(m, sizeof(m), r->ev->occurred_at, r->ev->type, r->ref, salesperson);
    nq_redis_pipe_add(p, m, n > 0 ? (size_t)n : 0);
}

static void add_sp_member(nq_redis_pipe_t *p, const row_t *r)
{
    add_member(p, r, NULL);
}

static void add_customer_member(nq_redis_pipe_t *p, const row_t *r)
{
    add_member(p, r, r->ev->salesperson_id);
}

/* HSET key ref1 event1 ref2 event2 ... of rows sorted[from, to). */
static void hset(nq_redis_pipe_t *p, const char *key, row_t *const *sorted, size_t from, size_t to)
{
    nq_redis_pipe_cmd(p, NULL, NULL, 2 + (to - from) * 2);
    nq_redis_pipe_adds(p, "HSET");
    nq_redis_pipe_adds(p, key);
    for (size_t i = from; i < to; i++) {
        nq_redis_pipe_adds(p, sorted[i]->ref);
        nq_redis_pipe_add(p, sorted[i]->packed, sorted[i]->packed_len);
    }
}

/* ZADD key 0 m1 0 m2 ... of rows sorted[from, to), members by `member`. */
static void zadd(nq_redis_pipe_t *p, const char *key, row_t *const *sorted, size_t from, size_t to,
                 add_fn member)
{
    nq_redis_pipe_cmd(p, NULL, NULL, 2 + (to - from) * 2);
    nq_redis_pipe_adds(p, "ZADD");
    nq_redis_pipe_adds(p, key);
    for (size_t i = from; i < to; i++) {
        nq_redis_pipe_adds(p, "0");
        member(p, sorted[i]);
    }
}

/* SADD nq:{sp:<id>}:ar of the customers of the invoices and payments among
 * one salesperson's rows sorted[from, to) (idempotent: outside the script). */
static void write_sp_ar(nq_redis_pipe_t *p, const char *sp, row_t *const *sorted, size_t from,
                        size_t to)
{
    size_t k = 0;
    for (size_t i = from; i < to; i++)
        k += is_ar(sorted[i]) && nq_valid_id(sorted[i]->ev->customer_id);
    if (k == 0)
        return;
    char key[160];
    nq_key_sp_ar(key, sizeof(key), sp);
    nq_redis_pipe_cmd(p, NULL, NULL, 2 + k);
    nq_redis_pipe_adds(p, "SADD");
    nq_redis_pipe_adds(p, key);
    for (size_t i = from; i < to; i++) {
        if (is_ar(sorted[i]) && nq_valid_id(sorted[i]->ev->customer_id))
            nq_redis_pipe_adds(p, sorted[i]->ev->customer_id);
    }
}

/* Row r's ticket time for its salesperson's tickets hash into value: "o"
 * or "c" into *mode; false when r is no ticket event with a valid id. */
static bool ticket_time(const row_t *r, char *value, size_t len, const char **mode)
{
    const Nq__Activity *ev = r->ev;
    const char *kind = nq_custsum_kind(ev->type);
    bool open = strcmp(kind, "topen") == 0;
    if ((!open && strcmp(kind, "tclose") != 0) || !nq_valid_id(ev->ticket_id))
        return false;
    if (open)
        snprintf(value, len, "%013lld\x1f%s", (long long)ev->occurred_at,
                 ev->priority && nq_valid_id(ev->priority) ? ev->priority : "");
    else
        snprintf(value, len, "%013lld", (long long)ev->occurred_at);
    *mode = open ? "o" : "c";
    return true;
}

/* One salesperson's ticket events of rows sorted[from, to) into their
 * tickets hash (common/lua/sp_tickets.lua), one call: tickets_overdue reads
 * them. */
static void write_sp_tickets(nq_redis_pipe_t *p, const char *sp, row_t *const *sorted, size_t from,
                             size_t to)
{
    char key[160], value[64];
    const char *mode;
    size_t k = 0;
    for (size_t i = from; i < to; i++)
        k += ticket_time(sorted[i], value, sizeof(value), &mode);
    if (k == 0 || nq_key_sp_tickets(key, sizeof(key), sp) < 0)
        return;
    nq_script_pipe_cmd(p, NQ_SCRIPT(SP_TICKETS), NULL, NULL, 1, 3 * k);
    nq_redis_pipe_adds(p, key);
    for (size_t i = from; i < to; i++) {
        if (!ticket_time(sorted[i], value, sizeof(value), &mode))
            continue;
        nq_redis_pipe_adds(p, sorted[i]->ev->ticket_id);
        nq_redis_pipe_adds(p, mode);
        nq_redis_pipe_adds(p, value);
    }
}

/* Per salesperson: HSET of the events, ZADD of the timeline, their
 * receivables customers, their tickets. */
static void write_salespeople(nq_redis_pipe_t *p, row_t **sorted, size_t n)
{
    qsort(sorted, n, sizeof(*sorted), by_salesperson);
    for (size_t from = 0, to; from < n; from = to) {
        const char *sp = sorted[from]->ev->salesperson_id;
        to = run_end(sorted, from, n, salesperson_of);
        char key[160];
        nq_key_sp_acts(key, sizeof(key), sp);
        hset(p, key, sorted, from, to);
        nq_key_sp_timeline(key, sizeof(key), sp);
        zadd(p, key, sorted, from, to, add_sp_member);
        write_sp_ar(p, sp, sorted, from, to);
        write_sp_tickets(p, sp, sorted, from, to);
    }
}

/* One customer's latest contact of the batch (borrowed id). */
typedef struct contact {
    const char *customer;
    int64_t at;
} contact_t;

/* The latest contact among rows sorted[from, to) of one customer; 0 when
 * none is a contact. */
static int64_t latest_contact(row_t *const *sorted, size_t from, size_t to)
{
    int64_t at = 0;
    for (size_t i = from; i < to; i++) {
        if (followup_is_contact(sorted[i]->ev->type) && sorted[i]->ev->occurred_at > at)
            at = sorted[i]->ev->occurred_at;
    }
    return at;
}

/* The contact script's call (common/lua/contact_seen.lua) of n contacts:
 * kept when newer, the customers they move marked for the refresher
 * (ctrefresh.h). */
static void write_contacts(nq_redis_pipe_t *p, const contact_t *c, size_t n, int64_t now)
{
    if (n == 0)
        return;
    nq_script_pipe_cmd(p, NQ_SCRIPT(CONTACT_SEEN), NULL, NULL, 2, 1 + 2 * n);
    nq_redis_pipe_adds(p, NQ_KEY_FOLLOWUP_LAST);
    nq_redis_pipe_adds(p, NQ_KEY_FOLLOWUP_DIRTY);
    nq_redis_pipe_addll(p, (long long)now);
    for (size_t i = 0; i < n; i++) {
        nq_redis_pipe_adds(p, c[i].customer);
        nq_redis_pipe_addll(p, (long long)c[i].at);
    }
}

/* The customers of a batch with invoices or payments (cs, k of them) into
 * nq:ar:customers, and asked for a look at once (arwatch.h). */
static void write_ar_customers(nq_redis_pipe_t *p, const char *const *cs, size_t k)
{
    if (k == 0)
        return;
    nq_redis_pipe_cmd(p, NULL, NULL, 2 + k);
    nq_redis_pipe_adds(p, "SADD");
    nq_redis_pipe_adds(p, NQ_KEY_AR_CUSTOMERS);
    for (size_t i = 0; i < k; i++)
        nq_redis_pipe_adds(p, cs[i]);
    nq_redis_pipe_cmd(p, NULL, NULL, 2 + 2 * k);
    nq_redis_pipe_adds(p, "ZADD");
    nq_redis_pipe_adds(p, NQ_KEY_AR_DUE);
    for (size_t i = 0; i < k; i++) {
        nq_redis_pipe_adds(p, "0");
        nq_redis_pipe_adds(p, cs[i]);
    }
}

/* The value of attribute `name` of ev, or NULL. */
static const char *attribute(const Nq__Activity *ev, const char *name)
{
    for (size_t i = 0; i < ev->n_attributes; i++) {
        if (ev->attributes[i]->key && strcmp(ev->attributes[i]->key, name) == 0)
            return ev->attributes[i]->value;
    }
    return NULL;
}

/* Row r's receivables fact (nq/receivable.h) into field and value: an
 * invoice's or payment's, or for an order the flag it would get; "" none. */
static void ar_fact(const row_t *r, char *field, size_t flen, char *value, size_t vlen)
{
    const Nq__Activity *ev = r->ev;
    nq_ar_event_t a = {.type = ev->type,
                       .event_id = ev->event_id,
                       .ref = r->ref,
                       .salesperson = ev->salesperson_id,
                       .order_id = ev->order_id,
                       .invoice_id = attribute(ev, "invoice_id"),
                       .at = ev->occurred_at,
                       .due_at = ev->has_due_at ? ev->due_at : ev->occurred_at,
                       .amount_fen = ev->has_amount_fen ? ev->amount_fen : 0};
    *field = *value = '\0';
    if (nq_ar_fact(&a, field, flen, value, vlen) == 1)
        return;
    *field = *value = '\0';
    if (ev->type && strcmp(ev->type, "order") == 0 &&
        snprintf(field, flen, "c|%s", r->ref) < (int)flen)
        snprintf(value, vlen, "%lld|%s|%lld", (long long)ev->occurred_at,
                 ev->order_id && nq_valid_id(ev->order_id) ? ev->order_id : "",
                 (long long)a.amount_fen);
}

/* The keys of customer `cust` in the events script's call. */
static void add_customer_keys(nq_redis_pipe_t *p, const char *cust)
{
    typedef int (*key_fn)(char *buf, size_t len, const char *id);
    static const key_fn keys[] = {nq_key_customer_timeline, nq_key_customer_sums,
                                  nq_key_customer_tickets, nq_key_customer_ar, nq_key_customer};
    char key[160];
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        keys[i](key, sizeof(key), cust);
        nq_redis_pipe_adds(p, key);
    }
}

/* One customer's values in the events script's call: its id, how many
 * events, then 11 values of each of its rows sorted[from, to). */
static void add_customer_events(nq_redis_pipe_t *p, row_t *const *sorted, size_t from, size_t to)
{
    char month[16], num[24], fact[128], value[256];
    nq_redis_pipe_adds(p, sorted[from]->ev->customer_id);
    nq_redis_pipe_addll(p, (long long)(to - from));
    for (size_t i = from; i < to; i++) {
        const Nq__Activity *ev = sorted[i]->ev;
        const char *kind = nq_custsum_kind(ev->type);
        nq_period_t m;
        add_customer_member(p, sorted[i]);
        nq_redis_pipe_adds(p, kind);
        snprintf(month, sizeof(month), "%s",
                 nq_period_of(NQ_PERIOD_MONTH, ev->occurred_at, &m) == 0 ? m.key : "");
        nq_redis_pipe_adds(p, month);
        nq_redis_pipe_addll(p, ev->has_amount_fen ? (long long)ev->amount_fen : 0);
        nq_redis_pipe_addll(p, ev->has_rating ? ev->rating : 0);
        nq_redis_pipe_addll(p, ev->has_nps ? ev->nps : -1);
        nq_redis_pipe_adds(p, ev->ticket_id && strncmp(kind, "t", 1) == 0 ? ev->ticket_id : "");
        ar_fact(sorted[i], fact, sizeof(fact), value, sizeof(value));
        nq_redis_pipe_adds(p, fact);
        nq_redis_pipe_adds(p, value);
        snprintf(num, sizeof(num), "%013lld", (long long)ev->occurred_at);
        nq_redis_pipe_adds(p, num);
        nq_redis_pipe_adds(p, ev->priority ? ev->priority : "");
    }
}

/* The events script's call (common/lua/customer_events.lua) of customers
 * [from, to) of the batch (customer c: rows sorted[starts[c], starts[c + 1])):
 * their timelines, summary figures and receivables; a credit flag also goes
 * onto the signals stream for alerting. */
static void write_events(nq_redis_pipe_t *p, row_t *const *sorted, const size_t *starts,
                         size_t from, size_t to)
{
    size_t k = to - from, events = starts[to] - starts[from];
    nq_script_pipe_cmd(p, NQ_SCRIPT(CUSTOMER_EVENTS), NULL, NULL, 1 + 5 * k,
                       1 + 2 * k + 11 * events);
    nq_redis_pipe_adds(p, NQ_KEY_CUSTOMER_SIGNALS);
    for (size_t c = from; c < to; c++)
        add_customer_keys(p, customer_of(sorted[starts[c]]));
    nq_redis_pipe_addll(p, NQ_CUSTOMER_SIGNALS_MAXLEN);
    for (size_t c = from; c < to; c++)
        add_customer_events(p, sorted, starts[c], starts[c + 1]);
}

size_t actwrite_calls(const size_t *starts, size_t n, size_t max, size_t *out)
{
    size_t calls = 0;
    for (size_t c = 0; c < n; c++) {
        if (calls == 0 || starts[c + 1] - starts[out[calls - 1]] > max)
            out[calls++] = c; /* c does not fit in the call so far: it starts one */
    }
    out[calls] = n;
    return calls;
}

/* Per customer: its events, in calls of up to ACTWRITE_CALL_EVENTS events;
 * the customers with receivables moved; their latest contacts. Returns how
 * many customers. */
static size_t write_customers(nq_redis_pipe_t *p, row_t **sorted, size_t n, int64_t now)
{
    size_t with = 0, customers = 0, n_ar = 0, n_contacts = 0;
    for (size_t i = 0; i < n; i++) {
        if (nq_valid_id(sorted[i]->ev->customer_id))
            sorted[with++] = sorted[i];
    }
    qsort(sorted, with, sizeof(*sorted), by_customer);
    size_t *starts = calloc(with + 2, sizeof(*starts)), *calls = calloc(with + 2, sizeof(*calls));
    const char **ar = calloc(with + 1, sizeof(*ar));
    contact_t *contacts = calloc(with + 1, sizeof(*contacts));
    if (!starts || !calls || !ar || !contacts) {
        p->failed = true;
        goto out_free;
    }
    for (size_t from = 0, to; from < with; from = to) {
        const char *cust = customer_of(sorted[from]);
        to = run_end(sorted, from, with, customer_of);
        starts[customers++] = from;
        bool moves_ar = false;
        for (size_t i = from; i < to && !moves_ar; i++)
            moves_ar = is_ar(sorted[i]);
        if (moves_ar)
            ar[n_ar++] = cust;
        int64_t at = latest_contact(sorted, from, to);
        if (at > 0)
            contacts[n_contacts++] = (contact_t){cust, at};
    }
    starts[customers] = with;
    size_t n_calls = actwrite_calls(starts, customers, ACTWRITE_CALL_EVENTS, calls);
    for (size_t j = 0; j < n_calls; j++)
        write_events(p, sorted, starts, calls[j], calls[j + 1]);
    write_ar_customers(p, ar, n_ar);
    write_contacts(p, contacts, n_contacts, now);
out_free:
    free(starts);
    free(calls);
    free(ar);
    free(contacts);
    return customers;
}

/* Row r as an intel event (nq/intel.h); false when it is none or cannot be
 * indexed (a bad name). */
static bool intel_event(const row_t *r, nq_intel_event_t *ie)
{
    char m[NQ_INTEL_MEMBER_MAX];
    return strcmp(nq_custsum_kind(r->ev->type), "intel") == 0 &&
           nq_intel_event_of(r->ev, r->ref, ie) && nq_intel_obs_member(m, sizeof(m), ie) > 0 &&
           nq_intel_sum_prefix(m, sizeof(m), ie) > 0;
}

/* The month key ("2026-11") of row r's event into m (16 bytes). */
static void month_of(const row_t *r, char *m)
{
    nq_period_t p;
    snprintf(m, 16, "%s", nq_period_of(NQ_PERIOD_MONTH, r->ev->occurred_at, &p) == 0 ? p.key : "");
}

/* The intel script's call (common/lua/intel_events.lua) of one
 * salesperson's intel events sorted[from, to) (in time order within the
 * batch is not needed: months are found, not assumed). KEYS: obs, notes,
 * then the figures of each month. */
static void write_intel_of(nq_redis_pipe_t *p, const char *sp, row_t *const *sorted, size_t from,
                           size_t to)
{
    char key[160], buf[NQ_INTEL_MEMBER_MAX], num[24], m[16];
    char(*months)[16] = calloc(to - from + 1, sizeof(*months));
    size_t n_months = 0;
    if (!months) {
        p->failed = true;
        return;
    }
    for (size_t i = from; i < to; i++) { /* the distinct months, in order of first use */
        size_t k = 0;
        month_of(sorted[i], m);
        while (k < n_months && strcmp(months[k], m) != 0)
            k++;
        if (k == n_months)
            snprintf(months[n_months++], sizeof(months[0]), "%s", m);
    }
    nq_script_pipe_cmd(p, NQ_SCRIPT(INTEL_EVENTS), NULL, NULL, 2 + n_months, 1 + (to - from) * 8);
    nq_key_sp_intel(key, sizeof(key), sp, "obs");
    nq_redis_pipe_adds(p, key);
    nq_key_sp_intel(key, sizeof(key), sp, "notes");
    nq_redis_pipe_adds(p, key);
    for (size_t k = 0; k < n_months; k++) {
        snprintf(buf, sizeof(buf), "sums:%s", months[k]);
        nq_key_sp_intel(key, sizeof(key), sp, buf);
        nq_redis_pipe_adds(p, key);
    }
    snprintf(num, sizeof(num), "%d", NQ_INTEL_NOTES_MAX);
    nq_redis_pipe_adds(p, num);
    for (size_t i = from; i < to; i++) {
        nq_intel_event_t ie;
        size_t k = 0;
        intel_event(sorted[i], &ie);
        nq_intel_obs_member(buf, sizeof(buf), &ie);
        nq_redis_pipe_adds(p, buf);
        nq_intel_note_member(buf, sizeof(buf), &ie);
        nq_redis_pipe_adds(p, buf);
        month_of(sorted[i], m);
        while (k < n_months && strcmp(months[k], m) != 0)
            k++;
        snprintf(num, sizeof(num), "%zu", 3 + k); /* KEYS index, from 1 */
        nq_redis_pipe_adds(p, num);
        nq_intel_sum_prefix(buf, sizeof(buf), &ie);
        nq_redis_pipe_adds(p, buf);
        nq_intel_pair_prefix(buf, sizeof(buf), ie.competitor, ie.product);
        nq_redis_pipe_adds(p, buf);
        snprintf(num, sizeof(num), "%lld", (long long)ie.price_fen);
        nq_redis_pipe_adds(p, ie.has_price ? num : "");
        nq_redis_pipe_adds(p, ie.customer);
        snprintf(num, sizeof(num), "%013lld", (long long)ie.at);
        nq_redis_pipe_adds(p, num);
    }
    free(months);
}

/* Per salesperson: their competitor intel; then the salespeople into the
 * set of those with intel (idempotent: outside the script). */
static void write_intel(nq_redis_pipe_t *p, row_t **sorted, size_t n)
{
    size_t with = 0, sps = 0;
    nq_intel_event_t ie;
    for (size_t i = 0; i < n; i++) {
        if (intel_event(sorted[i], &ie))
            sorted[with++] = sorted[i];
    }
    qsort(sorted, with, sizeof(*sorted), by_salesperson);
    for (size_t from = 0, to; from < with; from = to, sps++) {
        to = run_end(sorted, from, with, salesperson_of);
        write_intel_of(p, salesperson_of(sorted[from]), sorted, from, to);
    }
    if (sps == 0)
        return;
    nq_redis_pipe_cmd(p, NULL, NULL, 2 + sps);
    nq_redis_pipe_adds(p, "SADD");
    nq_redis_pipe_adds(p, NQ_KEY_INTEL_SALESPEOPLE);
    for (size_t from = 0; from < with; from = run_end(sorted, from, with, salesperson_of))
        nq_redis_pipe_adds(p, salesperson_of(sorted[from]));
}

int actwrite_pipe(nq_redis_pipe_t *p, const char *const *ids, const nq_actlog_entry_t *entries,
                  size_t n, int64_t now, nq_redis_cb on_exec, void *data, actwrite_stats_t *stats)
{
    memset(stats, 0, sizeof(*stats));
    row_t *rows = NULL;
    long count = collect(ids, entries, n, &rows, stats);
    row_t **sorted = count >= 0 ? calloc((size_t)count + 1, sizeof(*sorted)) : NULL;
    if (!sorted) {
        for (long i = 0; rows && i < count; i++)
            free(rows[i].packed);
        free(rows);
        p->failed = true;
        return -1;
    }
    nq_redis_pipe_cmd(p, NULL, NULL, 1);
    nq_redis_pipe_adds(p, "MULTI");
    for (long i = 0; i < count; i++)
        sorted[i] = &rows[i];
    write_salespeople(p, sorted, (size_t)count);
    for (long i = 0; i < count; i++)
        sorted[i] = &rows[i];
    stats->customers = write_customers(p, sorted, (size_t)count, now);
    for (long i = 0; i < count; i++)
        sorted[i] = &rows[i];
    write_intel(p, sorted, (size_t)count);
    nq_redis_pipe_cmd(p, NULL, NULL, 3 + n);
    nq_redis_pipe_adds(p, "XACK");
    nq_redis_pipe_adds(p, NQ_KEY_ACTIVITIES);
    nq_redis_pipe_adds(p, NQ_GROUP_INDEX);
    for (size_t i = 0; i < n; i++)
        nq_redis_pipe_adds(p, ids[i]);
    nq_redis_pipe_cmd(p, on_exec, data, 1);
    nq_redis_pipe_adds(p, "EXEC");
    stats->events = (size_t)count;
    for (long i = 0; i < count; i++)
        free(rows[i].packed);
    free(rows);
    free(sorted);
    return p->failed ? -1 : 0;
}
