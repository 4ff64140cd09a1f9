-- Requests over random ids read from a file, like many users each opening
-- their own record. Arguments (after wrk's --):
--   IDS_FILE GET_TEMPLATE [WRITE_PERCENT WRITE_METHOD WRITE_TEMPLATE WRITE_BODY]
-- Each template is a path in which {id} becomes an id picked at random
-- (uniformly) from IDS_FILE, one id a line. WRITE_PERCENT of the requests
-- (0 by default) are WRITE_METHOD with WRITE_BODY as JSON; the rest GET.
-- With GET_TEMPLATE "-" every request is the write (POST creates).
local ids, get_tpl, write_pct, write_method, write_tpl, write_body
local write_headers = {}

init = function(args)
  ids = {}
  for line in io.lines(args[1]) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  get_tpl = args[2]
  write_pct = tonumber(args[3] or "0")
  write_method, write_tpl, write_body = args[4], args[5], args[6]
  for k, v in pairs(wrk.headers) do write_headers[k] = v end
  write_headers["Content-Type"] = "application/json"
  -- Each wrk thread gets its own sequence.
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003))
end

request = function()
  local id = ids[math.random(#ids)]
  if get_tpl == "-" or math.random(100) <= write_pct then
    return wrk.format(write_method, (write_tpl:gsub("{id}", id)), write_headers, write_body)
  end
  return wrk.format("GET", (get_tpl:gsub("{id}", id)))
end
