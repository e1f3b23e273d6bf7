// briefwright preview: follow the server's events and show the newest brief without reloading the page.
"use strict";
(() => {
  const brief = document.getElementById("brief");
  const problems = document.getElementById("problems");
  const panel = document.getElementById("panel");
  const status = document.getElementById("status");
  const pdfLink = document.getElementById("show-pdf");
  let shownVersion = -1;
  let showing = "html";

  document.getElementById("show-html").addEventListener("click", () => { showing = "html"; });
  pdfLink.addEventListener("click", (event) => {
    if (pdfLink.getAttribute("aria-disabled") === "true") { event.preventDefault(); return; }
    showing = "pdf";
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
    if (state.ok && state.version !== shownVersion) {
      shownVersion = state.version;
      keepScroll(brief, "/brief.html?v=" + state.version);
      showing = "html";
    } else if (state.ok && ready && showing === "pdf") {
      brief.src = pdfLink.href;
    }
  }

  const events = new EventSource("/events");
  events.addEventListener("update", () => { refresh().catch((e) => { status.textContent = String(e); }); });
  events.onerror = () => { status.textContent = "the preview server stopped"; };
})();
