-- alert_raise — raise a batch's alerts, each once per (rule, subject,
-- window), keep the last competitor prices it saw, and acknowledge the
-- batch's log entries, in one step (services/alerting/alerting.h).
-- KEYS: 1 the activity log, 2 the alert stream, 3 the last competitor prices
--   (hash), 4 the index of all alerts, 5 the index of open alerts, 6 the
--   escalation clock (zset), 7 the open alerts' auto-resolve records (hash),
--   then 5 per alert: its dedupe key, its hash, its rule's, team's and
--   salesperson's indexes.
-- ARGV: 1 the log's consumer group, 2 how long a dedupe key lives (s), 3 the
--   alert stream's length cap, 4 n, then the n log entry ids; then m, then m
--   price updates (field, the value read before or '', the new value); then
--   per alert its id, its packed nq.Alert (without id), when it escalates
--   (Unix ms, 0 never) and its auto-resolve record's field in KEYS[7] ('' none),
--   written with the alert so that an alert raised always has its record.
-- Returns {'conflict'} (nothing done) when a price changed since it was read;
-- else {'ok', then per alert 1 when raised now, 0 when raised before}.
local n = tonumber(ARGV[4])
local at = 5 + n
local m = tonumber(ARGV[at])
for i = 0, m - 1 do
  local field, before = ARGV[at + 1 + 3 * i], ARGV[at + 2 + 3 * i]
  if (redis.call('HGET', KEYS[3], field) or '') ~= before then return {'conflict'} end
end
for i = 0, m - 1 do redis.call('HSET', KEYS[3], ARGV[at + 1 + 3 * i], ARGV[at + 3 + 3 * i]) end
local first = at + 1 + 3 * m
local out = {'ok'}
for i = 0, (#ARGV - first + 1) / 4 - 1 do
  local k = 8 + 5 * i
  local at_i = first + 4 * i
  local id, packed, due, open = ARGV[at_i], ARGV[at_i + 1], ARGV[at_i + 2], ARGV[at_i + 3]
  if redis.call('SET', KEYS[k], '1', 'NX', 'EX', ARGV[2]) then
    redis.call('HSET', KEYS[k + 1], 'id', id, 'a', packed, 'state', 'open', 'v', 1)
    redis.call('ZADD', KEYS[4], 0, id)
    redis.call('ZADD', KEYS[5], 0, id)
    for j = k + 2, k + 4 do redis.call('ZADD', KEYS[j], 0, id) end
    if due ~= '0' then redis.call('ZADD', KEYS[6], due, id) end
    if open ~= '' then redis.call('HSET', KEYS[7], open, id) end
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'id', id, 'a', packed)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if n > 0 then redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 5, 4 + n)) end
return out
