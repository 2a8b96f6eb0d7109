"""fill_fields: owners and deadlines are exact spans of a directive item's own text."""
import re
import sys

import pytest

from speeches.parsing.document import Item, Speech
from speeches.parsing.fields import fill_fields, find_deadlines, find_owners, owner_roles


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("领导班子成员要在学习交流会上、x级干部要在支部会上，向组织报告。", ["领导班子成员", "x级干部"]),
        # sections and offices of a bureau are actors too (股, 室, 研究室)
        ("人事股要会同县人社局在9月底前完成岗位分配。", ["人事股", "县人社局"]),
        ("县教学研究室要在10月上旬组织新教师岗前培训。", ["县教学研究室"]),
        ("局办公室要在明年上半年完成智慧校园平台建设。", ["局办公室"]),
        ("这一点请大家放心，县委、县政府将一如既往地支持教育。", ["县委、县政府"]),
        ("发改、财政部门要全面保障经费投入；宣传部门要加强正面宣传。", ["发改、财政部门", "宣传部门"]),
        ("各单位党委书记要切实履行第一责任人职责。", ["各单位党委书记"]),
        ("各单位主要领导同志要带头学习。", ["各单位主要领导同志"]),
        ("由局里负责组织资格认定。", ["局里"]),
        ("局机关和各学校要制定最优化的服务措施。", ["局机关和各学校"]),
        ("各位校长、学区主任，你们的真功夫就是抓实教学，要经常听课。", ["各位校长、学区主任"]),
        ("特别是初中学校，布置作业要适度适量。", ["初中学校"]),
        ("各级各类学校每月要组织一次问题排查。", ["各级各类学校"]),
        # not owners: the speaker's side, everyone, verbs that end in an actor noun
        ("我们要负责任、动脑筋。大家要互相学习。", []),
        ("全县上下要凝心聚力。", []),
        ("要加强组织领导，确保质量。", []),
        ("让骨干教师到相应的学校带教。", []),
        ("跟进学习总书记最新重要讲话精神。", []),
        # offices named 中心 / 站, inspectors, each village or community
        ("市疾控中心要每周汇总发热门诊数据。", ["市疾控中心"]),
        ("县农经站牵头，年底前完成扫尾工作。", ["县农经站"]),
        ("各责任督学要每月到挂牌学校督导。", ["各责任督学"]),
        ("各村要建立保洁员队伍。", ["各村"]),
        ("各社区要建立志愿服务积分制度。", ["各社区"]),
        ("按照要求成立社区教育中心负责培训。", []),  # an office to be set up is no actor
        # the departments a task table's labels name, each label one span
        ("（牵头单位：市市场监管局；配合单位：市税务局、市公安局）", ["市市场监管局", "市税务局、市公安局"]),
        ("（责任单位：市住建局，完成时限：9月底前）", ["市住建局"]),
    ],
)
def test_find_owners(text, owners):
    assert find_owners(text) == owners


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        # the subject of a sentence whose own clause, or a clause going on with it, orders
        ("党员领导干部通读中央规定篇目，要在x月上旬基本完成。", ["党员领导干部"]),
        ("尤其是学校班子成员在廉政建设方面一定要率先垂范。", ["学校班子成员"]),
        ("教育系统要与全县同步开展。", ["教育系统"]),
        # …but not when the order belongs to someone else or the sentence tells the past
        ("xx小学、xx幼儿园破土动工，四中教学楼我们今年都要启用。", []),
        ("教育系统在社会上的形象很重要，今年教育工作的重点要加上廉政教育。", []),
        ("年内全市教育干部暂不调整，大家要安心工作。", []),
        ("班子所有问题的整改，都要落实到班子成员。", []),
        ("市财政采取以奖代补的方式，已拿出xxxx万元进行奖励，要用好。", []),
        ("市委十二届八次全会明确要求，要加快发展。", []),
        ("学校是教书育人的殿堂，要守住底线。", []),
        # a second actor of the same kind takes the first one's order
        ("新建学校要加大绿化力度，改造学校搞好补植。", ["新建学校", "改造学校"]),
        ("编制、人社部门要做好师资补充，及时落实教师待遇。", ["编制、人社部门"]),
        # verbs that hand the task on; 由 anywhere, but not 由A改为B or 由A…的
        ("要求广大教职员工从自身做起。", ["广大教职员工"]),
        ("坚持教师调配交流由县教育行政部门负责实施。", ["县教育行政部门"]),
        ("课后也还得由学校来解决。", ["学校"]),
        ("将教师由学校管理改为县级统筹管理。", []),
        ("原本由教育培训机构承担的教育需求，要转由学校完成。", []),
        ("希望全县更多校长都能迈入名校长行列。", []),
        # 对…的要求, also after 是
        ("这是对每个干部职工一项最基本的要求。", ["每个干部职工"]),
        # an actor modified by a clause, a list closed by 社会/家庭, a possessive before 每
        ("有植树任务的学校要及时做好绿化工作。", ["有植树任务的学校"]),
        ("党委、政府、学校、社会和家庭要同向发力。", ["党委、政府、学校、社会和家庭"]),
        ("教育系统的每个干部和教职员工，都要以积极心态去落实。", ["教育系统的每个干部和教职员工"]),
        # not owners: a possessive before the modal, 是…作为, verbs, counted things, 办学, 总书记
        ("学校的发展必须要有一个好班子。", []),
        ("学校是主动作为还是被动应付，会带来不同结果。", []),
        ("培养一批骨干教师和学科带头人，推选第十批省特级教师。", []),
        ("既坚持原则，按制度办事，又要妥善解决问题。", []),
        ("切实规范学校办学行为，要严查违规。", []),
        ("习近平总书记强调要紧盯不放。", []),
        ("教育系统各级党组织要发挥作用。", ["教育系统各级党组织"]),
    ],
)
def test_find_owners_beyond_the_modal(text, owners):
    assert find_owners(text) == owners


