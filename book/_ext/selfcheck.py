"""Self-checks: short questions the static page answers by itself, with no kernel.

A chapter writes, in a markdown cell where the idea is taught::

    ```{selfcheck} What is the largest value of the sigmoid's derivative?
    :label: sc-activations-sigmoid-slope
    :answer: 0.25
    :tolerance: 0.005

    The explanation, shown once the reader has answered.
    ```

or, for a choice (a prediction is a choice made before looking)::

    ```{selfcheck} Doubling the learning rate on this bowl makes descent ...
    :label: sc-gradient-descent-double
    :choices: converge faster | oscillate but converge | diverge
    :answer: diverge

    The explanation.
    ```

The directive renders a small form: the question, a number field or one radio
button per choice, "Check" and "Show the answer" buttons, a status line that
says "Right" or "Not quite", and the explanation, which opens after a right
answer or on request. ``book/_static/selfcheck.js`` runs it; the answer sits
in the page (these are for the reader's own practice, never graded: graded
exercises are checked in the notebook). The site test answers every one.

Written for this book rather than taken from a quiz extension: jupyterquiz
renders from code-cell outputs (a kernel run, random element ids that strict
nbval cannot compare, a package to install in Colab), and sphinx-yaq 0.1
(alpha) loads a 690 kB math bundle on every page. Loaded through
``sphinx: local_extensions`` in _config.yml.
"""
from __future__ import annotations

import html
import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

LABEL = re.compile(r"sc-[a-z0-9]+(?:-[a-z0-9]+)+")


class selfcheck(nodes.General, nodes.Element):
    """The whole self-check: a form."""


class selfcheck_question(nodes.General, nodes.Element):
    """The question's text."""


class selfcheck_choice(nodes.General, nodes.Element):
    """One choice of a choice question: a radio button and its text."""


class selfcheck_controls(nodes.General, nodes.Element):
    """The answer field (numbers), the buttons and the status line."""


class selfcheck_explanation(nodes.General, nodes.Element):
    """The answer and its explanation, opened once the reader has answered."""


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {text!r}") from None


