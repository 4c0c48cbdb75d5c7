-- ar_totals_fill — whether the salespeople's receivables totals for now
-- (nq/ar_totals.h) are complete, and the one fill that makes them so on a
-- Redis whose customers had receivables before the totals were kept
-- (services/customers/arwatch.h). The first call asks for a look at every
-- customer with receivables (the look writes its share) and marks
-- "filling"; a later call marks "ready:2" (NQ_AR_TOTALS_READY) once no look
-- is due. The gateway reads the totals only when "ready:2"; any other mark
-- (a "ready" of totals kept without the shared sets) fills again.
-- KEYS: 1 the mark (STRING nq:ar:totals), 2 every customer with receivables
--   (SET nq:ar:customers), 3 the looks due (ZSET nq:ar:due).
-- ARGV: 1 now (Unix ms).
-- Returns the mark: "filling" or "ready:2".
local mark = redis.call('GET', KEYS[1])
if mark == 'ready:2' then return mark end
if mark ~= 'filling' then
  local ids = redis.call('SMEMBERS', KEYS[2])
  for i = 1, #ids, 1000 do
    local args = {}
    for j = i, math.min(i + 999, #ids) do
      args[#args + 1] = 0
      args[#args + 1] = ids[j]
    end
    redis.call('ZADD', KEYS[3], unpack(args))
  end
  redis.call('SET', KEYS[1], 'filling')
  return 'filling'
end
if redis.call('ZCOUNT', KEYS[3], '-inf', ARGV[1]) == 0 then
  redis.call('SET', KEYS[1], 'ready:2')
  return 'ready:2'
end
return mark
