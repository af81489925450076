from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from goals.models import Goal
from sessions.models import PracticeSession, TargetAchievement


def test_seed_demo_builds_a_fractal_with_practice_and_one_met_target(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo loaded" in out.getvalue()
    root = Goal.objects.roots().get()
    assert root.owner.username == "demo"
    assert Goal.objects.filter(root=root).count() > 10
    assert PracticeSession.objects.filter(root=root, completed=True).count() == 7
    achievement = TargetAchievement.objects.get()
    assert achievement.target.goal.completed


def test_seed_demo_if_empty_leaves_existing_data_alone(owner):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "already has data" in out.getvalue()
    assert not get_user_model().objects.filter(username="demo").exists()
