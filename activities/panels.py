"""Sections that apps above this one add to an activity's page.

The activity page belongs to this app, but what is recorded for an activity (its personal
records) belongs to the sessions app, which may import this one and not the other way round.
So the sessions app registers a panel here when it starts, and the page shows what it renders.
"""

_providers = []


def register_activity_panel(provider):
    """``provider(request, fractal, definition)`` returns HTML (a rendered template) or ""."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def activity_panels(request, fractal, definition):
    return [html for html in (provider(request, fractal, definition) for provider in _providers) if html]
