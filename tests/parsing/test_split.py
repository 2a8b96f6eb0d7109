"""split(): one span per real speech, titled as the document states it."""
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
    text = "第一篇：在甲会上的讲话在甲会上的讲话各位：刚才局长讲了。\n第一篇：在甲会上的讲话\n各位：\n刚才局长讲了。一是学习。"
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
