/* h_org.c — teams, salespeople, customers (nq-customers) and salesperson
 * reports (nq-reporting), relayed over the bus.
 *
 * The three org entities share one PUT, one GET, one DELETE and one list
 * handler, driven by their kind (the argument of their route rows): its bus
 * messages, JSON schema and where the entity sits in OrgRequest / OrgReply /
 * OrgListReply.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_json.h"
#include "nq/kpi_pb.h"
#include "nq/scripts.h"
#include "orgnames.h"
#include "pbjson.h"
#include "scope.h"
#include "scope_check.h"

/* Server-set fields are written out and refused on input; effective_from
 * and status_from are input only (the day a change applies from); a
 * customer's since is both (when its owner and class took effect). */
static const pbjson_special_t team_specials[] = {
    {"id", "id", PBJSON_PLAIN, true},
    {"updated_at", "updated_at", PBJSON_TIME, true},
    {"deleted_at", "deleted_at", PBJSON_TIME, true},
    {"effective_from", "effective_from", PBJSON_TIME, false},
};
static const pbjson_special_t salesperson_specials[] = {
    {"id", "id", PBJSON_PLAIN, true},
    {"updated_at", "updated_at", PBJSON_TIME, true},
    {"deleted_at", "deleted_at", PBJSON_TIME, true},
    {"history", "history", PBJSON_PLAIN, true},
    {"effective_from", "effective_from", PBJSON_TIME, false},
    {"status_from", "status_from", PBJSON_TIME, false},
};
static const pbjson_special_t customer_specials[] = {
    {"id", "id", PBJSON_PLAIN, true},
    {"updated_at", "updated_at", PBJSON_TIME, true},
    {"deleted_at", "deleted_at", PBJSON_TIME, true},
    {"since", "since", PBJSON_TIME, false},
    {"credit_limit", "credit_limit_fen", PBJSON_MONEY, false},
    {"created_at", "created_at", PBJSON_TIME, true},
    {"owner_history", "owner_history", PBJSON_PLAIN, true},
    {"last_contact_at", "last_contact_at", PBJSON_TIME, true},
    {"followup_due_at", "followup_due_at", PBJSON_TIME, true},
    {"cadence_days", "cadence_days", PBJSON_PLAIN, true},
};
static const pbjson_special_t cadence_specials[] = {
    {"overridden", "overridden", PBJSON_PLAIN, true},
};
#define SCHEMA(desc, specials)                                                                     \
    {                                                                                              \
        &desc, specials, sizeof(specials) / sizeof(specials[0])                                    \
    }

typedef struct org_kind {
    const nq_msgtype_t *put;  /* NQ_MSG(TEAM_PUT) */
    const nq_msgtype_t *get;  /* NQ_MSG(TEAM_GET) */
    const nq_msgtype_t *del;  /* NQ_MSG(TEAM_DELETE) */
    const nq_msgtype_t *list; /* NQ_MSG(TEAM_LIST) */
    pbjson_schema_t schema;   /* the entity's JSON */
    size_t req_offset;        /* entity pointer in Nq__OrgRequest */
    size_t reply_offset;      /* entity pointer in Nq__OrgReply */
    size_t page_n_offset;     /* how many entities in Nq__OrgListReply */
    size_t page_offset;       /* their array in Nq__OrgListReply */
} org_kind_t;

#define ENTITY(member) offsetof(Nq__OrgRequest, member), offsetof(Nq__OrgReply, member)
#define PAGE(items)    offsetof(Nq__OrgListReply, n_##items), offsetof(Nq__OrgListReply, items)

enum { TEAM, SALESPERSON, CUSTOMER };
static const org_kind_t kinds[] = {
    [TEAM] = {NQ_MSG(TEAM_PUT), NQ_MSG(TEAM_GET), NQ_MSG(TEAM_DELETE), NQ_MSG(TEAM_LIST),
              SCHEMA(nq__team__descriptor, team_specials), ENTITY(team), PAGE(teams)},
    [SALESPERSON] = {NQ_MSG(SALESPERSON_PUT), NQ_MSG(SALESPERSON_GET), NQ_MSG(SALESPERSON_DELETE),
                     NQ_MSG(SALESPERSON_LIST),
                     SCHEMA(nq__salesperson__descriptor, salesperson_specials), ENTITY(salesperson),
                     PAGE(salespeople)},
    [CUSTOMER] = {NQ_MSG(CUSTOMER_PUT), NQ_MSG(CUSTOMER_GET), NQ_MSG(CUSTOMER_DELETE),
                  NQ_MSG(CUSTOMER_LIST), SCHEMA(nq__customer__descriptor, customer_specials),
                  ENTITY(customer), PAGE(customers)},
};

