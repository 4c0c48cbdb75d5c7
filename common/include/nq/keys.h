/* nq/keys.h — every Redis key family neiqin uses, in one place.
 *
 * All keys start with "nq:". Keys that belong to one salesperson share the
 * hash tag {sp:<id>} so the data set can move to Redis Cluster. Nothing
 * outside this header spells a key, and a Lua script never builds one: every
 * key a script touches is given in its KEYS, named in C with these
 * (nq/scripts.h; checked by tests/unit/test_scripts.c and on a cluster-mode
 * Redis by tests/integration/test_scripts_cluster.c). Calls on a batch still
 * span many slots (docs/architecture.md, "Redis keys and Redis Cluster").
 *
 * | key                              | type   | lifetime                  | owner     |
 * |----------------------------------|--------|---------------------------|-----------|
 * | nq:activities                    | STREAM | kept whole (the rebuild reads it) | ingest: one entry per stored batch, nq/actlog.h (scorers read via group "scoring") |
 * | nq:dedupe:<start Unix s>         | HASH   | its span (a quarter of NQ_DEDUPE_WINDOW_S) plus a window | ingest: event_id -> content digest (128 bits, hex) of the events received in the span |
 * | nq:dedupe                        | ZSET   | forever (members pruned)  | ingest: live dedupe buckets -> when they expire (Unix s) |
 * | nq:feed:seen:<source>:<signature> | STRING | 2 x NQ_FEED_TOLERANCE_S  | ingest: a signed feed delivery (signature in lower-case hex) that was taken; set by the append script that stored it |
 * | nq:{sp:<id>}:kpi:<period key>    | HASH   | forever                   | scoring: counters of a day or a month (see nq/kpi.h; weeks, quarters, years are summed from them) |
 * | nq:{sp:<id>}:visited:<period key> | SET | forever                | scoring: customers visited in a day or a month (coverage; longer periods read the union) |
 * | nq:{sp:<id>}:due:<period key>    | SET    | forever                   | scoring: orders falling due in a day or a month (order ids; an order without one by its event id, nq/kpi.h) |
 * | nq:{sp:<id>}:ontime              | SET    | forever                   | scoring: order ids fulfilled on time (on-time completion: due sets ∩ this) |
 * | nq:{sp:<id>}:key_customers       | SET    | forever                   | customers: the key customers the salesperson owns now |
 * | nq:{sp:<id>}:key_log             | ZSET   | forever (history)         | customers: every change of that set, score = when it takes effect (ms), member per nq/keyset.h; not rebuilt (org history, not log aggregates) |
 * | nq:{sp:<id>}:target:<period key> / nq:team:<id>:target:<period key> / nq:company:target:<period key> | HASH | forever | reporting: metric -> target (money in fen), _updated_at |
 * | nq:team:<id>:plans:<scorecard|commission> | ZSET | forever (history) | reporting: plan versions (JSON), score = effective_from ms |
 * | nq:{sp:<id>}:profile             | HASH   | forever                   | customers: name, team_id and status (now: the last entries of the two histories below), updated_at, deleted_at |
 * | nq:{sp:<id>}:teams               | ZSET   | forever (history)         | customers: "<from ms>|<team id>" scored by from (a local midnight; 0 = since the start; "" = no team), nq/orghist.h: the one source of team membership |
 * | nq:{sp:<id>}:status              | ZSET   | forever (history)         | customers: "<from ms>|<active/leave/left>", likewise |
 * | nq:team:<id>                     | HASH   | forever                   | customers: name, coordinators (JSON array), updated_at, deleted_at |
 * | nq:team:<id>:members             | SET    | forever                   | customers: every salesperson who was ever in the team (whose history reads consider) |
 * | nq:cust:<id>                     | HASH   | until deleted             | customers: name, class, owner_id, status, region, industry, tags and contacts (JSON), credit_limit_fen, payment_terms_days, since, created_at, updated_at, rev; last_contact_at, cadence_days, followup_due_at (services/customers/custrec.h, followup.h) |
 * | nq:cust:<id>:owners              | LIST   | until deleted             | customers: the owner history, "<since ms>|<owner id>|<reason>", oldest first, the last 100 |
 * | nq:followup:last                 | HASH   | forever                   | customers (activity indexer): customer id -> its last visit, call or meeting (Unix ms), kept when newer; recomputed equal by a replay |
 * | nq:followup:due                  | ZSET   | forever (members removed) | customers: customer id -> when its follow-up is overdue (Unix ms), those with an owner (services/customers/followup.h) |
 * | nq:followup:swept                | STRING | forever                   | customers: when the overdue index was last swept (Unix ms) |
 * | nq:cadence                       | HASH   | forever                   | customers: "<team id>:<class>" -> follow-up cadence in days, a team's overrides of the company defaults; "<team id>:<pool field>" -> its public pool settings (services/customers/pool.h) |
 * | nq:pool:due                      | ZSET   | forever (members removed) | customers: customer id -> when the pool sweep looks at it again (its warning or move to the pool, Unix ms); a replica taking one pushes it a lease ahead (services/customers/poolsweep.h) |
 * | nq:pool:scanned                  | STRING | forever                   | customers: up to when the follow-ups due were scanned for the pool sweep (Unix ms) |
 * | nq:pool:rr                       | HASH   | forever                   | customers: team id -> the salesperson its round-robin assignment rule gave a customer last |
 * | nq:customer:signals              | STREAM | capped (~NQ_CUSTOMER_SIGNALS_MAXLEN) | customers: signals for alerting, field kind: pool_warning (the pool sweep: customer, owner, team, due, name, days) and credit_limit (the activity indexer, in the script that flags the order: customer, salesperson, ref, order, at, amount, balance, limit); read via group "alerting" (services/alerting/sigread.h) |
 * | nq:teams / nq:salespeople / nq:customers | SET | forever            | customers: ids in the directory, for listing |
 * | nq:teams:archived / nq:salespeople:archived | SET | forever         | customers: deleted teams and salespeople (kept for their past figures) |
 * | nq:org:layout                    | STRING | forever                   | customers: "2" once histories were made from the first layout's team_id / members |
 * | nq:org:unknown:salespeople / nq:org:unknown:customers | HASH | forever | ingest: id seen in events but not in the directory -> "<events> <first seen ms> <last seen ms>" |
 * | nq:salespeople:names             | HASH   | forever                   | customers: salesperson id -> name (boards read every name at once) |
 * | nq:ix:<list>                     | ZSET   | forever                   | customers: every id of a list (teams, salespeople: archived ones too; customers), score 0, read in id order with ZRANGEBYLEX (services/customers/orgix.h) |
 * | nq:ix:<list>:<filter>=<value>    | ZSET   | forever                   | customers: the ids of the list whose <filter> is <value> now: customers:owner=<sp> (owner= : the pool), customers:class=<c>, customers:status=<s>, customers:region=<text>, customers:industry=<text>, customers:tag=<text> (one per tag of the customer), customers:q=<gram> (one per two-character gram of its name and id, orgix_grams), customers:overdue=followup (kept by the follow-up scripts, services/customers/followup.h), customers:overdue=receivable (an invoice past due and unpaid now, services/customers/arwatch.h), salespeople:team=<t> (team= : none; from the team history's last entry), salespeople:status=<s>, salespeople:archived=0/1, teams:archived=0/1; written by the script that writes the record |
 * | nq:ix:customers:sort=<order>     | ZSET   | forever                   | customers: "<sort key>\x1f<id>", score 0, of every customer, per order name, created, last_contact, next_followup (common/lua/lib/sort.lua; the keys written kept in the customer's field sort_keys); sort=by_owner: "<owner, or pool=<team>>\x1f<n>\x1f<sort key>\x1f<id>" of every order n (1..4) of every customer with an owner or in a pool, read a member's range at a time by a team's sorted page |
 * | nq:ix:layout                     | STRING | forever                   | customers: "1" once the list indexes were built from the records (services/customers/ixbuild.h) |
 * | nq:activities group "alerting"   | (group) | kept                     | alerting: its own consumer group on the log (services/alerting/alerting.h) |
 * | nq:activities group "alerting-timers" | (group) | kept                | alerting: the timer deadlines' own consumer group on the log (services/alerting/timercycle.h) |
 * | nq:alerts                        | STREAM | trimmed to NQ_ALERT_STREAM_MAXLEN | alerting raises, the gateway changes: one entry per raise or change, fields id and a (the packed alert after it); the SSE stream's replay |
 * | nq:alert:<id>                    | HASH   | forever                   | alerting raises, the gateway changes: id, a (packed nq.Alert without id), state, v (version, +1 per change); ids "<raised at ms, 13 digits>-<16 hex of the dedupe key>" sort in raise order |
 * | nq:alert:seen:<rule>:<subject length>:<subject>:<window> | STRING | NQ_ALERT_SEEN_TTL_S | alerting: the alert of (rule, subject, window) was raised; set by the script that raises it |
 * | nq:alert:rules                   | HASH   | forever                   | gateway (PUT alert-rules): team id -> that team's rule overrides, JSON (services/alerting/settings.h) |
 * | nq:teams:settings                 | HASH   | forever                   | gateway (PUT /teams/{id}/settings): team id -> that team's settings, JSON {"leaderboard_visible": bool} (gateway/h_team_settings.c) |
 * | nq:alert:prices                  | HASH   | forever                   | alerting: "<competitor length>:<competitor><product>" -> "<price fen> <observed at ms>", the latest observation |
 * | nq:ix:alerts[:<filter>=<value>]  | ZSET   | forever                   | alerting / gateway: alert ids, score 0 (list_page, newest first): all, state=, rule=, team= (team= : none), salesperson= |
 * | nq:alert:quiet                   | HASH   | forever                   | gateway (PUT quiet-hours): team id -> its quiet hours, JSON (services/alerting/quiet.h) |
 * | nq:alert:escalate                | ZSET   | forever                   | alerting raises (member: alert id, score: its escalation deadline, Unix ms), the gateway's ack/resolve and the escalation remove; a replica taking a due one pushes it a lease ahead (services/alerting/escalate.h) |
 * | nq:alert:timers                 | ZSET   | forever (members removed) | alerting: timer rules' deadlines, member "<rule>|<subject>" (customer or ticket), score the deadline, Unix ms; set by the activity log's events, taken under a lease like nq:alert:escalate (services/alerting/timers.h) |
 * | nq:alert:timer                   | HASH   | forever (fields removed)  | alerting: timer member -> the packed event that set it (ticket_sla: the ticket_opened), or "-" when its clock stopped for good (ticket closed) |
 * | nq:alert:timer:open              | HASH   | forever (fields removed)  | alerting: timer member -> the id of the alert it raised, until the condition clears and it auto-resolves |
 * | nq:alert:channels:<team>         | HASH   | forever                   | gateway (POST/DELETE channels): channel id -> the channel, JSON with its secret (services/alerting/channel.h) |
 * | nq:alerts group "delivery"       | (group) | kept                     | alerting's sender: raised alerts become deliveries (services/alerting/deliver.h) |
 * | nq:dlv:queue                     | ZSET   | forever                   | alerting's sender, gateway (test, redrive): delivery ids "<alert id>/<team>/<channel>" by when due, Unix ms (taken ones pushed a lease ahead) |
 * | nq:dlv:alert:<alert id>          | HASH   | forever                   | alerting's sender: "<team>/<channel>" -> the delivery's record, JSON (state, attempts, error, times); GET /alerts/{id} shows it |
 * | nq:dlv:dead:<team>               | ZSET   | forever                   | alerting's sender: the team's dead letters (delivery ids) by when given up; redrive moves them back to the queue |
 * | nq:dlv:sent:<team>/<channel>     | ZSET   | NQ_DLV_RATE_WINDOW_S      | alerting's sender: the messages sent to a channel in the last window (rolling), by when reserved, Unix ms |
 * | nq:dlv:depth                     | HASH   | forever                   | alerting's sender, gateway (redrive): "<team>/<channel>" -> deliveries of the channel in the queue (tests not counted): the planner's backlog |
 * | nq:dlv:last:<team>               | HASH   | forever                   | alerting's sender: channel id -> its last delivery's outcome, JSON (GET channels shows it) |
 * | nq:kpi:version                  | STRING | forever                   | scoring: +1 by every applied batch and rebuild swap (kept leaderboards check it) |
 * | nq:org:version                  | STRING | forever                   | customers: +1 by every org write (kept leaderboards check it) |
 * | nq:target:version               | STRING | forever                   | reporting: +1 by every target write, in the same script (kept leaderboards check it) |
 * | nq:stats:accepted / nq:stats:scored | STRING | forever           | ingest / scoring: events appended / applied (counters for benchmarks and /metrics) |
 * | nq:rebuild:job                  | HASH   | forever (last job)        | ingest requests, a scorer runs: state, from, owner, lease_until, scanned, total, ... |
 * | nq:scoring:paused                | STRING | 30 s, refreshed           | the rebuilding scorer: no new deliveries while set |
 * | nq:scoring:claims                | STRING | forever                   | scoring: changes when log entries change hands (reclaim, or an apply found some gone, +1) or an apply's guard did not run (copied over by the flag below); every apply WATCHes it |
 * | nq:scoring:unchecked:<member>    | STRING | within one apply          | scoring: set before an apply's guard, which drops it (services/scoring/claims.h) |
 * | nq:rb:<attempt>:<live key minus "nq:"> | HASH/SET | until swapped     | rebuild shadow of a KPI hash / visited, due or on-time set |
 * | nq:rb:<attempt>                  | SET    | until swapped             | the rebuild: the shadow keys the attempt wrote (the swap renames them) |
 * | nq:heartbeats                    | ZSET   | members pruned after 60 s | every service: "<service>/<instance>" -> Unix ms |
 * | nq:{sp:<id>}:acts                | HASH   | forever                   | customers (activity index, nq/actindex.h): ref -> the event (packed Activity) of every event that counts; read via group "index" |
 * | nq:{sp:<id>}:timeline            | ZSET   | forever                   | customers (activity index): "<occurred_at>|<type>|<ref>", every score 0 (BYLEX), newest last |
 * | nq:cust:<id>:timeline            | ZSET   | forever                   | customers (activity index): "<occurred_at>|<type>|<ref>|<salesperson id>", likewise |
 * | nq:cust:<id>:sums                | HASH   | forever                   | customers (activity index): the customer's summary figures, "<month>|orders", "<month>|sales_fen", rating_sum, rating_count, nps_count, promoters, detractors, competitor_mentions, open_tickets, last_contact (nq/custsum.h); moved only by an event that joins the timeline |
 * | nq:cust:<id>:tickets             | HASH   | forever                   | customers (activity index): ticket id -> 1 opened, 2 closed, 3 both (open_tickets counts the 1s); "<tid>\x1fo" -> earliest "<at>\x1f<priority>", "<tid>\x1fc" -> latest close (nq_custsum_tickets_read) |
 * | nq:cust:<id>:ar                  | HASH   | forever                   | customers (activity index): the customer's invoice and payment facts "i|<invoice id>", "p|<ref>" and credit-flagged orders "c|<ref>" (nq/receivable.h); set only by an event that joins the timeline |
 * | nq:{sp:<id>}:ar                  | SET    | forever                   | customers (activity index): customers with an invoice or payment of this salesperson (receivables reads) |
 * | nq:ar:customers                  | SET    | forever                   | customers (activity index): every customer with an invoice or payment (company receivables) |
 * | nq:cust:<id>:ar:sum              | HASH   | forever                   | customers (activity index): the cells the customer last added to its salespeople's totals below, "o|<sp>|<day>", "n|..", "i|..", "c|<sp>|", and "_v" (its version) (nq/ar_totals.h; arwatch writes both by difference) |
 * | nq:ar:totals                     | STRING | forever                   | customers (activity index): "filling:<cursor>" while every customer with receivables is asked for a look (SSCAN, a chunk a call), "filling" while they are looked at once, then NQ_AR_TOTALS_READY: the totals and shared sets below are complete and the gateway reads them (any other mark fills again; common/lua/ar_totals_fill.lua) |
 * | nq:ar:company:due / :invoiced / :credit | HASH, HASH, STRING | forever | customers (activity index): the same totals for the company, every fact (cells "<kind>|*|<day>") |
 * | nq:{sp:<id>}:ar:due / :ar:invoiced / :ar:credit | HASH, HASH, STRING | forever | customers (activity index): the salesperson's receivables for now, summed over its customers: due day -> open fen and "n|<day>" -> open invoices; issue day -> invoiced fen; unapplied payments (fen) (nq/ar_totals.h); the gateway reads a team's for now |
 * | nq:{sp:<id>}:ar:shared          | SET    | forever                   | customers (activity index): the salesperson's customers with receivables facts of other salespeople too (arwatch's look), so a team counts each customer once: sum of SCARD :ar less SCARD :ar:shared plus the SUNION of :ar:shared |
 * | nq:{sp:<id>}:intel:obs           | ZSET   | forever                   | customers (activity index): the salesperson's competitor_intel observations, "<competitor>\x1f<product>\x1f<at 13 digits>\x1f<ref>\x1f<price fen or "">\x1f<customer id>", every score 0 (BYLEX: per pair, by time); a member new here is what counts an event once (nq/intel.h) |
 * | nq:{sp:<id>}:intel:sums:<month> | HASH  | forever                   | customers (activity index): a month's figures per pair "<month>\x1f<competitor>\x1f<product>\x1f<stat>": m mentions, n/s/lo/hi priced observations, their sum, lowest and highest (fen), f/l "<at 13 digits>|<fen>" first and last; "...\x1fc\x1f<customer id>" -> 1 (nq/intel.h) |
 * | nq:{sp:<id>}:intel:notes         | ZSET   | forever (NQ_INTEL_NOTES_MAX newest per pair) | customers (activity index): "<competitor>\x1f<product>\x1f<at 13 digits>\x1f<ref>\x1f<customer id>\x1f<text>", every score 0 |
 * | nq:intel:salespeople             | SET    | forever                   | customers (activity index): every salesperson with a competitor_intel event (intel reads) |
 * | nq:ar:due                        | ZSET   | forever (members removed) | customers (activity index): customer id -> when to look at its receivables again: 0 after an invoice or payment, else when an open invoice falls past due; looked at by the indexer's tick (services/customers/arwatch.h) |
 * | nq:{sp:<id>}:tickets             | HASH   | forever                   | customers (activity index): the salesperson's tickets' times, "<tid>\x1fo" -> earliest "<at>\x1f<priority>" of its ticket_opened, "<tid>\x1fc" -> latest ticket_closed (tickets_overdue, nq_custsum_tickets_overdue_at) |
 * | nq:actindex:replayed             | STRING | forever                   | customers: requested_at of the last rebuild job the activity index was replayed for |
 * | nq:user:<id>                     | HASH   | forever                   | nqctl user / gateway sign-in: name, role, teams, salesperson, status, pwhash (argon2id), created, updated, last_login (nq/access.h) |
 * | nq:users                         | SET    | forever                   | nqctl user: every user id, for listing |
 * | nq:apikey:<SHA-256 hex of the key> | HASH | forever (revoked kept)    | nqctl apikey: id, name, scope, teams, created, last_used (gateway, at most once a second), revoked |
 * | nq:apikeys                       | HASH   | forever                   | nqctl apikey: key id -> its hash, for listing and revoking |
 * | nq:training:required             | HASH   | forever                   | gateway (PUT /training/required, /teams/{id}/training/required): "*" -> the company's required courses, team id -> the team's, JSON {"courses": [...]} (gateway/trainreq.h) |
 * | nq:custsums:layout               | STRING | forever                   | customers: NQ_CUSTSUMS_LAYOUT once every customer's feedback figures have their month fields (services/customers/summonths.h) |
 * | nq:followup:dirty                | ZSET   | forever (members removed) | customers (activity indexer): customer id -> when its last contact first moved unrefreshed (Unix ms); its follow-up and sort entries are refreshed from nq:followup:last, then it is removed (services/customers/ctrefresh.h) |
 * | nq:session:<SHA-256 hex of the id> | HASH | NQ_SESSION_IDLE_S, renewed on use | gateway: user, csrf, created, expires (absolute, ms) |
 * | nq:audit                         | STREAM | NQ_AUDIT_RETENTION_DAYS (trimmed by MINID on every append) | gateway (every write it answers), nqctl (users, keys): one entry per write, nq/audit.h |
 * | nq:auth:version                  | STRING | forever                   | +1 on every change that may withdraw access (revoke, disable, passwd, logout); gateways poll it and drop their caches |
 * | nq:login:fail:<user|addr>:<name> | STRING | NQ_LOGIN_WINDOW_S         | gateway: failed sign-ins of an account or address in the window (lockout) |
 */
