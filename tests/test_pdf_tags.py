"""A table that breaks across pages is one PDF/UA Table: its header once, every row, every MCID referenced once."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import MarginBox

from briefwright.render.pdf_tags import mend_tags

from .test_figures import rendered  # noqa: F401  (the fixture: a brief with a figure, a short and a long table)


def long_table(name: str, rows: int) -> str:
    body = "".join(f"<tr><td>{name} {n}</td><td>{n * 7}</td></tr>" for n in range(1, rows + 1))
    return (f"<table><caption>{name}</caption><thead><tr><th>Name</th><th>Value</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


SHORT_TABLE = "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
FIGURE = ('<img alt="A square" src="data:image/svg+xml,'
          '%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2220%22 height=%2220%22/%3E">')


def pdf_ua(body: str, merged: bool = True) -> bytes:
    """`body` written as PDF/UA-1 by WeasyPrint, with the split tables merged or as WeasyPrint tags them."""
    html = f'<html lang="en"><head><title>T</title></head><body>{body}</body></html>'
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"0" * 32,
                                       finisher=mend_tags if merged else None)


def elements(node, parent=None):
    """(structure element or MCID, its parent) under `node`, in tree order."""
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from elements(child, parent)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node, parent
        if "/K" in node:
            yield from elements(node.K, node)
    elif isinstance(node, int):
        yield node, parent


def tables(pdf) -> list:
    return [node for node, _ in elements(pdf.Root.StructTreeRoot.K) if not isinstance(node, int) and node.S == "/Table"]


def kids(node) -> list:
    return [kid for kid in node.K if isinstance(kid, pikepdf.Dictionary)]


def marked_content_problems(pdf) -> list[str]:
    """What is wrong with the MCIDs: each page's stream against the tree and the ParentTree.

    Each MCID a page's content stream marks must be referenced exactly once by the
    structure tree, by an element whose /Pg is that page and whose /P is its parent,
    and the page's ParentTree array (its /StructParents) must map it back to that
    element; every MCID the tree references must be marked on its page. Content
    outside the tree (WeasyPrint's running heads and page numbers) must be an
    artifact, carrying no MCID.
    """
    problems = []
    held = Counter()
    for node, parent in elements(pdf.Root.StructTreeRoot.K):
        if isinstance(node, int):
            held[(parent.Pg.objgen, node, parent.objgen)] += 1
        elif parent is not None and node.P.objgen != parent.objgen:
            problems.append(f"{node.S} names a /P that is not its parent")
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    marked_anywhere = set()
    for page in pdf.pages:
        marked = [int(m) for m in re.findall(rb"/MCID (\d+)", page.Contents.read_bytes())]
        marked_anywhere |= {(page.objgen, mcid) for mcid in marked}
        parents = tree[int(page.StructParents)]
        if sorted(marked) != list(range(len(parents))):
            problems.append(f"page {page.index + 1}: MCIDs {sorted(marked)[:5]}… against {len(parents)} parents")
            continue
        for mcid in marked:
            count = held[(page.objgen, mcid, parents[mcid].objgen)]
            others = sum(n for (pg, m, _), n in held.items() if pg == page.objgen and m == mcid) - count
            if count != 1 or others:
                problems.append(f"page {page.index + 1}: MCID {mcid} referenced {count} times by its parent, "
                                f"{others} by others")
    problems += [f"MCID {mcid} of the tree is marked on no page" for pg, mcid, _ in held
                 if (pg, mcid) not in marked_anywhere]
    return problems


PAGE_FURNITURE = ("<style>@page { size: 400px 300px; @top-center { content: string(title) }"
                  " @bottom-right { content: \"Page \" counter(page) } @left-middle { content: \"Side\" } }"
                  " h1 { string-set: title content() } p { break-after: page }</style>")


def furniture(page) -> list[tuple[str, float]]:
    """(subtype, or "-", of each Pagination artifact on the page; the height its text is set at, from the top)."""
    found, open_sequences = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC":
            properties = operands[1]
            pagination = properties.get("/Type") == "/Pagination"
            open_sequences.append(str(properties.get("/Subtype", "-")) if pagination else None)
        elif str(operator) == "BMC":
            open_sequences.append(None)
        elif str(operator) == "EMC":
            open_sequences.pop()
        elif str(operator) == "Tm" and open_sequences and open_sequences[-1]:
            found.append((open_sequences[-1], float(operands[5])))   # WeasyPrint's pages count y down, in px
    return found


def same_drawing(first: bytes, second: bytes, tmp_path) -> None:
    """Both PDFs give the same text (pdftotext) and the same pixels (pdftoppm), page by page."""
    for name, data in (("first", first), ("second", second)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
    texts = [subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True,
                            check=True).stdout for name in ("first", "second")]
    assert texts[0] == texts[1] and texts[0].strip()
    pictures = sorted(tmp_path.glob("first-*.png"))
    assert pictures and len(pictures) == len(list(tmp_path.glob("second-*.png")))
    for picture in pictures:
        assert picture.read_bytes() == (tmp_path / picture.name.replace("first", "second")).read_bytes(), picture.name


def qpdf_check(data: bytes, tmp_path) -> None:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_table_over_three_pages_is_one_table_with_its_header_once_and_every_row_in_order(tmp_path):
    data = pdf_ua(long_table("Row", 120))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 3
        [table] = tables(pdf)
        assert [str(k.S) for k in kids(table)] == ["/Caption", "/THead", "/TBody"]
        caption, head, body = kids(table)
        [header] = kids(head)
        assert [str(cell.S) for cell in kids(header)] == ["/TH", "/TH"]
        rows = kids(body)
        assert len(rows) == 120 and all(row.P.objgen == body.objgen for row in rows)
        pages = [pdf.pages.index(row.Pg) for row in rows]
        assert pages == sorted(pages) and set(pages) == {0, 1, 2}
        ids = [str(cell.ID) for cell in kids(header)]
        assert all([str(h) for h in cell.A.Headers] == [ids[i]]
                   for row in rows for i, cell in enumerate(kids(row)))
        assert marked_content_problems(pdf) == []
    qpdf_check(data, tmp_path)


def test_the_repeated_headers_are_drawn_as_artifacts():
    def artifacts(data):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return [page.Contents.read_bytes().count(b"/Artifact") for page in pdf.pages]

    merged, as_weasyprint_tags_it = artifacts(pdf_ua(long_table("Row", 120))), artifacts(pdf_ua(long_table("Row", 120), False))
    assert [m - w for m, w in zip(merged, as_weasyprint_tags_it)] == [0, 2, 2]   # two header cells a page


def test_two_long_tables_stay_two_tables_each_whole(tmp_path):
    data = pdf_ua(long_table("First", 70) + long_table("Second", 70))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = tables(pdf)
        assert len(found) == 2
        for table, name in zip(found, ("First", "Second")):
            assert [str(k.S) for k in kids(table)] == ["/Caption", "/THead", "/TBody"]
            assert len(kids(kids(table)[2])) == 70
        pages = {name: {pdf.pages.index(row.Pg) for row in kids(kids(t)[2])} for t, name in zip(found, "AB")}
        assert len(pages["A"]) > 1 and len(pages["B"]) > 1 and pages["A"] & pages["B"]   # both break, one shared page
        assert marked_content_problems(pdf) == []
    qpdf_check(data, tmp_path)


def test_a_short_table_and_a_figure_are_left_as_weasyprint_writes_them():
    body = f"<p>Before.</p>{SHORT_TABLE}{FIGURE}"
    assert pdf_ua(body) == pdf_ua(body, merged=False)


def test_identical_input_gives_identical_bytes():
    assert pdf_ua(long_table("Row", 120)) == pdf_ua(long_table("Row", 120))


def test_a_table_whose_header_holds_a_link_is_left_as_weasyprint_tags_it():
    table = long_table("Row", 120).replace("<th>Name</th>", '<th><a href="#x">Name</a></th>')
    body = f'{table}<p id="x">X</p>'
    assert pdf_ua(body) == pdf_ua(body, merged=False)


def test_the_long_table_of_a_brief_is_one_table_and_its_marked_content_stays_valid(rendered, tmp_path):  # noqa: F811
    qpdf_check((rendered / "build" / "t.pdf").read_bytes(), tmp_path)
    with pikepdf.open(rendered / "build" / "t.pdf") as pdf:
        long = tables(pdf)[-1]
        assert [str(k.S) for k in kids(long)] == ["/Caption", "/THead", "/TBody"]
        assert len({pdf.pages.index(row.Pg) for row in kids(kids(long)[2])}) > 1
        assert marked_content_problems(pdf) == []


def test_poppler_reads_the_long_table_of_a_brief_as_one_table_its_header_once_its_rows_in_order(rendered):  # noqa: F811
    tree = subprocess.run(["pdfinfo", "-struct-text", str(rendered / "build" / "t.pdf")],
                          capture_output=True, text=True, check=True).stdout
    long = tree.split("Table (block)")[-1]
    texts = re.findall(r'^\s*"(.*)"$', long, flags=re.MULTILINE)
    assert tree.count("Table (block)") == 2 and texts.count("Year") == 1
    assert [t for t in texts if re.fullmatch(r"20\d\d", t)] == [str(2000 + n) for n in range(1, 91)]


def test_the_check_of_marked_content_sees_a_dangling_mcid():
    """The check itself: an MCID whose element is taken out of the tree is reported."""
    with pikepdf.open(io.BytesIO(pdf_ua(SHORT_TABLE))) as pdf:
        [table] = tables(pdf)
        table.K = pikepdf.Array(list(table.K)[:-1])    # drop the TBody, its cells' MCIDs left marked
        assert marked_content_problems(pdf)


def test_each_tbody_of_a_long_table_stays_its_own_tbody_with_its_rows():
    table = long_table("Row", 120).replace("<tr><td>Row 61<", "</tbody><tbody><tr><td>Row 61<")
    with pikepdf.open(io.BytesIO(pdf_ua(table))) as pdf:
        [merged] = tables(pdf)
        assert [str(k.S) for k in kids(merged)] == ["/Caption", "/THead", "/TBody", "/TBody"]
        assert [len(kids(body)) for body in kids(merged)[2:]] == [60, 60]
        assert marked_content_problems(pdf) == []


def test_a_long_table_with_a_footer_is_left_as_weasyprint_tags_it():
    footed = long_table("Row", 120).replace("<tbody>", "<tfoot><tr><td>All</td><td>0</td></tr></tfoot><tbody>")
    assert pdf_ua(footed) == pdf_ua(footed, merged=False)


def test_a_long_table_holding_a_table_is_left_as_weasyprint_tags_it():
    nesting = long_table("Row", 120).replace("<td>Row 5</td>", f"<td>{SHORT_TABLE}</td>")
    assert pdf_ua(nesting) == pdf_ua(nesting, merged=False)


def test_a_long_table_with_a_cell_split_over_pages_is_left_as_weasyprint_tags_it():
    tall = long_table("Row", 20).replace("<td>Row 10</td>", "<td>" + "word " * 3000 + "</td>")
    assert pdf_ua(tall) == pdf_ua(tall, merged=False)


def test_links_in_the_caption_and_the_cells_of_a_long_table_are_kept_in_the_one_table(tmp_path):
    table = (long_table("Row", 120).replace("<caption>Row", '<caption><a href="#x">Row</a>')
             .replace("<td>Row 100</td>", '<td><a href="#x">Row 100</a></td>'))
    data = pdf_ua(f'{table}<p id="x">X</p>')
    with pikepdf.open(io.BytesIO(data)) as pdf:
        [merged] = tables(pdf)
        assert [str(k.S) for k in kids(merged)] == ["/Caption", "/THead", "/TBody"]
        links = [node for node, _ in elements(merged) if not isinstance(node, int) and node.S == "/Link"]
        assert len(links) == 2 and len(kids(kids(merged)[2])) == 120
        assert marked_content_problems(pdf) == []
    qpdf_check(data, tmp_path)


def three_pages_with_furniture(extra: str = "") -> str:
    return PAGE_FURNITURE + "<h1>The title</h1>" + "".join(f"<p>Page {n}.</p>" for n in (1, 2, 3)) + extra


def test_running_heads_page_numbers_and_side_notes_are_pagination_artifacts_by_their_place(tmp_path):
    data = pdf_ua(three_pages_with_furniture())
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 3
        for page in pdf.pages:
            found = furniture(page)
            assert sorted(kind for kind, _ in found) == ["-", "/Footer", "/Header"]
            height = float(page.MediaBox[3]) / 0.75
            assert all(y < height / 2 for kind, y in found if kind == "/Header")
            assert all(y > height / 2 for kind, y in found if kind == "/Footer")
        assert marked_content_problems(pdf) == []
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        assert all(len(nums[i + 1]) == len(re.findall(rb"/MCID", pdf.pages[int(nums[i])].Contents.read_bytes()))
                   for i in range(0, 6, 2))
    qpdf_check(data, tmp_path)


def test_as_weasyprint_tags_them_the_running_heads_fail_the_check():
    """Why the artifacts: WeasyPrint's own tagging marks them with MCIDs of elements outside the tree."""
    with pikepdf.open(io.BytesIO(pdf_ua(three_pages_with_furniture(), merged=False))) as pdf:
        problems = marked_content_problems(pdf)
        assert len(problems) == 9 and all("referenced 0 times" in problem for problem in problems)
        assert all(furniture(page) == [] for page in pdf.pages)


def test_the_furniture_and_a_long_table_are_drawn_as_before_same_text_same_pixels(tmp_path):
    body = three_pages_with_furniture(long_table("Row", 60))
    same_drawing(pdf_ua(body), pdf_ua(body, merged=False), tmp_path)


def test_a_long_table_under_running_heads_is_one_table_with_every_mcid_referenced_once(tmp_path):
    data = pdf_ua(three_pages_with_furniture(long_table("Row", 60)))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        [table] = tables(pdf)
        assert len({pdf.pages.index(row.Pg) for row in kids(kids(table)[2])}) > 1
        assert all(sorted(kind for kind, _ in furniture(page)) == ["-", "/Footer", "/Header"] for page in pdf.pages)
        assert marked_content_problems(pdf) == []
    qpdf_check(data, tmp_path)


def test_identical_input_with_running_heads_gives_identical_bytes():
    assert pdf_ua(three_pages_with_furniture()) == pdf_ua(three_pages_with_furniture())


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """The example briefs built as PDF/UA-1, mended as `briefwright build` does, and as WeasyPrint tags them."""
    import briefwright.render.pdf
    from briefwright.build import BuildOptions
    from briefwright.regen.rebuild import build_stale
    from briefwright.workspace import Workspace

    from .conftest import REPO

    root = tmp_path_factory.mktemp("examples")
    for folder in ("seeds", "templates", "data"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "briefs").mkdir()
    outlines = [shutil.copy(path, root / "briefs") for path in sorted((REPO / "briefs").glob("*.yaml"))]
    built = {}
    with pytest.MonkeyPatch.context() as patch:
        for kind in ("mended", "as tagged"):
            if kind == "as tagged":
                patch.setattr(briefwright.render.pdf, "mend_tags", lambda document, pdf: None)
            options = BuildOptions(output=root / kind, pdf_variant="ua-1")
            outcomes = build_stale(Workspace.at(root), [Path(o) for o in outlines], options, force=True, jobs=1)
            assert [o.status for o in outcomes] == ["built"] * len(outlines), [o.messages for o in outcomes]
            built[kind] = {Path(o).stem: (root / kind / f"{Path(o).stem}.pdf").read_bytes() for o in outlines}
    return built


def test_the_example_briefs_as_pdf_ua_reference_every_mcid_once_their_furniture_artifacts(examples, tmp_path):
    assert len(examples["mended"]) == 2
    for name, data in examples["mended"].items():
        qpdf_check(data, tmp_path)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert marked_content_problems(pdf) == [], name
            kinds = [{kind for kind, _ in furniture(page)} for page in pdf.pages]
            assert all("/Footer" in found for found in kinds), name           # the page number, at least
            assert all("/Header" in found for found in kinds[1:-1]), name     # the running title
        with pikepdf.open(io.BytesIO(examples["as tagged"][name])) as pdf:
            assert marked_content_problems(pdf), name


def test_the_example_briefs_mended_are_drawn_as_weasyprint_draws_them(examples, tmp_path):
    for name, data in examples["mended"].items():
        (tmp_path / name).mkdir()
        same_drawing(data, examples["as tagged"][name], tmp_path / name)


def test_furniture_its_margin_boxes_not_matched_becomes_plain_artifacts(tmp_path):
    def without_margin_boxes(document, pdf):       # as if the boxes told nothing of the marked content
        for page in document.pages:
            page._page_box.children = [box for box in page._page_box.children if not isinstance(box, MarginBox)]
        mend_tags(document, pdf)

    html = f'<html lang="en"><head><title>T</title></head><body>{three_pages_with_furniture()}</body></html>'
    data = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"0" * 32, finisher=without_margin_boxes)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert marked_content_problems(pdf) == []
        assert all(furniture(page) == [] and page.Contents.read_bytes().count(b"/Artifact\nBMC") == 3
                   for page in pdf.pages)
    qpdf_check(data, tmp_path)
