/* tools/bench_stats.c — histogram, answer counts, time, /proc readers. See bench_stats.h. */
#include "bench_stats.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- latency histogram ---------------------------------------------------- */

void bench_hist_init(bench_hist_t *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

size_t bench_hist_bucket(uint64_t value)
{
    if (value < 2 * BENCH_HIST_SUB)
        return (size_t)value;
    /* value = top << shift with top in [SUB, 2 SUB): one row of SUB buckets per shift. */
    unsigned shift = (unsigned)(63 - __builtin_clzll(value)) - BENCH_HIST_SUB_BITS;
    uint64_t top = value >> shift;
    return (size_t)(shift + 1) * BENCH_HIST_SUB + (size_t)(top - BENCH_HIST_SUB);
}

uint64_t bench_hist_bucket_top(size_t bucket)
{
    if (bucket < 2 * BENCH_HIST_SUB)
        return bucket;
    unsigned shift = (unsigned)(bucket / BENCH_HIST_SUB) - 1;
    uint64_t top = BENCH_HIST_SUB + bucket % BENCH_HIST_SUB;
    uint64_t low = top << shift;
    uint64_t width = (uint64_t)1 << shift;
    /* The last bucket ends at UINT64_MAX: low + width would wrap. */
    return low > UINT64_MAX - width ? UINT64_MAX : low + width - 1;
}

void bench_hist_record(bench_hist_t *h, uint64_t value)
{
    h->counts[bench_hist_bucket(value)]++;
    h->count++;
    h->sum += (long double)value;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
}

uint64_t bench_hist_percentile(const bench_hist_t *h, double q)
{
    if (h->count == 0 || !(q > 0.0 && q <= 100.0))
        return 0;
    /* The decimal q is not exact in binary (99.9 is 99.900000000000006): a
     * tolerance keeps 99.9 % of 1000 values at rank 999, not 1000. */
    long double want = (long double)q / 100.0L * (long double)h->count - 1e-6L;
    uint64_t rank = want > 0 ? (uint64_t)want : 0;
    if ((long double)rank < want)
        rank++;
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < BENCH_HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank) {
            uint64_t top = bench_hist_bucket_top(b);
            return top < h->max ? top : h->max;
        }
    }
    return h->max;
}

/* ---- activity answers ----------------------------------------------------- */

/* A cursor over a JSON text; every helper stops at `end`. */
typedef struct scan {
    const char *p;   /* next byte */
    const char *end; /* one past the last byte */
} scan_t;

static void skip_ws(scan_t *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* At an opening quote: step past the closing one. False when unterminated. */
static bool skip_string(scan_t *s)
{
    for (s->p++; s->p < s->end; s->p++) {
        if (*s->p == '\\')
            s->p++;
        else if (*s->p == '"') {
            s->p++;
            return true;
        }
    }
    return false;
}

/* Step past one value of any kind (nested containers by depth, strings by
 * their quotes). False on a truncated text. */
static bool skip_value(scan_t *s)
{
    int depth = 0;
    while (s->p < s->end) {
        char c = *s->p;
        if (c == '"') {
            if (!skip_string(s))
                return false;
        } else if (c == '{' || c == '[') {
            depth++;
            s->p++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return true; /* the end of the enclosing object: a scalar ended here */
            depth--;
            s->p++;
        } else if (c == ',' && depth == 0) {
            return true;
        } else {
            s->p++;
        }
        if (depth == 0 && (c == '"' || c == '}' || c == ']'))
            return true;
    }
    return depth == 0;
}

/* The count that key [k, k + n) names, or NULL for other keys. */
static int64_t *count_slot(bench_counts_t *out, const char *k, size_t n)
{
    static const struct {
        const char *name;
        size_t offset;
    } slots[] = {
        {"accepted", offsetof(bench_counts_t, accepted)},
        {"duplicate", offsetof(bench_counts_t, duplicate)},
        {"conflict", offsetof(bench_counts_t, conflict)},
        {"rejected", offsetof(bench_counts_t, rejected)},
    };
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        if (strlen(slots[i].name) == n && memcmp(slots[i].name, k, n) == 0)
            return (int64_t *)((char *)out + slots[i].offset);
    }
    return NULL;
}

/* Read a non-negative integer at the cursor into *v. */
static bool read_count(scan_t *s, int64_t *v)
{
    int64_t n = 0;
    const char *start = s->p;
    while (s->p < s->end && isdigit((unsigned char)*s->p) && n < INT64_MAX / 10)
        n = n * 10 + (*s->p++ - '0');
    *v = n;
    return s->p > start;
}

int bench_answer_counts(const char *body, size_t len, bench_counts_t *out)
{
    scan_t s = {body, body + len};
    bool have_accepted = false;
    memset(out, 0, sizeof(*out));
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return -1;
    s.p++;
    for (;;) {
        skip_ws(&s);
        if (s.p >= s.end || *s.p != '"')
            break; /* '}' of an empty object, or not JSON: no counts */
        const char *key = s.p + 1;
        if (!skip_string(&s))
            break;
        size_t key_len = (size_t)(s.p - 1 - key);
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ':')
            break;
        s.p++;
        skip_ws(&s);
        int64_t *slot = count_slot(out, key, key_len);
        if (slot) {
            if (!read_count(&s, slot))
                break;
            have_accepted = have_accepted || slot == &out->accepted;
        } else if (!skip_value(&s)) {
            break;
        }
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ',')
            break;
        s.p++;
    }
    if (!have_accepted) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return 0;
}

/* ---- time ------------------------------------------------------------------ */

double bench_since_s(uint64_t from_ns, uint64_t to_ns)
{
    return to_ns > from_ns ? (double)(to_ns - from_ns) / 1e9 : 0.0;
}

/* ---- /proc ------------------------------------------------------------------ */

int64_t bench_status_kb(const char *status, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = status; line && *line;) {
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            char *end;
            errno = 0;
            long long v = strtoll(line + n + 1, &end, 10);
            if (errno || end == line + n + 1 || v < 0)
                return -1;
            return v;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

int64_t bench_stat_cpu_ticks(const char *stat)
{
    /* Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)). */
    const char *p = strrchr(stat, ')');
    if (!p)
        return -1;
    p++;
    int64_t ticks = 0;
    for (int field = 3; field <= 15; field++) {
        while (*p == ' ')
            p++;
        if (!*p)
            return -1;
        if (field >= 14) {
            char *end;
            errno = 0;
            long long v = strtoll(p, &end, 10);
            if (errno || end == p || v < 0)
                return -1;
            ticks += v;
            p = end;
        } else {
            while (*p && *p != ' ')
                p++;
        }
    }
    return ticks;
}
