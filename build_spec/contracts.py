"""An import-linter contract that names what a package may import, not what it may not.

``allowed`` (registered in pyproject as ``contract_types``): every module under
``source_modules`` may import, directly, only the standard library, its own package,
and what ``allowed_modules`` names (our packages and third-party ones alike). Anything
else is reported with the importing module and line, so a new dependency of the sync
server is a decision someone writes down in pyproject, never an accident.
"""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class AllowedImportsContract(Contract):
    """Source modules import only the standard library, themselves and ``allowed_modules``."""

    type_name = "allowed"

    source_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        sources: list[str] = list(self.source_modules)  # type: ignore[call-overload]
        allowed: list[str] = list(self.allowed_modules)  # type: ignore[call-overload]
        stdlib = set(sys.stdlib_module_names) | {"__future__"}
        illegal: list[tuple[str, str, str]] = []
        for importer in sorted(graph.modules):
            if not any(_inside(importer, source) for source in sources):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported.split(".")[0] in stdlib:
                    continue
                if any(_inside(imported, ok) for ok in (*sources, *allowed)):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = ", ".join(str(d["line_number"]) for d in details) or "?"
                illegal.append((importer, imported, lines))
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["illegal"]:
            output.print_error(f"- {importer} -> {imported} (l.{lines})", bold=False)
            output.new_line()
        output.print_error(
            "Add the package to allowed_modules in pyproject.toml if the server should use it.",
            bold=False,
        )
