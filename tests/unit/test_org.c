/* test_org.c — services/customers/org.h: the kind table, every validation
 * rule of teams, salespeople and customers, and the Redis hash round trip. */
#include <stdlib.h>
#include <string.h>

#include "customers/org.h"
#include "nq_test.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The reason recorded for `field`, or NULL when it has none. */
static const char *reason_of(const nq_field_errors_t *errs, const char *field)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strcmp(errs->items[i].field, field) == 0)
            return errs->items[i].reason;
    }
    return NULL;
}

/* org_check of a put of `entity` (a message of `kind`) with request id `id`. */
static int check_put(org_kind_id_t kind, const char *id, ProtobufCMessage *entity,
                     nq_field_errors_t *errs)
{
    Nq__OrgRequest req = NQ__ORG_REQUEST__INIT;
    req.id = (char *)id;
    const org_kind_t *k = &org_kinds[kind];
    memset(errs, 0, sizeof(*errs));
    /* The entity goes where the table says, as org_request_entity reads it. */
    memcpy((char *)&req + k->request_offset, &entity, sizeof(entity));
    return org_check(k, ORG_PUT, &req, errs);
}

/* A valid put of this entity must pass without errors. */
#define ASSERT_VALID(kind, entity)                                                                 \
    do {                                                                                           \
        nq_field_errors_t e_;                                                                      \
        CU_ASSERT_EQUAL(check_put(kind, "x1", &(entity).base, &e_), 0);                            \
        CU_ASSERT_EQUAL(e_.n, 0);                                                                  \
    } while (0)

/* A put of this entity must fail with exactly one error, on `field`. */
#define ASSERT_INVALID(kind, entity, field)                                                        \
    do {                                                                                           \
        nq_field_errors_t e_;                                                                      \
        CU_ASSERT_EQUAL(check_put(kind, "x1", &(entity).base, &e_), -1);                           \
        CU_ASSERT_EQUAL(e_.n, 1);                                                                  \
        CU_ASSERT_PTR_NOT_NULL(reason_of(&e_, field));                                             \
    } while (0)

/* ---------------------------------------------------------------- the table */

static void test_kind_for_type(void)
{
    static const struct {
        const char *type;
        org_kind_id_t kind;
        org_op_t op;
    } ok[] = {
        {"team.put.v1", ORG_TEAM, ORG_PUT},
        {"team.get.v1", ORG_TEAM, ORG_GET},
        {"salesperson.put.v1", ORG_SALESPERSON, ORG_PUT},
        {"salesperson.get.v1", ORG_SALESPERSON, ORG_GET},
        {"customer.put.v1", ORG_CUSTOMER, ORG_PUT},
        {"customer.get.v1", ORG_CUSTOMER, ORG_GET},
        {"team.delete.v1", ORG_TEAM, ORG_DELETE},
        {"salesperson.delete.v1", ORG_SALESPERSON, ORG_DELETE},
        {"customer.delete.v1", ORG_CUSTOMER, ORG_DELETE},
    };
    for (size_t i = 0; i < N_ELEMS(ok); i++) {
        org_op_t op = ORG_GET == ok[i].op ? ORG_PUT : ORG_GET;
        CU_ASSERT_PTR_EQUAL(org_kind_for_msg(nq_msg_find(ok[i].type), &op), &org_kinds[ok[i].kind]);
        CU_ASSERT_EQUAL(op, ok[i].op);
    }
    static const char *const bad[] = {"team.del.v1", "teams.put.v1", "team.put.v2",
                                      "team",        "team.put.v1 ", "",
                                      "sys.ping.v1", ".put.v1"};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        org_op_t op;
        CU_ASSERT_PTR_NULL(org_kind_for_msg(nq_msg_find(bad[i]), &op));
    }
}

