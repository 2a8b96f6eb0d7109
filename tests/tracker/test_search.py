"""关键词 search: the same tasks as icontains on every column, through the bigram index on PostgreSQL."""
import pytest
from django.db import connection
from django.urls import reverse

from tracker import search, selectors
from tracker.models import Task

pytestmark = pytest.mark.django_db

TEXTS = [
    dict(title="完成校舍安全隐患整改", content="按照会议部署，排查全县校舍。", owner_text="县教育局"),
    dict(title="校园欺凌防治", content="建立Ab-Cd工作台账，每月报送。", responsible_person="张三"),
    dict(title="课后服务工作", content="落实“双减”要求，100%覆盖。", owner_text="各学校"),
    dict(title="食堂食品安全检查", content="", responsible_person="李四"),
    dict(title="智慧校园建设", content="ABCD平台上线，abcd账号统一。"),
    dict(title="教师培训计划", content="第一期_试点", owner_text="校"),
    dict(title="舍", content="校"),  # the two characters of 校舍 only across the title and the content
]
KEYWORDS = [
    "校", "舍", "%", "_", "a",            # one character: a scan, as before
    "校舍", "校园", "安全", "ab", "AB", "Cd", "张三", "双减", "0%", "期_",  # two: the index
    "校舍安", "abc", "d-C", "100%", "b-c", "第一期",  # three and more, mixed ASCII and punctuation
    "校舍安全隐患整改", "平台上线，abcd", "DB-",  # long; across a punctuation; the serials
    "不存在", "xyz", "校\n舍", "舍\n校",  # no task (a pair across two columns is no match)
]


@pytest.fixture
def tasks(make_task, departments):
    return [make_task(lead_department=departments["a"], **fields) for fields in TEXTS]


def plain(keyword):
    return set(Task.objects.filter(search.contains_q(keyword)).values_list("pk", flat=True))


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_search_finds_exactly_what_icontains_finds(tasks, keyword):
    found = set(search.keyword_filter(Task.objects.all(), keyword).values_list("pk", flat=True))
    assert found == plain(keyword)


def test_the_cases_above_are_not_all_empty(tasks):
    assert len(plain("校舍")) == 1 and len(plain("ab")) == 2 and len(plain("DB-")) == len(TEXTS)
    assert plain("校\n舍") == set()


def test_the_task_list_keyword_filter_uses_it(tasks, supervisor):
    _, found = selectors.task_list_filtered(user=supervisor, params={"q": " 校舍 "})
    assert [t.pk for t in found] == [tasks[0].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL only")
def test_postgresql_reads_the_bigram_index_not_the_table(tasks):
    with connection.cursor() as cursor:
        # A handful of rows would be read whole otherwise: make the planner say whether it can use the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = search.keyword_filter(Task.objects.order_by(), "校舍").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert search.INDEX_NAME in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram functions exist on PostgreSQL only")
@pytest.mark.parametrize("text,bigrams", [
    ("校舍安全", ["安全", "校舍", "舍安"]),
    ("abA", ["AB", "BA"]),  # upper-cased, as icontains compares
    ("校", []),
    ("", []),
])
def test_bigrams_of_a_text(text, bigrams):
    with connection.cursor() as cursor:
        cursor.execute("SELECT duban_bigrams(%s)", [text])
        assert sorted(cursor.fetchone()[0]) == sorted(bigrams)


@pytest.mark.parametrize("term,titles", [
    ("校舍", {"完成校舍安全隐患整改"}),
    ("校园 建设", {"智慧校园建设"}),  # every word, each in some column
    ('"ab-cd"', {"校园欺凌防治"}),  # a quoted word, as Django's admin search reads it
    ("  ", {text["title"] for text in TEXTS}),
])
def test_the_admin_search_finds_what_djangos_would(client, supervisor, tasks, term, titles):
    client.force_login(supervisor)
    response = client.get(reverse("admin:tracker_task_changelist"), {"q": term})
    assert response.status_code == 200
    assert {task.title for task in response.context["cl"].result_list} == titles


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_the_planner_expects_a_common_keyword_to_find_many_tasks(make_task, departments):
    """The recheck must not read as a filter keeping almost nothing, or a common keyword sorts every match."""
    for n in range(60):
        make_task(lead_department=departments["a"], title=f"校舍安全第{n}项", content="排查校舍。")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tracker_task")
        sql, params = search.keyword_filter(Task.objects.order_by(), "校舍").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        estimate = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
    assert estimate >= 20  # half of the index's 60 candidates; LIKE alone was guessed at 1
