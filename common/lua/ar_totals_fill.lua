-- ar_totals_fill — whether the salespeople's receivables totals for now
-- (nq/ar_totals.h) are complete, and the one fill that makes them so on a
-- Redis whose customers had receivables before the totals were kept
-- (services/customers/arwatch.h). The first calls ask for a look at every
-- customer with receivables (the look writes its share), then mark
-- "filling"; a later call marks "ready:2" (NQ_AR_TOTALS_READY) once no look
-- is due. The gateway reads the totals only when "ready:2"; any other mark
-- (a "ready" of totals kept without the shared sets) fills again.
-- The customers are asked for a chunk a call (SSCAN; the mark is
-- "filling:<cursor>" until the scan ends, then "filling"), so that no call
-- holds Redis long at a million customers.
-- KEYS: 1 the mark (STRING nq:ar:totals), 2 every customer with receivables
--   (SET nq:ar:customers), 3 the looks due (ZSET nq:ar:due).
-- ARGV: 1 now (Unix ms).
-- Returns the mark: "filling" (or "filling:<cursor>") or "ready:2".
local mark = redis.call('GET', KEYS[1])
if mark == 'ready:2' then return mark end
local cursor = mark and string.match(mark, '^filling:(%d+)$')
if mark ~= 'filling' and not cursor then cursor = '0' end
if cursor then
  local scan = redis.call('SSCAN', KEYS[2], cursor, 'COUNT', 1000)
  local args = {}
  for _, id in ipairs(scan[2]) do
    args[#args + 1] = 0
    args[#args + 1] = id
  end
  if #args > 0 then redis.call('ZADD', KEYS[3], unpack(args)) end
  mark = scan[1] == '0' and 'filling' or 'filling:' .. scan[1]
  redis.call('SET', KEYS[1], mark)
  return mark
end
if redis.call('ZCOUNT', KEYS[3], '-inf', ARGV[1]) == 0 then
  redis.call('SET', KEYS[1], 'ready:2')
  return 'ready:2'
end
return mark
