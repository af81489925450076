"""API keys: ``Authorization: Token <key>``, checked against the stored hash."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from goals.models import ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.find(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return (token.user, token)
