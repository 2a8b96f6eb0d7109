"""The dashboard's per-department counts read one index: (lead department, status, deadline, completed_at).

It replaces the (lead department, status) index, whose queries it serves as well; the
new one is built before the old one goes, so lists never run without it.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('speeches', '0002_initial'),
        ('tracker', '0002_role_groups'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['lead_department', 'status', 'deadline', 'completed_at'],
                               name='task_dept_status_dates'),
        ),
        migrations.RemoveIndex(
            model_name='task',
            name='task_dept_status',
        ),
    ]
