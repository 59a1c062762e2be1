// The Nabla board page: lists the runs, draws each quantity per epoch as an SVG line chart (several runs overlaid),
// and keeps the ticked runs' charts live through one server-sent event stream. Plain DOM and SVG, no library.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#4e342e', '#ad1457', '#558b2f', '#283593'];
const state = { runs: [], selected: new Set(), histories: {}, errors: {}, colors: {}, updates: 0, seen: {}, source: null, details: null };
window.board = state; // read by the browser tests

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function fmt(v) {
  if (v === null || v === undefined) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : (+v.toPrecision(4)).toString();
}

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store' });
  return r.json();
}

// ---- the runs list ----------------------------------------------------------------------------------------------

async function loadRuns() {
  let body;
  try {
    body = await getJson('/api/runs');
  } catch (e) {
    document.getElementById('live-status').textContent = 'server unreachable';
    return;
  }
  document.getElementById('root').textContent = body.root;
  const first = state.runs.length === 0;
  state.runs = body.runs;
  state.runs.forEach((r, i) => { if (!state.colors[r.name]) state.colors[r.name] = COLORS[Object.keys(state.colors).length % COLORS.length]; });
  if (first && state.selected.size === 0 && state.runs.length > 0) {
    // The newest run is shown first: usually the one being trained.
    const newest = state.runs.reduce((a, b) => (b.modified > a.modified ? b : a));
    state.selected.add(newest.name);
    reconnect();
  }
  renderRuns();
}

function renderRuns() {
  const ul = document.getElementById('runs');
  // Rebuilt only when what it shows changed: a list redrawn every few seconds would swallow a click in between.
  const key = JSON.stringify([state.runs, [...state.selected], state.errors]);
  if (key === state.runsKey) return;
  state.runsKey = key;
  ul.replaceChildren();
  if (state.runs.length === 0) ul.append(el('li', { class: 'hint' }, 'No runs yet: nabla train writes them here.'));
  for (const r of state.runs) {
    const li = el('li', { 'data-run': r.name });
    const box = el('input', { type: 'checkbox', 'aria-label': 'show ' + r.name });
    box.checked = state.selected.has(r.name);
    box.addEventListener('change', () => {
      if (box.checked) state.selected.add(r.name); else state.selected.delete(r.name);
      reconnect();
      renderCharts();
    });
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = state.colors[r.name];
    const name = el('span', { class: 'name' }, r.name);
    name.addEventListener('click', () => showModel(r.name));
    li.append(box, swatch, name);
    let meta;
    const error = r.error || state.errors[r.name];
    if (error) {
      meta = el('span', { class: 'meta error' }, error);
    } else {
      const last = Object.entries(r.last || {}).slice(0, 3).map(([k, v]) => k + ' ' + fmt(v)).join(', ');
      meta = el('span', { class: 'meta' }, r.epochs + ' epochs' + (last ? ' · ' + last : ''));
      if (r.training) meta.append(' ', el('span', { class: 'training' }, 'training'));
    }
    li.append(meta);
    ul.append(li);
  }
}

// ---- live updates -----------------------------------------------------------------------------------------------

function reconnect() {
  if (state.source) state.source.close();
  state.source = null;
  const names = [...state.selected];
  const status = document.getElementById('live-status');
  if (names.length === 0) {
    status.textContent = 'no run ticked';
    return;
  }
  const source = new EventSource('/api/live?runs=' + names.map(encodeURIComponent).join(','));
  source.addEventListener('open', () => { status.textContent = 'live'; });
  source.addEventListener('error', () => { status.textContent = 'reconnecting…'; });
  source.addEventListener('history', (e) => {
    const msg = JSON.parse(e.data);
    if (msg.error) {
      state.errors[msg.run] = msg.error;
      delete state.histories[msg.run];
    } else {
      delete state.errors[msg.run];
      state.histories[msg.run] = msg.history;
      (state.seen[msg.run] = state.seen[msg.run] || []).push(msg.history.epochs.length); // epochs per update, as they came
    }
    state.updates++;
    renderCharts();
    renderRuns();
  });
  state.source = source;
}

