/* org.c — org directory entities: rules and Redis hash form. See org.h. */
#include "org.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custrec.h"
#include "nq/keys.h"

const char *const org_sp_statuses[] = {"active", "leave", "left", NULL};
const char *const org_customer_classes[] = {"key", "normal", "potential", NULL};

/* ---------------------------------------------------------------- checks */

/* An entity may repeat its id in the body; it must then be the request's. */
static void check_same_id(const char *own, const char *id, nq_field_errors_t *errs)
{
    if (own && *own && (!id || strcmp(own, id) != 0))
        nq_field_errors_add(errs, "id", "must equal the id the request is for");
}

static void check_name(const char *name, nq_field_errors_t *errs)
{
    if (!name || !*name)
        nq_field_errors_add(errs, "name", "is required");
    else if (strlen(name) > ORG_NAME_MAX)
        nq_field_errors_add(errs, "name", "must be at most %d bytes", ORG_NAME_MAX);
    else if (!nq_valid_text(name, ORG_NAME_MAX))
        nq_field_errors_add(errs, "name", "must be UTF-8 text without control characters");
}

/* An optional reference to another entity: absent or "" is fine. */
static void check_optional_id(const char *value, const char *field, nq_field_errors_t *errs)
{
    if (value && *value && !nq_valid_id(value))
        nq_field_errors_add(errs, field, NQ_ID_RULE);
}

/* An optional value from a closed set (NULL-terminated `choices`). */
static void check_choice(const char *value, const char *field, const char *const *choices,
                         nq_field_errors_t *errs)
{
    if (!value || nq_one_of(value, choices))
        return;
    char text[sizeof(errs->items[0].reason)] = "";
    size_t len = 0;
    for (const char *const *c = choices; *c && len < sizeof(text); c++) {
        const char *sep = c == choices ? "" : ", ";
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", sep, *c);
    }
    nq_field_errors_add(errs, field, "must be one of %s", text);
}

/* A list of ids: at most ORG_LIST_MAX, each valid, none twice. Errors name
 * the element ("members[3]"). */
static void check_id_list(char *const *ids, size_t n, const char *field, nq_field_errors_t *errs)
{
    if (n > ORG_LIST_MAX) {
        nq_field_errors_add(errs, field, "must have at most %d entries", ORG_LIST_MAX);
        return;
    }
    char elem[sizeof(errs->items[0].field)];
    for (size_t i = 0; i < n; i++) {
        snprintf(elem, sizeof(elem), "%s[%zu]", field, i);
        if (!nq_valid_id(ids[i])) {
            nq_field_errors_add(errs, elem, NQ_ID_RULE);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (ids[j] && strcmp(ids[i], ids[j]) == 0) {
                nq_field_errors_add(errs, elem, "duplicate of %s[%zu]", field, j);
                break;
            }
        }
    }
}

/* ---------------------------------------------------------------- hash form */

void org_add_field(nq_redis_args_t *out, const char *field, const char *value)
{
    nq_redis_args_adds(out, field);
    nq_redis_args_adds(out, value ? value : "");
}

