"""The process environment litellm needs before it is first imported.

litellm reads these once, at import: without them it would fetch its price map over
the network, log chattily, and let tokenizers reach for a model hub. Only a face owns
its process's environment, so each face that may call a model applies them at start
(``opencode.cli.entry.main`` does); nothing below the faces writes ``os.environ``.
"""

LITELLM_ENVIRONMENT = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOG": "ERROR",
    "HF_HUB_OFFLINE": "1",
}
