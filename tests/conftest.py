"""Shared fixtures: named personas used everywhere, and the shared/ folder."""
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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (speech originals, attachments) go to a fresh folder per test, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
