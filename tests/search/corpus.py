"""A small corpus of law-like documents for the search tests (texts adapted from 代表法,
立法法, 劳动合同法 and local regulations; nothing outside the repository, so tests stand alone)."""

from __future__ import annotations

from datetime import date, datetime

from search import SearchDocument, SearchKind

LAW = "LAW"
LOCAL = "LOCAL_REGULATION"


def corpus() -> list[SearchDocument]:
    return [
        SearchDocument(
            key="Regulation:daibiaofa",
            kind=SearchKind.REGULATION,
            title="中华人民共和国全国人民代表大会和地方各级人民代表大会代表法",
            body="1992年4月3日第七届全国人民代表大会第五次会议通过 2015年8月29日第四次修正",
            group_key="代表法",
            level=LAW,
            status="IN_FORCE",
            region="全国",
            issuing_body="全国人民代表大会常务委员会",
            promulgated_on=date(2015, 8, 29),
            effective_from=date(2015, 8, 29),
            extra_terms="代表法",
        ),
        SearchDocument(
            key="RegulationArticle:daibiaofa-37",
            kind=SearchKind.REGULATION_ARTICLE,
            title="代表法 第三十七条",
            body=(
                "代表向本级人民代表大会及其常务委员会提出的对各方面工作的建议、批评和意见，"
                "由本级人民代表大会常务委员会的办事机构交有关机关和组织研究处理并负责答复。"
                "交办的代表建议、批评和意见，有关机关和组织应当自交办之日起三个月内予以答复。"
            ),
            parent_key="Regulation:daibiaofa",
            group_key="代表法",
            level=LAW,
            status="IN_FORCE",
            region="全国",
            issuing_body="全国人民代表大会常务委员会",
            promulgated_on=date(2015, 8, 29),
            effective_from=date(2015, 8, 29),
            extra_terms="第三十七条",
        ),
        SearchDocument(
            key="RegulationArticle:daibiaofa-45",
            kind=SearchKind.REGULATION_ARTICLE,
            title="代表法 第四十五条",
            body=(
                "代表应当与原选区选民或者原选举单位保持密切联系，听取和反映他们的意见和要求，"
                "代表可以通过多种方式向有关机关提出建议。"
            ),
            parent_key="Regulation:daibiaofa",
            group_key="代表法",
            level=LAW,
            status="IN_FORCE",
            region="全国",
            issuing_body="全国人民代表大会常务委员会",
            promulgated_on=date(2015, 8, 29),
            effective_from=date(2015, 8, 29),
            extra_terms="第四十五条",
        ),
        SearchDocument(
            key="RegulationArticle:lifafa2015-72",
            kind=SearchKind.REGULATION_ARTICLE,
            title="立法法 第七十二条",
            body=(
                "设区的市的人民代表大会及其常务委员会根据本市的具体情况和实际需要，在不同上位法相抵触的前提下，"
                "可以对城乡建设与管理、环境保护、历史文化保护等方面的事项制定地方性法规。"
            ),
            parent_key="Regulation:lifafa2015",
            group_key="立法法",
            level=LAW,
            status="AMENDED",
            region="全国",
            issuing_body="全国人民代表大会",
            promulgated_on=date(2015, 3, 15),
            effective_from=date(2015, 3, 15),
            effective_to=date(2023, 3, 15),
            extra_terms="第七十二条",
        ),
        SearchDocument(
            key="RegulationArticle:lifafa2023-81",
            kind=SearchKind.REGULATION_ARTICLE,
            title="立法法 第八十一条",
            body=(
                "设区的市的人民代表大会及其常务委员会根据本市的具体情况和实际需要，在不同上位法相抵触的前提下，"
                "可以对城乡建设与管理、生态文明建设、历史文化保护、基层治理等方面的事项制定地方性法规。"
            ),
            parent_key="Regulation:lifafa2023",
            group_key="立法法",
            level=LAW,
            status="IN_FORCE",
            region="全国",
            issuing_body="全国人民代表大会",
            promulgated_on=date(2023, 3, 13),
            effective_from=date(2023, 3, 15),
            extra_terms="第八十一条",
        ),
        SearchDocument(
            key="RegulationArticle:laodong-39",
            kind=SearchKind.REGULATION_ARTICLE,
            title="劳动合同法 第三十九条",
            body=(
                "劳动者有下列情形之一的，用人单位可以解除劳动合同：（一）在试用期间被证明不符合录用条件的；"
                "（二）严重违反用人单位的规章制度的；（三）严重失职，营私舞弊，给用人单位造成重大损害的。"
            ),
            parent_key="Regulation:laodong",
            group_key="劳动合同法",
            level=LAW,
            status="IN_FORCE",
            region="全国",
            issuing_body="全国人民代表大会常务委员会",
            promulgated_on=date(2012, 12, 28),
            effective_from=date(2013, 7, 1),
            extra_terms="第三十九条",
        ),
        SearchDocument(
            key="RegulationArticle:shanghai-laji-20",
            kind=SearchKind.REGULATION_ARTICLE,
            title="上海市生活垃圾管理条例 第二十条",
            body="产生生活垃圾的单位和个人是生活垃圾分类投放的责任主体，应当按照规定分类投放生活垃圾。",
            parent_key="Regulation:shanghai-laji",
            group_key="上海市生活垃圾管理条例",
            level=LOCAL,
            status="IN_FORCE",
            region="上海",
            issuing_body="上海市人民代表大会常务委员会",
            promulgated_on=date(2019, 1, 31),
            effective_from=date(2019, 7, 1),
            extra_terms="第二十条",
        ),
        SearchDocument(
            key="RegulationArticle:beijing-wuye-12",
            kind=SearchKind.REGULATION_ARTICLE,
            title="北京市物业管理条例 第十二条",
            body="业主大会由物业管理区域内的全体业主组成，业主大会应当代表和维护全体业主在物业管理活动中的合法权益。",
            parent_key="Regulation:beijing-wuye",
            group_key="北京市物业管理条例",
            level=LOCAL,
            status="NOT_YET_EFFECTIVE",
            region="北京",
            issuing_body="北京市人民代表大会常务委员会",
            promulgated_on=date(2020, 3, 27),
            effective_from=date(2030, 5, 1),
            extra_terms="第十二条",
        ),
        SearchDocument(
            key="Article:1",
            kind=SearchKind.ARTICLE,
            title="市人大常委会召开代表建议督办会",
            body="会议听取了承办单位关于代表建议办理情况的汇报，要求各承办单位在规定期限内答复代表，提高办理质量。",
            region="上海",
            published_at=datetime(2024, 5, 10, 9, 30),
        ),
        SearchDocument(
            key="Article:2",
            kind=SearchKind.ARTICLE,
            title="勞動合同糾紛調解工作座談會召開",
            body="座談會指出，要依法保障勞動者合法權益，妥善化解勞動合同糾紛。",
            region="北京",
            published_at=datetime(2023, 11, 2, 15, 0),
        ),
        SearchDocument(
            key="Article:3",
            kind=SearchKind.ARTICLE,
            title="网页安全提示",
            body="请勿在留言中粘贴<script>alert('x')</script>这样的代码 & 其他标记。",
            published_at=datetime(2022, 1, 5, 8, 0),
        ),
        SearchDocument(
            key="Deputy:7",
            kind=SearchKind.DEPUTY,
            title="张晓明",
            body="上海市人大代表，长期关注垃圾分类和社区治理，多次提出代表建议。",
            region="上海",
        ),
        SearchDocument(
            key="GazetteIssue:2024-3",
            kind=SearchKind.GAZETTE_ISSUE,
            title="上海市人民代表大会常务委员会公报",
            body="",
            region="上海",
            year=2024,
            published_at=datetime(2024, 6, 1, 10, 0),
            extra_terms="2024年第三号",
        ),
    ]
