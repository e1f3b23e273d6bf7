"""Realistic source documents made from the seed texts, for the import tests, the example
workspace and the benchmark: a saved news page with site furniture around one article, a
two-column journal PDF (page labels from 41, running heads, footnotes, hyphenation) and a
Word file with footnotes. Nothing here is a third-party page.

Run as a script to (re)write the example workspace's originals:
    .venv/bin/python tests/import_fixtures.py seeds/originals
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

KAZIMBEYLI = SEEDS / "001_2aadb1dbeed98bb9.txt"
CIJ = SEEDS / "004_d9afcd8eee5beb88.txt"


def seed_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def news_article_paragraphs() -> list[str]:
    """kazimbeyli-2017's own article paragraphs (the seed's lines after its page furniture)."""
    return seed_lines(KAZIMBEYLI)[5:]


FURNITURE = ["Subscribe to our newsletter", "Advertisement", "Most read this week",
             "Leave A Reply", "Cookie settings"]


HEADLINE = "New Defense Triangle Emerges Between Azerbaijan, Turkey, Pakistan"
TEST_HEADLINE = "A Defense Triangle for the Tests"   # so that tests do not meet the example's own copy


def news_page(paragraphs: list[str] | None = None, *, padding_comments: int = 3,
              headline: str = HEADLINE) -> bytes:
    """A saved news page: navigation, adverts, related links and comments around the article."""
    paragraphs = news_article_paragraphs() if paragraphs is None else paragraphs
    body = "\n".join(f"      <p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    comments = "\n".join(
        f'    <li class="comment"><span class="who">reader{n}</span>'
        f"<p>Comment number {n}: I disagree with the analysis of the defence pact entirely.</p></li>"
        for n in range(1, padding_comments + 1))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{headline} | Caspian News</title>
  <meta name="author" content="Yaver Kazimbeyli">
  <meta property="og:title" content="{headline}">
  <meta property="og:site_name" content="Caspian News">
  <meta property="og:type" content="article">
  <meta property="og:url" content="https://caspian-news.example/defense-triangle">
  <meta property="article:published_time" content="2017-12-05T09:00:00+04:00">
  <link rel="canonical" href="https://caspian-news.example/defense-triangle">
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/"><img src="/logo.png" alt="Newsroom logo"></a>
    <nav><ul><li><a href="/politics">Politics</a></li><li><a href="/economy">Economy</a></li>
      <li><a href="/energy">Energy</a></li><li><a href="/culture">Culture</a></li></ul></nav>
    <p class="updated">Last update: April 26, 2024 00:19</p>
  </header>
  <div class="advert">{FURNITURE[1]}: Fly to Baku this winter, fares from 199 euros. Book now.</div>
  <main>
    <article>
      <h1>{headline}</h1>
      <p class="byline">By <a rel="author" href="/authors/kazimbeyli">Yaver Kazimbeyli</a>
        <time datetime="2017-12-05">December 5, 2017</time></p>
{body}
    </article>
    <aside class="related"><h2>{FURNITURE[2]}</h2><ul>
      <li><a href="/a">Caspian sturgeon numbers recover</a></li>
      <li><a href="/b">Ten things to do in Baku</a></li></ul></aside>
  </main>
  <section id="comments" class="comments"><h2>{FURNITURE[3]}</h2><ol>
{comments}
  </ol></section>
  <footer><p>{FURNITURE[0]}</p><p>© Caspian News. All rights reserved. {FURNITURE[4]}</p></footer>
</body>
</html>
"""
    return page.encode("utf-8")


def no_article_page() -> bytes:
    """A page of navigation only: no article body."""
    return (b"<!DOCTYPE html><html><head><title>Index</title></head><body><nav><ul>"
            b"<li><a href='/a'>Politics</a></li><li><a href='/b'>Economy</a></li></ul></nav>"
            b"<footer>(c) Example</footer></body></html>")


# --- the journal PDF ------------------------------------------------------------------

FOOTNOTES = {
    1: "Agreement on Strategic Partnership, signed in Baku, 2012.",
    2: "Joint Declaration of the High-Level Strategic Dialogue, 2014.",
    3: "Ministry of Foreign Affairs of Azerbaijan, press release, 2016.",
}


NOTE_AFTER_PARAGRAPH = {0: 1, 2: 2, 4: 3}  # paragraph index → footnote number


def journal_paragraphs() -> list[str]:
    """cij-2017's article paragraphs: its abstract and body (the seed's lines after its header)."""
    return seed_lines(CIJ)[5:]


JOURNAL_CSS = """
@page { size: A4; margin: 24mm 20mm 22mm 20mm;
        @bottom-center { content: counter(page); font: 9pt serif; } }
@page :left { @top-left { content: "Caucasus International Journal"; font: italic 9pt serif; } }
@page :right { @top-right { content: "Response to Regional Challenges"; font: italic 9pt serif; } }
@page :first { counter-reset: page FIRSTPAGE; @top-right { content: none; } }
html { font: 11pt/1.4 serif; hyphens: auto; text-align: justify; }
h1 { font-size: 16pt; text-align: left; hyphens: manual; margin: 0 0 4mm 0; }
.meta { font-style: italic; margin: 0 0 6mm 0; text-align: left; }
.columns { columns: 2; column-gap: 8mm; }
p { margin: 0; text-indent: 1.5em; }
p.first { text-indent: 0; }
.fn { float: footnote; font-size: 8pt; text-indent: 0; text-align: left; }
"""


