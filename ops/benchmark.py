"""The performance benchmark: datasets, measurements, budgets and query plans.

Used by ``manage.py benchmark``. Every page and endpoint is requested through Django's test
``Client`` as the signed-in owner of a generated fractal, so the whole stack (middleware,
sessions, templates, serializers) is measured. Routes are looked up at run time; a route that
does not exist (yet) is reported as missing instead of failing the run.
"""

import math
import os
import platform
import re
import statistics
import time
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, get_resolver, resolve

from activities.models import ActivityDefinition, MetricDefinition
from goals.api.serializers import tree_query
from goals.models import Goal, GoalLevel
from sessions.models import ActivityInstance, MetricValue, PracticeSession, SessionSection

from .datagen import generate_fractal

SIZES = {
    "tiny": {"goals": 40, "sessions": 30, "instances_per_session": 3, "values_per_instance": 3},
    "reference": {"goals": 5000, "sessions": 2000, "instances_per_session": 5, "values_per_instance": 3},
    "10x": {"goals": 50000, "sessions": 20000, "instances_per_session": 5, "values_per_instance": 3},
}
MARKER_PREFIX = "benchmark-"
# Dataset shapes (ops.datagen.SHAPES): activities in rotation (the library grows with the history)
# and a real log's fixed library of about 40 activities used across the whole history.
SHAPES = ("rotating", "log")
# Medians this close are equal within timer noise, whatever their ratio.
NOISE_FLOOR_MS = 2.0
# "Linear" growth (the tree): at most ``growth`` (10×) the reference time, or, if more, this factor
# times the growth of merely reading the tree's rows (the baseline measurement) in the same run.
# Ten times the rows outgrow the processor caches, so on a real machine even reading them grows
# by more than ten; an implementation with constant work per goal tracks that baseline.
LINEAR_SLACK = 1.1
TREE_ROWS = "tree_rows"
# Floors measured in the same run: each budget is a ratio to one (or the sum of some) of them, so
# a budget means the same on a faster or slower machine, or on a busy one.
SIGNED_IN_PAGE = "signed_in_page"  # the request overhead: the smallest page a signed-in user gets
SESSION_ROWS = "session_rows"  # a plain indexed read of one session's rows
FLOORS = (TREE_ROWS, SIGNED_IN_PAGE, SESSION_ROWS)
# Tables that grow with the data: a full scan of one of them is a finding.
LARGE_TABLES = {
    "goals",
    "practice_sessions",
    "practice_session_goals",
    "session_sections",
    "activity_instances",
    "metric_values",
    "targets",
    "target_metrics",
    "target_achievements",
}


def marker_username(size, shape="rotating"):
    # The rotating shape keeps the names of earlier runs, so their datasets are reused.
    if shape == "rotating":
        return f"{MARKER_PREFIX}{size}"
    return f"{MARKER_PREFIX}{shape}-{size}"


# --- datasets ------------------------------------------------------------------------------


@dataclass
class Dataset:
    size: str
    owner: object
    root: Goal
    goal: Goal  # the busiest goal: most targets, then most linked sessions
    session: PracticeSession  # the latest completed session
    activity: ActivityDefinition  # the weight × reps activity with the most instances
    metric: MetricDefinition
    built: bool = False
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)
    shape: str = "rotating"

    def facts(self):
        return {
            "size": self.size,
            "shape": self.shape,
            "owner": self.owner.username,
            "root_id": str(self.root.pk),
            "built_now": self.built,
            "build_seconds": round(self.seconds, 1),
            "rows": self.rows,
        }


def get_or_build_dataset(size, progress=None, shape="rotating"):
    """The dataset of ``size`` and ``shape``, found by its marker owner, or generated now."""
    user_model = get_user_model()
    owner, _ = user_model.objects.get_or_create(username=marker_username(size, shape))
    root = Goal.objects.filter(owner=owner, parent__isnull=True).order_by("created_at").first()
    built, seconds = False, 0.0
    if root is None:
        started = time.perf_counter()
        generated = generate_fractal(owner, **SIZES[size], progress=progress, shape=shape)
        seconds = time.perf_counter() - started
        root, built = generated.root, True
        if connection.vendor == "postgresql":
            # Fresh bulk loads have no planner statistics until autovacuum runs; do it now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return describe_dataset(size, owner, root, built=built, seconds=seconds, shape=shape)


