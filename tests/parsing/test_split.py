"""split(): one span per real speech, titled as the document states it."""
import pytest

from speeches.parsing.split import split


def _titles(text):
    return [span.title for span in split(text)]


def test_separator_lines_split_a_collection_and_lose_their_prefix():
    text = (
        "在甲会上的讲话\n同志们：\n今天开会。\n"
        "第二篇：在乙会上的讲话\n在乙会上的讲话\n同志们：\n一是学习。\n"
        "第三篇：“两长”工作会议讲话\n各位校长：\n二是落实。"
    )
    assert _titles(text) == ["在甲会上的讲话", "在乙会上的讲话", "“两长”工作会议讲话"]


def test_a_title_line_after_body_text_starts_a_new_speech():
    text = "在甲会上的讲话\n同志们：\n今天开会。谢谢大家！\n 领导在乙会议上的讲话\n同志们：\n正文。"
    assert _titles(text) == ["在甲会上的讲话", "领导在乙会议上的讲话"]


def test_header_lines_after_a_separator_do_not_start_another_speech():
    text = "第五篇：局长在会议上的讲话\n局长在会议上的讲话\n认清形势 狠抓管理\n——局长在会议上的讲话\n各位校长、同志们：\n正文。"
    assert _titles(text) == ["局长在会议上的讲话"]


def test_a_title_running_into_the_salutation_is_cut():
    assert _titles("在2022年全县教育工作会议上的讲话同志们今日我们召开会议。") == ["在2022年全县教育工作会议上的讲话"]


def test_a_teaser_repeating_the_next_speech_is_dropped():
    text = (
        "第一篇：在甲会上的讲话在甲会上的讲话各位：刚才局长讲了。...\n"
        "第一篇：在甲会上的讲话\n各位：\n刚才局长讲了。一是学习领会会议精神。二是抓好贯彻落实。三是加强督促检查，确保各项任务按期完成。谢谢大家！"
    )
    spans = split(text)
    assert [s.title for s in spans] == ["在甲会上的讲话"]
    assert text[spans[0].start:].startswith("第一篇：在甲会上的讲话\n")


def test_a_flattened_collection_is_split_by_its_table_of_contents():
    text = (
        "目录奋进——在甲会上的讲话 1在乙会上的讲话 24"
        "奋进——在甲会上的讲话局长 同志们:一、总结。谢谢!在乙会上的讲话同志们:二、安排。"
    )
    spans = split(text)
    assert [s.title for s in spans] == ["奋进——在甲会上的讲话", "在乙会上的讲话"]
    assert "一、总结" in text[spans[0].start:spans[0].end]
    assert text[spans[1].start:].startswith("在乙会上的讲话同志们")


def test_a_text_without_a_title_is_one_untitled_speech_and_empty_text_none():
    assert len(split("今天开会。一是学习。")) == 1
    assert split("") == []


SPEECH_COPY = "在全县教育工作会议上的讲话\n同志们：\n今天开会。\n一、统一思想\n一是学习。二是落实。\n谢谢大家！\n"


def test_every_copy_of_a_speech_is_a_speech_of_its_own():
    """parsing README §2: one speech per real speech body, so a repeated title opens another one."""
    once, twice = split(SPEECH_COPY), split(SPEECH_COPY * 2)
    assert len(once) == 1 and len(twice) == 2
    assert [s.end - s.start for s in twice] == [len(SPEECH_COPY)] * 2


def test_each_collection_is_split_by_its_own_table_of_contents():
    collection = (
        "合集\n目录奋进——在甲会上的讲话 1在乙会上的讲话 24"
        "奋进——在甲会上的讲话局长 同志们:一、总结。谢谢!在乙会上的讲话同志们:二、安排。\n"
    )
    text = collection + SPEECH_COPY + collection
    spans = split(text)
    assert [s.title for s in spans] == [
        "奋进——在甲会上的讲话", "在乙会上的讲话", "在全县教育工作会议上的讲话", "奋进——在甲会上的讲话", "在乙会上的讲话",
    ]
    assert "目录" not in text[spans[2].start:spans[2].end]  # the next contents end the speech before them


def test_a_collection_flattened_into_one_line_splits_at_inline_separators_and_run_on_titles():
    text = (
        "在甲会上的讲话同志们：一是学习。谢谢大家！"
        "第二篇：在乙会上的讲话在乙会上的讲话同志们：二是落实。谢谢！"
        "乘势而上,推动工作上新台阶——在全市推进会上的讲话市教育局局长 XX201X年1月29日同志们:一要学习。"
        "第四篇：教育局“双减”工作经验材料七项硬核举措，直击减负难点。一是健全机构。"
    )
    assert _titles(text) == [
        "在甲会上的讲话", "在乙会上的讲话", "乘势而上,推动工作上新台阶——在全市推进会上的讲话", "教育局“双减”工作经验材料",
    ]


@pytest.mark.parametrize("text", [
    "在甲会上的讲话\n同志们：\n刚才，局长作了重要讲话，同志们要认真落实。一是学习。",
    "在甲会上的讲话\n同志们：\n我们要学习领会这次讲话精神。同志们，一是学习。",
    "在甲会上的讲话\n同志们：\n一是学习。各位校长要带头。二是落实。",
])
def test_a_salutation_in_the_body_opens_no_speech(text):
    assert _titles(text) == ["在甲会上的讲话"]


def test_page_chrome_above_a_title_is_no_title():
    page = ("今天是2025年3月12日 星期三\n首页 > 政务公开 > 领导讲话\n下载\n中共青河市委员会文件\n青发〔2025〕3号\n"
            "市委书记王立同志在全市教育大会上的讲话\n（2025年3月10日）\n同志们：\n一、提高站位\n各县区要重视教育。\n"
            "市长李青同志在全市教育大会上的讲话\n同志们：\n一、抓好项目\n各县区要按时开工。\n")
    expected = ["市委书记王立同志在全市教育大会上的讲话", "市长李青同志在全市教育大会上的讲话"]
    assert _titles(page) == expected
    assert _titles(page.replace("\n", "")) == expected  # the same page with its line breaks lost


def test_two_speakers_at_one_meeting_are_two_speeches():
    page = ("王立：在全市教育大会上的讲话（2025年3月10日）\n同志们：\n一、提高站位\n各县区要重视教育。\n"
            "李青：在全市教育大会上的讲话（2025年3月10日）\n同志们：\n一、抓好项目\n各县区要按时开工。\n")
    assert _titles(page) == ["王立：在全市教育大会上的讲话", "李青：在全市教育大会上的讲话"]


def test_a_document_without_a_speech_title_takes_its_own_title_not_chrome():
    text = "今天是2025年3月12日\n下载\n青河市人民政府文件\n2025年青河市政府工作报告\n各位代表：\n一、2024年工作回顾\n"
    assert _titles(text) == ["2025年青河市政府工作报告"]


def test_on_a_flattened_page_a_title_glued_between_two_speeches_opens_the_second():
    first = "在甲会议上的讲话同志们：" + "今天我们召开会议，部署全年工作。" * 200 + "各校要抓好落实。"
    second = "局长在全市“双减”工作会议上的讲话减轻学生作业负担是一项重大决策部署。一、强化组织领导。"
    quoted = "我们要认真学习市长在全市教育大会上的讲话精神。"
    titles = _titles(first + quoted + second)
    assert titles == ["在甲会议上的讲话", "局长在全市“双减”工作会议上的讲话"]
    short = "在甲会议上的讲话同志们：今天我们召开会议。各校要抓好落实。"
    assert _titles(short + quoted + second) == ["在甲会议上的讲话"]  # a short line is no flattened page
