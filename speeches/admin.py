"""Admin screens for speeches and their extracted items.

A speech is added through the upload page (it runs the extractor and saves the items
with their spans), so the admin's "add" buttons lead there instead of to a blank form.
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from speeches.models import Speech, SpeechItem, SpeechUpload
from tracker.admin import SaneInputAdmin


class AddThroughUploadMixin:
    """Send the admin's "add" button to the upload page."""

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("speeches:upload")


class SpeechItemInline(admin.TabularInline):
    model = SpeechItem
    extra = 0
    fields = ["order", "marker", "title", "kind", "owner_text", "deadline_text", "parent"]
    readonly_fields = ["parent"]
    show_change_link = True


@admin.register(SpeechUpload)
class SpeechUploadAdmin(SaneInputAdmin, AddThroughUploadMixin, admin.ModelAdmin):
    list_display = ["__str__", "uploaded_by", "uploaded_at", "batch_link"]
    search_fields = ["filename"]

    @admin.display(description="讲话")
    def batch_link(self, obj):
        return format_html('<a href="{}">查看本批讲话</a>', reverse("speeches:upload_detail", args=[obj.pk]))


@admin.register(Speech)
class SpeechAdmin(SaneInputAdmin, AddThroughUploadMixin, admin.ModelAdmin):
    list_display = ["title", "meeting", "speaker", "date", "upload", "uploaded_at", "review_link"]
    list_filter = ["date"]
    search_fields = ["title", "meeting", "speaker"]
    date_hierarchy = "date"
    list_select_related = ["upload"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    inlines = [SpeechItemInline]

    @admin.display(description="审核")
    def review_link(self, obj):
        return format_html('<a href="{}">审核要点</a>', reverse("speeches:review", args=[obj.pk]))


@admin.register(SpeechItem)
class SpeechItemAdmin(SaneInputAdmin, admin.ModelAdmin):
    list_display = ["__str__", "speech", "kind", "owner_text", "deadline_text"]
    list_filter = ["kind"]
    search_fields = ["title", "text", "speech__title"]
    list_select_related = ["speech"]
    autocomplete_fields = ["speech", "parent"]
