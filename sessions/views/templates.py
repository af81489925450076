"""Session template pages: list, create, edit, duplicate, delete, and sessions ↔ templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities.models import ActivityDefinition
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.forms import add_model_errors

from ..models import SessionTemplate, TemplateActivity, TemplateSection
from ..plan_forms import SaveAsTemplateForm, SectionFormSet, SessionGoalsForm, TemplateForm, template_initial
from ..practice import start_from_template
from .common import session_url
from .practice import ask_first


def _templates(fractal):
    activities = TemplateActivity.objects.select_related("activity").order_by("sort_order")
    sections = TemplateSection.objects.order_by("sort_order").prefetch_related(
        Prefetch("activities", queryset=activities)
    )
    return (
        SessionTemplate.objects.filter(root_id=fractal.pk)
        .prefetch_related(Prefetch("sections", queryset=sections))
        .order_by("name")
    )


def _template(fractal, template_id):
    return get_scoped_or_404(SessionTemplate.objects.all(), fractal, pk=template_id)


def _library(fractal):
    return list(ActivityDefinition.objects.filter(root_id=fractal.pk).order_by("name"))


@login_required
@require_safe
def template_list(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return render(request, "plans/template_list.html", {"fractal": fractal, "templates": _templates(fractal)})


def _editor(request, fractal, template=None):
    """The create and edit form: the template's fields plus an ordered formset of sections."""
    library = _library(fractal)
    if request.method == "POST":
        form = TemplateForm(request.POST)
        sections = SectionFormSet(request.POST, prefix="sections", activities=library)
        if form.is_valid() and sections.is_valid():
            try:
                with transaction.atomic():
                    if template is None:
                        template = SessionTemplate.create(
                            fractal, form.cleaned_data["name"], sections.sections(), form.cleaned_data["description"]
                        )
                    else:
                        template.name = form.cleaned_data["name"]
                        template.description = form.cleaned_data["description"]
                        template.full_clean()
                        template.save()
                        template.replace_sections(sections.sections())
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, f"Template “{template.name}” saved.")
                return redirect("template-list", root_id=fractal.pk)
        status = 400
    else:
        initial = {"name": template.name, "description": template.description} if template else None
        form = TemplateForm(initial=initial)
        sections = SectionFormSet(
            prefix="sections", activities=library, initial=template_initial(template) if template else None
        )
        status = 200
    context = {"fractal": fractal, "form": form, "sections": sections, "library": library, "template": template}
    return render(request, "plans/template_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return _editor(request, fractal)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, root_id, template_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return _editor(request, fractal, _template(fractal, template_id))


@login_required
@require_POST
def template_duplicate(request, root_id, template_id):
    fractal = get_fractal_for_user(request.user, root_id)
    template = _template(fractal, template_id)
    copy = template.duplicate(SessionTemplate.available_name(fractal, f"{template.name} (copy)"))
    messages.success(request, f"Template duplicated as “{copy.name}”.")
    return redirect("template-list", root_id=fractal.pk)


@login_required
@require_POST
def template_delete(request, root_id, template_id):
    fractal = get_fractal_for_user(request.user, root_id)
    template = _template(fractal, template_id)
    template.delete()
    messages.success(request, f"Template “{template.name}” moved to the trash.")
    return redirect("template-list", root_id=fractal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_from_template(request, root_id, template_id):
    """Choose the goals, then create a session with the template's sections and activities."""
    fractal = get_fractal_for_user(request.user, root_id)
    template = _template(fractal, template_id)
    form = SessionGoalsForm(request.POST or None, root=fractal)
    status = 200
    start = "start" in request.POST
    if request.method == "POST":
        if form.is_valid():
            if start:
                asked = ask_first(request, fractal, f"“{template.name}”")
                if asked is not None:
                    return asked
            goals, name = form.cleaned_data["goals"], form.cleaned_data["name"] or None
            try:
                if start:
                    session = start_from_template(template, goals, name=name)
                else:
                    session = template.create_session(goals, name=name)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                done = "started" if start else "created"
                messages.success(request, f"Session “{session.name}” {done} from “{template.name}”.")
                return redirect(session_url(session))
        status = 400
    # Arriving from "Start practice" (no goals known yet), starting is the main button.
    starting = start or request.GET.get("start") == "1"
    context = {"fractal": fractal, "template": template, "form": form, "starting": starting}
    return render(request, "plans/session_from_template.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_from_session(request, root_id):
    """Save a session of the fractal (POST field ``session``) as a new template."""
    fractal = get_fractal_for_user(request.user, root_id)
    form = SaveAsTemplateForm(request.POST or None, root=fractal, initial={"session": request.GET.get("session")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            session = form.cleaned_data["session"]
            name = SessionTemplate.available_name(fractal, form.cleaned_data["name"] or session.name)
            try:
                template = SessionTemplate.from_session(session, name)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, f"Session saved as the template “{template.name}”.")
                return redirect("template-edit", root_id=fractal.pk, template_id=template.pk)
        status = 400
    return render(request, "plans/template_from_session.html", {"fractal": fractal, "form": form}, status=status)
