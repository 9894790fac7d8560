"""Which source listed an album first, and by how much, in words: "Spotify 3 weeks earlier".

(The album page's `pipeline/history/lead.py` says the same of one album; this one words the
statistics' "On both" list, from two moments it already holds.)
"""

from __future__ import annotations

from datetime import timedelta

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)


def span_words(gap: timedelta) -> str:
    """A positive gap, rounded down to its largest whole unit: hours below a day, days below
    two weeks, weeks from then on."""
    if gap < DAY:
        count, unit = gap // HOUR, "hour"
    elif gap < 2 * WEEK:
        count, unit = gap // DAY, "day"
    else:
        count, unit = gap // WEEK, "week"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def lead_sentence(first: str, second: str, lead: timedelta) -> str:
    """`first` listed it `lead` before `second` (a negative lead: after): who was earlier,
    by how much; within the hour, "the same hour"."""
    if abs(lead) < HOUR:
        return f"{first} and {second} within the same hour"
    earlier = first if lead > timedelta(0) else second
    return f"{earlier} {span_words(abs(lead))} earlier"
