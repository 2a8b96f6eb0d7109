from django.apps import AppConfig


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracker"
    verbose_name = "任务督办"

    def ready(self):
        from django.db.models.signals import post_migrate

        from tracker import roles

        # Permissions exist only after post_migrate has created them, app by app,
        # so the role → permission table is applied after each app's turn (and
        # again after every migrate, which keeps new models covered).
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="tracker_sync_role_permissions")

        # Cached readings of tasks (the dashboard) go stale on any write (tracker/task_cache.py).
        from tracker import task_cache

        task_cache.connect_signals()

        # The wings' admin screens and task actions; the admin autodiscovers only tracker.admin.
        from tracker.ledger import admin as ledger_admin  # noqa: F401
        from tracker.papers import admin as papers_admin  # noqa: F401
        from tracker.supervision import admin as supervision_admin  # noqa: F401