def describe_dataset(size, owner, root, built=False, seconds=0.0, shape="rotating"):
    goal = (
        Goal.objects.filter(root_id=root.pk, level__in=[GoalLevel.SHORT_TERM, GoalLevel.IMMEDIATE])
        .annotate(
            live_targets=Count("targets", filter=Q(targets__deleted_at__isnull=True), distinct=True),
            linked=Count("session_links", distinct=True),
        )
        .order_by("-live_targets", "-linked", "created_at")
        .first()
    )
    session = (
        PracticeSession.objects.filter(root_id=root.pk, completed=True).order_by("-started_at", "-created_at").first()
    )
    # The busiest activity of the most common kind (weight × reps sets: top set, average and
    # product series), so both sizes chart the same kind of activity; any kind when there is none.
    instances = ActivityInstance.objects.filter(root_id=root.pk)
    weighted = instances.filter(
        activity__has_sets=True, activity__has_splits=False, activity__metrics_multiplicative=True
    )
    busiest = None
    for candidates in (weighted, instances):
        busiest = candidates.values("activity_id").annotate(uses=Count("id")).order_by("-uses", "activity_id").first()
        if busiest:
            break
    activity = ActivityDefinition.objects.get(pk=busiest["activity_id"]) if busiest else None
    metric = None
    if activity is not None:
        metric = MetricDefinition.objects.filter(activity=activity).order_by("-is_top_set_metric", "sort_order").first()
    rows = {
        "goals": Goal.objects.filter(root_id=root.pk).count(),
        "sessions": PracticeSession.objects.filter(root_id=root.pk).count(),
        "instances": ActivityInstance.objects.filter(root_id=root.pk).count(),
    }
    rows["values"] = MetricValue.objects.filter(root_id=root.pk).count()
    return Dataset(
        size, owner, root, goal, session, activity, metric, built=built, seconds=seconds, rows=rows, shape=shape
    )


# --- routes --------------------------------------------------------------------------------


def page_path(name, values):
    """The path of the page named ``name`` with ``values`` for its parameters, in order.

    API routes may share a page's name (DRF router names such as ``session-detail``), so only
    paths outside ``/api/`` count. Returns None when no such page exists.
    """
    resolver = get_resolver()
    for possibilities, _pattern, _defaults, converters in resolver.reverse_dict.getlist(name):
        for result, params in possibilities:
            if len(params) != len(values) or result.startswith("api/"):
                continue
            kwargs = {
                param: (converters[param].to_url(value) if param in converters else str(value))
                for param, value in zip(params, values, strict=True)
            }
            return "/" + result % kwargs
    return None


def api_path(*candidates):
    """The first candidate path that the URL resolver knows, else None."""
    for candidate in candidates:
        try:
            resolve(candidate.split("?", 1)[0])
        except Resolver404:
            continue
        return candidate
    return None


def with_query(path, params):
    if path is None or not params:
        return path
    return f"{path}?{urlencode(params)}"


# --- measurements --------------------------------------------------------------------------


@dataclass
class Measurement:
    key: str
    label: str
    budget_ms: float  # median budget at the reference size
    growth: float | None  # allowed median ratio 10x / reference (None: no time rule at 10x)
    target: object  # callable(dataset, client) -> path | callable | None
    headers: dict | None = None  # request headers, e.g. {"HX-Request": "true"} for an htmx fragment
    linear: bool = False  # growth is "linear": see judge_growth
    # The budget as a ratio: median ≤ ``ratio`` × the sum of the medians of the ``floor``
    # measurements of the same run. ``budget_ms`` then is information only (what it came to on
    # the machine of docs/PERFORMANCE.md). A floor itself has neither.
    floor: tuple = ()
    ratio: float | None = None


PAGE_LINK = re.compile(r"[?&;]page=(\d+)")


