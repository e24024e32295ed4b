"""``opencode web``: the server of ``opencode serve`` and a browser on its page.

A server already answering on the port (``opencode serve`` in another terminal) is
reused, after checking it is an opencode server and not some other program; otherwise
one is started through ``opencode.serve.main``, the one part of the server face the
command line may import. The URL is always printed; a browser is opened only where
one can be shown (a display, not ``--no-open``), since on a remote shell or in CI
``webbrowser`` would start a text browser or fail.
"""

from __future__ import annotations

import sys

import click

from .clickutil import pass_runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping

PROBE_TIMEOUT = 2.0  # seconds: a local server answers at once, a dead port at once too


@click.command("web")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default: [server] port, 4096; 0: any free one)")
@click.option("--host", help="Address to listen on (default: 127.0.0.1; others need OPENCODE_SERVER_PASSWORD)")
@click.option("--no-open", is_flag=True, help="Do not open a browser; only print the URL")
@pass_runtime
def web(runtime, port: int | None, host: str | None, no_open: bool) -> None:
    """Open the web page of this project: chat, sessions, files, settings. Starts the
    server (as opencode serve) unless one already answers on the port.

    \b
      opencode web
      opencode web --port 0 --no-open
    """
    import opencode.serve.main  # the one part of the server face the CLI may import

    config = runtime.workspace.config
    host = host or str(config.get("server.hostname", "127.0.0.1"))
    port = int(config.get("server.port", 4096)) if port is None else port
    show = not no_open and can_open_browser(runtime.env)
    if port != 0:
        url = page_url(host, port)
        if answering(url, runtime.env):
            announce(f"opencode web: using the server on {url}", url, show)
            raise SystemExit(0)

    def started(line: str) -> None:
        listening = line.split("listening on ", 1)[1].split()[0]
        url = page_url(*_host_port(listening))
        announce(line.replace("opencode serve:", "opencode web:"), url, show)

    raise SystemExit(
        opencode.serve.main.run_server(
            runtime.cwd, runtime.env, flags=runtime.flags, profile=runtime.profile, host=host, port=port, announce=started
        )
    )


WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}


def page_url(host: str, port: int) -> str:
    """The address a browser on this machine opens: a wildcard host (every
    interface) is reached through loopback."""
    if host in WILDCARDS:
        return f"http://{WILDCARDS[host]}:{port}"
    bracketed = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{bracketed}:{port}"


def _host_port(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("http://").rpartition(":")
    return host, int(port)


def answering(url: str, env: Mapping[str, str]) -> bool:
    """Whether an opencode server answers at ``url``: its OpenAPI document names it,
    or (with a password) its refusal is the opencode Basic challenge. Something else
    on the port is a usage error, not a page to open."""
    import httpx

    from ..errors import UsageError

    try:
        response = httpx.get(f"{url}/openapi.json", timeout=PROBE_TIMEOUT)
    except httpx.HTTPError:
        return False  # nothing listening (or not speaking HTTP in time): start one
    if response.status_code == 401 and 'realm="opencode"' in response.headers.get("www-authenticate", ""):
        return True
    try:
        title = response.json().get("info", {}).get("title", "")
    except (ValueError, AttributeError):
        title = ""
    if response.status_code == 200 and title == "opencode server":
        return True
    raise UsageError(f"{url} answers, but it is not an opencode server", hint="choose another --port (0: any free one)")


def can_open_browser(env: Mapping[str, str]) -> bool:
    """A browser can be shown: macOS and Windows always, elsewhere a display."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def announce(line: str, url: str, show: bool) -> None:
    print(line, file=sys.stderr, flush=True)
    print(url, flush=True)  # stdout: the one thing a script wants
    if show:
        import webbrowser

        webbrowser.open(url + "/", new=2)
    else:
        print("opencode web: open that address in a browser", file=sys.stderr, flush=True)
