"""Shared fixtures: named personas used everywhere, and the shared/ folder."""
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir():
    """The ../shared folder beside the checkout (seeds, gold); skip where it is missing."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared/seeds 不存在：本测试需要仓库旁的 shared 目录")
    return SHARED


@pytest.fixture
def departments(db):
    from tracker.models import Department

    return {
        "a": Department.objects.create(name="县教育局基础教育股", short_name="基础教育股", aliases="基教股\n教育股"),
        "b": Department.objects.create(name="县财政局", short_name="财政局", aliases="财政\n财政部门"),
        "c": Department.objects.create(name="县教育局安全稳定股", short_name="安稳股", aliases="安全股"),
    }


def make_user(username, role, department=None):
    from django.contrib.auth.models import Group

    from tracker.models import User

    user = User.objects.create_user(username=username, password="Test#pass-2024", is_staff=True, department=department)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def supervisor(db):
    return make_user("sup", "督查员")


@pytest.fixture
def superuser(db):
    """The system administrator: a superuser with no role group."""
    user = make_user("root", None)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def leader(db):
    return make_user("boss", "领导")


@pytest.fixture
def officer_a(departments):
    return make_user("officer_a", "部门填报员", departments["a"])


@pytest.fixture
def officer_b(departments):
    return make_user("officer_b", "部门填报员", departments["b"])


@pytest.fixture
def make_task(supervisor):
    """Create a task through the service, as the product does."""
    from tracker import services

    def make(**fields):
        fields.setdefault("title", "完成校舍安全排查")
        co = fields.pop("co_departments", ())
        return services.task_create(created_by=supervisor, co_departments=co, **fields)

    return make


@pytest.fixture
def safe_client(client):
    """A client that answers a server error with a 500 response, as production does, instead of raising it."""
    client.raise_request_exception = False
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created in most tests; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a dashboard one test cached (its database since rolled
    back) must never answer another test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (speech originals, attachments) go to a fresh folder per test, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


FIXTURES = REPO / "fixtures"

# A short county speech in the genre: achievements, problems, directives with owners and deadlines.
SPEECH = """在全县秋季开学工作会议上的讲话
同志们：
今天召开会议，安排部署秋季开学工作。我讲三点意见。
一、上半年工作回顾
一是办学条件持续改善，新建校舍3.2万平方米。二是教育质量稳步提升，中考平均分提高了6.5分。
二、存在的问题
一是城区学校大班额问题仍然突出。二是农村学校音体美教师严重不足。
三、扎实做好秋季开学工作
（一）保障按时开学。县教育局要在8月25日前完成全县校舍安全排查。
（二）化解大班额。发改、财政部门要加快推进城区第二实验小学建设，年底前完成主体工程。
（三）强化师德师风。各学校要在本学期开展一次师德师风专项整治。
（四）做好学生资助。县委、县政府要统筹安排资助资金，做到应助尽助。
同志们，新学期任务艰巨，希望大家真抓实干。
"""


@pytest.fixture
def county(db):
    """The demo county's departments, read from fixtures/departments.json."""
    from tracker.models import Department

    rows = json.loads((FIXTURES / "departments.json").read_text(encoding="utf-8"))
    return {
        row["name"]: Department.objects.create(
            name=row["name"], short_name=row["short_name"], aliases="\n".join(row["aliases"]), order=order)
        for order, row in enumerate(rows, start=1)
    }


@pytest.fixture
def speech_text():
    return SPEECH

