"""Layout checks a browser can measure, for any workbook page (Lab or Voila) at any width.

Each returns a list of plain-words problems (empty when the page is clean), so a test can assert
``== []`` and print what it found. Apply them to a page once its widgets have rendered::

    from .layout import layout_problems
    assert layout_problems(page) == []

* ``overflowing``: text wider than its box and cut (scrollWidth > clientWidth on table cells,
  widget labels, toggle buttons, readouts, notes), e.g. a clipped "$195.37" or a label cut off;
* ``overlapping``: sibling blocks of a widget box whose boxes overlap (a legend over a title is
  caught by ``plot_text``);
* ``plot_text``: text of a plotly chart outside its svg (clipped axis titles and bar labels) or
  text nodes overlapping or touching each other (labels running together, "15.0015.00");
* ``cut_tables``: tables wider than what shows of them with no visible way to scroll.
"""

from __future__ import annotations

import base64
from typing import Any

OVERFLOWING = """() => {
  const sel = 'td, th, caption, .fc-label, .widget-label, .widget-readout, .widget-toggle-button,'
            + ' .fc-note, .fc-total, .widget-html-content > div';
  const out = [];
  for (const e of document.querySelectorAll(sel)) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(e);
    if (e.scrollWidth > e.clientWidth + 1 && style.overflowX !== 'auto'
        && style.overflowX !== 'scroll')
      out.push(`text overflows its box (${e.scrollWidth} > ${e.clientWidth} px): `
               + `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} `
               + JSON.stringify(e.textContent.trim().slice(0, 60)));
  }
  return out;
}"""

OVERLAPPING = """() => {
  const out = [];
  const boxes = document.querySelectorAll('.widget-vbox, .widget-hbox');
  for (const box of boxes) {
    const kids = [...box.children].filter(k => {
      const r = k.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      const a = kids[i].getBoundingClientRect(), b = kids[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2)
        out.push(`blocks overlap by ${Math.round(w)}x${Math.round(h)} px: `
                 + JSON.stringify(kids[i].textContent.trim().slice(0, 40)) + ' and '
                 + JSON.stringify(kids[j].textContent.trim().slice(0, 40)));
    }
  }
  return out;
}"""

PLOT_TEXT = r"""() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) continue;
    const frame = svg.getBoundingClientRect();
    const title = (plot.querySelector('.gtitle') || {}).textContent || 'untitled chart';
    const texts = [...plot.querySelectorAll('text')].filter(t => t.textContent.trim() &&
      getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().width > 0);
    const rects = texts.map(t => t.getBoundingClientRect());
    texts.forEach((t, i) => {
      const r = rects[i];
      if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1
          || r.bottom > frame.bottom + 1)
        out.push(`${title}: text outside the chart: ${JSON.stringify(t.textContent)}`);
    });
    // slanted tick labels: their boxes overlap by design while the glyphs do not
    const slanted = t => !!t.closest('.xtick, .ytick') && /rotate\((?!0\b)/.test(
      t.getAttribute('transform') || '');
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      if (texts[i].contains(texts[j]) || texts[j].contains(texts[i])) continue;
      if (slanted(texts[i]) && slanted(texts[j])) continue;
      const a = rects[i], b = rects[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      // closer than 2 px side by side reads as one label ("15.0015.00")
      if (w > -2 && h > 1)
        out.push(`${title}: texts overlap or touch: ${JSON.stringify(texts[i].textContent)} and `
                 + JSON.stringify(texts[j].textContent));
    }
  }
  return out;
}"""

CUT_TABLES = """() => {
  const out = [];
  for (const table of document.querySelectorAll('table')) {
    const r = table.getBoundingClientRect();
    if (r.width === 0) continue;
    let e = table.parentElement, scrolls = false, clip = null;
    while (e && e !== document.body) {
      const s = getComputedStyle(e);
      if (/auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth) { scrolls = true; break; }
      if (/hidden|clip/.test(s.overflowX) && !clip) clip = e;
      e = e.parentElement;
    }
    const edge = clip ? clip.getBoundingClientRect().right : document.documentElement.clientWidth;
    if (!scrolls && r.right > edge + 1)
      out.push(`table cut off at the right by ${Math.round(r.right - edge)} px: `
               + JSON.stringify((table.caption || table).textContent.trim().slice(0, 50)));
  }
  return out;
}"""


def overflowing(page: Any) -> list[str]:
    return list(page.evaluate(OVERFLOWING))


def overlapping(page: Any) -> list[str]:
    return list(page.evaluate(OVERLAPPING))


def plot_text(page: Any) -> list[str]:
    return list(page.evaluate(PLOT_TEXT))


def cut_tables(page: Any) -> list[str]:
    return list(page.evaluate(CUT_TABLES))


def layout_problems(page: Any) -> list[str]:
    """Every measurable overlap or clipping on the page."""
    return overflowing(page) + overlapping(page) + plot_text(page) + cut_tables(page)


# Compares two PNG screenshots inside the browser (no imaging library needed): the share of pixels
# whose colour differs by more than 48 levels in any channel, after scaling both to the reference.
PNG_DIFF = """async ([a, b]) => {
  const load = src => new Promise((ok, bad) => {
    const img = new Image(); img.onload = () => ok(img); img.onerror = bad; img.src = src; });
  const [ia, ib] = [await load(a), await load(b)];
  const w = ia.width, h = ia.height;
  const pixels = img => { const c = document.createElement('canvas'); c.width = w; c.height = h;
    const x = c.getContext('2d'); x.drawImage(img, 0, 0, w, h); return x.getImageData(0, 0, w, h).data; };
  const pa = pixels(ia), pb = pixels(ib);
  let differ = 0;
  for (let i = 0; i < pa.length; i += 4)
    if (Math.abs(pa[i] - pb[i]) > 48 || Math.abs(pa[i+1] - pb[i+1]) > 48
        || Math.abs(pa[i+2] - pb[i+2]) > 48) differ++;
  return {differ: differ / (w * h), size: [ia.width, ia.height, ib.width, ib.height]};
}"""


def png_difference(page: Any, reference: bytes, shot: bytes) -> dict[str, Any]:
    """How much two PNGs differ (share of pixels, and both sizes), measured by the browser."""
    def url(data: bytes) -> str:
        return "data:image/png;base64," + base64.b64encode(data).decode()

    blank = page.context.new_page()
    try:
        return dict(blank.evaluate(PNG_DIFF, [url(reference), url(shot)]))
    finally:
        blank.close()
