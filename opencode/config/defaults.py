"""Built-in defaults: the lowest configuration layer."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULTS: dict[str, Any] = {
    "provider": {"default": "anthropic"},
    "permissions": {"bash_allow": [], "external_directory": "deny", "doom_loop": "ask"},
    "ui": {"theme": "dark", "language": "en"},
    "lsp": {"auto_start": True, "timeout": 30},
    "server": {"port": 4096, "hostname": "127.0.0.1", "enabled": True},
    "cache": {"enabled": False},
    "llm": {"idle_timeout": 120, "connect_timeout": 10, "max_retries": 3, "retry_budget": 60},
    "sandbox": {"mode": "workspace-write", "writable": [], "network": False},
}
