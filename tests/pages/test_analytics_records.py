"""Personal records over time on the analytics page, in the API and as CSV: a step chart per
series with each new record marked, a table of the sessions that set them (linked), dates in the
user's zone, the owner's only, and the same queries for a short and a long history."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from goals.models import Profile
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
)

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def bench(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Bench press", has_sets=True, metrics_multiplicative=True)
    weight = MetricDefinitionFactory(
        activity=activity, name="weight", unit="kg", is_top_set_metric=True, is_multiplicative=True, sort_order=0
    )
    reps = MetricDefinitionFactory(activity=activity, name="reps", unit="reps", is_multiplicative=True, sort_order=1)
    return activity, weight, reps


def lift(fractal, bench, moment, sets, name):
    activity, weight, reps = bench
    session = PracticeSessionFactory(root=fractal, name=name, started_at=moment, completed=True)
    instance = ActivityInstanceFactory(session=session, activity=activity)
    for number, (kg, count) in enumerate(sets, start=1):
        MetricValueFactory(instance=instance, metric=weight, set_number=number, value=kg)
        MetricValueFactory(instance=instance, metric=reps, set_number=number, value=count)
    return session


@pytest.fixture
def history(owner, fractal, bench):
    """Three sessions in New York; the second, at 22:30 on 9 Mar (10 Mar in UTC), sets both records."""
    profile = Profile.for_user(owner)
    profile.time_zone = "America/New_York"
    profile.save()
    owner.refresh_from_db()
    return [
        lift(fractal, bench, datetime.datetime(2026, 3, 2, 18, tzinfo=NEW_YORK), [(60, 5)], "First"),
        lift(fractal, bench, datetime.datetime(2026, 3, 9, 22, 30, tzinfo=NEW_YORK), [(65, 5)], "Heavier"),
        lift(fractal, bench, datetime.datetime(2026, 3, 16, 18, tzinfo=NEW_YORK), [(62.5, 5)], "Lighter"),
    ]


def page(client, fractal, bench, htmx=True, **params):
    """The records fragment the analytics page loads with htmx (or, without it, their page)."""
    activity, weight, _ = bench
    return client.get(
        reverse("analytics-records", kwargs={"root_id": fractal.pk}),
        {"activity": activity.pk, "metric": weight.pk, **params},
        headers={"HX-Request": "true"} if htmx else {},
    )


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_page_draws_a_step_chart_of_each_record_and_lists_them(owner_client, fractal, bench, history):
    response = page(owner_client, fractal, bench)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "HX-Request" in response["Vary"]
    records = html.split('id="records"')[1]
    charts = records.split('class="chart step-chart"')[1:]
    assert len(charts) == 2  # weight, and weight × reps
    weight_chart = charts[0].split("</svg>")[0]
    assert weight_chart.count('class="point baseline"') == 1 and weight_chart.count('class="point record"') == 1
    assert "new record 65 kg on 09 Mar 2026 (Heavier), was 60" in weight_chart  # the local day
    assert "first session 02 Mar 2026 (First), 60 kg" in weight_chart
    assert '<text class="unit"' in weight_chart and ">kg</text>" in weight_chart
    assert "step" in weight_chart.split("<polyline")[1]
    product_chart = charts[1].split("</svg>")[0]
    assert "new record 325 kg × reps" in product_chart
    table = records.split('class="data-table records-table"')[1].split("</table>")[0]
    heavier = reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": history[1].pk})
    assert table.count(f'href="{heavier}"') == 2
    assert "Mon 09 Mar 2026" in table and "Lighter" not in table
    assert "weight × reps" in table and "first session" in table


def test_the_analytics_page_loads_the_records_with_htmx_and_links_to_them_without(owner_client, fractal, bench):
    activity, weight, _ = bench
    html = owner_client.get(
        reverse("analytics", kwargs={"root_id": fractal.pk}), {"activity": activity.pk, "metric": weight.pk}
    ).content.decode()
    records_url = reverse("analytics-records", kwargs={"root_id": fractal.pk})
    assert f'hx-get="{records_url}?activity={activity.pk}&amp;metric={weight.pk}"' in html
    assert f'href="{records_url}?activity={activity.pk}&amp;metric={weight.pk}"' in html
    whole = page(owner_client, fractal, bench, htmx=False).content.decode()
    assert "<html" in whole and "Bench press: personal records" in whole


def test_a_bad_choice_of_records_is_400(owner_client, fractal, bench, stranger_fractal):
    activity, _, _ = bench
    foreign = MetricDefinitionFactory(activity=ActivityDefinitionFactory(root=stranger_fractal))
    address = reverse("analytics-records", kwargs={"root_id": fractal.pk})
    assert owner_client.get(address, {"activity": activity.pk, "metric": foreign.pk}).status_code == 400
    assert owner_client.get(address, {"activity": activity.pk, "start": "2026-02-30"}).status_code == 400


def test_an_activity_without_values_shows_no_records_yet(owner_client, fractal, bench):
    html = page(owner_client, fractal, bench).content.decode()
    assert "No personal records yet" in html


def test_the_records_csv_parses_back_to_the_records_in_the_users_zone(owner_client, fractal, bench, history):
    activity, weight, _ = bench
    rows = csv_rows(
        owner_client.get(
            reverse("analytics-csv", kwargs={"root_id": fractal.pk, "table": "records"}),
            {"activity": activity.pk, "metric": weight.pk},
        )
    )
    assert [
        tuple(row[key] for key in ("kind", "series", "session_name", "local_date", "value", "previous", "baseline"))
        for row in rows
    ] == [
        ("value", "weight", "First", "2026-03-02", "60", "", "yes"),
        ("product", "weight × reps", "First", "2026-03-02", "300", "", "yes"),
        ("value", "weight", "Heavier", "2026-03-09", "65", "60", "no"),
        ("product", "weight × reps", "Heavier", "2026-03-09", "325", "300", "no"),
    ]
    assert rows[2]["session_id"] == str(history[1].pk)
    assert rows[2]["achieved_at"] == "2026-03-10T02:30:00+00:00"


def test_the_api_gives_every_history_with_its_steps(owner, fractal, bench, history):
    activity, weight, _ = bench
    api = APIClient()
    api.force_authenticate(owner)
    body = api.get(
        f"/api/fractals/{fractal.pk}/analytics/activity-records/", {"activity": activity.pk, "metric": weight.pk}
    ).json()
    assert [(h["kind"], h["name"], h["unit"], h["lower_is_better"]) for h in body["histories"]] == [
        ("value", "weight", "kg", False),
        ("product", "weight × reps", "kg × reps", False),
    ]
    steps = body["histories"][0]["steps"]
    assert [(s["session_name"], s["local_date"], s["value"], s["previous"], s["baseline"]) for s in steps] == [
        ("First", "2026-03-02", 60.0, None, True),
        ("Heavier", "2026-03-09", 65.0, 60.0, False),
    ]
    assert steps[1]["session_id"] == str(history[1].pk)


def test_the_records_are_the_owners_only(owner, stranger, fractal, stranger_fractal, bench, history):
    activity, weight, _ = bench
    params = {"activity": activity.pk, "metric": weight.pk}
    address = f"/api/fractals/{fractal.pk}/analytics/activity-records/"
    owner_api, stranger_api, anonymous_api = APIClient(), APIClient(), APIClient()
    owner_api.force_authenticate(owner)
    stranger_api.force_authenticate(stranger)
    assert owner_api.get(address, params).status_code == 200
    assert stranger_api.get(address, params).status_code == 404
    assert anonymous_api.get(address, params).status_code in (401, 403)
    # the stranger's own fractal with this activity: refused as a foreign choice, never shown
    foreign = stranger_api.get(f"/api/fractals/{stranger_fractal.pk}/analytics/activity-records/", params)
    assert foreign.status_code == 400 and "Heavier" not in foreign.content.decode()
    assert owner_api.get(address, {"activity": activity.pk}).status_code == 400


@pytest.mark.parametrize("address", ["records-csv", "analytics-records"])
def test_the_records_page_and_csv_are_the_owners_only(
    owner_client, stranger_client, anonymous_client, fractal, bench, history, address
):
    activity, weight, _ = bench
    if address == "records-csv":
        address = reverse("analytics-csv", kwargs={"root_id": fractal.pk, "table": "records"})
    else:
        address = reverse(address, kwargs={"root_id": fractal.pk})
    params = {"activity": activity.pk, "metric": weight.pk}
    assert owner_client.get(address, params).status_code == 200
    assert stranger_client.get(address, params).status_code == 404
    response = anonymous_client.get(address, params)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_records_run_the_same_queries_for_a_short_and_a_long_history(
    owner, owner_client, fractal, bench, count_queries
):
    activity, weight, _ = bench
    api = APIClient()
    api.force_authenticate(owner)
    params = {"activity": activity.pk, "metric": weight.pk}
    addresses = [
        (api, f"/api/fractals/{fractal.pk}/analytics/activity-records/"),
        (owner_client, reverse("analytics-csv", kwargs={"root_id": fractal.pk, "table": "records"})),
        (owner_client, reverse("analytics-records", kwargs={"root_id": fractal.pk})),
        (owner_client, reverse("analytics", kwargs={"root_id": fractal.pk})),
    ]

    def run(client, address):
        response = client.get(address, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    def add(count, offset):
        base = datetime.datetime(2026, 1, 1, 12, tzinfo=UTC)
        for index in range(count):
            moment = base - datetime.timedelta(days=offset + index)
            lift(fractal, bench, moment, [(40 + index, 5)], f"S{offset + index}")

    add(3, 0)
    few = [count_queries(lambda c=c, a=a: run(c, a)) for c, a in addresses]
    add(40, 10)
    many = [count_queries(lambda c=c, a=a: run(c, a)) for c, a in addresses]
    assert few == many
