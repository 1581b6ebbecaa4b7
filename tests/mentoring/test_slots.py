"""Slots keep their local time across offset changes; rules and bookings remove the right ones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring.slots import Rules, free_slots

CASABLANCA = ZoneInfo("Africa/Casablanca")
PARIS = ZoneInfo("Europe/Paris")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def rules(zone=CASABLANCA, windows=((0, time(10), time(12)),), **overrides):
    values = {
        "zone": zone,
        "windows": tuple(windows),
        "days_off": frozenset(),
        "extra_windows": (),
        "buffer": timedelta(minutes=15),
        "minimum_notice": timedelta(0),
        "horizon": timedelta(days=10_000),
        "daily_maximum": 10,
    }
    values.update(overrides)
    return Rules(**values)


def slots(rule, day, length=30, now=LONG_AGO, booked=()):
    return free_slots(
        rule, length=timedelta(minutes=length), first_day=day, last_day=day, now=now, booked=booked
    )


def test_back_to_back_with_the_break_and_inside_the_window():
    monday = date(2026, 11, 16)
    found = slots(rules(), monday, length=30)
    local = [s.astimezone(CASABLANCA).strftime("%H:%M") for s in found]
    assert local == ["10:00", "10:45", "11:30"]  # 11:30-12:00 fits, a 4th would not


def test_ramadan_moves_the_utc_instant_not_the_local_time():
    # Morocco is on UTC+1, except during Ramadan (UTC+0): 2026-03-02 is a Monday of Ramadan.
    in_ramadan = slots(rules(), date(2026, 3, 2))[0]
    after = slots(rules(), date(2026, 4, 6))[0]
    assert in_ramadan.astimezone(CASABLANCA).hour == after.astimezone(CASABLANCA).hour == 10
    assert (in_ramadan.hour, after.hour) == (10, 9)  # UTC


def test_european_summer_time_for_a_paris_mentor_seen_from_rabat():
    before = slots(rules(zone=PARIS), date(2026, 3, 23))[0]  # Monday before the change
    after = slots(rules(zone=PARIS), date(2026, 3, 30))[0]  # Monday after 29 March
    assert before.astimezone(PARIS).hour == after.astimezone(PARIS).hour == 10
    # In Rabat (UTC+1 then) the session moves from 10:00 to 09:00.
    assert before.astimezone(CASABLANCA).hour == 10
    assert after.astimezone(CASABLANCA).hour == 9


def test_a_local_time_that_does_not_exist_is_skipped():
    # 29 March 2026, 02:00-03:00 does not exist in Paris; a window starting at 02:15 is skipped.
    sunday = date(2026, 3, 29)
    rule = rules(zone=PARIS, windows=((6, time(2, 15), time(4)),))
    assert slots(rule, sunday) == []


def test_existing_bookings_and_their_break_are_respected():
    monday = date(2026, 11, 16)
    first = datetime(2026, 11, 16, 9, 45, tzinfo=UTC)  # 10:45 local
    booked = [(first, first + timedelta(minutes=45))]
    local = [
        s.astimezone(CASABLANCA).strftime("%H:%M") for s in slots(rules(), monday, booked=booked)
    ]
    assert local == ["10:00", "11:30"]


def test_notice_horizon_daily_maximum_days_off_and_extra_windows():
    monday = date(2026, 11, 16)
    ten = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert len(slots(rules(minimum_notice=timedelta(hours=1)), monday, now=ten)) == 1
    assert slots(rules(horizon=timedelta(days=1)), monday, now=ten - timedelta(days=3)) == []
    # The maximum caps the day's sessions, not the slots offered: every free one is offered
    # until the day is full.
    every = slots(rules(), monday)
    assert len(every) > 2 and slots(rules(daily_maximum=2), monday) == every
    booked = [(every[0], every[0] + timedelta(minutes=45))]
    assert slots(rules(daily_maximum=2), monday, booked=booked) == every[1:]
    booked.append((every[-1], every[-1] + timedelta(minutes=45)))
    assert slots(rules(daily_maximum=2), monday, booked=booked) == []
    assert slots(rules(days_off=frozenset({monday})), monday) == []
    tuesday = monday + timedelta(days=1)
    extra = rules(extra_windows=((tuesday, time(15), time(16)),))
    assert [s.astimezone(CASABLANCA).hour for s in slots(extra, tuesday)] == [15]
