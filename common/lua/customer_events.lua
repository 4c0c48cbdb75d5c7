-- customer_events — the customers' events of a batch of the activity log,
-- in the activity indexer's transaction (services/customers/actwrite.c,
-- nq/custsum.h, nq/receivable.h): their timelines and the figures of their
-- summaries, many customers a call.
-- KEYS: 1 the customer signals stream (alerting reads it), then 5 per
--   customer, in the order of ARGV: its timeline (ZSET), its figures (HASH),
--   its tickets (HASH ticket id -> 1 opened, 2 closed, 3 both), its
--   receivables facts (HASH, nq/receivable.h), its record (credit_limit_fen).
-- ARGV: 1 the signals stream's length cap, then per customer: its id, its
--   number of events n, then per event 11 values: its timeline member, its
--   kind (nq_custsum_kind: order, minus, feedback, intel, topen, tclose,
--   contact, invoice, payment, or ""), its month ("2026-11", Asia/Shanghai),
--   amount (fen), rating (0 none), nps (-1 none), ticket id ("" for other
--   kinds), its receivables fact field and value (nq_ar_fact; for an order
--   "c|<ref>" and "<at>|<order id>|<amount>", "" for others), occurred_at
--   (13 digits), the ticket's priority ("" none).
-- Receivables: ar_balance_fen is invoiced less paid; an order that takes it
-- plus the order above the customer's credit limit is flagged: the fact
-- "c|<ref>" -> "<at>|<order id>|<amount>|<balance>|<limit>", and
-- credit_flags counts them; the flag is appended to the signals stream
-- (kind credit_limit) in this same script, so alerting sees every flag once
-- it is stored and never one that was not.
-- A ticket's times are kept beside its state, on every delivery (the earliest
-- opening "<tid>\31o" = "<at>\31<priority>", the latest close "<tid>\31c" =
-- "<at>": a min and a max, so a replay fills them in and changes nothing else).
-- An event moves the figures only when its member joins the timeline, so a
-- redelivered or replayed event counts once; every figure is a sum or a
-- max, so batches apply in any order alike. The sums of a customer's new
-- events are added up here and written with one HINCRBY per field at its
-- end (what an order reads of its balance includes those still to write).
-- Returns how many were new and the flagged orders' facts:
-- {new, field1, value1, ...}.
local new, flagged = 0, {}
local cap = ARGV[1]
local a, K = 2, 2 -- the customer's first value, its first key
local sums, order = {}, {} -- the customer's sums to add, by field; fields in first use
local function add(field, d)
  if not sums[field] then order[#order + 1] = field; sums[field] = 0 end
  sums[field] = sums[field] + d
end
while a <= #ARGV do
  local customer, n = ARGV[a], tonumber(ARGV[a + 1])
  sums, order = {}, {}
  for i = a + 2, a + 11 * n - 9, 11 do
    local member, kind, month = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    local amount, rating, nps, who = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]),
                                     tonumber(ARGV[i + 5]), ARGV[i + 6]
    local fact, value = ARGV[i + 7], ARGV[i + 8]
    local at, priority = ARGV[i + 9], ARGV[i + 10]
    if kind == 'topen' and who ~= '' then
      local f = who .. '\31o'
      local was = redis.call('HGET', KEYS[K + 2], f)
      local v = at .. '\31' .. priority
      if not was or v < was then redis.call('HSET', KEYS[K + 2], f, v) end
    elseif kind == 'tclose' and who ~= '' then
      local f = who .. '\31c'
      local was = redis.call('HGET', KEYS[K + 2], f)
      if not was or at > was then redis.call('HSET', KEYS[K + 2], f, at) end
    end
    if redis.call('ZADD', KEYS[K], 0, member) == 1 then
      new = new + 1
      if kind == 'order' then
        add(month .. '|orders', 1)
        add(month .. '|sales_fen', amount)
        local limit = tonumber(redis.call('HGET', KEYS[K + 4], 'credit_limit_fen') or '')
        local balance = tonumber(redis.call('HGET', KEYS[K + 1], 'ar_balance_fen') or '0') +
                        (sums['ar_balance_fen'] or 0)
        if limit and fact ~= '' and balance + amount > limit then
          local v = value .. '|' .. balance .. '|' .. limit
          redis.call('HSET', KEYS[K + 3], fact, v)
          add('credit_flags', 1)
          flagged[#flagged + 1] = fact
          flagged[#flagged + 1] = v
          local order_id = string.match(value, '^[^|]*|([^|]*)|') or ''
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', cap, '*', 'kind', 'credit_limit',
                     'customer_id', customer, 'salesperson_id', string.match(member, '([^|]*)$'),
                     'ref', string.sub(fact, 3), 'order_id', order_id, 'at', at,
                     'amount_fen', amount, 'balance_fen', balance, 'limit_fen', limit)
        end
      elseif (kind == 'invoice' or kind == 'payment') and fact ~= '' then
        redis.call('HSET', KEYS[K + 3], fact, value)
        add('ar_balance_fen', kind == 'invoice' and amount or -amount)
      elseif kind == 'minus' then
        add(month .. '|sales_fen', -amount)
      elseif kind == 'feedback' then
        -- all-time figures, and the same keyed by the event's month ("<month>|rating_sum")
        for _, p in ipairs(month ~= '' and {'', month .. '|'} or {''}) do
          if rating > 0 then
            add(p .. 'rating_sum', rating)
            add(p .. 'rating_count', 1)
          end
          if nps >= 0 then
            add(p .. 'nps_count', 1)
            if nps >= 9 then add(p .. 'promoters', 1) end
            if nps <= 6 then add(p .. 'detractors', 1) end
          end
        end
      elseif kind == 'intel' then
        add('competitor_mentions', 1)
      elseif (kind == 'topen' or kind == 'tclose') and who ~= '' then
        local was = tonumber(redis.call('HGET', KEYS[K + 2], who) or '0')
        local now = bit.bor(was, kind == 'topen' and 1 or 2)
        if now ~= was then
          redis.call('HSET', KEYS[K + 2], who, now)
          local delta = (now == 1 and 1 or 0) - (was == 1 and 1 or 0)
          if delta ~= 0 then add('open_tickets', delta) end
        end
      elseif kind == 'contact' then
        -- the latest contact: its member ("<at>|<type>|<ref>|<salesperson>", time first)
        if member > (redis.call('HGET', KEYS[K + 1], 'last_contact') or '') then
          redis.call('HSET', KEYS[K + 1], 'last_contact', member)
        end
      end
    end
  end
  for _, f in ipairs(order) do redis.call('HINCRBY', KEYS[K + 1], f, sums[f]) end
  a, K = a + 2 + 11 * n, K + 5
end
table.insert(flagged, 1, new)
return flagged
