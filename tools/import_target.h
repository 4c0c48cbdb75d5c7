/* tools/import_target.h — rows of a targets CSV as PUT /api/v1/targets/... requests.
 *
 * Pure: plain data in, a path and a JSON body out, no I/O.
 *
 * The header names the columns `subject`, `id`, `period`, `key` and then one
 * column per metric of docs/metrics.md (sales_amount, visits, coverage, ...),
 * in any order, each by its English name (any case) or a Chinese one
 * (对象, 编号, 周期, 期间; 销售额, 拜访数, 重点客户覆盖率, ...); names are
 * trimmed and a unit in brackets is ignored ("销售额（元）"). A row is one
 * subject and period:
 *   subject  salesperson | team | company   (业务员 | 团队 | 公司)
 *   id       the salesperson's or team's id; empty for the company
 *   period   day | week | month | quarter | year   (日 | 周 | 月 | 季度 | 年)
 *   key      the period's key: 2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026,
 *            or as people write them (import_value_period_key: 2026/11,
 *            2026年11月, 2026年第4季度, ...)
 *   <metric> the target, empty = not set: money in decimal yuan (sent as a
 *            string; "500,000.00" and "¥500,000" too), counts as whole
 *            numbers ("1,200"), ratios as fractions or percentages (0.8 or
 *            80%), scores as numbers. Values are checked by the rules the
 *            gateway applies (nq_metric_parse), so a bad one is caught
 *            before it is sent.
 * A row sets at least one metric: a PUT replaces the period's targets, and an
 * empty one would clear them. Reasons are in the language of msg.h.
 *
 *   import_target_plan_t *plan;
 *   char why[256], path[IMPORT_TARGET_PATH_MAX];
 *   if (import_target_plan_new(&header, &plan, why, sizeof(why)) != 0) die(why);
 *   nq_field_errors_t errs = {0};
 *   json_t *body = import_target_request(plan, &row, path, sizeof(path), &errs);
 *   // PUT path body={"targets":{"sales_amount":"500000.00","visits":80}}
 *   import_target_plan_destroy(&plan);
 */
#ifndef NQ_TOOLS_IMPORT_TARGET_H
#define NQ_TOOLS_IMPORT_TARGET_H

#include <jansson.h>
#include <stddef.h>

#include "import_csv.h"
#include "nq/fielderr.h"

/* Big enough for any path import_target_request writes. */
#define IMPORT_TARGET_PATH_MAX 160

/* How the columns of one CSV header map to a target request. */
typedef struct import_target_plan import_target_plan_t;

/* Read the header row. Returns 0 with *out set (the caller destroys it), or
 * -1 with the reason in why and *out NULL: a missing subject, id,
 * period or key column, no metric column, a name that is neither, a name
 * given twice. */
int import_target_plan_new(const import_csv_row_t *header, import_target_plan_t **out, char *why,
                           size_t why_len);

/* Free a plan; sets *plan to NULL. Safe on NULL. */
void import_target_plan_destroy(import_target_plan_t **plan);

/* The request of one data row: writes its path into path (path_len >=
 * IMPORT_TARGET_PATH_MAX) and returns the body {"targets":{...}} (a new
 * reference), or NULL with every reason in errs (field = the column's name in the header, or
 * "(row)" for a field count other than the header's). NULL with errs empty
 * means out of memory. */
json_t *import_target_request(const import_target_plan_t *plan, const import_csv_row_t *row,
                              char *path, size_t path_len, nq_field_errors_t *errs);

/* What a row is about, for reports: {"subject":..,"id":..,"period":..,"key":..}
 * with the cells as written (an absent or non-UTF-8 cell is left out). New
 * reference, NULL when out of memory. */
json_t *import_target_ident(const import_target_plan_t *plan, const import_csv_row_t *row);

/* The header's name of the column of metric `field` ("sales_amount"), or
 * NULL. Borrowed from plan. */
const char *import_target_label(const import_target_plan_t *plan, const char *field);

/* The other names of metric m ("销售额|销售目标|业绩"), or NULL. */
const char *import_target_metric_aliases(int m);

#endif
