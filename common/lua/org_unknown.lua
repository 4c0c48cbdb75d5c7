-- org_unknown — the ids ingest recorded as not in the directory that still
-- are not (one added since drops off here): GET /api/v1/org/unknown.
-- Read-only.
-- KEYS: 1 / 2 the unknown salespeople / customers (HASH: id -> "<events>
--   <first ms> <last ms>"), 3 the salespeople, 4 the archived ones,
--   5 the customers.
-- Returns {{id, value, ...} of salespeople, {id, value, ...} of customers}.
local function still(h, sets)
  local out, all = {}, redis.call('HGETALL', KEYS[h])
  for i = 1, #all, 2 do
    local known = false
    for _, k in ipairs(sets) do
      known = known or redis.call('SISMEMBER', KEYS[k], all[i]) == 1
    end
    if not known then out[#out + 1] = all[i]; out[#out + 1] = all[i + 1] end
  end
  return out
end
return {still(1, {3, 4}), still(2, {5})}
