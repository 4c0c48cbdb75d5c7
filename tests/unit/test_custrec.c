/* Tests for services/customers/custrec.h: a customer record's rules (each
 * error naming its field), its stored form, and a PATCH's merge. */
#include <stdlib.h>
#include <string.h>

#include "custrec.h"
#include "nq_test.h"
#include "org.h"

#define N_ELEMS(a) (sizeof(a) / sizeof(a[0]))

/* The reason errs holds for `field`, or NULL. */
static const char *reason_of(const nq_field_errors_t *errs, const char *field)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strcmp(errs->items[i].field, field) == 0)
            return errs->items[i].reason;
    }
    return NULL;
}

static Nq__CustomerContact contact(const char *name, const char *phone, const char *email)
{
    Nq__CustomerContact c = NQ__CUSTOMER_CONTACT__INIT;
    c.name = (char *)name;
    c.phone = (char *)phone;
    c.email = (char *)email;
    return c;
}

static void test_valid(void)
{
    Nq__Customer c = NQ__CUSTOMER__INIT;
    char *tags[] = {"华东", "vip"};
    Nq__CustomerContact ct[] = {contact("王经理", "+86 (21) 5555-0101", "wang@example.com"),
                                contact("李工", NULL, NULL)};
    Nq__CustomerContact *cts[] = {&ct[0], &ct[1]};
    c.status = "dormant";
    c.region = "华东";
    c.industry = "制造业";
    c.tags = tags;
    c.n_tags = 2;
    c.contacts = cts;
    c.n_contacts = 2;
    c.has_credit_limit_fen = 1;
    c.credit_limit_fen = 50000000;
    c.has_payment_terms_days = 1;
    c.payment_terms_days = 60;
    c.owner_reason = "划转：张伟离职";
    nq_field_errors_t errs = {0};
    custrec_validate(&c, &errs);
    CU_ASSERT_EQUAL(errs.n, 0);
    if (errs.n)
        fprintf(stderr, "\n    %s %s", errs.items[0].field, errs.items[0].reason);
}

/* Every bad field is named, each with its reason. */
static void test_invalid(void)
{
    char long_text[80];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    char *tags[] = {"a", "", "a"};
    Nq__CustomerContact ct[] = {contact("", "12", "not-an-email"), contact("ok", "abc 123", "a@b"),
                                contact("ok", "1234", "x@y.z")};
    Nq__CustomerContact *cts[] = {&ct[0], &ct[1], &ct[2]};
    Nq__Customer c = NQ__CUSTOMER__INIT;
    c.status = "asleep";
    c.region = long_text;
    c.tags = tags;
    c.n_tags = 3;
    c.contacts = cts;
    c.n_contacts = 3;
    c.has_credit_limit_fen = 1;
    c.credit_limit_fen = -1;
    c.has_payment_terms_days = 1;
    c.payment_terms_days = 366;
    nq_field_errors_t errs = {0};
    custrec_validate(&c, &errs);
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "status"),
                           "must be one of active, dormant, lost, pool");
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "region"), "must be at most 64 bytes");
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "tags[1]"), "is required");
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "tags[2]"), "duplicate of tags[0]");
    CU_ASSERT_STRING_EQUAL(reason_of(&errs, "contacts[0].name"), "is required");
    /* the table keeps NQ_FIELD_ERRORS_MAX errors: the rest are counted */
    CU_ASSERT_EQUAL(errs.n, NQ_FIELD_ERRORS_MAX);
    CU_ASSERT_TRUE(errs.dropped > 0);

    nq_field_errors_t e2 = {0};
    Nq__Customer d = NQ__CUSTOMER__INIT;
    Nq__CustomerContact *bad[] = {&ct[0], &ct[1], &ct[2]};
    d.contacts = bad;
    d.n_contacts = 3;
    custrec_validate(&d, &e2);
    CU_ASSERT_PTR_NOT_NULL(reason_of(&e2, "contacts[0].phone"));
    CU_ASSERT_PTR_NOT_NULL(reason_of(&e2, "contacts[0].email"));
    CU_ASSERT_PTR_NOT_NULL(reason_of(&e2, "contacts[1].phone"));
    CU_ASSERT_PTR_NOT_NULL(reason_of(&e2, "contacts[1].email"));
    CU_ASSERT_PTR_NULL(reason_of(&e2, "contacts[2].phone"));
    CU_ASSERT_PTR_NULL(reason_of(&e2, "contacts[2].email"));

    nq_field_errors_t e3 = {0};
    Nq__Customer m = NQ__CUSTOMER__INIT;
    m.has_credit_limit_fen = 1;
    m.credit_limit_fen = -1;
    m.has_payment_terms_days = 1;
    m.payment_terms_days = 366;
    custrec_validate(&m, &e3);
    CU_ASSERT_STRING_EQUAL(reason_of(&e3, "credit_limit"), "must be from 0 to 1000000000000 yuan");
    CU_ASSERT_STRING_EQUAL(reason_of(&e3, "payment_terms_days"),
                           "must be an integer from 0 to 365");

    /* bounded counts */
    nq_field_errors_t e4 = {0};
    Nq__Customer big = NQ__CUSTOMER__INIT;
    char *many[CUSTREC_TAGS_MAX + 1];
    for (size_t i = 0; i < N_ELEMS(many); i++)
        many[i] = "t";
    big.tags = many;
    big.n_tags = N_ELEMS(many);
    Nq__CustomerContact *lots[CUSTREC_CONTACTS_MAX + 1];
    for (size_t i = 0; i < N_ELEMS(lots); i++)
        lots[i] = &ct[2];
    big.contacts = lots;
    big.n_contacts = N_ELEMS(lots);
    custrec_validate(&big, &e4);
    CU_ASSERT_STRING_EQUAL(reason_of(&e4, "tags"), "must have at most 20 entries");
    CU_ASSERT_STRING_EQUAL(reason_of(&e4, "contacts"), "must have at most 20 entries");
}

