import datetime as dt

import pytest
from django.utils import timezone

from rtis.config import clock
from rtis.lib.env import SettingError, env_date


def test_it_follows_the_calendar_when_no_day_is_fixed(settings):
    settings.RTIS_TODAY = None
    assert clock.today() == timezone.localdate()


def test_a_fixed_day_is_today_everywhere_and_keeps_the_time_of_day(settings):
    settings.RTIS_TODAY = dt.date(2021, 11, 15)
    assert clock.today() == dt.date(2021, 11, 15)
    now = clock.now()
    assert now.date() == dt.date(2021, 11, 15)
    assert timezone.is_aware(now)


def test_env_date_reads_iso_days_and_names_the_variable_on_bad_input():
    assert env_date("RTIS_TODAY", {"RTIS_TODAY": "2021-11-15"}) == dt.date(2021, 11, 15)
    assert env_date("RTIS_TODAY", {}) is None
    assert env_date("RTIS_TODAY", {"RTIS_TODAY": " "}) is None
    with pytest.raises(SettingError, match="RTIS_TODAY"):
        env_date("RTIS_TODAY", {"RTIS_TODAY": "2021-13-01"})
