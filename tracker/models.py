"""Departments, people, tasks and what happens to a task: progress, transitions,
attachments, chases, extension requests and instructions.

Models hold fields, invariants (database constraints) and small properties. Every
write that has a rule goes through ``tracker.services``.
"""
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tracker import choices, cycles, dates

# The longest 催办内容, 延期理由, 审批意见 or 批示/留言 accepted: about a page of text.
SUPERVISION_TEXT_MAX = 2000


def has_control_characters(text, *, allow=""):
    """True if ``text`` holds a control character or a line/paragraph separator not in ``allow``."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in allow for ch in text)


class Department(models.Model):
    """A unit of the county: a bureau, one of its offices (股室), a 中心学校 or a school.

    Units form a tree through ``parent`` (县教育局 → 基础教育股; 各乡镇中心学校 → 某某小学).
    A plain parent key: "this unit and everything under it" is one recursive query
    (``tracker.tree.subtree_ids``) on a table of a few hundred rows, and nothing
    derived (no stored path) has to be kept in step when a unit moves.
    """

    name = models.CharField("单位名称", max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="例如“某某小学”的上级单位是“各乡镇中心学校”；上级单位的填报员可查看并分解下达本单位的任务。",
    )
    short_name = models.CharField("简称", max_length=50, blank=True)
    aliases = models.TextField(
        "别名",
        blank=True,
        help_text="讲话中对该单位的其他称呼，每行一个，例如“县教育局”“教育局”。",
    )
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)
    webhook_url = models.URLField(
        "工作群机器人地址",
        max_length=500,
        blank=True,
        help_text="企业微信或钉钉工作群机器人的 Webhook 地址（https）；填写后，本单位的系统通知同时推送到该群。",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        """Names are one line: they head e-mail subjects, where a line break fails every sending."""
        errors = {}
        for field in ("name", "short_name"):
            if has_control_characters(getattr(self, field)):
                label = self._meta.get_field(field).verbose_name
                errors[field] = f"{label}只能写一行，不能含换行、制表符等控制字符。"
        if has_control_characters(self.aliases, allow="\r\n"):
            errors["aliases"] = "别名每行一个，不能含制表符等其他控制字符。"
        if self.parent_id is not None and self.pk is not None:
            from tracker import tree

            if self.parent_id in tree.subtree_ids(self.pk):
                errors["parent"] = "上级单位不能是本单位或其下级单位（否则单位层级会形成循环）。"
        if self.webhook_url:
            from tracker.notices import webhook_refusal

            refusal = webhook_refusal(self.webhook_url)
            if refusal:
                errors["webhook_url"] = refusal
        if errors:
            raise ValidationError(errors)

    @property
    def alias_list(self):
        """Return the aliases, one per line or separated by 、，, as a list."""
        text = self.aliases.replace("、", "\n").replace("，", "\n").replace(",", "\n")
        return [part.strip() for part in text.splitlines() if part.strip()]

    @property
    def all_names(self):
        """Return every name this department goes by, longest first."""
        names = {self.name, *self.alias_list}
        if self.short_name:
            names.add(self.short_name)
        return sorted(names, key=len, reverse=True)


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        name = self.get_full_name()
        return f"{name}（{self.username}）" if name else self.username

    def get_full_name(self):
        """Chinese names read family name first, with no space."""
        return self.full_name_of(first_name=self.first_name, last_name=self.last_name)

    @property
    def display_name(self):
        """The name to show a person by: the full name, else the username."""
        return self.get_full_name() or self.username

    @staticmethod
    def full_name_of(*, first_name, last_name):
        """The full name from bare values (e.g. read with ``values()``): 姓 then 名."""
        return f"{last_name or ''}{first_name or ''}".strip()


class SerialCounter(models.Model):
    """The last 督办编号 sequence number handed out per year."""

    year = models.PositiveIntegerField("年度", primary_key=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "督办编号计数"
        verbose_name_plural = "督办编号计数"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}：{self.last}"


class Task(models.Model):
    class Category(models.TextChoices):
        DEPLOY = choices.DEPLOY, choices.CATEGORY_LABELS[choices.DEPLOY]
        RECTIFY = choices.RECTIFY, choices.CATEGORY_LABELS[choices.RECTIFY]

    class ReportRule(models.TextChoices):
        NONE = choices.NONE, choices.REPORT_RULE_LABELS[choices.NONE]
        MONTHLY = choices.MONTHLY, choices.REPORT_RULE_LABELS[choices.MONTHLY]
        WEEKLY = choices.WEEKLY, choices.REPORT_RULE_LABELS[choices.WEEKLY]
        BIWEEKLY = choices.BIWEEKLY, choices.REPORT_RULE_LABELS[choices.BIWEEKLY]
        MILESTONE = choices.MILESTONE, choices.REPORT_RULE_LABELS[choices.MILESTONE]

    class Status(models.TextChoices):
        PENDING = choices.PENDING, choices.STATUS_LABELS[choices.PENDING]
        IN_PROGRESS = choices.IN_PROGRESS, choices.STATUS_LABELS[choices.IN_PROGRESS]
        CLOSING = choices.CLOSING, choices.STATUS_LABELS[choices.CLOSING]
        CLOSED = choices.CLOSED, choices.STATUS_LABELS[choices.CLOSED]
        SUSPENDED = choices.SUSPENDED, choices.STATUS_LABELS[choices.SUSPENDED]

    # A sub-task's serial is its parent's and "-NN" (DB-2026-0012-03), so it reads as part of it.
    serial = models.CharField("督办编号", max_length=40, unique=True, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        editable=False,
        help_text="分解下达的子任务所属的任务。",
    )
    title = models.CharField("任务名称", max_length=300)
    content = models.TextField("任务内容", blank=True)
    # PROTECT: where a task came from is part of its record; a speech (or an item) that gave
    # tasks cannot be deleted out from under them, the admin lists the tasks instead.
    speech = models.ForeignKey(
        "speeches.Speech",
        verbose_name="来源讲话",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    source_item = models.OneToOneField(
        "speeches.SpeechItem",
        verbose_name="来源要点",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task",
    )
    category = models.CharField("类别", max_length=10, choices=Category.choices, default=Category.DEPLOY)
    lead_department = models.ForeignKey(
        Department,
        verbose_name="牵头单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合单位", blank=True, related_name="assisted_tasks"
    )
    owner_text = models.CharField(
        "责任主体（原文）",
        max_length=300,
        blank=True,
        help_text="讲话中点名的责任主体原文；未能对应到单位的待督查室指定。",
    )
    responsible_person = models.CharField("责任人", max_length=100, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时限原文", max_length=100, blank=True)
    original_deadline = models.DateField("原定时限", null=True, blank=True, editable=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(
        "完成率（%）", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    latest_progress = models.TextField("最新进展", blank=True)
    report_rule = models.CharField("报送周期", max_length=10, choices=ReportRule.choices, default=ReportRule.NONE)
    report_day = models.PositiveSmallIntegerField(
        "报送日", null=True, blank=True,
        help_text="每月：1～31（31 表示月末，不足的月份取最后一天）；每周：1～7（1 为周一）；其他周期不填。",
    )
    # The due date the task is measured against now (tracker.cycles): 逾期未报 is
    # report_due < today. Kept by the services and the refresh_report_cycles command.
    report_due = models.DateField("本期报送截止", null=True, blank=True, editable=False)
    note = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_tasks",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)

    history = HistoricalRecords(verbose_name="任务历史", m2m_fields=[co_departments])

    class Meta:
        verbose_name = "督办任务"
        verbose_name_plural = "督办任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="task_status_deadline"),
            models.Index(fields=["deadline"], name="task_deadline"),
            # Leads with (department, status) for lists; deadline and completed_at let the
            # dashboard's per-department counts read this index alone (tracker/dashboard.py).
            models.Index(fields=["lead_department", "status", "deadline", "completed_at"], name="task_dept_status_dates"),
            models.Index(fields=["-created_at", "-id"], name="task_created"),
            models.Index(fields=["report_due"], name="task_report_due"),
            # An officer's tasks are "pk IN (led UNION assisted)" (permissions.task_visibility_q): with the id in
            # the index, the led half reads the index alone (the co-department table has its twin, see migration 0006).
            models.Index(fields=["lead_department", "id"], name="task_dept_id"),
            # The dashboard's closings per month: the closed tasks of the last twelve months, from the index alone.
            models.Index(fields=["status", "completed_at"], name="task_status_completed"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="task_progress_0_100"),
            models.CheckConstraint(
                condition=~Q(status=choices.CLOSED) | Q(completed_at__isnull=False),
                name="task_closed_has_completed_at",
            ),
            models.CheckConstraint(
                condition=Q(report_rule=choices.MONTHLY, report_day__gte=1, report_day__lte=31)
                | Q(report_rule=choices.WEEKLY, report_day__gte=1, report_day__lte=7)
                | Q(report_rule__in=[choices.NONE, choices.BIWEEKLY, choices.MILESTONE], report_day__isnull=True),
                name="task_report_day_fits_rule",
            ),
        ]

    def __str__(self):
        return f"{self.serial} {self.title}"

    def get_absolute_url(self):
        return reverse("tracker:task_detail", args=[self.pk])

    def clean(self):
        """A monthly or weekly rule needs its day; the other rules take none."""
        super().clean()
        if self.report_rule in (choices.NONE, choices.BIWEEKLY, choices.MILESTONE):
            self.report_day = None
        message = self.report_rule_value.check()
        if message:
            raise ValidationError({"report_day": message})

    @property
    def report_rule_value(self):
        """The reporting rule as tracker.cycles reads it."""
        return cycles.ReportRule(self.report_rule, self.report_day, self.deadline)

    @property
    def report_rule_text(self):
        """The rule in words: 每月25日前, 每周五前, ... ('' for none)."""
        return cycles.describe(self.report_rule_value)

    @property
    def needs_assignment(self):
        """True while no lead department is assigned (owner text matched nothing)."""
        return self.lead_department_id is None

    @property
    def is_open(self):
        return self.status in choices.OPEN_STATUSES


class TaskTransition(models.Model):
    """One step of the closed loop: who moved the task from which status to which, and why."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=20, choices=Task.Status.choices)
    to_status = models.CharField("新状态", max_length=20, choices=Task.Status.choices)
    reason = models.TextField("说明", blank=True)
    # The lead department before and after a step that changes it (退回 clears it, 转办 sets it),
    # so the record says who refused the task and to whom it went, whatever the task says now.
    from_department = models.ForeignKey(
        Department, verbose_name="原牵头单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_department = models.ForeignKey(
        Department, verbose_name="新牵头单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "状态流转"
        verbose_name_plural = "状态流转"
        ordering = ["task", "at", "id"]

    def __str__(self):
        return f"{self.task.serial} {self.get_from_status_display()}→{self.get_to_status_display()}"

    @property
    def action_label(self):
        """The action's Chinese name from the workflow table (签收, 销号, ...)."""
        from tracker import workflow

        transition = workflow.get(self.action)
        return transition.label if transition else self.action


PROGRESS_NEWEST_FIRST = ("-date", "-created_at", "-id")


class ProgressUpdate(models.Model):
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="progress_updates")
    date = models.DateField("日期")
    content = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField(
        "完成率（%）", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="progress_reports"
    )
    attachment = models.FileField("附件", upload_to="progress/%Y/%m/", blank=True)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords(verbose_name="进展历史")

    # The newest entry, the one its task shows: by its date, then when it was entered.
    NEWEST_FIRST = PROGRESS_NEWEST_FIRST

    class Meta:
        verbose_name = "工作进展"
        verbose_name_plural = "工作进展"
        ordering = list(PROGRESS_NEWEST_FIRST)
        indexes = [models.Index(fields=["task", "-date", "-created_at"], name="progress_task_latest")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="progress_percent_0_100"),
        ]

    def __str__(self):
        return f"{self.task.serial} {self.date:%Y-%m-%d} {self.percent}%"

    def clean(self):
        """Not dated after today, whoever writes it (the page, the admin and its inline, a command)."""
        try:
            dates.check_not_future(self.date, "进展日期")
        except ValidationError as error:
            raise ValidationError({"date": error}) from None


