/* tools/import_activity.h — rows of an activity file as events of POST /api/v1/activities.
 *
 * Pure: plain data in, JSON out, no I/O. nqctl import activities reads the
 * file with import_csv.h and sends what this module builds.
 *
 * CSV: the header row names the columns, each a JSON field of an event
 * (docs/api.md) by its English name (any case) or a Chinese one (业务员 for
 * salesperson_id, 金额 for amount, ...: the table in import_activity.c and
 * docs/nqctl.md); a unit in brackets after the name is ignored ("金额（元）").
 *   - text fields are sent as the cell's text: ids, source, notes, ...;
 *   - type is an activity type by its API name or its Chinese name (拜访,
 *     电话, 订单, 回款, ...: import_types of import_alias.h), and direction,
 *     priority and channel likewise;
 *   - times (occurred_at, due_at) as import_value_time reads them: local
 *     times ("2026/12/4 9:30") become RFC 3339 in the zone in force;
 *   - money (amount, price) as decimal yuan text, thousands separators and
 *     a ¥ dropped ("86,000.00" -> "86000.00"), for the gateway to parse
 *     exactly;
 *   - duration_s, line_count, rating, nps, score are whole numbers ("1,800");
 *   - on_time is a yes/no cell (true, false, 是, 否, ...);
 *   - location.lat, location.lng, location.accuracy_m (纬度, 经度, 定位精度)
 *     are numbers and build the nested "location" object;
 *   - attr.<key> columns become entries of "attributes" (<key> as written).
 * An empty cell leaves its field out. Names are trimmed and full-width forms
 * folded. The header must name event_id, type, salesperson_id and
 * occurred_at; an unknown, duplicated (two names of one field) or empty
 * column name is an error of the header, before any row is read. Ranges and
 * which fields a type needs are the gateway's to check.
 *
 * Reasons are in the language of msg.h; a field error names the column as
 * the header writes it.
 *
 * NDJSON: each line must be one JSON object; it is sent byte for byte.
 *
 *   import_activity_plan_t *plan;
 *   char why[256];
 *   if (import_activity_plan_new(&header, &plan, why, sizeof(why)) != 0) die(why);
 *   nq_field_errors_t errs = {0};
 *   json_t *ev = import_activity_event(plan, &row, &errs);   // NULL: errs says why
 *   ...
 *   import_activity_plan_destroy(&plan);
 */
#ifndef NQ_TOOLS_IMPORT_ACTIVITY_H
#define NQ_TOOLS_IMPORT_ACTIVITY_H

#include <jansson.h>
#include <stddef.h>

#include "import_csv.h"
#include "nq/fielderr.h"

/* How the columns of one CSV header map to event fields. */
typedef struct import_activity_plan import_activity_plan_t;

/* Read the header row. Returns 0 with *out set (the caller destroys it), or
 * -1 with the reason in why ("header: column 3 'amout' is not an event
 * field ...") and *out NULL. */
int import_activity_plan_new(const import_csv_row_t *header, import_activity_plan_t **out,
                             char *why, size_t why_len);

/* Free a plan; sets *plan to NULL. Safe on NULL. */
void import_activity_plan_destroy(import_activity_plan_t **plan);

/* The event of one data row (a new reference), or NULL with the reasons in
 * errs: a row whose field count is not the header's (field "(row)"), a cell
 * that is not what its column holds (a whole number, an amount, a time, a
 * type, ...) or not valid UTF-8 (field = the column's name in the header).
 * NULL with errs empty means out of memory. */
json_t *import_activity_event(const import_activity_plan_t *plan, const import_csv_row_t *row,
                              nq_field_errors_t *errs);

/* The header's name of the column holding the event's field `field` (a
 * JSON name as the gateway's errors give it: "amount", "location.lat",
 * "attributes.region"), or NULL when no column holds it. Borrowed from plan. */
const char *import_activity_label(const import_activity_plan_t *plan, const char *field);

/* The row's event_id cell (borrowed from row), or NULL when it has none. */
const char *import_activity_event_id(const import_activity_plan_t *plan,
                                     const import_csv_row_t *row);

/* Check one NDJSON line (without its line end): returns the parsed object (a
 * new reference) or NULL with the reason in errs (field "(line)"): not JSON,
 * not an object. Duplicate keys are refused, as the gateway does. A line of
 * only spaces and tabs is no event: NULL with errs empty. */
json_t *import_activity_ndjson(const char *line, size_t len, nq_field_errors_t *errs);

#endif
