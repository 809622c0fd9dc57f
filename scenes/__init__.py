"""optviz's manim scenes, shipped inside the package as `optviz.scenes`.

They are scripts for manim, run by file path rather than imported: `optviz render --engine manim` runs
them in manim processes, and plain manim takes them from wherever the package is installed:

    manim -pql "$(optviz scenes path)/rolling.py" RollingBalls

Each module puts its own folder on sys.path and imports its siblings by plain name (`from common import
...`), as manim runs a scene file as a top-level script. Nothing here imports manim at package import.

    common.py          loading an experiment, the 3-D stage, balls, trails, legend, step counter
    shade_cache.py     manim's 3-D camera: a still face's shading, gradient and depth computed once
    smooth.py          smooth (Gouraud) shading for a surface the camera comes close to
    unseen.py          a shape faded out to nothing is not painted
    layer_fade.py      a 3-D stage fades in or out as one picture, drawn once
    dots.py            point clouds as round dots of a size in pixels at 1080p
    rolling.py         RollingBalls, RollingTopDown, Swarm
    rules.py           UpdateRules: the update rules with their live values
    lecture.py         any lecture file's chapters (LectureChapter, Lecture); lecture_shots.py draws each
                       shot kind, lecture_rules.py the single-optimizer pictures (surface, rule, maps)

May import: optviz.data, optviz.render, optviz.lecture, optviz.version (this rule holds for every module of scenes/); third-party:
numpy, manim, cairo (manim draws with it; common.py fixes its 3-D camera there), PIL (common.py mends manim's
pasting of images).
"""
