"""Issue 26: the page in 3-D and on real networks, in headless Chromium. L-BFGS and the schedules
against optviz.simulate in float64; the 3-D view's pixels read back from WebGL against its own camera,
and occlusion against a ray cast here in numpy; a network's page against its NPZ; the swarm against
the page's own single runs; sizes; and the page without WebGL."""
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz.cli import main
from optviz.cli.browser import ARGS, chromium_path
from optviz.core.surfaces import SURFACES, get_surface
from optviz.core.surfaces.javascript import surface_js
from optviz.data.experiment import Experiment
from optviz.render.interactive import write_page
from test_page import browser  # noqa: F401  (the page tests' Chromium, launched the same way)

CHROMIUM = chromium_path()
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright (a test dependency) is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
ROOT = Path(__file__).resolve().parents[1]
SEED = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"]
DIGITS = ROOT / "examples" / "digits-landscape.npz"


def open_page(browser, path, hash_="", size=(1000, 1400)):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(Path(path).as_uri() + hash_)
    page.wait_for_function("document.body.dataset.ready === '1'")
    assert errors == []
    page.requests = requests
    return page


def starts_for(name):
    s = SURFACES[name]
    (x0, x1), (y0, y1) = s.box
    return [list(s.start), [x0 + 0.3 * (x1 - x0), y0 + 0.6 * (y1 - y0)], [x0 + 0.7 * (x1 - x0), y0 + 0.25 * (y1 - y0)]]


# ---- L-BFGS and the schedules ----------------------------------------------------------------------------

# learning rates from test_page.LR (SGD, momentum, Adam) at which those runs are stable to rounding
RATES = {"pathological": (0.35, 0.512, 0.512), "rosenbrock": (0.00053, 0.00358, 0.75), "himmelblau": (0.00358, 0.0352, 0.75),
         "rastrigin": (0.00167, 0.0112, 0.238), "booth": (0.0241, 0.512, 0.75), "saddle": (0.111, 0.75, 0.75)}


@pytest.mark.parametrize("name", list(RATES))
def test_lbfgs_and_schedules_on_the_page_equal_simulate_within_100x_its_rounding_spread(browser, tmp_path, name):
    sgd, mom, adam = RATES[name]
    specs = ["lbfgs:lr=0.5", f"sgd:lr={sgd}@cosine", f"momentum:lr={mom}@step", f"adam:lr={adam}@warmup-cosine"]
    starts, steps = starts_for(name), 200
    exp = optviz.simulate(name, specs, starts, steps, dtype="float64")
    # L-BFGS turns last-bit differences into different branches (its curvature and convergence tests)
    # near a minimum, and from some starts grows them fast: each row of the page must be as close to
    # simulate as two runs of simulate whose gradients differ by 1e-13 are to each other (100 times
    # that spread, plus 1e-12), over the rows where that spread is still under 1e-6 (at least 15)
    a, b = (optviz.simulate(name, specs, starts, steps, dtype="float64", noise=1e-13, seed=s) for s in (0, 1))
    spread = (np.abs(a.position - b.position) / np.maximum(np.abs(a.position), 1)).max(axis=3)
    path = write_page(exp, tmp_path / f"{name}.html", surface_js(get_surface(name)))
    page = open_page(browser, path)
    C = page.evaluate("window.optviz.config")
    worst, whole, compared = 0.0, 0, []
    for n, start in enumerate(starts):
        runs = page.evaluate("([start, ps]) => ps.map((o) => window.optviz.run(start, 200, o.kind, o.params, o.schedule))",
                             [start, C["optimizers"]])
        for m, r in enumerate(runs):
            assert exp.diverged_at[m, n] == -1 and r["diverged"] == -1
            bad = np.flatnonzero(spread[m, n] > 1e-6)
            upto = int(bad[0]) if len(bad) else steps + 1
            compared.append(upto)
            whole += upto == steps + 1 and m > 0
            pos, want = np.array(r["pos"])[:upto], exp.position[m, n, :upto]
            err = (np.abs(pos - want) / np.maximum(np.abs(want), 1)).max(axis=1)
            worst = max(worst, float((err / (100 * spread[m, n, :upto] + 1e-12)).max()))
    page.close()
    assert min(compared) >= 15, compared
    assert whole == 9   # the schedules: every whole run
    assert worst <= 1, f"worst error {worst:.2f} of the bound"


