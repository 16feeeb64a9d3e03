-- announce_day.lua — wrk script for workload 8, the announcement day:
-- every request opens the card page of a household drawn uniformly from
-- all of them (every household's card is in the tokens file).  Two passes:
--
--   cold: a plain GET; a good answer is 200 with the marker in its body
--   warm: the GET carries the ETag the household's phone kept from the
--         cold pass (If-None-Match); a good answer is 304 without a body
--
--   wrk ... -s announce_day.lua URL -- FILE PREFIX MARKER cold|warm
--   FILE: lines "TOKEN<TAB>ETAG" (bench.py etags; the cold pass reads the
--   token only).  A fast wrong answer must not count: done() prints how
--   many failed and bench/run.sh fails the run when any did.

-- setup() and done(): checked.lua, next to this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "checked.lua")

function init(args)
	tokens, etags = {}, {}
	for line in io.lines(args[1]) do
		local tok, etag = line:match("^(%x+)\t([^\t]*)")
		if tok then
			tokens[#tokens + 1] = tok
			etags[#etags + 1] = etag
		end
	end
	prefix, marker, warm = args[2], args[3], args[4] == "warm"
	checked, bad, badbody = 0, 0, 0
	math.randomseed(os.time() * 1000 + id)
end

function request()
	local i = math.random(#tokens)
	if warm then
		return wrk.format("GET", prefix .. tokens[i], {["If-None-Match"] = etags[i]})
	end
	return wrk.format("GET", prefix .. tokens[i])
end

function response(status, headers, body)
	checked = checked + 1
	if warm then
		if status ~= 304 then
			bad = bad + 1
		elseif body and #body > 0 then
			badbody = badbody + 1
		end
	elseif status ~= 200 then
		bad = bad + 1
	elseif not body:find(marker, 1, true) then
		badbody = badbody + 1
	end
end
