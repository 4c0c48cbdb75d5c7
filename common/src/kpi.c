/* kpi.c — KPI counters, metrics, conversions, and the read path. See nq/kpi.h. */
#include "nq/kpi.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/keyset.h"
#include "nq/money.h"

#define PB(field) offsetof(Nq__KpiValues, field), offsetof(Nq__KpiValues, has_##field)

const nq_kpi_def_t nq_kpi_defs[NQ_KPI_COUNT] = {
    [NQ_KPI_SALES_FEN] = {"sales_fen", true, PB(sales_fen)},
    [NQ_KPI_ORDERS] = {"orders", false, PB(orders)},
    [NQ_KPI_VISITS] = {"visits", false, PB(visits)},
    [NQ_KPI_CALLS] = {"calls", false, PB(calls)},
    [NQ_KPI_MEETINGS] = {"meetings", false, PB(meetings)},
    [NQ_KPI_NEW_CUSTOMERS] = {"new_customers", false, PB(new_customers)},
    [NQ_KPI_COLLECTIONS_FEN] = {"collections_fen", true, PB(collections_fen)},
    [NQ_KPI_ORDER_VALUE_FEN] = {"order_value_fen", true, PB(order_value_fen)},
    [NQ_KPI_ORDERS_DUE] = {"orders_due", false, PB(orders_due)},
    [NQ_KPI_ORDERS_ON_TIME] = {"orders_on_time", false, PB(orders_on_time)},
    [NQ_KPI_FEEDBACK_SUM] = {"feedback_sum", false, PB(feedback_sum)},
    [NQ_KPI_FEEDBACK_COUNT] = {"feedback_count", false, PB(feedback_count)},
    [NQ_KPI_TICKETS_OPENED] = {"tickets_opened", false, PB(tickets_opened)},
    [NQ_KPI_KEY_VISITED] = {"key_visited", false, PB(key_visited)},
    [NQ_KPI_KEY_CUSTOMERS] = {"key_customers", false, PB(key_customers)},
};

#define ONE(c)                                                                                     \
    {                                                                                              \
        c, NQ_KPI_NONE                                                                             \
    }
#define NONE NQ_KPI_NONE

const nq_metric_def_t nq_metric_defs[NQ_METRIC_COUNT] = {
    [NQ_METRIC_SALES_AMOUNT] = {"sales_amount", "销售额", "sales", NQ_UNIT_MONEY,
                                ONE(NQ_KPI_SALES_FEN), NONE},
    [NQ_METRIC_ORDERS] = {"orders", "订单数", "orders", NQ_UNIT_COUNT, ONE(NQ_KPI_ORDERS), NONE},
    [NQ_METRIC_VISITS] = {"visits", "拜访数", "visits", NQ_UNIT_COUNT, ONE(NQ_KPI_VISITS), NONE},
    [NQ_METRIC_CALLS] = {"calls", "电话数", "calls", NQ_UNIT_COUNT, ONE(NQ_KPI_CALLS), NONE},
    [NQ_METRIC_MEETINGS] = {"meetings", "会议数", "meetings", NQ_UNIT_COUNT, ONE(NQ_KPI_MEETINGS),
                            NONE},
    [NQ_METRIC_NEW_CUSTOMERS] = {"new_customers", "新客户数", "new customers", NQ_UNIT_COUNT,
                                 ONE(NQ_KPI_NEW_CUSTOMERS), NONE},
    [NQ_METRIC_COLLECTIONS] = {"collections", "回款额", "collections", NQ_UNIT_MONEY,
                               ONE(NQ_KPI_COLLECTIONS_FEN), NONE},
    [NQ_METRIC_COVERAGE] = {"coverage", "重点客户覆盖率", "key-customer coverage", NQ_UNIT_RATIO,
                            ONE(NQ_KPI_KEY_VISITED), NQ_KPI_KEY_CUSTOMERS},
    [NQ_METRIC_ORDER_COMPLETION_RATE] = {"order_completion_rate", "订单按时完成率",
                                         "on-time order completion", NQ_UNIT_RATIO,
                                         ONE(NQ_KPI_ORDERS_ON_TIME), NQ_KPI_ORDERS_DUE},
    [NQ_METRIC_AVG_ORDER_VALUE] = {"avg_order_value", "客单价", "average order value",
                                   NQ_UNIT_MONEY, ONE(NQ_KPI_ORDER_VALUE_FEN), NQ_KPI_ORDERS},
    [NQ_METRIC_ACTIVITY_TO_ORDER] = {"activity_to_order",
                                     "活动转化比",
                                     "activities per order",
                                     NQ_UNIT_RATIO,
                                     {NQ_KPI_VISITS, NQ_KPI_CALLS},
                                     NQ_KPI_ORDERS},
    [NQ_METRIC_FEEDBACK_SCORE] = {"feedback_score", "客户满意度", "feedback score", NQ_UNIT_SCORE,
                                  ONE(NQ_KPI_FEEDBACK_SUM), NQ_KPI_FEEDBACK_COUNT},
    [NQ_METRIC_TICKETS_OPENED] = {"tickets_opened", "售后工单数", "tickets opened", NQ_UNIT_COUNT,
                                  ONE(NQ_KPI_TICKETS_OPENED), NONE},
};

