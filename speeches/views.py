"""Pages from a speech to tasks: upload, the batch an upload made, review, confirm.

The views wire forms to ``speeches.services`` (writes) and ``speeches.selectors``
(reads); who may use them is ``tracker.permissions.can_import_speech``.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from speeches import selectors, services
from speeches.forms import ItemDecisionForm, SpeechReportRuleForm, SpeechUploadForm
from speeches.models import Speech, SpeechUpload
from speeches.parsing.document import ExtractionError
from tracker import permissions
from tracker.pages import render_page


def _require_importer(user):
    if not permissions.can_import_speech(user):
        raise PermissionDenied("只有督查员可以导入讲话、生成任务。")


@login_required
def upload(request):
    """Take a file or pasted text; on success show the speech (or the batch, when several)."""
    _require_importer(request.user)
    form = SpeechUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            batch = services.speech_import(
                data=file.read() if file else None,
                text=None if file else form.cleaned_data["text"],
                filename=file.name if file else "",
                meeting=form.cleaned_data["meeting"], speaker=form.cleaned_data["speaker"],
                date=form.cleaned_data["date"], uploaded_by=request.user,
            )
        except services.AlreadyImported as known:
            messages.warning(request, str(known))
            return redirect("speeches:review", pk=known.speeches[0].pk)
        except ExtractionError as error:
            form.add_error(None, str(error))
        else:
            speeches = list(batch.speeches.order_by("position"))
            items = sum(s.items.count() for s in speeches)
            if batch.already_imported:
                messages.warning(request, "其中 " + "、".join(f"《{s.title}》" for s in batch.already_imported)
                                 + " 已导入过，未重复导入。")
            messages.success(request, f"已识别 {len(speeches)} 篇讲话、{items} 个要点，请逐篇审核后确认生成任务。")
            if len(speeches) == 1:
                return redirect("speeches:review", pk=speeches[0].pk)
            return redirect("speeches:upload_detail", pk=batch.pk)
    return render_page(request, "speeches/upload.html", {
        "form": form, "title": "上传讲话", "limits": services.speech_limits(),
    })


def bad_request(request, exception):
    """The 400 page. A post over DATA_UPLOAD_MAX_MEMORY_SIZE (in practice a pasted speech) learns the limits."""
    context = {}
    if isinstance(exception, RequestDataTooBig):
        context = {"too_large": True, "limits": services.speech_limits(),
                   "max_post": services.size_text(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    return HttpResponseBadRequest(render_to_string("400.html", context))


@login_required
def upload_detail(request, pk):
    """The speeches one upload yielded, so the supervisor reviews them one after another."""
    _require_importer(request.user)
    try:
        batch = selectors.upload_get(pk=pk)
    except SpeechUpload.DoesNotExist:
        raise Http404("没有这个上传批次。")
    return render_page(request, "speeches/upload_detail.html", {
        "batch": batch, "speeches": selectors.upload_speeches(upload=batch), "title": f"上传批次：{batch}",
    })


@login_required
def review(request, pk):
    """The outline beside the source text, with the proposed tasks preselected."""
    _require_importer(request.user)
    speech = _get_speech(pk)
    rows, choices = _rows_and_choices(speech)
    # Once the speech has been confirmed, the items left without a task were left out on
    # purpose: proposing them again would let a second click create what was unticked.
    confirmed_before = any(row.task or row.repeat for row in rows)
    for row in rows:
        row.form = None if (row.task or row.repeat) else ItemDecisionForm(
            prefix=f"item-{row.item.pk}", department_choices=choices, duplicate_of=_flagged(row),
            initial=_initial(row.proposal, include=row.proposal.include and not confirmed_before))
    return _render_review(request, speech, rows)


@login_required
@require_POST
def confirm(request, pk):
    """Create the tasks of the checked items; show the page again with errors if a field is wrong."""
    _require_importer(request.user)
    speech = _get_speech(pk)
    rows, choices = _rows_and_choices(speech)
    departments = {d.pk: d for d in selectors.department_choices()}
    for row in rows:
        row.form = None if (row.task or row.repeat) else ItemDecisionForm(
            request.POST, prefix=f"item-{row.item.pk}", department_choices=choices, duplicate_of=_flagged(row))
    open_rows = [row for row in rows if row.form is not None]
    rule_form = SpeechReportRuleForm(request.POST)
    if not all([rule_form.is_valid(), *(row.form.is_valid() for row in open_rows)]):
        messages.error(request, "有条目填写有误，请按提示修改后再确认。")
        return _render_review(request, speech, rows, rule_form=rule_form)
    decisions = [_decision(row, departments) for row in open_rows
                 if row.form.cleaned_data["include"] and row.form.cleaned_data.get("duplicate") != "skip"]
    try:
        created = services.speech_confirm(speech=speech, decisions=decisions, confirmed_by=request.user,
                                          report_rule=rule_form.cleaned_data["report_rule"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return _render_review(request, speech, rows, rule_form=rule_form)
    if created.linked:
        messages.info(request, f"已将 {len(created.linked)} 个要点作为重复指示关联到已有任务："
                               + "、".join(link.task.serial for link in created.linked) + "。")
    if created:
        undated = sum(1 for t in created if t.deadline is None)
        unassigned = sum(1 for t in created if t.lead_department_id is None)
        note = ""
        if undated or unassigned:
            note = f"其中 {undated} 项未能识别完成时限、{unassigned} 项待指定牵头单位，请在“待补充的任务”中逐项补充。"
        messages.success(request, f"已生成 {len(created)} 项督办任务。{note}")
    elif not created.linked:
        messages.warning(request, "没有生成新任务：未勾选条目，或所选条目已生成过任务。")
    return redirect(reverse("speeches:review", args=[speech.pk]) + "#result")


def _get_speech(pk) -> Speech:
    try:
        return selectors.speech_get(pk=pk)
    except Speech.DoesNotExist:
        raise Http404("没有这篇讲话。")


def _rows_and_choices(speech):
    """The review rows, each with ``duplicate`` (a DuplicateFlag or None), and the department choices."""
    departments = selectors.department_choices()
    rows = selectors.speech_review_rows(speech=speech, index=selectors.department_index(departments))
    flags = selectors.speech_duplicate_flags(speech=speech, rows=rows)
    for row in rows:
        row.duplicate = flags.get(row.item.pk)
    return rows, [(d.pk, d.name) for d in departments]


def _flagged(row):
    return row.duplicate.task if row.duplicate else None


def _initial(proposal, *, include) -> dict:
    return {
        "include": include, "title": proposal.title, "category": proposal.category,
        "lead_department": proposal.lead_id or "", "co_departments": list(proposal.co_ids),
        "responsible_person": proposal.responsible_person,
        "deadline": proposal.deadline,
    }


def _decision(row, departments) -> services.ItemDecision:
    data = row.form.cleaned_data
    if row.duplicate and data.get("duplicate") == "link":
        return services.ItemDecision(item_id=row.item.pk, title=data["title"].strip(),
                                     repeat_of_task_id=row.duplicate.task.pk, repeat_score=row.duplicate.score)
    lead = departments.get(data["lead_department"]) if data["lead_department"] else None
    return services.ItemDecision(
        item_id=row.item.pk, title=data["title"].strip(), category=data["category"], lead_department=lead,
        co_departments=[departments[i] for i in data["co_departments"] if i in departments],
        owner_text=row.proposal.owner_text, deadline=data["deadline"],
        responsible_person=data["responsible_person"].strip(),
        # The speech's phrase only describes the date the proposal resolved; a date typed in stands alone.
        deadline_text=row.proposal.deadline_text if data["deadline"] in (None, row.proposal.deadline) else "",
    )


def _render_review(request, speech, rows, rule_form=None):
    siblings = []
    if speech.upload_id:
        siblings = list(speech.upload.speeches.order_by("position").only("pk", "title", "position"))
    for row in rows:
        bound = row.form is not None and row.form.is_bound
        row.included = row.form is not None and (
            row.form["include"].value() if bound else row.proposal.include)
    return render_page(request, "speeches/review.html", {
        "speech": speech, "rows": rows, "siblings": siblings if len(siblings) > 1 else [],
        "to_complete": selectors.speech_tasks_to_complete(speech=speech),
        "warnings": selectors.speech_review_warnings(rows=rows),
        "rule_form": rule_form or SpeechReportRuleForm(),
        "proposed_count": sum(1 for r in rows if r.included),
        "duplicate_count": sum(1 for r in rows if getattr(r, "duplicate", None) and r.form is not None),
        "task_count": sum(1 for r in rows if r.task),
        "title": "审核讲话要点", "subtitle": speech.title,
    })
