"""Findings of an acceptance audit against the contract (docs: outline format, threats), one test each.

Each test runs the real command line in a copy of the example workspace and checks what the
contract promises: messages at `file:line:col`, exit codes, nothing printed raw or unverified.
"""

from __future__ import annotations

import pytest

from .conftest import MINIMAL


def outline_with(write_outline, header: str = "", heading: str = "Background", body: str = '"Plain."'):
    """A small outline: `header` lines after the title, one section `heading` whose only block is `body`."""
    text = MINIMAL.format(body=body).replace("heading: Background", f"heading: {heading}")
    return write_outline(text.replace('title: "A test brief"\n', 'title: "A test brief"\n' + header))


# -- a citation where the value is printed as typed ------------------------------------------

@pytest.mark.parametrize("header, heading, expected", [
    ("", "'Background [@trt-2021, para. 3]'", "test.yaml:3:26: error: heading: a citation here"),
    ("subtitle: 'Brief [see @trt-2021]'\n", "Background", "test.yaml:2:18: error: subtitle: a citation here"),
    ("", "'After @trt-2021 spoke'", "test.yaml:3:21: error: heading: a citation here"),
    ("authors:\n  - name: A. Analyst\n    affiliation: 'Institute [@trt-2021'\n", "Background",
     "test.yaml:4:29: error: affiliation: a citation here"),
])
def test_a_citation_in_a_heading_or_the_title_block_is_an_error_not_printed_raw(
        run, write_outline, header, heading, expected):
    outline_with(write_outline, header, heading)
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert expected in result.output


def test_an_at_sign_inside_a_word_in_a_heading_is_text(run, write_outline):
    outline_with(write_outline, "publisher: 'Example Institute (press@example.org)'\n", "'Write to editor@example.org'")
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 0, result.output
