// flatclosure: a lean front end for plotly's FigureWidget (flatclosure/plotly_bundle.py).
// It draws with plotly.js's partial "cartesian" bundle (bar, scatter, heatmap and a few more),
// fetched from the Jupyter server by a script tag so the browser caches it, and applies the
// kernel's messages (_py2js_*) with plotly.js's own functions, one redraw per message. It sends
// nothing back after a redraw: plotly's own view sent its computed defaults, which kept the
// kernel busy.
const FILE = "%(file)s";
const NEED_BUNDLE = "%(need)s";
const SHOWN = "%(shown)s"; // "this view was made": the kernel sends the figure as it is now, if changed
const TYPED = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array,
  uint16: Uint16Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array };
const latest = new WeakMap(); // model -> the last drawn element, for a later view of the model
let loading = null;
// The page's first draws, one per task: a page's charts all wait for plotly.js and then drew in one
// go, so the first appeared only with the last (notebook 01: three charts).
let drawing = Promise.resolve();
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

function assetUrl() {
  const el = document.getElementById("jupyter-config-data");
  const cfg = el ? JSON.parse(el.textContent) : {};
  const base = cfg.fullLabextensionsUrl || (cfg.baseUrl || "/") + "lab/extensions";
  return new URL(base.replace(/\/$/, "") + "/" + FILE, document.baseURI).href;
}

function load() {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = assetUrl();
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")));
    script.onerror = () => { loading = null; reject(new Error("cannot load " + script.src)); };
    document.head.appendChild(script);
  });
}

function plotly() {
  if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
  // the app's Voila page fetches it from its head (share/jupyter/voila/templates/flatclosure)
  const early = window.flatclosurePlotly;
  loading = loading || (typeof early === "function" ? early().catch(load) : load());
  return loading;
}

// plotly's Python serializer: 1-D numeric numpy arrays arrive as {buffer, dtype, shape};
// "_undefined_" stands for a property to reset.
function js(value) {
  if (value === "_undefined_") return undefined;
  if (Array.isArray(value)) return value.map(js);
  if (value && typeof value === "object") {
    // JupyterLab's widget manager hands a buffer over as an ArrayBuffer, Voila's as a DataView
    const buf = value.buffer;
    if ((buf instanceof ArrayBuffer || ArrayBuffer.isView(buf)) && TYPED[value.dtype]) {
      const T = TYPED[value.dtype];
      if (buf instanceof ArrayBuffer) return new T(buf.slice(0));
      return new T(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    }
    if (value instanceof DataView || ArrayBuffer.isView(value)) return value;
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = js(v);
    return out;
  }
  return value;
}

const clone = (value) => (typeof structuredClone === "function"
  ? structuredClone(value) : JSON.parse(JSON.stringify(value)));

// The figure messages plotly's Python side sends (basewidget.py), in the order plotly applies them.
const KINDS = ["_py2js_deleteTraces", "_py2js_addTraces", "_py2js_moveTraces", "_py2js_update",
  "_py2js_restyle", "_py2js_relayout", "_py2js_animate"];

// The plotly calls of one kernel message: a restyle, a relayout and an update (the workbook's
// charts send one of them, or a pair) become one Plotly.update, so the chart is redrawn once.
function calls(P, el, m) {
  const out = [];
  const del = m._py2js_deleteTraces, add = m._py2js_addTraces, move = m._py2js_moveTraces;
  if (del) out.push(() => P.deleteTraces(el, del.delete_inds));
  if (add) out.push(() => P.addTraces(el, add.trace_data));
  if (move) out.push(() => P.moveTraces(el, move.current_trace_inds, move.new_trace_inds));
  const up = m._py2js_update, re = m._py2js_restyle, lay = m._py2js_relayout;
  if (up && re) out.push(() => P.restyle(el, re.restyle_data, re.restyle_traces));
  if (up || re || lay) {
    const style = up ? up.style_data : re ? re.restyle_data : {};
    const traces = up ? up.style_traces : re ? re.restyle_traces : undefined;
    const layout = { ...(up ? up.layout_data : {}), ...(lay ? lay.relayout_data : {}) };
    out.push(() => P.update(el, style, layout, traces));
  }
  const anim = m._py2js_animate;
  if (anim) out.push(() => P.animate(el, anim.animation_data, anim.animation_opts));
  return out;
}

// The figure as the model's synced state has it (sent with the page, or again by the kernel when
// a view made after changes asks for it).
function modelFigure(model) {
  const layout = js(model.get("_widget_layout"));
  if (!layout.height) layout.height = 360;
  return { data: js(model.get("_widget_data")), layout };
}

// Applies each kernel message (one model "change": every key the message set) once it is whole;
// the draws of successive messages run one after the other.
function listen(model, el, P, first, config) {
  let pending = {};
  let queue = first;
  const whole = () => { pending.whole = true; };
  const flush = () => {
    const todo = pending.whole ? [() => {
      const fig = modelFigure(model);
      return P.react(el, fig.data, fig.layout, config);
    }] : calls(P, el, pending);
    pending = {};
    for (const call of todo) queue = queue.then(call).catch((e) => console.error("flatclosure", e));
  };
  const handlers = KINDS.map((name) => [name, () => {
    const msg = model.get(name);
    if (!msg) return;
    if (name in pending) flush(); // a second message before the first was applied: keep both
    pending[name] = js(msg);
  }]);
  for (const [name, handler] of handlers) model.on("change:" + name, handler);
  model.on("change:_widget_data", whole);
  model.on("change:_widget_layout", whole);
  model.on("change", flush);
  return () => {
    for (const [name, handler] of handlers) model.off("change:" + name, handler);
    model.off("change:_widget_data", whole);
    model.off("change:_widget_layout", whole);
    model.off("change", flush);
  };
}

export default {
  async render({ model, el }) {
    let P;
    try {
      P = await plotly();
    } catch (error) {
      console.warn("flatclosure: plotly.js not served here, asking the kernel", error);
      el.textContent = "Loading the chart...";
      model.send({ type: NEED_BUNDLE });
      return undefined;
    }
    const last = latest.get(model);
    const fig = !last || !last.data ? modelFigure(model)
      : { data: clone(last.data), layout: clone(last.layout) };
    const config = { ...(model.get("_config") || {}), editSelection: false, responsive: true };
    const turn = drawing;
    const drawn = turn.then(() => P.newPlot(el, fig.data, fig.layout, config));
    drawing = drawn.catch(() => undefined).then(nextTask);
    // messages arriving meanwhile wait for the first draw
    const stop = listen(model, el, P, drawn, config);
    await drawn;
    latest.set(model, el);
    // the kernel sends only changes: a view made after some asks for the figure as it is now
    model.send({ type: SHOWN });
    return () => {
      stop();
      if (latest.get(model) === el) latest.set(model, { data: clone(el.data), layout: clone(el.layout) });
      P.purge(el);
    };
  },
};
