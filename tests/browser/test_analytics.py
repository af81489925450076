"""Browser tests: the analytics page draws its charts and the program calendar renders.

They drive a real headless Chromium against the live server and save the screenshots shown
in the README (docs/screenshots/analytics.png and calendar.png).
"""

import datetime

from django.utils import timezone

from ops.demo import seed_demo
from sessions.models import SessionTemplate
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    FractalFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    ProgramBlockFactory,
    ProgramFactory,
    UserFactory,
)

UTC = datetime.UTC


def demo_shaped_fractal():
    """A fractal like the demo: a set-based lift with weight × reps, twelve sessions over two weeks."""
    user = UserFactory(username="athlete")
    root = FractalFactory(owner=user, name="Become a well-rounded athlete")
    pull = ActivityDefinitionFactory(root=root, name="Weighted pull-up", has_sets=True, metrics_multiplicative=True)
    weight = MetricDefinitionFactory(
        activity=pull, name="Weight", unit="kg", is_top_set_metric=True, is_multiplicative=True
    )
    reps = MetricDefinitionFactory(activity=pull, name="Reps", unit="reps", is_multiplicative=True)
    today = timezone.now().astimezone(UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    for index in range(12):
        started = today - datetime.timedelta(days=13 - index - (index // 6))
        session = PracticeSessionFactory(
            root=root,
            name=f"Pull day {index + 1}",
            started_at=started,
            ended_at=started + datetime.timedelta(minutes=50),
            total_duration_seconds=3000,
            completed=True,
            completed_at=started + datetime.timedelta(minutes=50),
        )
        instance = ActivityInstanceFactory(session=session, activity=pull)
        for set_number in (1, 2, 3):
            MetricValueFactory(instance=instance, metric=weight, set_number=set_number, value=4 + index + set_number)
            MetricValueFactory(instance=instance, metric=reps, set_number=set_number, value=6 - set_number)
    return user, root


def test_analytics_page_draws_the_progress_chart_with_points(page_as, live_server, screenshot):
    user, root = demo_shaped_fractal()
    page = page_as(user)
    page.goto(f"{live_server.url}/fractals/{root.pk}/analytics/")

    progress = page.locator("#progress svg.line-chart").first
    progress.wait_for()
    assert progress.locator("circle.point").count() == 24  # top set and average, twelve sessions
    box = progress.bounding_box()
    assert box["width"] > 300 and box["height"] > 100  # actually laid out, not hidden
    first_tooltip = progress.locator("circle.point title").first.text_content()
    assert first_tooltip.startswith("Pull day 1 · ") and "top set 7 kg" in first_tooltip
    assert page.locator("#practice svg.bar-chart rect.bar").count() == 24  # two charts of twelve weeks
    bars_box = page.locator("#practice svg.bar-chart").first.bounding_box()
    assert 100 < bars_box["height"] < 400 and bars_box["width"] > 300  # drawn at a readable size
    assert page.locator(".points-table tbody tr").count() == 12
    # Records over time: the top set (and the set product) beat the last one every session.
    records = page.locator("#records svg.step-chart")  # loaded with htmx after the page
    records.first.wait_for()
    assert records.count() == 2
    assert records.first.locator("circle.point.baseline").count() == 1
    assert records.first.locator("circle.point.record").count() == 11
    assert records.first.bounding_box()["height"] > 100
    assert page.locator(".records-table tbody tr").count() == 24
    # The whole-history figures arrive with htmx after the page: stats and the goals section.
    longest = page.locator('#practice-stats [data-stat="longest-streak"]')
    longest.wait_for()
    assert longest.text_content().strip() == "6 days"  # twelve sessions: two runs of six days
    assert page.locator('#practice-stats [data-stat="sessions"]').text_content().strip() == "12 completed of 12"
    page.locator("#goals [data-stat='targets']").wait_for()
    assert page.locator("section#goals").count() == 1
    assert not page.js_errors

    screenshot(page, "analytics")


def test_choosing_another_activity_charts_it_with_its_own_metrics(page_as, live_server):
    user, root = demo_shaped_fractal()
    plank = ActivityDefinitionFactory(root=root, name="Plank")
    hold = MetricDefinitionFactory(activity=plank, name="Hold", unit="s", is_top_set_metric=True)
    session = PracticeSessionFactory(root=root, name="Core day", completed=True, completed_at=timezone.now())
    MetricValueFactory(instance=ActivityInstanceFactory(session=session, activity=plank), metric=hold, value=45)
    page = page_as(user)
    page.goto(f"{live_server.url}/fractals/{root.pk}/analytics/")
    page.locator("#progress svg.line-chart").first.wait_for()

    page.select_option("select[name=activity]", label="Plank")
    page.wait_for_url(f"**activity={plank.pk}**")
    assert "Plank: Hold over time (s)" in page.locator("#progress figcaption").first.text_content()
    assert page.locator("select[name=metric] option").all_text_contents() == ["---------", "Plank: Hold (s)"]
    assert page.locator(".points-table tbody tr").count() == 1
    assert not page.js_errors


def test_analytics_page_charts_the_seeded_demo(page_as, live_server, screenshot):
    user, root = seed_demo()
    page = page_as(user)
    page.goto(f"{live_server.url}/fractals/{root.pk}/analytics/")
    points = page.locator("#progress svg.line-chart circle.point")
    points.first.wait_for()
    assert points.count() >= 2


def test_program_calendar_shows_blocks_and_marks(page_as, live_server, screenshot):
    user, root = demo_shaped_fractal()
    goal = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=root, name="Calisthenics"), name="Levers"))
    goal.name = "Front lever"
    goal.save()
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    GoalFactory(parent=goal, name="Tuck lever 15 s", deadline=monday + datetime.timedelta(days=17))
    activity = ActivityDefinitionFactory(root=root, name="Front lever hold")
    template = SessionTemplate.create(root, "Pull day", [("Main", 40, [activity])])
    program = ProgramFactory(
        root=root, name="Winter base", start_date=monday, end_date=monday + datetime.timedelta(days=27)
    )
    program.goals.set([goal])
    base = ProgramBlockFactory(
        program=program, name="Base", start_date=monday, end_date=monday + datetime.timedelta(days=13), color="#3b82f6"
    )
    build = ProgramBlockFactory(
        program=program,
        name="Build",
        start_date=monday + datetime.timedelta(days=14),
        end_date=monday + datetime.timedelta(days=27),
        color="#f59e0b",
    )
    first, *_ = base.schedule(template, [0, 2, 4])
    build.schedule(template, [1, 3])
    first.start(when=timezone.now() - datetime.timedelta(days=7)).complete()

    page = page_as(user)
    page.goto(f"{live_server.url}/fractals/{root.pk}/programs/{program.pk}/")
    calendar = page.locator("table.program-calendar")
    calendar.wait_for()
    assert calendar.locator("tbody tr").count() == 4
    assert calendar.locator("li.scheduled.done").count() == 1
    assert calendar.locator("li.scheduled.missed").count() >= 1
    assert calendar.locator(".cal-deadline").first.text_content().strip() == "⚑ Tuck lever 15 s"
    colour = calendar.locator("td.in-block").first.evaluate("cell => getComputedStyle(cell).boxShadow")
    assert "59, 130, 246" in colour  # the block colour #3b82f6 is drawn

    screenshot(page, "calendar")