/* The kind a route is about: the argument of its rows. */
static const org_kind_t *kind_of(const gw_request_t *req)
{
    return req->route->arg;
}

/* A salesperson's history stretches start on days, a customer's owners on
 * instants: "from" as RFC 3339 (the first, since the start, may have none). */
static void history_times(json_t *body, const char *name)
{
    size_t i;
    json_t *change;
    json_array_foreach (json_object_get(body, name), i, change) {
        json_t *from = json_object_get(change, "from");
        char text[40];
        if (json_is_integer(from) &&
            nq_time_format(json_integer_value(from), text, sizeof(text)) > 0)
            json_object_set_new(change, "from", json_string(text));
    }
}

/* An entity's JSON, the same in a get's answer and in a list's page. */
static json_t *entity_json(const org_kind_t *kind, const ProtobufCMessage *entity)
{
    json_t *body = pbjson_encode(&kind->schema, entity);
    if (kind == &kinds[TEAM] && !json_object_get(body, "members"))
        json_object_set_new(body, "members", json_array());
    history_times(body, "history");
    history_times(body, "owner_history");
    return body;
}

/* ---- names beside ids (orgnames.h) ------------------------------------------ */

typedef struct names_read names_read_t;

/* One name read: whose. */
typedef struct names_slot {
    names_read_t *nr;
    char key[NQ_ID_MAX + 8]; /* "s:<id>" or "t:<id>" */
} names_slot_t;

struct names_read {
    nq_http_conn_t *conn; /* retained until the answer */
    json_t *body;         /* the answer */
    json_t *records;      /* borrowed from body: what is named */
    json_t *names;        /* key -> name as read (null: unknown) */
    names_slot_t *slots;  /* one per key */
    size_t left;          /* replies to wait for (one more while sending) */
    bool failed;          /* Redis did not answer */
};

static void names_done(names_read_t *nr)
{
    if (!nq_http_conn_open(nr->conn)) {
        /* client left */
    } else if (nr->failed) {
        gw_respond_unavailable(nr->conn, "the org store");
    } else {
        gw_names_apply(nr->records, nr->names);
        gw_respond_json(nr->conn, 200, json_incref(nr->body), NULL);
    }
    json_decref(nr->body);
    json_decref(nr->names);
    free(nr->slots);
    nq_http_conn_release(nr->conn);
    free(nr);
}

static void on_name(nq_redis_t *r, redisReply *reply, void *data)
{
    names_slot_t *s = data;
    names_read_t *nr = s->nr;
    (void)r;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        nr->failed = true;
    else if (reply->type == REDIS_REPLY_STRING)
        json_object_set_new(nr->names, s->key, json_stringn(reply->str, reply->len));
    if (--nr->left == 0)
        names_done(nr);
}

void gw_respond_named(gateway_t *gw, nq_http_conn_t *conn, json_t *body, json_t *records)
{
    json_t *names = gw_names_needed(records);
    size_t n = json_object_size(names), i = 0;
    names_read_t *nr = n ? calloc(1, sizeof(*nr)) : NULL;
    if (nr && !(nr->slots = calloc(n, sizeof(*nr->slots)))) {
        free(nr);
        nr = NULL;
    }
    if (!nr) {
        json_decref(names);
        gw_respond_json(conn, 200, body, NULL);
        return;
    }
    *nr = (names_read_t){conn, body, records, names, nr->slots, 1, false};
    nq_http_conn_retain(conn);
    const char *key, *id;
    json_t *v;
    json_object_foreach (names, key, v) {
        char rkey[128];
        names_slot_t *s = &nr->slots[i++];
        s->nr = nr;
        snprintf(s->key, sizeof(s->key), "%s", key);
        if (gw_names_kind(key, &id) == GW_NAME_SP)
            nq_key_salesperson(rkey, sizeof(rkey), id);
        else
            nq_key_team(rkey, sizeof(rkey), id);
        nr->left++;
        if (nq_redis_command(gw->svc->redis, on_name, s, "HGET %s name", rkey) != 0) {
            nr->left--;
            nr->failed = true;
        }
    }
    if (--nr->left == 0)
        names_done(nr);
}

