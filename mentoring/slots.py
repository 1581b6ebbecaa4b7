"""Free slots of a mentor, computed from their rules: no database access in here.

Everything local (weekly windows, exceptions, "a day") is in the mentor's time zone, read with
zoneinfo, so that Morocco's change of offset during Ramadan and Europe's daylight-saving days
move the slots' UTC instants, never their local times. Returned slots are aware datetimes in
UTC; pages show them in the viewer's time zone.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Rules:
    zone: object  # a ZoneInfo
    windows: tuple  # (weekday, starts: time, ends: time)
    days_off: frozenset  # dates
    extra_windows: tuple  # (date, starts: time, ends: time)
    buffer: timedelta
    minimum_notice: timedelta
    horizon: timedelta
    daily_maximum: int


def _local(day, moment, zone):
    """The instant of `moment` on `day` in `zone`, or None if that local time does not exist
    (the hour skipped when clocks go forward)."""
    candidate = datetime.combine(day, moment, tzinfo=zone)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return None
    return candidate.astimezone(UTC)


def _windows_of(day, rules):
    if day in rules.days_off:
        return []
    weekly = [(s, e) for weekday, s, e in rules.windows if weekday == day.weekday()]
    extra = [(s, e) for d, s, e in rules.extra_windows if d == day]
    return sorted(weekly + extra)


def free_slots(rules, *, length, first_day, last_day, now, booked):
    """Start instants (UTC) of the free sessions of `length` between two local dates.

    `booked` holds the (starts_at, blocked_until) intervals already taken (held and missed
    sessions too: they count toward the daily maximum); a slot is free when its session plus
    the mentor's break overlaps none of them, on a day that has not reached the maximum.
    Slots start back to back (session then break) from the start of each window, and end
    within it.
    """
    booked = sorted(booked)
    earliest = now + rules.minimum_notice
    latest = now + rules.horizon
    slots = []
    day = first_day
    while day <= last_day:
        taken_today = sum(1 for start, _end in booked if start.astimezone(rules.zone).date() == day)
        if taken_today >= rules.daily_maximum:
            # The maximum caps the sessions of a day; below it every free slot is offered.
            day += timedelta(days=1)
            continue
        day_slots = []
        for window_start, window_end in _windows_of(day, rules):
            start = _local(day, window_start, rules.zone)
            end = _local(day, window_end, rules.zone)
            if start is None or end is None:
                continue
            while start + length <= end:
                blocked = start + length + rules.buffer
                overlaps = any(s < blocked and start < e for s, e in booked)
                if earliest <= start <= latest and not overlaps:
                    day_slots.append(start)
                start = start + length + rules.buffer
        slots.extend(day_slots)
        day += timedelta(days=1)
    return slots


def rules_for(mentor, *, exceptions, windows):
    """Rules from a MentorProfile and its (already fetched) windows and exceptions."""
    return Rules(
        zone=mentor.zone,
        windows=tuple((w.weekday, w.starts, w.ends) for w in windows),
        days_off=frozenset(e.date for e in exceptions if e.starts is None),
        extra_windows=tuple((e.date, e.starts, e.ends) for e in exceptions if e.starts is not None),
        buffer=timedelta(minutes=mentor.buffer_minutes),
        minimum_notice=timedelta(hours=mentor.minimum_notice_hours),
        horizon=timedelta(days=mentor.booking_horizon_days),
        daily_maximum=mentor.daily_maximum,
    )


__all__ = ["Rules", "free_slots", "rules_for"]
