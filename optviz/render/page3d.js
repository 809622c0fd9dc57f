// The interactive page's 3-D view (WebGL through regl, bundled in the page): the surface as a shaded mesh
// coloured as the GIFs colour it, the balls on it at their real loss, their trails, the axes and their
// names; drag to orbit, wheel to zoom; what the surface hides is hidden by the depth buffer. It draws
// what page.js computed (window.optviz) each time the map is drawn. The camera is matplotlib's: an
// elevation and an azimuth (degrees, from +w1) around the box's centre, the box 4 : 4 : 3 as in mplot3d.
"use strict";
(function () {
  const O = window.optviz, C = O.config, Z = C.view3d;
  const canvas = document.getElementById("gl"), note = document.getElementById("nogl");
  const W = C.plot[0] + 68, H = C.plot[1] + 56;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = W * ratio; canvas.height = H * ratio;
  // (the stage's size, and its shrinking on a narrow screen, are page.js's, as for the map)

  let regl = null;
  try {
    regl = window.createREGL({canvas, attributes: {antialias: true, preserveDrawingBuffer: true}});
  } catch (err) {
    regl = null;
  }
  if (!regl) {   // say so, keep the map
    note.hidden = false;
    document.querySelectorAll("#views button").forEach((b) => { if (b.dataset.view !== "map") b.disabled = true; });
    if (O.state.view !== "map") O.setView("map");
    O.view3d = {available: false};
    return;
  }

  // ---- heights: the GIFs' mapping of loss to drawn height (optviz.render.geometry.display_scale) -----
  const S = Z.scale;
  const height = (v) => S.kind === "log-floor" ? Math.log10(Math.max(v, S.floor))
    : S.kind === "log-shift" ? Math.log10(Math.max(v - S.zmin, 0) + S.delta) : v;
  const [[x0, x1], [y0, y1]] = C.box;

  // the mesh: the recorded grid on a replay page, the surface sampled here otherwise
  let nx, ny, gx, gy, gz;
  if (C.replay) {
    const g = C.replay.grid;
    nx = g.nx; ny = g.ny;
    const raw = O.decode(g.z);
    gx = Array.from({length: nx}, (_, i) => g.x[0] + (g.x[1] - g.x[0]) * i / (nx - 1));
    gy = Array.from({length: ny}, (_, j) => g.y[0] + (g.y[1] - g.y[0]) * j / (ny - 1));
    gz = Array.from(raw, height);
  } else {
    nx = ny = 90;
    gx = Array.from({length: nx}, (_, i) => x0 + (x1 - x0) * i / (nx - 1));
    gy = Array.from({length: ny}, (_, j) => y0 + (y1 - y0) * j / (ny - 1));
    gz = [];
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) gz.push(height(O.surface(gx[i], gy[j])[0]));
  }
  let zmin = Infinity, zmax = -Infinity;
  for (const v of gz) if (Number.isFinite(v)) { zmin = Math.min(zmin, v); zmax = Math.max(zmax, v); }
  if (Z.offSurface) {   // the paths' real losses may leave the slice's range
    for (const r of O.runs()) for (const v of r.loss) if (Number.isFinite(v)) { zmin = Math.min(zmin, height(v)); zmax = Math.max(zmax, height(v)); }
  }
  if (!(zmax > zmin)) zmax = zmin + 1;
  const lift = 0.02 * (zmax - zmin);
  // data -> the drawn box [-1, 1] x [-1, 1] x [0, 1.5]
  const bx = (x) => 2 * (x - x0) / (x1 - x0) - 1, by = (y) => 2 * (y - y0) / (y1 - y0) - 1;
  const bz = (z) => 1.5 * (z - zmin) / (zmax + 4 * lift - zmin);

  function meshHeight(x, y) {   // bilinear on the drawn mesh
    const fi = (x - gx[0]) / (gx[nx - 1] - gx[0]) * (nx - 1), fj = (y - gy[0]) / (gy[ny - 1] - gy[0]) * (ny - 1);
    const i = Math.min(Math.max(Math.floor(fi), 0), nx - 2), j = Math.min(Math.max(Math.floor(fj), 0), ny - 2);
    const u = Math.min(Math.max(fi - i, 0), 1), v = Math.min(Math.max(fj - j, 0), 1);
    const z = (a, b) => gz[b * nx + a];
    return (1 - u) * (1 - v) * z(i, j) + u * (1 - v) * z(i + 1, j) + (1 - u) * v * z(i, j + 1) + u * v * z(i + 1, j + 1);
  }
  // something resting at (x, y) with loss l: on a surface, on top of the mesh where the mesh is higher
  // (a valley narrower than the mesh); on a slice of a landscape, at its real loss wherever that is
  const rest = (x, y, l) => (Z.offSurface ? height(l) : Math.max(height(l), meshHeight(x, y))) + lift;

  // ---- the surface: per-vertex colour from the colormap, normals for the shading -------------------
  const lut = C.view3d.cmap.map((h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16) / 255));
  const positions = [], colors = [], normals = [], cells = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const z = Number.isFinite(gz[j * nx + i]) ? gz[j * nx + i] : zmax;
    positions.push([bx(gx[i]), by(gy[j]), bz(z)]);
    const c = lut[Math.min(lut.length - 1, Math.max(0, Math.round((z - zmin) / (zmax - zmin) * (lut.length - 1))))];
    colors.push(c);
  }
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const p = (a, b) => positions[Math.min(Math.max(b, 0), ny - 1) * nx + Math.min(Math.max(a, 0), nx - 1)];
    const dx = [p(i + 1, j)[0] - p(i - 1, j)[0], 0, p(i + 1, j)[2] - p(i - 1, j)[2]];
    const dy = [0, p(i, j + 1)[1] - p(i, j - 1)[1], p(i, j + 1)[2] - p(i, j - 1)[2]];
    const n = [-dx[2] * dy[1], -dx[0] * dy[2], dx[0] * dy[1]], len = Math.hypot(...n) || 1;
    normals.push(n.map((v) => v / len));
    if (i < nx - 1 && j < ny - 1) {
      const a = j * nx + i;
      cells.push([a, a + 1, a + nx], [a + 1, a + nx + 1, a + nx]);
    }
  }

  // ---- the camera -------------------------------------------------------------------------------------
  const cam = {elev: Z.elev, azim: Z.azim, dist: 6.8};
  const centre = [0, 0, 0.7], fov = 24 * Math.PI / 180;
  function eye() {
    const e = cam.elev * Math.PI / 180, a = cam.azim * Math.PI / 180;
    return [centre[0] + cam.dist * Math.cos(e) * Math.cos(a), centre[1] + cam.dist * Math.cos(e) * Math.sin(a),
            centre[2] + cam.dist * Math.sin(e)];
  }
  const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const norm = (a) => { const l = Math.hypot(...a) || 1; return a.map((v) => v / l); };
  const dot3 = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  function basis() {   // the eye, and the camera's forward, side and up directions
    const e = eye(), f = norm(sub(centre, e)), s = norm(cross(f, [0, 0, 1]));
    return {e, f, s, u: cross(s, f)};
  }
  function matrices() {   // column-major, as WebGL reads them
    const {e, f, s, u} = basis();
    const view = [s[0], u[0], -f[0], 0, s[1], u[1], -f[1], 0, s[2], u[2], -f[2], 0,
                  -dot3(s, e), -dot3(u, e), dot3(f, e), 1];
    const near = 0.1, far = 50, t = 1 / Math.tan(fov / 2), asp = W / H;
    const proj = [t / asp, 0, 0, 0, 0, t, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, 2 * far * near / (near - far), 0];
    return {view, proj};
  }
  const apply = (m, p) => [0, 1, 2, 3].map((r) => m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r] * p[3]);
  // a data point (w1, w2, drawn height) -> [x, y] CSS pixels from the canvas's top left, and depth in [0, 1]
  function project(x, y, z) {
    const {view, proj} = matrices();
    const c = apply(proj, apply(view, [bx(x), by(y), bz(z), 1]));
    return [(c[0] / c[3] * 0.5 + 0.5) * W, (0.5 - c[1] / c[3] * 0.5) * H, c[2] / c[3] * 0.5 + 0.5];
  }

  // ---- what is drawn ------------------------------------------------------------------------------------
  const mvp = {view: () => matrices().view, proj: () => matrices().proj};
  const drawSurface = regl({
    vert: `precision highp float; attribute vec3 position, color, normal; uniform mat4 view, proj;
      varying vec3 vColor, vNormal; void main() { vColor = color; vNormal = normal; gl_Position = proj * view * vec4(position, 1); }`,
    frag: `precision highp float; varying vec3 vColor, vNormal; uniform vec3 light;
      void main() { float d = abs(dot(normalize(vNormal), light)); gl_FragColor = vec4(vColor * (0.62 + 0.38 * d), 1); }`,
    attributes: {position: positions, color: colors, normal: normals},
    elements: cells,
    uniforms: {...mvp, light: norm([-0.4, -0.6, 1])},
    polygonOffset: {enable: true, offset: {factor: 1, units: 1}},   // trails drawn on it stay in front
  });
  const BLEND = {enable: true, func: {srcRGB: "src alpha", srcAlpha: 1, dstRGB: "one minus src alpha", dstAlpha: 1}};
  const drawLines = regl({
    vert: `precision highp float; attribute vec3 position; uniform mat4 view, proj;
      void main() { gl_Position = proj * view * vec4(position, 1); }`,
    frag: `precision highp float; uniform vec4 color; void main() { gl_FragColor = color; }`,
    attributes: {position: regl.prop("points")},
    uniforms: {...mvp, color: regl.prop("color")},
    primitive: regl.prop("primitive"), count: regl.prop("count"), lineWidth: 1,
    depth: {enable: (ctx, props) => props.ghost !== true}, blend: BLEND,
  });
  const drawPoints = regl({
    vert: `precision highp float; attribute vec3 position; uniform mat4 view, proj; uniform float size;
      void main() { vec4 v = view * vec4(position, 1); v.z += 0.04; gl_Position = proj * v; gl_PointSize = size; }`,
    // a ball is a flat disc: drawn at the depth of its front (0.04 of the box towards the eye, its radius)
    // so a steep wall beside it does not cut it in half, and it stays in front of the trails it sits on
    frag: `precision highp float; uniform vec4 color, ring; uniform float edge;
      void main() { float r = length(gl_PointCoord - 0.5) * 2.0; if (r > 1.0) discard;
        gl_FragColor = r > edge ? ring : color; }`,
    attributes: {position: regl.prop("points")},
    uniforms: {...mvp, color: regl.prop("color"), ring: regl.prop("ring"), size: regl.prop("size"), edge: regl.prop("edge")},
    primitive: "points", count: regl.prop("count"),
    // a ball is drawn over its own trail, which ends at its centre at the same depth
    depth: {enable: (ctx, props) => props.ghost !== true, func: "lequal"}, blend: BLEND,
  });
  const rgba = (hex, a = 1) => [...[1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255), a];
  function backCorner() {   // the floor's corner farthest from the eye: where the height axis stands
    const e = eye();
    return [e[0] > 0 ? -1 : 1, e[1] > 0 ? -1 : 1];
  }
  function boxLines() {
    const [cx, cy] = backCorner();
    return [[-1, -1, 0], [1, -1, 0], [1, -1, 0], [1, 1, 0], [1, 1, 0], [-1, 1, 0], [-1, 1, 0], [-1, -1, 0],
            [cx, cy, 0], [cx, cy, 1.5]];
  }
  const labels = [...document.querySelectorAll("#stage3d .axis")];
  const ballSize = 13 * ratio, swarmSize = 4 * ratio;

  function ballsNow() {   // [[x, y, drawn height] | null] per optimizer, at the page's step
    return O.runs().map((r) => {
      const here = O.positionAt(r, O.state.step);
      if (!here) return null;
      const i = Math.min(Math.floor(O.state.step), r.loss.length - 1), j = Math.min(i + 1, r.loss.length - 1), f = O.state.step - i;
      const l = r.loss[i] + Math.min(Math.max(f, 0), 1) * (r.loss[j] - r.loss[i]);
      return [here[0], here[1], rest(here[0], here[1], l)];
    });
  }
  const inBox = (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

  function render() {
    if (O.state.view === "map") return;
    const bg = rgba(C.colors.background);
    regl.poll();
    regl.clear({color: bg, depth: 1});
    drawSurface();
    const box = boxLines();
    drawLines({points: box, primitive: "lines", count: box.length, color: rgba(C.colors.muted, 0.9), ghost: false});
    const step = O.state.step, balls = ballsNow();
    // on a slice of a landscape the real losses can lie under it: what it hides is drawn faintly first,
    // as the GIFs draw it, then everything again where the depth buffer shows it
    for (const ghost of Z.offSurface ? [true, false] : [false]) drawPaths(step, balls, ghost);
    placeLabels();
  }

  function drawPaths(step, balls, ghost) {
    const a = ghost ? 0.3 : 1;
    O.runs().forEach((r, k) => {
      if (O.state.hidden[k]) return;
      const upto = Math.min(Math.floor(step), r.pos.length - 1), pts = [];
      for (let i = 0; i <= upto; i++) if (inBox(...r.pos[i])) pts.push([bx(r.pos[i][0]), by(r.pos[i][1]), bz(rest(...r.pos[i], r.loss[i]))]);
      if (balls[k] && inBox(balls[k][0], balls[k][1])) pts.push([bx(balls[k][0]), by(balls[k][1]), bz(balls[k][2])]);
      if (pts.length > 1) drawLines({points: pts, primitive: "line strip", count: pts.length, color: rgba(C.optimizers[k].color, 0.95 * a), ghost});
    });
    O.swarm().forEach((runs, k) => {
      if (O.state.hidden[k]) return;
      const pts = [];
      for (const r of runs) {
        const here = O.positionAt(r, step);
        if (!here || !inBox(...here) || O.gone(r, step)) continue;
        const i = Math.min(Math.floor(step), r.loss.length - 1);
        pts.push([bx(here[0]), by(here[1]), bz(rest(here[0], here[1], r.loss[i]))]);
      }
      if (pts.length) drawPoints({points: pts, count: pts.length, color: rgba(C.optimizers[k].color, a), ring: rgba(C.optimizers[k].color, a), size: swarmSize, edge: 2, ghost});
    });
    balls.forEach((b, k) => {
      if (!b || O.state.hidden[k] || !inBox(b[0], b[1])) return;
      drawPoints({points: [[bx(b[0]), by(b[1]), bz(b[2])]], count: 1, color: rgba(C.optimizers[k].color, a),
                  ring: rgba(C.colors.background, a), size: ballSize, edge: 0.78, ghost});
    });
  }

  function placeLabels() {   // the axis names beside their edges, kept inside the view
    // each floor axis named beside its edge nearer the eye; the height at the back corner's post
    const [cx, cy] = backCorner(), ux = (v) => x0 + (v + 1) / 2 * (x1 - x0), uy = (v) => y0 + (v + 1) / 2 * (y1 - y0);
    // (the height's name sits on top of its post: beside it, a high surface would run under the text)
    const at = [[(x0 + x1) / 2, uy(-cy), zmin], [ux(-cx), (y0 + y1) / 2, zmin], [ux(cx), uy(cy), zmax + 4 * lift]];
    const c = project((x0 + x1) / 2, (y0 + y1) / 2, zmin);
    labels.forEach((el, k) => {
      const [px, py] = project(...at[k]);
      const w = el.offsetWidth, h = el.offsetHeight;
      let dx = px - c[0], dy = py - c[1];
      const l = Math.hypot(dx, dy) || 1;
      [dx, dy] = k === 2 ? [0, -h / 2 - 6] : [dx / l * 28, dy / l * 20];
      // placed in the drawing's pixels, then scaled as the stage is (a label keeps its font size)
      const s = canvas.getBoundingClientRect().width / W || 1;
      el.style.left = Math.min(Math.max((px + dx) * s - w / 2, 4), W * s - w - 4) + "px";
      el.style.top = Math.min(Math.max((py + dy) * s - h / 2, 4), H * s - h - 4) + "px";
    });
  }

  // ---- picking: the point of the surface under a CSS pixel --------------------------------------------
  function pick(px, py) {   // [w1, w2] where the ray through (px, py) first meets the mesh, or null
    const {e, f, s, u} = basis();
    const t = Math.tan(fov / 2), nx_ = (px / W * 2 - 1) * t * W / H, ny_ = (1 - py / H * 2) * t;
    const d = norm([0, 1, 2].map((k) => f[k] + s[k] * nx_ + u[k] * ny_));
    const toData = (b) => [x0 + (b[0] + 1) / 2 * (x1 - x0), y0 + (b[1] + 1) / 2 * (y1 - y0)];
    const at = (l) => [0, 1, 2].map((k) => e[k] + d[k] * l);
    // above the mesh (> 0) or under it (< 0), outside the floor's square: never a hit
    const above = (b) => Math.abs(b[0]) > 1 || Math.abs(b[1]) > 1 ? 1 : b[2] - bz(meshHeight(...toData(b)));
    const stepLen = 0.004, far = cam.dist + 4;
    let a = 0;
    for (let l = stepLen; l < far; l += stepLen) {
      if (above(at(l)) <= 0 && above(at(a)) > 0) {   // crossed between a and l: halve the gap
        let lo = a, hi = l;
        for (let k = 0; k < 30; k++) { const m = (lo + hi) / 2; if (above(at(m)) > 0) lo = m; else hi = m; }
        return toData(at(hi));
      }
      a = l;
    }
    return null;
  }

  // ---- orbit and zoom; a click (a press that does not move) drops a ball where it lands ---------------
  let drag = null, moved = 0;
  canvas.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY]; moved = 0; canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    moved += Math.abs(e.clientX - drag[0]) + Math.abs(e.clientY - drag[1]);
    cam.azim -= (e.clientX - drag[0]) * 0.5;
    cam.elev = Math.min(89, Math.max(-10, cam.elev + (e.clientY - drag[1]) * 0.5));
    drag = [e.clientX, e.clientY];
    render();
  });
  canvas.addEventListener("pointerup", (e) => {
    const click = drag && moved < 4;
    drag = null;
    if (!click || C.replay) return;
    const hit = pick(...O.inDrawing(e, canvas));
    if (hit) O.drop(hit[0], hit[1], e.shiftKey);
  });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    cam.dist = Math.min(14, Math.max(2.2, cam.dist * Math.exp(e.deltaY * 0.001)));
    render();
  }, {passive: false});

  O.onDraw(render);
  window.addEventListener("resize", render);   // the axis names follow the stage as it shrinks or grows
  render();
  O.view3d = {
    available: true, project, eye: () => { const e = eye(); return [x0 + (e[0] + 1) / 2 * (x1 - x0), y0 + (e[1] + 1) / 2 * (y1 - y0), zmin + e[2] / 1.5 * (zmax + 4 * lift - zmin)]; },
    camera: cam, setCamera: (elev, azim, dist) => { Object.assign(cam, {elev, azim, dist: dist || cam.dist}); render(); },
    balls: ballsNow, rest, meshHeight, height, render, pick,
    pixel: (x, y) => {   // the colour WebGL drew at CSS pixel (x, y) of the canvas
      const out = regl.read({x: Math.floor(x * ratio), y: Math.floor((H - y) * ratio), width: 1, height: 1});
      return Array.from(out);
    },
    patch: (x, y, r) => {   // the (2r+1)^2 pixels around CSS pixel (x, y), RGBA rows from the bottom
      const d = Math.round(r * ratio);
      return Array.from(regl.read({x: Math.floor(x * ratio) - d, y: Math.floor((H - y) * ratio) - d, width: 2 * d + 1, height: 2 * d + 1}));
    },
  };
})();
