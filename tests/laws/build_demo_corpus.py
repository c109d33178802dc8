"""One-off: copy the demo subset of the law corpus into resolvers/demo/laws/.

    python tests/laws/build_demo_corpus.py CORPUS

Every version of each title below is copied, with its manifest line (paths stay relative), so
the demo and the search-quality tests run without the shared corpus. Chosen for the questions a
citizen asks a city People's Congress: the congress itself and its deputies (代表, 代表建议),
supervision and budgets, and everyday law (consumers, work, traffic, food, environment, schools,
personal data, family), plus texts that exercise the parser's quirks.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

TITLES = [
    # The congress system: constitution, legislation, deputies, supervision, organisation.
    "宪法",  # 序言 before the articles
    "宪法修正案（2018年）",
    "立法法",  # 2015-03-15 and 2023-03-13
    "全国人民代表大会和地方各级人民代表大会代表法",  # 2015 and 2025
    "地方各级人民代表大会和地方各级人民政府组织法",
    "各级人民代表大会常务委员会监督法",  # 2006 and 2024
    "全国人民代表大会和地方各级人民代表大会选举法",
    "全国人民代表大会组织法",
    "全国人民代表大会议事规则",
    "全国人民代表大会常务委员会议事规则",  # 2009 and 2022
    "全国人民代表大会常务委员会关于县级以下人民代表大会代表直接选举的若干规定",  # no 第N条
    "国务院组织法",
    "监察法",
    "人民法院组织法",
    "人民检察院组织法",
    "法规规章备案审查条例",
    "城市居民委员会组织法",
    "村民委员会组织法",
    "民族区域自治法",  # 序言
    "预算法",  # #### headings
    "预算法实施条例",
    # Everyday law.
    "消费者权益保护法",
    "劳动合同法",
    "劳动合同法实施条例",
    "劳动法",
    "劳动争议调解仲裁法",
    "保障农民工工资支付条例",
    "社会保险法",
    "就业促进法",
    "道路交通安全法",
    "道路交通安全法实施条例",
    "食品安全法",
    "食品安全法实施条例",
    "反食品浪费法",
    "环境保护法",
    "大气污染防治法",
    "水污染防治法",
    "噪声污染防治法",
    "固体废物污染环境防治法",
    "教育法",
    "义务教育法",
    "学前教育法",
    "职业教育法",  # 1996 and 2022
    "家庭教育促进法",
    "个人信息保护法",
    "数据安全法",
    "网络安全法",
    "电子商务法",
    "婚姻登记条例",
    "未成年人保护法",  # 2020 and 2024
    "妇女权益保障法",  # 2018 and 2022
    "老年人权益保障法",
    "残疾人保障法",
    "无障碍环境建设法",
    "行政处罚法",
    "行政复议法",  # 2017 and 2023
    "行政许可法",
    "行政诉讼法",
    "国家赔偿法",
    "政府信息公开条例",
    "信访工作条例",
    "法律援助法",
    "人民调解法",
    "治安管理处罚法",
    "居民身份证法",
    "优化营商环境条例",
    "物业管理条例",
    "国有土地上房屋征收与补偿条例",
    "城乡规划法",
    "慈善法",  # 2016 and 2023
    "志愿服务条例",
    "社会救助暂行办法",
    "药品管理法",
    "疫苗管理法",
    "基本医疗卫生与健康促进法",
    "医疗纠纷预防和处理条例",
    "献血法",
    "产品质量法",
    "广告法",
    "住房公积金管理条例",
    "安全生产法",
    "个人所得税法",
    "刑法",  # 编 above chapters, #### sections, 第一百二十条之一, 附件
    "刑法修正案（十）",  # no 第N条
    "刑事诉讼法",  # 编, ####
    # Local congresses: deputies' suggestions, rules of procedure, supervision, appointments.
    "上海市人民代表大会关于代表建议、批评和意见的规定",
    "北京市人民代表大会代表建议、批评和意见办理条例",
    "重庆市人民代表大会代表建议批评和意见工作条例",
    "上海市人民代表大会关于代表议案的规定",
    "上海市实施《全国人民代表大会和地方各级人民代表大会代表法》办法",
    "北京市实施《全国人民代表大会和地方各级人民代表大会代表法》办法",
    "北京市人民代表大会代表视察办法",
    "上海市人民代表大会常务委员会规范性文件备案审查条例",  # 2021 and 2024
    "上海市人民代表大会常务委员会讨论、决定重大事项的规定",
    "上海市人民代表大会议事规则",
    "上海市人民代表大会常务委员会议事规则",
    "北京市人民代表大会议事规则",
    "北京市人民代表大会常务委员会组成人员守则",
    "北京市各级人民代表大会常务委员会听取和审议人民政府、人民法院和人民检察院专项工作报告办法",
    "北京市各级人民代表大会常务委员会检查法律法规实施情况办法",
    "北京市人民代表大会常务委员会任免国家机关工作人员条例",  # one version undated; title repeated in the body
    "北京市人民代表大会常务委员会关于加强市级预算审查监督的决定",  # no 第N条, 一、 headings
    "北京市人民代表大会常务委员会关于废止部分地方性法规的决定",  # no 第N条
    "上海市人民代表大会常务委员会关于进一步促进和保障“一网通办”改革的决定",  # no 第N条
    "上海市市级预算审查监督规定",  # history line spilt into the body
    "北京市预算审查监督条例",
    "北京市国民经济和社会发展计划审查监督条例",
    "重庆市地方立法条例",
    "北京市乡、民族乡、镇人民代表大会组织条例",  # a chapter title wrapped onto the next line
    "上海市区和乡镇人民代表大会代表直接选举实施细则",
    "广东省各级人民代表大会常务委员会人事任免办法",
    # Local everyday regulations.
    "上海市消费者权益保护条例",
    "北京市实施《消费者权益保护法》办法",
    "上海市劳动合同条例",
    "北京市食品安全条例",
    "北京市实施《道路交通安全法》办法",
    "上海市非机动车安全管理条例",  # zero-width spaces
    "上海市环境保护条例",
    "上海市生活垃圾管理条例",
    "北京市生活垃圾管理条例",
    "上海市住宅物业管理规定",  # 2010 (expired) and 2020
    "北京市物业管理条例",
    "上海市实施《义务教育法》办法",
    "上海市未成年人保护条例",  # one version without any date
    "上海市老年人权益保障条例",
    "北京市居家养老服务条例",
    "上海市信访条例",
    "北京市控制吸烟条例",
    "北京市文明行为促进条例",
    "北京市机动车停车条例",
    "上海市优化营商环境条例",
    "北京市优化营商环境条例",
    "上海市食品安全条例",
    "北京市未成年人保护条例",
    "上海市社会救助条例",
    "北京市院前医疗急救服务条例",
    "重庆市长江防护林体系管理条例",  # chapters listed as empty headings, then written as plain lines
    "北京市乡村振兴促进条例",
    "北京历史文化名城保护条例",  # marked expired with no later version: repealed
]


def main(source: Path, target: Path) -> None:
    rows = [json.loads(line) for line in (source / "manifest.jsonl").read_text("utf-8").splitlines() if line]
    by_title: dict[str, list[dict]] = {}
    for row in rows:
        by_title.setdefault(row["title"], []).append(row)
    missing = [t for t in TITLES if t not in by_title]
    if missing:
        raise SystemExit(f"not in the corpus: {missing}")
    if target.exists():
        shutil.rmtree(target)
    chosen = [row for title in TITLES for row in sorted(by_title[title], key=lambda r: r["path"])]
    for row in chosen:
        (target / row["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / row["path"], target / row["path"])
    with (target / "manifest.jsonl").open("w", encoding="utf-8") as out:
        for row in chosen:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"{len(chosen)} texts ({len(TITLES)} titles), {size / 1e6:.2f} MB in {target}")


if __name__ == "__main__":
    repo = Path(__file__).resolve().parents[2]
    if len(sys.argv) != 2:
        raise SystemExit("usage: build_demo_corpus.py CORPUS (a folder of law texts with manifest.jsonl)")
    main(Path(sys.argv[1]), repo / "resolvers/demo/laws")
