"""Renderers: draw the data objects of `optviz.data` (numpy arrays only; this package never imports torch).

animate       the entry point: render(exp, path, view=...) picks the scene and the writer
scene2d       animated 2-D view (contour map, balls with fading trails, loss panel, arrows)
scene3d       animated 3-D view (shaded surface, balls resting on it; fixed camera or orbit)
panels        animated small multiples, a panel per optimizer setting
base          what the scenes share: figure, legend, counter, trails, the blit loop
occlusion     the 3-D surface's depth buffer, and what it hides
figures       static figures: the seed's surface and trajectory plots, to PNG/SVG/PDF
landing       the landing chart of the minima study; trainability: trainability maps and their zoom
encode        GIF / MP4 / WebM / HTML / PNG writers, atomic (temp file + rename); budget: GIF size budgets
outputs       the views and the formats each writes (checked without matplotlib)
static_cache  a scene's static picture, depth buffer and palette kept in optviz's cache for the next draw
gif           GIFs written as their frames arrive; glyphs: text from cached glyph bitmaps; lines3d: trails drawn
              from plain arrays (both matplotlib's pixels, sooner)
parallel      frames rendered in forked worker processes, in order; orphans: children that end with their parent
geometry      numpy-only geometry shared with the manim scenes
style         palette, themes, presets; timeline: steps to frames
manim_video   runs the manim scenes in scenes/ (optviz render --engine manim); manim_fork: their processes
              forked from one that imported manim once
interactive   the interactive page: one HTML file whose optimizers run live in the browser (page.js,
              page.css); the surface arrives as JavaScript from optviz.core.surfaces.javascript

A new output format is a writer in `encode` (and its extension in VIDEO_FORMATS); a new view is a scene
here, picked in `animate.make_scene`.

May import: optviz.errors, optviz.extras, optviz.parsing, optviz.data, optviz.cache, optviz.version; third-party: numpy, matplotlib, mpl_toolkits (matplotlib's), PIL, imageio_ffmpeg, av, manim
(in manim_fork's server only, never at import).
"""
