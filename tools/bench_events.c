/* tools/bench_events.c — nq-bench's event mix. See bench_events.h. */
#include "bench_events.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Where visits happen: around People's Square, Shanghai, within ~30 km. */
#define VISIT_LAT      31.2304
#define VISIT_LNG      121.4737
#define VISIT_SPAN_DEG 0.3
/* Orders and payments: 100.00..20100.00 yuan, and 1 in BIG_ORDER_EVERY is
 * 50000.00..200000.00 yuan (over the default big-order alert threshold). */
#define AMOUNT_MIN_FEN  10000
#define AMOUNT_SPAN_FEN 2000000
#define BIG_MIN_FEN     5000000
#define BIG_SPAN_FEN    15000000
#define BIG_ORDER_EVERY 1000
#define DAY_MS          86400000LL

/* The next 64 random bits (xorshift64*). */
static uint64_t next_rand(bench_gen_t *g)
{
    uint64_t x = g->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n) for n >= 1. */
static uint32_t below(bench_gen_t *g, uint32_t n)
{
    return (uint32_t)(((next_rand(g) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [-1, 1). */
static double unit_signed(bench_gen_t *g)
{
    return (double)(next_rand(g) >> 11) / (double)(1ULL << 52) - 1.0;
}

/* An output buffer that remembers running out of room. */
typedef struct out {
    char *buf;   /* destination */
    size_t len;  /* its size */
    size_t used; /* bytes written, without the NUL */
    bool full;   /* something did not fit */
} out_t;

static void put(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(out_t *o, const char *fmt, ...)
{
    if (o->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->len - o->used)
        o->full = true;
    else
        o->used += (size_t)n;
}

/* The event's customer: drawn here, or already drawn with its owner (BENCH_MIX_CUSTOMERS). */
static void put_customer(bench_gen_t *g, out_t *o)
{
    put(o, ",\"customer_id\":\"c-%06u\"", g->customer ? g->customer : 1 + below(g, g->customers));
}

/* "amount" in yuan with two decimals, as a string. */
static void put_amount(bench_gen_t *g, out_t *o, bool may_be_big)
{
    int64_t fen = may_be_big && below(g, BIG_ORDER_EVERY) == 0
                      ? BIG_MIN_FEN + below(g, BIG_SPAN_FEN)
                      : AMOUNT_MIN_FEN + below(g, AMOUNT_SPAN_FEN);
    put(o, ",\"amount\":\"%lld.%02lld\"", (long long)(fen / 100), (long long)(fen % 100));
}

static void put_visit(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put(o, ",\"location\":{\"lat\":%.6f,\"lng\":%.6f,\"accuracy_m\":%u}",
        VISIT_LAT + VISIT_SPAN_DEG * unit_signed(g), VISIT_LNG + VISIT_SPAN_DEG * unit_signed(g),
        5 + below(g, 60));
    put(o, ",\"duration_s\":%u,\"purpose\":\"follow-up\"", 600 + below(g, 5400));
}

static void put_call(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put(o, ",\"direction\":\"%s\",\"duration_s\":%u", below(g, 4) ? "outbound" : "inbound",
        15 + below(g, 1200));
}

static void put_order(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put_amount(g, o, true);
    put(o, ",\"order_id\":\"o-%s-%llu\"", g->run_id, (unsigned long long)seq);
}

static void put_payment(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put_amount(g, o, false);
    put(o, ",\"order_id\":\"o-%s-%llu\"", g->run_id, (unsigned long long)(seq / 2));
}

static void put_feedback(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put(o, ",\"rating\":%u,\"channel\":\"survey\"", 1 + below(g, 5));
}

static void put_meeting(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put(o, ",\"duration_s\":%u,\"purpose\":\"weekly review\"", 1800 + below(g, 3600));
}

/* A meeting with the event's customer. */
static void put_visit_free(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put_meeting(g, o, seq);
}

/* An invoice of an order of the run, due -45..+44 days from when it is issued (so every
 * aging bucket has some). */
static void put_invoice(bench_gen_t *g, out_t *o, uint64_t seq)
{
    put_customer(g, o);
    put_amount(g, o, false);
    put(o, ",\"order_id\":\"o-%s-%llu\",\"due_at\":%lld", g->run_id, (unsigned long long)(seq / 2),
        (long long)(g->at + ((int64_t)below(g, 90) - 45) * DAY_MS));
}

/* Priorities as a service desk sees them: 1 in 10 high or urgent (an alert each). */
static void put_ticket(bench_gen_t *g, out_t *o, uint64_t seq)
{
    uint32_t r = below(g, 100);
    const char *prio = r < 30 ? "low" : r < 90 ? "normal" : r < 98 ? "high" : "urgent";
    put_customer(g, o);
    put(o, ",\"ticket_id\":\"tk-%s-%llu\",\"priority\":\"%s\"", g->run_id,
        (unsigned long long)(seq / 4), prio);
}

/* A competitor's product at its one price (no price drop: no alert). */
static void put_intel(bench_gen_t *g, out_t *o, uint64_t seq)
{
    uint32_t comp = 1 + below(g, 20), prod = 1 + below(g, 50);
    put_customer(g, o);
    put(o, ",\"competitor\":\"竞品%u\",\"product\":\"P%u\",\"price\":\"%u.00\"", comp, prod,
        100 + comp * 50 + prod);
}

/* Ratings mostly good: 1 in 20 is 1 or 2 (a negative_feedback alert). */
static void put_rated_feedback(bench_gen_t *g, out_t *o, uint64_t seq)
{
    uint32_t r = below(g, 100);
    put_customer(g, o);
    put(o, ",\"rating\":%u,\"channel\":\"survey\"",
        r < 2    ? 1
        : r < 5  ? 2
        : r < 20 ? 3
        : r < 60 ? 4
                 : 5);
}

typedef struct mix_row {
    const char *type;                                           /* "type" */
    uint32_t weight;                                            /* share of the mix */
    void (*put_fields)(bench_gen_t *g, out_t *o, uint64_t seq); /* type-specific fields */
} mix_row_t;

/* The mixes: one row per type, drawn with probability weight / total. */
static const mix_row_t mix_default[] = {
    {"visit", 30, put_visit},
    {"call", 30, put_call},
    {"order", 15, put_order},
    {"payment", 10, put_payment},
    {"feedback", 10, put_feedback},
    {"meeting", 5, put_meeting},
    {NULL, 0, NULL},
};
/* Every type about a customer, each by its customer's owner (meetings with a customer). */
static const mix_row_t mix_customers[] = {
    {"visit", 25, put_visit},
    {"call", 20, put_call},
    {"meeting", 5, put_visit_free},
    {"order", 15, put_order},
    {"invoice", 10, put_invoice},
    {"payment", 10, put_payment},
    {"feedback", 7, put_rated_feedback},
    {"ticket_opened", 3, put_ticket},
    {"ticket_closed", 2, put_ticket},
    {"competitor_intel", 3, put_intel},
    {NULL, 0, NULL},
};

static const struct {
    const char *name;
    const mix_row_t *rows;
} mixes[BENCH_MIX_COUNT] = {
    [BENCH_MIX_DEFAULT] = {"default", mix_default},
    [BENCH_MIX_CUSTOMERS] = {"customers", mix_customers},
};

int bench_mix_of(const char *name)
{
    for (int i = 0; i < BENCH_MIX_COUNT; i++)
        if (strcmp(name, mixes[i].name) == 0)
            return i;
    return -1;
}

bool bench_run_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > BENCH_RUN_ID_MAX)
        return false;
    return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int bench_gen_init(bench_gen_t *g, const char *run_id, uint64_t seed, uint32_t salespeople,
                   uint32_t customers, int64_t spread_ms)
{
    if (!bench_run_id_valid(run_id) || salespeople < 1 || customers < 1 || spread_ms < 0)
        return -1;
    memset(g, 0, sizeof(*g));
    strcpy(g->run_id, run_id);
    g->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
    g->salespeople = salespeople;
    g->customers = customers;
    g->spread_ms = spread_ms;
    g->mix = BENCH_MIX_DEFAULT;
    return 0;
}

/* Write one event at o's position. */
static void put_event(bench_gen_t *g, out_t *o, uint64_t seq, int64_t now_ms)
{
    const mix_row_t *mix = mixes[g->mix].rows;
    uint32_t total = 0, pick;
    for (size_t i = 0; mix[i].type; i++)
        total += mix[i].weight;
    pick = below(g, total);
    size_t t = 0;
    while (pick >= mix[t].weight)
        pick -= mix[t++].weight;
    int64_t at = now_ms;
    if (g->spread_ms > 0)
        at -= (int64_t)((next_rand(g) >> 1) % (uint64_t)(g->spread_ms + 1));
    g->at = at;
    uint32_t sp = 1 + below(g, g->salespeople);
    g->customer = 0;
    if (g->mix == BENCH_MIX_CUSTOMERS) { /* the customer's owner (bench_owner_of) */
        g->customer = 1 + below(g, g->customers);
        sp = bench_owner_of(g->customer, g->salespeople);
    }
    put(o,
        "{\"event_id\":\"%s-%llu\",\"type\":\"%s\",\"salesperson_id\":\"sp-%05u\","
        "\"occurred_at\":%lld,\"source\":\"bench\"",
        g->run_id, (unsigned long long)seq, mix[t].type, sp, (long long)at);
    mix[t].put_fields(g, o, seq);
    put(o, "}");
}

uint32_t bench_owner_of(uint32_t customer, uint32_t salespeople)
{
    return salespeople ? (customer - 1) % salespeople + 1 : 1;
}

int bench_event_write(bench_gen_t *g, char *buf, size_t len, uint64_t seq, int64_t now_ms)
{
    out_t o = {buf, len, 0, len == 0};
    put_event(g, &o, seq, now_ms);
    return o.full ? -1 : (int)o.used;
}

int bench_batch_write(bench_gen_t *g, char *buf, size_t len, size_t n, bool as_array,
                      uint64_t first_seq, int64_t now_ms)
{
    out_t o = {buf, len, 0, len == 0 || n == 0};
    as_array = as_array || n > 1;
    if (as_array)
        put(&o, "[");
    for (size_t i = 0; i < n && !o.full; i++) {
        if (i)
            put(&o, ",");
        put_event(g, &o, first_seq + i, now_ms);
    }
    if (as_array)
        put(&o, "]");
    return o.full || o.used > INT32_MAX ? -1 : (int)o.used;
}

int bench_sp_id(char *buf, size_t len, uint32_t n)
{
    int w = snprintf(buf, len, "sp-%05u", n);
    return w < 0 || (size_t)w >= len ? -1 : w;
}

/* Whether byte ch may appear in a request target as sent. */
static bool path_byte_ok(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && ch != '#';
}

int bench_path_expand(const char *tmpl, char *buf, size_t len, uint32_t sp, const char *team)
{
    out_t o = {buf, len, 0, len == 0};
    if (tmpl[0] != '/')
        return -1;
    for (const char *s = tmpl; *s && !o.full;) {
        if (*s == '{') {
            const char *end = strchr(s, '}');
            if (!end)
                return -1;
            size_t n = (size_t)(end - s + 1);
            if (n == 4 && strncmp(s, "{sp}", n) == 0)
                put(&o, "sp-%05u", sp);
            else if (n == 6 && strncmp(s, "{team}", n) == 0)
                put(&o, "%s", team);
            else
                return -1;
            s = end + 1;
        } else {
            put(&o, "%c", *s++);
        }
    }
    if (o.full || o.used > BENCH_PATH_MAX)
        return -1;
    for (size_t i = 0; i < o.used; i++) {
        if (!path_byte_ok((unsigned char)buf[i]))
            return -1;
    }
    return (int)o.used;
}

int bench_probe_write(char *buf, size_t len, const char *run_id, const char *sp, uint64_t k,
                      int64_t occurred_ms)
{
    out_t o = {buf, len, 0, len == 0};
    put(&o,
        "{\"event_id\":\"%s-p%llu\",\"type\":\"order\",\"salesperson_id\":\"%s\","
        "\"customer_id\":\"c-probe\",\"occurred_at\":%lld,\"source\":\"bench-probe\","
        "\"amount\":\"%llu.%02llu\"}",
        run_id, (unsigned long long)k, sp, (long long)occurred_ms,
        (unsigned long long)(1 + k / 100), (unsigned long long)(k % 100));
    return o.full ? -1 : (int)o.used;
}
