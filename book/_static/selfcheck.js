// Self-checks (book/_ext/selfcheck.py writes their HTML): the reader answers a
// number or picks a choice, "Check" says right or not quite, and the answer's
// explanation opens after a right answer or on "Show the answer". No kernel,
// nothing sent anywhere.
(() => {
  "use strict";

  // "0.25", "-1e-3", "0,25" and "1/4" are numbers; anything else is not.
  function readNumber(text) {
    const t = text.trim().replace(/\s+/g, "").replace(",", ".").replace(/\u2212/g, "-");
    const plain = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
    if (plain.test(t)) return Number(t);
    const fraction = t.match(/^([-+]?\d+(?:\.\d*)?)\/(\d+(?:\.\d*)?)$/);
    if (fraction && Number(fraction[2]) !== 0) return Number(fraction[1]) / Number(fraction[2]);
    return null;
  }

  function setUp(form) {
    const kind = form.dataset.kind;
    const answer = Number(form.dataset.answer);
    const tolerance = Number(form.dataset.tolerance || 0);
    const feedback = form.querySelector(".lc-sc-feedback");
    const explanation = form.querySelector(".lc-sc-explanation");
    const input = form.querySelector(".lc-sc-input");
    const radios = [...form.querySelectorAll('input[type="radio"]')];
    if (kind === "choice") {   // the answer line shows the right choice as the page renders it
      const right = radios[answer]?.closest("label")?.querySelector("span");
      const slot = form.querySelector(".lc-sc-answer-text");
      if (right && slot) slot.innerHTML = right.innerHTML;
    }

    const say = (text, state) => {
      feedback.textContent = text;
      form.dataset.state = state;
    };
    const open = () => { explanation.hidden = false; };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (kind === "number") {
        const value = readNumber(input.value);
        if (value === null) { say("Type a number (for example 0.5, -2 or 1/4).", "empty"); return; }
        if (Math.abs(value - answer) <= tolerance * (1 + 1e-9) + 1e-12 * Math.abs(answer)) {
          say("Right.", "right"); open();
        } else {
          say("Not quite: think again, or show the answer.", "wrong");
        }
      } else {
        const picked = radios.find((r) => r.checked);
        if (!picked) { say("Pick one of the choices first.", "empty"); return; }
        if (Number(picked.value) === answer) { say("Right.", "right"); open(); }
        else say("Not quite: think again, or show the answer.", "wrong");
      }
    });
    form.querySelector(".lc-sc-reveal").addEventListener("click", () => {
      if (kind === "choice") radios[answer].checked = true;
      else if (input.value.trim() === "") input.value = form.dataset.answer;
      say("Here is the answer.", "shown");
      open();
    });
  }

  const start = () => document.querySelectorAll("form.lc-selfcheck").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