int nq_metric_find(const char *name)
{
    for (int i = 0; name && i < NQ_METRIC_COUNT; i++) {
        if (strcmp(nq_metric_defs[i].name, name) == 0)
            return i;
    }
    return -1;
}

/* Decimals a value of each unit is given with (and, for a quotient, computed
 * to): counts and money whole (units, fen), ratios and scores 4 decimals. */
static const int64_t unit_scale[] = {
    [NQ_UNIT_COUNT] = 1, [NQ_UNIT_MONEY] = 1, [NQ_UNIT_RATIO] = 10000, [NQ_UNIT_SCORE] = 10000};

double nq_round_to(double v, double scale)
{
    if (!isfinite(v))
        return v;
    double x = v * scale;
    double snapped = round(x * 1e6) / 1e6;
    if (isfinite(snapped))
        x = snapped; /* drop binary noise: 0.666675 x 1e4 is 6666.7499999... */
    return round(x) / scale;
}

/* num / den rounded half away from zero to 1 / scale, exactly (den > 0). */
static double quotient(int64_t num, int64_t den, int64_t scale)
{
    int64_t q = num / den, r = num % den;  /* |r| < den */
    int64_t limit = INT64_MAX / scale - 1; /* q x scale + f stays an int64 */
    if (den > limit || q > limit || q < -limit)
        return nq_round_to((double)num / (double)den, (double)scale);
    int64_t rs = r * scale, f = rs / den, rem = rs % den, half = rem < 0 ? -rem : rem;
    if (half != 0 && half >= den - half)
        f += rem < 0 ? -1 : 1; /* what is left is half a unit or more */
    int64_t scaled = q * scale + f;
    if (scaled < (INT64_C(1) << 53) && scaled > -(INT64_C(1) << 53))
        return (double)scaled / (double)scale; /* the double nearest the decimal */
    return (double)q + (double)f / (double)scale;
}

bool nq_metric_value(nq_metric_id_t m, const nq_kpi_values_t *v, double *out)
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    int64_t num = 0;
    double approx = 0; /* the same sum in doubles, for when num would overflow */
    bool fits = true;  /* num holds the exact sum */
    for (int i = 0; i < 2; i++) {
        if (d->num[i] == NQ_KPI_NONE)
            continue;
        approx += (double)v->v[d->num[i]];
        fits = fits && !__builtin_add_overflow(num, v->v[d->num[i]], &num);
    }
    if (d->den == NQ_KPI_NONE) {
        *out = fits ? (double)num : approx;
        return true;
    }
    int64_t den = v->v[d->den];
    if (den == 0)
        return false;
    if (!fits || num == INT64_MIN || den == INT64_MIN) { /* beyond int64: as near as doubles go */
        *out = nq_round_to(approx / (double)den, (double)unit_scale[d->unit]);
        return true;
    }
    if (den < 0) { /* counters never go below zero; keep the sign rule anyway */
        num = -num;
        den = -den;
    }
    *out = quotient(num, den, unit_scale[d->unit]);
    return true;
}