/* Append field and the ids as a compact JSON array of strings. */
static void add_id_list(nq_redis_args_t *out, const char *field, char *const *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        if (json_array_append_new(arr, json_string(ids[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    char *text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text) {
        out->failed = true;
        return;
    }
    org_add_field(out, field, text);
    free(text);
}

const char *org_lookup(const char *const *fields, size_t n, const char *field)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (strcmp(fields[i], field) == 0)
            return fields[i + 1];
    }
    return NULL;
}

int org_copy_text(char **dst, const char *value)
{
    *dst = value && *value ? strdup(value) : NULL;
    return value && *value && !*dst ? -1 : 0;
}

/* Parse a stored JSON array of strings into a malloc'd array of malloc'd
 * strings; absent or "" is the empty list. On failure *ids stays an array of
 * *n valid strings (possibly none) so the message can still be freed. */
static int parse_id_list(const char *text, char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    if (!text || !*text)
        return 0;
    json_t *arr = json_loads(text, 0, NULL);
    int rc = json_is_array(arr) ? 0 : -1;
    size_t len = rc == 0 ? json_array_size(arr) : 0;
    if (len > 0) {
        *ids = calloc(len, sizeof(**ids));
        rc = *ids ? 0 : -1;
    }
    for (size_t i = 0; rc == 0 && i < len; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        (*ids)[i] = s ? strdup(s) : NULL;
        if (!(*ids)[i])
            rc = -1;
        else
            (*n)++;
    }
    json_decref(arr);
    return rc;
}

/* Parse a stored Unix ms; absent or "" leaves it unset. */
static int parse_time(const char *text, protobuf_c_boolean *has, int64_t *out)
{
    if (!text || !*text)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end)
        return -1;
    *has = 1;
    *out = v;
    return 0;
}

/* Free a half-built entity and return NULL when rc says a step failed. */
static ProtobufCMessage *built(ProtobufCMessage *msg, int rc)
{
    if (rc == 0)
        return msg;
    protobuf_c_message_free_unpacked(msg, NULL);
    return NULL;
}

/* ---------------------------------------------------------------- team */

static void team_validate(const ProtobufCMessage *entity, const char *id, nq_field_errors_t *errs)
{
    const Nq__Team *t = (const Nq__Team *)entity;
    check_same_id(t->id, id, errs);
    check_name(t->name, errs);
    check_id_list(t->coordinators, t->n_coordinators, "coordinators", errs);
    check_id_list(t->members, t->n_members, "members", errs);
}

/* Members are not a field: they are read from the salespeople's histories. */
static int team_to_fields(const ProtobufCMessage *entity, nq_redis_args_t *out)
{
    const Nq__Team *t = (const Nq__Team *)entity;
    org_add_field(out, "name", t->name);
    add_id_list(out, "coordinators", t->coordinators, t->n_coordinators);
    return out->failed ? -1 : 0;
}

static ProtobufCMessage *team_from_fields(const char *id, const char *const *fields, size_t n)
{
    Nq__Team *t = malloc(sizeof(*t));
    if (!t)
        return NULL;
    nq__team__init(t);
    int rc = org_copy_text(&t->id, id);
    rc |= org_copy_text(&t->name, org_lookup(fields, n, "name"));
    rc |=
        parse_id_list(org_lookup(fields, n, "coordinators"), &t->coordinators, &t->n_coordinators);
    rc |= parse_time(org_lookup(fields, n, "updated_at"), &t->has_updated_at, &t->updated_at);
    rc |= parse_time(org_lookup(fields, n, "deleted_at"), &t->has_deleted_at, &t->deleted_at);
    return built(&t->base, rc);
}

/* ---------------------------------------------------------------- salesperson */

static void salesperson_validate(const ProtobufCMessage *entity, const char *id,
                                 nq_field_errors_t *errs)
{
    const Nq__Salesperson *sp = (const Nq__Salesperson *)entity;
    check_same_id(sp->id, id, errs);
    check_name(sp->name, errs);
    check_optional_id(sp->team_id, "team_id", errs);
    check_choice(sp->status, "status", org_sp_statuses, errs);
}

static int salesperson_to_fields(const ProtobufCMessage *entity, nq_redis_args_t *out)
{
    const Nq__Salesperson *sp = (const Nq__Salesperson *)entity;
    org_add_field(out, "name", sp->name);
    org_add_field(out, "team_id", sp->team_id);
    org_add_field(out, "status", sp->status ? sp->status : ORG_SP_STATUS_DEFAULT);
    return out->failed ? -1 : 0;
}