static void test_kind_rows(void)
{
    static const struct {
        const char *name, *key, *index;
    } want[ORG_KIND_COUNT] = {
        [ORG_TEAM] = {"team", "nq:team:t1", "nq:teams"},
        [ORG_SALESPERSON] = {"salesperson", "nq:{sp:t1}:profile", "nq:salespeople"},
        [ORG_CUSTOMER] = {"customer", "nq:cust:t1", "nq:customers"},
    };
    for (size_t i = 0; i < ORG_KIND_COUNT; i++) {
        char key[128];
        CU_ASSERT_STRING_EQUAL(org_kinds[i].name, want[i].name);
        CU_ASSERT_TRUE(org_kinds[i].key(key, sizeof(key), "t1") > 0);
        CU_ASSERT_STRING_EQUAL(key, want[i].key);
        CU_ASSERT_STRING_EQUAL(org_kinds[i].index, want[i].index);
    }
}

static void test_entity_access(void)
{
    Nq__Team team = NQ__TEAM__INIT;
    Nq__Customer cust = NQ__CUSTOMER__INIT;
    Nq__OrgRequest req = NQ__ORG_REQUEST__INIT;
    req.team = &team;
    req.customer = &cust;
    CU_ASSERT_PTR_EQUAL(org_request_entity(&org_kinds[ORG_TEAM], &req), &team.base);
    CU_ASSERT_PTR_NULL(org_request_entity(&org_kinds[ORG_SALESPERSON], &req));
    CU_ASSERT_PTR_EQUAL(org_request_entity(&org_kinds[ORG_CUSTOMER], &req), &cust.base);

    Nq__OrgReply reply = NQ__ORG_REPLY__INIT;
    org_reply_set_entity(&org_kinds[ORG_CUSTOMER], &reply, &cust.base);
    CU_ASSERT_PTR_EQUAL(reply.customer, &cust);
    CU_ASSERT_PTR_NULL(reply.team);
    CU_ASSERT_PTR_NULL(reply.salesperson);
}

/* ---------------------------------------------------------------- requests */

static void test_request_id(void)
{
    Nq__Customer c = NQ__CUSTOMER__INIT;
    c.name = "Acme";
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, NULL, &c.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "id"), "is required");
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "", &c.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "id"), NQ_ID_RULE);
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c 1", &c.base, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "id"));
    char longest[NQ_ID_MAX + 2];
    memset(longest, 'a', sizeof(longest));
    longest[NQ_ID_MAX] = '\0';
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, longest, &c.base, &errs), 0);
    longest[NQ_ID_MAX] = 'a';
    longest[NQ_ID_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, longest, &c.base, &errs), -1);
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "Cust_1.a:b-2", &c.base, &errs), 0);
}

static void test_entity_id_must_match(void)
{
    Nq__Team t = NQ__TEAM__INIT;
    t.name = "East";
    t.id = "x1";
    ASSERT_VALID(ORG_TEAM, t);
    t.id = "";
    ASSERT_VALID(ORG_TEAM, t);
    t.id = "x2";
    ASSERT_INVALID(ORG_TEAM, t, "id");
}

static void test_put_needs_its_entity_only(void)
{
    Nq__Team team = NQ__TEAM__INIT;
    team.name = "East";
    Nq__Salesperson sp = NQ__SALESPERSON__INIT;
    sp.name = "Zhang Wei";
    Nq__OrgRequest req = NQ__ORG_REQUEST__INIT;
    req.id = "t1";
    nq_field_errors_t errs = {0};

    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_TEAM], ORG_PUT, &req, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "team"), "is required");

    req.team = &team;
    req.salesperson = &sp;
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_TEAM], ORG_PUT, &req, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "salesperson"), "must not be set in team.put.v1");

    req.salesperson = NULL;
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_TEAM], ORG_PUT, &req, &errs), 0);
}

static void test_get_takes_only_an_id(void)
{
    Nq__OrgRequest req = NQ__ORG_REQUEST__INIT;
    req.id = "sp1";
    nq_field_errors_t errs = {0};
    for (size_t i = 0; i < ORG_KIND_COUNT; i++)
        CU_ASSERT_EQUAL(org_check(&org_kinds[i], ORG_GET, &req, &errs), 0);
    CU_ASSERT_EQUAL(errs.n, 0);

    Nq__Salesperson sp = NQ__SALESPERSON__INIT;
    req.salesperson = &sp;
    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_SALESPERSON], ORG_GET, &req, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "salesperson"),
                           "must not be set in salesperson.get.v1");

    req.salesperson = NULL;
    req.id = "sp 1";
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_TEAM], ORG_GET, &req, &errs), -1);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "id"));

    /* A delete is the same: an id and nothing else. */
    req.id = "sp1";
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_CUSTOMER], ORG_DELETE, &req, &errs), 0);
    req.salesperson = &sp;
    CU_ASSERT_EQUAL(org_check(&org_kinds[ORG_SALESPERSON], ORG_DELETE, &req, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "salesperson"),
                           "must not be set in salesperson.delete.v1");
}

