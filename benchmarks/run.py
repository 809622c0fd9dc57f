"""`make bench`: run every benchmark in this folder and save the figures to .bench/results.json."""
import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

SUITES = ["bench_engine", "bench_map", "bench_render", "bench_manim", "bench_lecture", "bench_landscape", "bench_cluster",
          "bench_page", "bench_slides", "bench_authored", "bench_rerender", "bench_article"]


def main():
    only = sys.argv[1:] or SUITES
    results = {}
    for name in only:
        results[name] = importlib.import_module(name).main()
    out = HERE.parent / ".bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"figures saved to {out}")


if __name__ == "__main__":
    main()
