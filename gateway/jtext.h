/* gateway/jtext.h — writing JSON text straight into a buffer.
 *
 * For answers built per event at high rates (the activity batch results),
 * where a json_t tree per event costs more than the rest of the request.
 * Strings are escaped as nq_json_escape does (valid JSON whatever the
 * input); a failed allocation makes the text unusable (failed is set, later
 * writes do nothing).
 *
 *   jtext_t t = {0};
 *   jtext_raw(&t, "{\"n\":");
 *   jtext_uint(&t, 42);
 *   jtext_raw(&t, ",\"id\":");
 *   jtext_str(&t, id);            // "id" quoted and escaped, or null for NULL
 *   jtext_raw(&t, "}");
 *   if (!t.failed) send(t.buf, t.len);
 *   jtext_free(&t);
 */
#ifndef NQ_GW_JTEXT_H
#define NQ_GW_JTEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct jtext {
    char *buf;   /* the text, NUL-terminated once anything was written */
    size_t len;  /* its length */
    size_t cap;  /* bytes allocated */
    bool failed; /* out of memory: the text is incomplete */
} jtext_t;

void jtext_raw(jtext_t *t, const char *s);    /* s as is (JSON punctuation) */
void jtext_str(jtext_t *t, const char *s);    /* a JSON string, null for NULL */
void jtext_uint(jtext_t *t, uint64_t v);      /* a decimal number */
void jtext_int(jtext_t *t, int64_t v);        /* a decimal number, maybe negative */
void jtext_json(jtext_t *t, const json_t *v); /* a jansson value, as gw_respond_json writes it */
void jtext_free(jtext_t *t);

#endif
