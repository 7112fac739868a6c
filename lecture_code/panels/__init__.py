"""The live panels of the book: what makes a chapter interactive, apart from what it teaches.

``controls`` (the slider, menu and button a panel is made of), ``widgets``
(every live panel: ipywidgets in a kernel, imported lazily), ``frames`` (a
panel's kernel-free face on the website: a grid of precomputed frames) and
``_inline`` (sharp inline figures in a notebook). The chapters import
``widgets`` by its short name, ``from lecture_code import widgets``.
"""
