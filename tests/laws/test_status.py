"""Computed status (尚未生效 / 有效 / 已修改 / 已废止) and point-in-time look-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.laws import (
    REGULATION_STATUS_LABELS,
    Regulation,
    RegulationLevel,
    RegulationStatus,
    RegulationVersion,
)
from resolvers.laws import (
    regulation_status,
    shown_version,
    statuses_by_regulation_ids,
    version_in_force,
    version_ranges,
    version_status,
    versions_by_regulation_ids,
)

NOT_YET, IN_FORCE, AMENDED, REPEALED = (
    RegulationStatus.NOT_YET_EFFECTIVE,
    RegulationStatus.IN_FORCE,
    RegulationStatus.AMENDED,
    RegulationStatus.REPEALED,
)
D = date.fromisoformat


async def make(versions: list[tuple[str | None, str | None]], **regulation) -> tuple[Regulation, list]:
    """A regulation with versions given as (promulgated_on, effective_from) ISO dates."""
    reg = await Regulation.create(
        slug=f"r{await Regulation.all().count()}",
        title="示例条例",
        short_title="示例条例",
        level=RegulationLevel.LOCAL_REGULATION,
        **regulation,
    )
    rows = [
        await RegulationVersion.create(
            regulation=reg,
            title="示例条例",
            promulgated_on=D(p) if p else None,
            effective_from=D(e) if e else None,
        )
        for p, e in versions
    ]
    return reg, rows


def test_labels():
    assert [REGULATION_STATUS_LABELS[s] for s in (NOT_YET, IN_FORCE, AMENDED, REPEALED)] == [
        "尚未生效",
        "有效",
        "已修改",
        "已废止",
    ]


async def test_no_version_is_not_yet_effective(db):
    reg, _ = await make([])
    assert regulation_status(reg, [], D("2024-01-01")) == NOT_YET
    assert await version_in_force(reg, D("2024-01-01")) is None


async def test_effective_date_decides_over_promulgation(db):
    reg, [v] = await make([("2021-08-20", "2021-11-01")])
    assert regulation_status(reg, [v], D("2021-08-19")) == NOT_YET
    assert regulation_status(reg, [v], D("2021-09-01")) == NOT_YET  # promulgated, not yet in force
    assert version_status(v, reg, [v], D("2021-09-01")) == NOT_YET
    assert regulation_status(reg, [v], D("2021-11-01")) == IN_FORCE
    assert await version_in_force(reg, D("2021-11-01")) == v


async def test_promulgation_date_when_no_effective_date(db):
    reg, [v] = await make([("2023-03-13", None)])
    assert regulation_status(reg, [v], D("2023-03-12")) == NOT_YET
    assert regulation_status(reg, [v], D("2023-03-13")) == IN_FORCE


async def test_later_version_amends_the_earlier(db):
    reg, [old, new] = await make([("2015-03-15", "2015-03-15"), ("2023-03-13", None)])
    on = D("2020-01-01")
    assert await version_in_force(reg, on) == old
    assert [version_status(v, reg, [old, new], on) for v in (old, new)] == [IN_FORCE, NOT_YET]
    on = D("2024-01-01")
    assert await version_in_force(reg, on) == new
    assert [version_status(v, reg, [old, new], on) for v in (old, new)] == [AMENDED, IN_FORCE]
    assert regulation_status(reg, [old, new], on) == IN_FORCE


async def test_same_start_latest_promulgated_wins(db):
    reg, [a, b] = await make([("2019-01-10", "2020-01-01"), ("2019-06-01", "2020-01-01")])
    assert await version_in_force(reg, D("2020-06-01")) == b
    assert version_status(a, reg, [a, b], D("2020-06-01")) == AMENDED


async def test_undated_version_counts_as_oldest(db):
    reg, [undated, dated] = await make([(None, None), ("2024-12-31", None)])
    assert await version_in_force(reg, D("2020-01-01")) == undated
    assert await version_in_force(reg, D("2025-01-01")) == dated
    assert version_status(undated, reg, [undated, dated], D("2025-01-01")) == AMENDED


async def test_repealed_on_a_date(db):
    reg, [v] = await make([("2005-03-25", "2005-05-01")], repealed=True, repealed_on=D("2021-03-01"))
    assert regulation_status(reg, [v], D("2010-01-01")) == IN_FORCE
    assert regulation_status(reg, [v], D("2021-03-01")) == REPEALED
    assert version_status(v, reg, [v], D("2021-03-01")) == REPEALED
    assert await version_in_force(reg, D("2021-03-01")) is None
    assert await version_in_force(reg, D("2021-02-28")) == v


async def test_repealed_then_reenacted(db):
    reg, [old, new] = await make([("2005-03-25", None), ("2022-01-01", None)], repealed=True, repealed_on=D("2021-03-01"))
    assert regulation_status(reg, [old, new], D("2021-06-01")) == REPEALED
    assert regulation_status(reg, [old, new], D("2022-06-01")) == IN_FORCE
    assert await version_in_force(reg, D("2022-06-01")) == new


async def test_repealed_at_an_unknown_date(db):
    reg, [v] = await make([("2005-03-25", "2005-05-01")], repealed=True)
    assert regulation_status(reg, [v], D("2005-04-01")) == NOT_YET
    assert regulation_status(reg, [v], D("2024-01-01")) == REPEALED
    assert await version_in_force(reg, D("2024-01-01")) is None


async def test_legislation_law_point_in_time(demo_db):
    reg = await Regulation.get(short_title="立法法")
    versions = (await versions_by_regulation_ids([reg.id]))[reg.id]
    assert [v.promulgated_on for v in versions] == [D("2015-03-15"), D("2023-03-13")]
    assert (await version_in_force(reg, D("2020-01-01"))).promulgated_on == D("2015-03-15")
    assert (await version_in_force(reg, D("2023-03-12"))).promulgated_on == D("2015-03-15")
    assert (await version_in_force(reg, D("2023-03-13"))).promulgated_on == D("2023-03-13")
    assert (await version_in_force(reg, D("2024-01-01"))).promulgated_on == D("2023-03-13")
    assert [version_status(v, reg, versions, D("2024-01-01")) for v in versions] == [AMENDED, IN_FORCE]
    assert regulation_status(reg, versions, D("2024-01-01")) == IN_FORCE
    # The corpus holds no version before 2015: nothing to be in force yet.
    assert regulation_status(reg, versions, D("2010-01-01")) == NOT_YET


@pytest.mark.parametrize(
    ("title", "status"),
    [
        ("北京历史文化名城保护条例", REPEALED),  # marked expired, no later version
        ("上海市住宅物业管理规定", IN_FORCE),  # 2010 version expired, 2020 version in force
        ("个人信息保护法", IN_FORCE),
    ],
)
async def test_imported_statuses(demo_db, title, status):
    reg = await Regulation.get(short_title=title)
    assert (await statuses_by_regulation_ids([reg.id], D("2025-06-01")))[reg.id] == status


SETUPS = [
    ([("2015-03-15", "2015-03-15"), ("2023-03-13", None)], {}),
    ([("2019-01-10", "2020-01-01"), ("2019-06-01", "2020-01-01")], {}),  # same start: the first never applies
    ([(None, None), ("2024-12-31", None)], {}),
    ([("2005-03-25", "2005-05-01")], {"repealed": True, "repealed_on": D("2021-03-01")}),
    ([("2005-03-25", None), ("2022-01-01", None)], {"repealed": True, "repealed_on": D("2021-03-01")}),
    ([("2005-03-25", None), ("2022-01-01", None)], {"repealed": True, "repealed_on": D("2023-01-01")}),
    ([("2005-03-25", "2005-05-01")], {"repealed": True}),  # unknown repeal date
    ([(None, None)], {"repealed": True}),
]


@pytest.mark.parametrize(("versions", "regulation"), SETUPS)
async def test_version_ranges_agree_with_version_in_force(db, versions, regulation):
    """The date ranges the search index gets say the same as the point-in-time rules, on every
    boundary day and the days around it."""
    reg, rows = await make(versions, **regulation)
    ranges = version_ranges(reg, rows)
    boundaries = {d for v in rows for d in (v.promulgated_on, v.effective_from) if d}
    boundaries |= {reg.repealed_on} if reg.repealed_on else set()
    days = sorted({d + timedelta(days=k) for d in boundaries for k in (-1, 0, 1)} | {D("1990-01-01"), D("2030-01-01")})
    for day in days:
        expected = await version_in_force(reg, day, rows)
        in_range = [v for v in rows
                    if (ranges[v.id][0] or date.min) <= day and (ranges[v.id][1] is None or day < ranges[v.id][1])]
        assert in_range == ([expected] if expected else []), day


async def test_shown_version(db):
    reg, [old, new] = await make([("2015-03-15", None), ("2023-03-13", None)])
    assert shown_version(reg, [old, new], D("2010-01-01")) == old  # not yet effective: the coming text
    assert shown_version(reg, [old, new], D("2020-01-01")) == old
    assert shown_version(reg, [old, new], D("2024-01-01")) == new
    gone, [text] = await make([("2005-03-25", None)], repealed=True, repealed_on=D("2021-03-01"))
    assert shown_version(gone, [text], D("2024-01-01")) == text  # repealed: the last text that applied
    assert shown_version(gone, [], D("2024-01-01")) is None
