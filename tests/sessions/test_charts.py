"""The SVG chart builder: scales, ticks, markers with tooltips, escaping."""

import datetime
import re
import xml.etree.ElementTree as ET

from insights.charts import Bar, Point, Series, bar_chart, format_number, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)


def parse(svg):
    return ET.fromstring(str(svg))


def test_nice_ticks_start_at_zero_and_cover_the_data():
    assert nice_ticks(3, 87) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 4) == [0, 1, 2, 3, 4]


def test_nice_ticks_handle_negative_and_flat_data():
    assert nice_ticks(-3, 7) == [-4, -2, 0, 2, 4, 6, 8]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_format_number_is_short():
    assert [format_number(v) for v in (80.0, 7.5, 1250, 0.3333)] == ["80", "7.5", "1,250", "0.33"]


def test_line_chart_draws_a_marker_with_a_tooltip_per_point():
    series = Series(
        "Top set",
        [Point(DAY, 80, "Monday: 80 kg"), Point(DAY + datetime.timedelta(days=2), 85, "Wednesday: 85 kg")],
    )
    root = parse(line_chart([series], title="Bench press", unit="kg"))
    circles = root.findall(f".//{SVG}circle")
    assert [circle.find(f"{SVG}title").text for circle in circles] == ["Monday: 80 kg", "Wednesday: 85 kg"]
    # the higher value is drawn higher up (smaller y)
    assert float(circles[1].get("cy")) < float(circles[0].get("cy"))
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "kg" in texts  # the unit on the y axis
    assert "03 Nov" in texts and "04 Nov" in texts  # date ticks on the calendar days inside the range
    assert "100" in texts  # a y tick above the data


def test_line_chart_escapes_every_text():
    series = Series("<b>avg</b>", [Point(DAY, 1, "<script>alert(1)</script>")])
    svg = str(line_chart([series], title="A & <B>", unit="<u>"))
    assert "<script>" not in svg and "<b>" not in svg and "<u>" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)  # still well-formed


def test_line_chart_without_points_says_so():
    svg = line_chart([Series("Top set", [])], title="Nothing", empty_message="No values recorded yet.")
    assert "No values recorded yet." in svg
    assert "<circle" not in svg


def test_bar_chart_draws_one_bar_per_category_with_heights_in_proportion():
    root = parse(bar_chart([Bar("w1", 2), Bar("w2", 4), Bar("w3", 0)], title="Sessions", unit="sessions"))
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    heights = [float(bar.get("height")) for bar in bars]
    assert len(bars) == 3
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    assert re.search(r"w2: 4 sessions", bars[1].find(f"{SVG}title").text)


def test_charts_take_their_size_from_the_caller():
    bars = parse(bar_chart([Bar("w1", 2), Bar("w2", 4)], title="Sessions", width=480, height=240))
    lines = parse(line_chart([Series("s", [Point(DAY, 1)])], title="Line", width=500, height=200))
    assert bars.get("viewBox") == "0 0 480 240"
    assert lines.get("viewBox") == "0 0 500 200"