class Attachment(models.Model):
    """A file attached to a task: evidence for a closing report or a progress entry."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="attachments")
    progress_update = models.ForeignKey(
        ProgressUpdate, verbose_name="所属进展", on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )
    transition = models.ForeignKey(
        TaskTransition, verbose_name="所属流转", on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("类型", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["task", "uploaded_at", "id"]

    def __str__(self):
        return self.name


class Chase(models.Model):
    """A 催办 sent by a supervisor, or a reminder digest sent by the system."""

    class Kind(models.TextChoices):
        CHASE = "chase", "催办"
        REMINDER = "reminder", "到期提醒"

    DEFAULT_MESSAGE = "该任务临近或已超过完成时限，请抓紧办理，并及时在系统中报送工作进展。"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.CHASE)
    tasks = models.ManyToManyField(Task, verbose_name="任务", related_name="chases")
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="接收人", blank=True, related_name="chases_received"
    )
    channel = models.CharField("渠道", max_length=20, default="email")
    message = models.TextField("内容")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发送人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="chases_sent",
    )
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["kind", "sent_at"], name="chase_kind_sent")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sent_at:%Y-%m-%d %H:%M}"


class ExtensionRequest(models.Model):
    """A department's request for a later deadline (延期申请) and the supervisor's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="extension_requests")
    old_deadline = models.DateField("原时限", null=True, blank=True)
    new_deadline = models.DateField("申请时限")
    reason = models.TextField("申请理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("审批状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    comment = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.task.serial} 延期至 {self.new_deadline:%Y-%m-%d}（{self.get_status_display()}）"


