/* nq/fielderr.h — per-field validation errors, and checks shared by services.
 *
 * Validators collect what is wrong with an input field by field, so the answer
 * can say exactly which field is wrong and why:
 *
 *   nq_field_errors_t errs = {0};
 *   if (!nq_valid_id(sp))
 *       nq_field_errors_add(&errs, "salesperson_id", "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
 *   if (errs.n) ... errs.items[0].field ...
 *
 * At most NQ_FIELD_ERRORS_MAX errors are kept (later ones are counted in
 * `dropped`); field names and reasons are always valid UTF-8 (an invalid byte
 * of the input they quote becomes U+FFFD), truncated between characters to fit.
 */
#ifndef NQ_FIELDERR_H
#define NQ_FIELDERR_H

#include <stdbool.h>
#include <stddef.h>

#define NQ_FIELD_ERRORS_MAX 8
#define NQ_ID_MAX           64

typedef struct nq_field_error {
    char field[48];   /* JSON field name, "amount" or "location.lat" */
    char reason[160]; /* English reason, "must be greater than 0" */
} nq_field_error_t;

typedef struct nq_field_errors {
    nq_field_error_t items[NQ_FIELD_ERRORS_MAX]; /* the first errors found */
    size_t n;                                    /* items used */
    size_t dropped;                              /* errors beyond the cap */
} nq_field_errors_t;

/* Record an error (printf-style reason). */
void nq_field_errors_add(nq_field_errors_t *errs, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An identifier: 1..NQ_ID_MAX characters from A-Z a-z 0-9 _ . : - (so ids are
 * safe in Redis keys and hash tags, URLs and logs). */
bool nq_valid_id(const char *s);

/* Marks a reason literal that reaches an answer through a variable or a table
 * (a checker's return value), so that tests/unit/test_i18n.c finds it and
 * checks its translation (nq/i18n.h). Expands to the literal. */
#define NQ_REASON(text) text

/* The reason text for an invalid id, for error messages. */
#define NQ_ID_RULE "must be 1-64 characters of A-Z a-z 0-9 _ . : -"

/* Valid UTF-8 of at most max_bytes bytes, without control characters (C0
 * other than tab and newline, DEL, C1). */
bool nq_valid_text(const char *s, size_t max_bytes);

/* True when s equals one of the NULL-terminated `choices`. */
bool nq_one_of(const char *s, const char *const *choices);

#endif