#ifndef NQ_KEYS_H
#define NQ_KEYS_H

#include <stddef.h>

#include "nq/period.h"

#define NQ_KEY_ACTIVITIES           "nq:activities"
#define NQ_GROUP_SCORING            "scoring"
#define NQ_GROUP_INDEX              "index"
#define NQ_KEY_DEDUPE_BUCKETS       "nq:dedupe"
#define NQ_KEY_DEDUPE_BUCKET_PREFIX "nq:dedupe:"
#define NQ_KEY_ALERTS               "nq:alerts"
#define NQ_ALERT_STREAM_MAXLEN      100000
#define NQ_KEY_ALERT_SEEN_PREFIX    "nq:alert:seen:"
#define NQ_ALERT_SEEN_TTL_S         (30 * 86400)
#define NQ_GROUP_ALERTING           "alerting"
#define NQ_GROUP_ALERT_TIMERS       "alerting-timers"
#define NQ_KEY_ALERT_RULES          "nq:alert:rules"
#define NQ_KEY_TEAM_SETTINGS        "nq:teams:settings"
#define NQ_KEY_ALERT_PRICES         "nq:alert:prices"
#define NQ_IX_ALERTS                "alerts" /* the list of nq_key_index */
#define NQ_GROUP_DELIVERY           "delivery"
#define NQ_KEY_ALERT_QUIET          "nq:alert:quiet"
#define NQ_KEY_ALERT_ESCALATE       "nq:alert:escalate"
#define NQ_KEY_ALERT_TIMERS         "nq:alert:timers"
#define NQ_KEY_ALERT_TIMER_DATA     "nq:alert:timer"
#define NQ_KEY_ALERT_TIMER_OPEN     "nq:alert:timer:open"
#define NQ_KEY_DLV_QUEUE            "nq:dlv:queue"
#define NQ_DLV_RATE_WINDOW_S        60
#define NQ_KEY_DLV_DEPTH            "nq:dlv:depth"
#define NQ_KEY_HEARTBEATS           "nq:heartbeats"
#define NQ_KEY_REBUILD_JOB          "nq:rebuild:job"
#define NQ_KEY_SCORING_PAUSED       "nq:scoring:paused"
#define NQ_KEY_SCORING_CLAIMS       "nq:scoring:claims"
#define NQ_KEY_SCORING_UNCHECKED    "nq:scoring:unchecked:"
#define NQ_KEY_FEED_SEEN_PREFIX     "nq:feed:seen:"
#define NQ_KEY_SHADOW_PREFIX        "nq:rb:"
#define NQ_KEY_STATS_ACCEPTED       "nq:stats:accepted"
#define NQ_KEY_STATS_SCORED         "nq:stats:scored"
#define NQ_KEY_TEAMS                "nq:teams"
#define NQ_KEY_SALESPEOPLE          "nq:salespeople"
#define NQ_KEY_SALESPEOPLE_NAMES    "nq:salespeople:names"
#define NQ_KEY_CUSTOMERS            "nq:customers"
#define NQ_KEY_KPI_VERSION          "nq:kpi:version"
#define NQ_KEY_ORG_VERSION          "nq:org:version"
#define NQ_KEY_TARGET_VERSION       "nq:target:version"
#define NQ_KEY_TEAMS_ARCHIVED       "nq:teams:archived"
#define NQ_KEY_SALESPEOPLE_ARCHIVED "nq:salespeople:archived"
#define NQ_KEY_ORG_LAYOUT           "nq:org:layout"
#define NQ_ORG_LAYOUT               "2"
#define NQ_KEY_UNKNOWN_SALESPEOPLE  "nq:org:unknown:salespeople"
#define NQ_KEY_UNKNOWN_CUSTOMERS    "nq:org:unknown:customers"
#define NQ_KEY_ACTINDEX_REPLAYED    "nq:actindex:replayed"
#define NQ_KEY_INDEX_LAYOUT         "nq:ix:layout"
#define NQ_KEY_AR_CUSTOMERS         "nq:ar:customers"
#define NQ_KEY_INTEL_SALESPEOPLE    "nq:intel:salespeople"
#define NQ_KEY_AR_DUE               "nq:ar:due"
#define NQ_KEY_AR_TOTALS            "nq:ar:totals"
#define NQ_AR_TOTALS_READY          "ready:2" /* its value once totals and shared sets are complete */
#define NQ_KEY_AR_COMPANY_PREFIX    "nq:ar:company:" /* then due, invoiced, credit */
#define NQ_KEY_FOLLOWUP_LAST        "nq:followup:last"
#define NQ_KEY_FOLLOWUP_DUE         "nq:followup:due"
#define NQ_KEY_FOLLOWUP_SWEPT       "nq:followup:swept"
#define NQ_KEY_CADENCE              "nq:cadence"
#define NQ_KEY_POOL_DUE             "nq:pool:due"
#define NQ_KEY_POOL_SCANNED         "nq:pool:scanned"
#define NQ_KEY_POOL_RR              "nq:pool:rr"
#define NQ_KEY_CUSTOMER_SIGNALS     "nq:customer:signals"
#define NQ_CUSTOMER_SIGNALS_MAXLEN  10000
/* "6": with the pool indexes (nq:ix:customers:pool_team=<team>), the
 * customers' sort indexes, by owner too (nq:ix:customers:sort=by_owner),
 * their tags' and search grams' indexes, and the pair indexes
 * (nq:ix:customers:owner_class=<owner>/<class>, pool_class=<team>/<class>) */