// ---- charts -----------------------------------------------------------------------------------------------------

// Which chart a history column goes on: the loss with its validation twin, each metric with its twin, and the
// per-layer diagnostics (grad_norm/<layer>, update_ratio/<layer>, weight_norm/<layer>) one chart each.
function chartOf(key) {
  const slash = key.indexOf('/');
  if (slash >= 0) return key.substring(0, slash);
  return key.startsWith('val_') ? key.substring(4) : key;
}

const TITLES = { loss: 'Loss', grad_norm: 'Gradient norm per layer', update_ratio: 'Update ratio per layer (|Δw| / |w|)',
  weight_norm: 'Weight norm per layer', lr: 'Learning rate', learning_rate: 'Learning rate' };

function renderCharts() {
  const charts = new Map();
  for (const run of state.selected) {
    const h = state.histories[run];
    if (!h) continue;
    for (const [key, values] of Object.entries(h.series)) {
      const c = chartOf(key);
      if (!charts.has(c)) charts.set(c, []);
      charts.get(c).push({ run, key, epochs: h.epochs, values });
    }
  }
  const order = (c) => (c === 'loss' ? 0 : c.includes('_norm') || c === 'update_ratio' ? 2 : 1);
  const names = [...charts.keys()].sort((a, b) => order(a) - order(b));
  const box = document.getElementById('charts');
  box.replaceChildren();
  if (names.length === 0) {
    const errs = [...state.selected].filter((r) => state.errors[r]).map((r) => r + ': ' + state.errors[r]);
    box.append(el('p', { class: errs.length ? 'error' : 'hint' }, errs.length ? errs.join('; ') : 'Tick a run with a history to chart it.'));
  }
  for (const c of names) box.append(chart(c, charts.get(c)));
}

function chart(name, lines, title) {
  const W = 440, H = 240, L = 62, R = 10, T = 10, B = 28;
  const fig = el('figure', { class: 'chart', 'data-chart': name });
  fig.append(el('figcaption', {}, title || TITLES[name] || name.replace(/_/g, ' ')));
  const pts = [];
  for (const l of lines) l.values.forEach((v, i) => { if (v !== null && Number.isFinite(v)) pts.push([l.epochs[i], v]); });
  const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img' });
  fig.append(s);
  if (pts.length === 0) return fig;
  let x0 = Math.min(...pts.map((p) => p[0])), x1 = Math.max(...pts.map((p) => p[0]));
  let y0 = Math.min(...pts.map((p) => p[1])), y1 = Math.max(...pts.map((p) => p[1]));
  // Per-layer norms span decades: a log scale when every value is positive and they spread over 100x.
  const log = (name.includes('_norm') || name === 'update_ratio') && y0 > 0 && y1 / y0 > 100;
  const ty = log ? Math.log10 : (v) => v;
  let a = ty(y0), b = ty(y1);
  if (a === b) { a -= Math.abs(a) * 0.1 || 1; b += Math.abs(b) * 0.1 || 1; }
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  const px = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y) => T + (1 - (ty(y) - a) / (b - a)) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const f = a + ((b - a) * i) / 4, y = T + (1 - i / 4) * (H - T - B);
    s.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y, y2: y }));
    const t = svg('text', { x: L - 4, y: y + 4, 'text-anchor': 'end' });
    t.textContent = fmt(log ? Math.pow(10, f) : f);
    s.append(t);
  }
  const ticks = Math.min(5, x1 - x0);
  for (let i = 0; i <= ticks; i++) {
    const e = Math.round(x0 + ((x1 - x0) * i) / ticks), t = svg('text', { x: px(e), y: H - 8, 'text-anchor': 'middle' });
    t.textContent = e;
    s.append(t);
  }
  s.append(svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }), svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  const legend = el('div', { class: 'legend' });
  const layerIndex = {};
  for (const l of lines) {
    const coords = [];
    l.values.forEach((v, i) => { if (v !== null && Number.isFinite(v)) coords.push(px(l.epochs[i]).toFixed(1) + ',' + py(v).toFixed(1)); });
    const slash = l.key.indexOf('/');
    const layer = slash >= 0 ? l.key.substring(slash + 1) : null;
    if (layer !== null && !(layer in layerIndex)) layerIndex[layer] = Object.keys(layerIndex).length;
    const dash = l.key.startsWith('val_') ? '5,3' : layer !== null ? ['', '6,2', '2,2', '8,3,2,3'][layerIndex[layer] % 4] : '';
    const line = svg('polyline', { points: coords.join(' '), fill: 'none', stroke: state.colors[l.run], 'stroke-width': 1.8,
      'data-run': l.run, 'data-key': l.key, 'data-points': coords.length });
    if (dash) line.setAttribute('stroke-dasharray', dash);
    const title = svg('title');
    title.textContent = l.run + ' · ' + l.key + ' · last ' + fmt(l.values[l.values.length - 1]);
    line.append(title);
    s.append(line);
    const item = el('span', {}, (state.selected.size > 1 ? l.run + ' ' : '') + l.key + (dash ? ' (dashed)' : ''));
    item.style.color = state.colors[l.run];
    legend.append(item);
  }
  fig.append(legend);
  return fig;
}

