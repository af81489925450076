from django.urls import path

from . import views

fractal = "fractals/<uuid:root_id>/"

urlpatterns = [
    path(f"{fractal}analytics/", views.analytics_page, name="analytics"),
    path(f"{fractal}analytics/overview/", views.analytics_overview, name="analytics-overview"),
]