#define NQ_INDEX_LAYOUT "6"

#define NQ_KEY_USER_PREFIX    "nq:user:"
#define NQ_KEY_USERS          "nq:users"
#define NQ_KEY_APIKEY_PREFIX  "nq:apikey:"
#define NQ_KEY_APIKEYS        "nq:apikeys"
#define NQ_KEY_SESSION_PREFIX "nq:session:"
#define NQ_KEY_AUTH_VERSION   "nq:auth:version"
#define NQ_KEY_AUDIT          "nq:audit"
#define NQ_KEY_LOGIN_FAIL     "nq:login:fail:"

#define NQ_KEY_SP_PREFIX "nq:{sp:"

/* What follows a salesperson's id in the keys of the aggregates a rebuild
 * recomputes from the log: per period ("<infix><period key>") or whole. */
#define NQ_KEY_KPI_INFIX      "}:kpi:"
#define NQ_KEY_VISITED_INFIX  "}:visited:"
#define NQ_KEY_DUE_INFIX      "}:due:"
#define NQ_KEY_ON_TIME_SUFFIX "}:ontime"

/* The other families' parts, for the key functions below and the Redis ACL
 * key patterns (common/src/redis_acl.c). A salesperson's: */
#define NQ_KEY_KEY_CUSTOMERS_SUFFIX "}:key_customers"
#define NQ_KEY_KEY_LOG_SUFFIX       "}:key_log"
#define NQ_KEY_PROFILE_SUFFIX       "}:profile"
#define NQ_KEY_SP_TEAMS_SUFFIX      "}:teams"
#define NQ_KEY_SP_STATUS_SUFFIX     "}:status"
#define NQ_KEY_ACTS_SUFFIX          "}:acts"
#define NQ_KEY_TIMELINE_SUFFIX      "}:timeline"
#define NQ_KEY_SP_AR_SUFFIX         "}:ar"
#define NQ_KEY_SP_AR_TOTALS_SUFFIX  "}:ar:"    /* then due, invoiced, credit */
#define NQ_KEY_SP_INTEL_SUFFIX      "}:intel:" /* then obs, sums, notes */
#define NQ_KEY_SP_TICKETS_SUFFIX    "}:tickets"
/* A team's, a customer's, the company's, the list indexes, alerts, deliveries: */
#define NQ_KEY_TEAM_PREFIX      "nq:team:"
#define NQ_KEY_MEMBERS_SUFFIX   ":members"
#define NQ_KEY_TARGET_INFIX     ":target:" /* after "nq:{sp:<id>}", "nq:team:<id>", "nq:company" */
#define NQ_KEY_PLANS_INFIX      ":plans:"
#define NQ_KEY_COMPANY          "nq:company"
#define NQ_KEY_CUSTOMER_PREFIX  "nq:cust:"
#define NQ_KEY_INDEX_PREFIX     "nq:ix:"
#define NQ_KEY_ALERT_PREFIX     "nq:alert:"
#define NQ_KEY_CHANNELS_PREFIX  "nq:alert:channels:"
#define NQ_KEY_DLV_PREFIX       "nq:dlv:"
#define NQ_KEY_DLV_ALERT_PREFIX "nq:dlv:alert:"
#define NQ_KEY_DLV_DEAD_PREFIX  "nq:dlv:dead:"
#define NQ_KEY_DLV_SENT_PREFIX  "nq:dlv:sent:"
#define NQ_KEY_DLV_LAST_PREFIX  "nq:dlv:last:"
/* The org's lists (services/customers/orgix.h), after NQ_KEY_INDEX_PREFIX. */
#define NQ_IX_TEAMS       "teams"
#define NQ_IX_SALESPEOPLE "salespeople"
#define NQ_IX_CUSTOMERS   "customers"

