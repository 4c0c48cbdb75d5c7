/* tools/import_alias.h — the names people give columns and values, and the API's names.
 *
 * Pure. A Chinese spreadsheet says 业务员 where the API says salesperson_id,
 * and 拜访 where it says visit. Each import keeps a table of its columns
 * whose rows start with an import_name_t (the API name and its aliases);
 * the value tables below (types, statuses, ...) are import_name_t arrays.
 * A text names an entry when, after folding full-width forms and trimming
 * (import_fold.h), it equals the name or one of the aliases, ASCII
 * letters in any case. A header may add a unit in brackets: "金额（元）" and
 * "时长(秒)" name 金额 and 时长.
 *
 *   static const struct { import_name_t n; int kind; } cols[] = {
 *       {{"salesperson_id", "业务员|销售员"}, K_TEXT}, ...};
 *   int i = import_name_find(cols, N, sizeof(cols[0]), "业务员");   // 0
 *   const import_name_t *t = import_name_value(import_types, import_types_n, "拜访");
 *   // t->name is "visit"
 */
#ifndef NQ_TOOLS_IMPORT_ALIAS_H
#define NQ_TOOLS_IMPORT_ALIAS_H

#include <stdbool.h>
#include <stddef.h>

#include "import_csv.h"

/* A name of the API and what else people call it. */
typedef struct import_name {
    const char *name;    /* the API's name: "salesperson_id", "visit" */
    const char *aliases; /* other names separated by '|' ("业务员|销售员"), or NULL */
} import_name_t;

/* Index of the entry of table[0..count) that `text` names, or -1. Entries
 * are `stride` bytes apart and each starts with an import_name_t. */
int import_name_find(const void *table, size_t count, size_t stride, const char *text);

/* The entry of a value table that `text` names, or NULL. */
const import_name_t *import_name_value(const import_name_t *table, size_t count, const char *text);

/* "visit (拜访), call (电话), ..." — each name with its first alias — into
 * buf (truncated to fit). */
void import_name_list(const import_name_t *table, size_t count, char *buf, size_t len);

/* The aliases of n separated by ", " ("业务员, 销售员") into buf. */
void import_name_aliases(const import_name_t *n, char *buf, size_t len);

#define IMPORT_LABEL_MAX 128 /* longest column name of a header, in bytes */

/* Column i of a header as a name: trimmed, at most IMPORT_LABEL_MAX - 1
 * bytes of UTF-8, not empty. Returns 0 with label filled, or -1 with the
 * reason in why ("header: column 3 has no name"). */
int import_label_of(const import_csv_row_t *header, size_t i, char *label, size_t cap, char *why,
                    size_t why_len);

/* The names of a header's first n columns (import_label_of each), in *labels,
 * an array of n strings for import_labels_free. Returns 0, or -1 with the
 * reason in why (*labels NULL). */
int import_labels_of(const import_csv_row_t *header, size_t n, char ***labels, char *why,
                     size_t why_len);

void import_labels_free(char **labels, size_t n);

/* Activity types (docs/api.md) and their Chinese names. */
extern const import_name_t import_types[];
extern const size_t import_types_n;

/* Salesperson statuses: active 在职, leave 休假, left 离职. */
extern const import_name_t import_statuses[];
extern const size_t import_statuses_n;

/* Customer classes: key 重点, normal 普通, potential 潜在. */
extern const import_name_t import_classes[];
extern const size_t import_classes_n;

/* Customer statuses: active 活跃, dormant 休眠, lost 流失, pool 公海. */
extern const import_name_t import_customer_statuses[];
extern const size_t import_customer_statuses_n;

/* Target subjects: salesperson 业务员, team 团队, company 公司. */
extern const import_name_t import_subjects[];
extern const size_t import_subjects_n;

/* Period kinds: day 日, week 周, month 月, quarter 季度, year 年. */
extern const import_name_t import_periods[];
extern const size_t import_periods_n;

/* Call directions, ticket priorities and feedback channels. */
extern const import_name_t import_directions[];
extern const size_t import_directions_n;
extern const import_name_t import_priorities[];
extern const size_t import_priorities_n;
extern const import_name_t import_channels[];
extern const size_t import_channels_n;

#endif
