"""Pages of the sessions app, one module per area; ``sessions/urls.py`` wires them."""
