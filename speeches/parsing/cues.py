"""Cue words of the genre (Chinese government and education speeches), as data.

Why a module of its own: the rules in ``classify`` and ``fields`` stay short and
readable, and a new cue is a one-word change here, not a new branch in a function.
Every table is a tuple of plain strings; ``alternation`` turns one into a regex
alternative with longer words first, so that ``抓好`` wins over ``抓``.

All patterns built from these tables are linear: alternations of literals and
bounded character classes, no nested quantifiers.
"""
from __future__ import annotations

import re


def alternation(words: tuple[str, ...]) -> str:
    """Return a non-capturing regex alternative of ``words``, longest first.

    It opens with a lookahead on the words' first characters: the engine tries an
    alternative word by word, so where an actor phrase may end at any of 28 places
    (fields._NP) one set test saves trying every word at each of them. Same matches.
    """
    words = tuple(sorted(set(words), key=len, reverse=True))
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return f"(?=[{firsts}])(?:{_by_first(words)})"


def _by_first(words: tuple[str, ...] | list[str]) -> str:
    """Return the alternative of ``words`` (in the order given) grouped by first character.

    Why: the engine tests an alternative's opening literal and passes on, so where a first
    character stands it tries that character's few words, not every word of the table.
    Same matches: words of different first characters never match at the same place,
    and within a group the order is the one given.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(
        re.escape(first) + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
        for first, rests in groups.items())


def literals(words: tuple[str, ...]) -> str:
    """Return a plain alternative of ``words``, longest first, for a pattern that opens on it.

    A pattern whose every alternative opens on a literal lets the engine skip, in C, every
    place where none of their first characters stands; ``alternation``'s lookahead would
    hide that from it. Use this one where a scan starts, ``alternation`` inside a pattern.
    """
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def ends_with(words: tuple[str, ...]) -> str:
    """Return a zero-width regex: the text just before here ends with one of ``words``.

    Lookbehinds grouped by word length (Python's need a fixed width), behind a test of
    the last character. A phrase read greedily and then backtracked to where one of
    ``words`` ends (an actor phrase ending on 局, 学校…) tests each place with one set
    test instead of trying every word from there, which ``alternation`` would do.
    """
    by_length: dict[int, list[str]] = {}
    for word in sorted(set(words)):
        by_length.setdefault(len(word), []).append(re.escape(word))
    lasts = "".join(sorted({re.escape(w[-1]) for w in words}))
    behinds = "|".join(f"(?<={'|'.join(group)})" for _, group in sorted(by_length.items(), reverse=True))
    return f"(?<=[{lasts}])(?:{behinds})"


def yao_guard(words: tuple[str, ...]) -> str:
    """Return a lookbehind refusing a 要 that closes one of ``words`` (主要, 重要…)."""
    before = "".join(sorted({w[0] for w in words if w.endswith("要")}))
    return f"(?<![{before}])" if before else ""


def order_yao(words: tuple[str, ...]) -> str:
    """Return a regex for the 要 that gives an order: not inside one of ``words``.

    ``words`` are two-character words holding a 要 that orders nothing (主要, 要求);
    a 要 closing one is refused by a lookbehind, a 要 opening one by a lookahead.
    """
    after = "".join(sorted({w[1] for w in words if w.startswith("要")}))
    return yao_guard(words) + "要" + (f"(?![{after}])" if after else "")


# --- orders: the words that tell someone to act -----------------------------------
# Stages ask this in different places and have learnt different exceptions; the
# exceptions are kept apart by name so that each reader keeps its behaviour.

# Words holding a 要 that orders nothing, as the kind of an item reads a lead or a
# body (主要任务, 重要讲话, 纲要, 只要…就).
NO_ORDER_YAO = ("主要", "重要", "纲要", "概要", "摘要", "只要")
# The same, as the owner and deadline readers take it: a 要 there must charge an actor,
# so needs, requests and points (需要, 要求, 要点, 必要) are no order either.
NO_ORDER_YAO_FOR_FIELDS = (
    "重要", "主要", "需要", "只要", "纲要", "摘要", "提要", "简要", "紧要", "必要", "首要", "不要",
    "要求", "要素", "要点", "要害", "要闻",
)
# An actor phrase may hold these (各单位主要领导, 重要岗位人员): its 要 ends no phrase.
YAO_IN_ACTOR = ("主要", "重要")
# Orders that need no 要.
ORDER_WORDS = ("必须", "务必")
# Further orders the owner reader accepts (应当, 一定要).
ORDER_WORDS_FOR_FIELDS = ORDER_WORDS + ("应当", "一定要")
# A target set for the work (确保…, 力争…, 争取…).
AIM_WORDS = ("确保", "力争", "争取")
# 将 states what will be done: with an order or a target it makes a sentence look ahead.
FUTURE_WORD = "将"
# A headline holding one of these anywhere reads as an order (…要…, …必须…, …确保…).
HEADLINE_ORDERS = ("要", "必须", "确保")
# Words counted to tell a report (few orders) from a speech giving orders.
REPORT_ORDER_COUNT = ("要",) + ORDER_WORDS
# What charges an actor named before it (各学校，…要; 今年都要…).
CHARGE_WORDS = ("要", FUTURE_WORD, "必须")
# Adverbs that may stand between 今年 and its charge (今年都要, 今年一定要).
CHARGE_ADVERBS = ("都", "也", "还", "就", "一定", "必须")
# A later clause goes on with the subject before it when it opens on the order
# itself, an adverb or a preposition (，要在x月上旬基本完成; ，在使用上一定要…).
GOES_ON_OPENERS = (
    "要", "必须", "务必", "一定", "都", "也", "还", "并", "同时", "切实", "在", "从", "于",
    "按", "对", "把", FUTURE_WORD, "确保",
)
# Determiners that make a bare noun phrase an actor addressed as a group (各学校, 广大教师).
GROUP_DETERMINERS = ("各", "每", "全", "所有", "其他", "广大", "有关", "相关")

# --- past work -----------------------------------------------------------------------

# Words of a report on work done, counted in an item's body beside 了 and 已
# (先后建成…, 累计投入…, 目前已…).
REPORT_WORDS = ("先后", "累计", "共计", "目前", "成立", "出台", "印发", "建成")
# A sentence right after a list that sums it up as results (这些成绩的取得，离不开…).
RESULTS_SUMMED_UP = (
    "这些成绩", "上述成绩", "以上成绩", "这些成就", "成绩的取得", "取得这些成绩", "肯定成绩的同时",
)

# --- kinds: the item's own wording ------------------------------------------------

# A heading or sentence that opens with one of these asks for action.
MODAL_OPENERS = (
    "要", "必须", "务必", "确保", "一定要", "切实", "坚决", "需要", "应当", "应",
)

# Verbs that make a heading read as an order (抓好…, 加强…, 进一步…).
DIRECTIVE_VERBS = (
    "抓好", "抓实", "抓紧", "抓住", "狠抓", "加强", "推进", "推动", "提高", "提升", "强化",
    "进一步", "深化", "完善", "健全", "建立", "落实", "优化", "扎实", "着力", "全面", "大力",
    "积极", "严格", "突出", "做好", "做实", "开展", "实施", "加快", "注重", "重视", "凝聚",
    "统一思想", "增强", "树立", "坚持", "聚焦", "守牢", "压实", "打造", "构建", "创新",
    "规范", "保障", "营造", "发挥", "促进", "稳步", "认真", "继续", "持续", "坚定", "明确",
    "提高站位", "转变", "改进", "扭住", "深入", "主动", "依法", "以", "开好", "讲好",
    "列好", "完成", "对照", "适当", "加大", "筹备", "引导", "协同", "疏堵", "抢抓", "真抓",
    "确定", "协调", "认清", "关于", "强调", "力争", "探索", "建章立制", "学习", "调整", "补齐",
)

# A shortcoming, problem or gap (存在的问题和不足：一是…有待于进一步提升).
PROBLEM_CUES = (
    "有待", "不够", "不足", "欠缺", "不强", "滞后", "差距", "薄弱", "短板", "不平衡",
    "紧缺", "较为突出", "依然严重", "还没有", "尚有", "不到位", "不准", "淡薄", "开不全",
    "脆弱", "尚未", "不容乐观", "仍然存在", "依然存在", "压力较大", "难度较大", "任重道远",
    "粗放", "亟待", "需要进一步", "不高", "不易", "被动", "偏少", "偏低", "不均衡",
    "不规范", "不健全", "不完善", "不明显", "较弱", "较低", "问题突出", "存在",
)

# A gap stated outright: no imperative verb in front makes it an order (规范办学意识有待加强,
# 责任意识有所弱化).
GAP_WORDS = ("有待", "亟待")
GAP_AFTER_YOUSUO = ("欠缺", "不够", "不足", "缺乏", "弱化", "减弱", "下降")

# A sentence naming shortcomings that opens a list of them (存在的问题和不足：).
PROBLEM_LEAD_VERBS = ("存在", "面临")
SHORTCOMINGS = ("问题", "不足", "差距", "短板")
SHORTCOMING_PHRASES = ("问题和不足", "不足之处")

# Past work, results, experience (形成了…机制, 回顾…成绩).
ACHIEVEMENT_CUES = (
    "形成了", "取得了", "做到了", "确保了", "实现了", "完成了", "建立了", "开展了",
    "回顾", "取得的成绩", "工作成绩", "成绩回顾", "主要成效", "工作成效", "简要总结",
    "总结经验", "充分肯定", "彰显", "凸现", "日益", "逐步改善", "稳步提升", "整体推进",
    "进一步提升", "进一步强化", "主要情况", "得到了", "明显提升", "显著",
)

# Words that make a heading open a review of past work, whatever verb it starts with.
REVIEW_HEADING_CUES = (
    "回顾", "主要情况", "简要总结", "总结经验", "取得的成绩", "工作成绩", "成绩回顾",
    "充分肯定", "工作情况", "主要成效", "工作成效",
    # the year or the meeting looked back on (过去一年, 一年来, 会议的主要收获, 取得的成效)
    "过去一年", "过去的一年", "过去五年", "过去的五年", "一年来", "五年来", "主要收获", "取得的成效", "基本情况",
    "取得的成就", "主要成绩", "成绩和经验", "主要做法", "工作总结", "取得明显成效", "取得显著成效",
)

# Analysis, role, meta remarks: not work to be done.
OTHER_CUES = (
    "我们是", "事关", "涉及", "关乎", "主要目的", "总结一下", "是从", "的基石",
    "表示祝贺", "表示感谢",  # a heading that congratulates or thanks sets no task
)

# A heading that ends like this without opening on a verb analyses, it does not order
# ("2024年教育改革发展形势").
OTHER_HEADING_ENDS = ("形势", "意义", "机遇和挑战", "机遇与挑战", "现状")

# A heading that asks to understand the situation or the significance: an order itself,
# but its points analyse (统一思想，充分认识…重要意义 / 认清形势，明确任务).
GRASP_VERBS = ("认识", "认清", "把握", "看清")
GRASP_OBJECTS = ("意义", "形势", "重要性", "必要性", "紧迫性", "新常态", "大势", "趋势", "态势", "规律")

# A heading that names someone else's speech or document: its points are quoted.
QUOTE_CUES = (
    "要点", "主要精神", "会议精神", "主要内容", "总结时要求", "讲话精神", "讲话内容",
    "报告内容", "件事",
)

# --- kinds: the part of the speech an item stands in --------------------------------

# The text just before a list says what its members are.
LEAD_PROBLEM = (
    "存在", "不足", "短板", "差距", "薄弱", "啥问题", "哪些问题", "问题和", "突出问题",
    "困难和挑战", "隐患", "困难和问题", "问题与不足", "问题与挑战", "风险挑战",
)
LEAD_ACHIEVEMENT = (
    "特点", "成绩", "成效", "做法", "经验", "回顾", "取得", "亮点", "工作情况",
    "过去一年", "过去的一年", "一年来", "五年来", "收获",
)
LEAD_OTHER = (
    "考虑", "认识", "目的", "意义", "原因", "体会", "看法", "理解", "主要基于",
    "趋势", "态势", "大势",  # 认清教育大势：一是优质化… analyses
    "附件", "附表",  # 附件：1.…分解表: a list of documents
)
# The speaker announcing the parts of the speech itself (下面，我讲三方面内容：一是…):
# a table of contents, its members are other.
LEAD_META = (
    r"(?:讲|谈|说)(?:[一二三四五六七八九十两几]|\d)(?:个)?(?:方面(?:的)?(?:内容|问题|意见)?|个问题|层意思|部分)"
    r"|(?:分|包括)(?:[一二三四五六七八九十两几])个部分"
)
# A lead telling work done (主要做了以下工作：, 我们重点抓了五个方面：): completed aspect and
# no order; inside a review it keeps its list a review even where it says 工作： or 要求.
LEAD_PAST = r"[\u4e00-\u9fff]了(?!解)|已经|取得|实现了"
LEAD_ORDER = r"(?<![主重纲概摘只])要(?![求素点])|必须|务必|下一步|今后|今年|明年"
# A lead that ends with 。 still announces a list when it reads "几点…认识".
LEAD_OTHER_SENTENCE = r"几(?:点|个方面)[^。]{0,8}(?:认识|体会|看法|考虑)。$"
# A lead naming someone else (书记要求，…) keeps a quote going; one without returns
# the floor to the speaker ("具体来讲就是要突出做好几项工作：").
THIRD_PARTY = (
    "书记", "市长", "县长", "区长", "厅长", "局长", "部长", "主任", "会议", "报告", "讲话",
    "指出", "强调", "提出", "要求",
)
# Only where the lead ends with one of them and a colon. Not 件事: "重点做好三件事：" is the
# speaker's own list (a quoted one inherits its quote from the heading above it).
LEAD_QUOTE = tuple(cue for cue in QUOTE_CUES if cue != "件事")
LEAD_DIRECTIVE = (
    "做好", "抓好", "重点", "工作：", "任务", "要求", "落实好", "以下几", "几点意见",
    "安排", "部署", "着力", "要把", "必须", "要", "措施",
)

# --- titles: where a heading that lost its line break ends ---------------------------

# A time phrase that opens a body sentence (今年…, 近年来…, 2024年…).
BODY_TIME_OPENERS = (
    "今年", "去年", "近年来", "近年", "近几年", "当前", "目前", "今后一段时期", "一年来", "多年来",
)
# Adverbials of purpose, basis or a span of years that open a body sentence.
BODY_ADVERBIALS = (
    "为确保", "为有效", "为了", "根据", "近几年来", "近几年", "近年来", "近年", "多年来", "一年来",
)
# The actor of the whole speech as the subject of a body sentence (全市…要, 我们…是).
SPEECH_WIDE_SUBJECTS = ("全市", "全县", "全区", "全省", "我市", "我县", "各单位", "各学校", "我们")
# Predicates that show a clause has a subject in front (…是…, …作为…, …已经…).
SUBJECT_PREDICATES = ("是", "作为", "已经", "成为", "在于")

# --- fields: owners ----------------------------------------------------------------

# An owner is a noun phrase that ends with one of these actor heads.
ACTOR_HEADS = (
    "局", "局里", "委", "党委", "政府", "办", "教办", "部门", "单位", "学校", "各校",
    "中小学", "中学", "小学", "幼儿园", "校长", "园长", "书记", "成员", "班子", "干部",
    "教师", "老师", "同志", "组", "支部", "机关", "责任人", "主任", "人员", "职工",
    "员工", "工作者", "乡镇", "街道", "各地", "地区", "机构", "科室", "处室", "领导",
    "教职工", "教研室", "中心组", "家委会", "县区", "区县", "县市区", "团队", "系统", "党组织",
    "股", "室", "研究室", "厅", "处", "科",
    "中心", "站", "督学", "各村", "各社区",  # 疾控中心, 农经站, 责任督学; each village, each community
    # a name ending on 会 (市发展和改革委员会, 县总工会): without these the phrase stopped at 委
    "委员会", "工会", "协会", "联合会", "学会", "商会",
    # the units of a province or a region addressed as a group (各盟市, 各市州, 各旗县)
    "盟市", "旗县", "市州", "州市", "市县", "县市", "各市", "各县", "各区", "各旗", "各盟", "各州", "各乡", "各镇",
    # office holders (县长, 局长 …) and the one answering for the work (主要负责人, 负责同志)
    "县长", "市长", "区长", "镇长", "乡长", "省长", "局长", "厅长", "处长", "科长", "部长", "所长", "院长",
    "负责人",
)

# 系统 names a sector's offices (全市教育系统, 卫健系统) but also a technical system
# (安全风险监测预警系统): a phrase ending on it is an actor only after a determiner
# (各/全/本…) or one of these sectors.
SECTOR_SYSTEMS = (
    "教育", "卫健", "卫生", "政法", "公安", "检察", "法院", "司法", "财政", "税务", "审计", "统计",
    "民政", "人社", "交通", "交通运输", "水利", "农业", "农业农村", "农牧", "林草", "商务", "文旅", "应急",
    "应急管理", "纪检监察", "监察", "纪检", "组织", "宣传", "统战", "工会", "妇联", "共青团", "金融", "电力",
    "住建", "自然资源", "生态环境", "市场监管", "发改", "工信", "科技", "医保", "退役军人", "消防",
)

# Members that may close a list of actors without being actors on their own
# (党委、政府、学校、社会和家庭要同向发力).
ACTOR_TAILS = ("社会", "家庭", "社区", "家长")

# Verbs that hand the task to the actor after them, no modal needed
# (要求广大教职员工从自身做起; 需要我们教育系统广大干部和教职员工…地去工作).
# 希望 is left out: it voices a hope (希望全县更多校长都能迈入名校长行列).
OWNER_PIVOTS = ("要求", "需要", "督促", "责成", "号召", "请")

# Characters that end the subject of a sentence before its predicate: prepositions,
# adverbs, the possessive (党员领导干部|通读…, 其他班子成员|到分管领域讲, x党委|梳理出来的台帐).
SUBJECT_STOPS = "的在从对向为把将由到于按是要都也就已了被给让使应须必会能可等这"

# Words after the actor that show it is being charged with acting.
OWNER_MODALS = (
    "要", "将", "应", "应当", "必须", "须", "务必", "负责", "带头", "牵头", "主要",
    "至少", "具体负责", "作为",
    # a task split among offices: A会同B; 张明同志负总责
    "会同", "负总责", "总负责", "主抓",
)
# Words of helping: they charge the actor before them only where they close the clause
# (A牵头，B、C配合。 / B协助，…), not inside one (考核教师参与教研活动的情况).
CO_WORDS = ("配合", "协助", "参与", "协同", "协办")

# How a breakdown names each actor's part (README §6, owner roles): the office that
# leads, the offices that help, the person who answers for the work.
LEAD = "lead"
CO = "co"
PERSON = "person"
ROLE_AFTER = {  # words right after an actor
    "牵头": LEAD, "负责": LEAD, "具体负责": LEAD, "总负责": LEAD, "负总责": LEAD, "主抓": LEAD, "会同": LEAD,
    "配合": CO, "协助": CO, "参与": CO, "协同": CO, "协办": CO,
}
ROLE_BEFORE = {"会同": CO, "配合": CO, "协助": CO}  # words right before an actor (A会同B: B helps)
ROLE_LABELS = {  # task-table labels
    "牵头单位": LEAD, "牵头部门": LEAD, "责任单位": LEAD, "责任部门": LEAD, "主责单位": LEAD, "主办单位": LEAD,
    "配合单位": CO, "配合部门": CO, "协办单位": CO, "参与单位": CO, "协同单位": CO,
    "责任人": PERSON, "责任领导": PERSON, "牵头领导": PERSON,
}
# A named person: the actor ends on 同志 (张明同志负总责), not a group (全体同志, 各位同志).
PERSON_ENDS = ("同志",)
NOT_PERSONS = ("全体", "各位", "广大", "各级", "有关", "相关", "各")
# An office holder who answers for the work in person (分管副县长负总责, 校长亲自抓).
PERSON_TITLES = ("县长", "市长", "区长", "镇长", "乡长", "省长", "局长", "厅长", "处长", "科长",
                 "部长", "所长", "院长", "书记", "主任", "校长", "园长")
PERSON_WORDS = ("负总责", "总负责", "亲自抓")

# An actor phrase never starts with a verb or preposition (加强组织领导, 让骨干教师).
NOT_OWNER_STARTS = DIRECTIVE_VERBS + (
    "让", "使", "按照", "依照", "对", "动员", "统筹", "集中", "当", "在", "从", "为", "和",
    "与", "通过", "围绕", "结合", "根据", "鼓励", "支持", "组织", "指导", "帮助", "去年",
    "引进", "跟进", "高考", "中考", "充实", "保证", "确保", "要", "把", "将", "向", "给",
    "按", "投入", "年内", "今年", "目前",
    # verbs and adverbs a phrase ending on an actor head may open with (实行校长负责制,
    # 尽快形成领导合力, 争当学科带头人), and the 有的/个别/少数 of a criticised example
    "实行", "尽快", "争当", "争做", "形成", "不如", "监督", "重要", "业务", "有的", "个别", "少数",
    "成立", "设立", "组建",  # 成立社区教育中心: an office to set up, not one charged
    # verbs of working together: the actor is after them (会同市财政局, 联合相关部门)
    "会同", "联合", "配合", "协助", "协调", "依托", "督促", "建设", "建成", "搭建", "升级", "上线",
) + MODAL_OPENERS

# Words before an actor that still leave it the one charged (由局里负责…).
OWNER_OPENERS = (
    "由", "请", "特别是", "尤其是", "要求", "希望", "督促", "同时", "其中", "另外",
    "此外", "因此", "所以", "作为", "今年", "目前", "下步", "首先",
)

# Labels of a task table or a parenthesis naming the departments charged
# (（牵头单位：市市场监管局；配合单位：市税务局、市公安局）, 责任单位：市住建局).
DUTY_LABELS = tuple(ROLE_LABELS)

# Never owners: the speaker's side, everyone, beneficiaries.
NOT_OWNERS = (
    "我们", "大家", "我看", "总书记", "同志", "全县上下", "全市上下", "全区上下", "同志们", "你们", "咱们", "我县",
    "我市", "我区", "自己", "学生", "家长", "孩子", "群众",
)

# --- fields: deadlines ---------------------------------------------------------------

NUM = r"(?:[\dxX×]{1,4}|[一二三四五六七八九十两]{1,3})"  # 2024, 20xx, x, 十二

# Bounded periods that close a piece of work (年底前, 本学期, x月上旬).
DEADLINE_WORDS = (
    "年底前", "年底", "年内", "年末前", "今年下半年", "今年上半年", "下半年", "上半年",
    "本学期", "新学期", "下学期", "春季学期", "秋季学期", "本学年", "寒假前", "暑假前",
    "开学前", "今年秋季", "今年春季", "本月底前", "本月底", "本月内", "年前", "月底前", "本学期内",
    "全年",  # 全年新增就业1万人, 完成全年目标任务 (not 全年的, 全年工作会议)
)
SEASONS = ("春季", "夏季", "秋季", "冬季")

# Holidays that bound a promise when followed by 前 / 兑现 / 完成.
HOLIDAYS = ("教师节", "国庆节", "国庆", "春节", "元旦", "中秋节", "五一")

# Words before a bare date or year that make it a target (确保2024年通过).
TARGET_BEFORE = AIM_WORDS + ("计划", "到", "预计")
# Words that make it a target only in a sentence that looks ahead (于2025年建成 + 要/将);
# "我县于2024年基本实现普及…" tells what was done.
TARGET_BEFORE_WEAK = ("于", "在", "截至")

# Words after a date that close work by it.
TARGET_AFTER = ("前", "以前", "之前", "内", "底", "完成", "竣工", "要", "都要", "将", "基本完成")

# Words that turn a time phrase into a start or a cadence, not a limit.
NOT_DEADLINE_BEFORE = ("从", "自", "每", "去年", "过去", "曾")
NOT_DEADLINE_AFTER = ("开始", "以来", "起", "后", "是", "的", "期间", "会议", "工作会议")

# Marks of a past event near a date or in a sentence: past events are never deadlines,
# and an actor in one is not charged (已经, 曾, 去年, …召开的会议上).
PAST_MARKERS = ("已", "曾", "过去", "去年", "以来", "召开的", "举行的", "印发的", "出台的")

# A time limit of work that is not to be done binds nobody (年内全市教育干部暂不调整).
NEGATED_WORK = ("暂不", "不再", "暂缓", "暂停")
