/* test_scripts_cluster.c — every registered script on a private Redis in
 * cluster mode (redis-server --cluster-enabled yes, every slot its own).
 *
 * What it checks, per script of nq/scripts.def:
 *   - SCRIPT LOAD answers the SHA1 the build computed (nq/scripts.h): the
 *     EVALSHA the services send names the text they embed;
 *   - run once on a realistic call (the table below, every path of the
 *     script that touches keys) with every key it is given under one hash
 *     tag, it touches no other key. A script flagged as new-style (a
 *     "#!lua" first line) may touch keys of one slot only, so any key it
 *     built itself (from ARGV, from a reply) would be in another slot and
 *     fail the call;
 *   - a read-only row (EVALSHA_RO) writes nothing ("#!lua flags=no-writes"
 *     under EVAL_RO refuses every write).
 * The static check (tests/unit/test_scripts.c) covers every line; this one
 * confirms with Redis itself, on the paths the calls below take.
 */
#include <hiredis/hiredis.h>
#include <stdint.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nq/scripts.h"
#include "nq/suite.h"
#include "nq_test.h"

#define T  "{t}:" /* every key: one slot */
#define US "\x1f" /* the unit separator of intel members (nq/intel.h) */

static nq_suite_t *s_suite; /* the private Redis in cluster mode (nq/suite.h) */
static redisContext *s_c;
static char s_dir[] = "/tmp/nq-scripts-cluster.XXXXXX";

/* A call of a script: its keys and arguments (NULL-terminated). */
typedef struct sample {
    nq_script_id_t id;
    const char *keys[24];
    const char *args[64];
} sample_t;

/* Realistic calls, one or more per script, in an order where each finds what
 * the earlier ones wrote (setup below adds the rest). */
