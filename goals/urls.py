from django.urls import path

from . import views

urlpatterns = [
    path("", views.fractal_list, name="fractal-list"),
]
