-- passbook.lua — wrk script for workload 1: every request opens the
-- passbook of a random household (a random line of the tokens file) as a
-- phone's browser asks for it (Accept-Encoding: gzip, checked.lua), and
-- every answer is checked: status 200, Content-Encoding: gzip, and the
-- marker text of the page or the JSON in its inflated body.  A fast wrong
-- answer must not count, so done() prints how many failed and
-- bench/run.sh fails the run when any did.
--
--   wrk ... -s passbook.lua URL -- TOKENS_FILE PREFIX MARKER [identity]
--   PREFIX: "/p/" (the page) or "/api/v1/p/" (the JSON); MARKER: text every
--   good answer holds.  The nginx reference and the libmicrohttpd floor are
--   driven by the same script and the same URLs, so the client does the
--   same work for all three.  "identity": no Accept-Encoding, the marker
--   looked for in the body as sent (bench/guards.sh compares with builds
--   from before gzip-coded passbooks).

-- setup(), done(), PHONE_HEADERS, header(), gzip_has(): checked.lua, next
-- to this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "checked.lua")

function init(args)
	tokens = {}
	for line in io.lines(args[1]) do
		local tok = line:match("^(%x+)")
		if tok then
			tokens[#tokens + 1] = tok
		end
	end
	prefix = args[2]
	marker = args[3]
	identity = args[4] == "identity"
	checked, bad, badbody = 0, 0, 0
	math.randomseed(os.time() * 1000 + id)
end

function request()
	return wrk.format("GET", prefix .. tokens[math.random(#tokens)],
			  not identity and PHONE_HEADERS or nil)
end

function response(status, headers, body)
	checked = checked + 1
	if status ~= 200 then
		bad = bad + 1
	elseif identity then
		if not body:find(marker, 1, true) then
			badbody = badbody + 1
		end
	elseif header(headers, "Content-Encoding") ~= "gzip" or not gzip_has(body, marker) then
		badbody = badbody + 1
	end
end
