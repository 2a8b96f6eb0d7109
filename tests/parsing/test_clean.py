"""clean(): chrome goes, sentences stay exactly as written."""
import pytest

from speeches.parsing.clean import clean, is_chrome


@pytest.mark.parametrize(
    "line",
    [
        "还剩4页未读,继续阅读",
        "文本内容:",
        "首页 > WORD文档 > 公文范文",
        "您当前未开通企业VIP 加入企业VIP即可获取商用授权书",
        "电 话:400-1600-950",
        "客服热线:400-1600-950",
        "工作日:09:00-18:00",
        "微信登录 QQ登录",
        "本网站所有作品均是用户自行上传分享,仅供网友学习交流。若您的权利被侵害,请联系客服。",
    ],
)
def test_site_chrome_lines_are_recognised(line):
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    ["一是严厉打击侵权盗版行为。", "同志们：", "二、下步工作安排", "谢谢大家！"],
)
def test_speech_lines_are_not_chrome(line):
    assert not is_chrome(line)


def test_clean_drops_chrome_and_blank_lines_and_keeps_text():
    raw = "\n\n还剩4页未读,继续阅读\r\n文本内容:\n在会上的讲话\n\n同志们：\n一是加强领导。 要 抓好\n"
    assert clean(raw) == "在会上的讲话\n同志们：\n一是加强领导。 要 抓好"


def test_teaser_list_after_guess_you_like_is_dropped():
    raw = "谢谢大家！\n猜你喜欢\n工作总结范文包含\n讲话稿合集范文包含\n"
    assert clean(raw) == "谢谢大家！"


def test_long_blank_runs_shrink_to_two_spaces():
    assert clean("取得实效    第一，加强领导") == "取得实效  第一，加强领导"
    assert clean("准确定位\u3000思路决定出路") == "准确定位  思路决定出路"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("二、深化改革，全面提升\n教育现代化水平\n正文很长。", "二、深化改革，全面提升教育现代化水平\n正文很长。"),
        ("（一）进一步抓好学习教育\n一是继续学原文。", "（一）进一步抓好学习教育\n一是继续学原文。"),
        ("一、保\n二、不要三”的工作标准", "一、保\n二、不要三”的工作标准"),
        ("一、统一思想\n同志们，要认识到。", "一、统一思想\n同志们，要认识到。"),
        ("三是实施工程。\n全市布局调整。", "三是实施工程。\n全市布局调整。"),
    ],
)
def test_only_a_heading_cut_by_a_line_break_is_joined(raw, cleaned):
    assert clean(raw) == cleaned


def test_a_flattened_page_is_kept_though_its_line_holds_chrome():
    """A page without line breaks holds chrome and speeches on one line: keep the line."""
    line = "首页 > 公文范文 在甲会上的讲话同志们：一是学习。" + "二是落实各项工作。" * 40 + "本网站所有作品均是用户自行上传分享,仅供网友学习交流。"
    assert clean(line) == line
