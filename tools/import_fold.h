/* tools/import_fold.h — what a Chinese input method types, read like ASCII.
 *
 * Pure. The base of reading a cell's value (import_value.h) and of matching
 * a name (import_alias.h): １２，３４５．６ is 12,345.6, and ％ ： ／ － and the
 * ideographic space are their ASCII forms.
 *
 *   char s[64];
 *   if (import_fold("  ８０％ ", s, sizeof(s)) == 0)
 *       ... s is "80%"
 */
#ifndef NQ_TOOLS_IMPORT_FOLD_H
#define NQ_TOOLS_IMPORT_FOLD_H

#include <stddef.h>

/* Fold full-width ASCII forms (U+FF01..U+FF5E) to ASCII and U+3000 to a
 * space, then trim spaces and tabs at both ends. Other bytes are copied as
 * they are. Returns 0, or -1 when the result needs more than cap bytes
 * (with its NUL). */
int import_fold(const char *cell, char *out, size_t cap);

#endif
