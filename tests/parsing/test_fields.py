"""fill_fields: owners and deadlines are exact spans of a directive item's own text."""
import pytest

from speeches.parsing.document import Item, Speech
from speeches.parsing.fields import fill_fields, find_deadlines, find_owners


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("领导班子成员要在学习交流会上、x级干部要在支部会上，向组织报告。", ["领导班子成员", "x级干部"]),
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
    ],
)
def test_find_owners(text, owners):
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
    ],
)
def test_find_deadlines(text, deadlines):
    assert find_deadlines(text) == deadlines


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
