"""The demo loader gives a realistic county and can run twice without duplicates."""
import pytest
from django.core.management import call_command

from speeches.models import Speech
from tracker.models import Department, ProgressUpdate, Task, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Department, User, Speech, Task, ProgressUpdate)]


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first[0] >= 12 and first[3] > 0


def test_demo_has_every_role_and_every_status():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert {"督查员", "部门填报员", "领导"} <= roles
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
