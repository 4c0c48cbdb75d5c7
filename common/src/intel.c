/* intel.c — competitor intel members and figures. See nq/intel.h. */
#include "nq/intel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"
#include "nq/utf8.h"

#define SEP  "\x1f"
#define SEPC '\x1f'

bool nq_intel_name_ok(const char *s, bool may_be_empty)
{
    if (!s)
        return may_be_empty;
    size_t n = strlen(s);
    if ((n == 0 && !may_be_empty) || n > NQ_INTEL_NAME_MAX || !nq_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

static int fit(int n, size_t len)
{
    return n < 0 || (size_t)n >= len ? -1 : n;
}

static bool event_ok(const nq_intel_event_t *ev)
{
    return nq_intel_name_ok(ev->competitor, false) && nq_intel_name_ok(ev->product, true) &&
           ev->ref && *ev->ref && !strchr(ev->ref, SEPC) && ev->customer &&
           !strchr(ev->customer, SEPC) && ev->at >= 0 && (!ev->has_price || ev->price_fen >= 0);
}

bool nq_intel_event_of(const Nq__Activity *ev, const char *ref, nq_intel_event_t *ie)
{
    *ie = (nq_intel_event_t){.competitor = ev->competitor,
                             .product = ev->product ? ev->product : "",
                             .ref = ref,
                             .customer = nq_valid_id(ev->customer_id) ? ev->customer_id : "",
                             .text = ev->text ? ev->text : "",
                             .at = ev->occurred_at,
                             .has_price = ev->has_price_fen,
                             .price_fen = ev->price_fen};
    return event_ok(ie);
}

int nq_intel_pair_prefix(char *buf, size_t len, const char *competitor, const char *product)
{
    return fit(snprintf(buf, len, "%s" SEP "%s" SEP, competitor, product ? product : ""), len);
}

int nq_intel_obs_member(char *buf, size_t len, const nq_intel_event_t *ev)
{
    if (!event_ok(ev))
        return -1;
    char price[24] = "";
    if (ev->has_price)
        snprintf(price, sizeof(price), "%lld", (long long)ev->price_fen);
    return fit(snprintf(buf, len, "%s" SEP "%s" SEP "%013lld" SEP "%s" SEP "%s" SEP "%s",
                        ev->competitor, ev->product, (long long)ev->at, ev->ref, price,
                        ev->customer),
               len);
}

int nq_intel_note_member(char *buf, size_t len, const nq_intel_event_t *ev)
{
    if (!event_ok(ev))
        return -1;
    if (!ev->text || !*ev->text) {
        if (len)
            *buf = '\0';
        return len ? 0 : -1;
    }
    char text[NQ_INTEL_NOTE_MAX + 1];
    nq_utf8_clean(text, sizeof(text), ev->text);
    for (char *c = text; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    }
    return fit(snprintf(buf, len, "%s" SEP "%s" SEP "%013lld" SEP "%s" SEP "%s" SEP "%s",
                        ev->competitor, ev->product, (long long)ev->at, ev->ref, ev->customer,
                        text),
               len);
}

int nq_intel_sum_prefix(char *buf, size_t len, const nq_intel_event_t *ev)
{
    nq_period_t m;
    if (!event_ok(ev) || nq_period_of(NQ_PERIOD_MONTH, ev->at, &m) != 0)
        return -1;
    return fit(snprintf(buf, len, "%s" SEP "%s" SEP "%s" SEP, m.key, ev->competitor, ev->product),
               len);
}

/* ---- reading ---------------------------------------------------------------- */

int nq_intel_init(nq_intel_t *in, const nq_period_t *p, const char *competitor, const char *product)
{
    nq_period_t first, last;
    memset(in, 0, sizeof(*in));
    if ((p->kind != NQ_PERIOD_MONTH && p->kind != NQ_PERIOD_QUARTER && p->kind != NQ_PERIOD_YEAR) ||
        nq_period_of(NQ_PERIOD_MONTH, p->start_ms, &first) != 0 ||
        nq_period_of(NQ_PERIOD_MONTH, p->end_ms - 1, &last) != 0)
        return -1;
    snprintf(in->month_from, sizeof(in->month_from), "%s", first.key);
    snprintf(in->month_to, sizeof(in->month_to), "%s", last.key);
    in->from_ms = p->start_ms;
    in->to_ms = p->end_ms;
    if ((competitor && !(in->competitor = strdup(competitor))) ||
        (product && !(in->product = strdup(product)))) {
        nq_intel_free(in);
        return -1;
    }
    return 0;
}

size_t nq_intel_months(const nq_period_t *p, char months[NQ_INTEL_MONTHS_MAX][16])
{
    nq_period_t m;
    size_t n = 0;
    if (p->kind != NQ_PERIOD_MONTH && p->kind != NQ_PERIOD_QUARTER && p->kind != NQ_PERIOD_YEAR)
        return 0;
    for (int rc = nq_period_of(NQ_PERIOD_MONTH, p->start_ms, &m);
         rc == 0 && m.start_ms < p->end_ms && n < NQ_INTEL_MONTHS_MAX; rc = nq_period_next(&m, &m))
        memcpy(months[n++], m.key, sizeof(months[0]));
    return n;
}

/* Split s (modified) at SEP into at most max parts; the last takes the
 * rest. Returns how many. */
static size_t split(char *s, char **parts, size_t max)
{
    size_t n = 0;
    parts[n++] = s;
    for (char *c = s; *c && n < max; c++) {
        if (*c == SEPC) {
            *c = '\0';
            parts[n++] = c + 1;
        }
    }
    return n;
}

static bool wanted(const nq_intel_t *in, const char *competitor, const char *product)
{
    return *competitor && (!in->competitor || strcmp(in->competitor, competitor) == 0) &&
           (!in->product || strcmp(in->product, product) == 0);
}

/* The pair's figures, added when new; NULL out of memory. */
static nq_intel_pair_t *pair_of(nq_intel_t *in, const char *competitor, const char *product)
{
    for (size_t i = 0; i < in->n; i++) {
        if (strcmp(in->pairs[i].competitor, competitor) == 0 &&
            strcmp(in->pairs[i].product, product) == 0)
            return &in->pairs[i];
    }
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 8;
        nq_intel_pair_t *p = realloc(in->pairs, cap * sizeof(*p));
        if (!p)
            return NULL;
        in->pairs = p;
        in->cap = cap;
    }
    nq_intel_pair_t *p = &in->pairs[in->n];
    memset(p, 0, sizeof(*p));
    if (!(p->competitor = strdup(competitor)) || !(p->product = strdup(product))) {
        free(p->competitor);
        free(p->product);
        return NULL;
    }
    in->n++;
    return p;
}

/* A decimal int64 >= 0 (the whole string). */
static bool number(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0 || *s == '+' || *s == '-' || *s == ' ')
        return false;
    *out = v;
    return true;
}

