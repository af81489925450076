"""The API's JSON parser: a body nested too deeply is a 400 parse error (never a RecursionError),
and a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413, as Django refuses an oversized form."""

import io

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# Far deeper than any body of ours (a few levels), far below the interpreter's recursion limit
# that the decoder and the serializers would otherwise hit.
MAX_JSON_DEPTH = 32


class RequestBodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def json_depth_exceeds(value, limit):
    """True when ``value`` nests lists/objects more than ``limit`` levels (iterative, no recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def read_limited(stream, parser_context):
    """The body's bytes, refusing more than Django's upload limit (declared or actually sent)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    request = (parser_context or {}).get("request")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except ValueError:
        declared = 0
    too_large = RequestBodyTooLarge(f"The request body is larger than {limit} bytes.")
    if declared > limit:
        raise too_large
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = read_limited(stream, parser_context)
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = json_depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
