"""Error pages that answer JSON under ``/api/`` and the usual HTML everywhere else.

Django produces these before DRF is reached: a path the URL patterns do not match (a non-UUID
id), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` read by Django itself, an uncaught error.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def is_api_request(request):
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return JsonResponse({"detail": f"The request body is larger than {limit} bytes."}, status=413)
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api_request(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api_request(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api_request(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
