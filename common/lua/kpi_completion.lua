-- kpi_completion — the cohort of on-time completion (nq/kpi_fetch.h). Read-only.
-- KEYS: 1 the on-time set, 2.. the due sets of the period's parts.
-- Returns {orders due in any of the due sets, of those how many were
-- fulfilled on time}.
if #KEYS == 2 then
  return {redis.call('SCARD', KEYS[2]),
          redis.call('SINTERCARD', 2, KEYS[2], KEYS[1])}
end
local due, seen, on_time = 0, {}, 0
for i = 2, #KEYS do
  for _, m in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    if not seen[m] then
      seen[m] = true; due = due + 1
      on_time = on_time + redis.call('SISMEMBER', KEYS[1], m)
    end
  end
end
return {due, on_time}