const shapeText = (s) => (s ? '[' + s.map((d) => (d === null ? 'None' : d)).join(', ') + ']' : '?');

// The model's graph: the input, then one box per layer (type, output shape, parameters, weights), arrows between.
// A graph model (several inputs or outputs, residual adds) is drawn from its nodes and their inbound edges instead.
function graph(m) {
  if (m.graph) return dag(m.graph);
  const shape = shapeText;
  const nodes = [{ title: 'input', lines: ['shape ' + shape([null, ...(m.input_shape || []).slice(1)])] }];
  for (const l of m.layers) {
    const weights = Object.entries(l.weights).map(([k, v]) => k.substring(k.lastIndexOf('/') + 1) + ' [' + v.join('×') + ']').join(', ');
    nodes.push({ title: l.name + ' (' + l.type + ')', lines: ['out ' + shape(l.output_shape), l.parameters + ' params' + (weights ? ': ' + weights : '')] });
  }
  const BW = 300, BH = 52, GAP = 22, W = BW + 20;
  const s = svg('svg', { class: 'graph', width: W, height: nodes.length * (BH + GAP), role: 'img' });
  nodes.forEach((n, i) => {
    const y = i * (BH + GAP) + 2;
    const g = svg('g', { 'data-node': n.title });
    g.append(svg('rect', { x: 10, y, width: BW, height: BH, rx: 6, fill: i === 0 ? '#eceff1' : '#e3f2fd', stroke: '#90a4ae' }));
    [n.title, ...n.lines].forEach((t, j) => {
      const text = svg('text', { x: 20, y: y + 16 + j * 15, 'font-weight': j === 0 ? 'bold' : 'normal' });
      text.textContent = t;
      g.append(text);
    });
    s.append(g);
    if (i > 0) s.append(svg('line', { x1: 10 + BW / 2, x2: 10 + BW / 2, y1: y - GAP, y2: y - 2, stroke: '#546e7a', 'stroke-width': 2 }));
  });
  return s;
}