static const sample_t samples[] = {
    {NQ_SCRIPT_ID_INGEST_APPEND,
     {T "log", T "accepted", T "scored", T "buckets", T "sps", T "sps:archived", T "customers",
      T "unknown:sps", T "unknown:customers", T "bucket:1", T "feed:seen:erp:ab"},
     {"1795000000", "4102444800", "1", "600", "2", "packed", "accept", "1795000000000", "1,1;1,0;",
      "1", "ev-1", "d1", "ev-2", "d2", "sp-1", "2", "cu-1", "1"}},
    /* the same delivery again: refused */
    {NQ_SCRIPT_ID_INGEST_APPEND,
     {T "log", T "accepted", T "scored", T "buckets", T "sps", T "sps:archived", T "customers",
      T "unknown:sps", T "unknown:customers", T "bucket:1", T "feed:seen:erp:ab"},
     {"1795000000", "4102444800", "1", "600", "1", "packed", "accept", "1795000000000", "0,0;", "0",
      "ev-3", "d3"}},
    /* no delivery: a duplicate, a conflict, a new event of an unknown salesperson */
    {NQ_SCRIPT_ID_INGEST_APPEND,
     {T "log", T "accepted", T "scored", T "buckets", T "sps", T "sps:archived", T "customers",
      T "unknown:sps", T "unknown:customers", T "bucket:1"},
     {"1795000001", "4102444800", "1", "", "3", "packed", "accept", "1795000001000", "1,0;1,0;1,0;",
      "1", "ev-1", "d1", "ev-2", "dX", "ev-4", "d4", "sp-x", "3"}},
    /* the index lists a bucket not given: nothing written, it is named */
    {NQ_SCRIPT_ID_INGEST_APPEND,
     {T "log", T "accepted", T "scored", T "buckets2", T "sps", T "sps:archived", T "customers",
      T "unknown:sps", T "unknown:customers", T "bucket:2"},
     {"1795000002", "4102444800", "1", "", "1", "packed", "accept", "1795000002000", "0,0;", "0",
      "ev-9", "d9"}},
    {NQ_SCRIPT_ID_REBUILD_REQUEST,
     {T "job"},
     {"0", "1795000000000", "requested", "", "done", "failed"}},
    {NQ_SCRIPT_ID_REBUILD_CLAIM,
     {T "job"},
     {"me", "1795000000000", "15000", "scanning", "1", "requested", "scanning", "pausing",
      "swapping"}},
    {NQ_SCRIPT_ID_REBUILD_UPDATE, {T "job"}, {"me", "1", "state", "pausing", "scanned", "3"}},
    {NQ_SCRIPT_ID_REBUILD_RANGE, {T "stream"}, {"0-0", "+", "100", "10"}},
    {NQ_SCRIPT_ID_SCORER_PULL, {T "stream", T "paused"}, {"g", "c1", "100", "10"}},
    {NQ_SCRIPT_ID_SCORER_GUARD, {T "stream", T "claims", T "unchecked"}, {"g", "c1", "1", "1-1"}},
    {NQ_SCRIPT_ID_SCORER_GUARD, {T "stream", T "claims", T "unchecked"}, {"g", "c2", "1", "1-1"}},
    {NQ_SCRIPT_ID_SCORER_RECLAIM, {T "stream", T "claims"}, {"g", "c2", "0", "0-0", "10"}},
    {NQ_SCRIPT_ID_SALESPERSON_WRITE,
     {T "sp:1", T "sp:1:teams", T "sp:1:status", T "names", T "sps", T "sps:archived", T "teams",
      T "version", T "team:t1:members", T "ix:sps:status=leave", T "ix:sps:status=left",
      T "ix:sps:archived=1", T "ix:sps", T "ix:sps:team=t1", T "ix:sps:status=active",
      T "ix:sps:archived=0"},
     {"sp-1", "Li", "t1", "active", "1795000000000", "", "", "", "0", "", "3", "4", "1", "0|t1",
      "0"}},
    {NQ_SCRIPT_ID_SALESPERSON_WRITE,
     {T "sp:1", T "sp:1:teams", T "sp:1:status", T "names", T "sps", T "sps:archived", T "teams",
      T "version", T "ix:sps:team=t1", T "ix:sps:status=active", T "ix:sps:status=leave",
      T "ix:sps:archived=0", T "ix:sps", T "ix:sps:team=", T "ix:sps:status=left",
      T "ix:sps:archived=1"},
     {"sp-1", "Li", "", "left", "1795000000000", "", "0|t1", "", "1", "1795000000000", "4", "4",
      "2", "0|t1", "1794960000000|", "1", "1794960000000|left"}},
    {NQ_SCRIPT_ID_TEAM_WRITE,
     {T "team:t1", T "teams", T "teams:archived", T "sps", T "team:t1:members", T "version",
      T "ix:teams:archived=1", T "ix:teams", T "ix:teams:archived=0", T "sp:2:teams", T "sp:2",
      T "ix:sps:team=", T "ix:sps:team=t1"},
     {"t1", "East", "[]", "1795000000000", "sp-1", "1", "0", "1", "2", "sp-2", "1", "", "t1", "1",
      "0|t1"}},
    {NQ_SCRIPT_ID_CUSTOMER_PUT,
     {T "cust:1",
      T "customers",
      T "sps",
      T "cust:1:owners",
      T "fu:last",
      T "fu:due",
      T "ix:cu:overdue=followup",
      T "cadence",
      T "sp:2",
      T "ix:cu:sort=name",
      T "ix:cu:sort=created",
      T "ix:cu:sort=last_contact",
      T "ix:cu:sort=next_followup",
      T "ix:cu:sort=by_owner",
      T "ix:cu:owner=sp-2",
      T "ix:cu:class=key",
      T "pool:due",
      T "ix:cu:owner=",
      T "ix:cu:class=normal",
      T "ix:cu:class=potential",
      T "ix:cu",
      T "ix:cu:owner=sp-2",
      T "ix:cu:class=key"},
     {"cu-1",     "1795000000000",
      "",         "",
      "",         "new",
      "28800000", "7",
      "30",       "14",
      "3",        "3",
      "",         "",
      "name",     "Acme",
      "owner_id", "sp-2",
      "class",    "key"}},
    {NQ_SCRIPT_ID_KEYSET_CHANGE,
     {T "sp:1:key", T "sp:1:key_log"},
     {"+", "cu-1", "1795000000000", "12"}},
    {NQ_SCRIPT_ID_ORG_LAYOUT_READ, {T "layout", T "sps", T "teams"}, {NULL}},
    {NQ_SCRIPT_ID_ORG_LAYOUT_WRITE,
     {T "layout", T "version", T "sp:9:teams", T "sp:9:status", T "sp:9", T "team:t9",
      T "team:t9:members"},
     {"2", "1", "1", "sp-9", "t9", "leave", "t9"}},
    {NQ_SCRIPT_ID_KEYSET_AT_END,
     {T "sp:1:key", T "sp:1:key_log", T "sp:1:visited:1", T "sp:1:visited:2"},
     {"1794000000000", "12"}},
    {NQ_SCRIPT_ID_KPI_COMPLETION, {T "sp:1:ontime", T "sp:1:due:1"}, {NULL}},
    {NQ_SCRIPT_ID_KPI_COMPLETION, {T "sp:1:ontime", T "sp:1:due:1", T "sp:1:due:2"}, {NULL}},
    {NQ_SCRIPT_ID_TARGET_REPLACE,
     {T "target", T "target:version"},
     {"visits", "5", "_updated_at", "1"}},
    {NQ_SCRIPT_ID_PLAN_ADD_VERSION, {T "plans"}, {"1794000000000", "\"a\":1", "1795000000000"}},
    /* alerting: the context, a raise (with a price), the same again (raised
     * before), a price that moved meanwhile (conflict), a change, the reads */
    {NQ_SCRIPT_ID_ALERT_CONTEXT, {T "alert:rules", T "alert:prices", T "sp:1"}, {"3:abcA1"}},
    {NQ_SCRIPT_ID_ALERT_RAISE,
     {T "stream", T "alerts", T "alert:prices", T "ix:al", T "ix:al:state=open", T "alert:escalate",
      T "alert:timer:open", T "seen:1", T "alert:1", T "ix:al:rule=r", T "ix:al:team=t",
      T "ix:al:salesperson=sp-1"},
     {"g", "60", "1000", "1", "0-1", "1", "3:abcA1", "", "100 1", "1", "payload", "100",
      "credit_limit|cu-1/o-1"}},
    {NQ_SCRIPT_ID_ALERT_RAISE,
     {T "stream", T "alerts", T "alert:prices", T "ix:al", T "ix:al:state=open", T "alert:escalate",
      T "alert:timer:open", T "seen:1", T "alert:1", T "ix:al:rule=r", T "ix:al:team=t",
      T "ix:al:salesperson=sp-1"},
     {"g", "60", "1000", "1", "0-1", "0", "1", "payload", "0", ""}},
    {NQ_SCRIPT_ID_ALERT_RAISE,
     {T "stream", T "alerts", T "alert:prices", T "ix:al", T "ix:al:state=open", T "alert:escalate",
      T "alert:timer:open"},
     {"g", "60", "1000", "0", "1", "3:abcA1", "", "90 2"}},
    {NQ_SCRIPT_ID_ALERT_DEADLINE_LEASE, {T "alert:escalate"}, {"200", "30000", "64"}},
    {NQ_SCRIPT_ID_ALERT_TIMERS_SET,
     {T "alert:timers", T "alert:timer", T "alert:timer:open"},
     {"set", "ticket_sla|tk-1", "100", "ev", "clear", "ticket_sla|tk-2", "0", ""}},
    {NQ_SCRIPT_ID_ALERT_TIMER_DONE,
     {T "alert:timers", T "alert:timer", T "alert:timer:open"},
     {"ticket_sla|tk-1", "100", "fired", "1-abc"}},
    {NQ_SCRIPT_ID_ALERT_CHANGE,
     {T "alert:1", T "alerts", T "ix:al:state=open", T "ix:al:state=open", T "alert:escalate"},
     {"1", "1", "open", "payload2", "1000", "1"}},
    {NQ_SCRIPT_ID_ALERT_CHANGE,
     {T "alert:1", T "alerts", T "ix:al:state=open", T "ix:al:state=resolved", T "alert:escalate"},
     {"2", "1", "resolved", "payload3", "1000", "1"}},
    {NQ_SCRIPT_ID_ALERT_FETCH, {T "alert:1", T "alert:2"}, {NULL}},
    {NQ_SCRIPT_ID_ALERT_NAMES, {T "cust:1", T "team:t1"}, {NULL}},
    {NQ_SCRIPT_ID_ALERT_RULES_WRITE, {T "team:t1", T "alert:rules"}, {"t1", "{\"big_order\":{}}"}},
    {NQ_SCRIPT_ID_ALERT_RULES_READ, {T "team:t1", T "alert:rules"}, {"t1"}},
    {NQ_SCRIPT_ID_ALERT_SCHEDULE_TEAMS, {T "ix:teams:archived=0", T "alert:rules"}, {NULL}},
    {NQ_SCRIPT_ID_ALERT_SCHEDULE_MEMBERS,
     {T "ix:salespeople:team=t1", T "team:t1", T "ix:salespeople:team=", T "team:-"},
     {NULL}},
    /* delivery channels and the delivery queue */
    {NQ_SCRIPT_ID_CHANNEL_PUT, {T "team:t1", T "chs:t1"}, {"ch-1", "{\"id\":\"ch-1\"}", "20"}},
    {NQ_SCRIPT_ID_CHANNEL_LIST, {T "team:t1", T "chs:t1", T "last:t1"}, {NULL}},
    {NQ_SCRIPT_ID_DLV_TEST,
     {T "chs:t1", T "dq", T "dlv:test-1"},
     {"ch-1", "test-1/t1/ch-1", "t1/ch-1", "{\"state\":\"queued\"}", "1000", "60"}},
    {NQ_SCRIPT_ID_DLV_CHANNELS, {T "chs:t1", T "chs:t2"}, {NULL}},
    {NQ_SCRIPT_ID_DLV_ENQUEUE,
     {T "stream", T "dq", T "depth", T "dlv:1"},
     {"g", "1", "0-1", "1/t1/ch-1", "t1/ch-1", "{\"state\":\"queued\"}", "1000"}},
    {NQ_SCRIPT_ID_DLV_CLAIM, {T "dq"}, {"2000", "30000", "64"}},
    {NQ_SCRIPT_ID_DLV_LOAD,
     {T "alert:1", T "dlv:1", T "chs:t1", T "sent:t1/ch-1", T "quiet", T "depth"},
     {"1", "2000", "61000", "t1/ch-1", "ch-1", "t1"}},
    {NQ_SCRIPT_ID_DLV_RESERVE, {T "sent:t1/ch-1"}, {"2000", "61000", "m:1", "600", "2"}},
    {NQ_SCRIPT_ID_DLV_DONE,
     {T "dq", T "dlv:1", T "dead:t1", T "depth", T "last:t1"},
     {"1/t1/ch-1", "t1/ch-1", "{\"state\":\"queued\"}", "retry", "5000", "1", "t1/ch-1", "ch-1",
      "{}"}},
    {NQ_SCRIPT_ID_DLV_DONE,
     {T "dq", T "dlv:1", T "dead:t1", T "depth", T "last:t1"},
     {"1/t1/ch-1", "t1/ch-1", "{\"state\":\"dead\"}", "dead", "0", "1", "t1/ch-1", "ch-1", "{}"}},
    {NQ_SCRIPT_ID_DLV_DEAD_LIST, {T "team:t1", T "dead:t1"}, {NULL}},
    {NQ_SCRIPT_ID_DLV_REDRIVE,
     {T "dead:t1", T "dq", T "depth", T "dlv:1"},
     {"9000", "1/t1/ch-1", "t1/ch-1"}},
    {NQ_SCRIPT_ID_CHANNEL_DELETE, {T "chs:t1", T "last:t1"}, {"ch-1"}},
    {NQ_SCRIPT_ID_LIST_PAGE, {T "ix:al", T "ix:al:state=resolved"}, {"", "50", "200", "desc"}},
    {NQ_SCRIPT_ID_ORG_UNKNOWN,
     {T "unknown:sps", T "unknown:customers", T "sps", T "sps:archived", T "customers"},
     {NULL}},
    /* the activity index: a pull of the indexer's group, a replay for the
     * job requested above (then none: done already), pages filtered or not */
    {NQ_SCRIPT_ID_ACTINDEX_PULL, {T "stream"}, {"ix", "i1", "100", "10"}},
    {NQ_SCRIPT_ID_ACTINDEX_REPLAY,
     {T "job", T "actindex:replayed", T "stream"},
     {"requested_at", "ix"}},
    {NQ_SCRIPT_ID_ACTINDEX_REPLAY,
     {T "job", T "actindex:replayed", T "stream"},
     {"requested_at", "ix"}},
    {NQ_SCRIPT_ID_ACTINDEX_PAGE, {T "sp:1:timeline"}, {"+", "-", "2", "2", "", ""}},
    {NQ_SCRIPT_ID_ACTINDEX_PAGE, {T "cust:1:timeline"}, {"+", "-", "51", "2000", ",call,", "sp-1"}},
    /* the org lists: a page, the indexes built, a customer put then deleted */
    {NQ_SCRIPT_ID_LIST_PAGE, {T "ix:cu:class=key", T "ix:cu:owner=sp-2"}, {"", "50", "200"}},
    /* a team's: its members' owner indexes as a group */
    {NQ_SCRIPT_ID_LIST_PAGE,
     {T "ix:cu:class=key", T "ix:cu:owner=sp-1", T "ix:cu:owner=sp-2"},
     {"", "50", "200", "", "2"}},
    /* a team's pool: its members' owner indexes and its pool's as the group */
    {NQ_SCRIPT_ID_LIST_PAGE,
     {T "ix:cu:status=pool", T "ix:cu:owner=sp-1", T "ix:cu:pool_team=t-1"},
     {"", "50", "200", "", "2"}},
    /* a team's sorted page: its members' and its pool's ranges of the index by owner */
    {NQ_SCRIPT_ID_LIST_PAGE,
     {T "ix:cu:sort=name", T "ix:cu:class=key", T "ix:cu:owner=sp-1", T "ix:cu:owner=sp-2",
      T "ix:cu:pool_team=t-1", T "ix:cu:sort=by_owner"},
     {"", "50", "200", "", "3", "sorted", "1", "sp-1", "sp-2", "pool=t-1"}},
    /* a sorted page: the sort index walked, from the last */
    {NQ_SCRIPT_ID_LIST_PAGE,
     {T "ix:cu:sort=name", T "ix:cu:class=key"},
     {"", "50", "200", "desc", "0", "sorted"}},
    {NQ_SCRIPT_ID_IX_BUILD,
     {T "cust:1", T "ix:cu", T "ix:cu:owner=sp-2", T "ix:cu:class=key"},
     {"1", "2", "0", "owner_id", "class", "cu-1", "3", "sp-2", "key"}},
    /* customers: their sort indexes too */
    {NQ_SCRIPT_ID_IX_BUILD,
     {T "ix:cu:sort=name", T "ix:cu:sort=created", T "ix:cu:sort=last_contact",
      T "ix:cu:sort=next_followup", T "ix:cu:sort=by_owner", T "cust:1", T "ix:cu",
      T "ix:cu:owner=sp-2", T "ix:cu:class=key"},
     {"1", "2", "5", "owner_id", "class", "cu-1", "3", "sp-2", "key"}},
    {NQ_SCRIPT_ID_CUSTOMER_PUT,
     {T "cust:2",
      T "customers",
      T "sps",
      T "cust:2:owners",
      T "fu:last",
      T "fu:due",
      T "ix:cu:overdue=followup",
      T "cadence",
      T "sp:2",
      T "ix:cu:sort=name",
      T "ix:cu:sort=created",
      T "ix:cu:sort=last_contact",
      T "ix:cu:sort=next_followup",
      T "ix:cu:sort=by_owner",
      T "ix:cu:owner=sp-2",
      T "ix:cu:class=key",
      T "pool:due",
      T "ix:cu:class=normal",
      T "ix:cu:class=potential",
      T "ix:cu",
      T "ix:cu:owner=sp-2",
      T "ix:cu:class=key"},
     {"cu-2",     "1795000000000",
      "",         "",
      "",         "",
      "28800000", "7",
      "30",       "14",
      "2",        "3",
      "",         "",
      "name",     "Beta",
      "owner_id", "sp-2",
      "class",    "key"}},
    /* a PATCH of it: its rev checked, a new owner with a reason */
    {NQ_SCRIPT_ID_CUSTOMER_PUT,
     {T "cust:2", T "customers", T "sps", T "cust:2:owners", T "fu:last", T "fu:due",
      T "ix:cu:overdue=followup", T "cadence", T "sp:2", T "ix:cu:sort=name",
      T "ix:cu:sort=created", T "ix:cu:sort=last_contact", T "ix:cu:sort=next_followup",
      T "ix:cu:sort=by_owner", T "ix:cu:owner=", T "ix:cu:class=key", T "pool:due",
      T "ix:cu:owner=sp-2"},
     {"cu-2", "1795000000001", "", "sp-2", "1", "moved", "28800000", "7", "30", "14", "1", "0", "",
      "", "owner_id", "", "class", "key"}},
    /* two customers' events of a batch: their timelines and summary figures */
    {NQ_SCRIPT_ID_CUSTOMER_EVENTS,
     {T "signals", T "cust:1:timeline", T "cust:1:sums", T "cust:1:tickets", T "cust:1:ar",
      T "cust:1", T "cust:2:timeline", T "cust:2:sums", T "cust:2:tickets", T "cust:2:ar",
      T "cust:2"},
     /* the signals' cap; per customer its id, how many events, then one event of 11 values
      * a line */
     /* clang-format off */
     {"100", "cu-1", "4", "1794000000000|order|r/0|sp-1", "order", "2026-11", "100", "0", "-1", "",
          "c|r/0", "1794000000000|O1|100", "1794000000000", "",
      "1794000000001|ticket_opened|r/1|sp-1", "topen", "2026-11", "0", "0", "-1", "T1", "", "",
          "1794000000001", "urgent",
      "1794000000002|visit|r/2|sp-1", "contact", "2026-11", "0", "0", "-1", "", "", "",
          "1794000000002", "",
      "1794000000003|invoice|r/3|sp-1", "invoice", "2026-11", "500", "0", "-1", "",
          "i|inv-1", "1794000000003|1796000000000|500|sp-1|", "1794000000003", "",
      "cu-2", "1", "1794000000004|payment|r/4|sp-1", "payment", "2026-11", "200", "0", "-1",
          "", "p|r/4", "1794000000004|200|sp-1|", "1794000000004", ""}},
    /* clang-format on */
    /* a salesperson's competitor intel: two priced events of one pair, notes over the cap */
    {NQ_SCRIPT_ID_INTEL_EVENTS,
     {T "sp:1:intel:obs", T "sp:1:intel:notes", T "sp:1:intel:sums:2026-11"},
     /* clang-format off */
     {"1",
      "C" US "P" US "1794000000000" US "r/0" US "98000" US "cu-1",
          "C" US "P" US "1794000000000" US "r/0" US "cu-1" US "a", "3",
          "2026-11" US "C" US "P" US, "C" US "P" US, "98000", "cu-1", "1794000000000",
      "C" US "P" US "1794000000001" US "r/1" US "95050" US "",
          "C" US "P" US "1794000000001" US "r/1" US "" US "b", "3",
          "2026-11" US "C" US "P" US, "C" US "P" US, "95050", "", "1794000000001"}},
    /* clang-format on */
    /* follow-ups: contacts of a batch, a team's cadence, the sweep */
    {NQ_SCRIPT_ID_CONTACT_SEEN,
     {T "fu:last", T "fu:dirty"},
     {"1795000000000", "cu-1", "1794000000000", "cu-9", "1794000000000"}},
    {NQ_SCRIPT_ID_CONTACT_REFRESH,
     {T "fu:dirty", T "fu:last", T "fu:due", T "ix:cu:overdue=followup", T "ix:cu:sort=name",
      T "ix:cu:sort=created", T "ix:cu:sort=last_contact", T "ix:cu:sort=next_followup",
      T "ix:cu:sort=by_owner", T "cust:1", T "cust:9"},
     {"1795000000000", "28800000", "cu-1", "cu-9"}},
    {NQ_SCRIPT_ID_CADENCE_PUT,
     {T "team:t1", T "cadence"},
     {"3", "t1:key", "t1:normal", "t1:potential", "5", "", ""}},
    {NQ_SCRIPT_ID_FOLLOWUP_RECOMPUTE,
     {T "cadence", T "fu:due", T "ix:cu:overdue=followup", T "ix:sp:team=t1", T "ix:cu:sort=name",
      T "ix:cu:sort=created", T "ix:cu:sort=last_contact", T "ix:cu:sort=next_followup",
      T "ix:cu:sort=by_owner", T "cust:1"},
     {"1795000000000", "28800000", "t1", "7", "30", "14", "cu-1"}},
    {NQ_SCRIPT_ID_POOL_TAKE,
     {T "fu:due", T "pool:due", T "pool:scanned"},
     {"1795000000000", "3600000", "60000", "100"}},
    {NQ_SCRIPT_ID_FOLLOWUP_SWEEP,
     {T "fu:due", T "ix:cu:overdue=followup", T "fu:swept"},
     {"1795000000000", "3600000"}},
    {NQ_SCRIPT_ID_CUSTOMER_DELETE,
     {T "cust:2", T "customers", T "cust:2:owners", T "fu:due", T "ix:cu:sort=name",
      T "ix:cu:sort=created", T "ix:cu:sort=last_contact", T "ix:cu:sort=next_followup",
      T "ix:cu:sort=by_owner", T "ix:cu", T "ix:cu:owner=", T "ix:cu:class=key",
      T "ix:cu:class=normal", T "ix:cu:class=potential"},
     {"cu-2", ""}},
    /* a salesperson's ticket times; a customer's overdue-receivable look */
    {NQ_SCRIPT_ID_SP_TICKETS,
     {T "sp:1:tickets"},
     {"T1", "o", "1794000000001\x1furgent", "T1", "c", "1794000000009"}},
    {NQ_SCRIPT_ID_AR_OVERDUE_SET,
     {T "cust:1:ar", T "ar:due", T "ix:cu:overdue=receivable", T "cust:1"},
     {"cu-1", "0", "1", "1796086400000"}},
    /* a customer's share of the receivables totals: added, then taken back to none */
    {NQ_SCRIPT_ID_AR_TOTALS_SET,
     {T "cust:1:ar", T "cust:1:ar:sum", T "sp:1:ar:due", T "sp:1:ar:invoiced", T "sp:1:ar:credit"},
     {"0", "", "o|sp-1|2026-12-01", "1", "500", "n|sp-1|2026-12-01", "1", "1", "i|sp-1|2026-11-01",
      "1", "500", "c|sp-1|", "1", "20"}},
    {NQ_SCRIPT_ID_AR_TOTALS_SET,
     {T "cust:1:ar", T "cust:1:ar:sum", T "sp:1:ar:due", T "sp:1:ar:invoiced", T "sp:1:ar:credit"},
     {"0", "1", "o|sp-1|2026-12-01", "1", "-500", "n|sp-1|2026-12-01", "1", "-1",
      "i|sp-1|2026-11-01", "1", "-500", "c|sp-1|", "1", "-20"}},
    /* the totals' mark: the fill (a look for each customer), then ready */
    {NQ_SCRIPT_ID_AR_TOTALS_FILL, {T "ar:totals", T "ar:customers", T "ar:due"}, {"0"}},
    {NQ_SCRIPT_ID_AR_TOTALS_FILL, {T "ar:totals", T "ar:customers", T "ar:due"}, {"0"}},
    /* a customer's feedback figures by month, against its all-time ones */
    {NQ_SCRIPT_ID_CUSTSUMS_MONTHS,
     {T "cust:1:sums"},
     {"0", "0", "0", "0", "0", "2026-11|nps_count", "1", "2026-11|promoters", "1"}},
};

