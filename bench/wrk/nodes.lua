-- Appended by bench/run.sh to the sessionhub scripts when BENCH_NODES > 1:
-- wrk thread i opens all its connections to node i mod N (the nodes' HOST:PORT
-- in BENCH_NODE_ADDRS, space-separated), so with as many threads as nodes
-- each node gets the same share of the connections. One wrk process, so its
-- figures are the total over the nodes.
local next_node = 0
setup = function(thread)
  local addrs = {}
  for hp in os.getenv("BENCH_NODE_ADDRS"):gmatch("%S+") do
    local h, p = hp:match("^(.+):(%d+)$")
    addrs[#addrs + 1] = wrk.lookup(h, p)[1]
  end
  thread.addr = addrs[next_node % #addrs + 1]
  next_node = next_node + 1
end
