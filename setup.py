"""Build the optional C path of `rtis ntis import` (rtis.ntis._ntisfast).

Everything else is in pyproject.toml. The extension is optional: where no C compiler or Python
headers exist, the install goes on without it and the import uses its Python path (same
results, slower)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("rtis.ntis._ntisfast", ["src/rtis/ntis/_ntisfast.c"],
                             optional=True, extra_compile_args=["-O2", "-Wall", "-Wextra",
                                                                "-Wno-unused-parameter"])])
