-- wrk script for `make loadtest` (demo/management/commands/loadtest.py).
-- LOADTEST_MODE=get: plain GETs of the URL. LOADTEST_MODE=ask: the public question form as a browser posts it
-- (multipart, CSRF cookie + field, a fresh submission_key and e-mail address per request). LOADTEST_MODE=insert:
-- a small form POST to the bare one-row-insert baseline. LOADTEST_MODE=helpdesk: django-helpdesk's public ticket
-- form (/tickets/submit/) as a browser posts it (multipart, CSRF cookie + field, queue LOADTEST_QUEUE, a fresh
-- title and e-mail address per request, due date blank, no file in the attachment field). done() prints one
-- JSON line that the command reads.

local mode = os.getenv("LOADTEST_MODE") or "get"
local csrf = os.getenv("LOADTEST_CSRF") or ""
local queue = os.getenv("LOADTEST_QUEUE") or ""
local boundary = "----voordeurloadtest7MA4YWxkTrZu0gW"
local threads = {}
local counter = 0
statuses = {}  -- a global: done() reads it with thread:get

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_id or 0))
  if mode == "ask" or mode == "helpdesk" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
    wrk.headers["Cookie"] = "csrftoken=" .. csrf
  elseif mode == "insert" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

local function empty_file(name)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"; filename=\"\"\r\n"
    .. "Content-Type: application/octet-stream\r\n\r\n\r\n"
end

local function random_hex(n)
  local t = {}
  for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(t)
end

function request()
  counter = counter + 1
  if mode == "ask" then
    local key = random_hex(32)
    local body = part("csrfmiddlewaretoken", csrf)
      .. part("submission_key", key)
      .. part("question", "Mag ik een terras plaatsen voor mijn cafe aan de Markt? Welke vergunning heb ik nodig? (" .. key .. ")")
      .. part("subject", "")
      .. part("topic", "")
      .. part("company_name", "")
      .. part("kvk_number", "")
      .. part("contact_name", "Load Test")
      .. part("email", key .. "@load.test")
      .. part("phone", "")
      .. part("preferred_contact", "email")
      .. part("consent", "on")
      .. part("website", "")
      .. "--" .. boundary .. "--\r\n"
    return wrk.format(nil, nil, nil, body)
  elseif mode == "helpdesk" then
    local key = random_hex(32)
    local body = part("csrfmiddlewaretoken", csrf)
      .. part("queue", queue)
      .. part("title", "Can I put a terrace in front of my cafe? (" .. key .. ")")
      .. part("body", "Can I put a terrace in front of my cafe on the market square? Which permit do I need? (" .. key .. ")")
      .. part("priority", "3")
      .. part("due_date", "")
      .. empty_file("attachment")
      .. part("submitter_email", key .. "@load.test")
      .. "--" .. boundary .. "--\r\n"
    return wrk.format(nil, nil, nil, body)
  elseif mode == "insert" then
    return wrk.format(nil, nil, nil, "note=" .. counter)
  end
  return wrk.format(nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do counts[tostring(status)] = (counts[tostring(status)] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%s": %d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'LOADTEST {"duration_us": %d, "requests": %d, "p50_us": %d, "p95_us": %d, "socket_errors": %d, "statuses": {%s}}\n',
    summary.duration, summary.requests, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
