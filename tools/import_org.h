/* tools/import_org.h — rows of a teams, salespeople or customers CSV as PUTs of the org API.
 *
 * Pure: plain data in, a path and a JSON body out, no I/O. Each row is one
 * `PUT /api/v1/teams/{id}`, `/salespeople/{id}` or `/customers/{id}`
 * (docs/api.md), so importing a file twice stores the same thing twice.
 *
 * Columns, by their English name (any case) or a Chinese one; a unit in
 * brackets after a name is ignored; `id` and `name` are required:
 *   teams        id 编号 · name 名称 · coordinators 内勤 · members 成员 ·
 *                effective_from 生效日期
 *   salespeople  id 编号/工号 · name 姓名 · team_id 团队 · status 状态 ·
 *                effective_from 生效日期 · status_from 状态生效日期
 *   customers    id 编号 · name 名称 · class 级别/分类 · owner_id 负责人 ·
 *                since 起始/生效日期
 * (all names: the tables in import_org.c and docs/nqctl.md). Cells:
 *   - id, team_id, owner_id: ids (1-64 of A-Z a-z 0-9 _ . : -), checked here;
 *   - name: text, required;
 *   - coordinators, members: ids separated by , ; 、 ， ； or spaces;
 *   - status: active 在职 | leave 休假 | left 离职; class: key 重点 |
 *     normal 普通 | potential 潜在 (API or Chinese names, any case);
 *   - effective_from, status_from, since: dates or times as import_value.h
 *     reads them, sent as RFC 3339 in the zone (the day a team or status
 *     applies from; when a customer's owner and class took effect).
 * An empty cell leaves the field out (the API's default: status active,
 * class normal, no team, no owner = in the pool, no members). Reasons are in
 * the language of msg.h; a field error names the column as the header does.
 *
 *   import_org_plan_t *plan;
 *   char why[300], path[IMPORT_ORG_PATH_MAX];
 *   if (import_org_plan_new(IMPORT_ORG_SALESPEOPLE, &header, &plan, why, sizeof(why)) != 0)
 *       die(why);
 *   nq_field_errors_t errs = {0};
 *   json_t *body = import_org_request(plan, &row, path, sizeof(path), &errs);
 *   // PUT /api/v1/salespeople/sp-01 {"name":"张伟","team_id":"t-east","status":"active"}
 *   import_org_plan_destroy(&plan);
 */
#ifndef NQ_TOOLS_IMPORT_ORG_H
#define NQ_TOOLS_IMPORT_ORG_H

#include <jansson.h>
#include <stddef.h>

#include "import_csv.h"
#include "nq/fielderr.h"

/* Big enough for any path import_org_request writes. */
#define IMPORT_ORG_PATH_MAX 100

typedef enum {
    IMPORT_ORG_TEAMS,
    IMPORT_ORG_SALESPEOPLE,
    IMPORT_ORG_CUSTOMERS,
    IMPORT_ORG_KINDS
} import_org_kind_t;

/* How the columns of one header map to an entity. */
typedef struct import_org_plan import_org_plan_t;

/* Read the header row of a `kind` file. Returns 0 with *out set (the caller
 * destroys it), or -1 with the reason in why and *out NULL: a name that is no
 * column of the kind, a column named twice, no id or name column. */
int import_org_plan_new(import_org_kind_t kind, const import_csv_row_t *header,
                        import_org_plan_t **out, char *why, size_t why_len);

/* Free a plan; sets *plan to NULL. Safe on NULL. */
void import_org_plan_destroy(import_org_plan_t **plan);

/* The request of one data row: writes its path into path (path_len >=
 * IMPORT_ORG_PATH_MAX) and returns the body (a new reference), or NULL with
 * every reason in errs (field = the column's name in the header, or "(row)"
 * for a field count other than the header's). NULL with errs empty means
 * out of memory. */
json_t *import_org_request(const import_org_plan_t *plan, const import_csv_row_t *row, char *path,
                           size_t path_len, nq_field_errors_t *errs);

/* What a row is about, for reports: {"id": the id cell} (left out when the
 * cell is absent, empty or not UTF-8). New reference, NULL when out of
 * memory. */
json_t *import_org_ident(const import_org_plan_t *plan, const import_csv_row_t *row);

/* The header's name of the column of API field `field` ("team_id",
 * "coordinators[2]" names coordinators), or NULL. Borrowed from plan. */
const char *import_org_label(const import_org_plan_t *plan, const char *field);

#endif
