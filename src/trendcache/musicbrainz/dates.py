"""How well two (possibly partial) release dates agree: one part of a candidate's score."""

from __future__ import annotations

from datetime import date


def date_agreement(ours: str, theirs: str | None) -> float:
    """How well two release dates agree, compared at the coarser of their precisions.

    Exact days: same day 1.0, within a week 0.8, two weeks 0.6 (a digital release's date
    rarely drifts further), a month 0.4, a year 0.2, else 0. Months: same month 0.8 (1.0
    when both know only the month), neighbouring 0.6. Years: same year 0.6 (1.0 when both
    know only the year). Unknown: 0.5. With the search bar at 0.5 an
    artist's same-titled single from last month is not this week's.
    """
    first, second = _day(ours), _day(theirs)
    if first is None or second is None or theirs is None:
        return 0.5
    ours_precision, theirs_precision = len(ours.split("-")), len(theirs.split("-"))
    precision = min(ours_precision, theirs_precision)
    alike = ours_precision == theirs_precision  # both say exactly as much
    if precision == 1:
        return (1.0 if alike else 0.6) if first.year == second.year else 0.0
    if precision == 2:
        months = abs((first.year - second.year) * 12 + first.month - second.month)
        return (1.0 if alike else 0.8) if months == 0 else 0.6 if months == 1 else 0.0
    apart = abs((first - second).days)
    for days, value in ((0, 1.0), (7, 0.8), (14, 0.6), (31, 0.4), (366, 0.2)):
        if apart <= days:
            return value
    return 0.0


def _day(text: str | None) -> date | None:
    """The first day a (possibly partial) YYYY[-MM[-DD]] date can mean."""
    if not text:
        return None
    parts = [int(part) for part in text.split("-")[:3] if part.isdigit()]
    if not parts:
        return None
    try:
        return date(parts[0], *(parts[1:] or [1]), *([1] if len(parts) < 3 else []))
    except ValueError:
        return None
