/* h_custbatch.c — POST /api/v1/customers:batch: many customers in one request.
 *
 * Body {"customers": [{"id": "c-1", "name": ...}, ...]}: each row is what a
 * PUT /api/v1/customers/{id} takes, with its id in it. Each row is checked
 * here (id, no id twice, the fields as PUT checks them), kept to the
 * caller's teams as a PUT is (its stored owner's team, then its new
 * owner's), and the rows that pass go to nq-customers in one
 * customer.batch.v1, which puts each as customer.put.v1 does. The answer is
 * 200 with a result per row, in order: {"index", "id", "status": "stored" |
 * "rejected", "errors"}; a refused row never holds back the others. 200 means
 * every "stored" row is stored; when nq-customers could not finish a row
 * (Redis away) the whole answer is 503 and sending it again is safe (a put
 * by id). Limits: BATCH_MAX_ROWS rows and BATCH_MAX_BYTES of body (413).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "jnum.h"
#include "nq/keys.h"
#include "scope.h"
#include "scope_check.h"

/* Rows of one request (nq-customers takes as many, ORG_BATCH_MAX_ROWS), and
 * its body's bytes. */
#define BATCH_MAX_ROWS  500
#define BATCH_MAX_BYTES (2 * 1024 * 1024)

/* One row: refused here (errors), or sent (sent: its place in the request). */
typedef struct row {
    char id[NQ_ID_MAX + 1]; /* the row's id, "" when it has none valid */
    json_t *errors;         /* why it was refused here, or NULL */
    long sent;              /* its item in the request to nq-customers, -1 none */
    char *owner;            /* the stored owner (NULL: no such customer) */
} row_t;

/* A batch from its parse to its answer. */
typedef struct cbatch {
    gateway_t *gw;         /* the app */
    nq_http_conn_t *conn;  /* retained while the scope is read */
    gw_scope_t scope;      /* who asks */
    size_t n;              /* rows */
    row_t *rows;           /* n rows */
    Nq__OrgRequest *items; /* a request item per row (the first `sent`) */
    Nq__OrgRequest **ptrs; /* the items sent, in order */
    size_t sent;           /* how many */
    size_t left;           /* scope reads outstanding */
    bool failed;           /* a scope read failed */
} cbatch_t;

static void cbatch_free(void *data)
{
    cbatch_t *b = data;
    for (size_t i = 0; i < b->n; i++) {
        json_decref(b->rows[i].errors);
        free(b->rows[i].owner);
    }
    for (size_t i = 0; b->items && i < b->n; i++)
        if (b->items[i].customer)
            protobuf_c_message_free_unpacked(&b->items[i].customer->base, NULL);
    free(b->rows);
    free(b->items);
    free(b->ptrs);
    free(b);
}

/* Add one error to *errors (made when NULL); reason in English, as the
 * catalogue keys it. */
static void add_error(json_t **errors, const char *field, const char *reason)
{
    if (!*errors)
        *errors = json_array();
    json_array_append_new(*errors, json_pack("{s:s, s:s}", "field", field, "reason", reason));
}

static void refuse(row_t *row, const char *field, const char *reason)
{
    add_error(&row->errors, field, reason);
}

/* Check one row and make its request item: the id out of the body, the
 * rest decoded as a PUT decodes it. */
static void take_row(cbatch_t *b, size_t i, json_t *item, jnum_index_t *nums)
{
    row_t *row = &b->rows[i];
    const char *id = json_string_value(json_object_get(item, "id"));
    row->sent = -1;
    if (!json_is_object(item)) {
        refuse(row, "(row)", NQ_REASON("must be a JSON object"));
        return;
    }
    if (!id || !nq_valid_id(id)) {
        refuse(row, "id", id ? NQ_ID_RULE : NQ_REASON("is required"));
        return;
    }
    snprintf(row->id, sizeof(row->id), "%s", id);
    for (size_t j = 0; j < i; j++)
        if (strcmp(b->rows[j].id, row->id) == 0) {
            refuse(row, "id", NQ_REASON("is in the batch twice"));
            return;
        }
    json_object_del(item, "id"); /* server-set in a PUT's body: the path's */
    nq_field_errors_t errs = {0};
    ProtobufCMessage *entity = gw_customer_decode(item, nums, &errs);
    if (!entity) {
        row->errors = gw_field_errors_json(&errs);
        return;
    }
    Nq__Customer *cu = (Nq__Customer *)entity;
    cu->id = strdup(row->id);
    nq__org_request__init(&b->items[i]);
    b->items[i].id = cu->id;
    b->items[i].customer = cu;
}

