/* actindex.c — the activity index's members, cursors and pages. See nq/actindex.h. */
#include "nq/actindex.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "nq/fielderr.h"

const char *const nq_activity_types[] = {
    "visit",           "call",
    "meeting",         "order",
    "order_fulfilled", "order_cancelled",
    "return",          "invoice",
    "payment",         "new_customer",
    "feedback",        "ticket_opened",
    "ticket_closed",   "competitor_intel",
    "training",        NULL,
};

#define OCCURRED_DIGITS 13
#define OCCURRED_MAX    9999999999999LL

bool nq_activity_type_known(const char *type)
{
    return type && nq_one_of(type, nq_activity_types);
}

static int fit(int n, size_t len)
{
    return n < 0 || (size_t)n >= len ? -1 : n;
}

int nq_actindex_ref(char *buf, size_t len, const char *entry_id, size_t k)
{
    return fit(snprintf(buf, len, "%s/%zu", entry_id, k), len);
}

int nq_actindex_member(char *buf, size_t len, int64_t occurred_at, const char *type,
                       const char *ref, const char *salesperson)
{
    if (occurred_at < 0 || occurred_at > OCCURRED_MAX)
        return -1;
    if (salesperson)
        return fit(
            snprintf(buf, len, "%013lld|%s|%s|%s", (long long)occurred_at, type, ref, salesperson),
            len);
    return fit(snprintf(buf, len, "%013lld|%s|%s", (long long)occurred_at, type, ref), len);
}

/* The bytes up to the next '|' (or the end) from p; *len their count. */
static const char *field(const char *p, const char *end, size_t *len)
{
    const char *bar = memchr(p, '|', (size_t)(end - p));
    *len = (size_t)((bar ? bar : end) - p);
    return p;
}

static bool all_of(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++) {
        if (!s[i] || !strchr(set, s[i]))
            return false;
    }
    return n > 0;
}

int nq_actindex_parse(const char *member, size_t len, nq_actindex_parts_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *p = member, *end = member + len;
    if (len < OCCURRED_DIGITS + 1 || !all_of(p, OCCURRED_DIGITS, "0123456789") ||
        p[OCCURRED_DIGITS] != '|')
        return -1;
    for (int i = 0; i < OCCURRED_DIGITS; i++)
        out->occurred_at = out->occurred_at * 10 + (p[i] - '0');
    p += OCCURRED_DIGITS + 1;
    out->type = field(p, end, &out->type_len);
    p += out->type_len;
    if (p == end || out->type_len > NQ_ACTINDEX_TYPE_MAX ||
        !all_of(out->type, out->type_len, "abcdefghijklmnopqrstuvwxyz_"))
        return -1;
    out->ref = field(++p, end, &out->ref_len);
    p += out->ref_len;
    if (out->ref_len == 0 || out->ref_len >= NQ_ACTINDEX_REF_MAX ||
        memchr(out->ref, '\0', out->ref_len))
        return -1;
    if (p == end)
        return 0;
    out->salesperson = field(++p, end, &out->salesperson_len);
    char id[NQ_ID_MAX + 1];
    if (out->salesperson_len > NQ_ID_MAX || p + out->salesperson_len != end)
        return -1;
    memcpy(id, out->salesperson, out->salesperson_len);
    id[out->salesperson_len] = '\0';
    return nq_valid_id(id) ? 0 : -1;
}