/* Stored and read back: the same record; the defaults as a get shows them. */
static void test_round_trip(void)
{
    char *tags[] = {"华东", "vip"};
    Nq__CustomerContact ct[] = {contact("王经理", "13800000000", "wang@example.com")};
    ct[0].title = "采购总监";
    Nq__CustomerContact *cts[] = {&ct[0]};
    Nq__Customer c = NQ__CUSTOMER__INIT;
    c.region = "华东";
    c.tags = tags;
    c.n_tags = 2;
    c.contacts = cts;
    c.n_contacts = 1;
    c.has_credit_limit_fen = 1;
    c.credit_limit_fen = 12345;
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    CU_ASSERT_EQUAL_FATAL(custrec_to_fields(&c, &a), 0);
    CU_ASSERT_STRING_EQUAL(a.argv[1], "active");
    CU_ASSERT_STRING_EQUAL(a.argv[7], "[\"华东\",\"vip\"]");
    Nq__Customer back = NQ__CUSTOMER__INIT;
    CU_ASSERT_EQUAL_FATAL(custrec_from_fields(&back, (const char *const *)a.argv, a.argc), 0);
    CU_ASSERT_STRING_EQUAL(back.status, "active");
    CU_ASSERT_STRING_EQUAL(back.region, "华东");
    CU_ASSERT_PTR_NULL(back.industry);
    CU_ASSERT_EQUAL_FATAL(back.n_tags, 2);
    CU_ASSERT_STRING_EQUAL(back.tags[1], "vip");
    CU_ASSERT_EQUAL_FATAL(back.n_contacts, 1);
    CU_ASSERT_STRING_EQUAL(back.contacts[0]->title, "采购总监");
    CU_ASSERT_STRING_EQUAL(back.contacts[0]->email, "wang@example.com");
    CU_ASSERT_TRUE(back.has_credit_limit_fen);
    CU_ASSERT_EQUAL(back.credit_limit_fen, 12345);
    CU_ASSERT_FALSE(back.has_payment_terms_days);
    /* free what custrec_from_fields allocated, as free_unpacked would */
    Nq__Customer *heap = malloc(sizeof(*heap));
    *heap = back;
    nq__customer__free_unpacked(heap, NULL);
    nq_redis_args_free(&a);

    const char *corrupt[] = {"tags", "{not json", "credit_limit_fen", "12x"};
    Nq__Customer *bad = calloc(1, sizeof(*bad));
    nq__customer__init(bad);
    CU_ASSERT_EQUAL(custrec_from_fields(bad, corrupt, 4), -1);
    nq__customer__free_unpacked(bad, NULL);
}

/* A PATCH keeps what it does not name; what it names wins, even emptied. */
static void test_patch(void)
{
    Nq__Customer *stored = calloc(1, sizeof(*stored)), *req = calloc(1, sizeof(*req));
    nq__customer__init(stored);
    nq__customer__init(req);
    stored->name = strdup("Acme");
    stored->class_ = strdup("key");
    stored->owner_id = strdup("sp-1");
    stored->region = strdup("华东");
    stored->n_tags = 1;
    stored->tags = calloc(1, sizeof(char *));
    stored->tags[0] = strdup("vip");
    stored->has_credit_limit_fen = 1;
    stored->credit_limit_fen = 100;
    stored->has_since = 1;
    stored->since = 5;
    req->region = strdup("华南");
    req->owner_reason = strdup("move");
    char *given[] = {"region", "tags"};
    custrec_patch(req, stored, given, 2);
    CU_ASSERT_STRING_EQUAL(req->name, "Acme");
    CU_ASSERT_STRING_EQUAL(req->class_, "key");
    CU_ASSERT_STRING_EQUAL(req->owner_id, "sp-1");
    CU_ASSERT_STRING_EQUAL(req->region, "华南");
    CU_ASSERT_EQUAL(req->n_tags, 0); /* named, given empty */
    CU_ASSERT_TRUE(req->has_credit_limit_fen);
    CU_ASSERT_EQUAL(req->credit_limit_fen, 100);
    CU_ASSERT_FALSE(req->has_since); /* the request's own */
    CU_ASSERT_STRING_EQUAL(req->owner_reason, "move");
    /* both still free cleanly (valgrind checks) */
    nq__customer__free_unpacked(req, NULL);
    nq__customer__free_unpacked(stored, NULL);
}

static CU_TestInfo tests[] = {
    {"a valid record", test_valid},
    {"every bad field named", test_invalid},
    {"stored form round trip", test_round_trip},
    {"a PATCH keeps what it does not name", test_patch},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"customer record", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
