-- announce_day.lua — wrk script for workload 8, the announcement day:
-- every request opens the card page of a household drawn uniformly from
-- all of them (every household's card is in the tokens file), asked for as
-- a phone's browser asks (Accept-Encoding: gzip, checked.lua).  Two passes:
--
--   cold: a GET; a good answer is 200, Content-Encoding: gzip, with the
--         marker in its inflated body
--   warm: the GET carries the ETag the household's phone kept from the
--         cold pass (If-None-Match: the gzip answer's ETag); a good answer
--         is 304 without a body
--
--   wrk ... -s announce_day.lua URL -- FILE PREFIX MARKER cold|warm
--   FILE: lines "TOKEN<TAB>ETAG" (bench.py etags, which asks for gzip too;
--   the cold pass reads the token only).  A fast wrong answer must not
--   count: done() prints how many failed and bench/run.sh fails the run
--   when any did.

-- setup(), done(), PHONE_HEADERS, header(), gzip_has(): checked.lua, next
-- to this script
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
	-- one table for every warm request (wrk.format only reads it and sets
	-- its Host): the client's work per request stays that of the cold pass
	warm_headers = {}
	for k, v in pairs(PHONE_HEADERS) do
		warm_headers[k] = v
	end
	checked, bad, badbody = 0, 0, 0
	math.randomseed(os.time() * 1000 + id)
end

function request()
	local i = math.random(#tokens)
	if warm then
		warm_headers["If-None-Match"] = etags[i]
		return wrk.format("GET", prefix .. tokens[i], warm_headers)
	end
	return wrk.format("GET", prefix .. tokens[i], PHONE_HEADERS)
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
	elseif header(headers, "Content-Encoding") ~= "gzip" or not gzip_has(body, marker) then
		badbody = badbody + 1
	end
end
