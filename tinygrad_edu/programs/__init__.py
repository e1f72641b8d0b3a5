"""The program writers: `tg.compile` (trace a step once, replay it as plain NumPy) and
`tg.codegen` (the NumPy source of a graph's forward and backward passes).

Both switch on a `Recorder` (recorder.py), the engine's one hook: while it is on, every op
the engine runs is written down as NumPy source, read off the op's own forward run on stand-in
arrays (stand_in.py), with names and numbers rendered by source.py.
"""
from .codegen import Code, codegen
from .compile import CompiledFunction, RetraceWarning, compile
from .source import RecordingError

__all__ = ["codegen", "Code", "compile", "CompiledFunction", "RetraceWarning", "RecordingError"]
