/* notes.c — see notes.h. */
#include "notes.h"

const kpi_note_t note_no_target = {"no target", "未设目标"};
const kpi_note_t note_no_data = {"no data", "无数据"};
const kpi_note_t note_no_commission = {"no target: no commission", "未设目标：无提成"};
const kpi_note_t note_negative = {
    "negative actual (more returned or cancelled than ordered): attainment, pace and projection "
    "shown as 0",
    "实际值为负（退货和取消多于订单）：达成率、进度和预测按 0 显示"};
const kpi_note_t note_negative_nps = {
    "negative NPS (more detractors than promoters): attainment, pace and projection shown as 0",
    "净推荐值为负（贬损者多于推荐者）：达成率、进度和预测按 0 显示"};

const kpi_note_t *note_negative_of(nq_metric_id_t m)
{
    return m == NQ_METRIC_NPS ? &note_negative_nps : &note_negative;
}