/* Required training courses (gateway/trainreq.h); the customer figures' layout mark. */
#define NQ_KEY_TRAINING_REQUIRED "nq:training:required"
#define NQ_TRAINING_COMPANY      "*" /* the company's field of NQ_KEY_TRAINING_REQUIRED */
#define NQ_KEY_CUSTSUMS_LAYOUT   "nq:custsums:layout"
#define NQ_CUSTSUMS_LAYOUT       "2" /* feedback figures keyed by month too */
/* Customers whose last contact moved, follow-up not refreshed yet (services/customers/ctrefresh.h). */
#define NQ_KEY_FOLLOWUP_DIRTY "nq:followup:dirty"

/* Whose KPIs: values match the protobuf enum nq.Subject. */
typedef enum { NQ_SUBJECT_SALESPERSON, NQ_SUBJECT_TEAM, NQ_SUBJECT_COMPANY } nq_subject_t;

/* Each writes the key into buf (NUL-terminated) and returns its length, or
 * -1 when it does not fit. */
int nq_key_kpi(char *buf, size_t len, const char *salesperson_id, const nq_period_t *period);
int nq_key_visited(char *buf, size_t len, const char *salesperson_id, const nq_period_t *period);
int nq_key_due(char *buf, size_t len, const char *salesperson_id, const nq_period_t *period);
int nq_key_on_time(char *buf, size_t len, const char *salesperson_id);
int nq_key_key_customers(char *buf, size_t len, const char *salesperson_id);
int nq_key_key_log(char *buf, size_t len, const char *salesperson_id);
int nq_key_salesperson(char *buf, size_t len, const char *salesperson_id);
int nq_key_sp_teams(char *buf, size_t len, const char *salesperson_id);
int nq_key_sp_status(char *buf, size_t len, const char *salesperson_id);
int nq_key_team_members(char *buf, size_t len, const char *team_id);
/* The activity index (nq/actindex.h): a salesperson's events, a salesperson's
 * and a customer's timelines. */