json_t *nq_metric_json(nq_metric_id_t m, double value, bool defined)
{
    if (!defined)
        return json_null();
    nq_unit_t unit = nq_metric_defs[m].unit;
    if (unit == NQ_UNIT_MONEY) {
        char buf[NQ_MONEY_BUF];
        nq_money_format((int64_t)nq_round_to(value, 1), buf, sizeof(buf));
        return json_string(buf);
    }
    if (unit == NQ_UNIT_COUNT)
        return json_integer((json_int_t)nq_round_to(value, 1));
    return json_real(nq_round_to(value, (double)unit_scale[unit]));
}

/* Upper bounds of a target per unit (money and counts: any non-negative). */
static const double unit_max[] = {
    [NQ_UNIT_COUNT] = 1e12, [NQ_UNIT_MONEY] = 1e15, [NQ_UNIT_RATIO] = 10, [NQ_UNIT_SCORE] = 5};

int nq_metric_parse(nq_metric_id_t m, const json_t *value, double *out, const char **why)
{
    nq_unit_t unit = nq_metric_defs[m].unit;
    if (unit == NQ_UNIT_MONEY) {
        int64_t fen = 0;
        int rc = -1;
        *why = "must be decimal yuan";
        if (json_is_string(value))
            rc = nq_money_parse(json_string_value(value), &fen, why);
        else if (json_is_number(value))
            rc = nq_money_from_double(json_number_value(value), &fen, why);
        if (rc == 0 && fen < 0) {
            *why = "must not be negative";
            rc = -1;
        }
        if (rc == 0)
            *out = (double)fen;
        return rc;
    }
    if (unit == NQ_UNIT_COUNT && !json_is_integer(value)) {
        *why = "must be a whole number";
        return -1;
    }
    if (!json_is_number(value)) {
        *why = "must be a number";
        return -1;
    }
    double v = json_number_value(value);
    /* The reason for each unit's range (money is handled above). */
    static const char *const range_reason[] = {
        [NQ_UNIT_COUNT] = "must be a whole number from 0 to 10^12",
        [NQ_UNIT_RATIO] = "must be a ratio from 0 to 10 (0.9 = 90 %)",
        [NQ_UNIT_SCORE] = "must be from 0 to 5",
    };
    if (!(v >= 0 && v <= unit_max[unit])) {
        *why = v < 0 && unit == NQ_UNIT_COUNT ? "must not be negative" : range_reason[unit];
        return -1;
    }
    *out = v;
    return 0;
}

int nq_kpi_find(const char *field)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        if (strcmp(nq_kpi_defs[i].field, field) == 0)
            return i;
    }
    return -1;
}

static int parse_int64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

int nq_kpi_from_fields(const char *const *fields, size_t n, nq_kpi_values_t *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i + 1 < n; i += 2) {
        int id = nq_kpi_find(fields[i]);
        if (id >= 0 && parse_int64(fields[i + 1], &out->v[id]) != 0)
            return -1;
    }
    return 0;
}

void nq_kpi_add(nq_kpi_values_t *out, const nq_kpi_values_t *v)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        out->v[i] += v->v[i];
}

void nq_kpi_to_proto(const nq_kpi_values_t *v, Nq__KpiValues *out)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        *(int64_t *)((char *)out + nq_kpi_defs[i].pb_offset) = v->v[i];
        *(protobuf_c_boolean *)((char *)out + nq_kpi_defs[i].pb_has) = 1;
    }
}

void nq_kpi_from_proto(const Nq__KpiValues *pb, nq_kpi_values_t *out)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        out->v[i] = pb ? *(const int64_t *)((const char *)pb + nq_kpi_defs[i].pb_offset) : 0;
}

/* Counts and amounts without a denominator, exactly (doubles lose whole
 * numbers past 2^53). */
