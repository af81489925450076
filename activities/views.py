"""Activity library pages: groups and activity definitions with their metrics and splits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from goals.access import get_fractal_for_user, get_scoped_or_404

from .forms import ActivityForm, GroupForm, metric_formset, metric_specs, split_formset, split_specs, spread_errors
from .models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition
from .panels import activity_panels
from .services import save_activity


def _library_url(fractal):
    return reverse("activity-library", kwargs={"root_id": fractal.pk})


def library_activities(fractal, search=""):
    """Live definitions of the fractal with their live metrics and splits, in two extra queries."""
    queryset = (
        ActivityDefinition.objects.for_fractal(fractal)
        .select_related("group")
        .prefetch_related(
            Prefetch("metrics", queryset=MetricDefinition.objects.order_by("sort_order"), to_attr="live_metrics"),
            Prefetch("splits", queryset=SplitDefinition.objects.order_by("sort_order"), to_attr="live_splits"),
        )
        .order_by("name")
    )
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset


@login_required
@require_safe
def activity_library(request, root_id):
    return _library_page(request, root_id)


def _library_page(request, root_id, group_form=None, status=200):
    """The library, also re-rendered (status 400) by the group forms that post to it."""
    fractal = get_fractal_for_user(request.user, root_id)
    search = request.GET.get("q", "").strip()
    groups = list(ActivityGroup.objects.for_fractal(fractal).order_by("sort_order", "name"))
    activities = list(library_activities(fractal, search))
    by_group = {group.pk: [] for group in groups}
    ungrouped = []
    for activity in activities:
        by_group.get(activity.group_id, ungrouped).append(activity)
    context = {
        "fractal": fractal,
        "search": search,
        "groups": [(group, by_group[group.pk]) for group in groups],
        "ungrouped": ungrouped,
        "activity_count": len(activities),
        "group_form": group_form or GroupForm(fractal=fractal),
    }
    return render(request, "activities/library.html", context, status=status)


def _activity_form_page(request, fractal, definition=None):
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, instance=definition or ActivityDefinition(), fractal=fractal)
    metrics = metric_formset(data, definition)
    splits = split_formset(data, definition)
    table_errors = {}
    # Every part is validated (no short-circuit) so all errors show at once.
    if request.method == "POST" and all([form.is_valid(), metrics.is_valid(), splits.is_valid()]):
        try:
            # Split rows typed before "per split" was unticked are not part of the activity.
            split_list = split_specs(splits) if form.cleaned_data["has_splits"] else []
            saved = save_activity(fractal, form.cleaned_data, metric_specs(metrics), split_list, definition=definition)
        except ValidationError as error:
            table_errors = spread_errors(form, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect(_library_url(fractal))
    context = {
        "fractal": fractal,
        "definition": definition,
        "form": form,
        "metrics": metrics,
        "splits": splits,
        "table_errors": table_errors,
        # Sections other apps add to an activity's page (its personal records), rendered by them.
        "panels": activity_panels(request, fractal, definition) if definition is not None else [],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/activity_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return _activity_form_page(request, fractal)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, root_id, activity_id):
    fractal = get_fractal_for_user(request.user, root_id)
    definition = get_scoped_or_404(ActivityDefinition.objects, fractal, pk=activity_id)
    return _activity_form_page(request, fractal, definition)


@login_required
@require_POST
def activity_delete(request, root_id, activity_id):
    fractal = get_fractal_for_user(request.user, root_id)
    definition = get_scoped_or_404(ActivityDefinition.objects, fractal, pk=activity_id)
    definition.delete()
    messages.success(request, f"“{definition.name}” moved to the trash; past sessions keep it.")
    return redirect(_library_url(fractal))


@login_required
@require_POST
def group_create(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    form = GroupForm(request.POST, instance=ActivityGroup(), fractal=fractal)
    if not form.is_valid():
        return _library_page(request, root_id, group_form=form, status=400)
    group = form.save()
    messages.success(request, f"Group “{group.name}” created.")
    return redirect(_library_url(fractal))


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, root_id, group_id):
    fractal = get_fractal_for_user(request.user, root_id)
    group = get_scoped_or_404(ActivityGroup.objects, fractal, pk=group_id)
    form = GroupForm(request.POST or None, instance=group, fractal=fractal)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, f"Group renamed to “{group.name}”.")
            return redirect(_library_url(fractal))
        status = 400
    else:
        status = 200
    return render(request, "activities/group_form.html", {"fractal": fractal, "form": form}, status=status)


@login_required
@require_POST
def group_delete(request, root_id, group_id):
    fractal = get_fractal_for_user(request.user, root_id)
    group = get_scoped_or_404(ActivityGroup.objects, fractal, pk=group_id)
    group.delete()
    messages.success(request, f"Group “{group.name}” deleted; its activities are now ungrouped.")
    return redirect(_library_url(fractal))


@login_required
@require_POST
def group_reorder(request, root_id):
    """Reorder the groups: either the full list (``ids``) or one group up/down (``group`` + ``offset``)."""
    fractal = get_fractal_for_user(request.user, root_id)
    siblings = ActivityGroup.objects.for_fractal(fractal)
    try:
        with transaction.atomic():
            if "ids" in request.POST:
                ActivityGroup.reorder(siblings, request.POST.getlist("ids"))
            else:
                group = get_scoped_or_404(siblings, fractal, pk=request.POST.get("group"))
                offset = int(request.POST.get("offset", ""))
                group.move(-1 if offset < 0 else 1)
    except (ValidationError, ValueError) as error:
        text = error.messages[0] if isinstance(error, ValidationError) else "Give a direction to move the group."
        messages.error(request, text)
        return _library_page(request, root_id, status=400)
    return redirect(_library_url(fractal))