/* A get's or a write's call: the kind, and the gateway (for the names). */
typedef struct org_call {
    const org_kind_t *kind;
    gateway_t *gw;
} org_call_t;

static void on_org_reply(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                         const Nq__ReplyHeader *hdr, void *data)
{
    const org_call_t *oc = data;
    const ProtobufCMessage *entity =
        *(ProtobufCMessage *const *)((const char *)msg + oc->kind->reply_offset);
    json_t *body = entity ? entity_json(oc->kind, entity) : json_object();
    if (hdr && hdr->has_status && hdr->status != NQ__STATUS__STATUS_OK)
        gw_respond_reply(conn, hdr, 200, body);
    else
        gw_respond_named(oc->gw, conn, body, body);
}

/* Call nq-customers with `msg`, answered by on_org_reply. */
static void org_call(const gw_request_t *req, const nq_msgtype_t *type, ProtobufCMessage *msg)
{
    org_call_t *oc = malloc(sizeof(*oc));
    if (!oc) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    *oc = (org_call_t){kind_of(req), req->gw};
    gw_call(req, type, msg, on_org_reply, oc, free);
}

/* The protobuf name of a body's JSON member (a special's field, else itself). */
static const char *proto_name(const pbjson_schema_t *schema, const char *json)
{
    for (size_t i = 0; i < schema->n_specials; i++) {
        if (strcmp(schema->specials[i].json, json) == 0)
            return schema->specials[i].field;
    }
    return json;
}

/* A PUT (patch false) or a PATCH: a PATCH names the fields its body sets;
 * nq-customers keeps the others as stored. */
static void write_entity(const gw_request_t *req, bool patch)
{
    const org_kind_t *kind = kind_of(req);
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    json_t *obj = gw_parse_json_body(req);
    if (!obj)
        return;
    const char *given[PBJSON_ITEMS_MAX];
    size_t n_given = 0;
    const char *key;
    json_t *value;
    json_object_foreach (obj, key, value) {
        if (n_given < PBJSON_ITEMS_MAX)
            given[n_given++] = proto_name(&kind->schema, key);
    }
    nq_field_errors_t errs = {0};
    jnum_index_t *nums = jnum_index(obj, req->http->body, req->http->body_len);
    ProtobufCMessage *entity = pbjson_decode(&kind->schema, obj, nums, &errs);
    jnum_free(&nums);
    bool members_given = json_object_get(obj, "members") != NULL;
    if (!entity) {
        json_decref(obj);
        gw_respond_error(req->conn, 400, "invalid", "the body has invalid fields", &errs);
        return;
    }
    /* The id comes from the path, never from the body. */
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(entity->descriptor, "id");
    char **slot = (char **)((char *)entity + f->offset);
    *slot = strdup(id);
    Nq__OrgRequest msg = NQ__ORG_REQUEST__INIT;
    msg.id = (char *)id;
    msg.has_members_given = members_given;
    msg.members_given = members_given;
    msg.has_patch = patch;
    msg.patch = patch;
    msg.n_patch_fields = patch ? n_given : 0;
    msg.patch_fields = (char **)given;
    *(ProtobufCMessage **)((char *)&msg + kind->req_offset) = entity;
    org_call(req, kind->put, &msg.base);
    json_decref(obj); /* after: given points into it */
    protobuf_c_message_free_unpacked(entity, NULL);
}

static void put_entity(const gw_request_t *req)
{
    write_entity(req, false);
}

static void patch_entity(const gw_request_t *req)
{
    write_entity(req, true);
}

