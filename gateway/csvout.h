/* gateway/csvout.h — CSV text for exports (RFC 4180), written into a buffer (pure).
 *
 * Rows end in CRLF; a cell holding a comma, a quote, CR or LF is quoted, its
 * quotes doubled. A text cell starting with = + - @ TAB or CR gets a leading
 * apostrophe, so a spreadsheet shows it as text and never runs it as a
 * formula. A file starts with CSV_BOM (UTF-8 with BOM: Excel then reads
 * Chinese right) and a header row.
 *
 *   static const csv_column_t cols[] = {{"id", "id", "编号"}, {"name", "name", "名称"}};
 *   nq_buf_t t = NQ_BUF_INIT;
 *   nq_buf_adds(&t, CSV_BOM);
 *   csv_header(&t, cols, 2, NQ_LANG_ZH);     // 编号,名称\r\n
 *   csv_json_row(&t, customer, cols, 2);     // c-1,"Acme, Inc."\r\n
 */
#ifndef NQ_GW_CSVOUT_H
#define NQ_GW_CSVOUT_H

#include <jansson.h>
#include <stddef.h>

#include "nq/buf.h"
#include "nq/i18n.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* A column: the JSON member its cells come from and its header in each language. */
typedef struct csv_column {
    const char *field; /* member of the row's JSON object */
    const char *en;    /* header in English */
    const char *zh;    /* header in Chinese (zh-CN) */
} csv_column_t;

/* One text cell (no separator), quoted and neutralised as above. */
void csv_cell(nq_buf_t *t, const char *text);

/* One cell of a JSON value: a string as csv_cell, a number or boolean as
 * written in JSON, an array as its items joined by ';', null or NULL empty. */
void csv_json_cell(nq_buf_t *t, const json_t *v);

/* The header row of the columns in `lang`. */
void csv_header(nq_buf_t *t, const csv_column_t *cols, size_t n, nq_lang_t lang);

/* The row of JSON object `obj`: one cell per column (absent members empty). */
void csv_json_row(nq_buf_t *t, const json_t *obj, const csv_column_t *cols, size_t n);

#endif
