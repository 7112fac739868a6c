"""A stand-in for Google Colab's ``google.colab`` module, for scripts/run_like_colab.py.

Importing it makes ``"google.colab" in sys.modules`` true, so a chapter's setup
cell takes its Colab branch (pip-installs lecture_code with ``--no-deps`` and
turns on the widget manager) exactly as it does in Colab. Only what the setup
cell calls exists here. ``google`` is left a namespace package so that a real
``google.*`` distribution (protobuf, say) in the same environment still imports.
"""
from . import output  # noqa: F401  (the setup cell does `from google.colab import output`)
