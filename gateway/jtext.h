/* gateway/jtext.h — JSON strings and values written straight into a buffer.
 *
 * For answers built per event at high rates (the activity batch results,
 * leaderboards), where a json_t tree per event costs more than the rest of
 * the request. The text goes into an nq_buf (nq/buf.h): punctuation with
 * nq_buf_adds, numbers with nq_buf_addu64 / nq_buf_addi64, strings and
 * jansson values with these. Strings are escaped as nq_json_escape does
 * (valid JSON whatever the input). A failure sets the buffer's `failed`, as
 * a failed add does.
 *
 *   nq_buf_t t = NQ_BUF_INIT;
 *   nq_buf_adds(&t, "{\"n\":");
 *   nq_buf_addu64(&t, 42);
 *   nq_buf_adds(&t, ",\"id\":");
 *   jtext_str(&t, id);            // "id" quoted and escaped, or null for NULL
 *   nq_buf_adds(&t, "}");
 *   if (!t.failed) send(t.buf, t.len);
 *   nq_buf_release(&t);
 */
#ifndef NQ_GW_JTEXT_H
#define NQ_GW_JTEXT_H

#include <jansson.h>

#include "nq/buf.h"

void jtext_str(nq_buf_t *t, const char *s);    /* a JSON string, null for NULL */
void jtext_json(nq_buf_t *t, const json_t *v); /* a jansson value, as gw_respond_json writes it */

#endif
