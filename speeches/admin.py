"""Admin screens for speeches and their extracted items."""
from django.contrib import admin

from speeches.models import Speech, SpeechItem, SpeechUpload


class SpeechItemInline(admin.TabularInline):
    model = SpeechItem
    extra = 0
    fields = ["order", "marker", "title", "kind", "owner_text", "deadline_text", "parent"]
    readonly_fields = ["parent"]
    show_change_link = True


@admin.register(SpeechUpload)
class SpeechUploadAdmin(admin.ModelAdmin):
    list_display = ["__str__", "uploaded_by", "uploaded_at"]
    search_fields = ["filename"]


@admin.register(Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "speaker", "date", "upload", "uploaded_at"]
    list_filter = ["date"]
    search_fields = ["title", "meeting", "speaker"]
    date_hierarchy = "date"
    list_select_related = ["upload"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    inlines = [SpeechItemInline]


@admin.register(SpeechItem)
class SpeechItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speech", "kind", "owner_text", "deadline_text"]
    list_filter = ["kind"]
    search_fields = ["title", "text", "speech__title"]
    list_select_related = ["speech"]
    autocomplete_fields = ["speech", "parent"]
