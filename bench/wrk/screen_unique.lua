-- wrk -s bench/wrk/screen_unique.lua: POST /screen with a name no request has asked before — the
-- names of screen.lua, each with a different short word appended ("... Co Ltd qbx") — so that
-- every answer is screened afresh against the index (the service's answer cache never hits).
local names = {"Huawei Technologies Co Ltd", "Semiconductor Manufacturing International Corp",
               "Example Distributor Ltd", "Rosoboronexport", "Hanbit Semitech Co Ltd",
               "Sinobright Import and Export Company", "Acme Trading GmbH", "Wuxi Example Microelectronics"}
local letters = "bcdfghjklmnpqrstvwxz"
local n = 0
tag = ""  -- set per wrk thread by setup below
local function word(k)  -- k >= 0 as letters, base 20
  local w = ""
  repeat
    local d = k % 20
    w = string.sub(letters, d + 1, d + 1) .. w
    k = (k - d) / 20
  until k == 0
  return w
end
wrk.method = "POST"
wrk.path = "/screen"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("CORDON_TOKEN"), "set CORDON_TOKEN")
function request()
  n = n + 1
  local name = names[n % #names + 1] .. " " .. tag .. word(math.floor(n / #names))
  return wrk.format(nil, nil, nil, '{"name": "' .. name .. '"}')
end
dofile("bench/wrk/report.lua")
local report_setup, started = setup, 0
function setup(thread)
  started = started + 1
  -- A letter per wrk thread: no overlap. SCREEN_UNIQUE_FROM=K starts at the K-th letter, so that a
  -- warm-up run does not ask the names a measured run will (bench/serve_instructions.sh).
  local k = started + tonumber(os.getenv("SCREEN_UNIQUE_FROM") or "1") - 1
  thread:set("tag", string.sub(letters, k, k))
  report_setup(thread)
end
