-- Cairn's rate-limit buckets: check-and-take over all the buckets of one request at once, all or
-- nothing, on Redis's own clock (so the clocks of Cairn's processes do not matter). The sums are
-- BucketMath's, in dev.cairn.limits; keep the two alike.
--
-- A bucket's state is one number, tat: the time at which it will be full again, in microseconds
-- since 2024-01-01 (small enough that a double keeps a fraction of a microsecond). A missing key is
-- a full bucket, and a key expires when its bucket is full again.
--
-- ARGV[1] is 'take' (all or nothing), 'use' (add use without asking; negative amounts give units
-- back) or 'peek'; then three values per key: limit, window in microseconds, amount.
-- Returns three integers per key: whole units left, microseconds until full, microseconds this
-- request would have to wait for its units (0: it has them).

redis.replicate_commands() -- needed before Redis 7 to write after reading TIME; a no-op since

local EPOCH = 1704067200
local EPSILON = 1e-6
local clock = redis.call('TIME')
local now = (tonumber(clock[1]) - EPOCH) * 1000000 + tonumber(clock[2])
local mode = ARGV[1]

local tats, waits = {}, {}
local admitted = true
for i = 1, #KEYS do
  local limit, window, amount = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
  local interval = window / limit
  local tat = tonumber(redis.call('GET', KEYS[i])) or now
  local wait = 0
  if mode == 'take' then
    local missing = amount - (limit - math.max(0, tat - now) / interval)
    if missing > EPSILON then
      wait = math.ceil(missing * interval)
      admitted = false
    end
  end
  tats[i], waits[i] = tat, wait
end

local out = {}
for i = 1, #KEYS do
  local limit, window, amount = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
  local interval = window / limit
  local tat = tats[i]
  if mode == 'use' or (mode == 'take' and admitted) then
    tat = math.max(math.max(tat, now) + amount * interval, now)
    local ttl = math.ceil((tat - now) / 1000)
    if ttl > 0 then
      redis.call('SET', KEYS[i], string.format('%.17g', tat), 'PX', ttl)
    else
      redis.call('DEL', KEYS[i])
    end
  end
  local remaining = math.floor(limit - math.max(0, tat - now) / interval + EPSILON)
  out[3 * i - 2] = math.max(0, math.min(limit, remaining))
  out[3 * i - 1] = math.ceil(math.max(0, tat - now))
  out[3 * i] = waits[i]
end
return out
