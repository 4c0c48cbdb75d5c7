/* gateway/boardscope.c — leaderboards cut to their caller. See boardscope.h. */
#include "boardscope.h"

#include <string.h>

#include "nq/money.h"

/* What a teammate's entry keeps for a salesperson. */
static const char *const mate_fields[] = {"rank", "previous_rank", "movement", "salesperson_id",
                                          "name"};

static json_t *mate_entry(const json_t *e)
{
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof(mate_fields) / sizeof(mate_fields[0]); i++) {
        json_t *v = json_object_get(e, mate_fields[i]);
        if (v)
            json_object_set(out, mate_fields[i], v);
    }
    return out;
}

/* The sum of the entries' values, in their unit: integers summed, money
 * (text yuan) summed in fen; null when the values are neither (scores,
 * ratios: a sum would mean nothing). */
static json_t *values_sum(const json_t *entries)
{
    int64_t sum = 0;
    bool money = false, count = false;
    size_t i;
    json_t *e;
    json_array_foreach (entries, i, e) {
        const json_t *v = json_object_get(e, "value");
        int64_t fen;
        if (json_is_integer(v) && !money) {
            count = true;
            sum += json_integer_value(v);
        } else if (json_is_string(v) && !count &&
                   nq_money_parse(json_string_value(v), &fen, NULL) == 0) {
            money = true;
            sum += fen;
        } else if (!json_is_null(v)) {
            return json_null();
        }
    }
    if (!money)
        return json_integer(sum);
    char text[NQ_MONEY_BUF];
    nq_money_format(sum, text, sizeof(text));
    return json_string(text);
}

void gw_board_scope(json_t *board, const gw_scope_t *s, bool company, const char *const *teams,
                    const char *own_team, bool mates_visible)
{
    json_t *entries = json_object_get(board, "entries");
    if (gw_scope_all(s) || !json_is_array(entries) || (s->reach == NQ_REACH_TEAMS && !company))
        return;
    json_t *kept = json_array();
    bool by_value = !json_object_get(board, "by") &&
                    json_is_string(json_object_get(board, "metric")) &&
                    strcmp(json_string_value(json_object_get(board, "metric")), "score") != 0;
    size_t i;
    json_t *e;
    json_array_foreach (entries, i, e) {
        const char *sp = json_string_value(json_object_get(e, "salesperson_id"));
        const char *team = teams && teams[i] ? teams[i] : "";
        if (s->reach == NQ_REACH_TEAMS) {
            if (gw_scope_sees_team(s, team))
                json_array_append(kept, e);
        } else if (gw_scope_sees_salesperson(s, sp, team)) {
            json_array_append(kept, e);
        } else if (mates_visible && own_team && *own_team && strcmp(team, own_team) == 0) {
            json_array_append_new(kept, mate_entry(e));
        }
    }
    if (s->reach == NQ_REACH_TEAMS)
        json_object_set_new(board, "company_totals",
                            json_pack("{s:I, s:o}", "salespeople",
                                      (json_int_t)json_array_size(entries), "value",
                                      by_value ? values_sum(entries) : json_null()));
    json_object_set_new(board, "entries", kept);
}

bool gw_board_mates_visible(const char *settings)
{
    json_t *doc = settings && *settings ? json_loads(settings, 0, NULL) : NULL;
    bool visible = json_is_true(json_object_get(doc, "leaderboard_visible"));
    json_decref(doc);
    return visible;
}
