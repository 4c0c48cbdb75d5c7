/* services/reporting/members.h — the salespeople a team or the company has (pure).
 *
 * A team stores its members as a JSON array of ids (nq-customers); the
 * company is every id of the directory set (an SMEMBERS reply). Either way
 * the result is the valid ids, borrowed from the parsed JSON or the reply.
 *
 *   member_ids_t m;
 *   if (member_ids_from_json(text, &m) == 0) ... m.ids[0 .. m.n) ...
 *   member_ids_free(&m);
 */
#ifndef NQ_REPORTING_MEMBERS_H
#define NQ_REPORTING_MEMBERS_H

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <stddef.h>

typedef struct member_ids {
    const char **ids; /* valid ids, borrowed from json or the reply */
    size_t n;         /* ids */
    json_t *json;     /* the parsed array, when from JSON */
} member_ids_t;

/* Ids of a JSON array text (invalid ids skipped). Returns 0, or -1 (m empty)
 * when text is NULL or not an array. */
int member_ids_from_json(const char *text, member_ids_t *m);

/* Ids of an array reply of strings (SMEMBERS). Returns 0, or -1 (m empty). */
int member_ids_from_reply(const redisReply *reply, member_ids_t *m);

/* Safe on an empty m; m is empty afterwards. */
void member_ids_free(member_ids_t *m);

#endif
