import hashlib
import secrets

from django.conf import settings
from django.db import models

# Shown in Settings so the user can tell which key a script holds; too short to help a guesser.
PREFIX_LENGTH = 6


def hash_key(key):
    """The stored form of an API key. Keys are 160+ random bits, so an unsalted SHA-256 is enough:
    nobody can brute-force one back, and a lookup stays one indexed query."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def revoke(self, user):
        return self.filter(user=user).delete()


class ApiToken(models.Model):
    """A user's personal API key. Only its hash is stored; the key itself is shown once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        db_table = "api_tokens"
        verbose_name = "API token"

    def __str__(self):
        return f"API token {self.prefix}… of {self.user}"

    @classmethod
    def issue(cls, user):
        """Replace the user's token with a new one; returns (token, key). The key is not kept."""
        key = secrets.token_hex(20)
        cls.objects.filter(user=user).delete()
        token = cls.objects.create(user=user, key_hash=hash_key(key), prefix=key[:PREFIX_LENGTH])
        return token, key

    @classmethod
    def find(cls, key):
        """The live token whose key is ``key``, with its user, or None."""
        return cls.objects.select_related("user").filter(key_hash=hash_key(key)).first()