static json_t *exact_json(const nq_metric_def_t *d, const nq_kpi_values_t *v)
{
    int64_t sum = 0;
    for (int i = 0; i < 2; i++)
        sum += d->num[i] != NQ_KPI_NONE ? v->v[d->num[i]] : 0;
    if (d->unit == NQ_UNIT_COUNT)
        return json_integer((json_int_t)sum);
    char buf[NQ_MONEY_BUF];
    nq_money_format(sum, buf, sizeof(buf));
    return json_string(buf);
}

json_t *nq_kpi_to_json(const nq_kpi_values_t *v)
{
    json_t *obj = json_object();
    for (int m = 0; obj && m < NQ_METRIC_COUNT; m++) {
        const nq_metric_def_t *d = &nq_metric_defs[m];
        double value = 0;
        bool exact =
            d->den == NQ_KPI_NONE && (d->unit == NQ_UNIT_COUNT || d->unit == NQ_UNIT_MONEY);
        bool defined = exact || nq_metric_value((nq_metric_id_t)m, v, &value);
        json_object_set_new(obj, d->name,
                            exact ? exact_json(d, v)
                                  : nq_metric_json((nq_metric_id_t)m, value, defined));
    }
    return obj;
}

json_t *nq_period_to_json(const nq_period_t *p)
{
    char start[40], end[40];
    nq_time_format(p->start_ms, start, sizeof(start));
    nq_time_format(p->end_ms, end, sizeof(end));
    return json_pack("{s:s, s:s, s:s, s:s}", "kind", nq_period_kind_name(p->kind), "key", p->key,
                     "start", start, "end", end);
}

void nq_period_to_proto(const nq_period_t *p, Nq__PeriodRef *out)
{
    out->kind = (char *)nq_period_kind_name(p->kind);
    out->key = (char *)p->key;
    out->has_start = out->has_end = 1;
    out->start = p->start_ms;
    out->end = p->end_ms;
}

void nq_targets_from_reply(const redisReply *reply, double target[NQ_METRIC_COUNT],
                           bool has[NQ_METRIC_COUNT])
{
    for (size_t i = 0; reply && reply->type == REDIS_REPLY_ARRAY && i + 1 < reply->elements;
         i += 2) {
        int m = nq_metric_find(reply->element[i]->str);
        double t = m >= 0 ? strtod(reply->element[i + 1]->str, NULL) : 0;
        if (m >= 0 && t > 0) { /* a stored 0 is no target */
            has[m] = true;
            target[m] = t;
        }
    }
}

/* ---- read path ------------------------------------------------------------ */

#define MAX_HASH_FIELDS 64

typedef struct fetch_req {
    nq_kpi_fetch_cb cb;     /* caller's callback */
    void *data;             /* its argument */
    nq_kpi_values_t values; /* filled by the replies */
    int waiting;            /* replies outstanding */
    bool failed;            /* a reply was missing or wrong */
} fetch_req_t;

static void fetch_done(fetch_req_t *req)
{
    if (--req->waiting > 0)
        return;
    if (req->failed)
        memset(&req->values, 0, sizeof(req->values));
    req->cb(req->failed ? -1 : 0, &req->values, req->data);
    free(req);
}

const nq_period_kind_t nq_kpi_stored_kinds[NQ_KPI_STORED_KINDS] = {NQ_PERIOD_DAY, NQ_PERIOD_MONTH};

bool nq_kpi_kind_stored(nq_period_kind_t kind)
{
    for (int i = 0; i < NQ_KPI_STORED_KINDS; i++) {
        if (nq_kpi_stored_kinds[i] == kind)
            return true;
    }
    return false;
}

/* The stored kind a period of `kind` is summed from. */
static const nq_period_kind_t part_kind[NQ_PERIOD_KIND_COUNT] = {
    [NQ_PERIOD_DAY] = NQ_PERIOD_DAY,     [NQ_PERIOD_WEEK] = NQ_PERIOD_DAY,
    [NQ_PERIOD_MONTH] = NQ_PERIOD_MONTH, [NQ_PERIOD_QUARTER] = NQ_PERIOD_MONTH,
    [NQ_PERIOD_YEAR] = NQ_PERIOD_MONTH,
};

