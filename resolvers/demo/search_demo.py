"""Demo of the search statistics and the editors' vocabulary: a week of (made-up) counts of
what citizens searched, some of which found nothing, and the entries an editor added for them."""

from __future__ import annotations

import logging
from datetime import timedelta

from models.search import SearchQueryDay, SearchSynonym
from models.users import User
from resolvers.laws import today
from resolvers.search_vocabulary import publish_vocabulary

log = logging.getLogger("renda.demo")

# (query, searches a day, of which found nothing): the first two found nothing until the editor's
# entries below; the last still does, for the tour to show.
QUERIES = [
    ("电驴 上牌", 6, 6), ("人大代表的点子 多久回复", 3, 3), ("跑腿 被撞 谁赔", 4, 4),
    ("试用期最长多久", 12, 0), ("物业费 涨价", 8, 0), ("代表建议 办理期限", 5, 0),
]
VOCABULARY = [
    ("电驴", ["电动自行车", "非机动车"], "市民搜索“电驴 上牌”无结果"),
    ("点子", ["建议"], "市民搜索“人大代表的点子 多久回复”无结果"),
]


async def load_search_demo(services) -> None:
    editor = await User.filter(username="editor").first()
    for word, terms, note in VOCABULARY:
        await SearchSynonym.create(word=word, terms=terms, note=note, created_by=editor)
    day = today()
    for back in range(7, 0, -1):
        for query, searches, empty in QUERIES:
            await SearchQueryDay.create(day=day - timedelta(days=back), query=query, searches=searches, empty=empty)
    if services.search is not None:
        await publish_vocabulary(services.search)
    log.info("demo search statistics and vocabulary loaded: %d entries", len(VOCABULARY))
