/* customer.c — a customer's get, put and delete: its hash, and the
 * key-customer sets (nq/keyset.h) its owner and class put it in. See
 * orgcall.h; rules in org.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custrec.h"
#include "followup.h"
#include "nq/keys.h"
#include "nq/keyset.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "orgcall.h"
#include "poolsweep.h"

/* The entity from alternating field/value strings, or NULL (OOM, or stored
 * data unreadable). */
static ProtobufCMessage *entity_from_kept(const org_kind_t *k, const char *id, const org_kept_t *h)
{
    return k->from_fields(id, (const char *const *)h->strs, h->n);
}

static void on_written(nq_redis_t *r, redisReply *reply, void *data)
{
    org_call_t *c = data;
    nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER);
    nq_call_release(&c->base);
}

/* The owner history's entries "<since>|<owner>|<reason>" into cu. 0, or -1
 * when out of memory or an entry does not parse. */
static int owner_history(Nq__Customer *cu, const org_kept_t *k)
{
    if (k->n == 0)
        return 0;
    if (!(cu->owner_history = calloc(k->n, sizeof(*cu->owner_history))))
        return -1;
    for (size_t i = 0; i < k->n; i++) {
        const char *e = k->strs[i], *bar1 = strchr(e, '|'),
                   *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        Nq__OwnerChange *ch = malloc(sizeof(*ch));
        if (!ch || !bar2) {
            free(ch);
            return -1;
        }
        nq__owner_change__init(ch);
        cu->owner_history[cu->n_owner_history++] = ch;
        ch->has_from = bar1 > e;
        ch->from = strtoll(e, NULL, 10);
        ch->owner_id = bar2 > bar1 + 1 ? strndup(bar1 + 1, (size_t)(bar2 - bar1 - 1)) : NULL;
        ch->reason = bar2[1] ? strdup(bar2 + 1) : NULL;
        if ((bar2 > bar1 + 1 && !ch->owner_id) || (bar2[1] && !ch->reason))
            return -1;
    }
    return 0;
}

void customer_reads(const char *id, nq_redis_args_t cmds[2])
{
    char key[ORG_KEY_MAX];
    nq_key_customer(key, sizeof(key), id);
    org_args_cmd(&cmds[0], "HGETALL", key);
    nq_key_customer_owners(key, sizeof(key), id);
    org_args_cmd(&cmds[1], "LRANGE", key);
    nq_redis_args_adds(&cmds[1], "0");
    nq_redis_args_adds(&cmds[1], "-1");
}

ProtobufCMessage *customer_entity(const char *id, const org_kept_t *kept)
{
    ProtobufCMessage *msg = entity_from_kept(&org_kinds[ORG_CUSTOMER], id, &kept[0]);
    if (msg && owner_history((Nq__Customer *)msg, &kept[1]) != 0) {
        protobuf_c_message_free_unpacked(msg, NULL);
        msg = NULL;
    }
    return msg;
}

/* The customer as read (customer_reads) into c->stored. */
static void customer_got(org_call_t *c, org_kept_t *kept, size_t n)
{
    protobuf_c_message_free_unpacked(c->stored, NULL);
    c->stored = NULL;
    if (kept[0].n == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "%s %s not found", c->kind->name,
                     c->id);
    else if (!(c->stored = customer_entity(c->id, kept)))
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "stored %s %s could not be read",
                     c->kind->name, c->id);
}

/* Read the customer as a get answers it, then go on with `next`. */
static void customer_read(org_call_t *c, org_gathered_fn next)
{
    nq_redis_args_t cmds[2];
    customer_reads(c->id, cmds);
    org_gather(c, cmds, 2, next);
}

void customer_get(org_call_t *c)
{
    customer_read(c, customer_got);
}

/* Apply one key-customer move (org_key_moves) from `since` (Unix ms, as
 * digits) on: the owner's set and its log (nq/keyset.h), so periods that
 * ended before `since` keep their key customers. */
