"""Agents: who the model is asked to be, with which tools, and what it is told.

``agents`` defines agents as data (built-ins, markdown files, config tables) and
``instructions`` builds the system prompt an agent runs with. The loop that drives
an agent lives beside them; nothing here talks to a model or a terminal.
"""