/* "<at>|<fen>" of a first or last observation. */
static bool at_price(const char *s, int64_t *at, int64_t *fen)
{
    char buf[48];
    const char *bar = strchr(s, '|');
    if (!bar || (size_t)(bar - s) >= sizeof(buf))
        return false;
    memcpy(buf, s, (size_t)(bar - s));
    buf[bar - s] = '\0';
    return number(buf, at) && number(bar + 1, fen);
}

static int add_customer(nq_intel_pair_t *p, const char *customer)
{
    size_t lo = 0, hi = p->n_customers;
    while (lo < hi) { /* its place in the sorted list */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(p->customers[mid], customer);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (p->n_customers == p->cap_customers) {
        size_t cap = p->cap_customers ? 2 * p->cap_customers : 8;
        char **c = realloc(p->customers, cap * sizeof(*c));
        if (!c)
            return -1;
        p->customers = c;
        p->cap_customers = cap;
    }
    char *copy = strdup(customer);
    if (!copy)
        return -1;
    memmove(&p->customers[lo + 1], &p->customers[lo], (p->n_customers - lo) * sizeof(char *));
    p->customers[lo] = copy;
    p->n_customers++;
    return 1;
}

/* One figure of the pair: a dispatch row per stat name. */
typedef bool (*stat_fn)(nq_intel_pair_t *p, const char *value);

static bool stat_mentions(nq_intel_pair_t *p, const char *value)
{
    int64_t v;
    if (!number(value, &v))
        return false;
    p->mentions += v;
    return true;
}

static bool stat_n(nq_intel_pair_t *p, const char *value)
{
    int64_t v;
    if (!number(value, &v))
        return false;
    p->price.n += v;
    return true;
}

static bool stat_sum(nq_intel_pair_t *p, const char *value)
{
    int64_t v;
    if (!number(value, &v))
        return false;
    p->price.sum_fen += v;
    return true;
}

static bool stat_min(nq_intel_pair_t *p, const char *value)
{
    int64_t v;
    if (!number(value, &v))
        return false;
    if (!p->has_min || v < p->price.min_fen)
        p->price.min_fen = v;
    p->has_min = true;
    return true;
}

static bool stat_max(nq_intel_pair_t *p, const char *value)
{
    int64_t v;
    if (!number(value, &v))
        return false;
    if (!p->has_max || v > p->price.max_fen)
        p->price.max_fen = v;
    p->has_max = true;
    return true;
}

static bool stat_first(nq_intel_pair_t *p, const char *value)
{
    int64_t at, fen;
    if (!at_price(value, &at, &fen))
        return false;
    nq_price_stats_t *ps = &p->price;
    if (!p->has_first || at < ps->first_at || (at == ps->first_at && fen < ps->first_fen)) {
        ps->first_at = at;
        ps->first_fen = fen;
    }
    p->has_first = true;
    return true;
}

static bool stat_last(nq_intel_pair_t *p, const char *value)
{
    int64_t at, fen;
    if (!at_price(value, &at, &fen))
        return false;
    nq_price_stats_t *ps = &p->price;
    if (!p->has_last || at > ps->last_at || (at == ps->last_at && fen > ps->last_fen)) {
        ps->last_at = at;
        ps->last_fen = fen;
    }
    p->has_last = true;
    return true;
}

/* The stats of a "sums" field (common/lua/intel_events.lua writes them). */
static const struct {
    const char *name;
    stat_fn add;
} stats[] = {
    {"m", stat_mentions}, {"n", stat_n},     {"s", stat_sum},  {"lo", stat_min},
    {"hi", stat_max},     {"f", stat_first}, {"l", stat_last},
};

int nq_intel_add_sum(nq_intel_t *in, const char *field, const char *value)
{
    char buf[NQ_INTEL_MEMBER_MAX], *part[5];
    if (!field || !value || strlen(field) >= sizeof(buf))
        return 0;
    strcpy(buf, field);
    size_t n = split(buf, part, 5);
    if (n < 4 || strcmp(part[0], in->month_from) < 0 || strcmp(part[0], in->month_to) > 0 ||
        !wanted(in, part[1], part[2]))
        return 0;
    bool customer = n == 5 && strcmp(part[3], "c") == 0;
    if (!customer && n != 4)
        return 0;
    nq_intel_pair_t *p = pair_of(in, part[1], part[2]);
    if (!p)
        return -1;
    if (customer)
        return *part[4] ? add_customer(p, part[4]) : 0;
    for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
        if (strcmp(stats[i].name, part[3]) == 0)
            return stats[i].add(p, value) ? 1 : 0;
    }
    return 0;
}

