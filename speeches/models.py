"""Speeches and the items the extractor found in them.

An upload may hold several speeches (a collection); ``SpeechUpload`` groups the
speeches that came from one file so the supervisor sees where they came from.
Item offsets point into ``Speech.text``.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class SpeechUpload(models.Model):
    """One file or pasted text handed in by a supervisor."""

    file = models.FileField("原始文件", upload_to="speeches/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "讲话上传批次"
        verbose_name_plural = "讲话上传批次"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.filename or f"粘贴文本（{self.uploaded_at:%Y-%m-%d %H:%M}）"


class Speech(models.Model):
    upload = models.ForeignKey(
        SpeechUpload, verbose_name="上传批次", on_delete=models.CASCADE, null=True, blank=True,
        related_name="speeches",
    )
    position = models.PositiveIntegerField("批次内序号", default=1)
    title = models.CharField("标题", max_length=300)
    speaker = models.CharField("讲话人", max_length=100, blank=True)
    meeting = models.CharField("会议名称", max_length=200, blank=True)
    date = models.DateField("讲话日期", null=True, blank=True)
    original_file = models.FileField("原始文件", upload_to="speeches/%Y/%m/", blank=True)
    text = models.TextField("全文")
    # The SHA-256 of the text with all blank space removed (speeches.services.content_hash):
    # the same speech uploaded again, as the same file or another format of it, has the same hash.
    content_hash = models.CharField("内容指纹", max_length=64, blank=True, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="uploaded_speeches",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "讲话"
        verbose_name_plural = "讲话"
        ordering = ["-date", "-uploaded_at", "position", "-id"]
        indexes = [models.Index(fields=["meeting"], name="speech_meeting")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The review page: the outline beside the text, where items become tasks."""
        return reverse("speeches:review", args=[self.pk])


class SpeechItem(models.Model):
    class Kind(models.TextChoices):
        DIRECTIVE = "directive", "工作部署"
        PROBLEM = "problem", "问题不足"
        ACHIEVEMENT = "achievement", "工作成效"
        OTHER = "other", "其他"

    speech = models.ForeignKey(Speech, verbose_name="讲话", on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", verbose_name="上级要点", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    order = models.PositiveIntegerField("顺序")
    level = models.PositiveSmallIntegerField("层级", default=0)
    marker = models.CharField("序号标记", max_length=20)
    title = models.CharField("标题", max_length=500)
    text = models.TextField("全文")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.OTHER)
    owner_text = models.CharField("责任主体", max_length=300, blank=True)
    # each owner's part as the extractor read it: [{"name": "市财政局", "role": "co"}, …],
    # role lead (牵头), co (配合) or person (责任人); see speeches/parsing/README.md §6
    owner_roles = models.JSONField("责任分工", default=list, blank=True)
    deadline_text = models.CharField("时限", max_length=100, blank=True)
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")

    class Meta:
        verbose_name = "讲话要点"
        verbose_name_plural = "讲话要点"
        ordering = ["speech", "order"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "order"], name="item_unique_order"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="item_end_after_start"),
        ]

    def __str__(self):
        return f"{self.marker}{self.title}"

    @property
    def owners(self):
        """Return the owner spans, stored one per line."""
        return [line for line in self.owner_text.splitlines() if line.strip()]

    @property
    def deadlines(self):
        return [line for line in self.deadline_text.splitlines() if line.strip()]


class RepeatedInstruction(models.Model):
    """An item of a later speech that gives again a directive already tracked as a task (再次强调).

    The supervisor links it on the review page instead of creating a second task, so the
    task shows every speech that gave it and no department gets the same work twice.
    """

    task = models.ForeignKey("tracker.Task", verbose_name="任务", on_delete=models.CASCADE,
                             related_name="repeated_instructions")
    item = models.OneToOneField(SpeechItem, verbose_name="讲话要点", on_delete=models.PROTECT,
                                related_name="repeat_of")  # the task's record of every speech that gave it
    score = models.FloatField("相似度", default=0)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="关联人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    linked_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = "重复指示"
        verbose_name_plural = "重复指示"
        ordering = ["task", "linked_at", "id"]

    def __str__(self):
        return f"{self.item} → {self.task.serial}"