// A graph model, row by row: each node one row below the deepest tensor it takes, an arrow from each of those
// (data-from, data-to). An arrow that skips rows (a residual connection, a side input) runs down its own lane at the
// right of the boxes, so it crosses none of them.
function dag(g) {
  const BW = 250, BH = 52, HG = 40, VG = 42, LANE = 14;
  const depth = {}, rows = [], outputs = {};
  for (const n of g.nodes) { // nodes come in topological order
    depth[n.name] = n.inputs.length === 0 ? 0 : 1 + Math.max(...n.inputs.map((i) => depth[i]));
    (rows[depth[n.name]] = rows[depth[n.name]] || []).push(n);
  }
  for (const o of g.outputs) (outputs[o.tensor] = outputs[o.tensor] || []).push(o.name);
  const widest = Math.max(...rows.map((r) => r.length)), right = 10 + widest * (BW + HG) - HG;
  const skips = g.nodes.reduce((c, n) => c + n.inputs.filter((i) => depth[n.name] - depth[i] > 1).length, 0);
  const at = {};
  rows.forEach((row, d) => row.forEach((n, k) => {
    at[n.name] = { x: 10 + k * (BW + HG) + ((widest - row.length) * (BW + HG)) / 2, y: 2 + d * (BH + VG) };
  }));
  const s = svg('svg', { class: 'graph', width: right + 20 + skips * LANE + 10, height: rows.length * (BH + VG), role: 'img' });
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#546e7a' }));
  const defs = svg('defs');
  defs.append(marker);
  s.append(defs);
  let lane = 0;
  for (const n of g.nodes) {
    n.inputs.forEach((from, k) => {
      const a = at[from], b = at[n.name];
      const x1 = a.x + BW / 2, y1 = a.y + BH, x2 = b.x + (BW * (k + 1)) / (n.inputs.length + 1), y2 = b.y;
      let d;
      if (depth[n.name] - depth[from] > 1) {
        const x = right + 20 + LANE * lane++, down = y1 + VG / 3 + lane * 2, across = y2 - VG / 3 - lane * 2;
        d = `M${x1},${y1} L${x1},${down} L${x},${down} L${x},${across} L${x2},${across} L${x2},${y2}`;
      } else {
        d = `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}`;
      }
      s.append(svg('path', { class: 'edge', d, fill: 'none', stroke: '#546e7a', 'stroke-width': 2, 'marker-end': 'url(#arrow)',
        'data-from': from, 'data-to': n.name }));
    });
  }
  for (const n of g.nodes) {
    const { x, y } = at[n.name], input = n.type === 'Input';
    const title = input ? n.name + ' (input)' : (n.layer && n.layer !== n.name ? n.name + ' = ' + n.layer : n.name) + ' (' + n.type + ')';
    const lines = [(input ? 'shape ' : 'out ') + shapeText(n.output_shape) + (input ? '' : ' · ' + n.parameters + ' params' + (n.shared ? ' (shared)' : ''))];
    if (outputs[n.name]) lines.push('output ' + outputs[n.name].join(', '));
    const gr = svg('g', { 'data-node': n.name });
    gr.append(svg('rect', { x, y, width: BW, height: BH, rx: 6, fill: input ? '#eceff1' : outputs[n.name] ? '#e8f5e9' : '#e3f2fd', stroke: '#90a4ae' }));
    [title, ...lines].forEach((t, j) => {
      const text = svg('text', { x: x + 10, y: y + 16 + j * 15, 'font-weight': j === 0 ? 'bold' : 'normal' });
      text.textContent = t;
      gr.append(text);
    });
    s.append(gr);
  }
  return s;
}

// ---- a run's model ----------------------------------------------------------------------------------------------

