/* gateway/jnum.h — the literal text of each real number in a parsed JSON
 * document.
 *
 * jansson keeps a number as a double, so 1.50000000000000000001 and 1.5 are
 * the same value once parsed; money must be judged on the text that was sent
 * (nq_money_parse_number). This index pairs each real of a jansson tree with
 * its text in the body it was parsed from: the body is scanned for number
 * tokens with a fraction or an exponent (what jansson makes reals of), the
 * tree is walked in document order (jansson keeps object members in the
 * order they came, and the gateway refuses duplicate keys), and the two
 * lists are paired.
 *
 *   json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
 *   jnum_index_t *nums = jnum_index(root, body, len);
 *   size_t n;
 *   const char *text = jnum_text(nums, json_object_get(root, "amount"), &n);
 *   ...
 *   jnum_free(&nums);
 */
#ifndef NQ_GATEWAY_JNUM_H
#define NQ_GATEWAY_JNUM_H

#include <jansson.h>
#include <stddef.h>

typedef struct jnum_index jnum_index_t;

/* Index the reals of `root`, parsed by jansson (with JSON_REJECT_DUPLICATES)
 * from text[0..len). The text is borrowed: it must outlive the index. Returns
 * NULL when out of memory or when the text does not hold the tree's reals
 * (not the text it was parsed from). */
jnum_index_t *jnum_index(const json_t *root, const char *text, size_t len);

/* The text of `real` (a node of the indexed tree) with its length in *len,
 * or NULL when nums is NULL or real is not one of its reals. Borrowed from
 * the text given to jnum_index. */
const char *jnum_text(const jnum_index_t *nums, const json_t *real, size_t *len);

/* Free the index and set *nums to NULL; safe on NULL. */
void jnum_free(jnum_index_t **nums);

#endif
