"""The desktop face of Discovery: the only package that imports Qt (PySide6).

application.py   start-up: window first, then the store behind it
main_window.py   the window: pages, menus and toolbar, the commands that call the service
engagement_list.py   the list page: filter bar, row count, table, details panel beside it
engagement_table.py  table model and filter proxy over the service's engagement summaries
new_engagement_dialog.py, details_panel.py, messages.py, widgets.py, actions.py: the parts
"""