async function showModel(name) {
  state.details = name;
  const option = document.getElementById('explain-run-option');
  option.disabled = false;
  option.textContent = 'the model of ' + name + ' on the input row';
  const title = document.getElementById('details-title'), body = document.getElementById('details-body');
  title.textContent = 'Model of ' + name;
  body.replaceChildren(el('span', { class: 'hint' }, 'loading…'));
  const m = await getJson('/api/runs/' + encodeURIComponent(name) + '/model');
  body.replaceChildren();
  if (m.error) {
    body.append(el('p', { class: 'error' }, m.error));
    return;
  }
  body.append(el('p', { class: 'hint' }, 'From ' + m.file + (m.file === 'checkpoint.nabla' ? ' (the run is still training or stopped early)' : '')));
  body.append(graph(m), el('pre', { class: 'summary' }, m.summary));
  const table = el('table', { class: 'kv' });
  const row = (k, v) => { if (v !== undefined) { const tr = el('tr'); tr.append(el('td', {}, k), el('td', {}, typeof v === 'string' ? v : JSON.stringify(v))); table.append(tr); } };
  row('input shape', m.input_shape);
  row('loss', m.loss);
  row('optimizer', m.optimizer);
  for (const [k, v] of Object.entries(m.metadata || {})) row(k, v);
  for (const [k, v] of Object.entries(m.preprocessing || {})) row('preprocessing.' + k, v);
  body.append(table);
}

// ---- explain: the walkthrough of nabla explain, one node at a time ---------------------------------------------

// Numbers as the text walkthrough prints them: float32 values to 4 significant digits, no trailing zeros.
function num(v) { return v === null ? 'NaN' : (+v.toPrecision(4)).toString(); }

function values(t) {
  const v = t.values.map(num);
  if (t.shape.length === 0) return v[0];
  if (t.shape.length === 1) return '[' + v.join(', ') + ']';
  const cols = t.shape[t.shape.length - 1], rows = [];
  for (let i = 0; i < v.length; i += cols) rows.push('[' + v.slice(i, i + cols).join(', ') + ']');
  return '[' + rows.join(', ') + ']';
}

// One step per forward node, one per backward node, then the update: what a learner steps through.
function explainSteps(e) {
  const steps = [];
  for (const f of e.forward) {
    steps.push({ label: 'forward ' + f.output, text: 'Forward pass\n' + f.output + ' = ' + f.op + '(' + f.inputs.join(', ') + ') = ' + values(f.value) });
  }
  for (const b of e.backward) {
    const passed = b.passed.map((p) => '  -> to ' + p.input + ': ' + values(p.gradient)).join('\n');
    steps.push({ label: 'backward ' + b.op + ' (' + b.output + ')',
      text: 'Backward pass through ' + b.op + ' (' + b.output + ')\ngradient from above: ' + values(b.upstream) + '\nrule: ' + b.rule + '\n' + passed });
  }
  const ups = e.updates.map((u) => u.name + ': ' + values(u.before) + ' - ' + num(e.learning_rate) + ' * ' + values(u.gradient) + ' = ' + values(u.after)).join('\n');
  steps.push({ label: 'update', text: 'One step of gradient descent (learning rate ' + num(e.learning_rate) + ')\n' + ups
    + '\n\nOutput ' + values(e.output) + ' -> ' + values(e.output_after_update) + ' after the step' });
  return steps;
}

const explainState = { steps: [], at: 0 };
window.board.explain = explainState;

function showStep() {
  const { steps, at } = explainState;
  document.getElementById('explain-position').textContent = 'step ' + (at + 1) + ' of ' + steps.length;
  document.getElementById('explain-step').textContent = steps[at].text;
  document.getElementById('explain-back').disabled = at === 0;
  document.getElementById('explain-next').disabled = at === steps.length - 1;
  const list = document.getElementById('explain-steps');
  list.replaceChildren(...steps.map((s, i) => el('li', { class: i === at ? 'current' : '' }, s.label)));
}

async function runExplain(ev) {
  ev.preventDefault();
  const what = document.getElementById('explain-what').value;
  const box = document.getElementById('explain-step'), controls = document.getElementById('explain-controls');
  let url;
  if (what === 'run') {
    const q = new URLSearchParams({ input: document.getElementById('explain-input').value, target: document.getElementById('explain-target').value });
    url = '/api/runs/' + encodeURIComponent(state.details) + '/explain?' + q;
  } else {
    url = '/api/explain?what=' + encodeURIComponent(what);
  }
  box.textContent = 'explaining…';
  const e = await getJson(url);
  if (e.error) {
    controls.hidden = true;
    document.getElementById('explain-steps').replaceChildren();
    box.replaceChildren(el('span', { class: 'error' }, e.error));
    return;
  }
  explainState.steps = explainSteps(e);
  explainState.at = 0;
  controls.hidden = false;
  document.getElementById('explain-title').textContent = e.title;
  showStep();
}

