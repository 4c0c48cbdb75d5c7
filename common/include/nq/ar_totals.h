/* nq/ar_totals.h — per-salesperson receivables totals for "now", kept from
 * the customers' facts so a team's figures are read from a few small keys
 * (pure; money in fen, exact).
 *
 * A customer's share of the totals is a set of cells, one per kind,
 * salesperson and day, computed from its facts as of a time (nq_ar_apply);
 * they hold until its next fact (nq_ar_next_fact: a fact dated later than
 * the look, within ingest's future skew, gets a look at its time). Its contribution hash (nq_key_customer_ar_sum) holds the cells
 * it last added to the salespeople's keys, so a look adds only the
 * difference (nq_ar_cells_diff) and sum over customers = the totals:
 *   "o|<sp>|<due day>"  open fen of sp's invoices due that day -> due hash "<day>"
 *   "n|<sp>|<due day>"  how many of them are open               -> due hash "n|<day>"
 *   "i|<sp>|<day>"      fen invoiced by sp that day             -> invoiced hash "<day>"
 *   "c|<sp>|"           sp's payments not applied (credit)      -> credit counter
 * Days are local ("2026-12-15", nq/period.h). The days past due and the DSO
 * window are counted at read (nq_ar_totals_age), so the buckets age by
 * themselves; the figures equal nq_ar_age of every customer's facts at any
 * `at` from the time the cells were computed to the customer's next fact.
 */
#ifndef NQ_AR_TOTALS_H
#define NQ_AR_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "nq/fielderr.h"
#include "nq/receivable.h"

#define NQ_AR_CELL_MAX (NQ_ID_MAX + 20) /* "o|<sp>|2026-12-15" and its NUL */
#define NQ_AR_COMPANY  "*" /* the company's cells' "salesperson": every fact (not an id) */

typedef struct nq_ar_cell {
    char field[NQ_AR_CELL_MAX]; /* the contribution field, as above */
    int64_t fen;                /* its amount (a count for "n|") */
} nq_ar_cell_t;

/* The cells of ar at `at` (after nq_ar_apply(ar, at); facts after `at`
 * count nowhere), sorted by field, summed, none 0; each fact counts for its
 * salesperson (none without one) and for the company (NQ_AR_COMPANY). *cells is malloc'd (free it). 0, or -1 out of
 * memory. */
int nq_ar_cells(const nq_ar_t *ar, int64_t at, nq_ar_cell_t **cells, size_t *n);

/* The time of ar's earliest fact after `at`; 0 when none. */
int64_t nq_ar_next_fact(const nq_ar_t *ar, int64_t at);

/* What to add to go from the contribution `old` (n_old alternating
 * field/value strings, a HGETALL; fields not of a cell, such as "_v", are
 * left out) to `cells` (sorted, nq_ar_cells): cells of new - old, none 0,
 * sorted. *delta is malloc'd. 0, or -1 out of memory. */
int nq_ar_cells_diff(const char *const *old, size_t n_old, const nq_ar_cell_t *cells, size_t n,
                     nq_ar_cell_t **delta, size_t *n_delta);

/* A cell field's parts: its kind ('o', 'n', 'i', 'c'), salesperson (into
 * sp, NQ_ID_MAX + 1 bytes) and day ("" for 'c'). 0, or -1 malformed. */
int nq_ar_cell_parts(const char *field, char *kind, char *sp, const char **day);

/* The salespeople of ar's facts, any date, each once, sorted: pointers into
 * ar (sps has room for n_inv + n_pay). Returns how many. More than one: the
 * customer is shared (nq:{sp:<id>}:ar:shared of each, so a team counts it once). */
size_t nq_ar_salespeople(const nq_ar_t *ar, const char **sps);

/* Add one salesperson's totals at `at` to *sum: its due hash and invoiced
 * hash (alternating field/value strings) and credit (fen). Fields that are
 * not a day and a number are left out. Sets balance_fen from the sums. */
void nq_ar_totals_age(const char *const *due, size_t n_due, const char *const *invoiced,
                      size_t n_invoiced, int64_t credit_fen, int64_t at, nq_ar_aging_t *sum);

#endif