def test_a_schedule_on_the_page_follows_the_slider(browser, tmp_path):
    exp = optviz.simulate("booth", ["sgd:lr=0.02@cosine"], [[-5, 5]], 100, dtype="float64")
    page = open_page(browser, write_page(exp, tmp_path / "s.html", surface_js(get_surface("booth"))))
    r = page.evaluate("(() => { const o = window.optviz.config.optimizers[0];"
                      " return window.optviz.run([-5, 5], 100, o.kind, {lr: 0.01}, o.schedule); })()")
    half = optviz.simulate("booth", ["sgd:lr=0.01@cosine"], [[-5, 5]], 100, dtype="float64")
    assert np.allclose(np.array(r["pos"]), half.position[0, 0], rtol=1e-12, atol=1e-12)
    page.close()


# ---- the 3-D view ----------------------------------------------------------------------------------------


@pytest.fixture()
def seed_page(tmp_path):
    exp = optviz.simulate("pathological", SEED, [[7, 7]], 50)
    return write_page(exp, tmp_path / "seed.html", surface_js(get_surface("pathological")))


def colour(hex_):
    return np.array([int(hex_[k:k + 2], 16) for k in (1, 3, 5)])


def surface_height(x, y):
    """The seed surface in numpy, the formula of the post: tanh(w1)^2 + 0.01 |w1| + sigmoid(w2)."""
    return np.tanh(x) ** 2 + 0.01 * np.abs(x) + 1 / (1 + np.exp(-y))


def ray_verdict(page, ball, margin=0.02, over=0.1):
    """Whether the surface, a sheet z = f(w1, w2) over the box as the page and the GIFs draw it, hides
    `ball` from the page's eye, by a ray cast here: "hidden" where the line of sight enters the box
    above the sheet and then runs `over` below it (a ball is drawn at the depth of its front, its
    radius nearer), "visible" where it stays `margin` above it all the way (the last 3% beside the ball
    left out: it rests there); None otherwise (grazing, or a line entering under the sheet's edge)."""
    eye = np.array(page.evaluate("window.optviz.view3d.eye()"))
    t = np.linspace(0.0, 0.97, 6000)[:, None]
    line = eye + t * (np.array(ball) - eye)
    inside = (np.abs(line[:, 0]) <= 8) & (line[:, 1] >= -13.5) & (line[:, 1] <= 7.5)
    gap = surface_height(line[inside, 0], line[inside, 1]) - line[inside, 2]
    if not len(gap) or gap[0] > -margin:
        return None
    return "hidden" if (gap > over).any() else "visible" if (gap < -margin).all() else None


def drawn_at(page, ball, rgb):
    """The ball's disc (13 px across) where the camera projects it: its centre pixel is its colour and
    so are at least 12 of the 5 x 5 around it (a wall beside a ball in a narrow valley may cover part
    of the disc; a trail of that colour, a line one pixel wide, covers at most 10)."""
    x, y, _ = page.evaluate(f"window.optviz.view3d.project({ball[0]}, {ball[1]}, {ball[2]})")
    centre = np.array(page.evaluate(f"window.optviz.view3d.pixel({x}, {y})")[:3])
    around = np.array(page.evaluate(f"window.optviz.view3d.patch({x}, {y}, 2)")).reshape(-1, 4)[:, :3]
    return bool(np.abs(centre - rgb).sum() < 40 and (np.abs(around - rgb).sum(1) < 40).sum() >= 12)


