-- wrk -s bench/wrk/screen_unique.lua: POST /screen?nocache=1 — every query screened afresh against
-- the index (the answer cache of the service left out), cycling through the names of screen.lua.
local names = {"Huawei Technologies Co Ltd", "Semiconductor Manufacturing International Corp",
               "Example Distributor Ltd", "Rosoboronexport", "Hanbit Semitech Co Ltd",
               "Sinobright Import and Export Company", "Acme Trading GmbH", "Wuxi Example Microelectronics"}
local i = 0
wrk.method = "POST"
wrk.path = "/screen?nocache=1"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("CORDON_TOKEN"), "set CORDON_TOKEN")
function request()
  i = i % #names + 1
  return wrk.format(nil, nil, nil, '{"name": "' .. names[i] .. '"}')
end
dofile("bench/wrk/report.lua")
