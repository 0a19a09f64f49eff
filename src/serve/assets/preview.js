// bipgen preview: follows the build through Server-Sent Events. A good build reloads the
// content in place, keeping the reader's scroll position; a configuration with errors
// shows them over the last good preview, which stays.
(() => {
  "use strict";
  const overlay = document.getElementById("bipgen-overlay");
  const status = document.getElementById("bipgen-status");
  let shown = document.body.dataset.shown;

  async function showFindings(visible) {
    if (!visible) {
      overlay.hidden = true;
      overlay.replaceChildren();
      return;
    }
    const response = await fetch("/diagnostics", { cache: "no-store" });
    // The server escapes every text of the fragment.
    overlay.innerHTML = "<h2>The configuration has errors</h2>" + (await response.text());
    overlay.hidden = false;
  }

  function reloadFrame(frame) {
    let x = 0;
    let y = 0;
    try {
      x = frame.contentWindow.scrollX;
      y = frame.contentWindow.scrollY;
    } catch (e) {}
    frame.addEventListener(
      "load",
      () => {
        try {
          frame.contentWindow.scrollTo(x, y);
        } catch (e) {}
      },
      { once: true },
    );
    const url = new URL(frame.getAttribute("src"), location.href);
    url.searchParams.set("build", shown);
    frame.src = url.pathname + url.search;
  }

  async function reloadContent() {
    const frame = document.getElementById("bipgen-frame");
    if (frame) {
      reloadFrame(frame);
      return;
    }
    const response = await fetch(location.pathname, { cache: "no-store" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("content");
    const content = document.getElementById("content");
    if (fresh && content) content.replaceWith(document.importNode(fresh, true));
  }

  const events = new EventSource("/events");
  events.addEventListener("build", async (event) => {
    const build = JSON.parse(event.data);
    status.textContent = build.text;
    document.body.dataset.generation = build.generation;
    document.body.dataset.ok = build.ok;
    if (build.shown !== null && String(build.shown) !== shown) {
      shown = String(build.shown);
      document.body.dataset.shown = shown;
      await reloadContent();
    }
    await showFindings(!build.ok);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-open]");
    if (button) fetch("/open/" + button.dataset.open, { method: "POST" });
  });
})();
