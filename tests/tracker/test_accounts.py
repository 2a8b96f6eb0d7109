"""Who manages which account in the admin (tracker.permissions.can_manage_account, assignable_groups).

Superusers manage every account. A supervisor (督查员) creates officers (部门填报员), resets
officers' passwords and edits their name, contact, department and active flag; never their
own account, a leader's or a supervisor's, never superuser rights, groups other than 部门填报员
or direct permissions, whatever is posted. Leaders and officers manage no account.
"""
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.conftest import make_user
from tracker import permissions, roles
from tracker.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Test#pass-2024"
NEW_PASSWORD = "Xin#mima-2025-long"


@pytest.fixture
def other_supervisor(db):
    return make_user("sup2", roles.SUPERVISOR)


def change_url(user):
    return reverse("admin:tracker_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def change_form(user, **changes):
    """What the change page posts back for ``user`` (as a superuser would see every field)."""
    return {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "phone": user.phone, "department": user.department_id or "",
        "is_active": "on" if user.is_active else "", "date_joined_0": "2024-01-01", "date_joined_1": "08:00:00",
        **changes,
    }


def password_form():
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}


def logs_in(client, username, password):
    """Log in through the login page, as a person would (django-axes watches this form)."""
    response = client.post(reverse("admin:login"), {"username": username, "password": password})
    return response.status_code == 302


def state(user):
    user = User.objects.get(pk=user.pk)
    return {
        "superuser": user.is_superuser, "staff": user.is_staff, "active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "perms": list(user.user_permissions.values_list("codename", flat=True)),
        "old_password": user.check_password(PASSWORD), "department": user.department_id,
        "name": user.last_name + user.first_name,
    }


# --- the rule, as a table ---------------------------------------------------------------------


@pytest.mark.parametrize("actor,target,allowed", [
    ("superuser", "officer_a", True), ("superuser", "leader", True), ("superuser", "other_supervisor", True),
    ("superuser", "superuser", True),
    ("supervisor", "officer_a", True), ("supervisor", "leader", False), ("supervisor", "other_supervisor", False),
    ("supervisor", "supervisor", False), ("supervisor", "superuser", False),
    ("leader", "officer_a", False), ("leader", "leader", False),
    ("officer_a", "officer_b", False), ("officer_a", "officer_a", False),
])
def test_can_manage_account(request, actor, target, allowed):
    actor, target = request.getfixturevalue(actor), request.getfixturevalue(target)
    assert permissions.can_manage_account(actor, target) is allowed


def test_an_officer_with_a_direct_permission_or_a_second_role_is_not_a_supervisors_to_manage(supervisor, officer_a,
                                                                                              officer_b):
    officer_a.user_permissions.add(Permission.objects.get(codename="change_user"))
    officer_b.groups.add(Group.objects.get(name=roles.LEADER))
    assert not permissions.can_manage_account(supervisor, User.objects.get(pk=officer_a.pk))
    assert not permissions.can_manage_account(supervisor, User.objects.get(pk=officer_b.pk))


def test_assignable_groups(superuser, supervisor, leader, officer_a):
    assert set(permissions.assignable_groups(superuser).values_list("name", flat=True)) == set(roles.ROLES)
    assert list(permissions.assignable_groups(supervisor).values_list("name", flat=True)) == [roles.OFFICER]
    assert not permissions.assignable_groups(leader).exists()
    assert not permissions.assignable_groups(officer_a).exists()


# --- the attacks, through the admin -------------------------------------------------------------


