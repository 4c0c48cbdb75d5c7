/* gateway/csvout.c — CSV text for exports (see csvout.h). */
#include "csvout.h"

#include <string.h>

/* A spreadsheet reads a cell starting with one of these as a formula. */
#define FORMULA_STARTS "=+-@\t\r"

void csv_cell(nq_buf_t *t, const char *text)
{
    if (!text)
        return;
    bool quoted = text[strcspn(text, ",\"\r\n")] != '\0';
    if (quoted)
        nq_buf_addch(t, '"');
    if (*text && strchr(FORMULA_STARTS, *text))
        nq_buf_addch(t, '\'');
    for (const char *p = text; *p;) {
        size_t run = strcspn(p, "\"");
        nq_buf_add(t, p, run);
        p += run;
        if (*p == '"') {
            nq_buf_adds(t, "\"\"");
            p++;
        }
    }
    if (quoted)
        nq_buf_addch(t, '"');
}

void csv_json_cell(nq_buf_t *t, const json_t *v)
{
    if (json_is_string(v)) {
        csv_cell(t, json_string_value(v));
    } else if (json_is_array(v)) {
        nq_buf_t joined = NQ_BUF_INIT;
        size_t i;
        json_t *item;
        json_array_foreach (v, i, item) {
            if (i)
                nq_buf_addch(&joined, ';');
            if (json_is_string(item))
                nq_buf_adds(&joined, json_string_value(item));
        }
        if (joined.failed)
            t->failed = true;
        else
            csv_cell(t, joined.buf);
        nq_buf_release(&joined);
    } else if (json_is_integer(v)) {
        nq_buf_addi64(t, json_integer_value(v));
    } else if (json_is_real(v)) {
        nq_buf_addf(t, "%.10g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        nq_buf_adds(t, json_is_true(v) ? "true" : "false");
    }
}

void csv_header(nq_buf_t *t, const csv_column_t *cols, size_t n, nq_lang_t lang)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            nq_buf_addch(t, ',');
        csv_cell(t, lang == NQ_LANG_ZH ? cols[i].zh : cols[i].en);
    }
    nq_buf_adds(t, "\r\n");
}

void csv_json_row(nq_buf_t *t, const json_t *obj, const csv_column_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            nq_buf_addch(t, ',');
        csv_json_cell(t, json_object_get(obj, cols[i].field));
    }
    nq_buf_adds(t, "\r\n");
}