document.getElementById('explain-form').addEventListener('submit', runExplain);
document.getElementById('explain-back').addEventListener('click', () => { explainState.at = Math.max(0, explainState.at - 1); showStep(); });
document.getElementById('explain-next').addEventListener('click', () => { explainState.at = Math.min(explainState.steps.length - 1, explainState.at + 1); showStep(); });

// ---- playground: a network trained on 2-D points by the server, its boundary drawn as it learns -----------------

// The page asks for a few steps at a time and draws each answer (see Playground.java for why it polls); requests go
// one after another through one queue, so a click while a batch is being trained waits its turn.
const pg = { id: null, playing: false, points: [], state: null, csv: null, queue: Promise.resolve(), run: '(playground)' };
window.board.playground = pg;
state.colors[pg.run] = COLORS[0];
const PG_STEPS_PER_REQUEST = 10, PG_PAUSE_MILLIS = 30;

function pgConfig() {
  const v = (id) => document.getElementById(id).value;
  // Sent as typed: the server checks each value against its limit and names the field when it refuses one.
  const number = (id) => (v(id).trim() === '' || Number.isNaN(Number(v(id))) ? v(id) : Number(v(id)));
  const layers = v('pg-layers').split(',').map((t) => t.trim()).filter((t) => t !== '').map((t) => (Number.isNaN(Number(t)) ? t : Number(t)));
  const c = { dataset: v('pg-dataset'), points: number('pg-points'), noise: number('pg-noise'), seed: number('pg-seed'), layers,
    activation: v('pg-activation'), optimizer: v('pg-optimizer'), learning_rate: number('pg-lr'), batch_size: number('pg-batch') };
  if (c.dataset === 'csv') c.csv = pg.csv || '';
  return c;
}

async function pgPost(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  return { status: r.status, body: await r.json() };
}

function pgQueue(task) {
  pg.queue = pg.queue.then(task).catch((e) => pgError(String(e)));
  return pg.queue;
}

function pgError(message) {
  pg.playing = false;
  document.getElementById('pg-error').textContent = message;
  pgStatus('error');
}

// A new session from the form (or the same one started again, under its id): the points and the untrained boundary.
async function pgStart() {
  const config = pgConfig();
  let r = await pgPost(pg.id ? '/api/playground/' + pg.id + '/reset' : '/api/playground', config);
  if (r.status === 404 && pg.id) { // the server dropped it (too many sessions): a new one
    pg.id = null;
    r = await pgPost('/api/playground', config);
  }
  if (r.status !== 200) {
    pg.id = r.status === 400 ? pg.id : null;
    pg.state = null;
    pgError(r.body.error);
    return false;
  }
  document.getElementById('pg-error').textContent = '';
  pg.id = r.body.id;
  pg.points = r.body.points;
  pgShow(r.body);
  return true;
}

async function pgTrain(steps) {
  if (!pg.state && !(await pgStart())) return;
  const r = await pgPost('/api/playground/' + pg.id + '/train', { steps });
  if (r.status === 404) { await pgStart(); return; }
  if (r.status !== 200) { pgError(r.body.error); return; }
  pgShow(r.body);
}

async function pgLoop() {
  while (pg.playing) {
    await pgQueue(() => pgTrain(PG_STEPS_PER_REQUEST));
    await new Promise((done) => setTimeout(done, PG_PAUSE_MILLIS));
  }
}

