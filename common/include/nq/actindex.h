/* nq/actindex.h — the activity index: every event that counts in the activity
 * log, kept once and listed by salesperson and by customer, newest first.
 * Pure: key members, cursors, ranges, type filters and the merge of pages.
 *
 * nq-customers keeps it with a consumer group of its own on the log
 * (NQ_GROUP_INDEX, services/customers/indexer.h); readers page through it with
 * nq/actindex_fetch.h. Keys (nq/keys.h):
 *
 *   nq:{sp:<id>}:acts       HASH  ref -> the event, a packed Activity as the log holds it
 *   nq:{sp:<id>}:timeline   ZSET  "<occurred_at>|<type>|<ref>"
 *   nq:cust:<id>:timeline   ZSET  "<occurred_at>|<type>|<ref>|<salesperson id>"
 *
 * ref is where the event is in the log, "<entry id>/<index in the entry's
 * batch>": unique, and the same whenever the entry is read again, so writing
 * an entry twice (a redelivery, a replay) changes nothing. An event_id is not
 * unique in the log (a resent event counts again after the dedupe window).
 * occurred_at is 13 digits, zero-padded Unix ms, and every score is 0: the
 * members sort by their bytes (ZRANGE BYLEX), time first, so a time range is
 * a range of members and a member is an exact cursor even when thousands of
 * events share one millisecond. A customer's member names the salesperson
 * whose hash holds the event.
 *
 *   char ref[NQ_ACTINDEX_REF_MAX], m[NQ_ACTINDEX_MEMBER_MAX];
 *   nq_actindex_ref(ref, sizeof(ref), "1764120700000-0", 17);
 *   nq_actindex_member(m, sizeof(m), ev->occurred_at, ev->type, ref, NULL);
 *   //   "1764120600000|visit|1764120700000-0/17"
 */
#ifndef NQ_ACTINDEX_H
#define NQ_ACTINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NQ_ACTINDEX_TYPE_MAX   32  /* longest event type */
#define NQ_ACTINDEX_REF_MAX    64  /* a ref and its NUL */
#define NQ_ACTINDEX_MEMBER_MAX 192 /* a member and its NUL */
/* A cursor: a member in unpadded base64url, and its NUL. */
#define NQ_ACTINDEX_CURSOR_MAX 260
/* A ZRANGE BYLEX bound: '(' or '[' and a member, and its NUL. */
#define NQ_ACTINDEX_BOUND_MAX (NQ_ACTINDEX_MEMBER_MAX + 1)
/* A type filter: ",visit,call,", every known type at most once. */
#define NQ_ACTINDEX_TYPES_MAX 256

#define NQ_ACTINDEX_LIMIT_DEFAULT 50
#define NQ_ACTINDEX_LIMIT_MAX     200
/* A filtered page (types, or a customer's events of one salesperson) reads
 * at most this many index members in all, shared among the timelines it
 * merges, each reading at least limit + 1; the page may then be short, with a
 * cursor to go on from. */
#define NQ_ACTINDEX_SCAN_BUDGET 2000
/* Most timelines one page merges (a team's members). */
#define NQ_ACTINDEX_MERGE_MAX 100

/* The event types, NULL-terminated (services/ingest/validate.c has their
 * rules; tests/unit/test_ingest_validate.c holds the two lists equal). */
extern const char *const nq_activity_types[];

bool nq_activity_type_known(const char *type);

/* ref of event k of log entry `entry_id` into buf. Returns its length, or -1
 * when it does not fit. */
int nq_actindex_ref(char *buf, size_t len, const char *entry_id, size_t k);

/* The member of an event into buf: salesperson NULL for a salesperson's
 * timeline, the event's salesperson for a customer's. Returns its length, or
 * -1 when it does not fit or occurred_at is outside 0 .. 13 digits. */
int nq_actindex_member(char *buf, size_t len, int64_t occurred_at, const char *type,
                       const char *ref, const char *salesperson);

/* A member's parts, pointing into it (not NUL-terminated). */
typedef struct nq_actindex_parts {
    int64_t occurred_at;     /* Unix ms */
    const char *type;        /* the event type */
    size_t type_len;         /* its bytes */
    const char *ref;         /* where the event is (the hash field) */
    size_t ref_len;          /* its bytes */
    const char *salesperson; /* a customer's member: whose hash; NULL in a salesperson's */
    size_t salesperson_len;  /* its bytes */
} nq_actindex_parts_t;

/* Split member (len bytes). Returns 0, or -1 when it is not a member:
 * 13 digits, a type of a-z and '_', a ref, and for a customer's an id. */
int nq_actindex_parse(const char *member, size_t len, nq_actindex_parts_t *out);

/* A member as the cursor a client passes back (base64url, no padding).
 * Returns its length, or -1 when it does not fit. */
int nq_actindex_cursor_encode(const char *member, char *buf, size_t len);

/* The member a cursor names, into member (NUL-terminated). `customer` says
 * which timeline it must come from. Returns 0, or -1 when it is no cursor of
 * such a timeline. */
int nq_actindex_cursor_decode(const char *cursor, bool customer, char *member, size_t len);

/* The members of a page, as ZRANGE BYLEX REV bounds: newest first from
 * `max` down to `min`. */
typedef struct nq_actindex_range {
    char max[NQ_ACTINDEX_BOUND_MAX]; /* "+", or "(<member or time>": exclusive */
    char min[NQ_ACTINDEX_BOUND_MAX]; /* "-", or "[<time>": inclusive */
} nq_actindex_range_t;

/* The range of events that occurred in [from, to) (each bound only when
 * has_*), after `cursor` (a member, or NULL): the lower of the two upper
 * bounds wins. */
void nq_actindex_range(nq_actindex_range_t *r, bool has_from, int64_t from, bool has_to, int64_t to,
                       const char *cursor);

/* A type filter from a comma-separated list ("visit,call") into out as
 * ",visit,call," (the page script's form). Returns 0, or -1 with *why set
 * (static text) for an empty item or an unknown type. */
int nq_actindex_types_parse(const char *list, char *out, size_t len, const char **why);

/* How many members each of `n` timelines reads for a page of `limit`:
 * limit + 1 unfiltered (one more than the page, to tell whether more
 * follow); filtered, its share of NQ_ACTINDEX_SCAN_BUDGET, at least that. */
size_t nq_actindex_scan_each(size_t n, size_t limit, bool filtered);

/* What the page script read in one timeline. */
typedef struct nq_actindex_scan {
    const char *const *members; /* the members that matched, newest first */
    size_t n;                   /* how many */
    const char *last;           /* the last member read, or NULL when it read to the range's end */
} nq_actindex_scan_t;

/* One member of a page: members[i] of scans[scan]. */
typedef struct nq_actindex_pick {
    size_t scan;
    size_t i;
} nq_actindex_pick_t;

/* The page of at most `limit` members merged from n scans (at most
 * NQ_ACTINDEX_MERGE_MAX; more are not read), newest first,
 * into out (room for limit). Only members that no unread member of any
 * timeline can precede are taken: those at or after the highest `last` of
 * the scans that stopped short of their range's end. *next is the member to
 * go on after (borrowed from the scans), or NULL when every range was read to
 * its end. Returns how many were picked. */
size_t nq_actindex_merge(const nq_actindex_scan_t *scans, size_t n, size_t limit,
                         nq_actindex_pick_t *out, const char **next);

#endif
