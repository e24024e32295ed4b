"""What a workspace offers to another program's agent: ``opencode mcp serve``.

The tools are the registry's (``[tools] NAME = false`` leaves one out), less those
that need what only an agent run offers (a person, subagents, the agent switch); a
call goes through ``tools.execute`` with the permission gate of a headless run, so
the config's rules apply and an ``ask`` (nobody is there to answer) is a denial with
a message that says so. The prompts are the declarative commands (``explain``,
``review`` ...), expanded as ``opencode explain`` would, and the recipes
(``recipe_NAME``), given as what to do with their parameters filled in.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..tools.base import ToolSpec
    from ..tools.execute import ToolOutcome
    from .workspace import Workspace

RECIPE_PREFIX = "recipe_"
NOBODY = 'nobody can be asked over MCP (allow it in opencode.toml: [permissions] {name} = "allow")'


class Exposed:
    """The tools and prompts of ``workspace``, as an MCP server shows them."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._gate: Any = None

    # -- tools -------------------------------------------------------------------

    def tools(self) -> list[ToolSpec]:
        from ..tools.host import ToolHost

        offers = ToolHost(self.workspace.registry).offers
        return [spec for spec in self.workspace.registry.specs() if set(spec.uses) <= set(offers)]

    async def call(self, name: str, params: dict[str, Any]) -> ToolOutcome:
        """One call, judged by the config's permission rules with nobody to ask."""
        from ..tools.execute import execute

        workspace = self.workspace
        if self._gate is None:
            from .run import permissions_for

            self._gate = permissions_for(workspace, None, workspace.path_policy())
        outcome = await execute(workspace.registry, name, params, workspace.tool_context(), gate=self._gate)
        error = outcome.error
        if outcome.status == "denied" and error is not None and "nobody can be asked" in error.message:
            error.message = f"{name} needs approval and " + NOBODY.format(name=name)
        return outcome

    # -- prompts -----------------------------------------------------------------

    def prompts(self) -> list[dict[str, Any]]:
        """name, description, arguments [{name, description, required}] of each prompt."""
        from ..commandindex import KIND, SUFFIXES
        from ..library import entries
        from .recipes.find import SUFFIXES as RECIPE_SUFFIXES

        root, env = self.workspace.root, self.workspace.env
        found = []
        for name, where, path in entries(KIND, root, env, SUFFIXES):
            command = self._command(name)
            arguments = [{"name": "arguments", "description": "what the command is given on its command line", "required": False}]
            found.append({"name": name, "description": command.description if command else "", "arguments": arguments})
        for name, where, path in entries("recipes", root, env, RECIPE_SUFFIXES):
            recipe = self._recipe(path)
            if recipe is None:
                continue
            arguments = [
                {"name": p.name, "description": p.description, "required": bool(p.required if p.required is not None else not p.has_default)}
                for p in recipe.params.values()
            ]
            found.append({"name": RECIPE_PREFIX + name, "description": recipe.description, "arguments": arguments})
        return found

    async def prompt(self, name: str, arguments: dict[str, str]) -> tuple[str, str]:
        """(description, text) of prompt ``name`` with ``arguments`` filled in."""
        from ..errors import UsageError

        if name.startswith(RECIPE_PREFIX):
            return self._recipe_prompt(name[len(RECIPE_PREFIX):], arguments)
        command = self._command(name)
        if command is None:
            raise UsageError(f"no prompt named {name!r}")
        from .declared.expand import expand

        args = (arguments.get("arguments") or "").split()
        expansion = await expand(self.workspace, command, args)
        return command.description, expansion.prompt

    def _command(self, name: str) -> Any:
        from .declared.command import find_command

        return find_command(name, self.workspace.root, self.workspace.env)

    def _recipe(self, path: Any) -> Any:
        from ..errors import OpencodeError
        from .recipes.loader import load_recipe

        try:
            return load_recipe(path)
        except OpencodeError as error:
            self.workspace.warn(f"{path}: {error.message}")
            return None

    def _recipe_prompt(self, name: str, arguments: dict[str, str]) -> tuple[str, str]:
        from .recipes.find import locate

        path = locate(self.workspace, name)
        recipe = self._recipe(path)
        given = " ".join(f"--param {key}={value}" for key, value in arguments.items() if value)
        lines = [
            f"Carry out the opencode recipe {name!r}: {recipe.description}" if recipe else f"Carry out the opencode recipe {name!r}.",
            f"To run it as it is: opencode run {name} {given}".rstrip(),
            "Its definition:",
            path.read_text(encoding="utf-8"),
        ]
        if arguments:
            lines.insert(1, "With: " + ", ".join(f"{k} = {v}" for k, v in arguments.items()))
        return (recipe.description if recipe else ""), "\n".join(lines)

