/* gateway/orgnames.h — names next to the org ids of an answer (pure).
 *
 * A customer's owner_id, pool_team and each owner_history entry's owner_id,
 * a salesperson's team_id, an event's salesperson_id and that of each note
 * of a competitor intel item: the answer carries owner_name, pool_team_name,
 * owner_name, team_name and salesperson_name beside them, so a caller who sees the record
 * sees who its ids are even when the salespeople list shows them only
 * themselves (a salesperson). The reader (h_org.c) fetches what
 * gw_names_needed lists and hands it back to gw_names_apply:
 *
 *   json_t *need = gw_names_needed(items);   // {"s:sp-lina": null, "t:t-east": null}
 *   ... each key's name read: json_object_set_new(need, key, json_string("李娜")) ...
 *   gw_names_apply(items, need);             // items[i].owner_name = "李娜", ...
 *   json_decref(need);
 *
 * Keys are "s:<salesperson id>" or "t:<team id>"; only valid ids are listed.
 * An id whose name is unknown (not a string in `names`) gets no name member.
 */
#ifndef NQ_GATEWAY_ORGNAMES_H
#define NQ_GATEWAY_ORGNAMES_H

#include <jansson.h>

/* The kinds of the keys: a salesperson's, a team's. */
#define GW_NAME_SP   's'
#define GW_NAME_TEAM 't'

/* Each distinct id the records name, as an object key -> null. `records`
 * is one record (an object) or an array of them. New reference, or NULL
 * out of memory. */
json_t *gw_names_needed(const json_t *records);

/* Write the names of `names` (key -> string) beside the ids of `records`. */
void gw_names_apply(json_t *records, const json_t *names);

/* The kind and id of a key of gw_names_needed ("s:sp-lina": 's', "sp-lina"). */
char gw_names_kind(const char *key, const char **id);

#endif
