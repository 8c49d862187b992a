-- wrk -s bench/wrk/check.lua: POST /check with the bundled example (examples/shipment.json and its
-- context), a token from $CORDON_TOKEN. Counts non-2xx answers so the run can fail on any error.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
local tx = read("examples/shipment.json")
local ctx = read("examples/context.json")
wrk.method = "POST"
wrk.path = os.getenv("CORDON_CHECK_PATH") or "/check?trace=0"
wrk.body = '{"transaction": ' .. tx .. ', "context": ' .. ctx .. '}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("CORDON_TOKEN"), "set CORDON_TOKEN")

dofile("bench/wrk/report.lua")
