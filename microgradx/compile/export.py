"""``Replay.to_torch``: a tape as a ``torch.nn.Module``, checking the trace's guards.

The module runs the tape entry by entry with the torch twin of each op (``interop.TORCH_OPS``)
over tensors of any (broadcastable) shape: labelled leaves are Parameters, the others
buffers. Like the replay, it checks every guard the trace recorded and raises
``BranchError`` for the elements that would take another Python branch. An exported graph
(``torch.onnx.export``, ``torch.export``, ``torch.jit.trace``) cannot raise, so exporting a
tape with guards is refused, saying why.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..engine import Comparison, Value
from ..interop import _torch, torch_op
from ..ops import Op
from .guards import branch_error


class Tape(Protocol):
    """What the export reads of a ``Replay`` (named here: ``replay`` imports this module)."""

    name: str
    tape: list[tuple[Op | None, int, int]]
    input_slots: list[int]
    output_slot: int
    leaves: dict[int, Value]
    guards: list[tuple[Comparison, int, int, float, bool, str]]


def tape_to_torch(replay: Tape, dtype: Any = None) -> Any:
    """``Replay.to_torch``: an ``nn.Module`` running the tape elementwise over any batch shape."""
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    return _tape_module(torch)(replay, dtype)


def _parameter_name(label: str, taken: set[str], reserved: Any) -> str:
    """A label as a torch attribute name: torch refuses '.', so ``L1.N2.w0`` → ``L1_N2_w0``."""
    base = "".join(c if c.isalnum() or c == "_" else "_" for c in label)
    if not base or base[0].isdigit():
        base = f"p_{base}"
    name, n = base, 1
    while name in taken or hasattr(reserved, name):
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


_MODULE_CLASS: list[type] = []


def _tape_module(torch: Any) -> type:
    """The nn.Module class (made once: it needs torch.nn.Module as its base)."""
    if _MODULE_CLASS:
        return _MODULE_CLASS[0]

    class TapeModule(torch.nn.Module):
        """A traced microgradx function: inputs are tensors of any (broadcastable) shape."""

        def __init__(self, replay: Tape, dtype: Any) -> None:
            super().__init__()
            self.name = replay.name
            self.tape = [
                (None if fn is None else (torch_op(fn), fn.param), i, j) for fn, i, j in replay.tape
            ]
            self.input_slots = replay.input_slots
            self.output_slot = replay.output_slot
            self.guards = replay.guards  # the branches the trace took, checked on every call
            self.leaf_names: dict[int, str] = {}
            self.labels: dict[str, str] = {}  # torch name → the Value's label
            taken: set[str] = set()
            for k, leaf in replay.leaves.items():
                value = torch.tensor(leaf.data, dtype=dtype)
                if leaf.label:
                    name = _parameter_name(leaf.label, taken, self)
                    self.register_parameter(name, torch.nn.Parameter(value))
                    self.labels[name] = leaf.label
                else:  # a constant: moves with the module (.to, .float) but is not trained
                    name = _parameter_name(f"const_{k}", taken, self)
                    self.register_buffer(name, value)
                self.leaf_names[k] = name

        def forward(self, *inputs: Any) -> Any:
            """The traced function at every element of the (broadcast) inputs."""
            if len(inputs) != len(self.input_slots):
                raise TypeError(
                    f"{self.name}: takes {len(self.input_slots)} inputs, got {len(inputs)}"
                )
            vals: list[Any] = [None] * len(self.tape)
            for k, x in zip(self.input_slots, inputs, strict=True):
                if k >= 0:
                    vals[k] = x
            for k, name in self.leaf_names.items():
                vals[k] = getattr(self, name)
            for k, (entry, i, j) in enumerate(self.tape):
                if entry is not None:
                    f, param = entry
                    vals[k] = (
                        f(torch, param, vals[i]) if j < 0 else f(torch, param, vals[i], vals[j])
                    )
            shape = torch.broadcast_shapes(*(torch.as_tensor(x).shape for x in inputs))
            if self.guards:
                self._check_guards(vals, shape)
            out = vals[self.output_slot]
            return out.expand(shape) if out.shape != shape else out

        def _check_guards(self, vals: list[Any], shape: Any) -> None:
            """Raise BranchError where an element takes another branch than the trace did."""
            if torch.jit.is_tracing() or torch.compiler.is_exporting():
                # An exported graph (ONNX, torch.export, TorchScript) has no way to raise:
                # it would drop the checks and compute the traced branch for every input.
                raise RuntimeError(
                    f"{self.name}: this tape has {len(self.guards)} guard(s) (Python branches "
                    "fixed when traced, e.g. `"
                    f"{self.guards[0][5]}`) and an exported graph cannot check them; write the "
                    "choice without Python control flow (relu, abs, …) to export it"
                )
            for cmp, i, j, const, expected, text in self.guards:
                ok = cmp(vals[i], const if j < 0 else vals[j]) == expected
                ok = torch.as_tensor(ok).expand(shape)
                if not bool(ok.all()):
                    wrong = torch.nonzero(~ok).tolist()[:6]
                    where = [str(k[0]) if len(k) == 1 else str(tuple(k)) for k in wrong]
                    raise branch_error(self.name, text, expected, where)

    _MODULE_CLASS.append(TapeModule)
    return TapeModule
