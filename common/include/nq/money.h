/* nq/money.h — exact money: integer fen (1/100 CNY) in int64.
 *
 * Amounts arrive as decimal yuan ("1234.5", "1234.50", 1234.5) and leave as
 * decimal yuan strings with exactly two decimals ("1234.50"). Nothing is ever
 * rounded silently: input with more than two decimals is rejected.
 *
 *   int64_t fen;
 *   if (nq_money_parse("1234.5", &fen) == 0) ...   // fen == 123450
 *   char buf[NQ_MONEY_BUF];
 *   nq_money_format(123450, buf, sizeof(buf));     // "1234.50"
 */
#ifndef NQ_MONEY_H
#define NQ_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Largest magnitude accepted: 10^15 fen (10 trillion yuan). */
#define NQ_MONEY_MAX_FEN 1000000000000000LL
/* Big enough for any formatted amount. */
#define NQ_MONEY_BUF 32

/* Parse a decimal yuan string: optional '-', digits, optionally '.' and one
 * or two digits. Rejects empty input, '+', spaces, exponents, a bare or
 * trailing '.', more than two decimals, and magnitudes over NQ_MONEY_MAX_FEN.
 * Returns 0 and sets *fen, or -1 with *fen untouched; when reason is not
 * NULL it is set to a static English reason ("more than two decimals"). */
int nq_money_parse(const char *s, int64_t *fen, const char **reason);

/* The text of a JSON number of yuan, text[0..len) as it was sent: judged
 * exactly as nq_money_parse judges a string (1.50000000000000000001 and
 * 0.29999999999999999 have more than two decimals, though their doubles
 * are 1.5 and 0.3), and an exponent is refused with its own reason. */
int nq_money_parse_number(const char *text, size_t len, int64_t *fen, const char **reason);

/* Convert a double of yuan computed in memory (no text to judge: prefer
 * nq_money_parse_number for input). Accepts it only when it has at most two
 * decimals (within binary rounding of the double) and is within
 * ±9e13 yuan, where doubles are still exact to the fen. Same contract as
 * nq_money_parse. */
int nq_money_from_double(double yuan, int64_t *fen, const char **reason);

/* Format fen as decimal yuan with two decimals ("-0.05", "1234.50") into buf.
 * Returns the length, like snprintf. */
int nq_money_format(int64_t fen, char *buf, size_t len);

/* The same for people to read, yuan grouped by thousands ("-1,234,567.50"),
 * as alert titles and texts show amounts. Returns the length, like snprintf. */
int nq_money_format_grouped(int64_t fen, char *buf, size_t len);

#endif