function pgStatus(what) {
  const s = document.getElementById('pg-status'), st = pg.state;
  s.dataset.state = what;
  document.getElementById('pg-train').textContent = pg.playing ? '⏸ Pause' : '▶ Train';
  if (!st || what === 'error') { s.textContent = what === 'error' ? '' : 'no network yet'; return; }
  s.dataset.step = st.step;
  s.dataset.accuracy = st.accuracy;
  s.dataset.loss = st.loss === null ? '' : st.loss;
  s.textContent = 'step ' + st.step + ' · epoch ' + st.epoch.toFixed(1) + ' · loss ' + fmt(st.loss) + ' · accuracy '
    + (100 * st.accuracy).toFixed(1) + '% · ' + st.parameters + ' parameters · ' + what
    + (st.throttled ? ' · the server trains this network at most ' + st.steps_per_second + ' steps/s' : '');
}

function pgShow(st) {
  pg.state = st;
  pgStatus(pg.playing ? 'training' : st.step === 0 ? 'ready' : 'paused');
  pgDraw(st);
  const h = st.history, box = document.getElementById('pg-charts');
  box.replaceChildren();
  if (h.steps.length === 0) return;
  box.append(chart('playground_loss', [{ run: pg.run, key: 'loss', epochs: h.steps, values: h.loss }], 'Loss per step (the batch\'s)'));
  // One colour per layer (as one per run on the runs' charts).
  const layers = Object.entries(h.grad_norm).map(([layer, values], i) => {
    const run = pg.run + ' ' + layer;
    state.colors[run] = COLORS[(i + 1) % COLORS.length];
    return { run, key: 'grad_norm/' + layer, epochs: h.steps, values };
  });
  box.append(chart('playground_grad_norm', layers, 'Gradient norm per layer, per step'));
}

// Probability 0 is orange, 1 blue, 0.5 white: the boundary is where the colours meet.
function pgColor(p) {
  const [r, g, b] = p < 0.5 ? [232, 113, 10] : [8, 119, 189], f = Math.min(1, Math.abs(p - 0.5) * 2) * 0.75;
  return [255 + (r - 255) * f, 255 + (g - 255) * f, 255 + (b - 255) * f];
}

function pgDraw(st) {
  const canvas = document.getElementById('pg-canvas'), ctx = canvas.getContext('2d'), n = st.grid.size;
  const small = document.createElement('canvas');
  small.width = n;
  small.height = n;
  const img = small.getContext('2d').createImageData(n, n);
  st.grid.values.forEach((p, i) => {
    const [r, g, b] = pgColor(p);
    img.data.set([r, g, b, 255], 4 * i);
  });
  small.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  const [x0, x1, y0, y1] = st.bounds;
  for (const [x, y, label] of pg.points) {
    ctx.beginPath();
    ctx.arc(((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = label === 1 ? '#0877bd' : '#e8710a';
    ctx.strokeStyle = '#fff';
    ctx.fill();
    ctx.stroke();
  }
}

function pgRestart() {
  pg.playing = false;
  pgQueue(pgStart);
}

document.getElementById('pg-form').addEventListener('change', (e) => { if (e.target.id !== 'pg-file') pgRestart(); });
document.getElementById('pg-form').addEventListener('submit', (e) => { e.preventDefault(); pgRestart(); });
document.getElementById('pg-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  pg.csv = await file.text();
  document.getElementById('pg-dataset').value = 'csv';
  pgRestart();
});
document.getElementById('pg-train').addEventListener('click', () => {
  pg.playing = !pg.playing;
  pgStatus(pg.playing ? 'training' : 'paused');
  if (pg.playing) pgLoop();
});
document.getElementById('pg-step').addEventListener('click', () => {
  pg.playing = false;
  pgQueue(() => pgTrain(1));
});
document.getElementById('pg-reset').addEventListener('click', pgRestart);

loadRuns();
setInterval(loadRuns, 3000);
pgQueue(pgStart); // the points and the untrained network's boundary, before any training // new runs appear, finished ones lose their "training" mark