/* GET and DELETE carry only the id. */
static void id_only(const gw_request_t *req, bool delete)
{
    const org_kind_t *kind = kind_of(req);
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    Nq__OrgRequest msg = NQ__ORG_REQUEST__INIT;
    msg.id = (char *)id;
    org_call(req, delete ? kind->del : kind->get, &msg.base);
}

static void get_entity(const gw_request_t *req)
{
    id_only(req, false);
}

static void delete_entity(const gw_request_t *req)
{
    id_only(req, true);
}

/* ---- lists: GET /api/v1/teams, /salespeople, /customers ------------------ */

/* A list's call: its kind and what the caller may see. */
typedef struct list_call {
    const org_kind_t *kind;
    gateway_t *gw;
    gw_scope_t seen;
    nq_http_conn_t *conn; /* customers of a team-limited caller: while owners' teams are read */
    json_t *page;         /* likewise: the answer, filtered once they are */
} list_call_t;

/* Keep the items of page the caller sees; teams[i] is the current team of
 * item i's owner (customers of a team-limited caller), else NULL;
 * self_team a salesperson caller's own team (whose pool they see), or NULL. */
static void filter_page(const list_call_t *lc, json_t *items, const char *const *teams,
                        const char *self_team)
{
    size_t i, keep = 0;
    json_t *it;
    json_array_foreach (items, i, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        bool seen;
        if (lc->kind == &kinds[TEAM])
            seen = gw_scope_sees_team(&lc->seen, id);
        else if (lc->kind == &kinds[SALESPERSON])
            seen = gw_scope_sees_salesperson(&lc->seen, id,
                                             json_string_value(json_object_get(it, "team_id")));
        else if (!json_string_length(json_object_get(it, "owner_id")))
            seen = gw_scope_sees_pool(
                &lc->seen, json_string_value(json_object_get(it, "pool_team")), self_team);
        else
            seen = gw_scope_sees_customer(&lc->seen,
                                          json_string_value(json_object_get(it, "owner_id")),
                                          teams ? teams[i] : NULL);
        if (seen)
            json_array_set(items, keep++, it);
    }
    while (json_array_size(items) > keep)
        json_array_remove(items, keep);
}

static void on_owner_teams(const char *const *teams, void *data)
{
    list_call_t *lc = data;
    if (!nq_http_conn_open(lc->conn)) {
        /* client left */
    } else if (!teams) {
        gw_respond_unavailable(lc->conn, "the org store");
    } else {
        bool self = lc->seen.reach == NQ_REACH_SELF;
        json_t *items = json_object_get(lc->page, "items");
        filter_page(lc, items, self ? NULL : teams, self ? teams[0] : NULL);
        gw_respond_named(lc->gw, lc->conn, json_incref(lc->page), items);
    }
    json_decref(lc->page);
    nq_http_conn_release(lc->conn);
    free(lc);
}

/* Whether a page's items include a customer without owner. */
static bool has_pooled(json_t *items)
{
    size_t i;
    json_t *it;
    json_array_foreach (items, i, it) {
        if (!json_string_length(json_object_get(it, "owner_id")))
            return true;
    }
    return false;
}

/* Customers of a team-limited caller: read their owners' teams; of a
 * salesperson with customers in a pool on the page: their own team. Then
 * answer (with a copy of the call: gw_call frees its own after this
 * returns). */
static void filter_by_owners(nq_http_conn_t *conn, const list_call_t *call, json_t *page)
{
    list_call_t *lc = malloc(sizeof(*lc));
    if (!lc) {
        json_decref(page);
        gw_respond_error(conn, 500, "internal", "out of memory", NULL);
        return;
    }
    *lc = *call;
    json_t *items = json_object_get(page, "items");
    bool self = call->seen.reach == NQ_REACH_SELF;
    size_t n = self ? 1 : json_array_size(items);
    const char **owners = calloc(n + 1, sizeof(*owners));
    for (size_t i = 0; owners && !self && i < n; i++) {
        const char *o = json_string_value(json_object_get(json_array_get(items, i), "owner_id"));
        owners[i] = o ? o : "";
    }
    if (owners && self)
        owners[0] = call->seen.self;
    lc->conn = conn;
    lc->page = page;
    nq_http_conn_retain(conn);
    if (!owners || gw_scope_teams_of(lc->gw, owners, n, on_owner_teams, lc) != 0) {
        gw_respond_unavailable(conn, "the org store");
        json_decref(page);
        nq_http_conn_release(conn);
        free(lc);
    }
    free(owners);
}

