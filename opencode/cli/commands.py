"""The command registry: every subcommand's import path and one-line summary.

``opencode --help`` and shell completion read this table and import nothing else.
A target is ``module:attribute`` of a Click command, or ``tool:NAME`` for a tool whose
command is generated from its ``ToolSpec``.
"""

from __future__ import annotations

from ..tools import BUILTIN

#: Tools whose CLI face lives inside a group instead of at the top level.
GROUPED = {"todowrite": "todo", "todoread": "todo"}

SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "Tools": {
        name: (f"tool:{name}", summary) for name, (_, summary) in BUILTIN.items() if name not in GROUPED
    }
    | {"todo": ("opencode.cli.todo_cmd:todo", "Track tasks: add, list, done")},
    "Agents": {
        "chat": ("opencode.cli.chat_cmd:chat", "Chat with the agent in a terminal (bare 'opencode' does too)"),
        "run": ("opencode.cli.run_cmd:run", "Run the agent on a message headless, or a recipe: run FILE.toml|NAME"),
        "recipe": ("opencode.cli.recipe_cmd:recipe", "Recipes: list, show, validate"),
        "agent": ("opencode.cli.run_cmd:agent", "List agents, or run one: agent NAME \"task\""),
    },
    "Server": {
        "serve": ("opencode.cli.serve_cmd:serve", "Serve the HTTP API: sessions, chat over SSE and WebSocket, tools"),
        "web": ("opencode.cli.web_cmd:web", "Open the web page: the server of serve, and a browser on it"),
    },
    "Sessions": {
        "session": ("opencode.cli.session_cmd:session", "Saved sessions: list, show, delete, diff, resume, compact"),
        "export": ("opencode.cli.session_cmd:export", "Write a session as JSON, secrets masked (-o FILE)"),
        "import": ("opencode.cli.session_cmd:import_", "Add a session from an exported file or stdin"),
        "undo": ("opencode.cli.undo_cmd:undo", "Restore the files as they were before the last agent turn"),
    },
    "Models": {
        "ask": ("opencode.cli.ask_cmd:ask", "Ask a model one question (stdin becomes context)"),
        "models": ("opencode.cli.models_cmd:models", "List known models with context size and price"),
        "auth": ("opencode.cli.auth_cmd:auth", "Manage API keys: login, list, logout"),
        "cache": ("opencode.cli.cache_cmd:cache", "Response cache: stats, clear"),
    },
    "Setup": {
        "config": ("opencode.cli.config_cmd:config", "View and edit configuration"),
        "tool": ("opencode.cli.tool_group:tool", "List, describe and call tools as JSON"),
        "mcp": ("opencode.cli.mcp_cmd:mcp", "MCP servers: list, tools, call, add, remove; serve opencode over MCP"),
    },
}

COMMANDS: dict[str, tuple[str, str]] = {
    name: entry for section in SECTIONS.values() for name, entry in section.items()
}
