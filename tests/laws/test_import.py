"""Importing a corpus folder: versions grouped, idempotent, malformed texts skipped whole."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from models.base import Status
from models.laws import (
    Regulation,
    RegulationArticle,
    RegulationHeading,
    RegulationLevel,
    RegulationVersion,
)
from resolvers.law_import import LawImportError, import_laws
from resolvers.laws import (
    create_regulation_from_text,
    iter_regulation_rows,
    version_in_force,
    versions_by_regulation_ids,
    versions_with_articles,
)
from resolvers.lawtext import LawTextError
from tests.conftest import count_queries

from .conftest import DEMO_LAWS

GOOD = "# 中华人民共和国示例法\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 一。\n\n第二条 二。\n"


def manifest_row(path: str, title: str, **extra) -> dict:
    row = {
        "id": extra.pop("id", path),
        "title": title,
        "level": "法律",
        "category": "宪法相关法",
        "scope": "national",
        "region": None,
        "publish": None,
        "valid_from": None,
        "expired": False,
        "version": 1,
        "path": path,
    }
    row.update(extra)
    return row


def write_corpus(root: Path, files: dict[str, str], rows: list[dict]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, "utf-8")
    (root / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return root


async def counts() -> tuple[int, int, int, int]:
    return (
        await Regulation.all().count(),
        await RegulationVersion.all().count(),
        await RegulationHeading.all().count(),
        await RegulationArticle.all().count(),
    )


def test_demo_import_summary(demo_db):
    summary = demo_db.demo_summary
    assert (summary.imported, summary.updated, summary.unchanged, summary.skipped) == (160, 0, 0, [])
    assert (summary.regulations, summary.versions) == (139, 160)
    assert summary.articles > 10000
    assert "imported 160" in summary.render()


async def test_versions_of_one_law_are_one_regulation(demo_db):
    reg = await Regulation.get(short_title="立法法")
    assert (reg.slug, reg.title, reg.level, reg.region) == ("li-fa-fa", "中华人民共和国立法法", RegulationLevel.LAW, None)
    assert reg.status == Status.PUBLISHED and reg.published_at is not None
    assert reg.issuing_body == "全国人民代表大会"
    versions = await RegulationVersion.filter(regulation=reg).order_by("sequence")
    assert [(v.sequence, v.promulgated_on, v.expired) for v in versions] == [
        (0, date(2015, 3, 15), True),
        (1, date(2023, 3, 13), False),
    ]
    assert versions[0].effective_from == date(2015, 3, 15)  # manifest valid_from
    # 2023: no valid_from, and the text only states the original 2000 date: unknown.
    assert versions[1].effective_from is None
    assert versions[1].adopted_on == date(2000, 3, 15)
    assert versions[1].source_path == "national/立法法(2023-03-13).md"
    assert len(versions[1].content_hash) == 64
    for title in ("全国人民代表大会和地方各级人民代表大会代表法", "各级人民代表大会常务委员会监督法"):
        assert await RegulationVersion.filter(regulation__short_title=title).count() == 2


async def test_levels_regions_and_structure(demo_db):
    expected = {
        "宪法": (RegulationLevel.CONSTITUTION, None),
        "信访工作条例": (RegulationLevel.ADMINISTRATIVE_REGULATION, None),
        "上海市人民代表大会关于代表建议、批评和意见的规定": (RegulationLevel.LOCAL_REGULATION, "上海"),
        "北京市人民代表大会常务委员会关于加强市级预算审查监督的决定": (RegulationLevel.DECISION, "北京"),
    }
    for title, (level, region) in expected.items():
        reg = await Regulation.get(short_title=title)
        assert (reg.level, reg.region) == (level, region), title
    constitution = await RegulationVersion.get(regulation__short_title="宪法")
    assert constitution.body[0]["heading_path"] == ["序言"]  # the preamble
    decision = await RegulationVersion.get(regulation__short_title__startswith="北京市人民代表大会常务委员会关于加强")
    assert await RegulationArticle.filter(version=decision).count() == 0
    assert len(decision.body) > 10 and decision.body[1]["items"][0]["label"] == "（一）"
    # Headings nest: 刑法's sections sit in chapters inside parts.
    criminal = await RegulationVersion.get(regulation__short_title="刑法")
    section = await RegulationHeading.filter(version=criminal, level="SECTION").first().prefetch_related("parent__parent")
    assert (section.parent.level, section.parent.parent.level, section.parent.parent.label) == (
        "CHAPTER",
        "PART",
        "第一编",
    )
    article = await RegulationArticle.get(version=criminal, number=17, suffix=1).prefetch_related("heading")
    assert article.heading.text == article.heading_path[-1]
    # Headings and articles share one order.
    positions = [a.position for a in await RegulationArticle.filter(version=criminal)]
    positions += [h.position for h in await RegulationHeading.filter(version=criminal)]
    assert sorted(positions) == list(range(len(positions)))


async def test_second_import_changes_nothing(db, tmp_path):
    root = tmp_path / "laws"
    shutil.copytree(DEMO_LAWS, root)
    first = await import_laws(root)
    before = await counts()
    updated_at = {v.id: v.updated_at for v in await RegulationVersion.all()}
    again = await import_laws(root)
    assert (again.imported, again.updated, again.unchanged, again.skipped) == (0, 0, first.imported, [])
    assert (again.regulations, again.versions, again.articles) == (0, 0, 0)
    assert await counts() == before
    assert {v.id: v.updated_at for v in await RegulationVersion.all()} == updated_at

    # A changed text is rewritten in place; the others stay unchanged.
    path = root / "national/立法法(2023-03-13).md"
    path.write_text(path.read_text("utf-8") + "\n第一百二十一条 新增的条文。\n", "utf-8")
    third = await import_laws(root)
    assert (third.imported, third.updated, third.unchanged) == (0, 1, first.imported - 1)
    reg = await Regulation.get(short_title="立法法")
    latest = (await versions_by_regulation_ids([reg.id]))[reg.id][-1]
    assert await RegulationArticle.filter(version=latest).count() == 121
    assert await counts() == (before[0], before[1], before[2], before[3] + 1)


async def test_malformed_and_missing_files_are_skipped_whole(db, tmp_path):
    root = write_corpus(
        tmp_path,
        {
            "national/示例法(2020-01-01).md": GOOD,
            "national/空白法(2020-01-01).md": "# 中华人民共和国空白法\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n",
            "national/乱码.md": "\x00\x01garbage",
        },
        [
            manifest_row("national/示例法(2020-01-01).md", "示例法"),
            manifest_row("national/空白法(2020-01-01).md", "空白法"),
            manifest_row("national/乱码.md", "乱码"),
            manifest_row("national/不存在(2020-01-01).md", "不存在"),
        ],
    )
    (root / "manifest.jsonl").write_text((root / "manifest.jsonl").read_text("utf-8") + "{not json\n", "utf-8")
    summary = await import_laws(root)
    reasons = dict(summary.skipped)
    assert summary.imported == 1
    assert reasons["national/空白法(2020-01-01).md"].startswith("malformed: empty body")
    assert reasons["national/乱码.md"].startswith("malformed:")
    assert reasons["national/不存在(2020-01-01).md"] == "file missing"
    assert "manifest.jsonl:5" in reasons
    assert "skipped national/不存在(2020-01-01).md: file missing" in summary.render()
    assert await counts() == (1, 1, 1, 2)
    assert await Regulation.filter(short_title__in=["空白法", "乱码", "不存在"]).count() == 0


async def test_failure_while_writing_leaves_nothing_half_imported(db, tmp_path, monkeypatch):
    second = GOOD.replace("示例法", "第二法")
    root = write_corpus(
        tmp_path,
        {"national/示例法(2020-01-01).md": GOOD, "national/第二法(2021-01-01).md": second},
        [
            manifest_row("national/示例法(2020-01-01).md", "示例法"),
            manifest_row("national/第二法(2021-01-01).md", "第二法"),
        ],
    )
    real = RegulationArticle.bulk_create

    def failing(objects, *args, **kwargs):
        objects = list(objects)
        if objects and objects[0].text == "一。" and failing.armed:
            failing.armed = False
            raise RuntimeError("disk full")
        return real(objects, *args, **kwargs)

    failing.armed = True
    monkeypatch.setattr(RegulationArticle, "bulk_create", failing)
    summary = await import_laws(root)
    # The regulation, version and headings written before the failure were rolled back.
    assert summary.imported == 1
    assert summary.skipped == [("national/示例法(2020-01-01).md", "not stored: RuntimeError: disk full")]
    assert await counts() == (1, 1, 1, 2)
    assert await Regulation.filter(short_title="示例法").count() == 0
    # The next run picks the text up.
    retry = await import_laws(root)
    assert (retry.imported, retry.unchanged, retry.skipped) == (1, 1, [])
    assert await counts() == (2, 2, 2, 4)


async def test_dates_from_file_names_and_text_and_repeal(db, tmp_path):
    effective = GOOD.replace("第二条 二。", "第二条 本法自2020年6月1日起施行。")
    root = write_corpus(
        tmp_path,
        {
            "national/示例法(2020-01-01).md": effective,
            "national/示例法(2022-05-05).md": GOOD,
            "local/上海市旧条例.md": GOOD.replace("中华人民共和国示例法", "上海市旧条例"),
        },
        [
            manifest_row("national/示例法(2020-01-01).md", "示例法", expired=True),
            manifest_row("national/示例法(2022-05-05).md", "示例法", publish="2022-05-06"),
            manifest_row("local/上海市旧条例.md", "上海市旧条例", level="地方性法规", region="上海", expired=True),
        ],
    )
    summary = await import_laws(root)
    assert (summary.imported, summary.regulations) == (3, 2)
    reg = await Regulation.get(short_title="示例法")
    assert reg.repealed is False
    old, new = (await versions_by_regulation_ids([reg.id]))[reg.id]
    assert old.promulgated_on == date(2020, 1, 1)  # the file name's date: publish is null
    assert old.effective_from == date(2020, 6, 1)  # stated in the text
    assert new.promulgated_on == date(2022, 5, 6)  # the manifest wins over the file name
    assert (await version_in_force(reg, date(2020, 3, 1))) is None
    assert (await version_in_force(reg, date(2021, 1, 1))).id == old.id
    local = await Regulation.get(short_title="上海市旧条例")
    assert (local.repealed, local.region, local.level) == (True, "上海", RegulationLevel.LOCAL_REGULATION)
    local_version = await RegulationVersion.get(regulation=local)
    assert local_version.promulgated_on == date(2020, 1, 1)  # no date anywhere else: the history


async def test_rows_without_id_are_matched_by_path(db, tmp_path):
    root = write_corpus(tmp_path, {"national/示例法.md": GOOD}, [manifest_row("national/示例法.md", "示例法", id=None)])
    assert (await import_laws(root)).imported == 1
    assert (await import_laws(root)).unchanged == 1
    assert await counts() == (1, 1, 1, 2)


async def test_progress_callback_and_missing_manifest(db, tmp_path):
    root = write_corpus(tmp_path, {"national/示例法.md": GOOD}, [manifest_row("national/示例法.md", "示例法")])
    calls = []
    await import_laws(root, progress=lambda done, total, name: calls.append((done, total, name)))
    assert calls == [(1, 1, "national/示例法.md")]
    with pytest.raises(LawImportError):
        await import_laws(tmp_path / "nowhere")


async def test_create_regulation_from_text(db):
    version = await create_regulation_from_text(GOOD, level=RegulationLevel.LAW)
    reg = version.regulation
    assert (reg.short_title, reg.slug, reg.status) == ("示例法", "shi-li-fa", Status.DRAFT)
    assert version.promulgated_on == date(2020, 1, 1)
    newer = await create_regulation_from_text(
        GOOD.replace("第二条 二。", "第二条 二。\n\n第三条 三。"), regulation=reg, promulgated_on=date(2024, 1, 1)
    )
    assert newer.regulation_id == reg.id
    assert [v.sequence for v in (await versions_by_regulation_ids([reg.id]))[reg.id]] == [0, 1]
    other = await create_regulation_from_text(GOOD)
    assert other.regulation.slug == "shi-li-fa-2"
    before = await counts()
    with pytest.raises(LawTextError):
        await create_regulation_from_text("没有标题的文本")
    assert await counts() == before


async def test_batch_loaders_do_not_query_per_regulation(demo_db):
    ids = [r.id for r in await Regulation.all().order_by("id").limit(60)]
    with count_queries() as few:
        await versions_by_regulation_ids(ids[:5])
    with count_queries() as many:
        versions = await versions_by_regulation_ids(ids)
    assert len(many.queries) == len(few.queries) == 1
    version_ids = [v.id for vs in versions.values() for v in vs]
    with count_queries() as counter:
        loaded = await versions_with_articles(version_ids)
    assert len(counter.queries) <= 4
    assert [item.version.id for item in loaded] == version_ids
    assert all(item.regulation.id == item.version.regulation_id for item in loaded)
    assert sum(len(item.articles) for item in loaded) > 1000

    rows = []
    with count_queries() as walk:
        async for batch in iter_regulation_rows(batch_size=50):
            rows += batch
    assert len(rows) == 139
    assert len(walk.queries) <= 3 * 3 + 1  # three queries per batch of 50, and the empty page
    legislation = next(r for r in rows if r.regulation.short_title == "立法法")
    assert legislation.current.promulgated_on == date(2023, 3, 13)
    assert len(legislation.articles) == 120
