import datetime
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from goals.models import Goal
from insights import figures
from ops.demo import seed_demo
from sessions.models import PracticeSession, TargetAchievement


def test_seed_demo_builds_a_fractal_with_practice_and_one_met_target(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo loaded" in out.getvalue()
    root = Goal.objects.roots().get()
    assert root.owner.username == "demo"
    assert Goal.objects.filter(root=root).count() > 10
    # two weeks of pull days and ten months of easy runs every four days
    assert PracticeSession.objects.filter(root=root, completed=True).count() == 7 + 71
    achievement = TargetAchievement.objects.get()
    assert achievement.target.goal.completed


def test_seed_demo_if_empty_leaves_existing_data_alone(owner):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "already has data" in out.getvalue()
    assert not get_user_model().objects.filter(username="demo").exists()


def test_the_demo_gives_every_analytics_chart_something_to_show(db):
    _, root = seed_demo()
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    calendar = figures.practice_calendar(root, today)
    assert sum(1 for day in calendar["days"] if day["sessions"]) > 50
    assert figures.time_per_goal(root, year_ago, today)
    per_activity, per_group = figures.time_per_activity(root, year_ago, today)
    assert len(per_activity) == 4 and len(per_group) == 2
    assert [row["sessions"] > 0 for row in figures.template_usage(root, year_ago, today)] == [True, True]
    assert any(row["mean_actual_minutes"] for row in figures.sections_planned_vs_actual(root, year_ago, today))
    assert sum(row["total"] for row in figures.goals_completed_per_month(root, today)) >= 3
    assert figures.target_progress(root, today)["met"] == 1


def test_the_demo_shows_a_time_to_beat_and_a_habit_on_their_way(db):
    from activities.models import Target, TargetKind, TargetOperator
    from sessions.targets import target_progress

    _, root = seed_demo()
    pace = Target.objects.get(root=root, thresholds__operator=TargetOperator.LTE)
    habit = Target.objects.get(root=root, kind=TargetKind.FREQUENCY)
    pace_progress, habit_progress = target_progress([pace, habit])
    assert not pace_progress.met and 90 <= pace_progress.percent < 100
    weeks, _this_week = habit_progress.counts
    assert not habit_progress.met and 0 < weeks.value < weeks.of