@pytest.mark.parametrize(
    ("text", "deadlines"),
    [
        ("党员领导干部通读中央规定篇目，要在x月上旬基本完成。", ["x月上旬"]),
        ("要在x月上旬前基本完成。", ["x月上旬前"]),
        ("主题教育结束前，两级领导班子要召开专题民主生活会。", ["主题教育结束前"]),
        ("原成教中心人员于3月底前完成分流归岗。", ["3月底前"]),
        ("确保年底基本完成校舍安全工程任务。", ["年底"]),
        ("年底前所有学校设施配备达到省标。", ["年底前"]),
        ("年内打造2个市级特色品牌专业。", ["年内"]),
        ("力争上半年新标准车辆达到70%左右。", ["上半年"]),
        ("确保2024年通过自治区复检。", ["2024年"]),
        ("计划xxxx年9月1日竣工投入使用。", ["xxxx年9月1日"]),
        ("四中教学楼我们今年都要启用。", ["今年"]),
        ("本学期要完成全部听课任务。", ["本学期"]),
        ("奖励突出贡献的教师，教师节兑现。", ["教师节"]),
        # not deadlines: cadences, vague, start points, past dates
        ("各校每月要组织一次排查，定期召开分析会，每季度通报一次。", []),
        ("要尽快建立机制。", []),
        ("从今年秋季开始，城区学校全部用汉语授课。", []),
        ("今年X月X日在全国两会期间，总书记强调要紧盯不放。", []),
        ("今年是建党100周年。", []),
        # a deadline keeps its whole phrase; the event before 结束前 is a noun phrase
        ("县教育局办公室要在本月底前制定学习方案。", ["本月底前"]),
        ("各中小学要在本学期内完成制度修订。", ["本学期内"]),
        ("征收工作要在国庆节前完成。", ["国庆节前"]),
        ("区住建局要在汛期结束前完成排查。", ["汛期结束前"]),
        ("主题教育结束前要形成长效机制。", ["主题教育结束前"]),
    ],
)
def test_find_deadlines(text, deadlines):
    assert find_deadlines(text) == deadlines