def _sessions_page(dataset, client, page=None):
    path = page_path("session-list", [dataset.root.pk])
    if path is None or page is None:
        return path
    # The last page is the highest page number the first page links to.
    first = client.get(path)
    numbers = [int(number) for number in PAGE_LINK.findall(first.content.decode())]
    return with_query(path, {"page": max(numbers, default=1)})


def _sessions_api(dataset, client, page=None):
    path = api_path(f"/api/fractals/{dataset.root.pk}/sessions/")
    if path is None or page is None:
        return path
    return with_query(path, {"page": "last"})


def _analytics_params(dataset):
    return {"activity": dataset.activity.pk, "metric": dataset.metric.pk}


def _analytics_api(dataset, client):
    root = dataset.root.pk
    path = api_path(f"/api/fractals/{root}/analytics/activity-series/")
    return with_query(path, _analytics_params(dataset))


def _analytics_page(dataset, client):
    return with_query(page_path("analytics", [dataset.root.pk]), _analytics_params(dataset))


def _analytics_overview(dataset, client):
    return page_path("analytics-overview", [dataset.root.pk])


def _first_target(dataset):
    from activities.models import Target

    return Target.objects.filter(goal_id=dataset.goal.pk).order_by("sort_order", "created_at").first()


def _target_page(dataset, client):
    target = _first_target(dataset)
    return page_path("target-detail", [dataset.root.pk, dataset.goal.pk, target.pk]) if target else None


def _target_api(dataset, client):
    target = _first_target(dataset)
    return api_path(f"/api/fractals/{dataset.root.pk}/targets/{target.pk}/history/") if target else None


def _tree_rows_read(dataset, client):
    """Only read the rows the tree endpoint reads (its own SQL; rows fetched and dropped): the
    floor under any tree, and the measure of how reading grows on this machine."""
    sql, params = tree_query(dataset.root)

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while cursor.fetchmany(2000):
                pass

    return run


def _signed_in_page(dataset, client):
    """The smallest page a signed-in user gets (the new-fractal form): middleware, session, user,
    the site's layout and a short form, and no data."""
    return page_path("fractal-create", [])


def _session_rows_read(dataset, client):
    """Only read one session's rows by their indexes (the session, its sections, instances and
    values, as plain rows): the floor under any page that shows one session."""
    session_id = dataset.session.pk

    def run():
        list(PracticeSession.all_objects.filter(pk=session_id).values_list())
        list(SessionSection.all_objects.filter(session_id=session_id).values_list())
        list(ActivityInstance.all_objects.filter(session_id=session_id).values_list())
        list(MetricValue.all_objects.filter(instance__session_id=session_id).values_list())

    return run


def _evaluate_goal(dataset, client):
    from sessions.targets import evaluate_goal

    def run():
        evaluate_goal(Goal.objects.get(pk=dataset.goal.pk))

    return run


# Ratios: the tree to reading its rows; one session's page and API to the request overhead plus
# reading that session's rows; everything else to the request overhead. They replace the absolute
# budgets kept beside them as information (100 ms, 60 ms for the tree, 30 ms for session pages):
# on the machine of docs/PERFORMANCE.md the signed-in page takes about 2.5 ms, so 40× it is the old
# 100 ms, 9× the tree rows its 60 ms; the sessions list (25 sessions with their activities) gets
# 25× and one session 10× (2.5 + 1.7 ms).
PAGE = (SIGNED_IN_PAGE,)
ONE_SESSION = (SIGNED_IN_PAGE, SESSION_ROWS)
TREE = (TREE_ROWS,)

