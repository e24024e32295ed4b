"""``opencode auth``: store, list and remove API keys.

Keys are read from a hidden prompt on a terminal and from stdin otherwise
(``echo $KEY | opencode auth login openai``), so they never sit in shell history.
"""

from __future__ import annotations

import click

from .. import protocol
from ..errors import UsageError
from .clickutil import leaf


@click.group()
def auth() -> None:
    """Manage API keys (stored in the data directory, mode 0600)."""


@auth.command("login")
@click.argument("provider", required=False)
@leaf
def login(runtime, provider: str | None) -> None:
    """Store a key for PROVIDER (asked for on a terminal, else read from stdin)."""
    from ..llm.auth import AuthStore
    from ..llm.providers import PROVIDERS, lookup

    interactive = runtime.stdin is not None and runtime.stdin.isatty()
    if provider is None:
        if not interactive:
            raise UsageError("name the provider: opencode auth login PROVIDER")
        import questionary

        provider = questionary.select("Provider", choices=[p for p, v in PROVIDERS.items() if v.needs_key]).ask()
        if provider is None:
            raise UsageError("no provider chosen")
    known = lookup(provider)
    if known is None:
        raise UsageError(f"unknown provider {provider!r}", hint=f"known providers: {', '.join(sorted(PROVIDERS))}")
    if interactive:
        import questionary

        key = questionary.password(f"{known.title} API key").ask() or ""
    else:
        piped = runtime.read_stdin()
        key = piped.raw if piped is not None else ""
    key = key.strip()
    if not key or "\n" in key:
        raise UsageError("no key given: pipe exactly one line, or run on a terminal to be asked")
    AuthStore(runtime.workspace.data_dir).set(known.name, key)
    text = f"stored a key for {known.name}\n"
    runtime.emit(protocol.record("auth", provider=known.name, action="login", text=text))


@auth.command("list")
@leaf
def list_(runtime) -> None:
    """Providers with a key, from the environment or stored (keys are never shown)."""
    from ..llm.auth import AuthStore
    from ..llm.providers import PROVIDERS

    stored = set(AuthStore(runtime.workspace.data_dir).providers())
    rows = []
    for name, provider in PROVIDERS.items():
        source = None
        if provider.key_env and runtime.env.get(provider.key_env):
            source = f"env:{provider.key_env}"
        elif name in stored:
            source = "stored"
        if source:
            rows.append(protocol.record("auth", provider=name, source=source, text=f"{name}  {source}\n"))
    for row in rows:
        runtime.emit(row)
    if not rows:
        runtime.out.empty("no keys found")


@auth.command("logout")
@click.argument("provider")
@leaf
def logout(runtime, provider: str) -> None:
    """Remove the stored key of PROVIDER."""
    from ..llm.auth import AuthStore
    from ..llm.providers import lookup

    name = lookup(provider).name if lookup(provider) else provider
    if not AuthStore(runtime.workspace.data_dir).remove(name):
        raise UsageError(f"no stored key for {provider}")
    text = f"removed the key for {name}\n"
    runtime.emit(protocol.record("auth", provider=name, action="logout", text=text))
