-- ar_totals_set — a customer's share of its salespeople's receivables totals
-- for now (nq/ar_totals.h, services/customers/arwatch.h): adds the
-- difference between the cells computed from its facts and the cells it
-- added before to its contribution hash and to the salespeople's keys.
-- Written only when the facts are still those read (their count unchanged)
-- and the contribution too (its version "_v" unchanged); otherwise the
-- customer stays due and is looked at again.
-- KEYS: 1 the customer's facts (HASH), 2 its contribution (HASH), then per
--   salesperson 3: its due hash, its invoiced hash, its credit (STRING).
-- ARGV: 1 facts read, 2 the contribution's "_v" read ("" none), then per
--   cell 3: its field ("o|<sp>|<day>", "n|..", "i|..", "c|<sp>|"), the
--   place of its salesperson among the key triples (1-based), fen to add.
-- A field that comes to 0 is removed. Returns 1 when written, 0 when the
-- facts or the contribution changed since they were read.
if redis.call('HLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
if (redis.call('HGET', KEYS[2], '_v') or '') ~= ARGV[2] then return 0 end
for i = 3, #ARGV, 3 do
  local field, j, by = ARGV[i], 3 * tonumber(ARGV[i + 1]), ARGV[i + 2]
  local kind, day = string.sub(field, 1, 1), string.match(field, '|([^|]*)$')
  if redis.call('HINCRBY', KEYS[2], field, by) == 0 then redis.call('HDEL', KEYS[2], field) end
  if kind == 'c' then
    if redis.call('INCRBY', KEYS[j + 2], by) == 0 then redis.call('DEL', KEYS[j + 2]) end
  elseif kind == 'i' then
    if redis.call('HINCRBY', KEYS[j + 1], day, by) == 0 then
      redis.call('HDEL', KEYS[j + 1], day)
    end
  else
    local f = kind == 'n' and 'n|' .. day or day
    if redis.call('HINCRBY', KEYS[j], f, by) == 0 then redis.call('HDEL', KEYS[j], f) end
  end
end
redis.call('HINCRBY', KEYS[2], '_v', 1)
return 1
