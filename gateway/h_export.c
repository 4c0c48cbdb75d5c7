/* h_export.c — GET /api/v1/customers/export.csv: the customer list, with the
 * same filters as GET /api/v1/customers, as a CSV file (csvout.h).
 *
 * The file is sent page by page as nq-customers lists them (the largest
 * page), each page filtered to what the caller sees exactly as the list
 * is, written as one chunk (Transfer-Encoding: chunked); the next page is
 * asked for once the client has taken most of what was sent, so a long
 * list never sits in memory. Errors before the first page (a bad filter)
 * are ordinary JSON errors; a failure later cuts the answer short (the
 * client sees no final chunk). The header row is in the request's language
 * (Accept-Language, as error texts), English when none.
 */
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "gateway.h"
#include "nq/page.h"
#include "nq/period.h"
#include "scope.h"
#include "scope_check.h"

#define QUEUED_MAX (256 * 1024) /* bytes a client may leave unread before the next page is asked */
#define WAIT_MS    20           /* how often a slow client's backlog is looked at */

/* The columns of the file: the customer's JSON members (docs/customers.md). */
static const csv_column_t columns[] = {
    {"id", "id", "编号"},
    {"name", "name", "名称"},
    {"class", "class", "级别"},
    {"status", "status", "状态"},
    {"owner_id", "owner_id", "负责人"},
    {"region", "region", "区域"},
    {"industry", "industry", "行业"},
    {"tags", "tags", "标签"},
    {"credit_limit", "credit_limit", "信用额度"},
    {"payment_terms_days", "payment_terms_days", "账期天数"},
    {"since", "since", "起始"},
    {"created_at", "created_at", "创建时间"},
    {"last_contact_at", "last_contact_at", "最近联系时间"},
    {"followup_due_at", "followup_due_at", "跟进到期时间"},
    {"updated_at", "updated_at", "更新时间"},
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Parameters the export sets itself: it writes the whole list. */
static const char *const own_params[] = {"limit", "cursor"};

/* One export on its way. */
typedef struct export
{
    gateway_t *gw;
    nq_http_conn_t *conn;           /* retained until done */
    gw_scope_t seen;                /* what the caller may see */
    gw_list_query_t q;              /* the filters, as sent */
    char cursor[NQ_CURSOR_MAX + 1]; /* the next page's; "" at the end */
    bool answered;                  /* the request is answered (an error, or the head) */
    bool chunked;                   /* the head is sent: errors now cut the file short */
    json_t *items;                  /* the page being written, while owners' teams are read */
    uv_timer_t wait;                /* a slow client's backlog */
}
export_t;

static void on_closed(uv_handle_t *h)
{
    export_t *ex = h->data;
    nq_http_conn_release(ex->conn);
    free(ex);
}

/* The end: the last chunk when complete, else cut short (or, before the
 * head, the 503 the caller gets). */
static void finish(export_t *ex, bool complete)
{
    if (nq_http_conn_open(ex->conn)) {
        if (ex->chunked)
            nq_http_chunked_end(ex->conn, complete);
        else if (!ex->answered)
            gw_respond_unavailable(ex->conn, "the org store");
    }
    json_decref(ex->items);
    ex->items = NULL;
    uv_close((uv_handle_t *)&ex->wait, on_closed);
}

static void ask_page(export_t *ex);

static void on_wait(uv_timer_t *t)
{
    ask_page(t->data);
}

/* Go on with the next page, once the client has read most of what was sent. */
static void next_page(export_t *ex)
{
    if (!nq_http_conn_open(ex->conn))
        finish(ex, false);
    else if (!*ex->cursor)
        finish(ex, true);
    else if (nq_http_conn_queued(ex->conn) > QUEUED_MAX)
        uv_timer_start(&ex->wait, on_wait, WAIT_MS, 0);
    else
        ask_page(ex);
}

/* Write the page's rows the caller sees (teams[i]: the current team of item
 * i's owner for a team-limited caller, else NULL; a customer in a pool: a
 * coordinator's team's), as one chunk. */
static void write_page(export_t *ex, const char *const *teams)
{
    nq_buf_t t = NQ_BUF_INIT;
    size_t i;
    json_t *it;
    json_array_foreach (ex->items, i, it) {
        const char *owner = json_string_value(json_object_get(it, "owner_id"));
        const char *pool = json_string_value(json_object_get(it, "pool_team"));
        bool seen = owner && *owner
                        ? gw_scope_sees_customer(&ex->seen, owner, teams ? teams[i] : NULL)
                        : gw_scope_sees_pool(&ex->seen, pool, NULL);
        if (seen)
            csv_json_row(&t, it, columns, N_COLUMNS);
    }
    json_decref(ex->items);
    ex->items = NULL;
    if (t.failed || nq_http_chunked_write(ex->conn, t.buf, t.len) != 0) {
        nq_buf_release(&t);
        finish(ex, false);
        return;
    }
    nq_buf_release(&t);
    next_page(ex);
}

static void on_owner_teams(const char *const *teams, void *data)
{
    export_t *ex = data;
    if (!teams || !nq_http_conn_open(ex->conn))
        finish(ex, false);
    else
        write_page(ex, teams);
}

/* A team-limited caller's page: read the owners' teams first. */
static void page_by_owners(export_t *ex)
{
    size_t n = json_array_size(ex->items);
    const char **owners = calloc(n + 1, sizeof(*owners));
    for (size_t i = 0; owners && i < n; i++) {
        const char *o =
            json_string_value(json_object_get(json_array_get(ex->items, i), "owner_id"));
        owners[i] = o ? o : "";
    }
    if (!owners || gw_scope_teams_of(ex->gw, owners, n, on_owner_teams, ex) != 0)
        finish(ex, false);
    free(owners);
}

/* The head of the file: the answer's headers, the BOM and the header row in
 * the request's language. */
static int start(export_t *ex)
{
    char now[40], headers[160];
    nq_time_format(nq_now_ms(), now, sizeof(now));
    snprintf(headers, sizeof(headers),
             "Content-Disposition: attachment; filename=\"customers-%.10s.csv\"\r\n", now);
    nq_buf_t t = NQ_BUF_INIT;
    nq_buf_adds(&t, CSV_BOM);
    csv_header(&t, columns, N_COLUMNS, gw_lang(ex->conn));
    int rc = -1;
    if (!t.failed && nq_http_chunked_start(ex->conn, "text/csv; charset=utf-8", headers) == 0) {
        ex->answered = ex->chunked = true;
        rc = nq_http_chunked_write(ex->conn, t.buf, t.len);
    }
    nq_buf_release(&t);
    return rc;
}

static void on_page(const ProtobufCMessage *msg, const Nq__ReplyHeader *hdr, void *data)
{
    export_t *ex = data;
    if (!msg || !nq_http_conn_open(ex->conn)) {
        finish(ex, false);
        return;
    }
    if (hdr && hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK) {
        if (!ex->answered) { /* a bad filter: the list's own error */
            gw_respond_reply(ex->conn, hdr, 200, NULL);
            ex->answered = true;
        }
        finish(ex, false);
        return;
    }
    if (!ex->answered && start(ex) != 0) {
        finish(ex, false);
        return;
    }
    const Nq__OrgListReply *page = (const Nq__OrgListReply *)msg;
    snprintf(ex->cursor, sizeof(ex->cursor), "%s", page->next_cursor ? page->next_cursor : "");
    ex->items = json_array();
    for (size_t i = 0; i < page->n_customers; i++)
        json_array_append_new(ex->items, gw_customer_json(&page->customers[i]->base));
    if (ex->seen.reach == NQ_REACH_TEAMS)
        page_by_owners(ex);
    else
        write_page(ex, NULL);
}

/* Ask nq-customers for the next page: the filters, the largest page, the cursor. */
static void ask_page(export_t *ex)
{
    Nq__QueryParam params[GW_LIST_PARAMS_MAX + 2], *ptrs[GW_LIST_PARAMS_MAX + 2];
    size_t n = gw_list_params(&ex->q, params, ptrs);
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", NQ_PAGE_LIMIT_MAX);
    const char *own[][2] = {{"limit", limit}, {"cursor", ex->cursor}};
    for (size_t i = 0; i < (*ex->cursor ? 2u : 1u); i++, n++) {
        nq__query_param__init(&params[n]);
        params[n].name = (char *)own[i][0];
        params[n].value = (char *)own[i][1];
        ptrs[n] = &params[n];
    }
    Nq__OrgListRequest msg = NQ__ORG_LIST_REQUEST__INIT;
    msg.n_params = n;
    msg.params = ptrs;
    if (gw_ask(ex->gw, NQ_MSG(CUSTOMER_LIST), &msg.base, on_page, ex) != 0)
        finish(ex, false);
}

void gw_customers_export(const gw_request_t *req)
{
    export_t *ex = calloc(1, sizeof(*ex));
    if (!ex) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    if (gw_list_query(req, &ex->q) != 0) {
        free(ex);
        return;
    }
    nq_field_errors_t errs = {0};
    for (size_t i = 0; i < ex->q.n; i++) {
        for (size_t j = 0; j < sizeof(own_params) / sizeof(own_params[0]); j++) {
            if (strcmp(ex->q.names[i], own_params[j]) == 0)
                nq_field_errors_add(&errs, own_params[j],
                                    "is not taken by the export, which writes the whole list");
        }
    }
    if (errs.n) {
        free(ex);
        gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
        return;
    }
    ex->gw = req->gw;
    ex->conn = req->conn;
    gw_scope_of(&ex->seen, req->who);
    nq_http_conn_retain(req->conn);
    uv_timer_init(&req->gw->svc->loop, &ex->wait);
    ex->wait.data = ex;
    ask_page(ex);
}