static void on_batch_reply(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                           const Nq__ReplyHeader *hdr, void *data)
{
    cbatch_t *b = data;
    const Nq__CustomerBatchReply *rep = (const Nq__CustomerBatchReply *)msg;
    if (hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK) {
        gw_respond_reply(conn, hdr, 200, NULL);
        return;
    }
    if (rep->n_results != b->sent) {
        gw_respond_unavailable(conn, "the org store");
        return;
    }
    nq_lang_t lang = gw_lang(conn);
    json_t *results = json_array();
    size_t stored = 0;
    for (size_t i = 0; i < b->n; i++) {
        row_t *row = &b->rows[i];
        const Nq__CustomerBatchResult *res = row->sent >= 0 ? rep->results[row->sent] : NULL;
        if (res && res->status == NQ__STATUS__STATUS_UNAVAILABLE) {
            json_decref(results);
            gw_respond_unavailable(conn, "the org store");
            return;
        }
        json_t *errors = row->errors ? json_incref(row->errors) : NULL;
        if (res && res->status != NQ__STATUS__STATUS_OK) {
            errors = res->n_errors ? gw_pb_field_errors_json(res->errors, res->n_errors) : NULL;
            if (!errors)
                add_error(&errors, "(row)", res->detail ? res->detail : NQ_REASON("refused"));
        }
        json_t *one = json_pack("{s:I, s:s}", "index", (json_int_t)i, "id", row->id);
        if (errors) {
            gw_localize_errors(errors, lang);
            json_object_set_new(one, "status", json_string("rejected"));
            json_object_set_new(one, "errors", errors);
        } else {
            stored++;
            json_object_set_new(one, "status", json_string("stored"));
        }
        json_array_append_new(results, one);
    }
    gw_respond_json(conn, 200,
                    json_pack("{s:I, s:I, s:o}", "stored", (json_int_t)stored, "rejected",
                              (json_int_t)(b->n - stored), "results", results),
                    NULL);
}

/* Send the rows that passed (every row refused: answered from here). */
static void send_batch(cbatch_t *b)
{
    b->sent = 0;
    for (size_t i = 0; i < b->n; i++) {
        row_t *row = &b->rows[i];
        if (row->errors)
            continue;
        row->sent = (long)b->sent;
        b->ptrs[b->sent++] = &b->items[i];
    }
    Nq__CustomerBatchRequest msg = NQ__CUSTOMER_BATCH_REQUEST__INIT;
    msg.n_items = b->sent;
    msg.items = b->ptrs;
    if (b->sent == 0) {
        static const Nq__CustomerBatchReply none = NQ__CUSTOMER_BATCH_REPLY__INIT;
        static const Nq__ReplyHeader ok = NQ__REPLY_HEADER__INIT;
        on_batch_reply(b->conn, &none.base, &ok, b);
        cbatch_free(b);
        return;
    }
    gw_request_t req = {.gw = b->gw, .conn = b->conn};
    gw_call(&req, NQ_MSG(CUSTOMER_BATCH), &msg.base, on_batch_reply, b, cbatch_free);
}

/* The stored owners' and the new owners' teams are known: a row whose
 * customer the caller may not see is refused as not found, one whose new
 * owner is outside their teams as out of scope (a PUT's 404 and 403). */
static void on_teams(const char *const *teams, void *data)
{
    cbatch_t *b = data;
    nq_http_conn_t *conn = b->conn;
    if (!nq_http_conn_open(conn)) {
        cbatch_free(b);
    } else if (!teams) {
        gw_respond_unavailable(conn, "the org store");
        cbatch_free(b);
    } else {
        size_t k = 0;
        for (size_t i = 0; i < b->n; i++) {
            row_t *row = &b->rows[i];
            if (row->errors)
                continue;
            const Nq__Customer *cu = b->items[i].customer;
            const char *new_owner = cu->owner_id ? cu->owner_id : "";
            if (row->owner && !gw_scope_sees_customer(&b->scope, row->owner, teams[2 * k]))
                refuse(row, "id", NQ_REASON("no such record"));
            else if (!gw_scope_sees_customer(&b->scope, new_owner, teams[2 * k + 1]))
                refuse(row, "owner_id", NQ_REASON("is not in your teams"));
            k++;
        }
        send_batch(b);
    }
    nq_http_conn_release(conn);
}

