/* kpi.c — KPI counter table, conversions, and the read path. See nq/kpi.h. */
#include "nq/kpi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keys.h"
#include "nq/money.h"

#define PB(field)                                                                                  \
    offsetof(Nq__KpiValues, field), offsetof(Nq__KpiValues, has_##field)

const nq_kpi_def_t nq_kpi_defs[NQ_KPI_COUNT] = {
    [NQ_KPI_SALES_FEN] = {"sales_fen", "sales_amount", true, PB(sales_fen)},
    [NQ_KPI_ORDERS] = {"orders", "orders", false, PB(orders)},
    [NQ_KPI_VISITS] = {"visits", "visits", false, PB(visits)},
    [NQ_KPI_CALLS] = {"calls", "calls", false, PB(calls)},
};

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

json_t *nq_kpi_to_json(const nq_kpi_values_t *v)
{
    json_t *obj = json_object();
    for (int i = 0; obj && i < NQ_KPI_COUNT; i++) {
        json_t *val;
        if (nq_kpi_defs[i].money) {
            char buf[NQ_MONEY_BUF];
            nq_money_format(v->v[i], buf, sizeof(buf));
            val = json_string(buf);
        } else {
            val = json_integer(v->v[i]);
        }
        json_object_set_new(obj, nq_kpi_defs[i].json, val);
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

typedef struct fetch_req {
    nq_kpi_fetch_cb cb;
    void *data;
} fetch_req_t;

static void on_hgetall(nq_redis_t *r, redisReply *reply, void *data)
{
    fetch_req_t *req = data;
    nq_kpi_values_t values;
    memset(&values, 0, sizeof(values));
    int status = -1;
    if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements <= 2 * 64) {
        const char *fields[2 * 64];
        for (size_t i = 0; i < reply->elements; i++)
            fields[i] = reply->element[i]->str ? reply->element[i]->str : "";
        status = nq_kpi_from_fields(fields, reply->elements, &values);
    }
    req->cb(status, &values, req->data);
    free(req);
}

int nq_kpi_fetch(nq_redis_t *r, const char *salesperson_id, const nq_period_t *period,
                 nq_kpi_fetch_cb cb, void *data)
{
    char key[256];
    if (nq_key_kpi(key, sizeof(key), salesperson_id, period) < 0)
        return -1;
    fetch_req_t *req = malloc(sizeof(*req));
    if (!req)
        return -1;
    req->cb = cb;
    req->data = data;
    if (nq_redis_command(r, on_hgetall, req, "HGETALL %s", key) != 0) {
        free(req);
        return -1;
    }
    return 0;
}