MEASUREMENTS = [
    Measurement(SIGNED_IN_PAGE, "Signed-in page (floor)", 30, None, _signed_in_page),
    Measurement(SESSION_ROWS, "One session's rows read (floor)", 30, None, _session_rows_read),
    Measurement(
        "fractal_list", "Fractal list page", 100, None, lambda d, c: page_path("fractal-list", []), floor=PAGE, ratio=40
    ),
    Measurement(
        "tree_page",
        "Tree page",
        60,
        10.0,
        lambda d, c: page_path("fractal-tree", [d.root.pk]),
        linear=True,
        floor=TREE,
        ratio=9,
    ),
    # The tree page as a map (the whole fractal read, the levels that fit laid out and drawn as SVG).
    Measurement(
        "map_page",
        "Map page",
        100,
        10.0,
        lambda d, c: with_query(page_path("fractal-tree", [d.root.pk]), {"view": "map"}),
        linear=True,
        floor=TREE,
        ratio=15,
    ),
    Measurement(
        "map_page_radial",
        "Map page (radial)",
        100,
        10.0,
        lambda d, c: with_query(page_path("fractal-tree", [d.root.pk]), {"view": "map", "layout": "radial"}),
        linear=True,
        floor=TREE,
        ratio=15,
    ),
    # A goal's panel beside the map (the busiest goal: its targets and recent sessions).
    Measurement(
        "map_panel",
        "Map goal panel",
        100,
        None,
        lambda d, c: page_path("goal-panel", [d.root.pk, d.goal.pk]),
        floor=PAGE,
        ratio=40,
    ),
    Measurement(
        "tree_api",
        "Tree API",
        60,
        10.0,
        lambda d, c: api_path(f"/api/fractals/{d.root.pk}/tree/"),
        linear=True,
        floor=TREE,
        ratio=9,
    ),
    Measurement(TREE_ROWS, "Tree rows read (floor)", 60, None, _tree_rows_read),
    Measurement(
        "goal_page",
        "Goal detail page",
        100,
        None,
        lambda d, c: page_path("goal-detail", [d.root.pk, d.goal.pk]),
        floor=PAGE,
        ratio=40,
    ),
    Measurement(
        "sessions_page_first",
        "Sessions page (first)",
        30,
        1.5,
        lambda d, c: _sessions_page(d, c),
        floor=PAGE,
        ratio=25,
    ),
    Measurement(
        "sessions_page_last",
        "Sessions page (last)",
        30,
        1.5,
        lambda d, c: _sessions_page(d, c, page="last"),
        floor=PAGE,
        ratio=25,
    ),
    Measurement(
        "sessions_api_first", "Sessions API (first)", 100, 1.5, lambda d, c: _sessions_api(d, c), floor=PAGE, ratio=40
    ),
    Measurement(
        "sessions_api_last",
        "Sessions API (last)",
        100,
        1.5,
        lambda d, c: _sessions_api(d, c, page="last"),
        floor=PAGE,
        ratio=40,
    ),
    Measurement(
        "session_page",
        "Session detail page",
        30,
        1.5,
        lambda d, c: page_path("session-detail", [d.root.pk, d.session.pk]),
        floor=ONE_SESSION,
        ratio=10,
    ),
    Measurement(
        "session_api",
        "Session detail API",
        100,
        1.5,
        lambda d, c: api_path(f"/api/fractals/{d.root.pk}/sessions/{d.session.pk}/"),
        floor=ONE_SESSION,
        ratio=10,
    ),
    Measurement(
        "activity_library",
        "Activity library page",
        100,
        None,
        lambda d, c: page_path("activity-library", [d.root.pk]),
        floor=PAGE,
        ratio=40,
    ),
    Measurement("analytics_api", "Analytics series API", 100, 1.5, _analytics_api, floor=PAGE, ratio=40),
    Measurement("analytics_page", "Analytics page", 100, 1.5, _analytics_page, floor=PAGE, ratio=40),
    # The page's whole-history figures (streaks, totals, goals), loaded by the page with htmx.
    Measurement(
        "analytics_overview",
        "Analytics overview (htmx)",
        100,
        None,
        _analytics_overview,
        {"HX-Request": "true"},
        floor=PAGE,
        ratio=40,
    ),
    # One target's chart and sessions (the busiest goal's first target). They read the activity's
    # history in scope, one row per session: a fixed query count, time with the history (no 10× rule).
    Measurement("target_page", "Target page", 100, None, _target_page, floor=PAGE, ratio=40),
    Measurement("target_api", "Target history API", 100, None, _target_api, floor=PAGE, ratio=40),
    Measurement("evaluate_goal", "Target evaluation (busiest goal)", 100, None, _evaluate_goal, floor=PAGE, ratio=40),
]