int nq_key_sp_acts(char *buf, size_t len, const char *salesperson_id);
int nq_key_sp_timeline(char *buf, size_t len, const char *salesperson_id);
int nq_key_customer_timeline(char *buf, size_t len, const char *customer_id);
/* A customer's summary figures (nq/custsum.h) and its tickets' states. */
int nq_key_customer_sums(char *buf, size_t len, const char *customer_id);
int nq_key_customer_tickets(char *buf, size_t len, const char *customer_id);
/* A customer's receivables facts, a salesperson's customers with any (nq/receivable.h). */
int nq_key_customer_ar(char *buf, size_t len, const char *customer_id);
int nq_key_sp_ar(char *buf, size_t len, const char *salesperson_id);
/* A customer's contribution to its salespeople's receivables totals, and
 * those totals: `part` is "due", "invoiced", "credit" or "shared" (nq/ar_totals.h); the
 * salesperson NQ_AR_COMPANY ("*") gives the company's, nq:ar:company:<part>. */
int nq_key_customer_ar_sum(char *buf, size_t len, const char *customer_id);
int nq_key_sp_ar_totals(char *buf, size_t len, const char *salesperson_id, const char *part);
/* A salesperson's competitor intel (nq/intel.h): `part` is "obs", "notes" or "sums:<month>". */
int nq_key_sp_intel(char *buf, size_t len, const char *salesperson_id, const char *part);
int nq_key_sp_tickets(char *buf, size_t len, const char *salesperson_id);
/* The rebuild shadow of live key `live` ("nq:..."), for rebuild `attempt`. */
int nq_key_shadow(char *buf, size_t len, const char *attempt, const char *live);
int nq_key_plans(char *buf, size_t len, const char *team_id, const char *kind);
int nq_key_target(char *buf, size_t len, nq_subject_t subject, const char *id,
                  const nq_period_t *period);