class Instruction(models.Model):
    """A leader's or supervisor's instruction (批示), or a department's comment, on a task."""

    class Kind(models.TextChoices):
        INSTRUCTION = "instruction", "领导批示"
        COMMENT = "comment", "意见留言"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="instructions")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    content = models.TextField("内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发表人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "批示与留言"
        verbose_name_plural = "批示与留言"
        ordering = ["task", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.content[:20]}"


class Notice(models.Model):
    """A message in the system for one person about one task: assigned, chased, returned, decided, instructed."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "任务交办"
        CHASED = "chased", "催办"
        RETURNED = "returned", "退回"
        DECLINED = "declined", "退回（不属于本单位）"
        REASSIGNED = "reassigned", "转办"
        SUSPENDED = "suspended", "中止"
        EXTENSION = "extension", "延期审批"
        INSTRUCTION = "instruction", "领导批示"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="notices")
    text = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "系统通知"
        verbose_name_plural = "系统通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_recipient_unread")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text[:30]}"


class NoticeDelivery(models.Model):
    """The outbox: one message for one department's group-chat robot, retried with backoff until sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "已放弃"

    department = models.ForeignKey(Department, verbose_name="单位", on_delete=models.CASCADE,
                                   related_name="notice_deliveries")
    url = models.URLField("机器人地址", max_length=500)
    payload = models.JSONField("消息")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.TextField("最近一次错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "群机器人推送"
        verbose_name_plural = "群机器人推送"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.department} {self.get_status_display()}（{self.attempts} 次）"


class ExportJob(models.Model):
    """导出任务: a large ledger export written by a background job, offered to its requester when ready.

    The filters are kept as the querystring the task list had; the job reads the tasks
    as the requester may see them at the time it runs, writes the .xlsx to the default
    storage (shared by every app server) and records its progress as it goes.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    requested_by = models.ForeignKey(User, verbose_name="申请人", on_delete=models.CASCADE,
                                     related_name="export_jobs")
    params = models.TextField("筛选与版式", blank=True)
    subject = models.CharField("导出范围", max_length=500, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField("任务数", default=0)
    done_rows = models.PositiveIntegerField("已写入行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"导出任务 {self.pk}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        """Progress in whole percent; 100 only once the file is stored."""
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done_rows * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