int nq_kpi_parts(const nq_period_t *p, nq_period_t out[NQ_KPI_PARTS_MAX])
{
    if ((unsigned)p->kind >= NQ_PERIOD_KIND_COUNT)
        return -1;
    nq_period_t cur;
    if (nq_period_of(part_kind[p->kind], p->start_ms, &cur) != 0)
        return -1;
    int n = 0;
    while (cur.start_ms < p->end_ms) {
        if (n == NQ_KPI_PARTS_MAX)
            return -1;
        out[n++] = cur;
        if (nq_period_next(&out[n - 1], &cur) != 0)
            break; /* the last period of the calendar */
    }
    return n;
}

/* `out` from an HGETALL reply of a KPI hash; 0, or -1 (out zero). */
static int kpi_from_reply(const redisReply *reply, nq_kpi_values_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements > 2 * MAX_HASH_FIELDS)
        return -1;
    const char *fields[2 * MAX_HASH_FIELDS];
    for (size_t i = 0; i < reply->elements; i++)
        fields[i] = reply->element[i]->str ? reply->element[i]->str : "";
    return nq_kpi_from_fields(fields, reply->elements, out);
}

/* One of the period's KPI hashes: added to the others. */
static void on_hgetall(nq_redis_t *r, redisReply *reply, void *data)
{
    fetch_req_t *req = data;
    nq_kpi_values_t hash;
    req->failed |= kpi_from_reply(reply, &hash) != 0;
    for (int i = 0; i < NQ_KPI_HASH_COUNT; i++)
        req->values.v[i] += hash.v[i];
    fetch_done(req);
}

/* ---- set counters: coverage and on-time completion ----------------------- */

/* Where a set counters reply goes. */
typedef void (*sets_fn)(fetch_req_t *req, const redisReply *reply);

typedef struct sets_slot {
    fetch_req_t *req; /* the fetch */
    sets_fn fill;     /* what the reply fills in */
} sets_slot_t;

static void on_sets(nq_redis_t *r, redisReply *reply, void *data)
{
    sets_slot_t *slot = data;
    fetch_req_t *req = slot->req;
    if (reply && reply->type == REDIS_REPLY_ARRAY)
        slot->fill(req, reply);
    else
        req->failed = true;
    free(slot);
    fetch_done(req);
}

/* Send one read-only script whose reply `fill` reads. */
static int issue_sets(fetch_req_t *req, nq_redis_t *r, nq_redis_args_t *a, sets_fn fill)
{
    sets_slot_t *slot = a->failed ? NULL : malloc(sizeof(*slot));
    if (!slot)
        return -1;
    *slot = (sets_slot_t){req, fill};
    int rc = nq_redis_command_args(r, on_sets, slot, a);
    if (rc != 0)
        free(slot);
    return rc;
}

/* Start an EVAL_RO of `script` with the salesperson's key `first` (and
 * `second`, when not NULL), then the per-part keys of `family`. */
static void script_args(nq_redis_args_t *a, const char *script, const char *first,
                        const char *second,
                        int (*family)(char *, size_t, const char *, const nq_period_t *),
                        const char *salesperson_id, const nq_period_t *parts, int n_parts)
{
    nq_redis_args_init(a);
    nq_redis_args_adds(a, "EVAL_RO");
    nq_redis_args_adds(a, script);
    nq_redis_args_addf(a, "%d", n_parts + 1 + (second != NULL));
    nq_redis_args_adds(a, first);
    if (second)
        nq_redis_args_adds(a, second);
    for (int i = 0; i < n_parts; i++) {
        char key[256];
        if (family(key, sizeof(key), salesperson_id, &parts[i]) < 0)
            a->failed = true;
        nq_redis_args_adds(a, key);
    }
}

/* Integer element i of an array reply, or -1. */
static long long int_at(const redisReply *reply, size_t i)
{
    return i < reply->elements && reply->element[i]->type == REDIS_REPLY_INTEGER
               ? reply->element[i]->integer
               : -1;
}

/* The coverage facts (NQ_KEYSET_LUA_AT_END): key customers at the period's
 * end and how many of them were visited. */