/* Every stored owner is read: their teams and the new owners' next. */
static void owners_read(cbatch_t *b)
{
    const char **ids = calloc(2 * b->n + 1, sizeof(*ids));
    size_t m = 0;
    for (size_t i = 0; ids && i < b->n; i++) {
        if (b->rows[i].errors)
            continue;
        const char *o = b->items[i].customer->owner_id;
        ids[m++] = b->rows[i].owner ? b->rows[i].owner : "";
        ids[m++] = o ? o : "";
    }
    if (b->failed || !ids || gw_scope_teams_cached(b->gw, ids, m, on_teams, b) != 0) {
        if (nq_http_conn_open(b->conn))
            gw_respond_unavailable(b->conn, "the org store");
        nq_http_conn_release(b->conn);
        cbatch_free(b);
    }
    free(ids);
}

typedef struct owner_read {
    cbatch_t *b;
    size_t i;
} owner_read_t;

static void on_owner(nq_redis_t *r, redisReply *reply, void *data)
{
    owner_read_t *o = data;
    cbatch_t *b = o->b;
    (void)r;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        b->failed = true;
    else if (reply->type == REDIS_REPLY_STRING)
        b->rows[o->i].owner = strdup(reply->str);
    free(o);
    if (--b->left == 0)
        owners_read(b);
}

/* A team-limited caller: each row's stored owner ("" in the pool), one
 * pipelined read for the batch, then the teams (gw_scope_teams_cached). */
static void scope_rows(cbatch_t *b)
{
    nq_http_conn_retain(b->conn);
    b->left = 1; /* held while the reads are sent */
    for (size_t i = 0; i < b->n; i++) {
        char key[128];
        owner_read_t *o = b->rows[i].errors ? NULL : malloc(sizeof(*o));
        if (!o) {
            b->failed |= !b->rows[i].errors;
            continue;
        }
        *o = (owner_read_t){b, i};
        nq_key_customer(key, sizeof(key), b->rows[i].id);
        b->left++;
        if (nq_redis_command(b->gw->svc->redis, on_owner, o, "HGET %s owner_id", key) != 0) {
            free(o);
            b->left--;
            b->failed = true;
        }
    }
    if (--b->left == 0)
        owners_read(b);
}

void gw_customers_batch(const gw_request_t *req)
{
    if (req->http->body_len > BATCH_MAX_BYTES) {
        gw_respond_error(req->conn, 413, "too_large",
                         "a batch body is at most 2 MiB: send fewer rows", NULL);
        return;
    }
    json_t *obj = gw_parse_json_body(req);
    if (!obj)
        return;
    json_t *list = json_object_get(obj, "customers");
    nq_field_errors_t errs = {0};
    static const char *const known[] = {"customers", NULL};
    gw_unknown_fields(obj, known, NQ_REASON("is not a field of a batch"), &errs);
    if (!json_is_array(list) || json_array_size(list) == 0)
        nq_field_errors_add(&errs, "customers", "must be a non-empty array of customers");
    if (errs.n) {
        gw_respond_error(req->conn, 400, "invalid", "the body has invalid fields", &errs);
        json_decref(obj);
        return;
    }
    if (json_array_size(list) > BATCH_MAX_ROWS) {
        gw_respond_error(req->conn, 413, "too_large", "at most 500 customers per request", NULL);
        json_decref(obj);
        return;
    }
    cbatch_t *b = calloc(1, sizeof(*b));
    size_t n = json_array_size(list);
    if (b) {
        b->rows = calloc(n, sizeof(*b->rows));
        b->items = calloc(n, sizeof(*b->items));
        b->ptrs = calloc(n, sizeof(*b->ptrs));
    }
    if (!b || !b->rows || !b->items || !b->ptrs) {
        if (b)
            cbatch_free(b);
        json_decref(obj);
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    b->gw = req->gw;
    b->conn = req->conn;
    b->n = n;
    gw_scope_of(&b->scope, req->who);
    jnum_index_t *nums = jnum_index(obj, req->http->body, req->http->body_len);
    for (size_t i = 0; i < n; i++)
        take_row(b, i, json_array_get(list, i), nums);
    jnum_free(&nums);
    json_decref(obj);
    if (gw_scope_all(&b->scope))
        send_batch(b);
    else
        scope_rows(b);
}
