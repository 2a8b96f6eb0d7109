"""The three roles, as Django groups, and the model permissions each holds.

The groups themselves are created by a migration; which permissions they hold is
this table, applied after every ``migrate``. Row-level rules (an officer sees only
their own department's tasks) live in ``tracker.permissions``.
"""
SUPERVISOR = "督查员"
OFFICER = "部门填报员"
LEADER = "领导"
ROLES = (SUPERVISOR, OFFICER, LEADER)

MANAGED_APPS = ("tracker", "speeches")


def sync_staff(user):
    """Set ``user.is_staff`` from their roles, and save it if it changed.

    Every role works in the admin (officers report progress there too), and so does a
    superuser; an account with neither has nothing to do there. Staff status is never
    ticked by hand, so nobody grants admin access beyond this table.
    """
    names = set(user.groups.values_list("name", flat=True))
    staff = user.is_superuser or not names.isdisjoint(ROLES)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])

# Permission codenames per role; "*" = every permission of the managed apps,
# "view_*" = every view permission of the managed apps.
ROLE_PERMISSIONS = {
    SUPERVISOR: {"*"},
    LEADER: {"view_*"},
    OFFICER: {
        "view_task",
        "view_progressupdate",
        "add_progressupdate",
        "view_department",
        "view_attachment",
        "add_attachment",
        "view_tasktransition",
        "view_extensionrequest",
        "add_extensionrequest",
        "view_instruction",
        "add_instruction",
        "view_chase",
    },
}


def sync_role_permissions(sender=None, using="default", apps=None, **kwargs):
    """Give each role group exactly the permissions of ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    managed = Permission.objects.using(using).filter(content_type__app_label__in=MANAGED_APPS)
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        if "*" in wanted:
            perms = managed
        elif "view_*" in wanted:
            perms = managed.filter(codename__startswith="view_")
        else:
            perms = managed.filter(codename__in=wanted)
        group.permissions.set(perms)