static void fill_coverage(fetch_req_t *req, const redisReply *reply)
{
    size_t n = reply->elements >= 2 ? (reply->elements - 2) / 3 : 0;
    nq_keyset_change_t *changes = calloc(n + 1, sizeof(*changes));
    bool ok =
        changes && reply->elements == 2 + 3 * n && int_at(reply, 0) >= 0 && int_at(reply, 1) >= 0;
    for (size_t i = 0; ok && i < n; i++) {
        const redisReply *m = reply->element[2 + 3 * i];
        ok = m->type == REDIS_REPLY_STRING && nq_keyset_parse(m->str, m->len, &changes[i]) == 0 &&
             int_at(reply, 3 + 3 * i) >= 0 && int_at(reply, 4 + 3 * i) >= 0;
        if (ok) {
            changes[i].in_live = int_at(reply, 3 + 3 * i) == 1;
            changes[i].visited = int_at(reply, 4 + 3 * i) == 1;
        }
    }
    ok = ok && nq_keyset_at_end(int_at(reply, 0), int_at(reply, 1), changes, n,
                                &req->values.v[NQ_KPI_KEY_CUSTOMERS],
                                &req->values.v[NQ_KPI_KEY_VISITED]) == 0;
    req->failed |= !ok;
    free(changes);
}

/* Key customers at the period's end (nq/keyset.h) and how many of them
 * were visited in any of its parts. */
static int issue_coverage(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id,
                          const nq_period_t *parts, int n_parts, int64_t end_ms)
{
    char keyset[256], log[256];
    if (nq_key_key_customers(keyset, sizeof(keyset), salesperson_id) < 0 ||
        nq_key_key_log(log, sizeof(log), salesperson_id) < 0)
        return -1;
    nq_redis_args_t a;
    script_args(&a, NQ_KEYSET_LUA_AT_END, keyset, log, nq_key_visited, salesperson_id, parts,
                n_parts);
    nq_redis_args_addf(&a, "%lld", (long long)end_ms);
    int rc = issue_sets(req, r, &a, fill_coverage);
    nq_redis_args_free(&a);
    return rc;
}

/* KEYS[1] the on-time set, KEYS[2..] due sets: {orders due in any of them,
 * of those, how many were fulfilled on time}. */
static const char completion_script[] =
    "if #KEYS == 2 then\n"
    "  return {redis.call('SCARD', KEYS[2]),\n"
    "          redis.call('SINTERCARD', 2, KEYS[2], KEYS[1])}\n"
    "end\n"
    "local due, seen, on_time = 0, {}, 0\n"
    "for i = 2, #KEYS do\n"
    "  for _, m in ipairs(redis.call('SMEMBERS', KEYS[i])) do\n"
    "    if not seen[m] then\n"
    "      seen[m] = true; due = due + 1\n"
    "      on_time = on_time + redis.call('SISMEMBER', KEYS[1], m)\n"
    "    end\n"
    "  end\n"
    "end\n"
    "return {due, on_time}\n";

static void fill_completion(fetch_req_t *req, const redisReply *reply)
{
    long long due = int_at(reply, 0), on_time = int_at(reply, 1);
    if (reply->elements != 2 || due < 0 || on_time < 0 || on_time > due) {
        req->failed = true;
        return;
    }
    req->values.v[NQ_KPI_ORDERS_DUE] = due;
    req->values.v[NQ_KPI_ORDERS_ON_TIME] = on_time;
}

/* The cohort of on-time completion: orders due in any of the parts, and of
 * those the ones fulfilled on time (whenever that was recorded). */
static int issue_completion(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id,
                            const nq_period_t *parts, int n_parts)
{
    char on_time[256];
    if (nq_key_on_time(on_time, sizeof(on_time), salesperson_id) < 0)
        return -1;
    nq_redis_args_t a;
    script_args(&a, completion_script, on_time, NULL, nq_key_due, salesperson_id, parts, n_parts);
    int rc = issue_sets(req, r, &a, fill_completion);
    nq_redis_args_free(&a);
    return rc;
}

/* Every counter read from sets, for the period made of `parts` that ends at
 * end_ms. Returns how many replies were asked for (of SETS_READS). */
