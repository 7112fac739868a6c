"""Write lecture_code/data/playground_run.json: a run of the browser playground's engine.

Chapter 8 replays this run with lecture_code.playground.replay, as proof that
the browser trains the book's algorithm. The run is made by the page's own
JavaScript (book/_static/playground/run.js, under Node), with the setting
below, exactly what the page's "Reproduce in Python" button saves.
tests/test_playground_engine.py checks that the file is what the engine makes.

    python scripts/playground_example.py
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "lecture_code" / "data" / "playground_run.json"
#: The chapter's example: the spiral, minibatches, dropout and an L2 penalty.
SETTING = [{"dataset": "spiral", "noise": 0.05, "hidden_layers": 3, "units": 8,
            "activation": "relu", "optimizer": "adam", "lr": 0.03, "batch_size": 25,
            "dropout": 0.05, "penalty": "l2", "lam": 0.0001, "epochs": 150}, 150]


def browser_run(setting=SETTING) -> dict:
    """The run the browser engine makes for ``setting`` ([changes, epochs])."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "settings.json", Path(tmp) / "runs.json"
        src.write_text(json.dumps([setting]))
        subprocess.run(["node", str(ROOT / "tests" / "playground" / "export_runs.mjs"), str(src),
                        str(out)], check=True)
        return json.loads(out.read_text())[0]


def main() -> int:
    if TARGET.exists():
        try:
            ours = json.loads(TARGET.read_text()).get("format") == "nn-playground-run"
        except (ValueError, AttributeError):
            ours = False
        if not ours:
            print(f"error: {TARGET} exists and is not a playground run; not overwriting it",
                  file=sys.stderr)
            return 1
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(json.dumps(browser_run()) + "\n")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
