/* activity_json.c — the JSON schema of an activity event. See activity_json.h. */
#include "activity_json.h"

static const pbjson_special_t activity_specials[] = {
    {"amount", "amount_fen", PBJSON_MONEY, false},      {"price", "price_fen", PBJSON_MONEY, false},
    {"occurred_at", "occurred_at", PBJSON_TIME, false}, {"due_at", "due_at", PBJSON_TIME, false},
    {"received_at", "received_at", PBJSON_TIME, true},
};

const pbjson_schema_t gw_activity_schema = {&nq__activity__descriptor, activity_specials,
                                            sizeof(activity_specials) /
                                                sizeof(activity_specials[0])};
