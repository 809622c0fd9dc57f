"""Renderers: draw an Experiment (numpy arrays only; this package never imports torch).

animate      the entry point: render(exp, path, view=...) picks the scene and the writer
scene2d      animated 2-D view (contour map, balls with fading trails, loss panel, arrows)
scene3d      animated 3-D view (shaded surface, balls resting on it; fixed camera or orbit)
base         what both scenes share: figure, legend, counter, trails, the blit loop
figures      static figures: the seed's surface and trajectory plots, to PNG/SVG/PDF
encode       GIF / MP4 / WebM / HTML / PNG writers, atomic (temp file + rename)
parallel     frames rendered in forked worker processes, in order
geometry     numpy-only geometry shared with the manim scenes
style        palette, themes, presets; timeline: steps to frames
manim_video  runs the manim scenes in scenes/ (optviz render --engine manim)
"""