class SelfCheckDirective(SphinxDirective):
    """``{selfcheck} question`` with ``:label:``, ``:answer:`` and ``:tolerance:`` or ``:choices:``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "label": directives.unchanged_required,
        "answer": directives.unchanged_required,
        "tolerance": directives.unchanged,
        "choices": directives.unchanged,
    }

    def _fail(self, message: str):
        return [self.state_machine.reporter.error(f"selfcheck: {message}", line=self.lineno)]

    def run(self):
        label = self.options.get("label", "")
        if not LABEL.fullmatch(label):
            return self._fail(f"needs :label: sc-<chapter>-<name> (lowercase, hyphens), got {label!r}")
        seen = self.env.temp_data.setdefault("selfcheck_labels", set())
        if label in seen:
            return self._fail(f"the label {label} is used twice on this page")
        seen.add(label)
        answer = self.options.get("answer", "").strip()
        if not answer:
            return self._fail(f"{label} needs :answer:")
        if not self.content:
            return self._fail(f"{label} needs an explanation (the directive's body)")
        node = selfcheck(ids=[label], label=label)
        question = selfcheck_question(ids=[f"{label}-question"])
        question += self.parse_text_to_nodes(self.arguments[0])
        node += question
        if "choices" in self.options:
            choices = [c.strip() for c in self.options["choices"].split(" | ")]
            if len(choices) < 2 or not all(choices):
                return self._fail(f"{label}: :choices: lists at least two choices separated by ' | '")
            if answer not in choices:
                return self._fail(f"{label}: :answer: {answer!r} is not one of the choices {choices}")
            node["kind"], node["answer"] = "choice", str(choices.index(answer))
            node["answer_text"] = answer
            for index, text in enumerate(choices):
                choice = selfcheck_choice(index=index, label=label)
                parsed = self.parse_text_to_nodes(text)
                choice += parsed[0].children if len(parsed) == 1 and isinstance(parsed[0], nodes.paragraph) else parsed
                node += choice
        else:
            try:
                value = _number(answer, f"{label}: :answer:")
                tolerance = _number(self.options.get("tolerance", "0"), f"{label}: :tolerance:")
            except ValueError as error:
                return self._fail(str(error))
            if tolerance < 0:
                return self._fail(f"{label}: :tolerance: must be >= 0, got {tolerance}")
            node["kind"], node["answer"], node["tolerance"] = "number", repr(value), repr(tolerance)
            node["answer_text"] = answer
        node += selfcheck_controls(label=label, kind=node["kind"])
        explanation = selfcheck_explanation(answer_text=node["answer_text"] if node["kind"] == "number" else "")
        explanation += self.parse_content_to_nodes()
        node += explanation
        return [node]


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def visit_selfcheck(self, node):
    data = f' data-tolerance="{_attr(node["tolerance"])}"' if node["kind"] == "number" else ""
    self.body.append(f'<form class="lc-selfcheck" id="{_attr(node["label"])}" data-kind="{node["kind"]}" '
                     f'data-answer="{_attr(node["answer"])}"{data} aria-labelledby="{_attr(node["label"])}-question" '
                     f'novalidate><p class="lc-sc-kicker">Self-check</p>')


def depart_selfcheck(self, node):
    self.body.append("</form>")


def visit_question(self, node):
    self.body.append(f'<div class="lc-sc-question" id="{_attr(node["ids"][0])}">')


def depart_question(self, node):
    self.body.append("</div>")


def visit_choice(self, node):
    label = node["label"]
    if node["index"] == 0:
        self.body.append(f'<div class="lc-sc-choices" role="radiogroup" aria-labelledby="{_attr(label)}-question">')
    self.body.append(f'<label class="lc-sc-choice"><input type="radio" name="{_attr(label)}" '
                     f'value="{node["index"]}"> <span>')


def depart_choice(self, node):
    self.body.append("</span></label>")
    siblings = node.parent.children
    following = siblings[siblings.index(node) + 1:]
    if not any(isinstance(s, selfcheck_choice) for s in following):
        self.body.append("</div>")


def visit_controls(self, node):
    label = _attr(node["label"])
    field = ""
    if node["kind"] == "number":
        field = (f'<label class="lc-sc-field" for="{label}-input">Your answer</label> '
                 f'<input type="text" inputmode="decimal" autocomplete="off" class="lc-sc-input" '
                 f'id="{label}-input" name="{label}-input"> ')
    self.body.append(f'<div class="lc-sc-controls">{field}'
                     '<button type="submit" class="lc-sc-check">Check</button> '
                     '<button type="button" class="lc-sc-reveal">Show the answer</button></div>'
                     '<p class="lc-sc-feedback" role="status" aria-live="polite"></p>')
    raise nodes.SkipNode


def visit_explanation(self, node):
    # a choice's answer is its rendered text (math included), copied in by selfcheck.js
    self.body.append(f'<div class="lc-sc-explanation" hidden><p class="lc-sc-answer"><strong>Answer:</strong> '
                     f'<span class="lc-sc-answer-text">{html.escape(node["answer_text"])}</span></p>')


def depart_explanation(self, node):
    self.body.append("</div>")


def _skip(self, node):
    raise nodes.SkipNode


def setup(app):
    app.add_directive("selfcheck", SelfCheckDirective)
    for node, visit, depart in [(selfcheck, visit_selfcheck, depart_selfcheck),
                                (selfcheck_question, visit_question, depart_question),
                                (selfcheck_choice, visit_choice, depart_choice),
                                (selfcheck_controls, visit_controls, None),
                                (selfcheck_explanation, visit_explanation, depart_explanation)]:
        handlers = {b: (visit, depart) for b in ("html", "singlehtml", "dirhtml")}
        handlers.update({b: (_skip, None) for b in ("latex", "text", "man", "texinfo")})
        app.add_node(node, **handlers)
    app.add_css_file("selfcheck.css")
    app.add_js_file("selfcheck.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
