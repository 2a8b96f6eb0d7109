"""What the review page proposes before anyone changes anything: plain data, no database."""
import datetime

from speeches.defaults import ItemFacts, propose, task_title
from speeches.owners import DepartmentIndex

INDEX = DepartmentIndex([(1, ["县教育局", "教育局"]), (2, ["县财政局", "财政部门"]), (3, ["县发改局", "发改"])])
DAY = datetime.date(2024, 8, 16)


def resolve(text, day):
    return {"年底前": datetime.date(day.year, 12, 31), "9月底前": datetime.date(day.year, 9, 30)}.get(text)


def item(id, kind="directive", parent=None, title="抓好安全", owners=(), deadlines=()):
    return ItemFacts(id=id, parent_id=parent, kind=kind, title=title, text=title, owners=tuple(owners),
                     deadlines=tuple(deadlines))


def test_directives_and_problems_are_proposed_achievements_and_other_are_not():
    got = propose([item(1), item(2, "problem"), item(3, "achievement"), item(4, "other")], INDEX, DAY, resolve)
    assert [got[i].include for i in (1, 2, 3, 4)] == [True, True, False, False]
    assert got[1].category == "deploy" and got[2].category == "rectify"


def test_a_heading_whose_children_are_proposed_is_not_proposed_itself():
    items = [item(1, title="扎实做好开学工作"), item(2, parent=1), item(3, parent=1),
             item(4, title="问题", kind="problem"), item(5, "achievement", parent=4)]
    got = propose(items, INDEX, DAY, resolve)
    assert [got[i].include for i in (1, 2, 3, 4, 5)] == [False, True, True, True, False]


def test_owners_and_deadlines_come_from_the_nearest_ancestor_that_names_them():
    items = [item(1, owners=["县教育局"], deadlines=["年底前"]), item(2, parent=1),
             item(3, parent=2, owners=["发改、财政部门"], deadlines=["下个月"])]
    got = propose(items, INDEX, DAY, resolve)
    assert (got[2].lead_id, got[2].deadline, got[2].deadline_text) == (1, datetime.date(2024, 12, 31), "年底前")
    assert (got[3].lead_id, got[3].co_ids) == (3, (2,))
    assert got[3].deadline is None and got[3].deadline_text == "下个月"  # kept as text to fill in


def test_the_first_deadline_that_resolves_wins():
    got = propose([item(1, deadlines=["尽快", "9月底前", "年底前"])], INDEX, DAY, resolve)
    assert (got[1].deadline, got[1].deadline_text) == (datetime.date(2024, 9, 30), "9月底前")


def test_unknown_owners_leave_the_task_for_assignment_with_the_text_kept():
    got = propose([item(1, owners=["县委、县政府"])], INDEX, DAY, resolve)
    assert got[1].lead_id is None and got[1].unmatched == ("县委", "县政府") and got[1].owner_text == "县委、县政府"


def test_task_titles_drop_the_modal_and_fit_the_field():
    assert task_title("要压实整改责任", "") == "压实整改责任"
    assert task_title("", "（一）全力保障按时开学。") == "（一）全力保障按时开学。"
    long = "加强学校安全管理，" * 40
    cut = task_title(long, "")
    assert len(cut) <= 300 and cut.endswith("加强学校安全管理")


def test_roles_decide_the_lead_the_helpers_and_the_person_in_charge():
    roles = (("县财政局", "co"), ("县教育局", "lead"), ("张明同志", "person"), ("县发改局", "co"))
    got = propose([ItemFacts(id=1, parent_id=None, kind="directive", title="抓好安全", text="抓好安全",
                             owners=("县财政局",), deadlines=(), owner_roles=roles)], INDEX, DAY, resolve)[1]
    assert (got.lead_id, got.co_ids, got.responsible_person) == (1, (2, 3), "张明同志")


def test_a_helper_never_leads_where_the_lead_is_unknown():
    roles = (("县水利局", "lead"), ("县财政局", "co"))
    got = propose([ItemFacts(id=1, parent_id=None, kind="directive", title="t", text="t", owners=("x",),
                             deadlines=(), owner_roles=roles)], INDEX, DAY, resolve)[1]
    assert (got.lead_id, got.co_ids, got.unmatched) == (None, (2,), ("县水利局",))


def test_roles_are_inherited_with_the_owners_they_came_with():
    parent = ItemFacts(id=1, parent_id=None, kind="directive", title="t", text="t", owners=("县教育局",),
                       deadlines=(), owner_roles=(("县教育局", "lead"), ("李华", "person")))
    got = propose([parent, item(2, parent=1)], INDEX, DAY, resolve)[2]
    assert (got.lead_id, got.responsible_person) == (1, "李华")
