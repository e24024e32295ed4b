"""``opencode mcp``: the configured MCP servers, their tools, prompts and resources;
adding and removing servers; and ``mcp serve``, opencode itself as an MCP server."""

from __future__ import annotations

import click

from .. import protocol
from ..app import mcpservers
from ..errors import UsageError
from .clickutil import leaf
from .invoke_tool import json_params, run_tool_command


@click.group()
def mcp() -> None:
    """MCP servers: list, tools, call, add, remove, prompts, resources, serve."""


@mcp.command("list")
@leaf
def list_servers(runtime) -> None:
    """List the configured servers: state, transport and tool count (starts them)."""
    for row in mcpservers.states(runtime.workspace):
        detail = f"  {row['error']}" if row.get("error") else ""
        text = f"{row['name']}\t{row['state']}\t{row['transport']}\t{row['tools']} tools\t{row['target']}{detail}\n"
        runtime.emit(protocol.record("mcp_server", **row, text=text))


@mcp.command("tools")
@click.argument("server", required=False)
@leaf
def tools(runtime, server: str | None) -> None:
    """List the tools of every running server, or of SERVER."""
    for row in mcpservers.tools(runtime.workspace, server):
        summary = row["description"].splitlines()[0] if row["description"] else ""
        runtime.emit(protocol.record("mcp_tool", **row, text=f"{row['name']}\t{summary}\n"))


@mcp.command("call")
@click.argument("server")
@click.argument("tool")
@click.argument("params", required=False, metavar="[JSON | -]")
@leaf
def call(runtime, server: str, tool: str, params: str | None) -> None:
    """Call TOOL of SERVER with a JSON object of parameters (none: {})."""
    spec = mcpservers.tool_spec(runtime.workspace, server, tool)
    value = {} if params is None and not runtime.stdin_piped else json_params(runtime, params, f"opencode mcp call {server} {tool} '{{...}}'")
    raise SystemExit(run_tool_command(runtime, spec, value))


@mcp.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@click.option("--url", help="A remote server's URL (streamable HTTP, SSE as fallback)")
@click.option("--env", "env", multiple=True, metavar="KEY=VALUE", help="An environment variable for the server (${VAR} allowed)")
@click.option("--header", "headers", multiple=True, metavar="KEY=VALUE", help="An HTTP header for a remote server (${VAR} allowed)")
@click.option("--global", "global_", is_flag=True, help="Write the user config file instead of the project's")
@leaf
def add(runtime, name: str, command: tuple[str, ...], url: str | None, env: tuple[str, ...], headers: tuple[str, ...], global_: bool) -> None:
    """Add a server: NAME -- COMMAND ARGS... (stdio) or NAME --url URL.

    Writes [mcp.servers.NAME] into opencode.toml, keeping the file's comments.
    """
    if bool(command) == bool(url):
        raise UsageError("give either a command (mcp add NAME -- COMMAND ARGS...) or --url URL", hint="see 'opencode mcp add --help'")
    path = _config_file(runtime, global_)
    table = mcpservers.add(path, name, command=list(command), url=url, env=_pairs(env, "--env"), headers=_pairs(headers, "--header"))
    target = url or " ".join(command)
    runtime.emit(protocol.record("mcp_added", name=name, server=table, file=str(path), text=f"added {name}: {target}  ({path})\n"))


@mcp.command("remove")
@click.argument("name")
@click.option("--global", "global_", is_flag=True, help="Change the user config file instead of the project's")
@leaf
def remove(runtime, name: str, global_: bool) -> None:
    """Remove server NAME from the config file."""
    path = _config_file(runtime, global_)
    mcpservers.remove(path, name)
    runtime.emit(protocol.record("mcp_removed", name=name, file=str(path), text=f"removed {name}  ({path})\n"))


@mcp.command("prompts")
@click.argument("server", required=False)
@leaf
def prompts(runtime, server: str | None) -> None:
    """List the prompts the servers (or SERVER) offer."""
    for row in mcpservers.listing(runtime.workspace, "prompts", server):
        runtime.emit(protocol.record("mcp_prompt", **row, text=f"{row['server']}\t{row['name']}\t{row.get('description', '')}\n"))


@mcp.command("resources")
@click.argument("server", required=False)
@leaf
def resources(runtime, server: str | None) -> None:
    """List the resources the servers (or SERVER) offer."""
    for row in mcpservers.listing(runtime.workspace, "resources", server):
        runtime.emit(protocol.record("mcp_resource", **row, text=f"{row['server']}\t{row['uri']}\t{row.get('name', '')}\n"))


@mcp.command("auth")
@click.argument("words", nargs=-1, metavar="NAME | list | logout NAME")
@click.option("--timeout", type=float, default=300, show_default=True, help="Seconds to wait for the sign-in")
@leaf
def auth(runtime, words: tuple[str, ...], timeout: float) -> None:
    """Sign in to a remote server with OAuth (NAME), list sign-ins, or log out.

    The authorization URL is printed on stderr (and opened in the browser at a
    terminal); the redirect comes back to a listener on 127.0.0.1.
    """
    ws = runtime.workspace
    if words == ("list",):
        for row in mcpservers.authorizations(ws):
            state = "signed in" if row["authorized"] else "not signed in"
            runtime.emit(protocol.record("mcp_auth", **row, text=f"{row['name']}\t{state}\t{row['url']}\n"))
    elif len(words) == 2 and words[0] == "logout":
        mcpservers.logout(ws, words[1])
        runtime.emit(protocol.record("mcp_auth", name=words[1], action="logout", text=f"logged out of {words[1]}\n"))
    elif len(words) == 1:
        say = lambda text: (runtime.stderr.write(text + "\n"), runtime.stderr.flush())  # noqa: E731
        count = mcpservers.authorize(ws, words[0], say, browser=runtime.interactive, timeout=timeout)
        runtime.emit(protocol.record("mcp_auth", name=words[0], action="login", tools=count, text=f"signed in to {words[0]} ({count} tools)\n"))
    else:
        raise UsageError("usage: opencode mcp auth NAME | list | logout NAME")


@mcp.command("serve")
@click.option("--http", "http", is_flag=True, help="Serve streamable HTTP on 127.0.0.1 instead of stdio")
@click.option("--port", type=int, default=0, show_default=True, help="The HTTP port (0: one the system picks, printed on stderr)")
@leaf
def serve(runtime, http: bool, port: int) -> None:
    """Be an MCP server: the tools, recipes and commands, over stdio (or --http)."""
    import opencode.mcpserve.main  # the one part of the MCP server face the CLI may import

    raise SystemExit(opencode.mcpserve.main.main(runtime, http=http, port=port))


def _config_file(runtime, global_: bool):
    from ..config.dirs import find_project_file

    if global_:
        return runtime.workspace.config.user_file
    return find_project_file(runtime.cwd) or runtime.workspace.root / "opencode.toml"


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"{option} takes KEY=VALUE, got {item!r}")
        pairs[key] = value
    return pairs