/* {"items":[...],"next_cursor":"..."|null}, every list's page, with only
 * what the caller may see (a page may hold fewer than its limit). */
static void on_list_reply(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                          const Nq__ReplyHeader *hdr, void *data)
{
    list_call_t *lc = data;
    const org_kind_t *kind = lc->kind;
    size_t n;
    ProtobufCMessage **items;
    memcpy(&n, (const char *)msg + kind->page_n_offset, sizeof(n));
    memcpy(&items, (const char *)msg + kind->page_offset, sizeof(items));
    const char *next = ((const Nq__OrgListReply *)msg)->next_cursor;
    json_t *page = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(page, entity_json(kind, items[i]));
    json_t *body = json_pack("{s:o, s:o}", "items", page, "next_cursor",
                             next ? json_string(next) : json_null());
    bool ok = !hdr || !hdr->has_status || hdr->status == NQ__STATUS__STATUS_OK;
    if (ok && kind == &kinds[CUSTOMER] &&
        (lc->seen.reach == NQ_REACH_TEAMS ||
         (lc->seen.reach == NQ_REACH_SELF && *lc->seen.self && has_pooled(page)))) {
        filter_by_owners(conn, lc, body);
        return;
    }
    if (ok && !gw_scope_all(&lc->seen))
        filter_page(lc, page, NULL, NULL);
    if (ok)
        gw_respond_named(lc->gw, conn, body, page);
    else
        gw_respond_reply(conn, hdr, 200, body);
}

int gw_list_query(const gw_request_t *req, gw_list_query_t *q)
{
    nq_field_errors_t errs = {0};
    const char *at = req->http->query;
    int rc;
    q->n = 0;
    while (errs.n == 0 && (rc = nq_http_query_next(&at, q->names[q->n], GW_LIST_PARAM_MAX,
                                                   q->values[q->n], GW_LIST_PARAM_MAX)) != 0) {
        if (rc < 0)
            nq_field_errors_add(&errs, "query",
                                "parameter %zu is malformed or longer than %d bytes", q->n + 1,
                                GW_LIST_PARAM_MAX - 1);
        else if (q->n == GW_LIST_PARAMS_MAX)
            nq_field_errors_add(&errs, "query", "has more than %d parameters", GW_LIST_PARAMS_MAX);
        else
            q->n++;
    }
    if (errs.n == 0)
        return 0;
    gw_respond_error(req->conn, 400, "invalid", "bad query parameter", &errs);
    return -1;
}

size_t gw_list_params(const gw_list_query_t *q, Nq__QueryParam *params, Nq__QueryParam **ptrs)
{
    for (size_t i = 0; i < q->n; i++) {
        nq__query_param__init(&params[i]);
        params[i].name = (char *)q->names[i];
        params[i].value = (char *)q->values[i];
        ptrs[i] = &params[i];
    }
    return q->n;
}

json_t *gw_customer_json(const ProtobufCMessage *customer)
{
    return entity_json(&kinds[CUSTOMER], customer);
}

ProtobufCMessage *gw_customer_decode(const json_t *obj, jnum_index_t *nums, nq_field_errors_t *errs)
{
    return pbjson_decode(&kinds[CUSTOMER].schema, obj, nums, errs);
}

/* The query's parameters, as sent, to nq-customers: which are taken and
 * what they must be is the list's business there. */
static void list_entities(const gw_request_t *req)
{
    const org_kind_t *kind = kind_of(req);
    gw_list_query_t q;
    Nq__QueryParam params[GW_LIST_PARAMS_MAX], *ptrs[GW_LIST_PARAMS_MAX];
    if (gw_list_query(req, &q) != 0)
        return;
    Nq__OrgListRequest msg = NQ__ORG_LIST_REQUEST__INIT;
    msg.n_params = gw_list_params(&q, params, ptrs);
    msg.params = ptrs;
    list_call_t *lc = calloc(1, sizeof(*lc));
    if (!lc) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    lc->kind = kind;
    lc->gw = req->gw;
    gw_scope_of(&lc->seen, req->who);
    gw_call(req, kind->list, &msg.base, on_list_reply, lc, free);
}

