"""The model layer: resolution of ``provider/model``, calls through litellm, usage,
cost, retries and the response cache. Only ``client.py`` imports litellm, lazily."""
