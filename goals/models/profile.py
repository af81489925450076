import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Theme(models.TextChoices):
    SYSTEM = "system", "Follow the system"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class WeekStart(models.IntegerChoices):
    """The first day of the user's week, numbered as ``date.weekday()`` numbers days."""

    MONDAY = 0, "Monday"
    SUNDAY = 6, "Sunday"


class TreeView(models.TextChoices):
    """How the tree page shows a fractal: the indented list or the node-link map."""

    LIST = "list", "List"
    MAP = "map", "Map"


class MapLayout(models.TextChoices):
    TOP_DOWN = "top-down", "Top-down"
    RADIAL = "radial", "Radial"


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Profile(models.Model):
    """Per-user preferences (time zone, first day of the week, colour theme), the verified email and
    the calendar feed key."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.SYSTEM)
    # The address a verification link was followed for; mail goes only to the user's email while
    # it still equals this one (changing the email un-verifies it).
    verified_email = models.EmailField(blank=True, default="")
    # The secret in the private calendar feed URL; empty when the feed is off.
    calendar_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    week_start = models.PositiveSmallIntegerField(
        choices=WeekStart.choices, default=WeekStart.MONDAY, help_text="Weeks in analytics start on this day."
    )
    # The tree page's last chosen view and map shape, remembered per user.
    tree_view = models.CharField(max_length=10, choices=TreeView.choices, default=TreeView.LIST)
    map_layout = models.CharField(max_length=10, choices=MapLayout.choices, default=MapLayout.TOP_DOWN)

    class Meta:
        db_table = "user_profiles"

    def __str__(self):
        return f"Preferences of {self.user}"

    @property
    def email_is_verified(self):
        email = self.user.email
        return bool(email) and email.casefold() == self.verified_email.casefold()

    def rotate_calendar_token(self):
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])
        return self.calendar_token

    def revoke_calendar_token(self):
        self.calendar_token = None
        self.save(update_fields=["calendar_token"])

    @classmethod
    def for_user(cls, user):
        profile, _ = cls.objects.get_or_create(user=user)
        return profile
