"""Puts the top-level templates/, migrations/ and case_studies/ inside a built wheel.

They stay at the top of the repository (the house layout), outside the `app` package, so
package-data cannot name them. A wheel gets a copy under `app/_project/`, where
`app.config.project_folder` finds it; a checkout or an editable install uses the
top-level folders themselves. Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: Folders a running app reads, copied into the package of a built wheel.
PROJECT_FOLDERS = ("templates", "migrations", "case_studies")


class BuildWithProjectFolders(build_py):
    """build_py, then a copy of PROJECT_FOLDERS in build/lib/app/_project/."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "app" / "_project"
        shutil.rmtree(target, ignore_errors=True)  # never a stale copy from an earlier build
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        root = Path(__file__).resolve().parent
        for folder in PROJECT_FOLDERS:
            shutil.copytree(
                root / folder,
                target / folder,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )


setup(cmdclass={"build_py": BuildWithProjectFolders})