#define SETS_READS 2
static int issue_set_counters(fetch_req_t *req, nq_redis_t *r, const char *salesperson_id,
                              const nq_period_t *parts, int n_parts, int64_t end_ms)
{
    return (issue_coverage(req, r, salesperson_id, parts, n_parts, end_ms) == 0) +
           (issue_completion(req, r, salesperson_id, parts, n_parts) == 0);
}

/* Issue the reads of one salesperson's counters summed over stored periods
 * `parts` (n_parts >= 1) of a span of time ending at end_ms: their KPI
 * hashes, and the set counters over all the parts at once (the key
 * customers at end_ms and of them those visited in any part, the orders due
 * in any part), so every way of naming the days reads them alike. */
static int fetch_parts(nq_redis_t *r, const char *salesperson_id, const nq_period_t *parts,
                       int n_parts, int64_t end_ms, nq_kpi_fetch_cb cb, void *data)
{
    char kpi[256];
    if (n_parts < 1 || !nq_redis_ready(r))
        return -1;
    fetch_req_t *req = calloc(1, sizeof(*req));
    if (!req)
        return -1;
    req->cb = cb;
    req->data = data;
    /* Replies never arrive before the loop runs again, so the count can be
     * set once everything is issued. */
    int issued = 0;
    for (int i = 0; i < n_parts; i++) {
        issued += nq_key_kpi(kpi, sizeof(kpi), salesperson_id, &parts[i]) >= 0 &&
                  nq_redis_command(r, on_hgetall, req, "HGETALL %s", kpi) == 0;
    }
    issued += issue_set_counters(req, r, salesperson_id, parts, n_parts, end_ms);
    if (issued == 0) {
        free(req);
        return -1;
    }
    req->waiting = issued;
    req->failed = issued != n_parts + SETS_READS;
    return 0;
}

int nq_kpi_fetch(nq_redis_t *r, const char *salesperson_id, const nq_period_t *period,
                 nq_kpi_fetch_cb cb, void *data)
{
    nq_period_t parts[NQ_KPI_PARTS_MAX];
    int n_parts = nq_kpi_parts(period, parts);
    return n_parts < 0 ? -1
                       : fetch_parts(r, salesperson_id, parts, n_parts, period->end_ms, cb, data);
}

static bool is_midnight(int64_t t)
{
    nq_period_t day;
    return nq_period_of(NQ_PERIOD_DAY, t, &day) == 0 && day.start_ms == t;
}

int nq_kpi_span_parts(const nq_span_t *spans, size_t n, nq_period_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t at = spans[i].start_ms, end = spans[i].end_ms;
        if (!is_midnight(at) || !is_midnight(end) || (i && at < spans[i - 1].end_ms))
            return -1;
        while (at < end) {
            nq_period_t p;
            if (k == max || nq_period_of(NQ_PERIOD_MONTH, at, &p) != 0)
                return -1;
            if (p.start_ms != at || p.end_ms > end) {
                if (nq_period_of(NQ_PERIOD_DAY, at, &p) != 0)
                    return -1;
            }
            out[k++] = p;
            at = p.end_ms;
        }
    }
    return (int)k;
}

int nq_kpi_fetch_spans(nq_redis_t *r, const char *salesperson_id, const nq_span_t *spans, size_t n,
                       nq_kpi_fetch_cb cb, void *data)
{
    nq_period_t *parts = malloc(NQ_KPI_SPAN_PARTS_MAX * sizeof(*parts));
    int n_parts = parts ? nq_kpi_span_parts(spans, n, parts, NQ_KPI_SPAN_PARTS_MAX) : -1;
    int rc = n_parts < 1
                 ? -1
                 : fetch_parts(r, salesperson_id, parts, n_parts, spans[n - 1].end_ms, cb, data);
    free(parts);
    return rc;
}

bool nq_metric_needs_sets(nq_metric_id_t m)
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    for (int i = 0; i < 2; i++) {
        if (d->num[i] >= NQ_KPI_HASH_COUNT)
            return true;
    }
    return d->den >= NQ_KPI_HASH_COUNT;
}
