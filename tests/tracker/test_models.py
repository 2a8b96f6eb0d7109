"""Model invariants: constraints live in the database, not only in forms."""
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tracker import services
from tracker.models import Department, ProgressUpdate, Task, User

pytestmark = pytest.mark.django_db


def test_department_names_are_unique(departments):
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(name="县财政局")


def test_department_aliases_split_on_lines_and_enumeration_commas():
    dept = Department(name="县教育局", short_name="教育局", aliases="县教体局\n教体局、局机关")
    assert dept.alias_list == ["县教体局", "教体局", "局机关"]
    # Longest first, so the matcher tries 县教育局 before the 教育局 inside it.
    assert dept.all_names[:2] == ["县教育局", "县教体局"] or dept.all_names[:2] == ["县教体局", "县教育局"]
    assert [len(name) for name in dept.all_names] == [4, 4, 3, 3, 3]
    assert set(dept.all_names) == {"县教育局", "教育局", "县教体局", "教体局", "局机关"}


@pytest.mark.parametrize("percent", [-1, 101, 150])
def test_task_progress_outside_0_100_is_refused_by_the_database(make_task, percent):
    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(progress=percent)


def test_closed_task_without_completion_time_is_refused_by_the_database(make_task):
    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(status=Task.Status.CLOSED, completed_at=None)


def test_progress_percent_outside_0_100_is_refused_by_the_database(make_task, supervisor):
    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(task=task, date=date(2024, 9, 1), content="x", percent=120, reported_by=supervisor)


def test_tasks_get_yearly_serial_numbers_in_sequence(make_task):
    first, second = make_task(), make_task(title="第二项")
    year = first.created_at.astimezone().year
    assert first.serial == f"DB-{year}-0001"
    assert second.serial == f"DB-{year}-0002"


def test_task_keeps_its_original_deadline(make_task):
    task = make_task(deadline=date(2024, 9, 30), deadline_text="9月底前")
    assert task.original_deadline == date(2024, 9, 30)
    assert task.needs_assignment


def test_progress_report_moves_task_progress_to_newest_entry(make_task, officer_a, departments):
    from tracker import services

    task = make_task(lead_department=departments["a"])
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 10), content="过半", percent=50)
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="起步", percent=10)
    task.refresh_from_db()
    assert (task.progress, task.latest_progress) == (50, "过半")


def test_every_model_has_chinese_verbose_names():
    from django.apps import apps

    for model in [*apps.get_app_config("tracker").get_models(), *apps.get_app_config("speeches").get_models()]:
        if model.__name__.startswith("Historical"):
            continue
        assert not str(model._meta.verbose_name).isascii(), model
        for field in model._meta.get_fields():
            if field.concrete and not field.auto_created and field.name not in {"password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined", "groups", "user_permissions"}:
                assert not str(field.verbose_name).isascii(), (model, field.name)


def test_str_of_every_model_is_readable(make_task, departments, supervisor, officer_a, media_root):
    """Every model of the project (history tables aside) has a saved example here whose str is readable."""
    from django.apps import apps
    from django.core.files.uploadedfile import SimpleUploadedFile

    from speeches import services as speech_services
    from tracker.supervision import chasing, extensions, instructions

    departments["a"].webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo"
    departments["a"].save()
    speech_services.speech_import(
        text="在全县教育工作会议上的讲话\n同志们：\n一、县教育局要在9月底前完成教师招聘。\n二、各学校要加强安全管理。\n",
        date=date(2024, 8, 16), meeting="全县教育工作会议", speaker="李县长", uploaded_by=supervisor)
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], deadline=date(2100, 6, 1))
    services.task_transition(task=task, action="accept", by=officer_a)
    services.progress_report(task=task, reported_by=officer_a, date=date.today(), content="已启动", percent=10,
                             files=[SimpleUploadedFile("说明.txt", "排查方案".encode())])
    chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧")
    extensions.extension_request_create(task=task, requested_by=officer_a, reason="需协调",
                                        new_deadline=date(2100, 7, 1))
    instructions.instruction_add(task=task, author=supervisor, kind="instruction", content="按期完成")
    from speeches.models import RepeatedInstruction, SpeechItem
    from tracker.ledger import export_jobs

    RepeatedInstruction.objects.create(task=task, item=SpeechItem.objects.get(marker="二、"), score=0.8)
    export_jobs.export_job_start(user=supervisor, params="group=speech", subject="全部任务", total=20000)

    expected = {
        "Department": "县教育局基础教育股", "Task": f"{task.serial} 完成校舍安全排查",
        "RepeatedInstruction": f"二、各学校要加强安全管理 → {task.serial}",
        "ExportJob": f"导出任务 {export_jobs.ExportJob.objects.get().pk}（排队中）",
    }
    shown = {}
    for model in [*apps.get_app_config("tracker").get_models(), *apps.get_app_config("speeches").get_models()]:
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue
        assert "__str__" in vars(model), f"{model.__name__} has no __str__ of its own"
        example = model.objects.first()
        assert example is not None, f"no {model.__name__} made above: add one to this test"
        text = str(example)
        assert text.strip() and "object (" not in text, (model.__name__, text)
        shown[model.__name__] = text
    for name, text in expected.items():
        assert shown[name] == text


@pytest.mark.parametrize("last, first, shown", [("王", "芳", "王芳"), ("", "", "wangfang")])
def test_user_is_shown_by_full_name_else_username(last, first, shown):
    """E-mails and the timeline address people by name, family name first; the username stands in."""
    assert User(username="wangfang", last_name=last, first_name=first).display_name == shown
