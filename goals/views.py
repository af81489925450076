from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import fractals_for


@login_required
def fractal_list(request):
    fractals = fractals_for(request.user).order_by("sort_order", "created_at")
    return render(request, "goals/fractal_list.html", {"fractals": fractals})
