-- intel_events — one salesperson's competitor_intel events of a batch of the
-- activity log, in the activity indexer's transaction (services/customers/
-- actwrite.c, nq/intel.h): observations, per-month figures, newest notes.
-- KEYS: 1 the observations (ZSET, scores 0), 2 the notes (ZSET, scores 0),
--   3.. the figures (HASH) of each month the events fall in:
--   nq:{sp:<id>}:intel:obs / notes / sums:<month>.
-- ARGV: 1 notes kept per pair; then per event 8 values: its observation
--   member, its note member ("" none), the KEYS index of its month's
--   figures, its figures' field prefix
--   "<month>\31<competitor>\31<product>\31", its pair prefix
--   "<competitor>\31<product>\31", price in fen ("" none), customer id (""
--   none), occurred_at (13 digits).
-- Figures of a month and pair (prefix ..): m mentions, n priced, s their sum,
-- lo / hi lowest / highest, f / l "<at>|<fen>" first / last (ties at one
-- instant: the lower price first, the higher last), "c\31<customer>" -> 1.
-- An event moves the figures only when its observation joins KEYS[1], so a
-- redelivered or replayed event counts once; every figure is a sum, a min
-- or a max, so batches apply in any order alike. Notes: the newest per pair
-- (lex order is time order), whatever order they come in. Returns how many
-- events were new.
local cap, new = tonumber(ARGV[1]), 0

local function at_price(s)
  local a, p = string.match(s or '', '^(%d+)|(%d+)$')
  return a, tonumber(p)
end

for i = 2, #ARGV, 8 do
  local obs, note, sums = ARGV[i], ARGV[i + 1], KEYS[tonumber(ARGV[i + 2])]
  local pre, pair = ARGV[i + 3], ARGV[i + 4]
  local price, customer, at = ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
  if redis.call('ZADD', KEYS[1], 0, obs) == 1 then
    new = new + 1
    redis.call('HINCRBY', sums, pre .. 'm', 1)
    if customer ~= '' then redis.call('HSET', sums, pre .. 'c\31' .. customer, 1) end
    if price ~= '' then
      local p = tonumber(price)
      redis.call('HINCRBY', sums, pre .. 'n', 1)
      redis.call('HINCRBY', sums, pre .. 's', price)
      local lo = tonumber(redis.call('HGET', sums, pre .. 'lo') or '')
      if not lo or p < lo then redis.call('HSET', sums, pre .. 'lo', price) end
      local hi = tonumber(redis.call('HGET', sums, pre .. 'hi') or '')
      if not hi or p > hi then redis.call('HSET', sums, pre .. 'hi', price) end
      local fa, fp = at_price(redis.call('HGET', sums, pre .. 'f'))
      if not fa or at < fa or (at == fa and p < fp) then
        redis.call('HSET', sums, pre .. 'f', at .. '|' .. price)
      end
      local la, lp = at_price(redis.call('HGET', sums, pre .. 'l'))
      if not la or at > la or (at == la and p > lp) then
        redis.call('HSET', sums, pre .. 'l', at .. '|' .. price)
      end
    end
  end
  if note ~= '' then
    redis.call('ZADD', KEYS[2], 0, note)
    local from, to = '[' .. pair, '(' .. string.sub(pair, 1, -2) .. ' '
    local n = redis.call('ZLEXCOUNT', KEYS[2], from, to)
    if n > cap then
      local old = redis.call('ZRANGEBYLEX', KEYS[2], from, to, 'LIMIT', 0, n - cap)
      redis.call('ZREM', KEYS[2], unpack(old))
    end
  end
end
return new
