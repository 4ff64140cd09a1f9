"""Device login with the official BrainSTEM client, as a user runs it.

BrainstemClient(url=...) with no cached token starts a device login. With
--headless it prints "Open <verification_uri> and enter: <user_code>";
without, it opens verification_uri_complete with the webbrowser module (the
test points $BROWSER at a recorder). Then it polls until the request is
approved or denied in the browser. Once it has a token (cached in
$HOME/.config/brainstem/token) it loads the caller's sessions and prints the
response as one JSON line. A denial raises AuthenticationError.
"""

import json
import os
import sys

from brainstem_api_tools import BrainstemClient

client = BrainstemClient(url=os.environ["SESSIONHUB_URL"], headless="--headless" in sys.argv)
resp = client.load("session")
print(json.dumps({"status": resp.status_code, "body": resp.json()}), flush=True)
