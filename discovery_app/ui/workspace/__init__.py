"""The engagement workspace: a navigator of sections and one page per section.

The shell every page shares sits at this level: ``view`` (the workspace), ``page`` (the page
contract), ``page_parts``, ``navigator``, ``summary_panel``, ``find_dialog``, ``timer``, ``undo``,
``table_models`` and ``registry`` (which pages, in which order). Each feature keeps its page,
models and dialogs in its own folder: ``interview/`` (client & sites, fit, the questionnaire),
``inventory/``, ``standards/``, ``risks/``, ``remediation/``, ``offer/`` (responsibilities and
pricing) and ``review/`` (readiness and export). Tests mirror it under ``tests/ui/workspace/``.
"""
