"""A select box rendered in Python, for filter forms shown on every list page.

Django renders each <option> through a template; with a hundred departments in two
filter boxes that is most of a list page's rendering time. The HTML is the same.
"""
from django import forms
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        selected = {str(v) for v in context["value"]}
        options = []
        for group_name, group_choices, _ in context["optgroups"]:  # built once: a query for model choices
            rendered = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((option["value"], mark_safe(" selected") if str(option["value"]) in selected else "", option["label"])
                 for option in group_choices),
            )
            options.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                           if group_name else rendered)
        attributes = "".join(
            f' {escape(key)}' if val is True else f' {escape(key)}="{escape(val)}"'
            for key, val in context["attrs"].items() if val not in (None, False)
        )
        return mark_safe(f'<select name="{escape(context["name"])}"{attributes}>{"".join(options)}</select>')


def quicken(form):
    """Swap the single-choice select boxes of ``form`` for QuickSelect (same HTML, rendered faster)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs)
            quick.choices = widget.choices
            quick.is_required = widget.is_required
            field.widget = quick
    return form
