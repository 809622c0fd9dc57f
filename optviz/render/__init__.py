"""Renderers: draw an Experiment (numpy arrays only; this package never imports torch).

figures   static figures: the seed's surface and trajectory plots, to PNG/SVG/PDF
scene2d   animated 2-D view (contour map, balls with fading trails, loss panel, arrows)
scene3d   animated 3-D view (shaded surface, balls resting on it; fixed camera or orbit)
encode    GIF / MP4 / WebM / HTML / PNG writers, atomic (temp file + rename)
animate   the entry point: render(exp, path, ...) picks the scene and the encoder
"""
