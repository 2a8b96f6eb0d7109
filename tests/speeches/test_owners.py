"""Owner phrases of a speech matched to departments: plain data, no database."""
import pytest

from speeches.owners import DepartmentIndex, OwnerMatch, assign, match_owners

# (id, names) as the tracker hands them in: name, short name, aliases.
DEPARTMENTS = [
    (1, ["县教育局", "教育局", "县教体局", "局机关"]),
    (2, ["县教育局基础教育股", "基础教育股", "基教股"]),
    (3, ["县发展和改革局", "发改局", "发改", "发改部门"]),
    (4, ["县财政局", "财政局", "财政", "财政部门"]),
    (5, ["各乡镇中心学校", "中心学校", "各学校", "各校", "各中小学"]),
    (6, ["县教学研究室", "教研室"]),
    (7, ["县政府办公室", "县政府办", "政府办"]),
]


def ids(spans):
    return [(m.text, m.department_id) for m in match_owners(spans, DEPARTMENTS)]


@pytest.mark.parametrize("span, expected", [
    ("县教育局", [("县教育局", 1)]),
    ("教育局", [("教育局", 1)]),
    ("各学校", [("各学校", 5)]),
    ("基教股", [("基教股", 2)]),
    # county prefix dropped or added
    ("县发改局", [("县发改局", 3)]),
    ("县教研室", [("县教研室", 6)]),
    ("教学研究室", [("教学研究室", 6)]),
    # a name with 和 inside is not split
    ("县发展和改革局", [("县发展和改革局", 3)]),
    # a list with the suffix written once
    ("发改、财政部门", [("发改", 3), ("财政部门", 4)]),
    ("县发改局、县财政局", [("县发改局", 3), ("县财政局", 4)]),
    ("基础教育股、各乡镇中心学校", [("基础教育股", 2), ("各乡镇中心学校", 5)]),
    # joined by 会同 / 和
    ("基础教育股会同各学校", [("基础教育股", 2), ("各学校", 5)]),
    ("教育局和财政局", [("教育局", 1), ("财政局", 4)]),
    # spaces and a trailing 等 do not matter
    ("县 财政局等", [("县财政局", 4)]),
])
def test_known_owners_match_by_name_and_alias(span, expected):
    assert ids([span]) == expected


@pytest.mark.parametrize("span, expected", [
    ("县委、县政府", [("县委", None), ("县政府", None)]),
    ("校长", [("校长", None)]),
    ("各乡镇人民政府", [("各乡镇人民政府", None)]),  # no substring guessing: 政府 ≠ 县政府办公室
    ("各级领导干部", [("各级领导干部", None)]),
])
def test_unknown_owners_stay_as_text(span, expected):
    assert ids([span]) == expected


def test_one_department_named_twice_counts_once_and_order_is_kept():
    matches = match_owners(["财政局", "县教育局", "财政部门", "校长", "校长"], DEPARTMENTS)
    assert matches == [OwnerMatch("财政局", 4), OwnerMatch("县教育局", 1), OwnerMatch("校长", None)]


def test_first_matched_owner_leads_the_rest_assist():
    result = assign(match_owners(["县委", "县教育局", "发改、财政部门"], DEPARTMENTS))
    assert (result.lead_id, result.co_ids, result.unmatched) == (1, (3, 4), ("县委",))
    assert not result.needs_assignment


def test_nothing_matched_needs_assignment():
    result = assign(match_owners(["县委、县政府"], DEPARTMENTS))
    assert result.lead_id is None and result.co_ids == () and result.needs_assignment
    assert result.unmatched == ("县委", "县政府")


def test_no_owner_at_all_needs_assignment():
    assert assign(match_owners([], DEPARTMENTS)).needs_assignment


def test_a_name_two_departments_share_goes_to_the_first_given():
    index = DepartmentIndex([(1, ["县教育局办公室", "办公室"]), (2, ["县政府办公室", "办公室"])])
    assert index.find("办公室") == 1
    assert match_owners(["办公室"], index) == [OwnerMatch("办公室", 1)]