def journal_html(paragraphs: list[str], first_page: int) -> str:
    parts = []
    for index, text in enumerate(paragraphs):
        escaped = html.escape(text, quote=False)
        note = NOTE_AFTER_PARAGRAPH.get(index)
        if note:
            escaped += f'<span class="fn">{html.escape(FOOTNOTES[note])}</span>'
        css_class = ' class="first"' if index == 0 else ""
        parts.append(f"<p{css_class}>{escaped}</p>")
    css = JOURNAL_CSS.replace("FIRSTPAGE", str(first_page))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Response to Regional Challenges: Why Strategic Partnership of Azerbaijan and Pakistan is Important?</title>
<meta name="dcterms.created" content="2017-12-20T00:00:00Z">
<meta name="keywords" content="Caucasus International Journal">
<style>{css}</style></head><body>
<h1>Response to Regional Challenges: Why Strategic Partnership of Azerbaijan and Pakistan is Important?</h1>
<p class="meta">Caucasus International Journal; Volume 7, No. 2, Winter 2017</p>
<div class="columns">{''.join(parts)}</div></body></html>"""


def journal_pdf(paragraphs: list[str] | None = None, *, first_page: int = 41) -> bytes:
    """A two-column journal article PDF whose /PageLabels start at `first_page`."""
    import weasyprint
    from pypdf import PdfReader, PdfWriter

    paragraphs = journal_paragraphs() if paragraphs is None else paragraphs
    raw = weasyprint.HTML(string=journal_html(paragraphs, first_page)).write_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    writer.set_page_label(0, len(writer.pages) - 1, style="/D", start=first_page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


COMPOUNDS_CSS = """@page { size: A5; margin: 20mm }
html { font: 11pt/1.4 serif; hyphens: manual; text-align: justify; text-align-last: justify }
p { margin: 0 0 4mm 0 }"""
# each paragraph breaks its line after a hyphen (<br>), as a typesetter does at a compound or a syllable
COMPOUND_BREAKS = [
    ("Pakistan has long backed the right of self-<br>defence of Azerbaijan and its people.", "self-defence"),
    ("Its well-known ties with Baku and Ankara are, as every observer of the region says, a well-<br>known fact.",
     "a well-known fact"),
    ("The bilateral rela-<br>tionship grew; the relationship is old.", "The bilateral relationship grew"),
    ("Economic co-<br>operation began late, and cooperation stayed thin.", "Economic cooperation began"),
    ("Both were non-<br>aligned once; neither is aligned now.", "Both were non-aligned once"),
    ("A partner, for ex-<br>ample, in trade.", "for example, in trade"),
]


def compounds_pdf() -> bytes:
    """A page whose lines end in hyphens: of compounds (self-defence) and of syllables (rela-tionship)."""
    import weasyprint

    body = "".join(f"<p>{text}</p>" for text, _ in COMPOUND_BREAKS)
    return weasyprint.HTML(string=f"<style>{COMPOUNDS_CSS}</style>{body}").write_pdf()


def long_journal_pdf(pages: int = 30) -> bytes:
    """About `pages` pages of journal text (the article repeated), for the benchmark."""
    from pypdf import PdfReader

    body, repeats = journal_paragraphs(), max(1, round(pages / 1.4))   # the article fills 1.4 pages
    while True:
        data = journal_pdf(body * repeats)
        if len(PdfReader(io.BytesIO(data)).pages) >= pages:
            return data
        repeats += 1


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(journal_pdf(journal_paragraphs()[:2]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_fonts_pdf() -> bytes:
    """A journal PDF whose fonts lost their /ToUnicode maps: its text does not map to characters."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(journal_pdf(journal_paragraphs()[:2]))))
    for page in writer.pages:
        fonts = page["/Resources"]["/Font"]
        for name in fonts:
            font = fonts[name].get_object()
            if "/ToUnicode" in font:
                del font[NameObject("/ToUnicode")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF whose page is only a picture (no text layer), as a scanner writes it."""
    import weasyprint

    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4"
             "nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==")
    page = f'<html><body><img src="{pixel}" style="width:170mm;height:240mm"></body></html>'
    return weasyprint.HTML(string=page).write_pdf()


# --- the Word file --------------------------------------------------------------------

def word_markdown() -> str:
    paragraphs = journal_paragraphs()[:3]
    paragraphs[0] += "[^1]"
    paragraphs[2] += "[^2]"
    notes = "\n\n".join(f"[^{n}]: {FOOTNOTES[n]}" for n in (1, 2))
    return ("---\ntitle: \"Response to Regional Challenges\"\nauthor: \"Nigar Aliyeva\"\n"
            "date: 2017-12-20\n---\n\n" + "\n\n".join(paragraphs) + "\n\n" + notes + "\n")


def word_docx() -> bytes:
    """A .docx with two footnotes, written by pandoc."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    result = subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", "-"],
                            input=word_markdown().encode("utf-8"), capture_output=True, check=True)
    return result.stdout


def write_example_originals(folder: Path) -> list[Path]:
    """Write the example workspace's originals: the news page and the journal PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (("caspian-news-defense-triangle.html", news_page()),
                       ("cij-2017-journal.pdf", journal_pdf())):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/import_fixtures.py FOLDER")
    for written_path in write_example_originals(Path(sys.argv[1])):
        print(f"wrote {written_path}")
