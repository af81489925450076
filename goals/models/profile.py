import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Theme(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class WeekStart(models.IntegerChoices):
    """The first day of the user's week, numbered as ``date.weekday()`` numbers days."""

    MONDAY = 0, "Monday"
    SUNDAY = 6, "Sunday"


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Profile(models.Model):
    """Per-user preferences: the time zone times are shown in, the first day of the week, the theme."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.LIGHT)
    week_start = models.PositiveSmallIntegerField(
        choices=WeekStart.choices, default=WeekStart.MONDAY, help_text="Weeks in analytics start on this day."
    )

    class Meta:
        db_table = "user_profiles"

    def __str__(self):
        return f"Preferences of {self.user}"

    @classmethod
    def for_user(cls, user):
        profile, _ = cls.objects.get_or_create(user=user)
        return profile
