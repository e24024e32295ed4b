"""Configuration: ``opencode.toml`` layered with the environment and flags."""

from .loader import Config, load_config

__all__ = ["Config", "load_config"]
