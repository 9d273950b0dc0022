"""Every audit entry the code can write, read from the source: each call of
`loudong.accounts.audit.record`, with the actions it may write, the object type (when it can be told)
and the detail keys, followed through local variables, snapshot functions, `changes(...)` and
`**kwargs` within the source tree.

Detail keys computed from data (a dict comprehension over names or rule words) cannot be read
statically; such a call is marked `computed_keys` and its keys are shown as they are written.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.apps import apps

from loudong.accounts.models import AuditEntry

SOURCE = Path(__file__).resolve().parent.parent / "loudong"
AUDIT_MODULE = "loudong.accounts.audit"
ACTIONS = {member.name: member.value for member in AuditEntry.Action}
Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class AuditCall:
    where: str  # path:line
    actions: set[str]
    object_type: str  # as the entry will carry it; "" when the source does not tell
    keys: set[str] = field(default_factory=set)
    computed_keys: bool = False


@dataclass
class Module:
    path: Path
    tree: ast.Module
    record_names: set[str]  # what `record` is called here: "record", or "audit.record"
    changes_names: set[str]
    functions: dict[str, Function]  # top-level functions and methods, by name
    methods: dict[str, Function]
    constants: dict[str, set[str]]  # module-level tuples and lists of strings


def audit_calls() -> list[AuditCall]:
    return [call for module in _modules() if module.record_names for call in _calls_in(module)]


@cache
def _modules() -> tuple[Module, ...]:
    modules = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        record_names, changes_names = set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == AUDIT_MODULE:
                for alias in node.names:
                    {"record": record_names, "changes": changes_names}.get(alias.name, set()).add(
                        alias.asname or alias.name
                    )
            if isinstance(node, ast.ImportFrom) and node.module == "loudong.accounts":
                if any(alias.name == "audit" for alias in node.names):
                    record_names.add("audit.record")
                    changes_names.add("audit.changes")
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, Function)}
        methods = {
            n.name: n for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for n in c.body if isinstance(n, Function)
        }
        constants = {
            target.id: {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple | ast.List)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        modules.append(Module(path, tree, record_names, changes_names, functions, methods, constants))
    return tuple(modules)


def _calls_in(module: Module) -> Iterator[AuditCall]:
    for function in (n for n in ast.walk(module.tree) if isinstance(n, Function)):
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in module.record_names:
                yield _audit_call(module, function, node)


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    return call.args[position] if len(call.args) > position else _keyword(call, name)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _audit_call(module: Module, function: Function, call: ast.Call) -> AuditCall:
    scope = Scope(module, function)
    object_type = _keyword(call, "object_type")
    entry = AuditCall(
        where=f"{module.path.relative_to(SOURCE.parent)}:{call.lineno}",
        actions=scope.actions(_argument(call, 1, "action")),
        object_type=object_type.value
        if isinstance(object_type, ast.Constant)
        else scope.model_of(_argument(call, 2, "obj")),
    )
    detail = _keyword(call, "detail")
    if detail is not None:
        entry.keys, entry.computed_keys = scope.keys(detail)
    return entry


@dataclass
class Scope:
    """Names as one function binds them."""

    module: Module
    function: Function

    def assigned(self, name: str) -> Iterator[ast.expr]:
        for node in ast.walk(self.function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        yield node.value
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for t, v in zip(target.elts, node.value.elts, strict=False):
                            if isinstance(t, ast.Name) and t.id == name:
                                yield v
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
                if node.value is not None:
                    yield node.value

    def actions(self, node: ast.expr | None) -> set[str]:
        if isinstance(node, ast.Constant) and node.value in ACTIONS.values():
            return {node.value}
        if isinstance(node, ast.Attribute) and node.attr in ACTIONS:
            return {ACTIONS[node.attr]}
        if isinstance(node, ast.IfExp):
            return self.actions(node.body) | self.actions(node.orelse)
        if isinstance(node, ast.Name) and (values := list(self.assigned(node.id))):
            return set().union(*(self.actions(v) for v in values))
        return set(ACTIONS.values())  # whatever the caller passes

    def model_of(self, node: ast.expr | None) -> str:
        """The model name of the object recorded, when its name, annotation or construction tells."""
        models = [m for m in apps.get_models() if m.__module__.startswith("loudong.")]
        names = {m._meta.model_name for m in models}
        classes = {m.__name__: m._meta.model_name for m in models}
        if isinstance(node, ast.Attribute):
            return node.attr if node.attr in names else ""
        if not isinstance(node, ast.Name):
            return ""
        if node.id in names:
            return node.id
        args = self.function.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg == node.id and arg.annotation is not None:
                return classes.get(ast.unparse(arg.annotation).split("|")[0].strip(), "")
        for value in self.assigned(node.id):
            root = value.func if isinstance(value, ast.Call) else value
            while isinstance(root, ast.Attribute | ast.Call | ast.Subscript):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in classes:
                return classes[root.id]
        return ""

    def keys(self, node: ast.expr) -> tuple[set[str], bool]:
        """The string keys a dict built by `node` may hold, at any depth, and whether some of its
        top-level keys are computed from data."""
        keys: set[str] = set()
        computed = False
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    inner, inner_computed = self.keys(value)
                    keys |= inner
                    computed |= inner_computed
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add(key.value)
                    inner, inner_computed = self.keys(value)
                    keys |= inner
                    computed |= inner_computed and key.value == "changes"
                else:
                    computed = True
        elif isinstance(node, ast.DictComp):
            words = self.loop_words(node.key, node.generators)
            keys |= words or set()
            computed = words is None
            keys |= self.keys(node.value)[0]
        elif isinstance(node, ast.Name):
            keys, computed = self.name_keys(node.id)
        elif isinstance(node, ast.BinOp):
            left, right = self.keys(node.left), self.keys(node.right)
            keys, computed = left[0] | right[0], left[1] or right[1]
        elif isinstance(node, ast.Call):
            keys, computed = self.call_keys(node)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            keys = set().union(*(self.keys(e)[0] for e in node.elts))
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            keys = self.keys(node.elt)[0]
        elif isinstance(node, ast.IfExp):
            keys = self.keys(node.body)[0] | self.keys(node.orelse)[0]
        return keys, computed

    def name_keys(self, name: str) -> tuple[set[str], bool]:
        keys: set[str] = set()
        computed = False
        for value in self.assigned(name):
            inner, inner_computed = self.keys(value)
            keys |= inner
            computed |= inner_computed
        for node in ast.walk(self.function):  # detail["key"] = ... and loops writing values[field]
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and ast.unparse(target.value) == name:
                        if isinstance(target.slice, ast.Constant):
                            keys.add(target.slice.value)
                        else:
                            words = self.loop_words(target.slice, self.loops())
                            keys |= words or set()
                            computed |= words is None
                        keys |= self.keys(node.value)[0]
        if self.function.args.kwarg and self.function.args.kwarg.arg == name:  # **detail: its callers' keywords
            for call in (n for n in ast.walk(self.module.tree) if isinstance(n, ast.Call)):
                if ast.unparse(call.func) == self.function.name:
                    keys |= {k.arg for k in call.keywords if k.arg}
        return keys, computed

    def loops(self) -> list[ast.comprehension | ast.For]:
        return [n for n in ast.walk(self.function) if isinstance(n, ast.For)]

    def loop_words(self, key: ast.expr, loops: list) -> set[str] | None:
        """The words a loop variable takes when it runs over a module-level tuple of strings."""
        if isinstance(key, ast.Constant):
            return {key.value}
        for loop in loops:
            if isinstance(key, ast.Name) and isinstance(loop.target, ast.Name) and loop.target.id == key.id:
                if isinstance(loop.iter, ast.Name) and loop.iter.id in self.module.constants:
                    return self.module.constants[loop.iter.id]
        return None

    def call_keys(self, call: ast.Call) -> tuple[set[str], bool]:
        called = ast.unparse(call.func)
        if called in self.module.changes_names:  # changes(before, after): the keys of both
            return set().union(*(self.keys(a)[0] for a in call.args)), False
        name = called.rsplit(".", 1)[-1]
        if "." in called:  # a method, e.g. result.summary(): any class's method of that name
            functions = [m.methods[name] for m in _modules() if name in m.methods]
        else:
            functions = [self.module.functions[name]] if name in self.module.functions else []
        keys: set[str] = set()
        computed = False
        for function in functions:
            scope = Scope(next(m for m in _modules() if function in m.functions.values()), function)
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and node.value is not None:
                    inner, inner_computed = scope.keys(node.value)
                    keys |= inner
                    computed |= inner_computed
        return keys, computed