/* ---------------------------------------------------------------- names */

static void test_name_rules(void)
{
    Nq__Customer c = NQ__CUSTOMER__INIT;
    nq_field_errors_t errs;

    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c1", &c.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "name"), "is required");
    c.name = "";
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c1", &c.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "name"), "is required");

    char name[ORG_NAME_MAX + 2];
    memset(name, 'n', sizeof(name));
    name[ORG_NAME_MAX] = '\0';
    c.name = name;
    ASSERT_VALID(ORG_CUSTOMER, c);
    name[ORG_NAME_MAX] = 'n';
    name[ORG_NAME_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c1", &c.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "name"), "must be at most 100 bytes");

    /* 33 CJK characters are 99 bytes; a 34th makes 102. */
    char cjk[3 * 34 + 1] = "";
    for (int i = 0; i < 33; i++)
        strcat(cjk, "张");
    c.name = cjk;
    ASSERT_VALID(ORG_CUSTOMER, c);
    strcat(cjk, "伟");
    ASSERT_INVALID(ORG_CUSTOMER, c, "name");

    static const char *const bad[] = {"bad\xff", "\xe5\xbc", "tab\tok? no:\x01", "\xc0\xaf"};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        c.name = (char *)bad[i];
        CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c1", &c.base, &errs), -1);
        CU_ASSERT_STRING_EQUAL(reason_of(&errs, "name"),
                               "must be UTF-8 text without control characters");
    }
    c.name = "华东一组\tline two\n";
    ASSERT_VALID(ORG_CUSTOMER, c);
}

/* ---------------------------------------------------------------- teams */

static void test_team_lists(void)
{
    char *ids[ORG_LIST_MAX + 1];
    char buf[ORG_LIST_MAX + 1][8];
    for (size_t i = 0; i < N_ELEMS(ids); i++) {
        snprintf(buf[i], sizeof(buf[i]), "sp%zu", i);
        ids[i] = buf[i];
    }
    Nq__Team t = NQ__TEAM__INIT;
    t.name = "East";
    ASSERT_VALID(ORG_TEAM, t);

    t.coordinators = ids;
    t.n_coordinators = ORG_LIST_MAX;
    t.members = ids;
    t.n_members = ORG_LIST_MAX; /* the same person may coordinate and be a member */
    ASSERT_VALID(ORG_TEAM, t);

    t.n_coordinators = ORG_LIST_MAX + 1;
    ASSERT_INVALID(ORG_TEAM, t, "coordinators");
    t.n_coordinators = 0;
    t.n_members = ORG_LIST_MAX + 1;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(check_put(ORG_TEAM, "t1", &t.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "members"), "must have at most 500 entries");
}

static void test_team_list_elements(void)
{
    char *members[] = {"sp1", "sp 2", "sp1", "sp3", "", "sp3"};
    Nq__Team t = NQ__TEAM__INIT;
    t.name = "East";
    t.members = members;
    t.n_members = N_ELEMS(members);
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(check_put(ORG_TEAM, "t1", &t.base, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 4);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "members[1]"), NQ_ID_RULE);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "members[2]"), "duplicate of members[0]");
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "members[4]"), NQ_ID_RULE);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "members[5]"), "duplicate of members[3]");

    char *coordinators[] = {"u1", "u/2"};
    t.members = NULL;
    t.n_members = 0;
    t.coordinators = coordinators;
    t.n_coordinators = 2;
    ASSERT_INVALID(ORG_TEAM, t, "coordinators[1]");
}

/* ---------------------------------------------------------------- salespeople */

