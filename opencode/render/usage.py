"""Usage and cost for people, formatted for their language with babel."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def describe(usage: dict[str, Any], cost_usd: float | None, duration_ms: int, model: str, language: str = "en") -> str:
    from babel.core import Locale, UnknownLocaleError
    from babel.numbers import format_currency, format_decimal

    try:
        locale = Locale.parse(language.replace("-", "_")) if language != "zht" else Locale.parse("zh_Hant")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    parts = [
        f"{format_decimal(usage.get('input_tokens', 0), locale=locale)} in",
        f"{format_decimal(usage.get('output_tokens', 0), locale=locale)} out",
    ]
    if usage.get("cached_tokens"):
        parts.append(f"{format_decimal(usage['cached_tokens'], locale=locale)} cached")
    if cost_usd is not None:
        parts.append(format_currency(cost_usd, "USD", locale=locale, format="¤#,##0.0000", currency_digits=False))
    parts.append(f"{format_decimal(round(duration_ms / 1000, 1), locale=locale)} s")
    parts.append(model)
    return " · ".join(parts)
