from django.urls import path

from . import target_views, views

fractal = "fractals/<uuid:root_id>/"
target = f"{fractal}goals/<uuid:goal_id>/targets/<uuid:target_id>/"

urlpatterns = [
    path(f"{fractal}analytics/", views.analytics_page, name="analytics"),
    path(f"{fractal}analytics/overview/", views.analytics_overview, name="analytics-overview"),
    path(f"{fractal}analytics/records/", views.analytics_records, name="analytics-records"),
    path(f"{fractal}analytics/time/", views.analytics_time, name="analytics-time"),
    path(f"{fractal}analytics/goals/", views.analytics_goals, name="analytics-goals"),
    path(f"{fractal}analytics/csv/<slug:table>.csv", views.analytics_csv, name="analytics-csv"),
    path(target, target_views.target_detail, name="target-detail"),
    path(f"{target}history.csv", target_views.target_history_csv, name="target-history-csv"),
]
