"""Keeping secrets out of sessions, exports and messages: masked by value.

A session records tool inputs and outputs verbatim, and ``bash`` will happily print
``env`` or ``cat .env``; sessions may live in ``docs/sessions/``, exports are made to be
shared. So before anything leaves the store, every secret is replaced by ``***``
wherever it appears:

- the values of environment variables whose names look like credentials (ending in
  ``_API_KEY`` or ``_TOKEN``, containing ``SECRET`` after a word boundary, or
  ``PASSWORD``), and of every variable the config names as a key
  (``[provider.NAME] api_key_env``);
- the keys ``opencode auth login`` stored;
- text in the shape of a well-known credential: OpenAI and Anthropic keys, AWS access
  key ids, GitHub, Slack, Google and Stripe tokens, private key blocks.

Values shorter than 8 characters are left alone, and so are ordinary words: masking
``1`` or ``true`` everywhere would wreck the text and protect nothing.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping

MASK = "***"
MIN_SECRET = 8

_SECRET_NAME = re.compile(r"(^|_)(API_KEY|TOKEN)$|(^|_)SECRET|PASSWORD|PASSWD")

#: Credentials recognisable by their shape, whoever's they are.
TOKEN_SHAPES = (
    r"sk-ant-[A-Za-z0-9_\-]{20,}",  # Anthropic
    r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",  # OpenAI
    r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",  # AWS access key ids
    r"\bgh[pousr]_[A-Za-z0-9]{36,}",  # GitHub
    r"\bgithub_pat_[A-Za-z0-9_]{22,}",
    r"\bxox[abposr]-[A-Za-z0-9\-]{10,}",  # Slack
    r"\bAIza[0-9A-Za-z_\-]{35}",  # Google
    r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,}",  # Stripe
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
)
#: A text holding none of these holds no token shape: checking for them first keeps the
#: shapes' regular expression off the usual text (sessions are masked on every save).
_MARKERS = ("sk-", "AKIA", "ASIA", "ABIA", "ACCA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AIza", "_live_", "PRIVATE KEY")
_SHAPES = re.compile("|".join(TOKEN_SHAPES))


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name.upper()))


def secret_values(env: Mapping[str, str], names: Iterable[str] = ()) -> list[str]:
    """The values to mask: of credential-like variables, and of the variables ``names``."""
    named = set(names)
    return [
        value for name, value in env.items()
        if (name in named or is_secret_name(name)) and isinstance(value, str) and len(value.strip()) >= MIN_SECRET
    ]


class Redactor:
    """Masks secrets (see the module docstring); built once, applied to many strings.

    ``names`` are more variables whose values are secrets, ``values`` more secrets
    (stored keys).
    """

    def __init__(self, env: Mapping[str, str], *, names: Iterable[str] = (), values: Iterable[str] = ()) -> None:
        known = {*secret_values(env, names), *(v for v in values if isinstance(v, str) and len(v.strip()) >= MIN_SECRET)}
        # Longest first, so a secret containing another is masked whole.
        self.secrets = sorted(known, key=len, reverse=True)

    def text(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if any(marker in text for marker in _MARKERS):
            text = _SHAPES.sub(MASK, text)
        return text

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string (keys too) masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value