int nq_actindex_cursor_encode(const char *member, char *buf, size_t len)
{
    size_t n = strlen(member);
    if (sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > len)
        return -1;
    sodium_bin2base64(buf, len, (const unsigned char *)member, n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return (int)strlen(buf);
}

int nq_actindex_cursor_decode(const char *cursor, bool customer, char *member, size_t len)
{
    size_t n = 0;
    if (len == 0 || strlen(cursor) >= NQ_ACTINDEX_CURSOR_MAX ||
        sodium_base642bin((unsigned char *)member, len - 1, cursor, strlen(cursor), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    member[n] = '\0';
    nq_actindex_parts_t parts;
    if (nq_actindex_parse(member, n, &parts) != 0 || (parts.salesperson != NULL) != customer)
        return -1;
    return 0;
}

void nq_actindex_range(nq_actindex_range_t *r, bool has_from, int64_t from, bool has_to, int64_t to,
                       const char *cursor)
{
    strcpy(r->max, "+");
    strcpy(r->min, "-");
    if (has_from && from > OCCURRED_MAX)
        strcpy(r->min, "[:"); /* after every member: ':' follows the digits */
    else if (has_from && from > 0)
        snprintf(r->min, sizeof(r->min), "[%013lld", (long long)from);
    char upper[NQ_ACTINDEX_MEMBER_MAX] = "";
    if (has_to && to <= 0)
        strcpy(upper, "0"); /* before every member */
    else if (has_to && to <= OCCURRED_MAX)
        snprintf(upper, sizeof(upper), "%013lld", (long long)to);
    if (cursor && (!*upper || strcmp(cursor, upper) < 0))
        snprintf(upper, sizeof(upper), "%s", cursor);
    if (*upper)
        snprintf(r->max, sizeof(r->max), "(%s", upper);
}

int nq_actindex_types_parse(const char *list, char *out, size_t len, const char **why)
{
    size_t at = 0;
    if (len < 2) {
        *why = "too many types";
        return -1;
    }
    out[at++] = ',';
    for (const char *p = list;; p++) {
        size_t n = strcspn(p, ",");
        char type[NQ_ACTINDEX_TYPE_MAX + 1];
        if (n == 0 || n > NQ_ACTINDEX_TYPE_MAX) {
            *why = "must be a comma-separated list of event types (visit,call,...)";
            return -1;
        }
        memcpy(type, p, n);
        type[n] = '\0';
        if (!nq_activity_type_known(type)) {
            *why = "names an unknown event type (see the event types in the API docs)";
            return -1;
        }
        char item[NQ_ACTINDEX_TYPE_MAX + 3];
        snprintf(item, sizeof(item), ",%s,", type);
        out[at] = '\0';
        if (!strstr(out, item)) { /* each type once: the filter stays within its bound */
            if (at + n + 2 > len) {
                *why = "too many types";
                return -1;
            }
            memcpy(out + at, type, n);
            at += n;
            out[at++] = ',';
        }
        p += n;
        if (!*p)
            break;
    }
    out[at] = '\0';
    return 0;
}

size_t nq_actindex_scan_each(size_t n, size_t limit, bool filtered)
{
    size_t each = limit + 1;
    if (filtered && n > 0 && NQ_ACTINDEX_SCAN_BUDGET / n > each)
        each = NQ_ACTINDEX_SCAN_BUDGET / n;
    return each;
}

size_t nq_actindex_merge(const nq_actindex_scan_t *scans, size_t n, size_t limit,
                         nq_actindex_pick_t *out, const char **next)
{
    const char *floor = NULL; /* members below it may be preceded by unread ones */
    if (n > NQ_ACTINDEX_MERGE_MAX)
        n = NQ_ACTINDEX_MERGE_MAX;
    for (size_t s = 0; s < n; s++) {
        if (scans[s].last && (!floor || strcmp(scans[s].last, floor) > 0))
            floor = scans[s].last;
    }
    size_t picked = 0, heads[NQ_ACTINDEX_MERGE_MAX] = {0};
    bool more = false; /* a candidate was left */
    for (;;) {
        size_t best = n;
        for (size_t s = 0; s < n; s++) {
            if (heads[s] >= scans[s].n)
                continue;
            const char *m = scans[s].members[heads[s]];
            if (floor && strcmp(m, floor) < 0)
                continue;
            if (best == n || strcmp(m, scans[best].members[heads[best]]) > 0)
                best = s;
        }
        if (best == n)
            break;
        if (picked == limit) {
            more = true;
            break;
        }
        out[picked++] = (nq_actindex_pick_t){best, heads[best]++};
    }
    *next = NULL;
    if (picked == limit && (more || floor) && picked > 0)
        *next = scans[out[picked - 1].scan].members[out[picked - 1].i];
    else if (floor)
        *next = floor;
    return picked;
}
