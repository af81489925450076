"""Program pages: programs, their blocks, scheduling, single-day edits and the calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.forms import add_model_errors
from goals.models import Goal

from ..models import Program, ProgramBlock, ProgramDay, ScheduledSession
from ..plan_forms import BlockForm, CopyDayForm, DayForm, ProgramForm, ScheduleForm
from ..program_calendar import build_calendar, calendar_range


def _program(fractal, program_id):
    return get_scoped_or_404(Program.objects.all(), fractal, pk=program_id)


def _block(fractal, program, block_id):
    return get_scoped_or_404(ProgramBlock.objects.filter(program=program), fractal, pk=block_id)


def _day(fractal, program, day_id):
    days = ProgramDay.objects.filter(block__program=program).select_related("block")
    return get_scoped_or_404(days, fractal, pk=day_id)


def _to_detail(program):
    return redirect("program-detail", root_id=program.root_id, program_id=program.pk)


# --- programs ----------------------------------------------------------------------------


@login_required
@require_safe
def program_list(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    programs = (
        Program.objects.filter(root_id=fractal.pk)
        .annotate(block_count=Count("blocks", filter=Q(blocks__deleted_at__isnull=True), distinct=True))
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("name")))
        .order_by("-start_date", "name")
    )
    return render(request, "plans/program_list.html", {"fractal": fractal, "programs": programs})


def _save_with_goals(request, obj, form_class, fields, template, context, done, label):
    """Create or edit a program or a block: its own fields and its goals, in one transaction."""
    initial = None
    if not obj._state.adding:
        initial = {name: getattr(obj, name) for name in fields} | {"goals": list(obj.goals.all())}
    form = form_class(request.POST or None, root=context["fractal"], initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            for name in fields:
                setattr(obj, name, form.cleaned_data[name])
            try:
                with transaction.atomic():
                    obj.full_clean()
                    obj.save()
                    obj.goals.set(form.cleaned_data["goals"])
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, f"{label} “{obj.name}” saved.")
                return done(obj)
        status = 400
    return render(request, template, {**context, "form": form}, status=status)


def _save_program(request, fractal, program=None):
    return _save_with_goals(
        request,
        program or Program(root=fractal),
        ProgramForm,
        ("name", "description", "start_date", "end_date"),
        "plans/program_form.html",
        {"fractal": fractal, "program": program},
        _to_detail,
        "Program",
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return _save_program(request, fractal)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request, root_id, program_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return _save_program(request, fractal, _program(fractal, program_id))


@login_required
@require_POST
def program_delete(request, root_id, program_id):
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    program.delete()
    messages.success(request, f"Program “{program.name}” moved to the trash.")
    return redirect("program-list", root_id=fractal.pk)


@login_required
@require_safe
def program_detail(request, root_id, program_id):
    """The program with its blocks and the calendar of its days."""
    fractal = get_fractal_for_user(request.user, root_id)
    program = get_scoped_or_404(
        Program.objects.prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("name"))),
        fractal,
        pk=program_id,
    )
    blocks = list(
        ProgramBlock.objects.filter(program=program)
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("name")))
        .order_by("start_date", "sort_order")
    )
    scheduled = ScheduledSession.objects.select_related("template", "session").order_by("sort_order", "created_at")
    days = list(
        ProgramDay.objects.filter(block__program=program, date__isnull=False)
        .prefetch_related(Prefetch("scheduled_sessions", queryset=scheduled))
        .order_by("date", "sort_order")
    )
    span = calendar_range(program, blocks)
    deadlines = []
    if span and blocks:
        deadlines = list(Goal.objects.filter(root_id=fractal.pk, deadline__range=span).order_by("deadline", "name"))
    today = timezone.localdate()  # in the user's zone (the time-zone middleware activated it)
    # The time-zone middleware has already read (and cached) the profile on the user.
    week_start = request.user.profile.week_start if hasattr(request.user, "profile") else 0
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    context = {
        "fractal": fractal,
        "program": program,
        "blocks": blocks,
        "weeks": build_calendar(program, blocks, days, deadlines, today, week_start=week_start),
        "weekday_names": names[week_start:] + names[:week_start],
        "today": today,
    }
    return render(request, "plans/program_detail.html", context)


# --- blocks ------------------------------------------------------------------------------


def _save_block(request, fractal, program, block=None):
    return _save_with_goals(
        request,
        block or ProgramBlock(program=program),
        BlockForm,
        ("name", "start_date", "end_date", "color"),
        "plans/block_form.html",
        {"fractal": fractal, "program": program, "block": block},
        lambda saved: _to_detail(program),
        "Block",
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_create(request, root_id, program_id):
    fractal = get_fractal_for_user(request.user, root_id)
    return _save_block(request, fractal, _program(fractal, program_id))


@login_required
@require_http_methods(["GET", "POST"])
def block_edit(request, root_id, program_id, block_id):
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    return _save_block(request, fractal, program, _block(fractal, program, block_id))


@login_required
@require_POST
def block_delete(request, root_id, program_id, block_id):
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    block = _block(fractal, program, block_id)
    block.delete()
    messages.success(request, f"Block “{block.name}” and its days moved to the trash.")
    return _to_detail(program)


@login_required
@require_http_methods(["GET", "POST"])
def block_schedule(request, root_id, program_id, block_id):
    """Schedule a template on weekdays of the block: creates the missing days, keeps the others."""
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    block = _block(fractal, program, block_id)
    form = ScheduleForm(request.POST or None, root=fractal)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = block.schedule(form.cleaned_data["template"], form.cleaned_data["weekdays"])
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, f"{len(created)} session(s) scheduled in “{block.name}”.")
                return _to_detail(program)
        status = 400
    context = {"fractal": fractal, "program": program, "block": block, "form": form}
    return render(request, "plans/block_schedule.html", context, status=status)


# --- single days -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def day_edit(request, root_id, program_id, day_id):
    """Edit one day (date, name, notes); the other days of the block stay as they are."""
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    day = _day(fractal, program, day_id)
    initial = {"date": day.date, "name": day.name, "notes": day.notes}
    form = DayForm(request.POST or None, initial=initial)
    copy_form = CopyDayForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                day.update(**form.cleaned_data)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, "Day saved.")
                return _to_detail(program)
        status = 400
    context = {"fractal": fractal, "program": program, "day": day, "form": form, "copy_form": copy_form}
    return render(request, "plans/day_form.html", context, status=status)


@login_required
@require_POST
def day_copy(request, root_id, program_id, day_id):
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    day = _day(fractal, program, day_id)
    copy_form = CopyDayForm(request.POST)
    if copy_form.is_valid():
        try:
            copy = day.copy_to(copy_form.cleaned_data["date"])
        except ValidationError as error:
            add_model_errors(copy_form, error)
        else:
            messages.success(request, f"Day copied to {copy.date:%a %d %b %Y}.")
            return _to_detail(program)
    form = DayForm(initial={"date": day.date, "name": day.name, "notes": day.notes})
    context = {"fractal": fractal, "program": program, "day": day, "form": form, "copy_form": copy_form}
    return render(request, "plans/day_form.html", context, status=400)


@login_required
@require_POST
def day_delete(request, root_id, program_id, day_id):
    fractal = get_fractal_for_user(request.user, root_id)
    program = _program(fractal, program_id)
    day = _day(fractal, program, day_id)
    day.delete()
    messages.success(request, f"The day {day.date:%a %d %b %Y} moved to the trash.")
    return _to_detail(program)