@pytest.mark.parametrize(
    ("text", "deadlines"),
    [
        # 今年 bounds the work right before the modal, or before a charged actor
        ("今年要在全县各学校展开细致化管理年活动。", ["今年"]),
        ("今年，市教育局将建立办学满意度调查制度。", ["今年"]),
        ("今年，我县将拿出xxx万元用于奖励。", []),
        ("今年，我市教育工作将坚持以会议精神为指导。", []),
        ("今年教育工作的重点要加上廉政教育。", []),
        # a date in a document's name, a past event, a freeze
        ("认真学习《近期重点工作安排(x下旬至x月底)》等重要精神。", []),
        ("在20XX年X月XX日召开的全国教育大会上，总书记阐述了教育的地位。", []),
        ("我县于2024年基本实现普及九年义务教育，九年来始终坚持。", []),
        ("年内全市教育干部暂不调整，大家要安心工作。", []),
        # 于/在 a date is a target in a sentence that looks ahead; 20xx年9月 is one phrase
        ("新校区要于2026年9月投入使用。", ["2026年9月"]),
        ("到20xx年9月，所有工程全部完工。", ["20xx年9月"]),
    ],
)
def test_find_deadlines_only_bound_work_to_be_done(text, deadlines):
    assert find_deadlines(text) == deadlines


def test_owners_read_after_the_marker():
    """The marker ends like a clause: 一是教师为学生服务 names 教师."""
    text = "一是教师为学生服务。要多渠道听取意见。"
    speech = _speech("directive", text)
    fill_fields(speech)
    assert speech.items[0].owners == ["教师"]


def _speech(kind: str, text: str) -> Speech:
    item = Item(id="1", marker="一是", family="", start=0, end=len(text), own_end=len(text), kind=kind)
    return Speech(title="讲话", text=text, items=[item])


def test_fields_are_spans_of_the_items_own_text():
    text = "一是开好专题民主生活会。主题教育结束前，两级领导班子要召开专题民主生活会。"
    speech = _speech("directive", text)
    speech.items[0].own_end = text.index("。") + 1  # the rest is not the item's own text
    fill_fields(speech)
    assert speech.items[0].owners == [] and speech.items[0].deadlines == []
    speech.items[0].own_end = len(text)
    fill_fields(speech)
    item = speech.items[0]
    assert item.owners == ["两级领导班子"] and item.deadlines == ["主题教育结束前"]
    assert all(s in text[item.start:item.own_end] for s in item.owners + item.deadlines)


@pytest.mark.parametrize("kind", ["problem", "achievement", "other"])
def test_other_kinds_get_empty_fields(kind):
    speech = _speech(kind, "一是各单位要在年底前完成整改。")
    speech.items[0].owners = ["stale"]
    fill_fields(speech)
    assert speech.items[0].owners == [] and speech.items[0].deadlines == []


# --- linearity: the work grows with the text, not with the text before each match -------

class _Tally:
    """Characters read by the text's own methods and by the module's regexes, and calls."""

    def __init__(self):
        self.chars = 0
        self.calls = 0


class _CountingPattern:
    """A compiled pattern that adds to a tally the characters each call reads."""

    def __init__(self, pattern, tally):
        self._pattern, self._tally = pattern, tally

    def __getattr__(self, name):
        return getattr(self._pattern, name)

    def search(self, string, pos=0, endpos=sys.maxsize):
        m = self._pattern.search(string, pos, endpos)
        self._tally.chars += (m.end() if m else min(len(string), endpos)) - pos
        return m

    def match(self, string, pos=0, endpos=sys.maxsize):
        m = self._pattern.match(string, pos, endpos)
        self._tally.chars += (m.end() - pos if m else 0) + 1
        return m

    def finditer(self, string, pos=0, endpos=sys.maxsize):
        self._tally.chars += min(len(string), endpos) - pos
        return self._pattern.finditer(string, pos, endpos)