KEYS = {measurement.key for measurement in MEASUREMENTS}


@dataclass
class Result:
    key: str
    label: str
    size: str
    target: str | None = None
    status: str = "ok"  # ok | missing route | HTTP nnn | error: ...
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None  # median CPU time of this process: wall time minus waiting for a core
    queries: int | None = None
    sql: list = field(default_factory=list)

    @property
    def ok(self):
        return self.status == "ok"

    def as_dict(self):
        return {
            "key": self.key,
            "label": self.label,
            "size": self.size,
            "target": self.target,
            "status": self.status,
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "cpu_ms": self.cpu_ms,
            "queries": self.queries,
        }


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[index]


def _caller(client, target, headers=None):
    if callable(target):

        def run():
            target()
            return 200

        return run

    def request():
        response = client.get(target, headers=headers)
        if response.streaming:  # read to the end, as a server writing it to the socket would
            for _chunk in response.streaming_content:
                pass
        return response.status_code

    return request


def measure(dataset, measurement, repeat, client):
    result = Result(measurement.key, measurement.label, dataset.size)
    try:
        target = measurement.target(dataset, client)
    except Exception as error:  # a dataset without what the measurement needs
        result.status = f"error: {error}"
        return result
    if target is None:
        result.status = "missing route"
        return result
    result.target = target if isinstance(target, str) else "sessions.targets.evaluate_goal"
    call = _caller(client, target, measurement.headers)
    try:
        for _ in range(2):  # warm caches, sessions and lazily built state
            status = call()
        if status != 200:
            result.status = f"HTTP {status}"
            return result
        with CaptureQueriesContext(connection) as captured:
            call()
        result.queries = len(captured)
        result.sql = [query["sql"] for query in captured.captured_queries]
        timings, cpu = [], []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    except Exception as error:
        result.status = f"error: {type(error).__name__}: {error}"[:200]
        return result
    result.median_ms = round(statistics.median(timings), 2)
    result.p95_ms = round(percentile(timings, 0.95), 2)
    result.cpu_ms = round(statistics.median(cpu), 2)
    return result


def run_measurements(dataset, repeat, only=None):
    """Measure every page and endpoint on ``dataset``; returns Results in table order."""
    client = Client()
    client.force_login(dataset.owner)
    results = []
    # WhiteNoise warns once about a missing collectstatic folder; irrelevant to the timings.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    # DEBUG would log every query in memory and slow each request down; testserver must be an
    # allowed host whatever ALLOWED_HOSTS says in the environment.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        wanted = set(only or ())
        for key in list(wanted):
            if key in KEYS:
                measurement = _measurement(key)
                wanted.update(measurement.floor)  # a budget is judged against its floors
                if measurement.linear:
                    wanted.add(TREE_ROWS)  # a linear rule is judged against this baseline
        for measurement in MEASUREMENTS:
            if only and measurement.key not in wanted:
                continue
            results.append(measure(dataset, measurement, repeat, client))
        # Each floor is measured again at the end and the faster of the two kept: a floor stands
        # for the speed of the machine during the run, and a busy moment only ever slows it down.
        for index, result in enumerate(results):
            if result.key in FLOORS and result.ok:
                again = measure(dataset, _measurement(result.key), repeat, client)
                if again.ok and again.median_ms < result.median_ms:
                    results[index] = again
    return results


# --- budgets -------------------------------------------------------------------------------


def floor_medians(results):
    """The median of each floor measured (and ok) in ``results``: {key: ms}."""
    return {result.key: result.median_ms for result in results if result.key in FLOORS and result.ok}


def budget_ms(measurement, floors):
    """The budget in ms this run: ``ratio`` × the sum of its floors' medians (None without them),
    or the absolute ``budget_ms`` for a measurement without a ratio."""
    if measurement.ratio is None:
        return None if measurement.key in FLOORS else measurement.budget_ms
    if floors is None or any(floors.get(key) is None for key in measurement.floor):
        return None
    return measurement.ratio * sum(floors[key] for key in measurement.floor)