def test_each_ball_is_drawn_where_the_camera_projects_it_unless_the_surface_hides_it(browser, seed_page):
    page = open_page(browser, seed_page, "#view=3d&step=32&play=0")
    assert page.evaluate("window.optviz.view3d.available")
    assert page.evaluate("window.optviz.config.view3d.scale.kind") == "linear"   # heights are losses here
    colours = [colour(c) for c in page.evaluate("window.optviz.config.optimizers.map((o) => o.color)")]
    seen = {"visible": 0, "hidden": 0}
    for step in (32, 50):
        page.evaluate(f"window.optviz.state.step = {step}; window.optviz.redraw()")
        for elev, azim in ((89, -90), (35, -60), (50, 120), (40, 0), (45, 180), (30, 20)):
            page.evaluate(f"window.optviz.view3d.setCamera({elev}, {azim})")
            balls = page.evaluate("window.optviz.view3d.balls()")
            pixels = [page.evaluate(f"window.optviz.view3d.project({b[0]}, {b[1]}, {b[2]})") for b in balls]
            for m, (x, y, _) in enumerate(pixels):
                if any(math.dist((x, y), p[:2]) < 16 for k, p in enumerate(pixels) if k != m):
                    continue   # two balls on top of each other
                verdict = ray_verdict(page, balls[m])
                if verdict is None:
                    continue
                assert drawn_at(page, balls[m], colours[m]) == (verdict == "visible"), (step, elev, azim, m, verdict)
                seen[verdict] += 1
    assert seen["visible"] >= 8 and seen["hidden"] >= 2, seen
    page.close()


def test_a_ball_behind_the_ridge_is_hidden_and_shows_from_above(browser, seed_page):
    page = open_page(browser, seed_page, "#view=3d&step=50&play=0")
    adam = colour(page.evaluate("window.optviz.config.optimizers[2].color"))
    ball = page.evaluate("window.optviz.view3d.balls()[2]")
    assert abs(ball[0]) < 0.5                      # Adam is down in the ravine by step 50
    page.evaluate("window.optviz.view3d.setCamera(40, 0)")    # looking across the plateau at w1 > 0
    assert ray_verdict(page, ball) == "hidden" and not drawn_at(page, ball, adam)
    page.evaluate("window.optviz.view3d.setCamera(89, -90)")  # from above
    assert ray_verdict(page, ball) == "visible" and drawn_at(page, ball, adam)
    page.close()


def test_orbit_and_zoom_move_the_camera(browser, seed_page):
    page = open_page(browser, seed_page, "#view=3d")
    pressed = page.evaluate("[...document.querySelectorAll('#views button')].map((b) => b.getAttribute('aria-pressed'))")
    assert pressed == ["false", "true", "false"]   # the link's view is the one shown pressed
    box = page.locator("#gl").bounding_box()
    before = page.evaluate("({...window.optviz.view3d.camera})")
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 260, box["y"] + 230, steps=5)
    page.mouse.up()
    after = page.evaluate("({...window.optviz.view3d.camera})")
    assert after["azim"] == pytest.approx(before["azim"] - 30) and after["elev"] == pytest.approx(before["elev"] + 15)
    page.mouse.wheel(0, 400)
    assert page.evaluate("window.optviz.view3d.camera.dist") > after["dist"]
    page.close()


def first_hit(eye, target, box):
    """Where the line of sight from `eye` towards `target` first meets the seed surface (a sheet over
    `box`), by a ray cast here in numpy: [w1, w2], or None if it never does."""
    (x0, x1), (y0, y1) = box
    line = eye + np.linspace(0.0, 1.02, 200_000)[:, None] * (np.array(target) - eye)
    inside = (line[:, 0] >= x0) & (line[:, 0] <= x1) & (line[:, 1] >= y0) & (line[:, 1] <= y1)
    under = inside & (line[:, 2] <= surface_height(line[:, 0], line[:, 1]))
    return line[under.argmax(), :2] if under.any() else None


