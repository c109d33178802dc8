"""Demo loaders of later features, run after the news demo (each takes the app's Services)."""

from __future__ import annotations

from resolvers.demo.laws_demo import load_laws_demo
from resolvers.demo.search_demo import load_search_demo

LOADERS: list = [load_laws_demo, load_search_demo]
