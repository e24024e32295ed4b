"""opencode: an AI coding agent for the terminal, built as a Unix toolkit.

Importing this package is cheap on purpose: every command starts here, so nothing
heavy (litellm, mcp, rich, the server stack) is imported until something uses it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