/* Whether a is newer than b: later, or at one instant the greater ref. */
static bool newer(const nq_intel_obs_t *a, const nq_intel_obs_t *b)
{
    return a->at != b->at ? a->at > b->at : strcmp(a->ref, b->ref) > 0;
}

static void obs_clear(nq_intel_obs_t *o)
{
    free(o->ref);
    free(o->salesperson);
    free(o->customer);
    free(o->text);
    memset(o, 0, sizeof(*o));
}

/* Keep o (its strings move) among the newest max of list[0..*n). */
static void keep_newest(nq_intel_obs_t *list, size_t *n, size_t max, nq_intel_obs_t *o)
{
    if (*n < max) {
        list[(*n)++] = *o;
        memset(o, 0, sizeof(*o));
        return;
    }
    size_t oldest = 0;
    for (size_t i = 1; i < *n; i++) {
        if (newer(&list[oldest], &list[i]))
            oldest = i;
    }
    if (newer(o, &list[oldest])) {
        obs_clear(&list[oldest]);
        list[oldest] = *o;
        memset(o, 0, sizeof(*o));
    } else {
        obs_clear(o);
    }
}

/* Parse member (6 parts: competitor, product, at, ref, then two by kind)
 * into o for salesperson sp; its pair when wanted and in the period. */
static int parse_member(nq_intel_t *in, const char *sp, const char *member, bool note,
                        nq_intel_obs_t *o, nq_intel_pair_t **pair)
{
    char buf[NQ_INTEL_MEMBER_MAX], *part[6];
    int64_t at, price = 0;
    if (!member || !sp || strlen(member) >= sizeof(buf))
        return 0;
    strcpy(buf, member);
    if (split(buf, part, 6) != 6 || !wanted(in, part[0], part[1]) || !number(part[2], &at) ||
        at < in->from_ms || at >= in->to_ms || !*part[3] ||
        (!note && *part[4] && !number(part[4], &price)))
        return 0;
    memset(o, 0, sizeof(*o));
    o->at = at;
    o->has_price = !note && *part[4];
    o->price_fen = price;
    o->ref = strdup(part[3]);
    o->salesperson = strdup(sp);
    o->customer = strdup(note ? part[4] : part[5]);
    o->text = note ? strdup(part[5]) : NULL;
    *pair = pair_of(in, part[0], part[1]);
    if (!o->ref || !o->salesperson || !o->customer || (note && !o->text) || !*pair) {
        obs_clear(o);
        return -1;
    }
    return 1;
}

