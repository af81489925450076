"""Small helpers shared by the test packages."""

import json


def body_of(response):
    """The whole body of a response, also of a streamed one (read to the end, as a server would)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def json_of(response):
    return json.loads(body_of(response))