def _counting_str(tally):
    class CountingStr(str):
        """The item's text: slices, searches and membership tests add what they read."""

        def __getitem__(self, key):
            out = str.__getitem__(self, key)
            if isinstance(key, slice):
                tally.chars += len(out)
            return out

        def _read(self, start=None, end=None):
            tally.chars += len(range(*slice(start, end).indices(len(self))))

        def find(self, sub, start=None, end=None):
            self._read(start, end)
            return str.find(self, sub, start, end)

        def rfind(self, sub, start=None, end=None):
            self._read(start, end)
            return str.rfind(self, sub, start, end)

        def __contains__(self, sub):
            self._read()
            return str.__contains__(self, sub)

    return CountingStr


def _work(monkeypatch, text):
    """Return (characters read, calls into fields) for owners and deadlines of ``text``."""
    from speeches.parsing import fields

    tally = _Tally()
    with monkeypatch.context() as m:
        for name, value in list(vars(fields).items()):
            if isinstance(value, re.Pattern):
                m.setattr(fields, name, _CountingPattern(value, tally))

        def profile(frame, event, arg):
            if event == "call" and frame.f_globals is vars(fields):
                tally.calls += 1

        counted = _counting_str(tally)(text)
        sys.setprofile(profile)
        try:
            fields.find_owners(counted)
            fields.find_deadlines(counted)
        finally:
            sys.setprofile(None)
    return tally.chars, tally.calls


@pytest.mark.parametrize(
    "unit",
    [
        # many charged subjects in one comma-separated sentence: each one used to copy and
        # search the whole text before it (_goes_on_a_series), and to walk every clause
        "改造学校搞好补植，各单位要做好工作，",
        # sentences with dates, titles and past markers: sentence, clause and title look-backs
        "一是各学校要在x月上旬前完成排查；《安排(x下旬至x月底)》已印发，市教育局将于2026年9月投入使用。",
        # a list of distinct actors: the dedupe used to compare every pair
        None,
    ],
)
def test_owner_and_deadline_work_grows_linearly(monkeypatch, unit):
    """Doubling the text at most doubles the characters read and the calls made (≤ 2.1×).

    Structural, not timed: the regex calls and the text's own methods count what they read.
    """
    if unit is None:
        names = [a + b + c for a in "甲乙丙丁戊己" for b in "子丑寅卯辰巳" for c in "东南西北春夏"]
        small = "".join(f"{n}学校要做好工作，" for n in names[:100]) + "。"
        large = "".join(f"{n}学校要做好工作，" for n in names[:200]) + "。"
    else:
        small, large = unit * 400, unit * 800
    chars_small, calls_small = _work(monkeypatch, small)
    chars_large, calls_large = _work(monkeypatch, large)
    assert chars_large <= 2.1 * chars_small, (chars_small, chars_large)
    assert calls_large <= 2.1 * calls_small, (calls_small, calls_large)