/* ---- a team's follow-up cadence --------------------------------------------- */

static const pbjson_schema_t cadence_schema =
    SCHEMA(nq__team_cadence__descriptor, cadence_specials);

static void on_cadence(nq_http_conn_t *conn, const ProtobufCMessage *msg,
                       const Nq__ReplyHeader *hdr, void *data)
{
    const Nq__TeamCadence *c = ((const Nq__TeamCadenceReply *)msg)->cadence;
    gw_respond_reply(conn, hdr, 200, c ? pbjson_encode(&cadence_schema, &c->base) : json_object());
}

/* GET /api/v1/teams/{id}/cadence */
static void get_cadence(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    Nq__TeamCadenceRequest msg = NQ__TEAM_CADENCE_REQUEST__INIT;
    msg.team_id = (char *)id;
    gw_call(req, NQ_MSG(TEAM_CADENCE_GET), &msg.base, on_cadence, NULL, NULL);
}

/* PUT /api/v1/teams/{id}/cadence: {"key_days":5,...}; a class left out
 * follows the company default. */
static void put_cadence(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    if (!id)
        return;
    json_t *obj = gw_parse_json_body(req);
    if (!obj)
        return;
    nq_field_errors_t errs = {0};
    jnum_index_t *nums = jnum_index(obj, req->http->body, req->http->body_len);
    ProtobufCMessage *cadence = pbjson_decode(&cadence_schema, obj, nums, &errs);
    jnum_free(&nums);
    json_decref(obj);
    if (!cadence) {
        gw_respond_error(req->conn, 400, "invalid", "the body has invalid fields", &errs);
        return;
    }
    Nq__TeamCadenceRequest msg = NQ__TEAM_CADENCE_REQUEST__INIT;
    msg.team_id = (char *)id;
    msg.cadence = (Nq__TeamCadence *)cadence;
    gw_call(req, NQ_MSG(TEAM_CADENCE_PUT), &msg.base, on_cadence, NULL, NULL);
    protobuf_c_message_free_unpacked(cadence, NULL);
}

/* ---- ids seen in events but not in the directory ------------------------- */

/* Most ids listed per kind (the most frequent first). */
#define UNKNOWN_LIST_MAX 1000

static int by_events(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t ex = json_integer_value(json_object_get(x, "events"));
    json_int_t ey = json_integer_value(json_object_get(y, "events"));
    if (ex != ey)
        return ex > ey ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "id")),
                  json_string_value(json_object_get(y, "id")));
}

/* GET /api/v1/org/unknown on its way: the caller's scope filters it. */
typedef struct unknown_get {
    nq_http_conn_t *conn; /* retained while Redis reads */
    gw_scope_t scope;     /* who asks */
} unknown_get_t;

/* Whether the caller sees an id of the unknown list: one not in the
 * directory has no team and no owner, so only every-team callers see it (a
 * salesperson also their own id). */
typedef bool (*unknown_seen_fn)(const gw_scope_t *s, const char *id);

static bool unknown_sp_seen(const gw_scope_t *s, const char *id)
{
    return gw_scope_sees_salesperson(s, id, "");
}

static bool unknown_customer_seen(const gw_scope_t *s, const char *id)
{
    (void)id;
    return gw_scope_sees_customer(s, "", "");
}

/* [{"id","events","first_seen","last_seen"}...] of an id, value array
 * reply, of the ids the caller sees. */
