/* h_kpis.c — GET /api/v1/salespeople/{id}/kpis: one salesperson's counters
 * for a period, read straight from Redis (the scorers keep them there). */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
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

static const nq_route_t rows[] = {
    {"GET", "/api/v1/salespeople/:id/kpis", NQ_READ(KPI), get_kpis, NULL, GW_SUBJ_SALESPERSON},
};

const gw_routes_t gw_kpi_routes = {rows, sizeof(rows) / sizeof(rows[0])};