@pytest.mark.parametrize(
    "text",
    [
        "要实行主要领导负责制，尽快形成领导合力。",
        "有的学校领导要对照检查。",
        "要鼓励青年教师争当学科带头人。",
    ],
)
def test_a_phrase_opening_on_a_verb_or_a_criticised_example_is_no_owner(text):
    assert not any(owner.startswith(("实行", "尽快", "有的", "争当")) for owner in find_owners(text))


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        # a parenthesis naming the departments; each name of a label's list is one office
        ("加快修复退化草原（牵头单位：农牧厅、林草局、人社厅）。", ["农牧厅、林草局、人社厅"]),
        ("提升预警能力。（责任单位：应急管理厅）", ["应急管理厅"]),
        # subjects addressed as a group: the units of a region, a sector's offices
        ("各盟市要在5月底前公布禁牧区域。", ["各盟市"]),
        ("全市教育系统要开展隐患排查。", ["全市教育系统"]),
        ("各地要抓好落实。", ["各地"]),
        ("省市有关部门要加强联合执法。", ["省市有关部门"]),
        # a name ending on 会 is whole, not cut at 委
        ("市发展和改革委员会要牵头制定计划。", ["市发展和改革委员会"]),
        # the lead and the offices that help it
        ("区人社厅牵头，区财政厅、区教育厅配合，全年新增就业2万人。", ["区人社厅", "区财政厅、区教育厅"]),
        ("区公安厅负责，区教育厅协助，做好排查。", ["区公安厅", "区教育厅"]),
        ("市人社局要会同市教育局完善招聘办法。", ["市人社局", "市教育局"]),
        ("张明同志负总责，区住建厅要抓紧施工。", ["张明同志", "区住建厅"]),
        # not owners: a system to build, a helper inside a clause (and no span opens on 会同)
        ("加快建设全区草原安全风险监测预警系统，提升预警能力。", []),
        ("会同有关部门研究制定办法。", ["有关部门"]),  # the helper, never a span opening on 会同
        ("重点考核教师参与教学研究活动的情况。", []),
    ],
)
def test_find_owners_of_breakdowns_and_groups(text, owners):
    assert find_owners(text) == owners


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("区人社厅牵头，区财政厅、区教育厅配合，全年新增就业2万人。",
         [("区人社厅", "lead"), ("区财政厅", "co"), ("区教育厅", "co")]),
        ("市人社局要会同市教育局完善招聘办法。", [("市人社局", "lead"), ("市教育局", "co")]),
        ("区公安厅负责，区教育厅协助，做好排查。", [("区公安厅", "lead"), ("区教育厅", "co")]),
        ("张明同志负总责，区住建厅要抓紧施工。", [("张明同志", "person"), ("区住建厅", "lead")]),
        ("推进数字政务（牵头单位：区大数据局；配合单位：区财政厅、区司法厅；责任人：李华）。",
         [("区大数据局", "lead"), ("区财政厅", "co"), ("区司法厅", "co"), ("李华", "person")]),
        # a list of names that do not each end on an office stays whole; a group is no person
        ("发改、财政部门要保障资金。", [("发改、财政部门", "lead")]),
        ("各学校校长要亲自抓安全。", [("各学校校长", "lead")]),
        ("分管副县长负总责。", [("分管副县长", "person")]),
        ("省市有关部门要密切配合。", [("省市有关部门", "lead")]),
    ],
)
def test_owner_roles(text, roles):
    assert owner_roles(text, find_owners(text)) == roles


@pytest.mark.parametrize(
    ("text", "deadlines"),
    [
        ("确保2026年秋季全部投入使用。", ["2026年秋季"]),
        ("秋季开学前完成校舍维修。", ["秋季开学前"]),
        ("各学校要在2025年秋季学期开学前完成。", ["2025年秋季学期开学前"]),
        ("全年新增城镇就业20万人。", ["全年"]),
        ("1.2025年，建成10个示范点。", ["2025年"]),
        ("2.2025年，完成管道更新改造。", ["2025年"]),
        ("总体安排如下。2026年，要实现全覆盖。", ["2026年"]),
        ("到2026年，全市燃气管网老化问题基本解决。", ["2026年"]),
        # a stage's schedule in brackets: its end
        ("（一）动员部署阶段（2024年3月1日—3月15日）。各学校要制定方案。", ["3月15日"]),
        ("（三）总结验收阶段（2024年7月）。", ["2024年7月"]),
        # a season alone, a start, a past year, a routine meeting, last year's total
        ("秋季招生工作要规范。", []),
        ("秋季开学后开展一次检查。", []),
        ("2023年，我们建成了5所学校。", []),
        ("2024年，全县共受理信访举报326件。", []),  # a report's year schedules nothing
        ("在全年工作会议上通报。", []),
        ("去年全年完成投资5亿元。", []),
    ],
)
def test_find_deadlines_of_plans_and_seasons(text, deadlines):
    assert find_deadlines(text) == deadlines
