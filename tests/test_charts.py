"""Charts (render/charts.py): matplotlib SVG from CSV rows, byte-identical for identical data."""

from __future__ import annotations

import io
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from briefwright.render.charts import ChartProblem, ChartSpec, ChartStyle, chart_svg, laid_out_chart

TRADE = "Year,Exports,Imports\n2014,18.7,4.2\n2015,\"1,020.5\",6.1\n2016,22.0,\n2017,30.4,9.9\n"
STYLE = ChartStyle(colours=("#0f5c6e", "#a4442a"))
SVG = "{http://www.w3.org/2000/svg}"
IN_A_FRESH_PROCESS = """
import sys
from briefwright.render.charts import ChartSpec, ChartStyle, chart_svg
sys.stdout.buffer.write(chart_svg(sys.argv[1], ChartSpec(sys.argv[2]), ChartStyle(colours=("#0f5c6e", "#a4442a"))))
"""


def groups(svg: bytes) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


@pytest.mark.parametrize("kind", ["bar", "line"])
def test_identical_data_give_identical_bytes_even_in_another_process(kind):
    first = chart_svg(TRADE, ChartSpec(kind), STYLE)
    again = subprocess.run([sys.executable, "-c", IN_A_FRESH_PROCESS, TRADE, kind],
                           check=True, capture_output=True).stdout
    assert first == again
    assert b"<dc:date>" not in first
    assert chart_svg(TRADE.replace("30.4", "31.4"), ChartSpec(kind), STYLE) != first


def test_a_bar_chart_draws_one_bar_per_row_and_series_in_the_theme_colours():
    svg = chart_svg(TRADE, ChartSpec("bar", y_label="US$ million"), STYLE)
    bars = {name: g for name, g in groups(svg).items() if name.startswith("bar-")}
    assert sorted(bars) == sorted(f"bar-{s}-{r}" for s in (1, 2) for r in (1, 2, 3, 4))
    assert "#0f5c6e" in ElementTree.tostring(bars["bar-1-1"], encoding="unicode")
    assert "#a4442a" in ElementTree.tostring(bars["bar-2-4"], encoding="unicode")
    text = svg.decode()
    for label in ("2014", "2017", "US$ million", "Exports", "Imports"):   # matplotlib notes each text drawn
        assert f"<!-- {label} -->" in text, label


def test_a_bar_is_as_tall_as_its_value():
    svg = chart_svg("Year,Exports\n2014,10\n2015,30\n", ChartSpec("bar"), STYLE)
    heights = {}
    for name, g in groups(svg).items():
        if name.startswith("bar-"):
            path = g.find(f"{SVG}path").get("d").split()
            ys = [float(v) for v in path if v.replace(".", "").replace("-", "").isdigit()][1::2]
            heights[name] = max(ys) - min(ys)
    assert heights["bar-1-2"] == pytest.approx(3 * heights["bar-1-1"], rel=0.01)


def test_a_line_chart_has_one_line_per_series_through_its_points_and_skips_gaps():
    svg = chart_svg(TRADE, ChartSpec("line"), STYLE)
    lines = groups(svg)
    exports, imports = lines["line-1"], lines["line-2"]
    assert ElementTree.tostring(exports, encoding="unicode").count(" L ") == 3       # four points
    assert ElementTree.tostring(imports, encoding="unicode").count(" L ") == 2       # 2016 is blank
    assert "#0f5c6e" in ElementTree.tostring(exports, encoding="unicode")


@pytest.mark.parametrize(("data", "spec", "message"), [
    ("Year,Exports\n2014,lots\n", ChartSpec("bar"), "row 2, column 'Exports': 'lots' is not a number"),
    ("Year,Exports\n", ChartSpec("bar"), "a chart needs a header row and at least one row of data"),
    ("Year,Exports\n2014,1\n", ChartSpec("bar", series=("Imports",)), "no column 'Imports'"),
    ("Year,Exports\n2014,1\n", ChartSpec("pie"), "unknown chart type 'pie'"),
])
def test_data_that_cannot_be_drawn_is_a_plain_message(data, spec, message):
    with pytest.raises(ChartProblem, match=message.replace("(", r"\(").replace("$", r"\$")):
        chart_svg(data, spec, STYLE)


NARROW_STEPS = "Year,Exports,Imports\n2015,10.2,8.5\n2016,11.0,9.1\n2017,12.4,9.8\n"


@pytest.mark.parametrize("data", [NARROW_STEPS, TRADE, "Item,US$ million\nA,18.7\nB,100\n",
                                  "Year,Share\n2019,0.0012\n2020,0.0031\n", "Year,Value\n2019,-1250000\n2020,3400000\n"])
@pytest.mark.parametrize("kind", ["bar", "line"])
@pytest.mark.parametrize("height_mm", [45, 60, 70, 90])
def test_every_label_and_the_legend_lie_inside_the_picture(data, kind, height_mm):
    """A label the layout made no room for is cut off at the picture's edge ("2.5" printed for "12.5")."""
    with laid_out_chart(data, ChartSpec(kind, height_mm=height_mm), STYLE) as canvas:
        canvas.print_svg(io.BytesIO())            # the labels as finally drawn
        figure = canvas.figure
        renderer = figure._get_renderer()
        page = figure.bbox
        axes = figure.axes[0]
        low, high = sorted(axes.get_ylim())
        shown = [label for label in axes.get_yticklabels() if label.get_text() and low <= label.get_position()[1] <= high]
        shown += [label for label in axes.get_xticklabels() if label.get_text()]
        assert len(shown) >= 3
        for artist in shown + ([axes.get_legend()] if axes.get_legend() else []):
            box = artist.get_window_extent(renderer)
            assert (box.x0 >= page.x0 - 0.5 and box.x1 <= page.x1 + 0.5 and box.y0 >= page.y0 - 0.5
                    and box.y1 <= page.y1 + 0.5), f"{artist} at {box} outside {page}"
