-- Shared by the wrk scripts: counts non-2xx answers per thread and prints the figures
-- docs/performance.md § Service reports. Loaded with dofile from the checkout root.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() bad = 0 end
function response(status) if status >= 300 then bad = bad + 1 end end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  local e = summary.errors
  io.write(string.format("non-2xx: %d  socket errors: connect %d read %d write %d timeout %d\n", n,
                         e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000.0))
  end
  io.write(string.format("req/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
end
