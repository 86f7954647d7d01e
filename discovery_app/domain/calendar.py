"""Dates from the plan's weeks: the one place a week number becomes a calendar date.

The plan (:mod:`.plan`) schedules in weeks from 1. Given the day work starts, week ``n`` starts
``start + 7 * (n - 1)`` days later and ends on the Friday of that week (a working week of five
days from a Monday start; from another weekday it ends four days after it starts). The
workbook, the export packs and any document that prints dates read them from here.
"""

from __future__ import annotations

from datetime import date, timedelta

WORKING_DAYS = 5


def next_monday(day: date) -> date:
    """The first Monday after ``day`` (a Monday gives the Monday a week later): the default
    start of delivery after a proposal issued on ``day``."""
    return day + timedelta(days=7 - day.weekday())


def week_start(start: date, week: int) -> date:
    """The first day of plan week ``week`` (1-based) when work starts on ``start``."""
    if week < 1:
        raise ValueError(f"plan weeks start at 1, not {week}")
    return start + timedelta(days=7 * (week - 1))


def week_end(start: date, week: int) -> date:
    """The last working day of plan week ``week``: four days after it starts."""
    return week_start(start, week) + timedelta(days=WORKING_DAYS - 1)


def span(start: date, first_week: int, last_week: int) -> tuple[date, date]:
    """(start date, end date) of work planned from ``first_week`` to ``last_week`` inclusive."""
    return week_start(start, first_week), week_end(start, last_week)
