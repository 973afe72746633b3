"""Gradio, imported without its type-stub writer.

When Gradio defines a component class, its metaclass reads the class's source file, parses it with `ast`,
renders a `.pyi` stub from a template and compares it with the stub next to the file, writing it when they
differ (`gradio.component_meta.create_or_modify_pyi`). That is a tool for Gradio's own developers: at run time
it costs 1–2 s of the 4–6 s import on 2 cores (docs/performance.md) and may write into
site-packages. The app needs neither, so the function is replaced by a no-op the moment its module has run,
before any component class is defined. Everything else in Gradio is untouched. Should a Gradio version no
longer have the function, the import simply takes its normal time.

pandas (with pyarrow: ~0.5 s and ~60 MB) is imported by Gradio for its Dataframe and plot components and for
hashing cache keys, none of which Vraagbaak uses. Until some code reads an attribute of it, `pandas` is a
stand-in module; the first attribute read imports the real pandas, which then serves every reader.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys
import threading
from types import ModuleType

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
STUB_MODULE = "gradio.component_meta"


def no_stub(*_args, **_kwargs) -> None:
    """Stands in for create_or_modify_pyi: the app never needs a type stub."""


class _SkipStubWriter(importlib.abc.MetaPathFinder):
    """Finds gradio.component_meta like the normal finders do, and patches it right after it has run."""

    def find_spec(self, name, path, target=None):
        if name != STUB_MODULE:
            return None
        sys.meta_path.remove(self)  # one use; the lookup below must not come back here
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = no_stub

        spec.loader.exec_module = exec_module
        return spec


class OnFirstUse(ModuleType):
    """Stands in for a module until an attribute of it is read (`__getattr__` only runs for names the
    stand-in lacks). Then the real module is imported, takes its place in sys.modules, and its names are
    copied into the stand-in for those who hold it already."""

    _lock = threading.RLock()

    def __getattr__(self, name: str):
        with OnFirstUse._lock:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
                real = importlib.import_module(self.__name__)
                self.__dict__.update(real.__dict__)
        try:
            return self.__dict__[name]
        except KeyError:  # set on the real module after the copy (a submodule imported later): read it there
            real = sys.modules.get(self.__name__)
            if real is not None and real is not self:
                return getattr(real, name)
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None


def defer(name: str) -> None:
    """Let `name` be imported on first use, where it has not been imported yet and is installed."""
    spec = importlib.util.find_spec(name) if name not in sys.modules else None
    if spec is not None:
        stand_in = OnFirstUse(name)
        stand_in.__spec__ = spec  # importlib.util.find_spec(name) reads it from sys.modules
        sys.modules[name] = stand_in


def import_gradio() -> ModuleType:
    if "gradio" not in sys.modules:
        sys.meta_path.insert(0, _SkipStubWriter())
        defer("pandas")
    import gradio

    return gradio
