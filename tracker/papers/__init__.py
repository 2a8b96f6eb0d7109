"""Word papers (.docx) drawn from the tracker: 任务分解表, 督办通知单 and 督办通报.

``layout`` lays a page out after GB/T 9704-2012; ``breakdown``, ``notice`` and
``bulletin`` write one paper each from plain data (no Django); ``selectors`` reads
that data from the database, scoped to what the user may see; the views, the
admin action and the commands only wire them together.
"""
