"""The Celery application: background jobs (mail, group-chat notices, daily reminders, large exports).

Production runs a broker (Redis or RabbitMQ, ``CELERY_BROKER_URL``), one or more workers
(``celery -A config worker``) and one scheduler (``celery -A config beat``), see README.
Without a broker (the demo, the tests) ``CELERY_TASK_ALWAYS_EAGER`` is on and each job runs
in the process that asked for it, after its transaction commits: the demo keeps its one
command and needs no broker installed.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("duban")
# Every CELERY_* setting in config/settings.py configures the app (CELERY_BROKER_URL → broker_url).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tracker"], related_name="jobs")
