"""Success messages that carry an "Undo" button (a tiny POST form) to restore what was deleted."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.utils.html import format_html


def deleted_with_undo(request, text, restore_url):
    messages.success(
        request,
        format_html(
            '{} <form method="post" action="{}" class="inline undo">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="link">Undo</button></form>',
            text,
            restore_url,
            get_token(request),
        ),
        extra_tags="undo",
    )
