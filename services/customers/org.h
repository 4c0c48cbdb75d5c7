/* services/customers/org.h — the org directory's entities, as plain data (pure).
 *
 * Three kinds of entity live in the directory: teams, salespeople and
 * customers. Each kind is one row of org_kinds[]: its name, where it is kept
 * in Redis, where it sits in Nq__OrgRequest / Nq__OrgReply, and the three
 * functions that differ per kind (validate, to Redis hash fields, from them).
 * Everything else — request checks, key names, the I/O in customers.c — is
 * written once against the row. Adding a kind is adding a row.
 *
 * Nothing here does I/O. The Redis hash of an entity holds every stored
 * field, always (optional ones as "" when absent), so an HSET replaces a
 * previous version completely; the id is not stored, it is in the key.
 *
 *   const org_kind_t *k = org_kind_for_msg(NQ_MSG(TEAM_PUT), &op);   // ORG_PUT
 *   nq_field_errors_t errs = {0};
 *   if (org_check(k, op, req, &errs) != 0) ... answer INVALID with errs ...
 *   nq_redis_args_t a;                       // "HSET", key, then the fields
 *   nq_redis_args_init(&a);
 *   nq_redis_args_adds(&a, "HSET");
 *   nq_redis_args_adds(&a, key);
 *   org_to_fields(k, org_request_entity(k, req), nq_now_ms(), &a);
 *   ProtobufCMessage *stored = k->from_fields(req->id, (const char *const *)a.argv + 2,
 *                                             a.argc - 2);   // what a read will return
 *   ...
 *   protobuf_c_message_free_unpacked(stored, NULL);
 */
#ifndef NQ_CUSTOMERS_ORG_H
#define NQ_CUSTOMERS_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"
#include "nq/msgtypes.h"
#include "nq/reply.h"
#include "nq/redis.h"

/* Longest entity name, bytes of UTF-8. */
#define ORG_NAME_MAX 100
/* Most ids in a team's coordinators, and in its members. */
#define ORG_LIST_MAX 500

/* A salesperson's statuses and a customer's classes (NULL-terminated), and
 * what a put without one stores. */
extern const char *const org_sp_statuses[];
extern const char *const org_customer_classes[];
#define ORG_SP_STATUS_DEFAULT      "active"
#define ORG_CUSTOMER_CLASS_DEFAULT "normal"

typedef enum { ORG_TEAM, ORG_SALESPERSON, ORG_CUSTOMER, ORG_KIND_COUNT } org_kind_id_t;

/* What a request does with one entity. */
typedef enum { ORG_GET, ORG_PUT, ORG_DELETE, ORG_OPS } org_op_t;

typedef struct org_kind {
    const char *name;                                  /* "team": name in errors and logs */
    const nq_msgtype_t *msgs[ORG_OPS];                 /* its bus message of each operation */
    int (*key)(char *buf, size_t len, const char *id); /* Redis key (nq/keys.h contract) */
    const char *index;                                 /* Redis SET of every id of the kind */
    size_t request_offset; /* offset of the entity pointer in Nq__OrgRequest */
    size_t reply_offset;   /* offset of the entity pointer in Nq__OrgReply */
    /* Add what is wrong with `entity` (a message of this kind) to errs; `id`
     * is the request's id, which the entity's own id must equal when set. */
    void (*validate)(const ProtobufCMessage *entity, const char *id, nq_field_errors_t *errs);
    /* Append the stored fields of a valid entity as field, value, field,
     * value... (updated_at excluded, see org_to_fields). Returns 0, or -1 on
     * allocation failure (`out` then has `failed` set). */
    int (*to_fields)(const ProtobufCMessage *entity, nq_redis_args_t *out);
    /* Build the entity with id `id` from n alternating field/value strings
     * (an HGETALL reply; unknown fields ignored, "" means absent). Returns a
     * new message of this kind, every part malloc'd, that the caller frees
     * with protobuf_c_message_free_unpacked(msg, NULL); NULL when out of
     * memory or when a stored value does not parse. */
    ProtobufCMessage *(*from_fields)(const char *id, const char *const *fields, size_t n);
} org_kind_t;

/* One row per kind, indexed by org_kind_id_t. */
extern const org_kind_t org_kinds[ORG_KIND_COUNT];

/* The kind and operation of a bus message (NQ_MSG(TEAM_PUT) -> team,
 * ORG_PUT; NQ_MSG(CUSTOMER_GET) -> customer, ORG_GET), or NULL for any other
 * message and for NULL. */
const org_kind_t *org_kind_for_msg(const nq_msgtype_t *msg, org_op_t *op);

/* Check a request for `op` on kind `k`: `id` must be a valid id; a put must
 * carry this kind's entity and nothing else, and the entity must pass the
 * kind's rules; a get or a delete must carry no entity. Returns 0, or -1 with errs filled
 * (field names as in the JSON API: "id", "name", "members[3]", ...). */
int org_check(const org_kind_t *k, org_op_t op, const Nq__OrgRequest *req, nq_field_errors_t *errs);

/* The entity of kind `k` in a request (borrowed), or NULL when absent. */
const ProtobufCMessage *org_request_entity(const org_kind_t *k, const Nq__OrgRequest *req);

/* Point the reply's entity of kind `k` at `entity` (borrowed by the reply). */
void org_reply_set_entity(const org_kind_t *k, Nq__OrgReply *reply, ProtobufCMessage *entity);

/* Append the hash fields of a checked entity, then "updated_at" with
 * `updated_at` (Unix ms). Returns 0, or -1 on allocation failure. */
int org_to_fields(const org_kind_t *k, const ProtobufCMessage *entity, int64_t updated_at,
                  nq_redis_args_t *out);

/* A customer joining or leaving a salesperson's key customers. */
typedef struct org_key_move {
    const char *salesperson_id; /* whose set (borrowed from the arguments) */
    bool added;                 /* joins it; false: leaves it */
} org_key_move_t;

/* What a customer's change from (old owner, old class) to (new owner, new
 * class) does to key-customer sets (a customer is a key customer of its
 * owner when its class is "key"; NULL or "" owner: in the pool): 0, 1 or 2
 * moves, a leave before a join. */
int org_key_moves(const char *old_owner, const char *old_class, const char *new_owner,
                  const char *new_class, org_key_move_t out[2]);

/* The hash form's pieces, shared by the kinds' rows (and custrec.c):
 * append field and value ("" for NULL); the value of `field` among n
 * alternating field/value strings, or NULL; *dst = a copy of value, or NULL
 * when it is absent or "" (0, or -1 when out of memory). */
void org_add_field(nq_redis_args_t *out, const char *field, const char *value);
const char *org_lookup(const char *const *fields, size_t n, const char *field);
int org_copy_text(char **dst, const char *value);

/* Parse a stored JSON array of ids (a first-layout team's members) into a
 * malloc'd array of malloc'd strings (the caller frees both). Returns 0, or
 * -1 with whatever was parsed (free it all the same). */
int org_parse_ids(const char *json, char ***ids, size_t *n);

#endif