int nq_intel_add_note(nq_intel_t *in, const char *sp, const char *member)
{
    nq_intel_obs_t o;
    nq_intel_pair_t *p;
    int rc = parse_member(in, sp, member, true, &o, &p);
    if (rc == 1)
        keep_newest(p->notes, &p->n_notes, NQ_INTEL_NOTES_MAX, &o);
    return rc;
}

int nq_intel_add_obs(nq_intel_t *in, const char *sp, const char *member)
{
    nq_intel_obs_t o;
    nq_intel_pair_t *p;
    int rc = parse_member(in, sp, member, false, &o, &p);
    if (rc != 1)
        return rc;
    if (!p->series && !(p->series = calloc(NQ_INTEL_SERIES_MAX, sizeof(*p->series)))) {
        obs_clear(&o);
        return -1;
    }
    keep_newest(p->series, &p->n_series, NQ_INTEL_SERIES_MAX, &o);
    return 1;
}

/* Add "<prefix><stat>" = value, as the intel script writes it. */
static int add_stat(nq_intel_t *in, const char *prefix, const char *stat, const char *value)
{
    char field[NQ_INTEL_MEMBER_MAX];
    if (fit(snprintf(field, sizeof(field), "%s%s", prefix, stat), sizeof(field)) < 0)
        return 0;
    return nq_intel_add_sum(in, field, value);
}

int nq_intel_add_event(nq_intel_t *in, const char *sp, const nq_intel_event_t *ev, bool series)
{
    char prefix[NQ_INTEL_MEMBER_MAX], member[NQ_INTEL_MEMBER_MAX], price[24], at_price[48];
    if (!sp || nq_intel_sum_prefix(prefix, sizeof(prefix), ev) < 0)
        return 0;
    int rc = add_stat(in, prefix, "m", "1"); /* 0: outside the period or the filter */
    if (rc != 1)
        return rc;
    if (*ev->customer &&
        fit(snprintf(member, sizeof(member), "c" SEP "%s", ev->customer), sizeof(member)) > 0)
        rc = add_stat(in, prefix, member, "1");
    if (rc >= 0 && ev->has_price) {
        snprintf(price, sizeof(price), "%lld", (long long)ev->price_fen);
        snprintf(at_price, sizeof(at_price), "%lld|%s", (long long)ev->at, price);
        const char *const priced[][2] = {{"n", "1"},    {"s", price},    {"lo", price},
                                         {"hi", price}, {"f", at_price}, {"l", at_price}};
        for (size_t i = 0; rc >= 0 && i < sizeof(priced) / sizeof(priced[0]); i++)
            rc = add_stat(in, prefix, priced[i][0], priced[i][1]);
    }
    if (rc >= 0 && nq_intel_note_member(member, sizeof(member), ev) > 0)
        rc = nq_intel_add_note(in, sp, member);
    if (rc >= 0 && series && nq_intel_obs_member(member, sizeof(member), ev) > 0)
        rc = nq_intel_add_obs(in, sp, member);
    return rc < 0 ? -1 : 1;
}

static int by_newest(const void *a, const void *b)
{
    const nq_intel_obs_t *x = a, *y = b;
    return newer(x, y) ? -1 : newer(y, x) ? 1 : 0;
}

static int by_oldest(const void *a, const void *b)
{
    return by_newest(b, a);
}

static int by_mentions(const void *a, const void *b)
{
    const nq_intel_pair_t *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    int c = strcmp(x->competitor, y->competitor);
    return c ? c : strcmp(x->product, y->product);
}

void nq_intel_finish(nq_intel_t *in)
{
    for (size_t i = 0; i < in->n; i++) {
        nq_intel_pair_t *p = &in->pairs[i];
        qsort(p->notes, p->n_notes, sizeof(p->notes[0]), by_newest);
        if (p->series)
            qsort(p->series, p->n_series, sizeof(p->series[0]), by_oldest);
    }
    if (in->pairs)
        qsort(in->pairs, in->n, sizeof(in->pairs[0]), by_mentions);
}

void nq_intel_free(nq_intel_t *in)
{
    for (size_t i = 0; i < in->n; i++) {
        nq_intel_pair_t *p = &in->pairs[i];
        free(p->competitor);
        free(p->product);
        for (size_t c = 0; c < p->n_customers; c++)
            free(p->customers[c]);
        free(p->customers);
        for (size_t k = 0; k < p->n_notes; k++)
            obs_clear(&p->notes[k]);
        for (size_t k = 0; k < p->n_series; k++)
            obs_clear(&p->series[k]);
        free(p->series);
    }
    free(in->pairs);
    free(in->competitor);
    free(in->product);
    memset(in, 0, sizeof(*in));
}
