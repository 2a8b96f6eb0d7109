"""A select box rendered in Python, for filter forms shown on every list page.

Django renders each <option> through a template; with a hundred departments in two
filter boxes that is most of a list page's rendering time. The HTML is the same
(tests/tracker/test_widgets.py compares the two box by box).
"""
from html import escape as html_escape

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django_filters.widgets import BaseCSVWidget


def text(value):
    """Escape ``value`` for HTML as Django's conditional_escape does (safe strings pass as they are).

    Django's escape goes through its lazy-string wrapper on every call; a list page escapes
    some thousand values, so the plain function of the standard library does it here.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        # Django's Select.optgroups, without the per-option dicts: the first option whose value
        # matches is the selected one; a choice whose label is a list is an <optgroup>.
        wanted = set(self.format_value(value))
        has_selected = False
        options = []
        for group_value, group_label in self.choices:  # iterated once: a query for model choices
            if group_value is None:
                group_value = ""
            grouped = isinstance(group_label, (list, tuple))
            rendered = []
            for option_value, option_label in (group_label if grouped else [(group_value, group_label)]):
                selected = not has_selected and str(option_value) in wanted
                has_selected |= selected
                rendered.append(f'<option value="{html_escape(str(option_value))}"{" selected" if selected else ""}>'
                                f'{text(option_label)}</option>')
            options.append(f'<optgroup label="{text(group_value)}">{"".join(rendered)}</optgroup>' if grouped
                           else "".join(rendered))
        attributes = "".join(
            f' {text(key)}' if val is True else f' {text(key)}="{text(val)}"'
            for key, val in self.build_attrs(self.attrs, attrs).items() if val not in (None, False)
        )
        return mark_safe(f'<select name="{text(name)}"{attributes}>{"".join(options)}</select>')


class QuickCSVSelect(BaseCSVWidget, QuickSelect):
    """django-filter's CSVSelect (the 排序 box) drawn by QuickSelect: one value is a select box,
    several fall back to django-filter's own text input, as before."""


def quick_class(widget):
    """Return the quick class drawing ``widget`` the same way, or None for a widget left as it is."""
    if type(widget) is forms.Select:
        return QuickSelect
    if type(widget).__bases__ == (BaseCSVWidget, forms.Select):  # django-filter builds CSVSelect on the fly
        return QuickCSVSelect
    return None


def attributes_html(attrs):
    """Django's forms/attrs.html and forms/widgets/attrs.html: `` name="value"``, a bare name for True."""
    return "".join(f" {text(key)}" if value is True else f' {text(key)}="{text(value)}"'
                   for key, value in (attrs or {}).items() if value is not False)


def input_html(widget):
    """Django's forms/widgets/input.html for the context of one widget."""
    value = "" if widget["value"] is None else f' value="{text(widget["value"])}"'
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}{attributes_html(widget["attrs"])}>'


INPUT_TEMPLATES = {"django/forms/widgets/text.html", "django/forms/widgets/date.html"}  # each: input.html, a newline


def label_html(context):
    """Django's forms/label.html: the label in its tag when the field has an id, else the bare label."""
    if not context["use_tag"]:
        return str(text(context["label"]))
    tag = text(context["tag"])
    return f'<{tag}{attributes_html(context["attrs"])}>{text(context["label"])}</{tag}>'


def range_html(context):
    """django-filter's widgets/multiwidget.html (the 完成时限 and 创建日期 ranges): the inputs joined by "-"."""
    subwidgets = context["widget"]["subwidgets"]
    if any(sub["template_name"] not in INPUT_TEMPLATES for sub in subwidgets):
        return None
    return "".join(input_html(sub) + "\n\n" + ("-" if i == 0 else "") for i, sub in enumerate(subwidgets))


PYTHON_TEMPLATES = {
    "django/forms/label.html": label_html,
    "django_filters/widgets/multiwidget.html": range_html,
    **{name: lambda context: input_html(context["widget"]) for name in INPUT_TEMPLATES},
}


class QuickRenderer(DjangoTemplates):
    """Django's form renderer, with the filter form's labels, text and date inputs and date ranges
    written in Python: a dozen small templates with their includes were a tenth of a list page.
    The HTML is Django's (the renderer strips the outer whitespace either way); any other
    template goes to Django as before."""

    def render(self, template_name, context, request=None):
        draw = PYTHON_TEMPLATES.get(template_name)
        html = draw(context) if draw else None
        return super().render(template_name, context, request) if html is None else html.strip()


QUICK_RENDERER = QuickRenderer()


def quicken(form):
    """Swap the single-choice select boxes of ``form`` for QuickSelect (same HTML, rendered faster),
    and draw its labels and inputs with QuickRenderer."""
    form.renderer = QUICK_RENDERER
    for field in form.fields.values():
        widget = field.widget
        kind = quick_class(widget)
        if kind:
            quick = kind(attrs=widget.attrs)
            quick.choices = widget.choices
            quick.is_required = widget.is_required
            field.widget = quick
    return form
