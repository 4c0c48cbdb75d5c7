/* custsum.c — a customer's summary figures. See nq/custsum.h. */
#include "nq/custsum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/aftersales.h"

static const struct {
    const char *type, *kind;
} kinds[] = {
    {"order", "order"},          {"order_cancelled", "minus"},  {"return", "minus"},
    {"feedback", "feedback"},    {"competitor_intel", "intel"}, {"ticket_opened", "topen"},
    {"ticket_closed", "tclose"}, {"visit", "contact"},          {"call", "contact"},
    {"meeting", "contact"},      {"invoice", "invoice"},        {"payment", "payment"},
};

const char *nq_custsum_kind(const char *type)
{
    for (size_t i = 0; type && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(kinds[i].type, type) == 0)
            return kinds[i].kind;
    }
    return "";
}

/* "2026-11" -> year 2026, month 11. 0, or -1 when it is not a month. */
static int month_parts(const char *key, int *year, int *month)
{
    char tail;
    if (!key || strlen(key) != 7 || sscanf(key, "%4d-%2d%c", year, month, &tail) != 2 ||
        *month < 1 || *month > 12)
        return -1;
    return 0;
}

int nq_custsum_span_of(const char *month, const char *now)
{
    int y, m, ny, nm;
    if (month_parts(month, &y, &m) != 0 || month_parts(now, &ny, &nm) != 0)
        return -1;
    if (y == ny - 1)
        return NQ_CUSTSUM_LAST_YEAR;
    if (y != ny || m > nm)
        return -1;
    if (m == nm)
        return NQ_CUSTSUM_MONTH;
    return (m - 1) / 3 == (nm - 1) / 3 ? NQ_CUSTSUM_QUARTER : NQ_CUSTSUM_YEAR;
}

/* A whole number field's value; false when it is not one. */
static bool whole(const char *s, int64_t *v)
{
    char *end;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end)
        return false;
    *v = x;
    return true;
}

/* The last contact's member "<13-digit at>|<type>|<ref>|<salesperson>". */
static void last_contact(const char *member, nq_custsum_t *out)
{
    const char *t = strchr(member, '|'), *ref = t ? strchr(t + 1, '|') : NULL;
    const char *sp = ref ? strchr(ref + 1, '|') : NULL;
    int64_t at;
    char digits[14];
    if (!sp || t - member != 13 || (size_t)(ref - t - 1) >= sizeof(out->last_contact_type) ||
        strlen(sp + 1) >= sizeof(out->last_contact_by))
        return;
    memcpy(digits, member, 13);
    digits[13] = '\0';
    if (!whole(digits, &at))
        return;
    out->last_contact_at = at;
    snprintf(out->last_contact_type, sizeof(out->last_contact_type), "%.*s", (int)(ref - t - 1),
             t + 1);
    snprintf(out->last_contact_by, sizeof(out->last_contact_by), "%s", sp + 1);
}

void nq_custsum_read(const char *const *fields, size_t n, const char *now, nq_custsum_t *out)
{
    static const struct {
        const char *name;
        size_t offset;
    } plain[] = {
        {"rating_sum", offsetof(nq_custsum_t, rating_sum)},
        {"rating_count", offsetof(nq_custsum_t, rating_count)},
        {"nps_count", offsetof(nq_custsum_t, nps_count)},
        {"promoters", offsetof(nq_custsum_t, promoters)},
        {"detractors", offsetof(nq_custsum_t, detractors)},
        {"competitor_mentions", offsetof(nq_custsum_t, competitor_mentions)},
        {"open_tickets", offsetof(nq_custsum_t, open_tickets)},
    };
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i + 1 < n; i += 2) {
        const char *f = fields[i], *bar = strchr(f, '|');
        int64_t v;
        if (strcmp(f, "last_contact") == 0) {
            last_contact(fields[i + 1], out);
            continue;
        }
        if (!whole(fields[i + 1], &v))
            continue;
        for (size_t k = 0; !bar && k < sizeof(plain) / sizeof(plain[0]); k++) {
            if (strcmp(f, plain[k].name) == 0)
                *(int64_t *)((char *)out + plain[k].offset) = v;
        }
        char month[8];
        if (!bar || bar - f != 7)
            continue;
        memcpy(month, f, 7);
        month[7] = '\0';
        int span = nq_custsum_span_of(month, now);
        bool orders = strcmp(bar + 1, "orders") == 0, sales = strcmp(bar + 1, "sales_fen") == 0;
        /* a month counts in its span and in every longer one of the same year */
        for (int s = span; s >= 0 && s <= NQ_CUSTSUM_YEAR && (orders || sales); s++) {
            if (orders)
                out->sales[s].orders += v;
            else
                out->sales[s].sales_fen += v;
        }
        if (span == NQ_CUSTSUM_LAST_YEAR && orders)
            out->sales[span].orders += v;
        else if (span == NQ_CUSTSUM_LAST_YEAR && sales)
            out->sales[span].sales_fen += v;
    }
    if (out->open_tickets < 0)
        out->open_tickets = 0;
}

