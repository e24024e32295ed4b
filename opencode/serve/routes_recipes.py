"""``POST /api/recipes/run``: a recipe run (``app.recipes.RecipeRun``), its records as
server-sent events, exactly those of ``opencode run RECIPE --json``; after the last, a
comment line ``: exit N`` gives the run's exit status (no record carries it).

The parameters come filled in (a terminal client asks its person for missing ones
before it sends). Record and replay are refused here: they swap the model client of
the one workspace every request of this server shares, so they run in the command.
"""

from __future__ import annotations

import asyncio

from starlette.routing import Route

from .. import protocol
from ..errors import UsageError
from . import sse
from .body import check_keys, json_object
from .bridge import HttpPerson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator

    from starlette.requests import Request

    from .state import ServerState

#: The body's keys and their types.
KEYS: dict[str, Any] = {
    "recipe": str, "params": dict, "model": str, "max_turns": int, "max_cost": (int, float), "timeout": (int, float),
    "yes": bool, "allow": list, "answers": (list, dict), "cache": bool, "refresh": list, "dry_run": bool,
    "ask_person": bool, "input": str,
}


def recipe_options(body: dict[str, Any]) -> Any:
    from ..app.recipes.runner import RecipeOptions

    check_keys(body, KEYS)
    if not body.get("recipe"):
        raise UsageError("'recipe' (a FILE.toml or a recipe name) is required")
    return RecipeOptions(
        params=body.get("params") or {}, model=body.get("model"), max_turns=body.get("max_turns"), max_cost=body.get("max_cost"),
        timeout=body.get("timeout"), yes=bool(body.get("yes")), allow=tuple(body.get("allow") or ()), answers=body.get("answers"),
        cache=body.get("cache"), refresh=tuple(body.get("refresh") or ()), dry_run=bool(body.get("dry_run")),
    )


def routes(state: ServerState) -> list[Route]:
    async def run(request: Request):
        from ..app.recipes.find import load_named
        from ..app.recipes.runner import RecipeRun

        body = await json_object(request)
        options = recipe_options(body)
        recipe = load_named(state.workspace, body["recipe"])  # unknown or invalid: a 400 before anything runs
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        person = HttpPerson(state.asks, queue.put_nowait, lambda: None, state.permission_timeout) if body.get("ask_person", True) else None
        piped = protocol.parse_input(body["input"]) if body.get("input") else None
        recipe_run = RecipeRun(state.workspace, recipe, options, piped=piped, person=person)

        async def pump() -> None:
            try:
                async for record in recipe_run.records():
                    queue.put_nowait(record)
                    await asyncio.sleep(0)
            finally:
                queue.put_nowait(None)

        async def frames() -> AsyncIterator[bytes]:
            task = asyncio.create_task(pump())
            try:
                async for frame in sse.from_queue(queue, state.heartbeat):
                    yield frame
                await task
                yield f": exit {recipe_run.exit_code}\n\n".encode()
            finally:
                task.cancel()  # the client went away: the run stops

        return sse.response(frames())

    return [Route("/api/recipes/run", run, methods=["POST"])]