def test_a_click_on_the_3d_surface_drops_the_ball_where_the_line_of_sight_meets_it(browser, seed_page):
    page = open_page(browser, seed_page, "#view=3d&play=0")
    box = page.evaluate("window.optviz.config.box")
    gl = page.locator("#gl").bounding_box()
    hidden = 0
    for elev, azim in ((89, -90), (35, -60), (40, 0), (30, 160)):
        page.evaluate(f"window.optviz.view3d.setCamera({elev}, {azim})")
        eye = np.array(page.evaluate("window.optviz.view3d.eye()"))
        for target in ((-5.0, 4.0), (3.0, -6.0), (0.1, -10.0), (6.0, 6.0)):
            z = float(surface_height(*target))
            px, py, _ = page.evaluate(f"window.optviz.view3d.project({target[0]}, {target[1]}, {z})")
            if not (0 < px < gl["width"] and 0 < py < gl["height"]):
                continue
            want = first_hit(eye, [*target, z], box)
            page.mouse.click(gl["x"] + px, gl["y"] + py)
            got = np.array(page.evaluate("window.optviz.state.start"))
            # to a pixel of the 90 x 90 mesh the page draws, against the formula's own sheet
            assert np.hypot(*(got - want)) < 0.25, (elev, azim, target, got.tolist(), want.tolist())
            hidden += np.hypot(*(want - target)) > 1      # the surface was in front of the target
            assert page.evaluate("window.optviz.state.playing")      # and off it goes, as from a map click
    assert hidden >= 1          # some clicks landed on a wall in front of what was aimed at
    # the ball that starts there runs as simulate says (float64; Adam is stable from there)
    start = page.evaluate("window.optviz.state.start")
    exp = optviz.simulate("pathological", ["adam:lr=1"], [start], 50, dtype="float64")
    assert np.abs(np.array(page.evaluate("window.optviz.runs()[2].pos")) - exp.position[0, 0]).max() < 1e-9
    # a drag turns the view and drops nothing; shift-click drops the swarm there
    page.mouse.move(gl["x"] + 200, gl["y"] + 200)
    page.mouse.down()
    page.mouse.move(gl["x"] + 240, gl["y"] + 210, steps=4)
    page.mouse.up()
    assert page.evaluate("window.optviz.state.start") == start
    page.evaluate("window.optviz.view3d.setCamera(89, -90)")
    px, py, _ = page.evaluate(f"window.optviz.view3d.project(-4, 2, {float(surface_height(-4, 2))})")
    page.keyboard.down("Shift")
    page.mouse.click(gl["x"] + px, gl["y"] + py)
    page.keyboard.up("Shift")
    assert np.hypot(*(np.array(page.evaluate("window.optviz.state.swarm.at")) - [-4, 2])) < 0.25
    assert page.evaluate("window.optviz.swarm().map((rs) => rs.length)") == [200, 200, 200]
    page.close()


def test_on_a_phone_the_page_fits_its_width_and_clicks_land_where_they_did(browser, seed_page):
    """At 400 px wide (a phone, a narrow column) the map and the 3-D view shrink to fit, nothing scrolls
    sideways, and a click still lands on the point under it: on the map and on the 3-D surface."""
    page = open_page(browser, seed_page, "#view=both&play=0", size=(400, 1400))
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    for sel in ("#fg", "#gl"):
        b = page.locator(sel).bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 400 and b["width"] < 600, (sel, b)
    fg = page.locator("#fg").bounding_box()
    scale = fg["width"] / page.evaluate("document.getElementById('fg').width / (window.devicePixelRatio || 1)")
    px, py = page.evaluate("window.optviz.toPx(-5, 3)")
    page.mouse.click(fg["x"] + px * scale, fg["y"] + py * scale)
    assert np.hypot(*(np.array(page.evaluate("window.optviz.state.start")) - [-5, 3])) < 0.1
    gl = page.locator("#gl").bounding_box()
    page.evaluate("window.optviz.view3d.setCamera(89, -90)")
    px, py, _ = page.evaluate(f"window.optviz.view3d.project(4, -6, {float(surface_height(4, -6))})")
    page.mouse.click(gl["x"] + px * scale, gl["y"] + py * scale)
    assert np.hypot(*(np.array(page.evaluate("window.optviz.state.start")) - [4, -6])) < 0.25
    for label in page.locator("#stage3d .axis").all():   # the axis names stay inside the shrunk view
        b = label.bounding_box()
        assert gl["x"] <= b["x"] and b["x"] + b["width"] <= gl["x"] + gl["width"] + 0.5, label.inner_text()
    page.close()


