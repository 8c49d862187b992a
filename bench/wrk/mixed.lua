-- wrk -s bench/wrk/mixed.lua: the soak's mixed load (bench/soak.sh). Each wrk thread cycles through
-- 20 requests: 8 POST /check (the example shipment, every other one with trace=0), 6 POST /screen
-- (the names of screen.lua; one in three with nocache=1), 3 GET /healthz, and three that must be
-- refused: a malformed JSON body (400), no token (401) and an unknown path (404). done() prints the
-- requests issued by kind and the answers received by status: an answer whose status no request
-- asked for is an error (the counts differ by at most the requests in flight when wrk stopped).
local token = "Bearer " .. assert(os.getenv("CORDON_TOKEN"), "set CORDON_TOKEN")
local tx = assert(io.open("examples/shipment.json", "rb")):read("*a")
local names = {"Huawei Technologies Co Ltd", "Semiconductor Manufacturing International Corp",
               "Example Distributor Ltd", "Rosoboronexport", "Hanbit Semitech Co Ltd",
               "Sinobright Import and Export Company", "Acme Trading GmbH", "Wuxi Example Microelectronics"}
local json = {["Content-Type"] = "application/json", ["Authorization"] = token}
local auth = {["Authorization"] = token}
local plan = {}  -- {kind, method, path, headers, body}
for i = 1, 8 do
  table.insert(plan, {"check", "POST", i % 2 == 0 and "/check?trace=0" or "/check", json, tx})
end
for i = 1, 6 do
  local name = names[i]
  table.insert(plan, {"screen", "POST", i % 3 == 0 and "/screen?nocache=1" or "/screen", json, '{"name": "' .. name .. '"}'})
end
for _ = 1, 3 do table.insert(plan, {"healthz", "GET", "/healthz", {}, nil}) end
table.insert(plan, {"bad400", "POST", "/check", json, '{"id": "T1", "items": [1, 2'})
table.insert(plan, {"bad401", "POST", "/check", {["Content-Type"] = "application/json"}, tx})
table.insert(plan, {"bad404", "GET", "/no/such/endpoint", auth, nil})

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)  -- threads start at different points of the cycle
end
function init()
  i = offset or 0
  -- Flat globals: done() reads them out of each thread's state with thread:get.
  for _, k in ipairs({"check", "screen", "healthz", "bad400", "bad401", "bad404"}) do _G["issued_" .. k] = 0 end
  got_2xx, got_400, got_401, got_404, got_other = 0, 0, 0, 0, 0
end
function request()
  i = i % #plan + 1
  local p = plan[i]
  _G["issued_" .. p[1]] = _G["issued_" .. p[1]] + 1
  return wrk.format(p[2], p[3], p[4], p[5])
end
function response(status)
  if status >= 200 and status < 300 then got_2xx = got_2xx + 1
  elseif status == 400 then got_400 = got_400 + 1
  elseif status == 401 then got_401 = got_401 + 1
  elseif status == 404 then got_404 = got_404 + 1
  else got_other = got_other + 1 end
end
function done(summary, latency, requests)
  local function sum(name)
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get(name) end
    return n
  end
  local good = sum("issued_check") + sum("issued_screen") + sum("issued_healthz")
  io.write(string.format("issued: check %d screen %d healthz %d | malformed %d no-token %d unknown-path %d\n",
                         sum("issued_check"), sum("issued_screen"), sum("issued_healthz"),
                         sum("issued_bad400"), sum("issued_bad401"), sum("issued_bad404")))
  io.write(string.format("answered: 2xx %d | 400 %d 401 %d 404 %d | other %d\n", sum("got_2xx"), sum("got_400"),
                         sum("got_401"), sum("got_404"), sum("got_other")))
  -- An error: a status nobody asked for, or more answers of a status than requests that ask for it.
  local unexpected = sum("got_other") + math.max(0, sum("got_400") - sum("issued_bad400")) +
                     math.max(0, sum("got_401") - sum("issued_bad401")) + math.max(0, sum("got_404") - sum("issued_bad404")) +
                     math.max(0, sum("got_2xx") - good)
  local e = summary.errors
  io.write(string.format("unexpected answers: %d  unanswered good requests: %d  socket errors: connect %d read %d write %d timeout %d\n",
                         unexpected, good - sum("got_2xx"), e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({50, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000.0))
  end
  io.write(string.format("requests: %d  req/s: %.0f\n", summary.requests, summary.requests / (summary.duration / 1e6)))
end