static void move_key_customer(org_call_t *c, const org_key_move_t *m, const char *since)
{
    char set[ORG_KEY_MAX], log[ORG_KEY_MAX];
    if (nq_key_key_customers(set, sizeof(set), m->salesperson_id) < 0 ||
        nq_key_key_log(log, sizeof(log), m->salesperson_id) < 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "key too long");
        return;
    }
    nq_call_issued(&c->base, nq_script_callf(org_redis(c), NQ_SCRIPT(KEYSET_CHANGE), on_written, c,
                                             2, "%s %s %s %s %s %d", set, log, m->added ? "+" : "-",
                                             c->id, since, NQ_KEYSET_SEQ_DIGITS));
}

/* Apply the key-customer moves of a change from (old owner, old class) to
 * the new ones, from `since` on. */
static void move_key_customers(org_call_t *c, const char *old_owner, const char *old_class,
                               const char *new_owner, const char *new_class, const char *since)
{
    org_key_move_t moves[2];
    int n = org_key_moves(old_owner, old_class, new_owner, new_class, moves);
    for (int i = 0; i < n; i++)
        move_key_customer(c, &moves[i], since);
}

/* A guard's refusal {4, why[, count]}: CONFLICT with the reason. */
static void refuse(org_call_t *c, const redisReply *reply)
{
    const char *why = reply->elements > 1 && reply->element[1]->type == REDIS_REPLY_STRING
                          ? reply->element[1]->str
                          : "";
    long long n = reply->elements > 2 && reply->element[2]->type == REDIS_REPLY_INTEGER
                      ? reply->element[2]->integer
                      : 0;
    if (strcmp(why, "limit") == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_CONFLICT,
                     "limit: the salesperson owns %lld %s customers, as many as the team allows", n,
                     ((Nq__Customer *)c->stored)->class_);
    else if (strcmp(why, "not_in_pool") == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_CONFLICT,
                     "not_in_pool: customer %s is not in the public pool", c->id);
    else if (strcmp(why, "other_team") == 0)
        nq_call_fail(&c->base, NQ__STATUS__STATUS_CONFLICT,
                     "other_team: customer %s is in another team's pool", c->id);
    else
        nq_call_fail(&c->base, NQ__STATUS__STATUS_CONFLICT, "%s: customer %s changed meanwhile",
                     why, c->id);
}

/* The customer put script's answer: the key-customer moves, then the org
 * version (last, so the put is answered only once kept leaderboards are
 * stale). */
static void on_customer_written(nq_redis_t *r, redisReply *reply, void *data)
{
    org_call_t *c = data;
    if (!nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY))
        goto out;
    long long outcome = reply->elements > 0 && reply->element[0]->type == REDIS_REPLY_INTEGER
                            ? reply->element[0]->integer
                            : -1;
    bool refused =
        outcome == 0 && reply->elements == 2 && reply->element[1]->type == REDIS_REPLY_STRING;
    bool written = outcome == 1 && reply->elements == 4;
    for (size_t i = 1; written && i < 4; i++)
        written = reply->element[i]->type == REDIS_REPLY_STRING;
    if (outcome == 2) { /* the owner changed since it was read */
        protobuf_c_message_free_unpacked(c->stored, NULL);
        c->stored = NULL;
        org_restart(c);
        goto out;
    }
    if (outcome == 4) { /* the guard refused it (pool.h) */
        refuse(c, reply);
        goto out;
    }
    if (outcome == 3) {
        nq_field_errors_add(&c->base.errs, "owner_id", "no salesperson %s in the directory",
                            c->req->customer->owner_id);
        org_fail_invalid(c, "customer");
        goto out;
    }
    if (refused) {
        char when[40] = "";
        nq_time_format(strtoll(reply->element[1]->str, NULL, 10), when, sizeof(when));
        nq_field_errors_add(&c->base.errs, "since",
                            "must not be before %s, when the customer's owner and class last "
                            "changed",
                            when);
        org_fail_invalid(c, "customer");
        goto out;
    }
    if (!written) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "unexpected customer put answer");
        goto out;
    }
    const char *since = reply->element[3]->str;
    Nq__Customer *cu = (Nq__Customer *)c->stored;
    move_key_customers(c, reply->element[1]->str, reply->element[2]->str, cu->owner_id, cu->class_,
                       since);
    /* a new customer put in a team's pool: the team's assignment rule (poolsweep.h) */
    if (!c->owner_done && !*reply->element[2]->str && !(cu->owner_id && *cu->owner_id) &&
        cu->pool_team && *cu->pool_team)
        poolsweep_assign(c->app, c->id, cu->pool_team);
    nq_call_issued(&c->base,
                   nq_redis_command(org_redis(c), on_written, c, "INCR %s", NQ_KEY_ORG_VERSION));
    if (!c->no_readback)
        customer_read(c, customer_got); /* answered as a get reads it: history, follow-up */
