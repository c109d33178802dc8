"""Demo loaders of later features, run after the news demo (each takes the app's Services)."""

from __future__ import annotations

LOADERS: list = []
