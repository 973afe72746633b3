"""Gradio, imported without its type-stub writer.

When Gradio defines a component class, its metaclass reads the class's source file, parses it with `ast`,
renders a `.pyi` stub from a template and compares it with the stub next to the file, writing it when they
differ (`gradio.component_meta.create_or_modify_pyi`). That is a tool for Gradio's own developers: at run time
it costs 1–2 s of the 4–6 s import on 2 cores (docs/performance.md, session 6) and may write into
site-packages. The app needs neither, so the function is replaced by a no-op the moment its module has run,
before any component class is defined. Everything else in Gradio is untouched. Should a Gradio version no
longer have the function, the import simply takes its normal time.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
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


def import_gradio() -> ModuleType:
    if "gradio" not in sys.modules:
        sys.meta_path.insert(0, _SkipStubWriter())
    import gradio

    return gradio