static void test_salesperson_rules(void)
{
    Nq__Salesperson sp = NQ__SALESPERSON__INIT;
    sp.name = "张伟";
    ASSERT_VALID(ORG_SALESPERSON, sp);

    sp.team_id = "";
    ASSERT_VALID(ORG_SALESPERSON, sp);
    sp.team_id = "t1";
    ASSERT_VALID(ORG_SALESPERSON, sp);
    sp.team_id = "t 1";
    ASSERT_INVALID(ORG_SALESPERSON, sp, "team_id");
    sp.team_id = NULL;

    static const char *const statuses[] = {"active", "leave", "left"};
    for (size_t i = 0; i < N_ELEMS(statuses); i++) {
        sp.status = (char *)statuses[i];
        ASSERT_VALID(ORG_SALESPERSON, sp);
    }
    static const char *const bad[] = {"fired", "", "Active", "active "};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        sp.status = (char *)bad[i];
        ASSERT_INVALID(ORG_SALESPERSON, sp, "status");
    }
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(check_put(ORG_SALESPERSON, "sp1", &sp.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "status"), "must be one of active, leave, left");
}

/* ---------------------------------------------------------------- customers */

static void test_customer_rules(void)
{
    Nq__Customer c = NQ__CUSTOMER__INIT;
    c.name = "Acme";
    ASSERT_VALID(ORG_CUSTOMER, c);

    static const char *const classes[] = {"key", "normal", "potential"};
    for (size_t i = 0; i < N_ELEMS(classes); i++) {
        c.class_ = (char *)classes[i];
        ASSERT_VALID(ORG_CUSTOMER, c);
    }
    static const char *const bad[] = {"vip", "", "Key"};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        c.class_ = (char *)bad[i];
        ASSERT_INVALID(ORG_CUSTOMER, c, "class");
    }
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c1", &c.base, &errs), -1);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "class"), "must be one of key, normal, potential");
    c.class_ = NULL;
    c.owner_id = "sp1";
    ASSERT_VALID(ORG_CUSTOMER, c);
    c.owner_id = "";
    ASSERT_VALID(ORG_CUSTOMER, c);
    c.owner_id = "sp#1";
    ASSERT_INVALID(ORG_CUSTOMER, c, "owner_id");
}

static void test_errors_accumulate(void)
{
    Nq__Customer c = NQ__CUSTOMER__INIT;
    c.id = "other";
    c.class_ = "vip";
    c.owner_id = "?";
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(check_put(ORG_CUSTOMER, "c 1", &c.base, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 5); /* id, id (mismatch), name, class, owner_id */
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "name"));
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "class"));
    CU_ASSERT_PTR_NOT_NULL(reason_of(&errs, "owner_id"));
}

/* ---------------------------------------------------------------- hash form */

/* The fields org_to_fields writes for `entity`, as a NULL-free args vector. */
static void fields_of(org_kind_id_t kind, const ProtobufCMessage *entity, int64_t at,
                      nq_redis_args_t *a)
{
    nq_redis_args_init(a);
    CU_ASSERT_EQUAL(org_to_fields(&org_kinds[kind], entity, at, a), 0);
    CU_ASSERT_FALSE(a->failed);
}

/* The args must be exactly these alternating field/value strings. */
static void fields_are(const nq_redis_args_t *a, const char *const *want, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(a->argc, n);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(a->argv[i], want[i]);
        CU_ASSERT_EQUAL(a->lens[i], strlen(want[i]));
    }
}

static ProtobufCMessage *read_back(org_kind_id_t kind, const char *id, const nq_redis_args_t *a)
{
    return org_kinds[kind].from_fields(id, (const char *const *)a->argv, a->argc);
}