def test_without_webgl_the_page_says_so_and_keeps_the_map(browser, seed_page):
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=ARGS + ["--disable-webgl", "--disable-3d-apis"])
    page = open_page(b, seed_page, "#view=3d")
    assert page.evaluate("window.optviz.view3d.available") is False
    assert page.locator("#nogl").is_visible() and "no WebGL" in page.locator("#nogl").inner_text()
    assert page.evaluate("window.optviz.state.view") == "map" and page.locator("#fg").is_visible()
    assert page.locator("#views button[data-view='3d']").is_disabled()
    b.close()


# ---- the swarm -------------------------------------------------------------------------------------------


def test_a_shift_click_drops_a_swarm_each_ball_its_own_run(browser, seed_page):
    page = open_page(browser, seed_page)
    page.fill("#swarm", "1000")
    page.locator("#swarm").dispatch_event("change")
    box = page.locator("#fg").bounding_box()
    px, py = page.evaluate("window.optviz.toPx(5, 3)")
    page.keyboard.down("Shift")
    page.mouse.click(box["x"] + px, box["y"] + py)
    page.keyboard.up("Shift")
    swarm = page.evaluate("window.optviz.swarm().map((rs) => rs.length)")
    assert swarm == [1000, 1000, 1000]
    # every ball of the swarm is the page's own run from its start, and the starts ring the click
    firsts = np.array(page.evaluate("window.optviz.swarm()[2].map((r) => r.pos[0])"))
    (x0, x1), (y0, y1) = page.evaluate("window.optviz.config.box")
    radius = 0.08 * min(x1 - x0, y1 - y0)          # the spiral's, around where the click landed (to a pixel)
    assert np.hypot(*(firsts.mean(0) - [5, 3])) < 0.1
    centre = np.array(page.evaluate("window.optviz.state.swarm.at"))
    assert np.hypot(*(centre - [5, 3])) < 0.1 and np.hypot(*(firsts - centre).T).max() <= radius + 1e-9
    k = 123
    same = page.evaluate(f"(() => {{ const o = window.optviz.config.optimizers[2], r = window.optviz.swarm()[2][{k}];"
                         " const again = window.optviz.run(r.pos[0], 50, o.kind, window.optviz.state.params[2]);"
                         " return JSON.stringify(again.pos) === JSON.stringify(r.pos); })()")
    assert same
    exp = optviz.simulate("pathological", ["adam:lr=1"], [firsts[k].tolist()], 50, dtype="float64")
    pos = np.array(page.evaluate(f"window.optviz.swarm()[2][{k}].pos"))
    assert np.abs(pos - exp.position[0, 0]).max() < 1e-9   # Adam from there is stable
    page.wait_for_function("location.hash.includes('swarm=1000@5')")
    page.close()


# ---- a real network's page --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("digits") / "digits-explorer.html"
    assert main(["render", "--experiment", str(DIGITS), "--interactive", "-o", str(out)]) == 0
    return out


