-- wrk -s bench/wrk/check.lua: POST /check with the bundled example transaction (examples/shipment.json;
-- the server runs with --context examples/context.json), a token from $CORDON_TOKEN.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
local tx = read("examples/shipment.json")
wrk.method = "POST"
wrk.path = os.getenv("CORDON_CHECK_PATH") or "/check?trace=0"
wrk.body = tx
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("CORDON_TOKEN"), "set CORDON_TOKEN")

dofile("bench/wrk/report.lua")
