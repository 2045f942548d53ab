-- wrk script: POST one JSON-RPC tools/call per request to a streamable HTTP MCP endpoint.
--
--   wrk -t2 -c16 -d10s --latency -s tools-call.lua http://127.0.0.1:PORT/mcp -- TOOL BEARER SESSION VERSION RUN
--
-- TOOL: list_platform_sets | create_post | echo. BEARER / SESSION: an API key and an Mcp-Session-Id, "-" for none.
-- Every request has its own JSON-RPC id (unique across threads, as one session may be shared); create_post sends a
-- new text each time, so each request is a new valid draft. A response counts as bad unless it is a 200 whose body
-- carries a JSON-RPC result that is not a tool error; done() prints one JSON line for bench/run to read.

local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
  table.insert(threads, thread)
end

local tool, run, headers
local counter = 0
bad = 0
sample = ""

function init(args)
  tool = args[1]
  run = args[5] or "0"
  headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["MCP-Protocol-Version"] = args[4] or "2025-11-25",
  }
  if args[2] and args[2] ~= "-" then headers["Authorization"] = "Bearer " .. args[2] end
  if args[3] and args[3] ~= "-" then headers["Mcp-Session-Id"] = args[3] end
end

function request()
  counter = counter + 1
  local id = tid * 1000000000 + counter
  local arguments
  if tool == "create_post" then
    arguments = string.format('{"content":{"text":"bench %s %d"},"platforms":["x"]}', run, id)
  elseif tool == "echo" then
    arguments = string.format('{"message":"bench %d"}', id)
  else
    arguments = "{}"
  end
  local body = string.format('{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":%s}}',
    id, tool, arguments)
  return wrk.format("POST", nil, headers, body)
end

function response(status, hdrs, body)
  if status ~= 200 or not string.find(body, '"result"', 1, true) or string.find(body, '"isError":true', 1, true) then
    bad = bad + 1
    if sample == "" then sample = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local bad_total, samples = 0, ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    local s = thread:get("sample")
    if s ~= "" and samples == "" then samples = s end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"durationUs":%d,"bytes":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"bad":%d,"badSample":"%s"}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, bad_total,
    (samples:gsub('[%c"\\]', ' '))))
end
