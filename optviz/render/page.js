// The interactive page's program: optviz's optimizers on the spec's surface, run live in the browser,
// or (a network's landscape, C.replay) the paths optviz recorded, replayed. Written for
// optviz/render/interactive.py, which puts the config (JSON) and the surface (a function generated from
// its expression tree, returning [f, df/dx, df/dy]; null on a replay page) into the page before this
// script; page3d.js draws the 3-D view from what this one exposes (window.optviz).
// Every update rule follows the Python it names operation for operation (torch's addcdiv is
// p + (-lr * g) / d, written so here); tests compare the page's trajectories with optviz.simulate in
// float64. One difference is left: torch fuses the multiply-add of add(alpha=) and addcmul (one
// rounding), JavaScript has no fused multiply-add (two), so they can differ in the last bit.
"use strict";
(function () {
  const C = JSON.parse(document.getElementById("optviz-config").textContent);
  const surface = OPTVIZ_SURFACE;   // eslint-disable-line no-undef
  const REPLAY = Boolean(C.replay);
  const decode = (b64) => {   // little-endian float32, as interactive.py writes it
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    return new Float32Array(bytes.buffer);
  };

  // ---- optimizers: state, then one update ----------------------------------------------------------
  const zeros = () => [0, 0];
  const OPT = {
    sgd: {   // the post's SGD: w + (-lr * g)
      init: () => ({}),
      step: (w, g, s, h) => w.map((wi, i) => wi + (-h.lr * g[i])),
    },
    momentum: {   // the post's EMA form: v = (1 - b) g + b v, w + (-lr v)
      init: () => ({v: zeros()}),
      step: (w, g, s, h) => {
        s.v = s.v.map((vi, i) => (1 - h.momentum) * g[i] + h.momentum * vi);
        return w.map((wi, i) => wi + (-h.lr * s.v[i]));
      },
    },
    "torch-momentum": {   // torch.optim.SGD: buf = g at step 1, then mu buf + (1 - dampening) g
      init: () => ({v: null}),
      step: (w, g, s, h) => {
        s.v = s.v === null ? g.slice() : s.v.map((vi, i) => vi * h.momentum + g[i] * (1 - h.dampening));
        return w.map((wi, i) => wi + (-h.lr) * s.v[i]);
      },
    },
    nesterov: {   // torch.optim.SGD(nesterov=True): g + mu buf
      init: () => ({v: null}),
      step: (w, g, s, h) => {
        s.v = s.v === null ? g.slice() : s.v.map((vi, i) => vi * h.momentum + g[i]);
        return w.map((wi, i) => wi + (-h.lr) * (g[i] + h.momentum * s.v[i]));
      },
    },
    adam: {   // the post's Adam (torch.optim.Adam's update): lr m_hat / (sqrt(v_hat) + eps)
      init: () => ({m: zeros(), v: zeros()}),
      step: (w, g, s, h, t) => {
        s.m = s.m.map((mi, i) => (1 - h.beta1) * g[i] + h.beta1 * mi);
        s.v = s.v.map((vi, i) => (1 - h.beta2) * (g[i] * g[i]) + h.beta2 * vi);
        const bc1 = 1 - Math.pow(h.beta1, t), bc2 = 1 - Math.pow(h.beta2, t);
        return w.map((wi, i) => wi + (-(h.lr / (Math.sqrt(s.v[i] / bc2) + h.eps))) * (s.m[i] / bc1));
      },
    },
    rmsprop: {   // torch.optim.RMSprop: s = alpha s + (1 - alpha) g^2; w - lr g / (sqrt(s) + eps)
      init: () => ({s: zeros()}),
      step: (w, g, s, h) => {
        s.s = s.s.map((si, i) => si * h.alpha + (1 - h.alpha) * g[i] * g[i]);
        return w.map((wi, i) => wi + (-h.lr * g[i]) / (Math.sqrt(s.s[i]) + h.eps));
      },
    },
    adagrad: {   // torch.optim.Adagrad: s = s + g^2; w - clr g / (sqrt(s) + eps)
      init: (h) => ({s: [h.initial_accumulator_value, h.initial_accumulator_value]}),
      step: (w, g, s, h, t) => {
        s.s = s.s.map((si, i) => si + g[i] * g[i]);
        const clr = h.lr / (1 + (t - 1) * h.lr_decay);
        return w.map((wi, i) => wi + (-clr * g[i]) / (Math.sqrt(s.s[i]) + h.eps));
      },
    },
    lbfgs: {   // torch.optim.LBFGS with max_iter=1 and no line search: one iteration a step
      init: () => ({n: 0, d: null, t: 0, prev: null, dirs: [], stps: [], ro: [], H: 1}),
      step: (w, g, s, h) => {
        const dot = (a, b) => a[0] * b[0] + a[1] * b[1];
        if (Math.max(Math.abs(g[0]), Math.abs(g[1])) <= h.tolerance_grad) return w;   // converged: no update
        s.n += 1;
        if (s.n === 1) {
          s.d = [-g[0], -g[1]];
          s.dirs = []; s.stps = []; s.ro = []; s.H = 1;
        } else {
          const y = [g[0] - s.prev[0], g[1] - s.prev[1]], st = [s.d[0] * s.t, s.d[1] * s.t], ys = dot(y, st);
          if (ys > 1e-10) {
            if (s.dirs.length === h.history_size) { s.dirs.shift(); s.stps.shift(); s.ro.shift(); }
            s.dirs.push(y); s.stps.push(st); s.ro.push(1 / ys);
            s.H = ys / dot(y, y);
          }
          const k = s.dirs.length, al = new Array(k);
          let q = [-g[0], -g[1]];
          for (let i = k - 1; i >= 0; i--) {
            al[i] = dot(s.stps[i], q) * s.ro[i];
            q = [q[0] + (-al[i]) * s.dirs[i][0], q[1] + (-al[i]) * s.dirs[i][1]];
          }
          let r = [q[0] * s.H, q[1] * s.H];
          for (let i = 0; i < k; i++) {
            const be = dot(s.dirs[i], r) * s.ro[i];
            r = [r[0] + (al[i] - be) * s.stps[i][0], r[1] + (al[i] - be) * s.stps[i][1]];
          }
          s.d = r;
        }
        s.prev = g.slice();
        s.t = s.n === 1 ? Math.min(1, 1 / (Math.abs(g[0]) + Math.abs(g[1]))) * h.lr : h.lr;
        if (dot(g, s.d) > -h.tolerance_change) return w;   // not a descent direction: torch stops here
        return [w[0] + s.t * s.d[0], w[1] + s.t * s.d[1]];
      },
    },
  };

  // one run: rows 0..steps of [w1, w2] and loss; a row that is non-finite or beyond the bound ends it.
  // A schedule gives the rate of every update (torch's, for its base lr), scaled by h.lr / base.
  function run(start, steps, kind, h, schedule) {
    const pos = [], loss = [];
    let w = start.slice(), s = OPT[kind].init(h), diverged = -1;
    const scale = schedule ? h.lr / schedule.base : 1;
    for (let t = 0; t <= steps; t++) {
      const [f, gx, gy] = surface(w[0], w[1]);
      if (!(Math.abs(w[0]) <= C.bound && Math.abs(w[1]) <= C.bound && Number.isFinite(f))) {
        diverged = t;
        break;
      }
      pos.push(w);
      loss.push(f);
      if (t === steps) break;
      w = OPT[kind].step(w, [gx, gy], s, schedule ? Object.assign({}, h, {lr: schedule.lrs[t] * scale}) : h, t + 1);
    }
    return {pos, loss, diverged};
  }

  // ---- state, kept in the URL's hash so a link reproduces the view ---------------------------------
  const state = {start: C.start.slice(), step: 0, playing: false, speed: 1, view: "map",
                 params: C.optimizers.map((o) => Object.assign({}, o.params || {})),
                 hidden: C.optimizers.map(() => false), swarm: {n: 0, at: null}};
  let runs = [], swarmRuns = [];
  const listeners = [];   // redrawn with the map: the 3-D view

  function readHash() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const num = (v) => (v !== null && Number.isFinite(parseFloat(v)) ? parseFloat(v) : null);
    if (hash.has("start")) {
      const xy = hash.get("start").split(",").map(parseFloat);
      if (xy.length === 2 && xy.every(Number.isFinite)) state.start = xy;
    }
    if (num(hash.get("speed"))) state.speed = num(hash.get("speed"));
    if (["map", "3d", "both"].includes(hash.get("view"))) state.view = hash.get("view");
    if (hash.has("hide")) state.hidden = C.optimizers.map((o, k) => hash.get("hide").split(",").includes(String(k)));
    const sw = (hash.get("swarm") || "").split("@");
    if (num(sw[0]) !== null && !REPLAY) {
      const at = (sw[1] || "").split(",").map(parseFloat);
      state.swarm = {n: Math.min(Math.max(Math.round(num(sw[0])), 0), MAX_SWARM),
                     at: at.length === 2 && at.every(Number.isFinite) ? at : null};
    }
    C.optimizers.forEach((o, k) => {
      for (const item of (hash.get("o" + k) || "").split(",").filter(Boolean)) {
        const [key, value] = item.split(":");
        if (key in state.params[k] && num(value) !== null) state.params[k][key] = num(value);
      }
    });
    recompute();
    if (num(hash.get("step")) !== null) state.step = Math.min(Math.max(num(hash.get("step")), 0), C.steps);
    state.playing = hash.get("play") === "1";
  }

  let hashTimer = null;
  function writeHash() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const parts = [`start=${state.start.map((v) => +v.toPrecision(6)).join(",")}`, `step=${Math.floor(state.step)}`,
                     `speed=${state.speed}`, `play=${state.playing ? 1 : 0}`, `view=${state.view}`];
      if (state.hidden.some(Boolean)) parts.push("hide=" + state.hidden.map((h, k) => (h ? k : -1)).filter((k) => k >= 0).join(","));
      if (state.swarm.n > 0) parts.push(`swarm=${state.swarm.n}` + (state.swarm.at ? "@" + state.swarm.at.map((v) => +v.toPrecision(6)).join(",") : ""));
      state.params.forEach((p, k) => parts.push(`o${k}=` + Object.entries(p).map(([a, b]) => `${a}:${+b.toPrecision(6)}`).join(",")));
      try {
        history.replaceState(null, "", "#" + parts.join("&"));
      } catch (err) {   // a sandboxed frame (a notebook's iframe) may not rewrite its URL
      }
    }, 150);
  }

  // a replay page's runs are the recorded ones: rows of [w1, w2] every C.replay.every training steps
  const replayed = REPLAY ? C.replay.runs.map((r) => {
    const p = decode(r.pos), l = decode(r.loss), pos = [], loss = [];
    for (let i = 0; i < r.n; i++) { pos.push([p[2 * i], p[2 * i + 1]]); loss.push(l[i]); }
    return {pos, loss, diverged: r.diverged};
  }) : null;

  function recompute() {
    runs = REPLAY ? replayed : C.optimizers.map((o, k) => run(state.start, C.steps, o.kind, state.params[k], o.schedule));
    recomputeSwarm();
    updateLegend();
    drawLossAxes();
  }

  // ---- a swarm: up to MAX_SWARM starts on a golden-angle spiral around a point, every optimizer from each
  const MAX_SWARM = 1000;
  function swarmStarts(n, at) {
    const r = 0.08 * Math.min(C.box[0][1] - C.box[0][0], C.box[1][1] - C.box[1][0]), out = [];
    for (let i = 0; i < n; i++) {
      const rho = r * Math.sqrt((i + 0.5) / n), phi = i * 2.399963229728653;
      out.push([at[0] + rho * Math.cos(phi), at[1] + rho * Math.sin(phi)]);
    }
    return out;
  }
  function recomputeSwarm() {
    swarmRuns = [];
    if (REPLAY || state.swarm.n <= 0) return;
    const starts = swarmStarts(state.swarm.n, state.swarm.at || state.start);
    swarmRuns = C.optimizers.map((o, k) => starts.map((st) => run(st, C.steps, o.kind, state.params[k], o.schedule)));
  }

  // ---- geometry --------------------------------------------------------------------------------------
  const M = {left: 58, right: 10, top: 10, bottom: 46};
  const [[x0, x1], [y0, y1]] = C.box;
  const plotW = C.plot[0], plotH = C.plot[1];
  const toPx = (x, y) => [M.left + (x - x0) / (x1 - x0) * plotW, M.top + (y1 - y) / (y1 - y0) * plotH];
  const toData = (px, py) => [x0 + (px - M.left) / plotW * (x1 - x0), y1 - (py - M.top) / plotH * (y1 - y0)];

  function ticks(lo, hi, n) {
    const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(+v.toPrecision(10));
    return out;
  }

  function setup(canvas, w, h, fixed = true) {   // not fixed: its box's size is the page's CSS
    const ratio = window.devicePixelRatio || 1;
    canvas.width = w * ratio;
    canvas.height = h * ratio;
    if (fixed) {
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  const W = M.left + plotW + M.right, H = M.top + plotH + M.bottom;
  const bg = setup(document.getElementById("bg"), W, H, false);
  const fg = setup(document.getElementById("fg"), W, H, false);
  const LW = 300, LH = 240;
  const lossCtx = setup(document.getElementById("loss"), LW, LH);
  for (const el of [document.getElementById("plot"), document.getElementById("stage3d")]) {
    el.style.width = W + "px";
    el.style.aspectRatio = `${W} / ${H}`;   // narrower than W on a narrow screen, drawn the same, scaled
  }
  // a pointer's CSS pixel in the drawing's own pixels, however much the column shrank it
  const inDrawing = (e, el) => {
    const rect = el.getBoundingClientRect();
    return [(e.clientX - rect.left) * W / rect.width, (e.clientY - rect.top) * H / rect.height];
  };

  const image = new Image();
  image.onload = () => {
    bg.drawImage(image, M.left, M.top, plotW, plotH);
    bg.strokeStyle = C.colors.muted;
    bg.strokeRect(M.left, M.top, plotW, plotH);
    bg.fillStyle = C.colors.muted;
    bg.strokeStyle = C.colors.muted;
    bg.font = "12px sans-serif";
    bg.textAlign = "center";
    for (const v of ticks(x0, x1, 7)) {
      const [px] = toPx(v, y0);
      bg.beginPath(); bg.moveTo(px, M.top + plotH); bg.lineTo(px, M.top + plotH + 5); bg.stroke();
      bg.fillText(v, px, M.top + plotH + 18);
    }
    bg.textAlign = "right";
    for (const v of ticks(y0, y1, 6)) {
      const [, py] = toPx(x0, v);
      bg.beginPath(); bg.moveTo(M.left - 5, py); bg.lineTo(M.left, py); bg.stroke();
      bg.fillText(v, M.left - 8, py + 4);
    }
    bg.fillStyle = C.colors.foreground;
    bg.font = "14px sans-serif";
    bg.textAlign = "center";
    bg.fillText(C.axes[0], M.left + plotW / 2, H - 8);
    bg.save();
    bg.translate(16, M.top + plotH / 2);
    bg.rotate(-Math.PI / 2);
    bg.fillText(C.axes[1], 0, 0);
    bg.restore();
    document.body.dataset.ready = "1";
  };
  image.src = C.image;

  // ---- drawing: only what moves, every frame -----------------------------------------------------
  // a run that left the box or went non-finite is drawn as gone from the step before it did
  const gone = (r, step) => r.diverged >= 0 && step >= r.diverged - 1;
  function positionAt(r, s) {
    const last = r.pos.length - 1;
    if (last < 0) return null;
    const i = Math.min(Math.floor(s), last), f = Math.min(s - i, i < last ? 1 : 0);
    const a = r.pos[i], b = r.pos[Math.min(i + 1, last)];
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])];
  }

  const timing = {frames: 0, drawMs: 0, stamps: []};
  function draw() {
    const t0 = performance.now();
    fg.clearRect(0, 0, W, H);
    fg.save();
    fg.beginPath();
    fg.rect(M.left, M.top, plotW, plotH);
    fg.clip();
    const [sx, sy] = toPx(...(REPLAY ? runs[0].pos[0] : state.start));
    fg.strokeStyle = C.colors.foreground;
    fg.lineWidth = 1.5;
    fg.beginPath(); fg.moveTo(sx - 6, sy); fg.lineTo(sx + 6, sy); fg.moveTo(sx, sy - 6); fg.lineTo(sx, sy + 6); fg.stroke();
    swarmRuns.forEach((balls, k) => {   // one path of small squares per optimizer: thousands at 60 fps
      if (state.hidden[k]) return;
      fg.fillStyle = C.optimizers[k].color;
      fg.beginPath();
      for (const r of balls) {
        const here = positionAt(r, state.step);
        if (!here || gone(r, state.step)) continue;
        const [bx, by] = toPx(...here);
        fg.rect(bx - 1.5, by - 1.5, 3, 3);
      }
      fg.fill();
    });
    runs.forEach((r, k) => {
      const color = C.optimizers[k].color, upto = Math.min(Math.floor(state.step), r.pos.length - 1);
      if (upto < 0 || state.hidden[k]) return;
      fg.strokeStyle = color;
      fg.lineWidth = 2.2;
      fg.globalAlpha = 0.9;
      fg.beginPath();
      for (let i = 0; i <= upto; i++) {
        const [px, py] = toPx(...r.pos[i]);
        i === 0 ? fg.moveTo(px, py) : fg.lineTo(px, py);
      }
      const here = positionAt(r, state.step);
      fg.lineTo(...toPx(...here));
      fg.stroke();
      fg.globalAlpha = 1;
      const [bx, by] = toPx(...here);
      if (gone(r, state.step)) {   // where it left: an X, as the GIFs mark it
        fg.strokeStyle = color; fg.lineWidth = 3;
        fg.beginPath(); fg.moveTo(bx - 6, by - 6); fg.lineTo(bx + 6, by + 6); fg.moveTo(bx + 6, by - 6); fg.lineTo(bx - 6, by + 6); fg.stroke();
      } else {
        fg.fillStyle = color;
        fg.beginPath(); fg.arc(bx, by, 7, 0, 2 * Math.PI); fg.fill();
        fg.strokeStyle = C.colors.background; fg.lineWidth = 1.5; fg.stroke();
      }
    });
    fg.restore();
    drawLoss();
    const step = Math.floor(state.step), every = REPLAY ? C.replay.every : 1;
    document.getElementById("counter").textContent = `step ${step * every} / ${C.steps * every}`;
    document.getElementById("scrub").value = step;
    for (const fn of listeners) fn();
    timing.frames += 1;
    timing.drawMs += performance.now() - t0;
  }

  // ---- the loss panel ------------------------------------------------------------------------------
  let lossScale = null;
  function drawLossAxes() {
    const all = runs.flatMap((r) => r.loss).filter(Number.isFinite);
    let lo = Math.min(...all), hi = Math.max(...all);
    const log = lo > 0 && hi / lo > 100;
    if (!(hi > lo)) { hi = lo + 1; }
    const f = log ? Math.log10 : (v) => v;
    lossScale = {log, lo: f(lo), hi: f(hi), f};
  }

  function drawLoss() {
    const m = {left: 50, right: 8, top: 22, bottom: 30}, w = LW - m.left - m.right, h = LH - m.top - m.bottom;
    const s = lossScale, X = (t) => m.left + t / C.steps * w;
    const Y = (v) => m.top + (1 - (s.f(v) - s.lo) / (s.hi - s.lo || 1)) * h;
    lossCtx.clearRect(0, 0, LW, LH);
    lossCtx.strokeStyle = C.colors.muted;
    lossCtx.strokeRect(m.left, m.top, w, h);
    lossCtx.fillStyle = C.colors.foreground;
    lossCtx.font = "12px sans-serif";
    lossCtx.textAlign = "center";
    lossCtx.fillText(s.log ? "loss (log scale)" : "loss", LW / 2, 14);
    lossCtx.fillText("step", LW / 2, LH - 6);
    lossCtx.fillStyle = C.colors.muted;
    lossCtx.textAlign = "right";
    const label = (v) => (Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4) || v === 0 ? (+v.toPrecision(3)).toString() : v.toExponential(1);
    for (const v of [s.lo, s.hi]) {
      const value = s.log ? Math.pow(10, v) : v;
      lossCtx.fillText(label(value), m.left - 4, Y(value) + 4);
    }
    const upto = Math.floor(state.step);
    runs.forEach((r, k) => {
      if (state.hidden[k]) return;
      lossCtx.strokeStyle = C.optimizers[k].color;
      lossCtx.lineWidth = 1.8;
      lossCtx.beginPath();
      for (let t = 0; t <= Math.min(upto, r.loss.length - 1); t++) t === 0 ? lossCtx.moveTo(X(t), Y(r.loss[t])) : lossCtx.lineTo(X(t), Y(r.loss[t]));
      lossCtx.stroke();
    });
    lossCtx.strokeStyle = C.colors.muted;
    lossCtx.setLineDash([4, 3]);
    lossCtx.beginPath(); lossCtx.moveTo(X(state.step), m.top); lossCtx.lineTo(X(state.step), m.top + h); lossCtx.stroke();
    lossCtx.setLineDash([]);
  }

  // ---- controls ----------------------------------------------------------------------------------------
  function updateLegend() {
    runs.forEach((r, k) => {
      const fate = document.getElementById(`fate${k}`);
      fate.textContent = r.diverged >= 0 ? `diverged at step ${r.diverged}` : "";
    });
  }

  function sliderValue(sl, value) {
    return sl.log ? Math.log10(value) : value;
  }

  function buildControls() {
    const box = document.getElementById("optimizers");
    C.optimizers.forEach((o, k) => {
      const field = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.innerHTML = `<span class="swatch" style="background:${o.color}"></span>`;
      const shown = document.createElement("input");
      Object.assign(shown, {type: "checkbox", id: `show${k}`, checked: !state.hidden[k]});
      shown.setAttribute("aria-label", `show ${o.title}`);
      shown.addEventListener("change", () => { state.hidden[k] = !shown.checked; draw(); writeHash(); });
      legend.append(shown);
      legend.append(document.createTextNode(o.title + " "));
      const fate = document.createElement("span");
      fate.id = `fate${k}`;
      fate.className = "fate";
      legend.append(fate);
      field.append(legend);
      for (const sl of o.sliders) {
        const id = `o${k}-${sl.key}`;
        const label = document.createElement("label");
        label.htmlFor = id;
        label.textContent = sl.key;
        const input = document.createElement("input");
        Object.assign(input, {type: "range", id, min: sliderValue(sl, sl.min), max: sliderValue(sl, sl.max),
                              step: "any", value: sliderValue(sl, state.params[k][sl.key])});
        input.setAttribute("aria-label", `${o.title} ${sl.key}`);
        const out = document.createElement("output");
        out.htmlFor = id;
        out.textContent = (+state.params[k][sl.key].toPrecision(3)).toString();
        input.addEventListener("input", () => {
          const v = sl.log ? Math.pow(10, +input.value) : +input.value;
          state.params[k][sl.key] = v;
          out.textContent = (+v.toPrecision(3)).toString();
          recompute();
          draw();
          writeHash();
        });
        field.append(label, input, out);
      }
      box.append(field);
    });
  }

  const play = document.getElementById("play");
  function setPlaying(on) {
    state.playing = on;
    play.textContent = on ? "Pause" : "Play";
    play.setAttribute("aria-pressed", on ? "true" : "false");
    writeHash();
  }
  play.addEventListener("click", () => {
    if (!state.playing && state.step >= C.steps) state.step = 0;
    setPlaying(!state.playing);
  });
  const move = (d) => { setPlaying(false); state.step = Math.min(Math.max(Math.floor(state.step) + d, 0), C.steps); draw(); writeHash(); };
  document.getElementById("back").addEventListener("click", () => move(-1));
  document.getElementById("fwd").addEventListener("click", () => move(1));
  const scrub = document.getElementById("scrub");
  scrub.max = C.steps;
  scrub.addEventListener("input", () => { setPlaying(false); state.step = +scrub.value; draw(); writeHash(); });
  const speed = document.getElementById("speed");
  speed.addEventListener("change", () => { state.speed = +speed.value; writeHash(); });
  document.getElementById("reset").addEventListener("click", () => {
    state.start = C.start.slice();
    state.params = C.optimizers.map((o) => Object.assign({}, o.params));
    C.optimizers.forEach((o, k) => o.sliders.forEach((sl) => {
      const input = document.getElementById(`o${k}-${sl.key}`);
      input.value = sliderValue(sl, state.params[k][sl.key]);
      input.nextSibling.textContent = (+state.params[k][sl.key].toPrecision(3)).toString();
    }));
    state.step = 0;
    recompute();
    setPlaying(false);
    draw();
  });
  const swarmInput = document.getElementById("swarm");
  function drop(x, y, swarm) {   // a click on the map or on the 3-D surface: a ball there, or the swarm
    if (REPLAY) return;   // the recorded paths start where training started
    if (x < x0 || x > x1 || y < y0 || y > y1) return;
    if (swarm) {   // shift-click: the swarm, around the point
      state.swarm = {n: state.swarm.n || +swarmInput.value || 200, at: [x, y]};
      swarmInput.value = state.swarm.n;
    } else {
      state.start = [x, y];
      if (state.swarm.n > 0 && state.swarm.at) state.swarm.at = null;   // the swarm follows the ball
    }
    state.step = 0;
    recompute();
    setPlaying(true);
    draw();
  }
  document.getElementById("fg").addEventListener("click", (e) => {
    drop(...toData(...inDrawing(e, e.target)), e.shiftKey);
  });
  if (swarmInput) {
    swarmInput.max = MAX_SWARM;
    swarmInput.addEventListener("change", () => {
      state.swarm.n = Math.min(Math.max(Math.round(+swarmInput.value || 0), 0), MAX_SWARM);
      swarmInput.value = state.swarm.n;
      recompute(); draw(); writeHash();
    });
  }
  function setView(view) {
    state.view = view;
    document.body.dataset.view = view;
    document.querySelectorAll("#views button").forEach((b) => b.setAttribute("aria-pressed", b.dataset.view === view ? "true" : "false"));
    for (const fn of listeners) fn();
    writeHash();
  }
  document.querySelectorAll("#views button").forEach((b) => b.addEventListener("click", () => setView(b.dataset.view)));
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT" || e.target.tagName === "BUTTON") return;
    if (e.key === " ") { e.preventDefault(); play.click(); }
    else if (e.key === "ArrowRight") move(1);
    else if (e.key === "ArrowLeft") move(-1);
    else if (e.key === "Home") move(-C.steps);
    else if (e.key === "r") document.getElementById("reset").click();
  });

  // ---- the animation loop --------------------------------------------------------------------------
  let last = null;
  function tick(now) {
    if (state.playing) {
      timing.stamps.push(now);
      if (last !== null) state.step = Math.min(state.step + (now - last) / 1000 * C.stepsPerSecond * state.speed, C.steps);
      if (state.step >= C.steps) setPlaying(false);
      draw();
    }
    last = now;
    requestAnimationFrame(tick);
  }

  buildControls();
  readHash();
  speed.value = String(state.speed);
  if (swarmInput) swarmInput.value = state.swarm.n;
  C.optimizers.forEach((o, k) => { document.getElementById(`show${k}`).checked = !state.hidden[k]; });
  setPlaying(state.playing);
  setView(state.view);   // the link's view, its button shown pressed
  draw();
  requestAnimationFrame(tick);
  window.addEventListener("hashchange", () => { readHash(); setView(state.view); draw(); });

  // what tests, embedding pages and page3d.js can reach
  window.optviz = {config: C, surface, run, state, timing, toPx, toData, redraw: draw, positionAt, gone, decode, setView, drop, inDrawing,
                   runs: () => runs, swarm: () => swarmRuns, onDraw: (fn) => listeners.push(fn)};
})();
