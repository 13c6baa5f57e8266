"""What the wheel installs: the card's top-level folders under one import name, ``kg/`` as ``trellis.kg`` and so on
(``pyproject.toml`` holds everything else). ``trellis`` is a namespace package: nothing generic such as ``api`` or
``retrieval`` lands in site-packages, where it would collide with an application's own package of that name."""

from setuptools import find_packages, setup

FOLDERS = ("kg", "retrieval", "training", "api", "cypher")

setup(
    packages=[
        f"trellis.{name}" for name in find_packages(include=[f"{f}{tail}" for f in FOLDERS for tail in ("", ".*")])
    ],
    package_dir={f"trellis.{folder}": folder for folder in FOLDERS},
)