def test_clicking_a_practice_calendar_day_lists_that_days_sessions(page_as, live_server, screenshot):
    user, root = seed_demo()
    page = page_as(user)
    page.goto(f"{live_server.url}/fractals/{root.pk}/analytics/")
    days = page.locator("#calendar svg.heatmap a")
    days.first.wait_for()
    assert days.count() > 50  # the demo's days with practice, each a link
    assert page.locator("#calendar svg.heatmap rect[data-date]").count() >= 365
    day = days.last.locator("rect").get_attribute("data-date")
    page.locator("#records svg.step-chart").first.wait_for()  # the demo's records, loaded with htmx
    screenshot(page, "analytics_demo")
    days.last.click()
    page.wait_for_url(f"**/sessions/?start={day}&end={day}")
    assert page.locator("input[name=start]").input_value() == day
    listed = page.locator("main").text_content()
    assert "Pull day" in listed
    assert not page.js_errors


def test_the_time_and_goals_pages_chart_the_demo_and_fit_a_phone(page_as, live_server, screenshot):
    user, root = seed_demo()
    page = page_as(user)
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    page.goto(f"{live_server.url}/fractals/{root.pk}/analytics/time/?start={year_ago.isoformat()}")
    assert page.locator("#time-goals svg.hbar-chart rect.bar").count() >= 5
    assert page.locator("#template-usage tbody tr").count() == 2
    screenshot(page, "analytics_time")
    page.goto(f"{live_server.url}/fractals/{root.pk}/analytics/goals/")
    assert page.locator("#goals-completed svg.bar-chart rect.bar").count() == 12
    screenshot(page, "analytics_goals")
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("analytics/", "analytics/time/", "analytics/goals/"):
        page.goto(f"{live_server.url}/fractals/{root.pk}/{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    assert not page.js_errors
