from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import ApiToken, Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has preferences, so pages never need to ask whether they exist."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """A new password (change, reset, admin, ``changepassword``) or a disabled one ends API access.

    ``set_password`` leaves the raw password in ``_password`` until the save; Django's transparent
    re-hash on sign-in clears it first, so an upgraded hash of the same password revokes nothing.
    """
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    instance._revoke_api_token = getattr(instance, "_password", None) is not None or (
        not instance.has_usable_password()
        and sender.objects.filter(pk=instance.pk).exclude(password=instance.password).exists()
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_api_token_after_password_change(sender, instance, created, raw=False, **kwargs):
    if getattr(instance, "_revoke_api_token", False):
        instance._revoke_api_token = False
        ApiToken.objects.revoke(instance)
