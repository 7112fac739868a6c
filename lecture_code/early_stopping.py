"""Early stopping: stop training once the validation loss has not improved for a while.

:func:`early_stopping_epoch` is the rule :func:`lecture_code.training.train` applies
with ``patience``, written as a pure function of the recorded validation losses;
:func:`patience_panel` moves the patience along one recorded run and shows where
training would have stopped and which epoch's weights it would keep.

See chapter 7 (regularization and generalization).
"""
from __future__ import annotations

import numpy as np

from . import _checks
from .panels import widgets

__all__ = ["early_stopping_epoch", "patience_panel"]


def early_stopping_epoch(val_losses, patience: int, *, epochs_run: bool = False):
    """The epoch (0-based) early stopping keeps: the lowest validation loss seen before
    ``patience`` epochs in a row fail to go below it.

    Parameters
    ----------
    val_losses : (epochs,) validation loss after each epoch.
    patience : epochs without a new minimum that end training, >= 1; a patience
        of more epochs than ``val_losses`` holds never stops (the whole run).
    epochs_run : True to also return how many epochs were run before stopping.

    Returns
    -------
    best_epoch : int, or ``(best_epoch, epochs_run)``, as in
    :class:`lecture_code.training.History` (``best_epoch``, ``epochs``).
    """
    val = _checks.as_array(val_losses, "val_losses", ndim=1)
    patience = _checks.count(patience, "patience")
    epochs_run = _checks.flag(epochs_run, "epochs_run")
    best, best_epoch, waited, ran = np.inf, 0, 0, len(val)
    for epoch, value in enumerate(val):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                ran = epoch + 1
                break
    return (best_epoch, ran) if epochs_run else best_epoch


def patience_panel(history, *, max_patience: int = 100, patience: int = 20) -> widgets.Panel:
    """A live patience slider over one recorded training run.

    Training is deterministic given its seed, so a run stopped early is the
    first epochs of the full run: the panel needs no retraining. It shows the
    training and validation losses, greys out the epochs early stopping would
    never run, and marks the epoch whose weights it keeps.

    Parameters
    ----------
    history : History
        A run with a validation set (``history.val_loss`` not empty).
    max_patience, patience : int
        The slider's range ``1 .. max_patience`` (any size: the panel draws about
        ten settings of it) and its starting value, in that range.
    """
    from .training import History
    _checks.instance(history, "history", History)
    max_patience = _checks.count(max_patience, "max_patience")
    if _checks.count(patience, "patience") > max_patience:
        raise ValueError(f"patience must be a whole number in 1..max_patience ({max_patience}), "
                         f"got {patience!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .plotting import CLASS_COLORS, PALETTE
    train = _checks.as_array(history.train_loss, "history.train_loss", ndim=1)
    val = _checks.as_array(history.val_loss, "history.val_loss", ndim=1)
    figure = Figure(figsize=(6.4, 3.2), dpi=80)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.88)
    (ran_train,) = ax.plot([], [], color=CLASS_COLORS[0], label="training loss")
    (ran_val,) = ax.plot([], [], "--", color=CLASS_COLORS[1], label="validation loss")
    (never,) = ax.plot(np.arange(len(val)), val, color="0.8", label="epochs never run")
    (kept,) = ax.plot([], [], "o", color=PALETTE[0], label="weights kept")
    stop = ax.axvline(0, color=PALETTE[0], linestyle=":", linewidth=1)
    ax.set(xlim=(0, len(val)), ylim=(0, 1.05 * max(train.max(), val.max())), xlabel="epoch")
    ax.legend(frameon=False, fontsize=9.5, loc="upper right")

    def update(patience):
        best, ran = early_stopping_epoch(val, patience, epochs_run=True)
        epochs = np.arange(ran)
        ran_train.set_data(epochs, train[:ran])
        ran_val.set_data(epochs, val[:ran])
        never.set_data(np.arange(ran - 1, len(val)), val[ran - 1:])
        kept.set_data([best], [val[best]])
        stop.set_xdata([ran - 1] * 2)
        ax.set_title(f"patience {patience}: stops after {ran} epochs, keeps epoch {best} "
                     f"(validation loss {val[best]:.3f})", fontsize=10.5)
        return figure

    slider = widgets.Slider("patience", 1, max_patience, patience, step=1,
                            integer=True)
    step = max(1, max_patience // 10)                  # the site: 1, then every tenth of the range
    values = sorted({1, *range(step, max_patience + 1, step), slider.value})
    return widgets.Panel(update, {"patience": slider}, static_values={"patience": values},
                         alt="Training and validation loss per epoch of one run; the epochs "
                             "early stopping never runs are grey and the kept epoch is marked.")