out:
    nq_call_release(&c->base);
}

/* The list index moves of a customer read as the nb alternating field/value
 * strings `before` (none: a new customer) whose hash is now the n
 * alternating `fields` (NULL: removed). 0, or -1 (the call failed). */
static int customer_moves(org_call_t *c, const char *const *before, size_t nb,
                          const char *const *fields, size_t n, orgix_moves_t *m)
{
    const orgix_list_t *l = &orgix_lists[ORG_CUSTOMER];
    orgix_values_t was, now;
    orgix_values_of(l, before, nb, &was);
    if (fields)
        orgix_values_of(l, fields, n, &now);
    if (orgix_moves(l, &was, fields ? &now : NULL, m) == 0 &&
        orgix_multi_moves(l, c->id, before, nb, fields, fields ? n : 0, m) == 0)
        return 0;
    nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "index key too long");
    return -1;
}

/* The value of `field` among n alternating field/value strings, or "". */
static const char *field_in(const char *const *fields, size_t n, const char *field)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (strcmp(fields[i], field) == 0)
            return fields[i + 1];
    }
    return "";
}

/* The keys of a write before its list index moves (common/lua/customer_put.lua). */
static int write_keys(org_call_t *c, const char *owner, nq_redis_args_t *a)
{
    char key[ORG_KEY_MAX];
    int rc = c->kind->key(key, sizeof(key), c->id);
    nq_redis_args_adds(a, key);
    nq_redis_args_adds(a, NQ_KEY_CUSTOMERS);
    nq_redis_args_adds(a, NQ_KEY_SALESPEOPLE);
    rc |= nq_key_customer_owners(key, sizeof(key), c->id);
    nq_redis_args_adds(a, key);
    nq_redis_args_adds(a, NQ_KEY_FOLLOWUP_LAST);
    nq_redis_args_adds(a, NQ_KEY_FOLLOWUP_DUE);
    rc |= nq_key_index(key, sizeof(key), orgix_lists[ORG_CUSTOMER].name, "overdue", "followup");
    nq_redis_args_adds(a, key);
    nq_redis_args_adds(a, NQ_KEY_CADENCE);
    rc |= nq_key_salesperson(key, sizeof(key), owner);
    nq_redis_args_adds(a, key);
    org_args_add_sorts(a);
    /* a claim's count of what the new owner has of the class */
    const Nq__Customer *cu = c->req->customer;
    rc |= nq_key_index(key, sizeof(key), orgix_lists[ORG_CUSTOMER].name, "owner", owner);
    nq_redis_args_adds(a, key);
    rc |= nq_key_index(key, sizeof(key), orgix_lists[ORG_CUSTOMER].name, "class",
                       cu->class_ ? cu->class_ : "normal");
    nq_redis_args_adds(a, key);
    nq_redis_args_adds(a, NQ_KEY_POOL_DUE);
    return rc < 0 || a->failed ? -1 : 0;
}

/* Write a customer read as the nb alternating field/value strings `before`
 * (owner_id, tags and rev among them; none: a new customer): one script
 * checks that its owner and rev still are those and that the new
 * owner is a salesperson of the directory, writes its hash, the directory,
 * its list indexes, its owner history and its follow-up, and answers the
 * owner and class it replaced; then the key-customer sets it leaves and
 * joins, logged from when the change takes effect, and the answer is read
 * back as a get reads it. */
