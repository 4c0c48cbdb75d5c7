/* services/customers/custrec.h — a customer record's fields beyond name,
 * class and owner (pure): their rules, their stored form, and a PATCH's
 * merge with what is stored.
 *
 * A customer hash (nq:cust:<id>) keeps status, region, industry,
 * credit_limit_fen and payment_terms_days as plain fields ("" when absent),
 * tags as a JSON array of strings and contacts as a JSON array of objects
 * {"name","title","phone","email"}. Every rule names the field it refuses
 * ("contacts[2].email"), so a bad PUT or PATCH is answered 400 with it.
 *
 *   nq_field_errors_t errs = {0};
 *   custrec_validate(cu, &errs);                  // after org.c's name/class/owner checks
 *   custrec_to_fields(cu, &args);                 // append field, value pairs
 *   custrec_from_fields(cu, fields, n);           // back from an HGETALL
 *   custrec_patch(req_cu, stored_cu, given, n_given); // PATCH: keep what is not given
 */
#ifndef NQ_CUSTOMERS_CUSTREC_H
#define NQ_CUSTOMERS_CUSTREC_H

#include <stddef.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"
#include "nq/redis.h"

#define CUSTREC_TEXT_MAX     64  /* region, industry, a tag: bytes of UTF-8 */
#define CUSTREC_TAGS_MAX     20  /* tags per customer */
#define CUSTREC_CONTACTS_MAX 20  /* contacts per customer */
#define CUSTREC_CONTACT_MAX  100 /* a contact's name or title, bytes */
#define CUSTREC_PHONE_MAX    32  /* a phone number, characters */
#define CUSTREC_EMAIL_MAX    254 /* an e-mail address, bytes (RFC 5321) */
#define CUSTREC_REASON_MAX   200 /* an owner change's reason, bytes */
#define CUSTREC_TERMS_MAX    365 /* payment terms, days */
/* Highest credit limit, fen: 10^12 yuan. */
#define CUSTREC_CREDIT_MAX 100000000000000LL

/* A customer's statuses (NULL-terminated), and what a put without one stores. */
extern const char *const custrec_statuses[];
#define CUSTREC_STATUS_DEFAULT "active"

/* Add what is wrong with the record fields of c to errs. */
void custrec_validate(const Nq__Customer *c, nq_field_errors_t *errs);

/* Append the stored fields of a valid c (status defaulted). 0, or -1 when out
 * of memory (out->failed set). */
int custrec_to_fields(const Nq__Customer *c, nq_redis_args_t *out);

/* Set the record fields of c from n alternating field/value strings.
 * Returns 0, or -1 when a stored value does not parse or memory runs out
 * (c stays freeable). */
int custrec_from_fields(Nq__Customer *c, const char *const *fields, size_t n);

/* The stored fields a PATCH keeps unless it names them (proto field names),
 * NULL-terminated. */
extern const char *const custrec_kept_fields[];

/* Make req the PATCH's result: every field of custrec_kept_fields not named
 * in given (proto field names) is swapped in from stored, so req holds
 * stored's value and stored the request's (each keeps owning what it holds;
 * both are freed as usual). Others (since, owner_reason) stay the request's. */
void custrec_patch(Nq__Customer *req, Nq__Customer *stored, char *const *given, size_t n_given);

#endif
