/* tools/import_activity.h — rows of an activity file as events of POST /api/v1/activities.
 *
 * Pure: plain data in, JSON out, no I/O. nqctl import activities reads the
 * file with import_csv.h and sends what this module builds.
 *
 * CSV: the header row names the columns, each a JSON field of an event
 * (docs/api.md):
 *   - text fields are sent as the cell's text: ids, type, source, times
 *     (occurred_at, due_at: RFC 3339, a date or Unix ms; the gateway parses
 *     them), money (amount, price: decimal yuan, kept as strings so the
 *     gateway parses them exactly), notes, purpose, ...;
 *   - duration_s, line_count, rating, nps, score are whole numbers;
 *   - on_time is true or false (any case);
 *   - location.lat, location.lng, location.accuracy_m are numbers and build
 *     the nested "location" object;
 *   - attr.<key> columns become entries of "attributes" (<key> as written).
 * An empty cell leaves its field out. Header names are trimmed of spaces.
 * The header must name event_id, type, salesperson_id and occurred_at; an
 * unknown, duplicated or empty column name is an error of the header, before
 * any row is read. Ranges and the rules of each event type are the
 * gateway's to check: a row that converts is sent as is.
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
 * -1 with an English reason in why ("column 3 'amout' is not an event field
 * ...") and *out NULL. */
int import_activity_plan_new(const import_csv_row_t *header, import_activity_plan_t **out,
                             char *why, size_t why_len);

/* Free a plan; sets *plan to NULL. Safe on NULL. */
void import_activity_plan_destroy(import_activity_plan_t **plan);

/* The event of one data row (a new reference), or NULL with the reasons in
 * errs: a row whose field count is not the header's (field "(row)"), a cell
 * that is not a whole number, number or boolean where one is needed, or text
 * that is not valid UTF-8 (field = the column's JSON name). NULL with errs
 * empty means out of memory. */
json_t *import_activity_event(const import_activity_plan_t *plan, const import_csv_row_t *row,
                              nq_field_errors_t *errs);

/* The row's event_id cell (borrowed from row), or NULL when it has none. */
const char *import_activity_event_id(const import_activity_plan_t *plan,
                                     const import_csv_row_t *row);

/* Check one NDJSON line (without its line end): returns the parsed object (a
 * new reference) or NULL with the reason in errs (field "(line)"): not JSON,
 * not an object. Duplicate keys are refused, as the gateway does. A line of
 * only spaces and tabs is no event: NULL with errs empty. */
json_t *import_activity_ndjson(const char *line, size_t len, nq_field_errors_t *errs);

#endif
