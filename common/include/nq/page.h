/* nq/page.h — pages of a list: the limit and the cursor (pure).
 *
 * A list answers in pages, in a stable order; a page says where the next
 * one starts with an opaque cursor ({"items":[...],"next_cursor":"..."|null},
 * docs/api.md "Lists"). The cursor carries a position in the list's order
 * (the last entry the page looked at) and the list's scope: which list and
 * which filters, as a text the list makes from its query. It is checked when
 * it comes back: a cursor of another list or of other filters, or one that
 * is not a cursor at all, is refused with a reason, so a client that
 * changes its filters starts again instead of getting a page of something
 * else.
 *
 * Its text is base64url without padding of: a format byte (1), 8 bytes of
 * FNV-1a 64 of the scope (big-endian), then the position (1 to
 * NQ_CURSOR_POS_MAX printable ASCII bytes, no space). Any position in the
 * order is a legal start, so the cursor needs no secret: a forged one only
 * starts a page somewhere else in a list the client may read anyway.
 *
 *   char cur[NQ_CURSOR_MAX], after[NQ_CURSOR_POS_MAX + 1];
 *   nq_page_cursor_encode(cur, sizeof(cur), "customers?class=key", "c-0042");
 *   const char *why;
 *   if (nq_page_cursor_decode(cur, "customers?class=key", after, sizeof(after), &why) != 0)
 *       ... 400 naming "cursor", with why ...
 */
#ifndef NQ_PAGE_H
#define NQ_PAGE_H

#include <stddef.h>

/* Entries of a page unless `limit` says, and the most it may say. */
#define NQ_PAGE_LIMIT_DEFAULT 50
#define NQ_PAGE_LIMIT_MAX     500

/* Longest position a cursor carries (bytes), and room for a cursor's text
 * with its NUL. */
#define NQ_CURSOR_POS_MAX 128
#define NQ_CURSOR_MAX     192

/* Read `limit` as sent (NULL: absent): a whole number from 1 to
 * NQ_PAGE_LIMIT_MAX, NQ_PAGE_LIMIT_DEFAULT when absent. Returns 0, or -1
 * with the reason in *why (a static string). */
int nq_page_limit(const char *text, unsigned *limit, const char **why);

/* Write the cursor of position `pos` in the list of `scope` into buf.
 * Returns its length, or -1 when pos is not 1..NQ_CURSOR_POS_MAX printable
 * bytes or buf is too small. */
int nq_page_cursor_encode(char *buf, size_t len, const char *scope, const char *pos);

/* Read `cursor` for the list of `scope`: its position into pos (len bytes
 * with the NUL). Returns 0, or -1 with the reason in *why (a static string:
 * not a cursor, or one of another list or other filters). */
int nq_page_cursor_decode(const char *cursor, const char *scope, char *pos, size_t len,
                          const char **why);

#endif
