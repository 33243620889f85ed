"""Time extract_facts on a 10,000-character report (target: < 20 ms per report).

    python benchmarks/extract_bench.py [--repeat N]

The report is assembled from invented paragraphs in the style of township
work reports (figures, plan section, chatter without figures).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from schemas.catalog import load_catalog
from schemas.records import CleanDocument, Region, RegionStatus
from scrapers.extract import extract_facts

PARAGRAPHS = [
    "今年以来,青石镇坚持以巩固拓展脱贫攻坚成果同乡村振兴有效衔接为主线,全镇上下凝心聚力、攻坚克难,各项工作取得明显成效。",
    "全镇现有脱贫户862户3175人,监测对象41户152人,其中已消除风险23户87人,未消除风险18户65人。",
    "教育帮扶方面,春季雨露计划补助学生62人,补助金额93000元;义务教育两免一补1340人次86.2万元。",
    "就业帮扶方面,开发乡村公益性岗位218个,设立生态护林员56个,发放一次性交通补贴431人12.93万元。",
    "产业帮扶方面,第一季度产业奖补96人次,奖补金额58320元;发放小额信贷73户356万元,完成早稻种植4200亩。",
    "社会救助方面,新增农村低保37户58人,特困供养人员174人,其中分散供养139人,参保率达100%。",
    "加强组织领导,落实“四个不摘”要求,建立健全防止返贫动态监测和帮扶机制,确保不发生规模性返贫。",
    "全年累计投入衔接资金1322.63万元,实施产业类项目12个、基础设施类项目9个,完成改厕152户。",
]
# most of a report is prose: policy language, no figures
PROSE = [
    "强化组织保障,全镇上下坚持把乡村振兴作为中心工作,成立由镇党委书记任组长的工作领导小组,明确工作职责和任务分工,"
    "做到机构、人员、经费、责任“四到位”,为顺利推进各项工作提供了坚强的组织保障。",
    "坚持问题导向,对照上级考核反馈问题,逐条制定整改措施,建立问题、措施、责任、时限四项清单,实行销号管理,"
    "切实做到问题不解决不放过、整改不到位不放过、群众不满意不放过。",
    "深入推进农村人居环境整治,常态化开展村庄清洁行动,引导群众养成良好卫生习惯,村容村貌持续改善,"
    "乡风文明程度不断提升,群众获得感、幸福感、安全感进一步增强。",
]
PLAN = "四、下半年工作打算\n一、持续巩固成果。确保监测对象帮扶措施落实率达100%,力争村集体经济收入突破30万元。"


def report(chars: int = 10_000) -> CleanDocument:
    body: list[str] = []
    i = 0
    while sum(len(p) + 1 for p in body) < chars - len(PLAN):
        body.append(PARAGRAPHS[i % len(PARAGRAPHS)])
        body.extend(PROSE[(i + k) % len(PROSE)] for k in range(2))
        i += 1
    body.append(PLAN)
    return CleanDocument(
        url="http://bench.test/r.html",
        site="bench.test",
        title="青石镇2023年上半年工作总结",
        published_date=date(2023, 7, 10),
        publisher=None,
        paragraphs=tuple(body),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    doc = report()
    region = Region(status=RegionStatus.RESOLVED, township="青石镇", province="江西省")
    catalog = load_catalog()
    extract_facts(doc, region, catalog)  # warm the caches (regexes, catalog)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ext = extract_facts(doc, region, catalog)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"report: {len(doc.text)} chars, {len(ext.facts)} facts")
    print(f"extract_facts: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {args.repeat} runs")
    from scrapers.extract.region import resolve_region

    resolve_region(doc)  # builds the gazetteer's name index once per process
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        resolve_region(doc)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"resolve_region: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms over {args.repeat} runs")


if __name__ == "__main__":
    main()