int nq_key_team(char *buf, size_t len, const char *team_id);
int nq_key_customer(char *buf, size_t len, const char *customer_id);
/* A customer's owner history (LIST). */
int nq_key_customer_owners(char *buf, size_t len, const char *customer_id);
/* A list's index: "nq:ix:<list>" when filter is NULL, else
 * "nq:ix:<list>:<filter>=<value>" (value may be "": none). */
int nq_key_index(char *buf, size_t len, const char *list, const char *filter, const char *value);
/* The dedupe bucket of the span starting at `start` (Unix s). */
int nq_key_dedupe_bucket(char *buf, size_t len, long long start);
/* A scorer's "apply not checked yet" flag; `member` is "<service>/<instance>". */
int nq_key_scoring_unchecked(char *buf, size_t len, const char *member);
/* An alert's hash. */
int nq_key_alert(char *buf, size_t len, const char *id);
/* The dedupe key of the alert of (rule, subject, window). */
int nq_key_alert_seen(char *buf, size_t len, const char *rule, const char *subject,
                      const char *window);
/* A team's delivery channels; the delivery records of an alert (or of a
 * test message); a team's dead letters; a channel's messages in the rate window; a team's
 * channels' last outcomes (services/alerting/deliver.h). */
int nq_key_channels(char *buf, size_t len, const char *team_id);
int nq_key_dlv_alert(char *buf, size_t len, const char *alert_id);
int nq_key_dlv_dead(char *buf, size_t len, const char *team_id);
int nq_key_dlv_sent(char *buf, size_t len, const char *team_id, const char *channel_id);
int nq_key_dlv_last(char *buf, size_t len, const char *team_id);
/* The record of user `id`, of the API key / session whose token hashes to
 * `hash_hex` (nq/token.h), and the failure counter of a sign-in `what`
 * ("user" or "addr") named `name`. */
int nq_key_user(char *buf, size_t len, const char *id);
int nq_key_apikey(char *buf, size_t len, const char *hash_hex);
int nq_key_session(char *buf, size_t len, const char *hash_hex);
int nq_key_login_fail(char *buf, size_t len, const char *what, const char *name);
/* The replay key of feed delivery `delivery` ("<source>:<signature hex>"). */
int nq_key_feed_seen(char *buf, size_t len, const char *delivery);

#endif
