-- wrk: POST /api/v1/tickets with a complaint-sized JSON body, a client id of its own
-- and a forwarded address of its own per request (the server trusts the loopback proxy
-- in the benchmark, as behind a city's reverse proxy: each resident counted apart).
local prefix = os.getenv("BENCH_PREFIX") or tostring(os.time())
local threads = 0
local n = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local description = "小区东门口的路灯已经坏了一个多星期，晚上整段路漆黑一片，" ..
  "老人和孩子出门很不安全，前天还有人在这里摔倒。物业说路灯归市政管，" ..
  "打电话一直没人来修。请尽快派人维修，谢谢！"

function request()
  n = n + 1
  local id = string.format("%s-%d-%d", prefix, tid, n)
  local address = string.format("10.%d.%d.%d", tid % 256, math.floor(n / 256) % 256, n % 256)
  local body = string.format(
    '{"client_id":"%s","matter_code":"0201","description":"%s",' ..
    '"region_code":"D01-S01-C01-G02","address":"青松路 12 号","contact_name":"张三",' ..
    '"contact_phone":"13812345678"}', id, description)
  return wrk.format("POST", "/api/v1/tickets",
    { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = address }, body)
end
