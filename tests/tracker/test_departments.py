"""A department's name and short name are one line: control characters are refused wherever
departments are made (the admin form, the demo fixtures), with a Chinese message and nothing saved;
aliases stay one per line. A name saved before this rule no longer breaks its daily reminders."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tracker.models import Department
from tracker.supervision import reminders

pytestmark = pytest.mark.django_db

ONE_LINE = "只能写一行"


@pytest.mark.parametrize("field,value", [
    ("name", "县财政局\n预算股"), ("name", "县财政局\r"), ("name", "县财政局\t"), ("name", "县\x00财政局"),
    ("name", "县财政局\u2028预算股"), ("short_name", "财政\n局"), ("short_name", "财政局\x1b"),
])
def test_a_name_with_a_control_character_is_refused(field, value):
    department = Department(**{"name": "县财政局", field: value})
    with pytest.raises(ValidationError) as error:
        department.full_clean()
    assert list(error.value.message_dict) == [field]
    assert ONE_LINE in error.value.message_dict[field][0]


def test_aliases_are_one_per_line_but_nothing_else():
    Department(name="县财政局", aliases="财政\r\n财政部门\n").full_clean()
    with pytest.raises(ValidationError) as error:
        Department(name="县财政局", aliases="财政\t财政部门").full_clean()
    assert "每行一个" in error.value.message_dict["aliases"][0]


def test_the_admin_form_refuses_a_two_line_name_and_saves_nothing(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("admin:tracker_department_add"), {
        "name": "县财政局\r\n预算股", "short_name": "财政局", "aliases": "财政\r\n财政部门", "is_active": "on",
        "order": "0"})
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    assert not Department.objects.exists()
    ok = client.post(reverse("admin:tracker_department_add"), {
        "name": "县财政局", "short_name": "财政局", "aliases": "财政\r\n财政部门", "is_active": "on", "order": "0"})
    assert ok.status_code == 302
    assert Department.objects.get().alias_list == ["财政", "财政部门"]


def test_demo_fixtures_with_a_two_line_name_stop_with_a_message_and_save_nothing(monkeypatch):
    from tracker.management.commands import load_demo

    real = load_demo.read_json

    def read_json(name):
        rows = real(name)
        if name == "departments.json":
            rows[1]["name"] += "\n"
        return rows

    monkeypatch.setattr(load_demo, "read_json", read_json)
    with pytest.raises(CommandError, match=ONE_LINE):
        call_command("load_demo", stdout=None)
    assert not Department.objects.exists()


def test_reminders_of_a_department_named_before_the_rule_still_go_out(make_task, django_capture_on_commit_callbacks):
    """Saved around the check (an old row): the digest's subject is written on one line, so the mail leaves."""
    department = Department.objects.create(name="县财政局\n预算股")
    officer = make_user("yusuan", "部门填报员", department)
    officer.email = "yusuan@example.gov.cn"
    officer.save()
    make_task(lead_department=department, deadline=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = reminders.reminder_send_department(department=department, today=timezone.localdate())
    assert outcome.sent_to == [officer]
    (message,) = mail.outbox
    assert "\n" not in message.subject and "县财政局 预算股" in message.subject