static void customer_write(org_call_t *c, const char *const *before, size_t nb)
{
    const char *old_owner = field_in(before, nb, "owner_id"), *rev = field_in(before, nb, "rev");
    const org_kind_t *k = c->kind;
    const Nq__Customer *cu = c->req->customer;
    if (cu->has_since && cu->since > c->now) {
        nq_field_errors_add(&c->base.errs, "since", "must not be in the future");
        org_fail_invalid(c, "customer");
        return;
    }
    nq_redis_args_t fields, a; /* the hash's fields; common/lua/customer_put.lua */
    nq_redis_args_init(&fields);
    nq_redis_args_init(&a);
    orgix_moves_t moves;
    if (org_to_fields(k, org_request_entity(k, c->req), c->now, &fields) != 0 ||
        !(c->stored = k->from_fields(c->id, (const char *const *)fields.argv, fields.argc))) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        goto out;
    }
    if (customer_moves(c, before, nb, (const char *const *)fields.argv, fields.argc, &moves) != 0)
        goto out;
    if (write_keys(c, cu->owner_id ? cu->owner_id : "", &a) != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "key too long");
        goto out;
    }
    org_args_add_moves(&a, &moves);
    size_t nkeys = a.argc;
    int days[FOLLOWUP_CLASSES];
    followup_defaults(days);
    nq_redis_args_adds(&a, c->id);
    nq_redis_args_addf(&a, "%lld", (long long)c->now);
    if (cu->has_since)
        nq_redis_args_addf(&a, "%lld", (long long)cu->since);
    else
        nq_redis_args_adds(&a, "");
    nq_redis_args_adds(&a, old_owner);
    nq_redis_args_adds(&a, nb ? (*rev ? rev : "0") : ""); /* a new one: nothing to check */
    nq_redis_args_adds(&a, cu->owner_reason ? cu->owner_reason : "");
    nq_redis_args_addf(&a, "%lld", (long long)followup_zone_offset());
    for (int i = 0; i < FOLLOWUP_CLASSES; i++)
        nq_redis_args_addf(&a, "%d", days[i]);
    org_args_add_move_counts(&a, &moves);
    nq_redis_args_adds(&a, c->guard ? c->guard : "");
    nq_redis_args_adds(&a, c->guard_arg);
    for (size_t i = 0; i < fields.argc; i++)
        nq_redis_args_add(&a, fields.argv[i], fields.lens[i]);
    nq_call_issued(&c->base, a.failed ? -1
                                      : nq_script_call_args(org_redis(c), NQ_SCRIPT(CUSTOMER_PUT),
                                                            on_customer_written, c, nkeys, &a));
out:
    nq_redis_args_free(&fields);
    nq_redis_args_free(&a);
}

/* What a put read: owner_id, tags, rev and pool_team (all nil: a new
 * customer); pool_team so that a put out of a pool leaves the pool's index. */
static void customer_put_read(org_call_t *c, org_kept_t *kept, size_t n)
{
    char *const *s = kept[0].n == 4 ? kept[0].strs : NULL;
    const char *before[] = {"owner_id", s ? s[0] : "", "tags",      s ? s[1] : "",
                            "rev",      s ? s[2] : "", "pool_team", s ? s[3] : ""};
    bool exists = s && !(s[0][0] == '\0' && s[1][0] == '\0' && s[2][0] == '\0');
    customer_write(c, before, exists ? 8 : 0);
}

/* A PATCH's read: the stored customer, the fields not given kept from it,
 * then the whole checked as a PUT's would be and written if its owner and
 * rev are unchanged. */