def test_the_network_page_replays_the_npz(browser, digits_page):
    exp = Experiment.load(DIGITS)
    assert digits_page.stat().st_size <= 1_500_000
    page = open_page(browser, digits_page, "#view=both")
    text = page.locator("main").inner_text()
    plane = exp.meta["landscape"]["plane"]
    assert f"{round(100 * plane['explained_variance'][0])}%" in text          # the truth about the projection
    assert "from it" in page.locator(".caption").inner_text()                # the paths' distance from the plane
    for m in range(len(exp.names)):
        pos = np.array(page.evaluate(f"window.optviz.runs()[{m}].pos"))
        loss = np.array(page.evaluate(f"window.optviz.runs()[{m}].loss"))
        # the page carries float32 (the NPZ's float64 rounded once): equal to that, exactly
        assert np.array_equal(pos, exp.position[m, 0].astype(np.float32).astype(np.float64))
        assert np.array_equal(loss, exp.loss[m, 0].astype(np.float32).astype(np.float64))
        assert np.abs(pos - exp.position[m, 0]).max() <= 1e-6 * np.abs(exp.position[m, 0]).max()
    # nothing runs: a click does not move the start; play replays; a tick hides an optimizer
    page.locator("#fg").click(position={"x": 300, "y": 200})
    assert page.evaluate("window.optviz.state.step") == 0
    page.click("#play")
    page.wait_for_function("window.optviz.state.step > 10")
    page.uncheck("#show2")
    assert page.evaluate("window.optviz.state.hidden") == [False, False, True, False]
    page.wait_for_function("location.hash.includes('hide=2')")
    assert all(u.startswith(("file://", "data:")) for u in page.requests)
    # its 3-D view draws a ball where its camera projects it
    page.evaluate("window.optviz.state.playing = false; window.optviz.state.step = 150; window.optviz.redraw()")
    page.evaluate("window.optviz.view3d.setCamera(89, -90)")
    balls = page.evaluate("window.optviz.view3d.balls()")
    colours = [colour(c) for c in page.evaluate("window.optviz.config.optimizers.map((o) => o.color)")]
    x, y, _ = page.evaluate(f"window.optviz.view3d.project({balls[2][0]}, {balls[2][1]}, {balls[2][2]})")
    hidden = np.array(page.evaluate(f"window.optviz.view3d.pixel({x}, {y})")[:3])
    assert np.abs(hidden - colours[2]).sum() > 40   # unticked: not drawn
    page.check("#show2")
    got = np.array(page.evaluate(f"window.optviz.view3d.pixel({x}, {y})")[:3])
    # Adam ends below the slice (its real loss is lower than the plane's there): drawn faintly through
    # it, as the GIFs draw what the slice hides: its ball (30 % opaque) over its faint trail, which ends
    # there too (29 %), so the pixel moves 30 to 50 % of the way from the slice's colour to Adam's
    below = page.evaluate(f"window.optviz.view3d.height(window.optviz.runs()[2].loss[150]) < "
                          f"window.optviz.view3d.meshHeight({balls[2][0]}, {balls[2][1]})")
    assert below
    toward = colours[2] - hidden
    share = float(np.dot(got - hidden, toward) / np.dot(toward, toward))
    assert 0.28 <= share <= 0.52, (share, got, hidden)
    page.close()


def test_the_seed_page_with_regl_stays_small_and_offline(seed_page):
    text = seed_page.read_text()
    assert seed_page.stat().st_size <= 300_000
    assert re.search(r'(?:src|href)="(?:https?:)?//', text) is None   # nothing fetched
    assert "MIT License, Copyright (c) 2016 Mikola Lysenko" in text   # regl's license travels with it


def test_a_task_makes_a_replay_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["render", "--task", "moons-mlp", "--steps", "30", "--interactive", "-o", "moons.html"]) == 0
    text = (tmp_path / "moons.html").read_text()
    config = json.loads(text.split('id="optviz-config">')[1].split("</script>")[0].replace("<\\/", "</"))
    assert config["replay"]["runs"] and config["view3d"]["offSurface"] is True
    assert "const OPTVIZ_SURFACE = null" in text


def test_the_gallery_pictures_every_view_of_both_explorer_pages():
    """`make render` writes seed-explorer.html and digits-explorer.html and a screenshot of each view
    (map, 3-D, both), each taken from a page the same entry writes."""
    from urllib.parse import parse_qs
    from optviz.cli.gallery import ENTRIES, SCREENSHOTS, entry_needs
    views = set()
    for name, shots in SCREENSHOTS.items():
        pages = {o["path"] for o in ENTRIES[name]["output"]}
        for page, png, view in shots:
            assert page in pages and png.endswith(".png"), (name, page)
            views |= {(page, v) for v in parse_qs(view.lstrip("#"))["view"]}
    assert {p for p, _ in views} == {"seed-explorer.html", "digits-explorer.html"}
    assert {v for _, v in views} == {"map", "3d", "both"}
    assert ENTRIES["digits-explorer"].get("interactive") and entry_needs("digits-explorer") == ("networks",)
