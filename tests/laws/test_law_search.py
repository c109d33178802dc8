"""The search documents of regulations: one per version and one per article, with the dates and
statuses that make point-in-time filters and facets right."""

from __future__ import annotations

from datetime import date

from models.laws import Regulation, RegulationArticle
from resolvers.law_search import regulation_documents, status_changes_between
from search.base import SearchKind

ON = date(2025, 6, 1)


async def test_versions_and_articles_of_lifafa(demo_db):
    reg = await Regulation.get(short_title="立法法")
    docs = await regulation_documents([reg], on=ON)
    versions = [d for d in docs if d.kind == SearchKind.REGULATION]
    articles = [d for d in docs if d.kind == SearchKind.REGULATION_ARTICLE]
    assert len(versions) == 2 and len(articles) == 105 + 120
    old, new = sorted(versions, key=lambda d: d.promulgated_on)
    assert (old.status, old.effective_from, old.effective_to) == ("AMENDED", date(2015, 3, 15), date(2023, 3, 13))
    assert (new.status, new.effective_from, new.effective_to) == ("IN_FORCE", date(2023, 3, 13), None)
    assert new.key.startswith("RegulationVersion:") and new.group_key == f"Regulation:{reg.id}"
    assert (new.level, new.region, new.issuing_body, new.year) == ("LAW", None, "全国人民代表大会", 2023)
    assert "立法法" in new.extra_terms and "2023年3月13日" in new.body
    assert "为了规范立法活动" not in new.body  # article texts live in the article documents only

    third = next(d for d in articles if d.parent_key == new.key and d.title.endswith("第三条"))
    article = await RegulationArticle.get(id=int(third.key.split(":")[1]))
    assert third.title == "中华人民共和国立法法 第三条" and third.body == article.text
    assert (third.status, third.effective_to, third.group_key) == ("IN_FORCE", None, new.group_key)
    assert "第一章 总则" in third.extra_terms


async def test_texts_without_articles_keep_their_body(demo_db):
    reg = await Regulation.get(short_title="北京市人民代表大会常务委员会关于加强市级预算审查监督的决定")
    [doc] = await regulation_documents([reg], on=ON)
    assert doc.kind == SearchKind.REGULATION and "预算" in doc.body and len(doc.body) > 1000


async def test_status_changes_between(demo_db):
    reg = await Regulation.get(short_title="立法法")
    assert reg.id in await status_changes_between(date(2023, 3, 12), date(2023, 3, 13))
    assert reg.id not in await status_changes_between(date(2023, 3, 13), date(2023, 6, 1))


async def test_the_daily_refresh_brings_statuses_up_to_date(demo_db, tmp_path):
    """An index written before the 2023 立法法 took effect shows it NOT_YET_EFFECTIVE; the
    scheduler's refresh re-indexes it, records the day, and does nothing more that day."""
    from types import SimpleNamespace

    from resolvers.law_search import refresh_statuses
    from search import SearchFilter, open_backend

    reg = await Regulation.get(short_title="立法法")
    backend = open_backend("whoosh", tmp_path / "index")
    try:
        backend.index(await regulation_documents([reg], on=date(2023, 3, 1)))
        waiting = SearchFilter(kinds=[SearchKind.REGULATION], statuses=["NOT_YET_EFFECTIVE"])
        assert backend.search("立法法", filter=waiting).total == 1
        marker = tmp_path / "search-statuses.day"
        marker.write_text("2023-03-01")
        services = SimpleNamespace(search=backend)

        assert reg.id in await refresh_statuses(services, marker)
        assert backend.search("立法法", filter=waiting).total == 0
        in_force = SearchFilter(kinds=[SearchKind.REGULATION], statuses=["IN_FORCE"])
        assert backend.search("立法法", filter=in_force).total == 1
        assert date.fromisoformat(marker.read_text()) > date(2025, 1, 1)
        assert await refresh_statuses(services, marker) == []  # once a day
    finally:
        backend.close()