static redisReply *cmd(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(s_c, fmt, ap);
    va_end(ap);
    return r;
}

/* A port free with its cluster bus port (port + 10000, so below 55536). */
static int free_port(void)
{
    srand((unsigned)getpid() ^ (unsigned)time(NULL));
    for (int i = 0; i < 200; i++) {
        int port = 20000 + rand() % 10000;
        if (nq_suite_port_free("127.0.0.1", port) && nq_suite_port_free("127.0.0.1", port + 10000))
            return port;
    }
    return -1;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether CLUSTER INFO says the cluster is up. */
static bool cluster_ok(void)
{
    redisReply *r = cmd("CLUSTER INFO");
    bool ok = r && r->type == REDIS_REPLY_STRING && strstr(r->str, "cluster_state:ok");
    freeReplyObject(r);
    return ok;
}

static int suite_init(void)
{
    static const char *const cluster[] = {
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--loglevel",
        "warning",           NULL};
    int port = free_port();
    if (port < 0 || !mkdtemp(s_dir))
        return -1;
    nq_suite_opts_t o = {.dir = s_dir,
                         .bin_dir = NQ_BIN_DIR,
                         .who = "test_scripts_cluster",
                         .redis_args = cluster,
                         .clean_env = true,
                         .die_with_parent = true,
                         .stop_ms = 10000};
    char port_env[32];
    snprintf(port_env, sizeof(port_env), "NQ_REDIS_PORT=%d", port);
    s_suite = nq_suite_new(&o);
    if (!s_suite || nq_suite_setenv(s_suite, port_env) != 0 ||
        nq_suite_start_redis(s_suite, 5000) != 0)
        return -1;
    s_c = redisConnect("127.0.0.1", port);
    if (!s_c || s_c->err) {
        fprintf(stderr, "redis-server in cluster mode did not answer on port %d\n", port);
        return -1;
    }
    redisReply *r = cmd("CLUSTER ADDSLOTSRANGE 0 16383");
    if (!r || r->type == REDIS_REPLY_ERROR)
        fprintf(stderr, "CLUSTER ADDSLOTSRANGE: %s\n", r ? r->str : s_c->errstr);
    freeReplyObject(r);
    for (int i = 0; i < 200 && !cluster_ok(); i++)
        sleep_ms(50);
    if (!cluster_ok()) {
        fprintf(stderr, "the cluster is not up after 10 s\n");
        return -1;
    }
    /* What the calls find: a log with a group and an entry pending with c1,
     * a salesperson in the directory, a bucket the index lists but the 4th
     * append is not given. */
    freeReplyObject(cmd("XGROUP CREATE " T "stream g 0 MKSTREAM"));
    freeReplyObject(cmd("XADD " T "stream 1-1 n 1 b x"));
    freeReplyObject(cmd("SADD " T "sps sp-1 sp-2"));
    freeReplyObject(cmd("HSET " T "team:t1 name T1"));
    freeReplyObject(cmd("ZADD " T "ix:sp:team=t1 0 sp-2"));
    freeReplyObject(cmd("ZADD " T "buckets2 4102444800 " T "bucket:other"));
    freeReplyObject(cmd("XGROUP CREATE " T "stream ix 0"));
    freeReplyObject(cmd("ZADD " T "sp:1:timeline 0 1764120600000|visit|1-1/0 0 "
                        "1764120600001|call|1-1/1 0 1764120600002|call|1-1/2"));
    freeReplyObject(cmd("ZADD " T "cust:1:timeline 0 1764120600000|visit|1-1/0|sp-1 0 "
                        "1764120600001|call|1-1/1|sp-2 0 1764120600002|call|1-1/2|sp-1"));
    return 0;
}

static int suite_cleanup(void)
{
    if (s_c)
        redisFree(s_c);
    int failed = nq_suite_stop(&s_suite);
    char rm[160];
    snprintf(rm, sizeof(rm), "rm -rf %s", s_dir);
    return system(rm) == 0 && failed == 0 ? 0 : -1;
}

/* SCRIPT LOAD of every text answers the SHA1 the build computed. */
static void test_sha(void)
{
    for (size_t i = 0; i < NQ_SCRIPT_COUNT; i++) {
        redisReply *r = cmd("SCRIPT LOAD %s", nq_scripts[i].text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(r->type, REDIS_REPLY_STRING);
        if (r->type == REDIS_REPLY_STRING) {
            CU_ASSERT_STRING_EQUAL(r->str, nq_scripts[i].sha);
        } else {
            fprintf(stderr, "\n    %s: %s\n", nq_scripts[i].name, r->str);
        }
        freeReplyObject(r);
    }
}

/* Run sample `s` as a new-style script (one slot; no writes when read-only). */
static redisReply *run(const sample_t *s)
{
    const nq_script_t *script = &nq_scripts[s->id];
    const char *head = script->read_only ? "#!lua flags=no-writes\n" : "#!lua\n";
    size_t len = strlen(head) + strlen(script->text) + 1;
    char *text = malloc(len), nkeys[8];
    snprintf(text, len, "%s%s", head, script->text);
    const char *argv[3 + 24 + 64]; /* the command, the script, its key count; keys, args */
    size_t argc = 0, n = 0;
    while (s->keys[n])
        n++;
    snprintf(nkeys, sizeof(nkeys), "%zu", n);
    argv[argc++] = script->read_only ? "EVAL_RO" : "EVAL";
    argv[argc++] = text;
    argv[argc++] = nkeys;
    for (size_t k = 0; s->keys[k]; k++)
        argv[argc++] = s->keys[k];
    for (size_t k = 0; s->args[k]; k++)
        argv[argc++] = s->args[k];
    redisReply *r = redisCommandArgv(s_c, (int)argc, argv, NULL);
    free(text);
    return r;
}

static void test_samples(void)
{
    bool tried[NQ_SCRIPT_COUNT] = {false};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const sample_t *s = &samples[i];
        tried[s->id] = true;
        redisReply *r = run(s);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_NOT_EQUAL(r->type, REDIS_REPLY_ERROR);
        if (r->type == REDIS_REPLY_ERROR)
            fprintf(stderr, "\n    %s (call %zu): %s\n", nq_scripts[s->id].name, i, r->str);
        freeReplyObject(r);
    }
    for (size_t i = 0; i < NQ_SCRIPT_COUNT; i++) {
        CU_ASSERT_TRUE(tried[i]);
        if (!tried[i])
            fprintf(stderr, "\n    %s has no call in test_scripts_cluster.c\n", nq_scripts[i].name);
    }
}

/* The calls took the paths they are there for. */
static void test_sample_outcomes(void)
{
    redisReply *r = cmd("GET " T "feed:seen:erp:ab"); /* the delivery was remembered */
    CU_ASSERT(r && r->type == REDIS_REPLY_STRING);
    freeReplyObject(r);
    r = cmd("XLEN " T "log"); /* the delivery, then ev-4; not the replay, not the stale call */
    CU_ASSERT(r && r->type == REDIS_REPLY_INTEGER && r->integer == 2);
    freeReplyObject(r);
    r = cmd("HGETALL " T "bucket:2"); /* the stale call wrote nothing */
    CU_ASSERT(r && r->type == REDIS_REPLY_ARRAY && r->elements == 0);
    freeReplyObject(r);
    r = cmd("GET " T "claims"); /* c2's guard found the entry c1's */
    CU_ASSERT(r && r->type == REDIS_REPLY_STRING);
    freeReplyObject(r);
    r = cmd("HGET " T "unknown:sps sp-x"); /* counted: the one event that counted */
    CU_ASSERT(r && r->type == REDIS_REPLY_STRING && strncmp(r->str, "1 ", 2) == 0);
    freeReplyObject(r);
    r = cmd("GET " T "actindex:replayed"); /* replayed once, for the job's request */
    CU_ASSERT(r && r->type == REDIS_REPLY_STRING && strcmp(r->str, "1795000000000") == 0);
    freeReplyObject(r);
    r = cmd("ZRANGE " T "ix:cu:class=key 0 -1"); /* cu-1 put and indexed, cu-2 deleted */
    CU_ASSERT(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
              strcmp(r->element[0]->str, "cu-1") == 0);
    freeReplyObject(r);
    r = cmd("ZRANGE " T "ix:sps:status=left 0 -1"); /* sp-1 archived: left, not active */
    CU_ASSERT(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1);
    freeReplyObject(r);
    r = cmd("ZCARD " T "ix:sps:status=active");
    CU_ASSERT(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0);
    freeReplyObject(r);
}

/* What this test is for: a key the script builds itself fails the call. */
static void test_undeclared_key_fails(void)
{
    redisReply *r = redisCommand(s_c, "EVAL %s 1 %s %s",
                                 "#!lua\n"
                                 "redis.call('GET', KEYS[1])\n"
                                 "return redis.call('HSET', ARGV[1], 'a', 'b')\n",
                                 T "x", "nq:dedupe:1795000000");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
}

static CU_TestInfo tests[] = {
    {"SCRIPT LOAD answers the SHA1 of the build", test_sha},
    {"every script, in cluster mode, touches only its KEYS", test_samples},
    {"the calls took their paths", test_sample_outcomes},
    {"a key built in the script fails in cluster mode", test_undeclared_key_fails},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scripts in cluster mode", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