def test_supervisor_cannot_post_superuser_rights_groups_or_permissions_onto_an_officer(
        client, supervisor, officer_a, departments):
    supervisor_group = Group.objects.get(name=roles.SUPERVISOR)
    permission = Permission.objects.get(codename="change_user")
    client.force_login(supervisor)
    response = client.post(change_url(officer_a), change_form(
        officer_a, last_name="张", first_name="三", department=departments["b"].pk,
        is_superuser="on", is_staff="on", groups=[supervisor_group.pk], user_permissions=[permission.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    after = state(officer_a)
    assert after["name"] == "张三" and after["department"] == departments["b"].pk  # what may change did
    assert (after["superuser"], after["groups"], after["perms"]) == (False, [roles.OFFICER], [])


def test_supervisors_officer_page_has_no_rights_fields(client, supervisor, officer_a):
    client.force_login(supervisor)
    page = client.get(change_url(officer_a)).content.decode()
    for name in ("is_superuser", "is_staff", "groups", "user_permissions", "username"):
        assert f'name="{name}"' not in page, name
    for name in ("last_name", "first_name", "phone", "department", "is_active", "email"):
        assert f'name="{name}"' in page, name


def test_supervisor_cannot_raise_or_deactivate_their_own_account(safe_client, supervisor):
    safe_client.force_login(supervisor)
    before = state(supervisor)
    assert safe_client.get(change_url(supervisor)).status_code == 403
    response = safe_client.post(change_url(supervisor), change_form(supervisor, is_superuser="on", is_active=""))
    assert response.status_code == 403
    assert safe_client.post(password_url(supervisor), password_form()).status_code == 403
    assert state(supervisor) == before


@pytest.mark.parametrize("target", ["leader", "other_supervisor", "superuser"])
def test_supervisor_cannot_touch_a_leaders_or_supervisors_account(request, safe_client, supervisor, target):
    target = request.getfixturevalue(target)
    safe_client.force_login(supervisor)
    before = state(target)
    assert safe_client.get(change_url(target)).status_code == 403
    assert safe_client.get(password_url(target)).status_code == 403
    assert safe_client.post(password_url(target), password_form()).status_code == 403
    assert safe_client.post(change_url(target), change_form(target, is_active="", last_name="改")).status_code == 403
    assert safe_client.get(reverse("admin:tracker_user_history", args=[target.pk])).status_code == 403
    assert safe_client.post(reverse("admin:tracker_user_delete", args=[target.pk]), {"post": "yes"}).status_code == 403
    assert state(target) == before


def test_supervisor_cannot_log_in_as_the_leader_to_write_an_instruction(safe_client, supervisor, leader, make_task):
    """The whole chain of the report: reset the leader's password, log in as him, post a 批示."""
    from tracker.models import Instruction

    task = make_task()
    safe_client.force_login(supervisor)
    safe_client.post(password_url(leader), password_form())
    safe_client.logout()
    assert not logs_in(safe_client, leader.username, NEW_PASSWORD)
    safe_client.post(reverse("tracker:instruction_add", args=[task.pk]), {"kind": "instruction", "content": "同意"})
    assert not Instruction.objects.exists()


def test_supervisor_cannot_create_an_account_with_another_role_or_superuser_rights(safe_client, supervisor,
                                                                                  departments):
    safe_client.force_login(supervisor)
    for role in (roles.SUPERVISOR, roles.LEADER):
        response = safe_client.post(reverse("admin:tracker_user_add"), {
            "username": "mole", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
            "department": departments["a"].pk, "groups": [Group.objects.get(name=role).pk]})
        assert response.status_code == 200
        assert "只能授予“部门填报员”角色" in response.content.decode()
        assert not User.objects.filter(username="mole").exists()


def test_supervisor_creates_an_officer_who_can_log_in(client, supervisor, departments):
    officer_group = Group.objects.get(name=roles.OFFICER)
    client.force_login(supervisor)
    response = client.post(reverse("admin:tracker_user_add"), {
        "username": "xinren", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "department": departments["a"].pk, "groups": [officer_group.pk],
        "is_superuser": "on", "user_permissions": [Permission.objects.get(codename="change_user").pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="xinren")
    assert (created.is_superuser, created.is_staff) == (False, True)  # staff because 部门填报员 works in the admin
    assert list(created.groups.values_list("name", flat=True)) == [roles.OFFICER]
    assert not created.user_permissions.exists()
    client.logout()
    assert logs_in(client, "xinren", NEW_PASSWORD)
    assert client.get(reverse("admin:tracker_task_changelist")).status_code == 200


def test_an_officer_account_needs_a_department(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("admin:tracker_user_add"), {
        "username": "xinren", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "department": "", "groups": [Group.objects.get(name=roles.OFFICER).pk]})
    assert response.status_code == 200
    assert "部门填报员须选择所属单位。" in response.content.decode()
    assert not User.objects.filter(username="xinren").exists()


def test_supervisor_resets_an_officers_password_and_deactivates_them(client, supervisor, officer_a):
    client.force_login(supervisor)
    assert client.post(password_url(officer_a), password_form()).status_code == 302
    assert User.objects.get(pk=officer_a.pk).check_password(NEW_PASSWORD)
    assert client.post(change_url(officer_a), change_form(officer_a, is_active="")).status_code == 302
    assert not User.objects.get(pk=officer_a.pk).is_active


def test_supervisor_does_not_delete_accounts(safe_client, supervisor, officer_a):
    safe_client.force_login(supervisor)
    response = safe_client.post(reverse("admin:tracker_user_delete", args=[officer_a.pk]), {"post": "yes"})
    assert response.status_code == 403
    page = safe_client.get(reverse("admin:tracker_user_changelist")).content.decode()
    assert "delete_selected" not in page
    assert User.objects.filter(pk=officer_a.pk).exists()


def test_supervisors_list_shows_every_account_but_opens_only_officers(client, supervisor, leader, officer_a):
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_user_changelist")).content.decode()
    assert leader.username in page and officer_a.username in page
    assert f'href="{change_url(officer_a)}"' in page
    assert f'href="{change_url(leader)}"' not in page and f'href="{change_url(supervisor)}"' not in page


@pytest.mark.parametrize("persona", ["leader", "officer_a"])
def test_leaders_and_officers_have_no_account_screens(request, safe_client, persona, officer_b):
    safe_client.force_login(request.getfixturevalue(persona))
    assert safe_client.get(reverse("admin:tracker_user_changelist")).status_code == 403
    assert safe_client.get(reverse("admin:tracker_user_add")).status_code == 403
    assert safe_client.get(change_url(officer_b)).status_code == 403
    assert safe_client.post(password_url(officer_b), password_form()).status_code == 403
    assert User.objects.get(pk=officer_b.pk).check_password(PASSWORD)


def test_superuser_manages_a_leader(client, superuser, leader):
    client.force_login(superuser)
    assert client.post(password_url(leader), password_form()).status_code == 302
    assert User.objects.get(pk=leader.pk).check_password(NEW_PASSWORD)
    response = client.post(change_url(leader), change_form(
        leader, groups=[Group.objects.get(name=roles.SUPERVISOR).pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert state(leader)["groups"] == [roles.SUPERVISOR]


def test_staff_status_follows_the_role(client, superuser, departments):
    """Every role works in the admin; an account with no role and no superuser flag does not log in there."""
    client.force_login(superuser)
    client.post(reverse("admin:tracker_user_add"), {
        "username": "lingdao2", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "groups": [Group.objects.get(name=roles.LEADER).pk]})
    leader = User.objects.get(username="lingdao2")
    assert leader.is_staff
    response = client.post(change_url(leader), change_form(leader, groups=[]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not User.objects.get(pk=leader.pk).is_staff
