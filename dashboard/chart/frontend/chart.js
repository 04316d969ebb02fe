// The app's charts: plotly.js plots drawn once per chart key, then updated in place.
//
// Streamlit calls `render` again, with the same parent element, whenever the payload changes.
// We keep each plot's div and call Plotly.react on it, so the camera, zoom and legend toggles
// survive a rerun. A payload holds one or more panels (a 3D surface beside its contour map):
// they sit side by side while each gets `minWidth` pixels and stack otherwise, decided here in
// the browser, where the width is known. Big traces (a surface, a filled contour) arrive once
// with a "$hash" and then as {"$ref": hash}; a reference we do not hold asks Python to send
// everything again ("missing").

const PLOTLY_URL = new URL("../dashboard.chart.component.plotlyjs/plotly.min.js", import.meta.url);
const MAX_CACHED = 64; // traces kept by hash (Python assumes at most half of that)
const cache = new Map(); // hash -> trace, least recently used first
const groups = new WeakMap(); // parent element -> group state
let plotlyPromise = null;

function loadPlotly() {
  // A classic script: plotly.min.js is a UMD bundle that sets window.Plotly. Whatever was
  // there before (Streamlit's own chart element may have set one) is put back.
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const previous = window.Plotly;
      const script = document.createElement("script");
      script.src = PLOTLY_URL.href;
      script.async = true;
      script.onload = () => {
        const ours = window.Plotly;
        if (previous !== undefined) window.Plotly = previous;
        resolve(ours);
      };
      script.onerror = () => {
        plotlyPromise = null;
        reject(new Error(`could not load ${PLOTLY_URL.href}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyPromise;
}

function remember(hash, trace) {
  cache.delete(hash);
  cache.set(hash, trace);
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value);
}

// Swap {"$ref": hash} for the cached trace (the same object, so Plotly.react sees it unchanged
// and does not recompute it) and cache traces that carry a "$hash".
function resolveTraces(traces) {
  const out = [];
  for (const t of traces) {
    if (t && t.$ref !== undefined) {
      const known = cache.get(t.$ref);
      if (known === undefined) return { missing: t.$ref };
      remember(t.$ref, known);
      out.push(known);
    } else if (t && t.$hash !== undefined) {
      const { $hash, ...trace } = t;
      remember($hash, trace);
      out.push(trace);
    } else {
      out.push(t);
    }
  }
  return { traces: out };
}

function cameraFrom(event) {
  // plotly reports a finished rotation as {"scene.camera": {eye, up, center, projection}}.
  const cam = event && event["scene.camera"];
  if (!cam || !cam.eye) return null;
  const xyz = (v, d) => (v ? { x: +v.x, y: +v.y, z: +v.z } : d);
  return { eye: xyz(cam.eye), up: xyz(cam.up, { x: 0, y: 0, z: 1 }), center: xyz(cam.center, { x: 0, y: 0, z: 0 }) };
}

// Plotly.react puts the layout's camera back after a user's rotation, so each panel keeps the
// user's camera itself and applies it to every update, until Python asks for another camera by
// changing scene.uirevision (a camera preset, "reset view", a link).
function applyCamera(panel, layout) {
  const scene = layout.scene;
  if (!scene) return;
  if (panel.camRev !== scene.uirevision) {
    panel.camRev = scene.uirevision;
    panel.camera = scene.camera || null;
  } else if (panel.camera) {
    scene.camera = panel.camera;
  }
}

function newPanel(group, name) {
  const gd = document.createElement("div");
  gd.className = "lsq-chart";
  gd.dataset.panel = name;
  gd.setAttribute("role", "img");
  gd.style.flex = `1 1 ${group.minWidth}px`;
  gd.style.minWidth = "0";
  return { name, gd, camRev: undefined, camera: null, plotted: false };
}

function newGroup(parent) {
  const root = document.createElement("div");
  root.className = "lsq-charts";
  root.style.display = "flex";
  root.style.flexWrap = "wrap";
  root.style.gap = "12px 24px";
  root.style.width = "100%";
  parent.appendChild(root);
  const group = { root, panels: new Map(), queue: Promise.resolve(), minWidth: 420, observer: null };
  if (typeof ResizeObserver !== "undefined") {
    // Opening the sidebar changes our width without a window resize event.
    let frame = 0;
    group.observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const Plotly = window.__lsqPlotly;
        if (!Plotly) return;
        // A panel that is hidden or already gone (a view switch) has nothing to resize.
        for (const p of group.panels.values()) if (p.plotted && p.gd.isConnected && p.gd.offsetParent) Plotly.Plots.resize(p.gd);
      });
    });
    group.observer.observe(root);
  }
  groups.set(parent, group);
  return group;
}

// A layout's transition (paths gliding to their new place) only between figures of the same
// make: plotly.js tweens marker by marker, and a trace that appears, vanishes or changes type
// mid-tween is drawn from garbage (invalid SVG arcs in the console).
const BYTES = { f8: 8, f4: 4, i4: 4, u4: 4, i2: 2, u2: 2, i1: 1, u1: 1, u1c: 1 };

function count(v) {
  // Points in a trace's x: a plain or typed array, or plotly's {dtype, bdata} before decoding.
  if (!v) return 0;
  if (v.length !== undefined) return v.length;
  if (v.bdata === undefined) return -1;
  const pad = v.bdata.endsWith("==") ? 2 : v.bdata.endsWith("=") ? 1 : 0;
  return ((v.bdata.length * 3) / 4 - pad) / (BYTES[v.dtype] || 1);
}

function sameMake(gd, traces, frames) {
  const old = gd.data || [];
  return !frames && !gd._transitionData?._frames?.length && old.length === traces.length
    && old.every((t, i) => t.type === traces[i].type && count(t.x) === count(traces[i].x));
}

async function drawPanel(Plotly, panel, spec, traces, args) {
  const { gd } = panel;
  gd.setAttribute("aria-label", spec.alt || "chart");
  applyCamera(panel, spec.layout);
  panel.clickable = Boolean(spec.clickable);
  if (spec.layout.transition && !(panel.plotted && sameMake(gd, traces, spec.frames))) delete spec.layout.transition;
  const figure = { data: traces, layout: spec.layout, config: spec.config };
  if (spec.frames) figure.frames = spec.frames;
  if (!panel.plotted) {
    await Plotly.newPlot(gd, figure);
    panel.plotted = true;
    gd.on("plotly_click", (event) => {
      // A click on a point: Python decides what it means (the Spectrum view sets a run's η and β).
      const points = (event && event.points) || [];
      if (!points.length || !panel.clickable) return;
      const p = points[0];
      args.setTriggerValue("click", {
        panel: panel.name, x: p.x, y: p.y, curve: p.curveNumber, point: p.pointNumber,
        customdata: p.customdata === undefined ? null : p.customdata,
      });
    });
    gd.on("plotly_relayout", (event) => {
      // A finished rotation: keep it here and tell Python, which keeps it across view
      // switches and writes it into the link.
      const cam = cameraFrom(event);
      if (cam) {
        panel.camera = cam;
        args.setStateValue("camera", { panel: panel.name, ...cam });
      }
    });
  } else if (spec.layout.transition) {
    Plotly.react(gd, figure); // not awaited: the next update must not wait for a tween to end
  } else {
    await Plotly.react(gd, figure);
  }
}

async function draw(group, payload, args) {
  const Plotly = await loadPlotly();
  window.__lsqPlotly = Plotly;
  const resolved = payload.panels.map((spec) => resolveTraces(spec.data));
  const missing = resolved.find((r) => r.missing !== undefined);
  if (missing) {
    args.setTriggerValue("missing", missing.missing);
    return;
  }
  group.minWidth = payload.minWidth || group.minWidth;
  // Keep panels by name, in the payload's order; drop the ones it no longer has.
  const names = payload.panels.map((spec) => spec.name);
  for (const [name, panel] of group.panels) {
    if (!names.includes(name)) {
      if (panel.plotted) Plotly.purge(panel.gd);
      panel.gd.remove();
      group.panels.delete(name);
    }
  }
  const order = names.map((name) => group.panels.get(name) || newPanel(group, name));
  order.forEach((panel, i) => {
    group.panels.set(panel.name, panel);
    panel.gd.style.flex = `1 1 ${group.minWidth}px`;
    // Only a new or reordered panel is (re)inserted: a plot's div stays where it is.
    if (group.root.children[i] !== panel.gd) group.root.insertBefore(panel.gd, group.root.children[i] || null);
  });
  await Promise.all(order.map((panel, i) => drawPanel(Plotly, panel, payload.panels[i], resolved[i].traces, args)));
  group.root.dataset.revision = String(payload.revision);
}

export default function render(args) {
  const { parentElement, data } = args;
  if (!data) return undefined;
  const payload = JSON.parse(new TextDecoder().decode(data));
  const group = groups.get(parentElement) || newGroup(parentElement);
  // Renders run one after another, so a slow draw never lands after a newer one.
  group.queue = group.queue
    .then(() => draw(group, payload, args))
    .catch((error) => console.warn("lsq chart:", error));
  return () => {
    if (group.observer) group.observer.disconnect();
    for (const panel of group.panels.values()) if (panel.plotted && window.__lsqPlotly) window.__lsqPlotly.purge(panel.gd);
    group.root.remove();
    groups.delete(parentElement);
  };
}