def judge_reference(result, floors=None):
    """Pass when the median is within the budget: a ratio to this run's floors (see
    ``budget_ms``). A floor passes when it was measured; a ratio without its floors fails."""
    measurement = _measurement(result.key)
    if not result.ok:
        return False, result.status
    if measurement.key in FLOORS:
        return True, "floor"
    limit = budget_ms(measurement, floors)
    if limit is None:
        return False, "FAIL no floor"
    if result.median_ms <= limit:
        return True, "pass"
    return False, "FAIL"


def budget_rule(measurement):
    if measurement.key in FLOORS:
        return "floor"
    if measurement.ratio is None:
        return f"≤{measurement.budget_ms:g} ms"
    names = {TREE_ROWS: "rows", SIGNED_IN_PAGE: "page", SESSION_ROWS: "session"}
    return f"≤{measurement.ratio:g}×" + "+".join(names[key] for key in measurement.floor)


def judge_growth(reference, larger, baseline_ratio=None):
    """Query counts must match; flat measurements may grow 1.5×, the tree at most linearly.

    ``baseline_ratio`` is how much reading the tree's rows alone grew in the same run (see
    ``linear_limit``); without it a linear measurement may grow ``growth`` times.
    """
    measurement = _measurement(larger.key)
    if not (reference.ok and larger.ok):
        return False, larger.status if not larger.ok else reference.status
    if reference.queries != larger.queries:
        return False, f"FAIL queries {reference.queries}→{larger.queries}"
    if measurement.growth is None:
        return True, "pass"
    growth = linear_limit(measurement, baseline_ratio)
    limit = max(reference.median_ms * growth, reference.median_ms + NOISE_FLOOR_MS)
    if larger.median_ms <= limit:
        return True, "pass"
    return False, "FAIL"


def linear_limit(measurement, baseline_ratio):
    """The growth a measurement may show: its own ``growth``, or for a linear one, at least
    ``LINEAR_SLACK`` times the baseline's growth."""
    if measurement.linear and baseline_ratio:
        return max(measurement.growth, LINEAR_SLACK * baseline_ratio)
    return measurement.growth


def baseline_ratio(reference_results, larger_results):
    """How much reading the tree's rows grew from the reference to the larger size, or None."""
    reference = next((result for result in reference_results if result.key == TREE_ROWS), None)
    larger = next((result for result in larger_results if result.key == TREE_ROWS), None)
    if reference is None or larger is None or not (reference.ok and larger.ok) or not reference.median_ms:
        return None
    return larger.median_ms / reference.median_ms


def growth_rule(key, baseline=None):
    measurement = _measurement(key)
    if measurement.growth is None:
        return "same queries"
    return f"≤{linear_limit(measurement, baseline):.3g}× ref"


def _measurement(key):
    return next(measurement for measurement in MEASUREMENTS if measurement.key == key)


