"""Small steps the journeys share: they wait for what a click leads to, never for a time."""
import re

WIDE = 1400  # the window the journeys run in
NARROW = 1024  # the narrow window the task list and the review page must also fit


def submit(page, selector):
    """Click a button or link and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def table_column(page, table, header):
    """The texts of one column of a product table, found by its header (so a moved column does not fool us)."""
    headers = [text.strip().rstrip("▲▼") for text in page.locator(f"{table} thead th").all_inner_texts()]
    index = headers.index(header) + 1
    return [text.strip() for text in page.locator(f"{table} tbody tr td:nth-child({index})").all_inner_texts()]


def kpi(page, label):
    """A number of the dashboard's status boxes, by the label under it (the signal boxes wear badges)."""
    box = (page.locator(".duban-kpi").filter(has_not=page.locator(".badge"))
           .filter(has=page.locator(".label", has_text=re.compile(f"^{label}$"))))
    return int(box.locator(".value").inner_text())
