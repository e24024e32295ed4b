"""``opencode chat``: the interactive session, a face over the application layer.

It renders the records headless runs write (``render.chat_view``) and reads the
person's input with prompt_toolkit; it holds no logic of its own.
"""
