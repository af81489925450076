from django import template

register = template.Library()


@register.filter
def duration(seconds):
    """Whole seconds as h:mm:ss (or m:ss under an hour); empty for no value."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
