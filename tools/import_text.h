/* tools/import_text.h — an import file's bytes as UTF-8, whatever Excel saved.
 *
 * Chinese Excel saves "CSV" in GBK (code page 936) and "CSV UTF-8" in UTF-8
 * with a byte order mark. This layer sits between the file and the CSV
 * reader (import_csv.h): it is itself an import_csv_read_fn that gives
 * UTF-8, converting GBK or GB18030 with glibc's iconv, one chunk at a time
 * (a file of any size, a few hundred KiB of memory).
 *
 * Detection (IMPORT_ENC_AUTO): ASCII reads the same in every candidate, so
 * nothing is decided while the bytes are ASCII. At the first byte above
 * 0x7F the next 64 KiB (or the rest of the file) decide: valid UTF-8 ->
 * UTF-8; else valid GB18030 -> GB18030 (a superset of GBK and GB2312); else
 * the read fails and import_text_why() names the first line that is not
 * UTF-8 and the first that is not GB18030. A byte order mark decides at
 * once: EF BB BF UTF-8, 84 31 95 33 GB18030; FF FE or FE FF (UTF-16, Excel's
 * "Unicode text") fails in every mode with a reason that says what to save
 * instead.
 *
 * After the decision (or with an encoding given), bytes that are not valid
 * in the encoding are passed on as they are: they are never valid UTF-8
 * there, so the cell holding them is refused by the row's checks, naming its
 * line and column, and the import goes on with the next row.
 *
 *   import_text_t *t = import_text_new(IMPORT_ENC_AUTO, import_csv_read_file, file);
 *   import_csv_t *r = import_csv_new(&opt, import_text_read, t);
 *   ... rows ...  // on IMPORT_CSV_EREAD: import_text_why(t) or errno
 *   import_csv_destroy(&r);
 *   import_text_destroy(&t);
 */
#ifndef NQ_TOOLS_IMPORT_TEXT_H
#define NQ_TOOLS_IMPORT_TEXT_H

#include <stdint.h>

#include "import_csv.h"

#define IMPORT_TEXT_WINDOW (64 * 1024) /* bytes after the first non-ASCII one that decide */

typedef enum {
    IMPORT_ENC_AUTO,    /* detect (see above) */
    IMPORT_ENC_UTF8,    /* UTF-8, with or without BOM */
    IMPORT_ENC_GBK,     /* GBK / code page 936 (GB2312 is a subset) */
    IMPORT_ENC_GB18030, /* GB18030 (a superset of GBK) */
} import_enc_t;

/* "utf-8" / "utf8", "gbk" / "cp936" / "gb2312", "gb18030" (any case) ->
 * the encoding; "auto" -> IMPORT_ENC_AUTO. Returns 0 or -1. */
int import_enc_parse(const char *name, import_enc_t *out);

/* "auto", "utf-8", "gbk", "gb18030". */
const char *import_enc_name(import_enc_t enc);

typedef struct import_text import_text_t;

/* A converter of the bytes read(ctx, ...) gives. Returns NULL when out of
 * memory or when iconv cannot convert from GBK / GB18030 on this system. */
import_text_t *import_text_new(import_enc_t enc, import_csv_read_fn read, void *ctx);

/* Free the converter; sets *t to NULL. Safe on NULL. */
void import_text_destroy(import_text_t **t);

/* import_csv_read_fn over an import_text_t *: up to cap (>= 4) bytes of
 * UTF-8, 0 at the end, -1 when the inner read failed (errno is its) or the
 * text is refused (import_text_why says why). */
long import_text_read(void *t, char *buf, size_t cap);

/* The encoding in use: the one given, or the one detected; IMPORT_ENC_AUTO
 * while every byte so far was ASCII. */
import_enc_t import_text_encoding(const import_text_t *t);

/* Why the last read failed, in the language of msg.h, or NULL when the
 * inner read failed (see errno) or nothing failed. Borrowed. */
const char *import_text_why(const import_text_t *t);

/* Input bytes that correspond to `out_offset` bytes of UTF-8 given so far
 * (estimated from the ratio of the two): progress against a file's size. */
uint64_t import_text_in_offset(const import_text_t *t, uint64_t out_offset);

#endif