def format_reference_table(results):
    floors = floor_medians(results)
    header = (
        f"{'Measurement':<34} {'median ms':>9} {'p95 ms':>8} {'cpu ms':>7} {'queries':>7} {'ratio':>6} "
        f"{'budget':>16} {'= ms':>7}  result"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        measurement = _measurement(result.key)
        _, verdict = judge_reference(result, floors)
        limit = budget_ms(measurement, floors)
        base = sum(floors.get(key) or 0 for key in measurement.floor)
        ratio = f"{result.median_ms / base:.1f}" if result.ok and base else "-"
        lines.append(
            f"{result.label:<34} {_num(result.median_ms):>9} {_num(result.p95_ms):>8} {_num(result.cpu_ms):>7} "
            f"{_num(result.queries):>7} {ratio:>6} {budget_rule(measurement):>16} {_num(limit):>7}  {verdict}"
        )
    return "\n".join(lines)


def format_growth_table(reference_results, larger_results):
    header = (
        f"{'Measurement':<34} {'ref ms':>8} {'ref q':>5} {'10x ms':>8} {'10x p95':>8} {'10x q':>5} "
        f"{'ratio':>6} {'rule':>12}  result"
    )
    lines = [header, "-" * len(header)]
    by_key = {result.key: result for result in reference_results}
    baseline = baseline_ratio(reference_results, larger_results)
    for larger in larger_results:
        reference = by_key[larger.key]
        _, verdict = judge_growth(reference, larger, baseline)
        ratio = (
            f"{larger.median_ms / reference.median_ms:.2f}"
            if reference.ok and larger.ok and reference.median_ms
            else "-"
        )
        lines.append(
            f"{larger.label:<34} {_num(reference.median_ms):>8} {_num(reference.queries):>5} "
            f"{_num(larger.median_ms):>8} {_num(larger.p95_ms):>8} {_num(larger.queries):>5} {ratio:>6} "
            f"{growth_rule(larger.key, baseline):>12}  {verdict}"
        )
    if any(_measurement(result.key).linear for result in larger_results):
        lines.append(
            "Linear rule: at most 10× the reference time, or "
            + (
                f"{LINEAR_SLACK:g} × {baseline:.2f} (the growth of reading the tree's rows, this run), if more."
                if baseline
                else "(without the baseline row) exactly that."
            )
        )
    return "\n".join(lines)


def markdown_tables(report):
    """A saved report (``--json``) as the Markdown tables of docs/PERFORMANCE.md: per shape, one row
    per measurement with its reference figures and budget, and, when the 10× size was measured,
    its figures and growth rule."""
    out = []
    for shape, shaped in report["shapes"].items():
        sizes = shaped["datasets"]
        described = ", ".join(f"{size}: {facts['rows']}" for size, facts in sizes.items())
        out += [f"**{shape} shape** ({described})", ""]
        reference = [row for row in shaped["results"] if row["size"] == "reference"]
        larger = {row["key"]: row for row in shaped["results"] if row["size"] != "reference"}
        floors = shaped.get("floors_ms") or {}
        header = "| measurement | ref median ms | queries | × floor | budget | = ms | result |"
        rule = "|---|---:|---:|---:|---|---:|---|"
        if larger:
            header += " 10× median ms | 10× CPU ms | ratio | rule | result |"
            rule += "---:|---:|---:|---|---|"
        out += [header, rule]
        for row in reference:
            measurement = _measurement(row["key"])
            base = sum(floors.get(key) or 0 for key in measurement.floor)
            times_floor = f"{row['median_ms'] / base:.1f}" if row.get("median_ms") and base else "-"
            verdict = "floor" if row["budget"] == "floor" else ("pass" if row["pass"] else "FAIL")
            cells = [
                row["label"],
                _num(row.get("median_ms")),
                _num(row.get("queries")),
                times_floor,
                row["budget"],
                _num(row.get("budget_ms")),
                verdict,
            ]
            grown = larger.get(row["key"])
            if grown is not None:
                ratio = (
                    f"{grown['median_ms'] / row['median_ms']:.2f}"
                    if grown.get("median_ms") and row.get("median_ms")
                    else "-"
                )
                cells += [
                    _num(grown.get("median_ms")),
                    _num(grown.get("cpu_ms")),
                    ratio,
                    grown["rule"],
                    "pass" if grown["pass"] else "FAIL",
                ]
            out.append("| " + " | ".join(str(cell) for cell in cells) + " |")
        out.append("")
    return "\n".join(out)


def _num(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def environment_facts():
    return {
        "cpu_model": cpu_model(),
        "cpus": os.cpu_count(),
        "load_average": _load_average(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "database": connection.vendor,
        "database_version": _database_version(),
    }


def cpu_model():
    """The processor's model name (Linux), else what the platform module knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _database_version():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SELECT version()")
        return cursor.fetchone()[0]


# --- query plans ---------------------------------------------------------------------------


@dataclass
class Plan:
    sql: str
    lines: list
    findings: list  # full scans of large tables
    notes: list = field(default_factory=list)  # whole-fractal reads: linear in the fractal's size


SQLITE_SCAN = re.compile(r"\bSCAN (\w+)(?: USING (COVERING )?INDEX (\w+))?")
# An index search on the fractal alone: not a full scan, but it reads every row of the fractal
# (unless the index also gives the order and a LIMIT stops early, as on a list page).
SQLITE_WHOLE_FRACTAL = re.compile(r"\bSEARCH (\w+) USING (?:COVERING )?INDEX (\w+) \(root_id=\?\)$")
POSTGRES_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def explain(sql):
    """The plan of one captured SELECT and the full scans of large tables it shows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            lines = [row[-1] for row in cursor.fetchall()]
        elif connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}")
            lines = [row[0] for row in cursor.fetchall()]
        else:
            return Plan(sql, [f"EXPLAIN is not supported on {connection.vendor}"], [], [])
    findings, notes = [], []
    for line in lines:
        if connection.vendor == "sqlite":
            match = SQLITE_SCAN.search(line)
            if match and match.group(1) in LARGE_TABLES:
                table, index = match.group(1), match.group(3)
                findings.append(f"full scan of {table}" + (f" (whole index {index})" if index else ""))
            match = SQLITE_WHOLE_FRACTAL.search(line)
            if match and match.group(1) in LARGE_TABLES:
                table, index = match.group(1), match.group(2)
                notes.append(f"searches {table} by fractal alone ({index}): every row unless a LIMIT stops it")
        else:
            match = POSTGRES_SEQ_SCAN.search(line)
            if match and match.group(1) in LARGE_TABLES:
                findings.append(f"sequential scan of {match.group(1)}")
    return Plan(sql, lines, findings, notes)


def explain_results(results):
    """Plans of the SELECTs each measured page ran, keyed by measurement."""
    plans = {}
    for result in results:
        selects = [sql for sql in result.sql if sql.lstrip().upper().startswith("SELECT")]
        plans[result.key] = [explain(sql) for sql in selects]
    return plans


def format_plans(results, plans, verbose=False):
    lines = []
    for result in results:
        entries = plans.get(result.key, [])
        flagged = [plan for plan in entries if plan.findings]
        noted = [plan for plan in entries if plan.notes]
        lines.append(
            f"{result.label}: {len(entries)} SELECTs, {len(flagged)} with a full scan of a large table, "
            f"{len(noted)} searching by fractal alone"
        )
        for plan in entries if verbose else flagged + [plan for plan in noted if plan not in flagged]:
            lines.append(f"  SQL: {_shorten(plan.sql)}")
            for line in plan.lines:
                lines.append(f"      {line}")
            for finding in plan.findings:
                lines.append(f"    ! {finding}")
            for note in plan.notes:
                lines.append(f"    ~ {note}")
    return "\n".join(lines)


def _shorten(sql, limit=400):
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[: limit - 1] + "…"


def measure_legacy_import(scale=10, progress=None, keep_file=None):
    """Time and peak memory of importing a synthetic state-C legacy file of ``scale``× the reference
    size (a dry run: every row is inserted, then rolled back, so the database is left as it was)."""
    import os
    import resource
    import tempfile
    from pathlib import Path

    from ops.legacy import import_legacy
    from ops.legacy.synthetic import build_synthetic_legacy_file

    progress = progress or (lambda line: None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(keep_file) if keep_file else Path(folder) / f"legacy-{scale}x.db"
        if not path.exists():
            progress(f"Building a synthetic legacy file at {scale}× …")
            build_synthetic_legacy_file(path, scale)
        owner, _ = get_user_model().objects.get_or_create(username=f"{MARKER_PREFIX}legacy-import")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        load_before = [round(value, 2) for value in os.getloadavg()]
        started = time.perf_counter()
        report = import_legacy(path, owner, dry_run=True, progress=progress)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        load_after = [round(value, 2) for value in os.getloadavg()]
    return {
        "scale": scale,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_before_mb": round(before / 1024, 1),
        "rows_imported": sum(counts.imported for counts in report.tables.values()),
        # A shared machine: the wall time means little without the load it ran under (1, 5, 15 min).
        "load_average_before": load_before,
        "load_average_after": load_after,
        "budget_seconds": 90,
        "budget_mb": 400,
    }
