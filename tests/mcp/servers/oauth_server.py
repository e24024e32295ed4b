"""A remote MCP server behind OAuth 2.1, built on the SDK's own auth server routes:
dynamic client registration, authorization code with PKCE (approved at once: the
test is the person), refresh tokens. Access tokens live ``--ttl`` seconds, so a test
sees a refresh. Counts of what happened are served at ``/stats``.

    python oauth_server.py PORT [--ttl SECONDS]
"""

import secrets
import sys
import time

from mcp.server.auth.provider import AccessToken, AuthorizationCode, RefreshToken, construct_redirect_uri
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthToken
from starlette.responses import JSONResponse

PORT = int(sys.argv[1])
TTL = int(sys.argv[sys.argv.index("--ttl") + 1]) if "--ttl" in sys.argv else 3600
BASE = f"http://127.0.0.1:{PORT}"
STATS = {"registered": 0, "authorized": 0, "exchanged": 0, "refreshed": 0, "calls": 0}


class Provider:
    def __init__(self):
        self.clients, self.codes, self.access, self.refresh = {}, {}, {}, {}

    async def get_client(self, client_id):
        return self.clients.get(client_id)

    async def register_client(self, client_info):
        STATS["registered"] += 1
        self.clients[client_info.client_id] = client_info

    async def authorize(self, client, params):
        STATS["authorized"] += 1
        code = secrets.token_urlsafe(24)
        self.codes[code] = AuthorizationCode(
            code=code, scopes=params.scopes or [], expires_at=time.time() + 300, client_id=client.client_id,
            code_challenge=params.code_challenge, redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly, resource=params.resource,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(self, client, code):
        return self.codes.get(code)

    async def exchange_authorization_code(self, client, code):
        STATS["exchanged"] += 1
        del self.codes[code.code]
        return self._issue(client.client_id, code.scopes, code.resource)

    async def load_refresh_token(self, client, token):
        return self.refresh.get(token)

    async def exchange_refresh_token(self, client, token, scopes):
        STATS["refreshed"] += 1
        del self.refresh[token.token]
        return self._issue(client.client_id, scopes or token.scopes, token.resource)

    async def load_access_token(self, token):
        found = self.access.get(token)
        if found is None or (found.expires_at and found.expires_at < time.time()):
            return None
        return found

    async def revoke_token(self, token):
        self.access.pop(getattr(token, "token", ""), None)

    def _issue(self, client_id, scopes, resource):
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = AccessToken(token=access, client_id=client_id, scopes=scopes, expires_at=int(time.time()) + TTL, resource=resource)
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes, resource=resource)
        return OAuthToken(access_token=access, expires_in=TTL, refresh_token=refresh, scope=" ".join(scopes) or None)


server = MCPServer(
    "guarded",
    auth_server_provider=Provider(),
    auth=AuthSettings(
        issuer_url=BASE, resource_server_url=f"{BASE}/mcp",
        client_registration_options=ClientRegistrationOptions(enabled=True),
    ),
)


@server.tool()
def whoami() -> str:
    """Say that the caller got in."""
    STATS["calls"] += 1
    return "authorized caller"


@server.custom_route("/stats", methods=["GET"])
async def stats(request):
    return JSONResponse(STATS)


if __name__ == "__main__":
    server.run("streamable-http", host="127.0.0.1", port=PORT)