bool nq_custsum_nps(const nq_custsum_t *s, int64_t *tenths)
{
    return nq_nps_tenths(s->promoters, s->detractors, s->nps_count, tenths);
}

bool nq_custsum_avg_rating(const nq_custsum_t *s, int64_t *hundredths)
{
    if (s->rating_count <= 0)
        return false;
    *hundredths = (s->rating_sum * 200 + s->rating_count) / (2 * s->rating_count);
    return true;
}

/* A 13-digit time at the start of s (followed by end or \x1f); -1 when not. */
static int64_t time13(const char *s)
{
    char digits[14];
    int64_t v;
    if (strlen(s) < 13 || (s[13] != '\0' && s[13] != '\x1f'))
        return -1;
    memcpy(digits, s, 13);
    digits[13] = '\0';
    return whole(digits, &v) ? v : -1;
}

/* Field "<tid>\x1f<suffix>" of the tickets hash: its value, or NULL. */
static const char *ticket_field(const char *const *fields, size_t n, const char *tid, size_t len,
                                char suffix)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        const char *f = fields[i];
        if (strncmp(f, tid, len) == 0 && f[len] == '\x1f' && f[len + 1] == suffix &&
            f[len + 2] == '\0')
            return fields[i + 1];
    }
    return NULL;
}

int nq_custsum_tickets_read(const char *const *fields, size_t n, int64_t now,
                            nq_custsum_tickets_t *out)
{
    memset(out, 0, sizeof(*out));
    int64_t *durations = calloc(n / 2 + 1, sizeof(*durations));
    if (!durations)
        return -1;
    for (size_t i = 0; i + 1 < n; i += 2) {
        const char *tid = fields[i];
        int64_t state;
        if (strchr(tid, '\x1f') || !whole(fields[i + 1], &state) || state < 1 || state > 3)
            continue; /* a time field, or not a state */
        size_t len = strlen(tid);
        const char *o = ticket_field(fields, n, tid, len, 'o');
        const char *c = ticket_field(fields, n, tid, len, 'c');
        int64_t opened = o ? time13(o) : -1, closed = c ? time13(c) : -1;
        const char *priority = o && strlen(o) > 14 ? o + 14 : NULL;
        if (state == 1) {
            out->open++;
            if (opened >= 0 && nq_sla_breached(priority, opened, now))
                out->overdue++;
        } else if (state == 3 && opened >= 0 && closed >= 0) {
            int64_t took = closed > opened ? closed - opened : 0;
            durations[out->closed++] = took;
            if (nq_sla_breached(priority, opened, opened + took))
                out->breached++;
        }
    }
    out->has_median = nq_median_ms(durations, (size_t)out->closed, &out->median_ms);
    free(durations);
    return 0;
}

static int by_field(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

int64_t nq_custsum_tickets_overdue_at(const char *const *fields, size_t n, int64_t at)
{
    /* sorted by field, a ticket's close "<tid>\x1fc" comes just before its opening */
    const char *const **f = calloc(n / 2 + 1, sizeof(*f));
    size_t k = 0;
    int64_t overdue = 0;
    if (!f)
        return -1;
    for (size_t i = 0; i + 1 < n; i += 2) {
        size_t len = strlen(fields[i]);
        if (len >= 2 && fields[i][len - 2] == '\x1f')
            f[k++] = &fields[i];
    }
    qsort(f, k, sizeof(*f), by_field);
    for (size_t i = 0; i < k; i++) {
        const char *name = *f[i], *o = f[i][1];
        size_t len = strlen(name);
        if (name[len - 1] != 'o')
            continue;
        int64_t opened = time13(o), closed = -1;
        if (i > 0 && strncmp(*f[i - 1], name, len - 1) == 0 && strlen(*f[i - 1]) == len &&
            (*f[i - 1])[len - 1] == 'c')
            closed = time13(f[i - 1][1]);
        const char *priority = strlen(o) > 14 ? o + 14 : NULL;
        if (opened >= 0 && opened <= at && (closed < 0 || closed > at) &&
            nq_sla_breached(priority, opened, at))
            overdue++;
    }
    free(f);
    return overdue;
}