static json_t *unknown_list(const redisReply *r, const gw_scope_t *s, unknown_seen_fn seen,
                            size_t *total)
{
    size_t n = r->elements / 2, kept = 0;
    json_t **rows = calloc(n + 1, sizeof(*rows));
    json_t *out = json_array();
    for (size_t i = 0; rows && i < n; i++) {
        long long events = 0, first = 0, last = 0;
        const char *id = r->element[2 * i]->str ? r->element[2 * i]->str : "";
        const char *v = r->element[2 * i + 1]->str;
        if (!seen(s, id))
            continue;
        if (!v || sscanf(v, "%lld %lld %lld", &events, &first, &last) != 3)
            events = first = last = 0;
        char t1[40] = "", t2[40] = "";
        nq_time_format(first, t1, sizeof(t1));
        nq_time_format(last, t2, sizeof(t2));
        rows[kept++] = json_pack("{s:s, s:I, s:s, s:s}", "id", id, "events", (json_int_t)events,
                                 "first_seen", t1, "last_seen", t2);
    }
    *total = kept;
    if (rows)
        qsort(rows, kept, sizeof(*rows), by_events);
    for (size_t i = 0; rows && i < kept; i++) {
        if (i < UNKNOWN_LIST_MAX)
            json_array_append(out, rows[i]);
        json_decref(rows[i]);
    }
    free(rows);
    return out;
}

static void on_unknown(nq_redis_t *r, redisReply *reply, void *data)
{
    unknown_get_t *ug = data;
    nq_http_conn_t *conn = ug->conn;
    if (!nq_http_conn_open(conn)) {
        /* client left */
    } else if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
               reply->element[0]->type != REDIS_REPLY_ARRAY ||
               reply->element[1]->type != REDIS_REPLY_ARRAY) {
        gw_respond_unavailable(conn, "the org directory");
    } else {
        size_t n_sp, n_cu;
        json_t *sp = unknown_list(reply->element[0], &ug->scope, unknown_sp_seen, &n_sp);
        json_t *cu = unknown_list(reply->element[1], &ug->scope, unknown_customer_seen, &n_cu);
        gw_respond_json(conn, 200,
                        json_pack("{s:o, s:I, s:o, s:I}", "salespeople", sp, "salespeople_total",
                                  (json_int_t)n_sp, "customers", cu, "customers_total",
                                  (json_int_t)n_cu),
                        NULL);
    }
    nq_http_conn_release(conn);
    free(ug);
}

/* GET /api/v1/org/unknown: read straight from Redis (ingest records them;
 * common/lua/org_unknown.lua leaves out those added since). */
static void get_unknown(const gw_request_t *req)
{
    unknown_get_t *ug = calloc(1, sizeof(*ug));
    if (!ug) {
        gw_respond_error(req->conn, 500, "internal", "out of memory", NULL);
        return;
    }
    ug->conn = req->conn;
    gw_scope_of(&ug->scope, req->who);
    nq_http_conn_retain(req->conn);
    if (nq_script_callf(req->gw->svc->redis, NQ_SCRIPT(ORG_UNKNOWN), on_unknown, ug, 5,
                        "%s %s %s %s %s", NQ_KEY_UNKNOWN_SALESPEOPLE, NQ_KEY_UNKNOWN_CUSTOMERS,
                        NQ_KEY_SALESPEOPLE, NQ_KEY_SALESPEOPLE_ARCHIVED, NQ_KEY_CUSTOMERS) != 0) {
        nq_http_conn_release(req->conn);
        gw_respond_unavailable(req->conn, "the org directory");
        free(ug);
    }
}

/* ---- reports ------------------------------------------------------------ */

static json_t *period_values_json(const nq_period_t *p, const Nq__KpiValues *pb)
{
    nq_kpi_values_t v;
    nq_kpi_from_proto(pb, &v);
    return json_pack("{s:o, s:o}", "period", nq_period_to_json(p), "kpis", nq_kpi_to_json(&v));
}

static void on_report(nq_http_conn_t *conn, const ProtobufCMessage *msg, const Nq__ReplyHeader *hdr,
                      void *data)
{
    const Nq__SalespersonReport *rep = (const Nq__SalespersonReport *)msg;
    json_t *body = NULL;
    nq_period_t period, prev;
    nq_period_kind_t kind;
    if (rep->period && rep->period->kind && nq_period_kind_parse(rep->period->kind, &kind) == 0 &&
        nq_period_of(kind, rep->period->start, &period) == 0 &&
        nq_period_prev(&period, &prev) == 0) {
        body = period_values_json(&period, rep->values);
        json_object_set_new(body, "salesperson_id", json_string(rep->salesperson_id));
        json_object_set_new(body, "name", rep->name ? json_string(rep->name) : json_null());
        json_object_set_new(body, "previous", period_values_json(&prev, rep->previous));
    }
    if (!body && (!hdr->has_status || hdr->status == NQ__STATUS__STATUS_OK)) {
        gw_respond_unavailable(conn, "reporting");
        return;
    }
    gw_respond_reply(conn, hdr, 200, body);
}

