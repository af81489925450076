import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Theme(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Profile(models.Model):
    """Per-user preferences: the time zone times are shown in, and the colour theme."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.LIGHT)

    class Meta:
        db_table = "user_profiles"

    def __str__(self):
        return f"Preferences of {self.user}"

    @classmethod
    def for_user(cls, user):
        profile, _ = cls.objects.get_or_create(user=user)
        return profile