static ProtobufCMessage *salesperson_from_fields(const char *id, const char *const *fields,
                                                 size_t n)
{
    Nq__Salesperson *sp = malloc(sizeof(*sp));
    if (!sp)
        return NULL;
    nq__salesperson__init(sp);
    int rc = org_copy_text(&sp->id, id);
    rc |= org_copy_text(&sp->name, org_lookup(fields, n, "name"));
    rc |= org_copy_text(&sp->team_id, org_lookup(fields, n, "team_id"));
    rc |= org_copy_text(&sp->status, org_lookup(fields, n, "status"));
    rc |= parse_time(org_lookup(fields, n, "updated_at"), &sp->has_updated_at, &sp->updated_at);
    rc |= parse_time(org_lookup(fields, n, "deleted_at"), &sp->has_deleted_at, &sp->deleted_at);
    return built(&sp->base, rc);
}

/* ---------------------------------------------------------------- customer */

static void customer_validate(const ProtobufCMessage *entity, const char *id,
                              nq_field_errors_t *errs)
{
    const Nq__Customer *c = (const Nq__Customer *)entity;
    check_same_id(c->id, id, errs);
    check_name(c->name, errs);
    check_choice(c->class_, "class", org_customer_classes, errs);
    check_optional_id(c->owner_id, "owner_id", errs);
    custrec_validate(c, errs);
}

static int customer_to_fields(const ProtobufCMessage *entity, nq_redis_args_t *out)
{
    const Nq__Customer *c = (const Nq__Customer *)entity;
    org_add_field(out, "name", c->name);
    org_add_field(out, "class", c->class_ ? c->class_ : ORG_CUSTOMER_CLASS_DEFAULT);
    org_add_field(out, "owner_id", c->owner_id);
    return custrec_to_fields(c, out);
}

static ProtobufCMessage *customer_from_fields(const char *id, const char *const *fields, size_t n)
{
    Nq__Customer *c = malloc(sizeof(*c));
    if (!c)
        return NULL;
    nq__customer__init(c);
    int rc = org_copy_text(&c->id, id);
    rc |= org_copy_text(&c->name, org_lookup(fields, n, "name"));
    rc |= org_copy_text(&c->class_, org_lookup(fields, n, "class"));
    rc |= org_copy_text(&c->owner_id, org_lookup(fields, n, "owner_id"));
    rc |= parse_time(org_lookup(fields, n, "updated_at"), &c->has_updated_at, &c->updated_at);
    rc |= parse_time(org_lookup(fields, n, "since"), &c->has_since, &c->since);
    rc |= parse_time(org_lookup(fields, n, "created_at"), &c->has_created_at, &c->created_at);
    rc |= parse_time(org_lookup(fields, n, "last_contact_at"), &c->has_last_contact_at,
                     &c->last_contact_at);
    rc |= parse_time(org_lookup(fields, n, "followup_due_at"), &c->has_followup_due_at,
                     &c->followup_due_at);
    int64_t cadence = 0;
    rc |= parse_time(org_lookup(fields, n, "cadence_days"), &c->has_cadence_days, &cadence);
    c->cadence_days = (int32_t)cadence;
    rc |= custrec_from_fields(c, fields, n);
    return built(&c->base, rc);
}

/* Whether (owner, class) puts the customer in its owner's key-customer set. */
static bool is_key_of(const char *owner, const char *cls)
{
    return owner && *owner && cls && strcmp(cls, "key") == 0;
}

int org_key_moves(const char *old_owner, const char *old_class, const char *new_owner,
                  const char *new_class, org_key_move_t out[2])
{
    bool was = is_key_of(old_owner, old_class), is = is_key_of(new_owner, new_class);
    bool same_owner = was && is && strcmp(old_owner, new_owner) == 0;
    int n = 0;
    if (was && !same_owner)
        out[n++] = (org_key_move_t){old_owner, false};
    if (is && !same_owner)
        out[n++] = (org_key_move_t){new_owner, true};
    return n;
}

/* ---------------------------------------------------------------- the table */