static void get_salesperson_report(const gw_request_t *req)
{
    const char *id = gw_path_id(req, "id");
    nq_period_kind_t kind;
    int64_t at;
    if (!id || gw_period_query(req, &kind, &at) != 0)
        return;
    Nq__SalespersonReportRequest msg = NQ__SALESPERSON_REPORT_REQUEST__INIT;
    msg.salesperson_id = (char *)id;
    msg.period_kind = (char *)nq_period_kind_name(kind);
    msg.has_at = 1;
    msg.at = at;
    gw_call(req, NQ_MSG(REPORT_SALESPERSON), &msg.base, on_report, NULL, NULL);
}

static const nq_route_t rows[] = {
    /* the org lists */
    {"GET", "/api/v1/teams", NQ_READ(ORG), list_entities, &kinds[TEAM], GW_SUBJ_FILTERED},
    {"GET", "/api/v1/salespeople", NQ_READ(ORG), list_entities, &kinds[SALESPERSON],
     GW_SUBJ_FILTERED},
    {"GET", "/api/v1/customers", NQ_READ(ORG), list_entities, &kinds[CUSTOMER], GW_SUBJ_FILTERED},
    {"GET", "/api/v1/customers/export.csv", NQ_READ(ORG), gw_customers_export, NULL,
     GW_SUBJ_FILTERED},
    /* the entities */
    {"PUT", "/api/v1/teams/:id", NQ_WRITE(ORG), put_entity, &kinds[TEAM], GW_SUBJ_TEAM},
    {"GET", "/api/v1/teams/:id", NQ_READ(ORG), get_entity, &kinds[TEAM], GW_SUBJ_TEAM},
    {"DELETE", "/api/v1/teams/:id", NQ_WRITE(ORG), delete_entity, &kinds[TEAM], GW_SUBJ_TEAM},
    {"PUT", "/api/v1/salespeople/:id", NQ_WRITE(ORG), put_entity, &kinds[SALESPERSON],
     GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/salespeople/:id", NQ_READ(ORG), get_entity, &kinds[SALESPERSON],
     GW_SUBJ_SALESPERSON},
    {"DELETE", "/api/v1/salespeople/:id", NQ_WRITE(ORG), delete_entity, &kinds[SALESPERSON],
     GW_SUBJ_SALESPERSON},
    {"PUT", "/api/v1/customers/:id", NQ_WRITE(ORG), put_entity, &kinds[CUSTOMER], GW_SUBJ_CUSTOMER},
    {"PATCH", "/api/v1/customers/:id", NQ_WRITE(ORG), patch_entity, &kinds[CUSTOMER],
     GW_SUBJ_CUSTOMER},
    {"GET", "/api/v1/customers/:id", NQ_READ(ORG), get_entity, &kinds[CUSTOMER], GW_SUBJ_CUSTOMER},
    {"DELETE", "/api/v1/customers/:id", NQ_WRITE(ORG), delete_entity, &kinds[CUSTOMER],
     GW_SUBJ_CUSTOMER},
    {"GET", "/api/v1/teams/:id/cadence", NQ_READ(ORG), get_cadence, NULL, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id/cadence", NQ_WRITE(ORG), put_cadence, NULL, GW_SUBJ_TEAM},
    {"GET", "/api/v1/reports/salespeople/:id", NQ_READ(KPI), get_salesperson_report, NULL,
     GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/org/unknown", NQ_READ(ORG), get_unknown, NULL, GW_SUBJ_FILTERED},
    {"POST", "/api/v1/customers:batch", NQ_WRITE(ORG), gw_customers_batch, NULL, GW_SUBJ_FILTERED},
};

const gw_routes_t gw_org_routes = {rows, sizeof(rows) / sizeof(rows[0])};
