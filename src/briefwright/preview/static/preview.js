// briefwright preview: follow the server's events and show the newest brief without reloading the page.
"use strict";
(() => {
  const brief = document.getElementById("brief");
  const problems = document.getElementById("problems");
  const panel = document.getElementById("panel");
  const status = document.getElementById("status");
  const pdfLink = document.getElementById("show-pdf");
  let shownVersion = -1;
  let shownPdf = -1;        // the version whose PDF the pane shows (-1: it shows the HTML)
  let wantPdf = false;      // the reader chose the PDF: each new version shows as HTML, then as PDF once laid out

  document.getElementById("show-html").addEventListener("click", () => { wantPdf = false; shownPdf = -1; });
  pdfLink.addEventListener("click", (event) => {
    event.preventDefault();
    if (pdfLink.getAttribute("aria-disabled") === "true") return;
    wantPdf = true;
    refresh().catch((e) => { status.textContent = String(e); });
  });

  function keepScroll(frame, url) {
    let y = 0;
    try { y = frame.contentWindow.scrollY; } catch (e) { y = 0; }
    frame.addEventListener("load", () => {
      try { frame.contentWindow.scrollTo(0, y); } catch (e) { /* a PDF viewer */ }
    }, { once: true });
    frame.src = url;
  }

  async function refresh() {
    const state = await (await fetch("/state.json", { cache: "no-store" })).json();
    document.title = (state.title ? state.title + " · " : "") + "briefwright preview";
    problems.hidden = state.ok;
    brief.hidden = !state.ok;
    problems.innerHTML = state.problems;
    if (state.ok) panel.innerHTML = state.panel;
    const ready = state.pdf === "ready";
    pdfLink.setAttribute("aria-disabled", String(!ready));
    pdfLink.href = "/brief.pdf?v=" + state.version;
    status.textContent = state.ok
      ? `HTML in ${state.seconds.toFixed(2)} s · PDF: ${ready ? "laid out in " + state.pdf_seconds.toFixed(2) + " s" : state.pdf}`
      : `${state.problems ? "problems: the brief is not shown" : ""}`;
    document.body.dataset.version = state.version;
    document.body.dataset.pdf = state.pdf;
    if (!state.ok) return;
    if (ready && wantPdf) {
      if (shownPdf !== state.version) {
        shownVersion = shownPdf = state.version;
        brief.src = "/brief.pdf?v=" + state.version;
      }
    } else if (state.version !== shownVersion || shownPdf !== -1) {
      shownVersion = state.version;
      shownPdf = -1;
      keepScroll(brief, "/brief.html?v=" + state.version);
    }
    document.body.dataset.showing = shownPdf === state.version ? "pdf" : "html";
  }

  const events = new EventSource("/events");
  events.addEventListener("update", () => { refresh().catch((e) => { status.textContent = String(e); }); });
  events.onerror = () => { status.textContent = "the preview server stopped"; };
})();
