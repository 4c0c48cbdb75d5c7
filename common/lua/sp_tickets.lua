-- sp_tickets — a batch's ticket times of one salesperson (tickets_overdue,
-- nq_custsum_tickets_overdue_at), in the activity indexer's transaction
-- (services/customers/actwrite.c): the earliest opening of each ticket
-- "<tid>\31o" = "<at 13 digits>\31<priority>" and its latest close
-- "<tid>\31c" = "<at 13 digits>". A min and a max: a redelivered or replayed
-- event, or events in any order, leave the same hash.
-- KEYS: 1 the salesperson's tickets (HASH).
-- ARGV: per event 3 values: ticket id, "o" or "c", the value above.
-- Returns how many fields it changed.
local changed = 0
for i = 1, #ARGV, 3 do
  local f, kind, v = ARGV[i] .. '\31' .. ARGV[i + 1], ARGV[i + 1], ARGV[i + 2]
  local was = redis.call('HGET', KEYS[1], f)
  if not was or (kind == 'o' and v < was) or (kind == 'c' and v > was) then
    redis.call('HSET', KEYS[1], f, v)
    changed = changed + 1
  end
end
return changed