static void customer_patch_read(org_call_t *c, org_kept_t *kept, size_t n)
{
    customer_got(c, kept, n);
    if (c->base.status != NQ__STATUS__STATUS_OK)
        return;
    Nq__Customer *cu = c->req->customer;
    custrec_patch(cu, (Nq__Customer *)c->stored, c->req->patch_fields, c->req->n_patch_fields);
    protobuf_c_message_free_unpacked(c->stored, NULL);
    c->stored = NULL;
    c->kind->validate(&cu->base, c->id, &c->base.errs);
    if (c->base.errs.n) {
        org_fail_invalid(c, "customer");
        return;
    }
    customer_write(c, (const char *const *)kept[0].strs, kept[0].n);
}

/* Step 1 of a put: the owner, tags, rev and pool it has now, which the write
 * checks again; of a PATCH, the whole customer. */
void customer_put(org_call_t *c)
{
    if (c->req->patch) {
        customer_read(c, customer_patch_read);
        return;
    }
    char key[ORG_KEY_MAX];
    nq_redis_args_t cmd;
    c->kind->key(key, sizeof(key), c->id);
    org_args_cmd(&cmd, "HMGET", key);
    nq_redis_args_adds(&cmd, "owner_id");
    nq_redis_args_adds(&cmd, "tags");
    nq_redis_args_adds(&cmd, "rev");
    nq_redis_args_adds(&cmd, "pool_team");
    org_gather(c, &cmd, 1, customer_put_read);
}

/* The delete script's answer; then the key-customer sets and the version. */
static void customer_removed(org_call_t *c, org_kept_t *kept, size_t n)
{
    const char *out = org_outcome(&kept[0]);
    Nq__Customer *cu = (Nq__Customer *)c->stored;
    if (strcmp(out, "retry") == 0) {
        protobuf_c_message_free_unpacked(c->stored, NULL);
        c->stored = NULL;
        org_restart(c);
    } else if (strcmp(out, "gone") == 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_NOT_FOUND, "%s %s not found", c->kind->name,
                     c->id);
    } else if (strcmp(out, "ok") != 0) {
        nq_call_fail(&c->base, NQ__STATUS__STATUS_UNAVAILABLE, "unexpected answer %s", out);
    } else {
        char now[24];
        snprintf(now, sizeof(now), "%lld", (long long)c->now);
        move_key_customers(c, cu->owner_id, cu->class_, "", cu->class_, now);
        nq_call_issued(
            &c->base, nq_redis_command(org_redis(c), on_written, c, "INCR %s", NQ_KEY_ORG_VERSION));
    }
}

/* A deleted customer leaves the directory and its list indexes (one script,
 * if its owner is still the one read) and, from now on, its owner's key
 * customers (through the key log, so the periods closed before keep it); its
 * events stay in the log and its figures where they count. */
static void customer_deleted(org_call_t *c, org_kept_t *kept, size_t n)
{
    customer_got(c, kept, n);
    if (c->base.status != NQ__STATUS__STATUS_OK)
        return;
    Nq__Customer *cu = (Nq__Customer *)c->stored;
    cu->has_deleted_at = 1;
    cu->deleted_at = c->now;
    const char *owner = cu->owner_id ? cu->owner_id : "";
    orgix_moves_t moves;
    if (customer_moves(c, (const char *const *)kept[0].strs, kept[0].n, NULL, 0, &moves) != 0)
        return;
    char key[ORG_KEY_MAX];
    nq_redis_args_t a; /* common/lua/customer_delete.lua */
    nq_redis_args_init(&a);
    c->kind->key(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_redis_args_adds(&a, NQ_KEY_CUSTOMERS);
    nq_key_customer_owners(key, sizeof(key), c->id);
    nq_redis_args_adds(&a, key);
    nq_redis_args_adds(&a, NQ_KEY_FOLLOWUP_DUE);
    org_args_add_sorts(&a);
    org_args_add_moves(&a, &moves);
    size_t nkeys = a.argc;
    nq_redis_args_adds(&a, c->id);
    nq_redis_args_adds(&a, owner);
    org_gather_script(c, NQ_SCRIPT(CUSTOMER_DELETE), nkeys, &a, customer_removed);
}

void customer_delete(org_call_t *c)
{
    customer_read(c, customer_deleted);
}
