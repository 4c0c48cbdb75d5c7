/* h_admin.c — operator actions (served by nq-ingest).
 *
 *   POST /api/v1/admin/rebuild  {"from":"2026-11-01"} (optional) -> 202 status
 *        recompute the aggregates from the activity log while the suite runs
 *   GET  /api/v1/admin/rebuild  -> the last rebuild's status and progress
 * The job's record and states: nq/rebuild_job.h.
 */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/rebuild_job.h"

static json_t *time_or_null(bool has, int64_t ms)
{
    char buf[48];
    if (!has || ms <= 0)
        return json_null();
    nq_time_format(ms, buf, sizeof(buf));
    return json_string(buf);
}

static void on_status(nq_http_conn_t *conn, const ProtobufCMessage *msg, const Nq__ReplyHeader *hdr,
                      void *data)
{
    const Nq__RebuildStatus *st = (const Nq__RebuildStatus *)msg;
    json_t *body =
        json_pack("{s:s, s:o, s:I, s:I, s:s?, s:o, s:o, s:o, s:s?, s:I}", "state",
                  st->state ? st->state : nq_rebuild_state_name(NQ_REBUILD_NONE), "from",
                  time_or_null(st->has_from, st->from), "scanned", (json_int_t)st->scanned, "total",
                  (json_int_t)st->total, "owner", st->owner, "requested_at",
                  time_or_null(st->has_requested_at, st->requested_at), "started_at",
                  time_or_null(st->has_started_at, st->started_at), "finished_at",
                  time_or_null(st->has_finished_at, st->finished_at), "error", st->error,
                  "attempts", (json_int_t)st->attempts);
    gw_respond_reply(conn, hdr, data ? 202 : 200, body);
}

static void post_rebuild(const gw_request_t *req)
{
    Nq__RebuildRequest msg = NQ__REBUILD_REQUEST__INIT;
    if (req->http->body_len > 0) {
        json_t *body = gw_parse_json_body(req);
        if (!body)
            return;
        const json_t *from = json_object_get(body, "from");
        const char *why = "must be a date (2026-11-01) or an RFC 3339 time";
        int rc = from && (!json_is_string(from) ||
                          nq_time_parse(json_string_value(from), &msg.from, &why) != 0);
        msg.has_from = from != NULL;
        json_decref(body);
        if (rc) {
            nq_field_errors_t errs = {0};
            nq_field_errors_add(&errs, "from", "%s", why);
            gw_respond_error(req->conn, 400, "invalid", "bad rebuild request", &errs);
            return;
        }
    }
    static const int accepted = 202;
    gw_call(req, NQ_MSG(REBUILD_START), &msg.base, on_status, (void *)&accepted, NULL);
}

static void get_rebuild(const gw_request_t *req)
{
    Nq__RebuildRequest msg = NQ__REBUILD_REQUEST__INIT;
    gw_call(req, NQ_MSG(REBUILD_STATUS), &msg.base, on_status, NULL, NULL);
}

static const nq_route_t rows[] = {
    {"POST", "/api/v1/admin/rebuild", NQ_WRITE(SYSTEM), post_rebuild, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/admin/rebuild", NQ_READ(SYSTEM), get_rebuild, NULL, GW_SUBJ_NONE},
};

const gw_routes_t gw_admin_routes = {rows, sizeof(rows) / sizeof(rows[0])};
