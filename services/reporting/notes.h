/* services/reporting/notes.h — why a figure is shown the way it is.
 *
 * A line of an overview, a scorecard or a commission carries at most one
 * note, in English ("note", also what clients may match on) and in Chinese
 * ("note_zh"); docs/api.md lists them. */
#ifndef NQ_REPORTING_NOTES_H
#define NQ_REPORTING_NOTES_H

#include "nq/kpi.h"

typedef struct kpi_note {
    const char *en; /* "no target" */
    const char *zh; /* "未设目标" */
} kpi_note_t;

/* No target set, or a target of 0 (which means none). */
extern const kpi_note_t note_no_target;
/* A ratio over zero: nothing to score. */
extern const kpi_note_t note_no_data;
/* The commission's base metric has no target: nothing is paid. */
extern const kpi_note_t note_no_commission;
/* The actual is below zero (more returned or cancelled than ordered): the
 * actual stays as it is, attainment, pace and projection count as 0. */
extern const kpi_note_t note_negative;
/* An NPS below zero (more detractors than promoters): attainment, pace and
 * projection count as 0. */
extern const kpi_note_t note_negative_nps;

/* The note of a negative actual of metric m. */
const kpi_note_t *note_negative_of(nq_metric_id_t m);

#endif
