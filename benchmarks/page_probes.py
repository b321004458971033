"""What the browser benchmark runs inside the pages: the floor page, a websocket recorder, page
milestones and the timer of one control change (all measured with the page's own clock,
``performance.now()``), kept apart from the Python that drives them."""

from __future__ import annotations

# The floor: a static page with a select that rewrites a number; no server work, no framework.
FLOOR_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head>
<body><div class="widget-hbox"><div class="fc-label">Setting</div>
<select id="s"><option value="1.0000">hospital or ASC</option>
<option value="1.4178">office</option></select></div>
<div class="fc-total" id="n">Allowed, whole claim: $1,402.86</div>
<script>
const s = document.getElementById("s"), n = document.getElementById("n");
s.addEventListener("change", () => {
  const v = 1402.86 * Number(s.value);
  n.textContent = "Allowed, whole claim: $" + v.toLocaleString("en-US",
    {minimumFractionDigits: 2, maximumFractionDigits: 2});
});
</script></body></html>"""

# Before the page's own scripts: record every websocket frame (time, direction, whether it is a
# kernel status "idle", the widget state keys a frame sent by the page carries), and when the page
# becomes usable (a control and the notebook's number shown) and a chart is drawn (axis labels).
INIT = """(() => {
  window.__ws = []; window.__times = {};
  const dec = new TextDecoder();
  const text = (d) => typeof d === "string" ? d
    : (d instanceof ArrayBuffer && d.byteLength < 400000) ? dec.decode(d) : "";
  const rec = (dir, d) => {
    const s = text(d);
    const found = dir === "out" ? s.matchAll(/"(_js2py_\\w+|value|index)"\\s*:/g) : [];
    const keys = [...new Set([...found].map(m => m[1]))];
    const meta = /"msg_type"\\s*:\\s*"comm_msg"/.test(s) ? "comm" : "";
    window.__ws.push({t: performance.now(), dir, bytes: s.length, keys, meta,
                      idle: /"execution_state"\\s*:\\s*"idle"/.test(s)});
  };
  const Orig = window.WebSocket;
  class Recorded extends Orig {
    constructor(...args) { super(...args); this.addEventListener("message", (e) => rec("in", e.data)); }
    send(d) { rec("out", d); return super.send(d); }
  }
  window.WebSocket = Recorded;
  const seen = (name, ok) => {
    if (ok && !(name in window.__times)) window.__times[name] = performance.now();
  };
  const check = () => {
    const want = window.__number || [".fc-total", ""];
    const nums = [...document.querySelectorAll(want[0])].filter(e => e.textContent.includes(want[1]));
    seen("usable", (document.querySelector(".widget-toggle-button") || document.querySelector("select"))
                   && nums.some(e => /\\d/.test(e.textContent)));
    seen("chart", document.querySelector(".js-plotly-plot .yaxislayer-above text"));
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true});
})()"""

MILESTONES_DONE = "(want) => 'usable' in window.__times && (!want || 'chart' in window.__times)"

# One control change: click button `index` of the toggle row labelled `label` (or pick option
# `index` of the floor's select), then report, in ms from just before the click: when the number
# (first element matching `numSel` that contains `numText`) changed, when each plotly chart last
# emitted a draw event, when the kernel last said "idle", and the widget keys the page sent back
# after its own change (the "echo"). Resolves once nothing has happened for `settle` ms.
TIME_CHANGE = """async ([label, index, numSel, numText, settle, timeout]) => {
  const lab = [...document.querySelectorAll(".fc-label")].find(e => e.textContent.trim() === label);
  const row = lab.closest(".widget-hbox");
  const select = row.querySelector("select");
  const buttons = [...row.querySelectorAll(".widget-toggle-button")];
  const numbers = () => [...document.querySelectorAll(numSel)].filter(e => e.textContent.includes(numText))
    .map(e => e.textContent).join("|");
  const before = numbers();
  const plots = [...document.querySelectorAll(".js-plotly-plot")];
  const res = {number: null, charts: plots.map(() => null), idle: null, echo: [], timedOut: false};
  const start = window.__ws.length;
  let last = performance.now();
  const t0 = last;
  const drawn = plots.map((p, i) => () => {
    res.charts[i] = performance.now() - t0; last = performance.now();
  });
  const events = ["plotly_afterplot", "plotly_restyle", "plotly_relayout", "plotly_update"];
  plots.forEach((p, i) => p.on && events.forEach(ev => p.on(ev, drawn[i])));
  const obs = new MutationObserver(() => {
    last = performance.now();
    if (res.number === null && numbers() !== before) res.number = last - t0;
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
  if (select) { select.selectedIndex = index; select.dispatchEvent(new Event("change")); }
  else buttons[index].click();
  return await new Promise((resolve) => {
    const timer = setInterval(() => {
      const frames = window.__ws.slice(start);
      const now = performance.now();
      const lastFrame = frames.length ? frames[frames.length - 1].t : 0;
      const quiet = now - Math.max(last, lastFrame) >= settle;
      const late = now - t0 > timeout;
      if (!((res.number !== null && quiet) || late)) return;
      clearInterval(timer); obs.disconnect();
      plots.forEach((p, i) => p.removeListener && events.forEach(ev => p.removeListener(ev, drawn[i])));
      const idles = frames.filter(f => f.dir === "in" && f.idle);
      res.idle = idles.length ? idles[idles.length - 1].t - t0 : null;
      const out = frames.filter(f => f.dir === "out" && f.meta === "comm");
      res.echo = out.slice(1).map(f => f.keys.join("+") || "?");
      res.timedOut = late;
      resolve(res);
    }, 20);
  });
}"""
