// flatclosure: a lean front end for plotly's FigureWidget (flatclosure/plotly_bundle.py).
// It draws with plotly.js's partial "cartesian" bundle (bar, scatter, heatmap and a few more),
// fetched from the Jupyter server by a script tag so the browser caches it, and applies the
// kernel's messages (_py2js_*) with plotly.js's own functions. It sends nothing back after a
// redraw: plotly's own view sent its computed defaults, which kept the kernel busy.
const FILE = "%(file)s";
const NEED_BUNDLE = "%(need)s";
const TYPED = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array,
  uint16: Uint16Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array };
const latest = new WeakMap(); // model -> the last drawn element, for a later view of the model
let loading = null;

function assetUrl() {
  const el = document.getElementById("jupyter-config-data");
  const cfg = el ? JSON.parse(el.textContent) : {};
  const base = cfg.fullLabextensionsUrl || (cfg.baseUrl || "/") + "lab/extensions";
  return new URL(base.replace(/\/$/, "") + "/" + FILE, document.baseURI).href;
}

function plotly() {
  if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
  loading = loading || new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = assetUrl();
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")));
    script.onerror = () => { loading = null; reject(new Error("cannot load " + script.src)); };
    document.head.appendChild(script);
  });
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

function listen(model, el, P) {
  const on = (name, apply) => {
    const handler = () => {
      const msg = model.get(name);
      if (msg) apply(js(msg));
    };
    model.on("change:" + name, handler);
    return () => model.off("change:" + name, handler);
  };
  return [
    on("_py2js_restyle", (m) => P.restyle(el, m.restyle_data, m.restyle_traces)),
    on("_py2js_relayout", (m) => P.relayout(el, m.relayout_data)),
    on("_py2js_update", (m) => P.update(el, m.style_data, m.layout_data, m.style_traces)),
    on("_py2js_addTraces", (m) => P.addTraces(el, m.trace_data)),
    on("_py2js_deleteTraces", (m) => P.deleteTraces(el, m.delete_inds)),
    on("_py2js_moveTraces", (m) => P.moveTraces(el, m.current_trace_inds, m.new_trace_inds)),
    on("_py2js_animate", (m) => P.animate(el, m.animation_data, m.animation_opts)),
  ];
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
    const fromModel = !last || !last.data;
    const data = fromModel ? js(model.get("_widget_data")) : clone(last.data);
    const layout = fromModel ? js(model.get("_widget_layout")) : clone(last.layout);
    if (!layout.height) layout.height = 360;
    const config = { ...(model.get("_config") || {}), editSelection: false, responsive: true };
    await P.newPlot(el, data, layout, config);
    latest.set(model, el);
    const stop = listen(model, el, P);
    return () => {
      stop.forEach((off) => off());
      if (latest.get(model) === el) latest.set(model, { data: clone(el.data), layout: clone(el.layout) });
      P.purge(el);
    };
  },
};