#define ENTITY(member) offsetof(Nq__OrgRequest, member), offsetof(Nq__OrgReply, member)
#define MSGS(KIND)                                                                                 \
    {                                                                                              \
        [ORG_GET] = NQ_MSG(KIND##_GET), [ORG_PUT] = NQ_MSG(KIND##_PUT),                            \
        [ORG_DELETE] = NQ_MSG(KIND##_DELETE)                                                       \
    }

const org_kind_t org_kinds[ORG_KIND_COUNT] = {
    [ORG_TEAM] = {NQ_REASON("team"), MSGS(TEAM), nq_key_team, NQ_KEY_TEAMS, ENTITY(team),
                  team_validate, team_to_fields, team_from_fields},
    [ORG_SALESPERSON] = {NQ_REASON("salesperson"), MSGS(SALESPERSON), nq_key_salesperson,
                         NQ_KEY_SALESPEOPLE, ENTITY(salesperson), salesperson_validate,
                         salesperson_to_fields, salesperson_from_fields},
    [ORG_CUSTOMER] = {NQ_REASON("customer"), MSGS(CUSTOMER), nq_key_customer, NQ_KEY_CUSTOMERS,
                      ENTITY(customer), customer_validate, customer_to_fields,
                      customer_from_fields},
};

const org_kind_t *org_kind_for_msg(const nq_msgtype_t *msg, org_op_t *op)
{
    for (size_t i = 0; msg && i < ORG_KIND_COUNT; i++) {
        for (size_t o = 0; o < ORG_OPS; o++) {
            if (org_kinds[i].msgs[o] == msg) {
                *op = (org_op_t)o;
                return &org_kinds[i];
            }
        }
    }
    return NULL;
}

/* The entity pointers are read and written through memcpy: the fields are
 * Nq__Team * etc., all struct pointers share one representation (C11
 * 6.2.5p28), and each message starts with its ProtobufCMessage base. */
const ProtobufCMessage *org_request_entity(const org_kind_t *k, const Nq__OrgRequest *req)
{
    const ProtobufCMessage *entity;
    memcpy(&entity, (const char *)req + k->request_offset, sizeof(entity));
    return entity;
}

void org_reply_set_entity(const org_kind_t *k, Nq__OrgReply *reply, ProtobufCMessage *entity)
{
    memcpy((char *)reply + k->reply_offset, &entity, sizeof(entity));
}

int org_check(const org_kind_t *k, org_op_t op, const Nq__OrgRequest *req, nq_field_errors_t *errs)
{
    size_t before = errs->n + errs->dropped;
    if (!nq_valid_id(req->id))
        nq_field_errors_add(errs, "id", "%s", req->id ? NQ_ID_RULE : "is required");
    if (req->patch && (op != ORG_PUT || k != &org_kinds[ORG_CUSTOMER]))
        nq_field_errors_add(errs, "patch", "is only for a customer's put");
    for (size_t i = 0; i < ORG_KIND_COUNT; i++) {
        const org_kind_t *kind = &org_kinds[i];
        const ProtobufCMessage *entity = org_request_entity(kind, req);
        bool wanted = op == ORG_PUT && kind == k;
        if (wanted && !entity)
            nq_field_errors_add(errs, kind->name, "is required");
        else if (!wanted && entity)
            nq_field_errors_add(errs, kind->name, "must not be set in %s", k->msgs[op]->type);
        else if (entity && !req->patch)
            kind->validate(entity, req->id, errs); /* a PATCH's once merged (customer.c) */
    }
    return errs->n + errs->dropped > before ? -1 : 0;
}

int org_to_fields(const org_kind_t *k, const ProtobufCMessage *entity, int64_t updated_at,
                  nq_redis_args_t *out)
{
    if (k->to_fields(entity, out) != 0)
        return -1;
    nq_redis_args_adds(out, "updated_at");
    nq_redis_args_addf(out, "%lld", (long long)updated_at);
    return out->failed ? -1 : 0;
}

int org_parse_ids(const char *json, char ***ids, size_t *n)
{
    return parse_id_list(json, ids, n);
}
