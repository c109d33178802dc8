"""Search benchmark on a folder of law texts (Markdown texts + manifest.jsonl, as resolvers/demo/laws).

    python bench/search.py CORPUS [--repeat 5] [--procs 2] [--keep DIR]

Parses every text into one REGULATION document (title, metadata, history lines) and one
REGULATION_ARTICLE document per 第N条 (texts without articles keep their body on the
REGULATION document), times `rebuild()` into a temporary directory, then runs a fixed mix
of citizen queries: one cold pass (empty caches), then `--repeat` passes, timed separately
(a) ten hits without facets and highlights, (b) ten hits with facets and highlights.
Prints ONE JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import SearchDocument, SearchFilter, SearchKind, SearchSort, open_backend

LEVELS = {
    "宪法": "CONSTITUTION",
    "法律": "LAW",
    "行政法规": "ADMINISTRATIVE_REGULATION",
    "地方性法规": "LOCAL_REGULATION",
}
ARTICLE = re.compile(r"^(第[零〇一二三四五六七八九十百千万两]+条(?:之[一二三四五六七八九十]+)?)\s*(.*)$")
FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)\.md$")
TODAY = date(2025, 1, 1)

QUERIES: list[tuple[str, SearchFilter | None]] = [
    ("单位答复代表建议的期限", None),
    ("代表建议", None),
    ('"代表建议、批评和意见"', None),
    ("人大代表 罢免", None),
    ("地方性法规 备案审查", None),
    ('"设区的市"', None),
    ("劳动合同 解除 经济补偿", None),
    ("勞動合同 試用期", None),
    ("拖欠工资怎么办", None),
    ("最低工资标准", SearchFilter(regions=["上海"])),
    ("物业服务 业主大会", SearchFilter(levels=["LOCAL_REGULATION"])),
    ("垃圾分类", SearchFilter(in_force_on=TODAY)),
    ("電動自行車 頭盔", None),
    ("未成年人 网络保护", None),
    ("个人信息保护", SearchFilter(kinds=[SearchKind.REGULATION_ARTICLE])),
    ("消费者权益 七日无理由退货", None),
    ('"人民代表大会常务委员会"', SearchFilter(levels=["LAW"])),
    ("选举 选民登记", None),
    ("立法法", SearchFilter(kinds=[SearchKind.REGULATION])),
    ("宪法 公民 基本权利", None),
    ("行政复议 申请期限", None),
    ("行政诉讼 起诉期限 -刑事", None),
    ("环境影响评价", SearchFilter(promulgated_from=date(2015, 1, 1))),
    ("食品安全 小作坊", SearchFilter(regions=["北京", "上海"])),
    ("住房公积金 提取", None),
    ("社会保险 工伤认定", None),
    ('"法律责任"', SearchFilter(statuses=["IN_FORCE"], levels=["LOCAL_REGULATION"])),
    ("质询案", None),
    ("执法检查 报告", None),
    ("征收 补偿 房屋", None),
    ("民法典 婚姻", None),
    ("安全生产 事故 责任", SearchFilter(in_force_on=TODAY)),
    ("野生动物保护", None),
    ("养老服务 老年人", SearchFilter(regions=["重庆"])),
    ("城乡规划 违法建设", None),
    ("道路交通安全 酒后驾驶", None),
    ("义务教育 学校 收费", None),
    ("专利 侵权 赔偿", None),
    ('"第十二条"', SearchFilter(group_keys=["立法法"])),
    ('AND OR ( "unbalanced', None),
]


def parse_texts(root: Path) -> tuple[list[SearchDocument], int]:
    entries = [json.loads(line) for line in (root / "manifest.jsonl").read_text("utf-8").splitlines() if line]
    for e in entries:
        m = FILE_DATE.search(e["path"])
        e["_promulgated"] = _day(e["publish"]) or (_day(m.group(1)) if m else None)
        e["_from"] = _day(e["valid_from"]) or e["_promulgated"]
    versions: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        versions[e["title"]].append(e)
    for group in versions.values():
        group.sort(key=lambda e: e["_promulgated"] or date.min)
        for i, e in enumerate(group):
            later = group[i + 1] if i + 1 < len(group) else None
            e["_to"] = later["_from"] if later else None
            if e["_from"] and e["_from"] > TODAY:
                e["_status"] = "NOT_YET_EFFECTIVE"
            elif later is not None:
                e["_status"] = "AMENDED"
            elif e["expired"]:
                e["_status"] = "REPEALED"
            else:
                e["_status"] = "IN_FORCE"
    docs: list[SearchDocument] = []
    articles = 0
    for e in entries:
        text = (root / e["path"]).read_text("utf-8")
        head, _, body = text.partition("<!-- INFO END -->")
        lines = head.strip().splitlines()
        title = lines[0].lstrip("# ").strip() if lines else e["title"]
        history = " ".join(line.strip() for line in lines[1:] if line.strip())
        reg_key = f"Regulation:{e['id']}"
        meta = dict(
            group_key=e["title"],
            level=LEVELS.get(e["level"]),
            status=e["_status"],
            region=e["region"] or "全国",
            promulgated_on=e["_promulgated"],
            effective_from=e["_from"],
            effective_to=e["_to"],
        )
        parsed = list(_articles(body))
        articles += len(parsed)
        docs.append(
            SearchDocument(
                key=reg_key,
                kind=SearchKind.REGULATION,
                title=title,
                body=history if parsed else (history + "\n" + _plain(body)).strip(),
                extra_terms=e["title"],
                **meta,
            )
        )
        for n, (label, article) in enumerate(parsed, 1):
            docs.append(
                SearchDocument(
                    key=f"RegulationArticle:{e['id']}:{n}",
                    kind=SearchKind.REGULATION_ARTICLE,
                    title=f"{e['title']} {label}",
                    body=article,
                    parent_key=reg_key,
                    extra_terms=label,
                    **meta,
                )
            )
    return docs, articles


def _articles(body: str):
    label, lines = None, []
    for line in body.splitlines():
        line = line.strip()
        m = ARTICLE.match(line)
        if m:
            if label:
                yield label, "\n".join(lines)
            label, lines = m.group(1), [m.group(2)]
        elif line.startswith("#"):
            if label:
                yield label, "\n".join(lines)
            label, lines = None, []
        elif label and line:
            lines.append(line)
    if label:
        yield label, "\n".join(lines)


def _plain(body: str) -> str:
    return "\n".join(line.lstrip("# ").strip() for line in body.splitlines() if line.strip())


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return round(statistics.median(samples), 2), round(qs[94], 2), round(qs[98], 2)


def _run_mix(backend, repeat: int, facets: bool) -> list[float]:
    times = []
    for _ in range(repeat):
        for q, f in QUERIES:
            t = time.perf_counter()
            backend.search(q, filter=f, limit=10, facets=facets, highlight=facets)
            times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--procs", type=int, default=1, help="processes for rebuild()")
    ap.add_argument("--keep", type=Path, help="build the index here and keep it")
    args = ap.parse_args()

    t = time.perf_counter()
    docs, articles = parse_texts(args.path)
    parse_seconds = time.perf_counter() - t

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        directory = args.keep or Path(tmp) / "index"
        backend = open_backend("whoosh", directory, build_procs=args.procs)
        t = time.perf_counter()
        count = backend.rebuild(docs)
        index_seconds = time.perf_counter() - t

        backend.close()  # a reopened backend: caches are cold
        backend = open_backend("whoosh", directory)
        cold_plain = _run_mix(backend, 1, facets=False)
        cold_facets = _run_mix(backend, 1, facets=True)
        plain = _run_mix(backend, args.repeat, facets=False)
        faceted = _run_mix(backend, args.repeat, facets=True)

        probe = SearchDocument(
            key="Article:bench-edit",
            kind=SearchKind.ARTICLE,
            title="常委会召开基层立法联系点座谈会",
            body="座谈会听取了关于噪声污染防治条例草案的意见。编辑验证词zqxj",
        )
        other = open_backend("whoosh", directory)  # another reader, as another process would be
        other.search("座谈会", limit=1)
        t = time.perf_counter()
        backend.index([probe])
        while not backend.search("zqxj", limit=1, highlight=False).hits:
            pass
        edit_visible_ms = (time.perf_counter() - t) * 1000
        while not other.search("zqxj", limit=1, highlight=False).hits:
            pass
        edit_visible_other_ms = (time.perf_counter() - t) * 1000
        other.close()
        newest = backend.search("座谈会", sort=SearchSort.NEWEST, limit=1).total  # sanity
        index_bytes = sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file())
        backend.close()

    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    p50, p95, p99 = _percentiles(plain)
    f50, f95, f99 = _percentiles(faceted)
    c50, c95, _ = _percentiles(cold_plain)
    cf50, cf95, _ = _percentiles(cold_facets)
    print(
        json.dumps(
            {
                "index_seconds": round(index_seconds, 1),
                "documents": count,
                "articles": articles,
                "texts": count - articles,
                "query_p50_ms": p50,
                "query_p95_ms": p95,
                "query_p99_ms": p99,
                "facet_query_p50_ms": f50,
                "facet_query_p95_ms": f95,
                "facet_query_p99_ms": f99,
                "cold_query_p50_ms": c50,
                "cold_query_p95_ms": c95,
                "cold_facet_query_p50_ms": cf50,
                "cold_facet_query_p95_ms": cf95,
                "queries_timed": len(plain),
                "edit_visible_ms": round(edit_visible_ms, 1),
                "edit_visible_other_reader_ms": round(edit_visible_other_ms, 1),
                "index_bytes": index_bytes,
                "peak_rss_mb": round(self_rss, 1),
                "peak_child_rss_mb": round(child_rss, 1),
                "parse_seconds": round(parse_seconds, 1),
                "build_procs": args.procs,
                "cpus": os.cpu_count(),
                "sanity_total": newest,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