static void test_team_round_trip(void)
{
    char *coordinators[] = {"u1"};
    char *members[] = {"sp1", "sp2"};
    Nq__Team t = NQ__TEAM__INIT;
    t.id = "t1";
    t.name = "华东一组";
    t.coordinators = coordinators;
    t.n_coordinators = 1;
    t.members = members;
    t.n_members = 2;
    t.has_updated_at = 1;
    t.updated_at = 5; /* ignored: the store sets updated_at */
    nq_redis_args_t a;
    fields_of(ORG_TEAM, &t.base, 1795363200000LL, &a);
    /* Members are not stored with the team: they are read from the
     * salespeople's team histories (membership.h). */
    static const char *const want[] = {"name",     "华东一组",   "coordinators",
                                       "[\"u1\"]", "updated_at", "1795363200000"};
    fields_are(&a, want, N_ELEMS(want));

    Nq__Team *back = (Nq__Team *)read_back(ORG_TEAM, "t1", &a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_PTR_EQUAL(back->base.descriptor, &nq__team__descriptor);
    CU_ASSERT_STRING_EQUAL(back->id, "t1");
    CU_ASSERT_STRING_EQUAL(back->name, "华东一组");
    CU_ASSERT_EQUAL_FATAL(back->n_coordinators, 1);
    CU_ASSERT_STRING_EQUAL(back->coordinators[0], "u1");
    CU_ASSERT_EQUAL(back->n_members, 0);
    CU_ASSERT_TRUE(back->has_updated_at);
    CU_ASSERT_EQUAL(back->updated_at, 1795363200000LL);
    protobuf_c_message_free_unpacked(&back->base, NULL);
    nq_redis_args_free(&a);

    /* No lists: stored as empty arrays, read back as none. */
    t.n_coordinators = t.n_members = 0;
    t.coordinators = t.members = NULL;
    fields_of(ORG_TEAM, &t.base, 7, &a);
    CU_ASSERT_STRING_EQUAL(a.argv[3], "[]");
    back = (Nq__Team *)read_back(ORG_TEAM, "t1", &a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(back->n_coordinators, 0);
    CU_ASSERT_EQUAL(back->n_members, 0);
    CU_ASSERT_EQUAL(back->updated_at, 7);
    protobuf_c_message_free_unpacked(&back->base, NULL);
    nq_redis_args_free(&a);
}

static void test_salesperson_round_trip(void)
{
    Nq__Salesperson sp = NQ__SALESPERSON__INIT;
    sp.name = "张伟";
    sp.team_id = "t1";
    sp.status = "leave";
    nq_redis_args_t a;
    fields_of(ORG_SALESPERSON, &sp.base, 42, &a);
    static const char *const want[] = {"name",   "张伟",  "team_id",    "t1",
                                       "status", "leave", "updated_at", "42"};
    fields_are(&a, want, N_ELEMS(want));
    Nq__Salesperson *back = (Nq__Salesperson *)read_back(ORG_SALESPERSON, "sp1", &a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_STRING_EQUAL(back->id, "sp1");
    CU_ASSERT_STRING_EQUAL(back->name, "张伟");
    CU_ASSERT_STRING_EQUAL(back->team_id, "t1");
    CU_ASSERT_STRING_EQUAL(back->status, "leave");
    CU_ASSERT_EQUAL(back->updated_at, 42);
    protobuf_c_message_free_unpacked(&back->base, NULL);
    nq_redis_args_free(&a);

    /* Defaults: status active; an absent team_id is stored as "" (so a put
     * replaces an earlier team) and read back as absent. */
    sp.team_id = NULL;
    sp.status = NULL;
    fields_of(ORG_SALESPERSON, &sp.base, 43, &a);
    static const char *const want2[] = {"name",   "张伟",   "team_id",    "",
                                        "status", "active", "updated_at", "43"};
    fields_are(&a, want2, N_ELEMS(want2));
    back = (Nq__Salesperson *)read_back(ORG_SALESPERSON, "sp1", &a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_PTR_NULL(back->team_id);
    CU_ASSERT_STRING_EQUAL(back->status, "active");
    protobuf_c_message_free_unpacked(&back->base, NULL);
    nq_redis_args_free(&a);
}

static void test_customer_round_trip(void)
{
    Nq__Customer c = NQ__CUSTOMER__INIT;
    c.name = "Acme 有限公司";
    c.owner_id = "sp1";
    nq_redis_args_t a;
    fields_of(ORG_CUSTOMER, &c.base, 99, &a);
    static const char *const want[] = {"name",
                                       "Acme 有限公司",
                                       "class",
                                       "normal",
                                       "owner_id",
                                       "sp1",
                                       "status",
                                       "active",
                                       "region",
                                       "",
                                       "industry",
                                       "",
                                       "tags",
                                       "[]",
                                       "contacts",
                                       "[]",
                                       "credit_limit_fen",
                                       "",
                                       "payment_terms_days",
                                       "",
                                       "pool_team",
                                       "",
                                       "updated_at",
                                       "99"};
    fields_are(&a, want, N_ELEMS(want));
    Nq__Customer *back = (Nq__Customer *)read_back(ORG_CUSTOMER, "c1", &a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_STRING_EQUAL(back->id, "c1");
    CU_ASSERT_STRING_EQUAL(back->name, "Acme 有限公司");
    CU_ASSERT_STRING_EQUAL(back->class_, "normal");
    CU_ASSERT_STRING_EQUAL(back->owner_id, "sp1");
    CU_ASSERT_EQUAL(back->updated_at, 99);

    /* What was read packs and unpacks like any message. */
    size_t len = protobuf_c_message_get_packed_size(&back->base);
    uint8_t *buf = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    protobuf_c_message_pack(&back->base, buf);
    Nq__Customer *again = nq__customer__unpack(NULL, len, buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT_STRING_EQUAL(again->class_, "normal");
    nq__customer__free_unpacked(again, NULL);
    free(buf);
    protobuf_c_message_free_unpacked(&back->base, NULL);
    nq_redis_args_free(&a);
}

/* The stored `since` (when owner and class took effect) is read back. */
static void test_customer_since(void)
{
    static const char *const stored[] = {"name", "A",     "class",         "key",        "owner_id",
                                         "sp1",  "since", "1793462400000", "updated_at", "99"};
    Nq__Customer *c =
        (Nq__Customer *)org_kinds[ORG_CUSTOMER].from_fields("c1", stored, N_ELEMS(stored));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->has_since);
    CU_ASSERT_EQUAL(c->since, 1793462400000LL);
    protobuf_c_message_free_unpacked(&c->base, NULL);
    static const char *const bad[] = {"since", "yesterday"};
    CU_ASSERT_PTR_NULL(org_kinds[ORG_CUSTOMER].from_fields("c1", bad, 2));
}

/* Moves of a customer between key-customer sets, for every kind of change. */
static void test_key_moves(void)
{
    static const struct {
        const char *old_owner, *old_class, *new_owner, *new_class;
        int n;
        const char *sp[2];
        bool added[2];
    } cases[] = {
        {NULL, NULL, "a", "key", 1, {"a"}, {true}},             /* a new key customer */
        {NULL, NULL, "a", "normal", 0, {NULL}, {false}},        /* a new normal one */
        {"a", "key", "a", "key", 0, {NULL}, {false}},           /* unchanged */
        {"a", "key", "b", "key", 2, {"a", "b"}, {false, true}}, /* moved: leave, then join */
        {"a", "key", "a", "normal", 1, {"a"}, {false}},         /* no longer key */
        {"a", "potential", "a", "key", 1, {"a"}, {true}},       /* became key */
        {"a", "key", "", "key", 1, {"a"}, {false}},             /* to the pool */
        {"", "key", "b", "key", 1, {"b"}, {true}},              /* from the pool */
        {"a", "normal", "b", "potential", 0, {NULL}, {false}},  /* never key */
        {"a", "key", "b", "normal", 1, {"a"}, {false}},         /* moved and demoted */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        org_key_move_t m[2];
        int n = org_key_moves(cases[i].old_owner, cases[i].old_class, cases[i].new_owner,
                              cases[i].new_class, m);
        CU_ASSERT_EQUAL(n, cases[i].n);
        for (int k = 0; k < n && n == cases[i].n; k++) {
            CU_ASSERT_STRING_EQUAL(m[k].salesperson_id, cases[i].sp[k]);
            CU_ASSERT_EQUAL(m[k].added, cases[i].added[k]);
        }
    }
}

static void test_from_fields_tolerates_extras(void)
{
    /* Unknown fields are ignored, the first layout's members list too (the
     * salespeople's histories say who is in a team); missing ones are absent. */
    static const char *const stored[] = {"name", "East", "legacy", "x", "members", "[\"sp1\"]"};
    Nq__Team *t = (Nq__Team *)org_kinds[ORG_TEAM].from_fields("t1", stored, N_ELEMS(stored));
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(t->name, "East");
    CU_ASSERT_EQUAL(t->n_coordinators, 0);
    CU_ASSERT_EQUAL(t->n_members, 0);
    CU_ASSERT_FALSE(t->has_updated_at);
    protobuf_c_message_free_unpacked(&t->base, NULL);
}

static void test_from_fields_rejects_corrupt(void)
{
    static const char *const bad_team[][2] = {
        {"coordinators", "[\"u1\""}, {"coordinators", "{\"a\":1}"}, {"coordinators", "[1]"},
        {"deleted_at", "later"},     {"updated_at", "soon"},        {"updated_at", "12x"},
    };
    for (size_t i = 0; i < N_ELEMS(bad_team); i++)
        CU_ASSERT_PTR_NULL(org_kinds[ORG_TEAM].from_fields("t1", bad_team[i], 2));
    static const char *const bad_time[] = {"updated_at", "-"};
    CU_ASSERT_PTR_NULL(org_kinds[ORG_SALESPERSON].from_fields("sp1", bad_time, 2));
    CU_ASSERT_PTR_NULL(org_kinds[ORG_CUSTOMER].from_fields("c1", bad_time, 2));
}

/* ---------------------------------------------------------------- header */

static void test_header(void)
{
    nq_field_errors_t errs = {0};
    nq_field_errors_add(&errs, "name", "is required");
    nq_field_errors_add(&errs, "members[2]", "duplicate of members[0]");
    nq_reply_header_t h;
    nq_reply_header_init(&h, "corr-1", NQ__STATUS__STATUS_INVALID, "invalid team", &errs);
    CU_ASSERT_STRING_EQUAL(h.pb.correlation_id, "corr-1");
    CU_ASSERT_TRUE(h.pb.has_status);
    CU_ASSERT_EQUAL(h.pb.status, NQ__STATUS__STATUS_INVALID);
    CU_ASSERT_STRING_EQUAL(h.pb.detail, "invalid team");
    CU_ASSERT_EQUAL_FATAL(h.pb.n_errors, 2);
    CU_ASSERT_STRING_EQUAL(h.pb.errors[1]->field, "members[2]");
    CU_ASSERT_STRING_EQUAL(h.pb.errors[1]->reason, "duplicate of members[0]");

    nq_reply_header_init(&h, NULL, NQ__STATUS__STATUS_OK, NULL, NULL);
    CU_ASSERT_EQUAL(h.pb.n_errors, 0);
    CU_ASSERT_PTR_NULL(h.pb.errors);
    CU_ASSERT_TRUE(h.pb.has_status); /* OK is sent explicitly */
}

static CU_TestInfo table_tests[] = {
    {"message type -> kind and op", test_kind_for_type},
    {"one row per kind: key and index", test_kind_rows},
    {"entity pointers by offset", test_entity_access},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo check_tests[] = {
    {"request id", test_request_id},
    {"entity id must equal the request id", test_entity_id_must_match},
    {"put carries its entity and no other", test_put_needs_its_entity_only},
    {"get carries only an id", test_get_takes_only_an_id},
    {"name: required, <= 100 bytes, UTF-8 text", test_name_rules},
    {"team: at most 500 per list", test_team_lists},
    {"team: valid ids, no duplicates", test_team_list_elements},
    {"salesperson: team_id, status", test_salesperson_rules},
    {"customer: class, owner_id", test_customer_rules},
    {"errors accumulate", test_errors_accumulate},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo hash_tests[] = {
    {"team round trip", test_team_round_trip},
    {"salesperson round trip and defaults", test_salesperson_round_trip},
    {"customer round trip and default class", test_customer_round_trip},
    {"customer since read back", test_customer_since},
    {"key-customer moves of a customer change", test_key_moves},
    {"unknown and missing fields", test_from_fields_tolerates_extras},
    {"corrupt stored values", test_from_fields_rejects_corrupt},
    {"reply header", test_header},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"kind table", NULL, NULL, NULL, NULL, table_tests},
    {"validation", NULL, NULL, NULL, NULL, check_tests},
    {"redis hash form", NULL, NULL, NULL, NULL, hash_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
