-- ix_move(id, first, nrem, nadd): take `id` out of the nrem list indexes
-- KEYS[first], KEYS[first + 1], ..., then put it in the nadd after them
-- (sorted sets of score 0, read in id order: services/customers/orgix.h).
local function ix_move(id, first, nrem, nadd)
  for k = first, first + nrem - 1 do redis.call('ZREM', KEYS[k], id) end
  for k = first + nrem, first + nrem + nadd - 1 do redis.call('ZADD', KEYS[k], 0, id) end
end
