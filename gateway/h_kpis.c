/* h_kpis.c — GET /api/v1/salespeople/{id}/kpis: one salesperson's counters
 * for a period, and GET /api/v1/salespeople/{id}/trend: those of the last n
 * periods each beside the same period a year earlier; read straight from
 * Redis (the scorers keep them there). */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/fielderr.h"
#include "nq/kpi_json.h"

/* State of one KPI read. */
typedef struct kpi_read {
    nq_http_conn_t *conn; /* retained until answered */
    nq_period_t period;   /* the period asked for */
    char salesperson_id[NQ_ID_MAX + 1];
} kpi_read_t;

static void on_values(int status, const nq_kpi_values_t *values, void *data)
{
    kpi_read_t *rd = data;
    if (!nq_http_conn_open(rd->conn)) {
        /* client left */
    } else if (status != 0) {
        gw_respond_unavailable(rd->conn, "the KPI store");
    } else {
        json_t *body = json_pack("{s:s, s:o, s:o}", "salesperson_id", rd->salesperson_id, "period",
                                 nq_period_to_json(&rd->period), "kpis", nq_kpi_to_json(values));
        gw_respond_json(rd->conn, 200, body, NULL);
    }
    nq_http_conn_release(rd->conn);
    free(rd);
}

static void get_kpis(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    nq_period_kind_t kind;
    int64_t at;
    if (gw_period_query(req, &kind, &at) != 0)
        return;
    kpi_read_t *rd = calloc(1, sizeof(*rd));
    if (!rd || nq_period_of(kind, at, &rd->period) != 0) {
        free(rd);
        gw_respond_error(req->conn, 400, "invalid", "time outside the calendar", NULL);
        return;
    }
    snprintf(rd->salesperson_id, sizeof(rd->salesperson_id), "%s", id);
    rd->conn = req->conn;
    nq_http_conn_retain(req->conn);
    if (nq_kpi_fetch(req->gw->svc->redis, id, &rd->period, on_values, rd) != 0) {
        nq_http_conn_release(req->conn);
        free(rd);
        gw_respond_unavailable(req->conn, "the KPI store");
    }
}

/* ---- the trend: n periods back from the one of `at`, and their last years ---- */

#define TREND_DEFAULT 12
#define TREND_MAX     24

typedef struct trend_read {
    nq_http_conn_t *conn; /* retained until answered */
    char salesperson_id[NQ_ID_MAX + 1];
    size_t n;                              /* periods, oldest first */
    size_t left;                           /* reads not answered yet (+1 while starting) */
    bool failed;                           /* a read failed or could not start */
    nq_period_t period[2 * TREND_MAX];     /* [i] the i-th period, [n + i] its last year */
    nq_kpi_values_t values[2 * TREND_MAX]; /* the same slots */
} trend_read_t;

typedef struct trend_slot {
    trend_read_t *rd;
    size_t i;
} trend_slot_t;

static json_t *trend_point(const trend_read_t *rd, size_t i)
{
    return json_pack("{s:o, s:o}", "period", nq_period_to_json(&rd->period[i]), "kpis",
                     nq_kpi_to_json(&rd->values[i]));
}

/* One read fewer to wait for; the last answers and frees the read. */
static void trend_step(trend_read_t *rd)
{
    if (--rd->left > 0)
        return;
    if (!nq_http_conn_open(rd->conn)) {
        /* client left */
    } else if (rd->failed) {
        gw_respond_unavailable(rd->conn, "the KPI store");
    } else {
        json_t *points = json_array();
        for (size_t i = 0; points && i < rd->n; i++) {
            json_t *p = trend_point(rd, i);
            if (p)
                json_object_set_new(p, "last_year", trend_point(rd, rd->n + i));
            json_array_append_new(points, p);
        }
        json_t *body = json_pack("{s:s, s:s, s:o?}", "salesperson_id", rd->salesperson_id, "period",
                                 nq_period_kind_name(rd->period[0].kind), "points", points);
        if (body)
            gw_respond_json(rd->conn, 200, body, NULL);
        else
            gw_respond_error(rd->conn, 500, "internal", "out of memory", NULL);
    }
    nq_http_conn_release(rd->conn);
    free(rd);
}

static void on_trend_values(int status, const nq_kpi_values_t *values, void *data)
{
    trend_slot_t *slot = data;
    trend_read_t *rd = slot->rd;
    if (status != 0)
        rd->failed = true;
    else
        rd->values[slot->i] = *values;
    free(slot);
    trend_step(rd);
}

/* ?n: how many periods, 1..TREND_MAX (default TREND_DEFAULT). -1 when bad (answered). */
static int trend_n(const gw_request_t *req, size_t *n)
{
    char raw[16];
    *n = TREND_DEFAULT;
    if (nq_http_query_param(req->http, "n", raw, sizeof(raw)) < 0)
        return 0;
    char *end;
    long v = strtol(raw, &end, 10);
    if (*raw >= '0' && *raw <= '9' && !*end && v >= 1 && v <= TREND_MAX) {
        *n = (size_t)v;
        return 0;
    }
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, "n", "must be an integer from 1 to %d", TREND_MAX);
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
    return -1;
}

/* The n periods ending with the one of `at`, oldest first, and their last years. */
static int trend_periods(trend_read_t *rd, nq_period_kind_t kind, int64_t at)
{
    if (nq_period_of(kind, at, &rd->period[rd->n - 1]) != 0)
        return -1;
    for (size_t i = rd->n - 1; i > 0; i--)
        if (nq_period_prev(&rd->period[i], &rd->period[i - 1]) != 0)
            return -1;
    for (size_t i = 0; i < rd->n; i++)
        if (nq_period_last_year(&rd->period[i], &rd->period[rd->n + i]) != 0)
            return -1;
    return 0;
}

static void get_trend(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    nq_period_kind_t kind;
    int64_t at;
    size_t n;
    if (!id || gw_period_query(req, &kind, &at) != 0 || trend_n(req, &n) != 0)
        return;
    trend_read_t *rd = calloc(1, sizeof(*rd));
    if (!rd) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    rd->n = n;
    if (trend_periods(rd, kind, at) != 0) {
        free(rd);
        gw_respond_error(req->conn, 400, "invalid", "time outside the calendar", NULL);
        return;
    }
    snprintf(rd->salesperson_id, sizeof(rd->salesperson_id), "%s", id);
    rd->conn = req->conn;
    nq_http_conn_retain(req->conn);
    rd->left = 2 * n + 1;
    for (size_t i = 0; i < 2 * n; i++) {
        trend_slot_t *slot = malloc(sizeof(*slot));
        if (slot)
            *slot = (trend_slot_t){rd, i};
        if (!slot ||
            nq_kpi_fetch(req->gw->svc->redis, id, &rd->period[i], on_trend_values, slot) != 0) {
            free(slot);
            rd->failed = true;
            rd->left--;
        }
    }
    trend_step(rd);
}

static const nq_route_t rows[] = {
    {"GET", "/api/v1/salespeople/:id/kpis", NQ_READ(KPI), get_kpis, NULL, GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/salespeople/:id/trend", NQ_READ(KPI), get_trend, NULL, GW_SUBJ_SALESPERSON},
};

const gw_routes_t gw_kpi_routes = {rows, sizeof(rows) / sizeof(rows[0])};
