"""Panels above the inbox on the home page: what a person is in the middle of.

Each app registers a provider ``(user, today) -> Panel | None``; a provider runs a bounded
number of queries whatever the data (the home page's query count is tested).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


_providers: list[Callable[..., Panel | None]] = []


def panel(fn):
    _providers.append(fn)
    return fn


def panels_for(user, today: date | None = None) -> list[Panel]:
    today = today or timezone.localdate()
    return [found for fn in _providers if (found := fn(user, today)) is not None]
