/* tests/unit/luacheck.h — a static check of our Lua scripts: every key they
 * touch is one of their KEYS.
 *
 * Redis Cluster (and any proxy that routes by key) needs every key a script
 * touches named in KEYS. Our style makes that checkable without running the
 * script: the key arguments of every redis.call / redis.pcall are
 *   - KEYS[<expression>], or
 *   - a name every binding of which is KEYS[<expression>]
 *     (local k = KEYS[1]; local a, b = KEYS[2], KEYS[3]), or
 *   - unpack(KEYS, ...) where a command takes any number of keys.
 * The command must be a string literal, and one of the table in luacheck.c,
 * which says which of its arguments are keys. A key built in Lua (from ARGV,
 * from a reply, by concatenation) fails the check.
 *
 *   char why[256];
 *   if (luacheck_keys(script_text, why, sizeof(why)) != 0) puts(why);
 *   int top = luacheck_max_key(script_text);   // the largest literal KEYS[n], 0 if none
 */
#ifndef NQ_TEST_LUACHECK_H
#define NQ_TEST_LUACHECK_H

#include <stddef.h>

/* How many problems `text` has (0: every key argument is declared); the
 * first is described in why (with its line). -1 when the text does not
 * tokenise (an unfinished string or comment). */
int luacheck_keys(const char *text, char *why, size_t why_len);

/* The largest n of a literal KEYS[n] in `text`, 0 when there is none. */
int luacheck_max_key(const char *text);

#endif
