-- alert_context — what alerting knows besides the events of a batch
-- (services/alerting/alerting.h). Read-only.
-- KEYS: 1 the teams' rule overrides (hash), 2 the last competitor prices
--   (hash), then the profile of each salesperson of the batch.
-- ARGV: the price fields the batch's competitor events read.
-- Returns {{price or false per field}, {name, team id (or false) per
-- profile}, {team id, its overrides JSON, ...} for the teams that have some}.
local prices = {}
for i = 1, #ARGV do prices[i] = redis.call('HGET', KEYS[2], ARGV[i]) end
local people, teams, seen = {}, {}, {}
for k = 3, #KEYS do
  local p = redis.call('HMGET', KEYS[k], 'name', 'team_id')
  people[#people + 1] = p[1]
  people[#people + 1] = p[2]
  local team = p[2]
  if team and team ~= '' and not seen[team] then
    seen[team] = true
    local rules = redis.call('HGET', KEYS[1], team)
    if rules then
      teams[#teams + 1] = team
      teams[#teams + 1] = rules
    end
  end
end
return {prices, people, teams}
