-- POST /sessions with a small JSON body: the Atlas create scenario.
wrk.method = "POST"
wrk.body = '{"title":"bench session"}'
wrk.headers["Content-Type"] = "application/json"
