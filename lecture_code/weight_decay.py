"""Weight decay: lecture_code's L2 penalty in a torch network.

``training.train(..., penalty='l2', lam=lam)`` adds ``lam * sum W^2`` over the
weight matrices (not the biases) to the loss, so each weight's gradient gains
``2 lam W`` (chapter 7). torch's optimizers call this *weight decay*: their
``weight_decay=wd`` adds ``wd * w`` to the gradient of every parameter they are
given, the L2 penalty with ``lam = wd / 2``. Two ways to get exactly
lecture_code's penalty on a network from :func:`lecture_code.bridge.to_torch`:

- :func:`weight_decay_groups`: the parameter groups a torch user writes,
  weights with ``weight_decay = 2 lam``, biases with none;
- :func:`penalise_weights`: a gradient hook on every weight that adds
  ``2 lam W``, so that :func:`lecture_code.bridge.train_torch` (which builds its
  own optimizer) trains with the penalty.

torch is imported inside the functions. See chapter 10.
"""
from __future__ import annotations

from . import _checks

__all__ = ["weights_and_biases", "weight_decay_groups", "penalise_weights"]


def weights_and_biases(net):
    """The weight and the bias tensors of every ``nn.Linear`` in ``net``, in order.

    Returns
    -------
    weights : list of torch.nn.Parameter; biases : list of torch.nn.Parameter
    """
    import torch
    if not isinstance(net, torch.nn.Module):
        raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
    linears = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError("net has no nn.Linear layer whose weights could be penalised")
    return ([m.weight for m in linears],
            [m.bias for m in linears if m.bias is not None])


def weight_decay_groups(net, lam: float) -> list[dict]:
    """``torch.optim`` parameter groups for the penalty ``lam * sum W^2``.

    Pass them to any optimizer in place of ``net.parameters()``, e.g.
    ``torch.optim.Adam(weight_decay_groups(net, lam), lr=0.01)``.

    Returns
    -------
    list of dict
        ``[{"params": weights, "weight_decay": 2 lam}, {"params": biases, "weight_decay": 0}]``
    """
    lam = _checks.positive(lam, "lam", allow_zero=True)
    weights, biases = weights_and_biases(net)
    return [{"params": weights, "weight_decay": 2.0 * lam},
            {"params": biases, "weight_decay": 0.0}]


def penalise_weights(net, lam: float) -> list:
    """Add ``2 lam W`` to the gradient of every weight matrix ``W`` of ``net`` on each ``backward()``.

    The loss torch computes (and :func:`lecture_code.bridge.train_torch` records)
    stays the data loss, as ``training.train`` records it. Returns the hook
    handles; ``handle.remove()`` takes a penalty off again.
    """
    lam = _checks.positive(lam, "lam", allow_zero=True)
    weights, _ = weights_and_biases(net)
    if lam == 0.0:
        return []
    return [W.register_hook(lambda grad, W=W: grad + 2.0 * lam * W.detach()) for W in weights]
