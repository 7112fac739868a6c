// Writes browser playground runs for tests/test_playground_engine.py, which
// replays them with lecture_code.playground.replay: reads a JSON list of
// [changes, epochs] from argv[2], writes the list of exportRun() objects to argv[3].
import { readFileSync, writeFileSync } from "node:fs";
import { Run } from "../../book/_static/playground/run.js";

const settings = JSON.parse(readFileSync(process.argv[2], "utf8"));
const runs = settings.map(([changes, epochs]) => {
  const run = new Run(changes);
  run.step(epochs);
  return run.exportRun();
});
writeFileSync(process.argv[3], JSON.stringify(runs));
