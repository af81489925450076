"""Every bad input becomes a JSON 4xx: model ValidationErrors and constraint races included."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback


def django_error_detail(error):
    """The field → messages dict (or message list) of a Django ValidationError, DRF style."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, IntegrityError):
        # A unique or check constraint lost a race with another request: nothing was written.
        set_rollback()
        return Response(
            {api_settings.NON_FIELD_ERRORS_KEY: ["This conflicts with existing data; reload and try again."]},
            status=status.HTTP_409_CONFLICT,
        )
    return exception_handler(exc, context)
