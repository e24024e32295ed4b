"""Reading a shell command the way bash will run it, for the permission rules.

A pattern list cannot judge a command line it has not understood: ``env rm f``,
``\\rm f``, ``r''m f``, ``/bin/rm f``, ``bash -c 'rm f'``, ``echo rm f | sh`` and a
``for`` loop all delete ``f``. So the command is parsed with tree-sitter's bash
grammar and every simple command anywhere in it (lists, pipelines, subshells, command
and process substitutions, loops, conditionals, functions, here-documents) is
collected, with its name normalized (quotes and escapes removed, the path stripped)
and the wrappers that run another command seen through (``env``, ``sudo``,
``xargs``, ``timeout`` ...). Literal inline code (``bash -c '...'``, ``eval '...'``) is
parsed in turn.

What the text cannot tell is *opaque*, with the reason: a command name that is a
variable or an expansion, ``eval`` of something not literal, ``source``, a shell
reading commands from a pipe, options that make a command run other code (``git -c``),
assignments to variables that change what runs (``PATH``, ``LD_PRELOAD``), a script
that does not parse. The rules never auto-allow an opaque script.

Output redirections are collected as writes, and literal words that look like paths
as paths, for the path rules. This module decides nothing; ``permissions`` does.
"""

from __future__ import annotations

import os
import posixpath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"})
#: Wrappers and their options that take a value (the next word), before the command they run.
WRAPPERS: dict[str, frozenset[str]] = {
    "env": frozenset({"-u", "--unset", "-C", "--chdir"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "exec": frozenset({"-a"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "stdbuf": frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}),
    "xargs": frozenset({"-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a", "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-lines", "--replace", "--eof", "--max-chars"}),
    "sudo": frozenset({"-u", "-g", "-p", "-C", "-h", "-r", "-t", "-U", "-D", "--user", "--group", "--prompt", "--chdir"}),
    "doas": frozenset({"-u", "-C"}),
    "busybox": frozenset(),
}
#: Wrappers that run their command as someone else: allowing ``rm *`` does not allow ``sudo rm``.
ELEVATING = frozenset({"sudo", "doas"})
#: Wrapper options that hand the command line to a shell (opaque).
SHELL_OPTIONS = {"env": ("-S", "--split-string"), "sudo": ("-s", "-i", "--shell", "--login"), "doas": ("-s",)}
#: Options that make a command run code no pattern can see, and whether they count only
#: before the first word that is not an option (git's own options precede its subcommand).
CODE_OPTIONS: dict[str, tuple[tuple[str, ...], bool]] = {
    "git": (("-c", "--config-env", "--exec-path"), True),
    "rg": (("--pre",), False),
    "tar": (("--to-command", "--checkpoint-action", "--use-compress-program", "-I", "--info-script", "--new-volume-script"), False),
}
#: Options after which ``find`` runs a command, up to ``;`` or ``+``.
FIND_EXEC = ("-exec", "-execdir", "-ok", "-okdir")
#: Commands that read code from a file, or change how later commands are looked up.
SOURCING = frozenset({"source", ".", "alias", "unalias", "shopt", "enable", "hash", "trap"})
#: Variables that change which program runs, or what a program runs, when assigned.
RISKY_VARIABLES = frozenset(
    {"PATH", "BASH_ENV", "ENV", "IFS", "SHELLOPTS", "BASHOPTS", "PROMPT_COMMAND", "PS4", "CDPATH", "GLOBIGNORE",
     "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "NODE_OPTIONS", "PERL5OPT", "PERL5LIB", "RUBYOPT", "RUBYLIB"}
)
RISKY_PREFIXES = ("LD_", "DYLD_", "GIT_")
#: Directories whose programs are the ordinary ones: ``/usr/bin/git`` is ``git``, ``./git`` is not.
SYSTEM_BIN = frozenset({"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/usr/local/sbin"})
#: Redirection targets that are not files of the project.
HARMLESS_TARGETS = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")
MAX_DEPTH = 5

_parser = None


class Command:
    """One simple command as it will run.

    ``name`` is the program, path stripped (``/bin/rm`` and ``\\rm`` are ``rm``);
    ``line`` the command line rules match (``rm -rf build``), where a program with a
    path outside the system folders keeps it (``./rm``), so that allowing ``make *``
    does not allow a ``./make`` the model wrote; ``full`` is the whole line it came
    from, wrappers and their options included (``sudo -u root rm -rf build``).
    A wrapper, or a shell running literal inline code, is ``transparent``: what it
    runs is judged, as commands of their own. ``elevated``: run through ``sudo``.
    """

    __slots__ = ("name", "line", "plain", "full", "elevated", "transparent")

    def __init__(self, name: str, line: str, plain: str, full: str, elevated: bool = False, transparent: bool = False) -> None:
        self.name, self.line, self.plain, self.full = name, line, plain, full
        self.elevated, self.transparent = elevated, transparent

    @property
    def lines(self) -> tuple[str, ...]:
        """Every form of the command a deny rule must see: as written, by its bare
        name (``./rm x`` is ``rm x`` too), and with its wrappers."""
        return (self.line, self.plain, self.full)

    def __repr__(self) -> str:
        return f"Command({self.full!r})"


class Script:
    """Everything the rules need to know about one shell command line."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.commands: list[Command] = []
        self.writes: list[str | None] = []  # output redirection targets; None: not literal
        self.paths: list[str] = []  # literal words that look like paths, redirection sources too
        self.opaque: list[str] = []  # why some of it cannot be known from the text
        self.substitutes = False  # a command or process substitution feeds words we cannot see

    def cannot_know(self, reason: str) -> None:
        if reason not in self.opaque:
            self.opaque.append(reason)

    @property
    def known(self) -> bool:
        """Whether every command that will run is visible in the text."""
        return not self.opaque and not self.substitutes


def parse(command: str) -> Script:
    """The ``Script`` of ``command``."""
    script = Script()
    _read(command, script, 0, top=True)
    return script


def _read(source: str, script: Script, depth: int, top: bool = False) -> None:
    if depth > MAX_DEPTH:
        script.cannot_know("inline code nested too deep")
        return
    data = source.encode("utf-8", "surrogateescape")
    root = _get_parser().parse(data).root_node
    if root.has_error:
        script.cannot_know("the command does not parse as shell")
    if top:
        script.statements = _statements(root, data)
    _visit(root, data, script, depth)


def _get_parser():
    global _parser
    if _parser is None:
        import tree_sitter
        import tree_sitter_bash

        _parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _parser


def _statements(root: Any, data: bytes) -> list[str]:
    """The source text of each statement between ``;``, ``&``, ``&&``, ``||``, ``|``."""
    found: list[str] = []
    for child in root.named_children:
        body = child.child_by_field_name("body") if child.type == "redirected_statement" else None
        if child.type in ("list", "pipeline") or (body is not None and body.type in ("list", "pipeline")):
            found += _statements(child if body is None else body, data)
        elif child.type != "comment":
            found.append(_text(child, data).strip())
    return found


def _visit(node: Any, data: bytes, script: Script, depth: int) -> None:
    kind = node.type
    if kind == "command":
        _command(node, data, script, depth)
    elif kind in ("command_substitution", "process_substitution"):
        script.substitutes = True
    elif kind == "variable_assignment":
        _assignment(node, data, script)
    elif kind == "file_redirect":
        _redirect(node, data, script)
    elif kind in ("ERROR",) or node.is_missing:
        script.cannot_know("the command does not parse as shell")
    for child in node.children:
        _visit(child, data, script, depth)


def _assignment(node: Any, data: bytes, script: Script) -> None:
    name = node.child_by_field_name("name")
    variable = _text(name, data) if name is not None else ""
    if variable in RISKY_VARIABLES or variable.startswith(RISKY_PREFIXES):
        script.cannot_know(f"it sets {variable}, which changes what runs")


def _redirect(node: Any, data: bytes, script: Script) -> None:
    destination = node.child_by_field_name("destination")
    operators = [c.type for c in node.children if not c.is_named]
    if destination is None or destination.type == "number" or _text(destination, data) == "-":
        return  # 2>&1, >&-: a descriptor, not a file
    target = literal(destination, data)
    if any(">" in op for op in operators):
        script.writes.append(target)
    elif target is not None:
        script.paths.append(target)


def _command(node: Any, data: bytes, script: Script, depth: int) -> None:
    name_node = node.child_by_field_name("name")
    if name_node is None:
        return
    arguments = node.children_by_field_name("argument")
    words = [literal(name_node, data)] + [literal(arg, data) for arg in arguments]
    shown = [w if w is not None else _text(n, data) for w, n in zip(words, [name_node, *arguments])]
    script.paths += [w for w in words[1:] if w is not None and looks_like_path(w)]
    _words(words, shown, " ".join(shown), script, depth, elevated=False)


def _words(words: list[str | None], shown: list[str], full: str, script: Script, depth: int, elevated: bool) -> None:
    """Collect the command ``words`` (literal values, None where not literal; ``shown``
    as written), seeing through wrappers and into inline code; ``full`` is the whole
    line they came from."""
    program = words[0]
    if program is None:
        script.cannot_know(f"the command name is not literal: {shown[0]}")
        return
    name = posixpath.basename(program) or program
    as_written = program if "/" in program and posixpath.dirname(program) not in SYSTEM_BIN else name
    line = " ".join([as_written, *shown[1:]])
    inner = _inner(name, words, shown, full, script, depth, elevated or name in ELEVATING)
    script.commands.append(Command(name, line, " ".join([name, *shown[1:]]), full, elevated, transparent=inner))
    if name in SOURCING:
        script.cannot_know(f"{name} runs or changes code the command does not show")
    running = _code_option(name, words[1:])
    if running is not None:
        script.cannot_know(f"{name} {running} can make it run other commands")


def _inner(name: str, words: list[str | None], shown: list[str], full: str, script: Script, depth: int, elevated: bool) -> bool:
    """Collect what a wrapper, a shell or ``find -exec`` runs; whether the command is
    only a way of running what is collected (so judged through it)."""
    if name in WRAPPERS:
        start = _wrapped_start(name, words, script)
        if start is None:
            return True
        if start >= len(words):
            if name != "xargs":
                return False
            words, shown, start = ["echo"], ["echo"], 0
        _words(words[start:], shown[start:], full, script, depth, elevated)
        return True
    if name in SHELLS or name == "eval":
        return _inline(name, words, shown, script, depth)
    if name == "find":
        for index, word in enumerate(words):
            if word in FIND_EXEC:
                end = next((j for j in range(index + 1, len(words)) if words[j] in (";", "+")), len(words))
                if end > index + 1:
                    _words(words[index + 1 : end], shown[index + 1 : end], full, script, depth, elevated)
    return False


def _code_option(name: str, args: list[str | None]) -> str | None:
    """The first option in ``args`` that makes program ``name`` run code, if any."""
    options, leading_only = CODE_OPTIONS.get(name, ((), False))
    for word in args:
        if word is None:
            continue
        if leading_only and not word.startswith("-"):
            return None
        for option in options:
            short_joined = len(option) == 2 and word.startswith(option) and not word.startswith("--")
            if word == option or word.startswith(option + "=") or short_joined:
                return option
    return None


def _wrapped_start(name: str, words: list[str | None], script: Script) -> int | None:
    """Where the command a wrapper runs begins; None when it cannot be known."""
    takes_value, to_shell = WRAPPERS[name], SHELL_OPTIONS.get(name, ())
    index = 1
    while index < len(words):
        word = words[index]
        if word is None:
            script.cannot_know(f"{name} is given words that are not literal")
            return None
        if word in to_shell or any(word.startswith(o + "=") for o in to_shell if o.startswith("--")):
            script.cannot_know(f"{name} {word} hands the command to a shell")
            return None
        if word == "--":
            index += 1
            break
        if name == "env" and "=" in word and not word.startswith("-"):
            variable = word.split("=", 1)[0]
            if variable in RISKY_VARIABLES or variable.startswith(RISKY_PREFIXES):
                script.cannot_know(f"it sets {variable}, which changes what runs")
            index += 1
            continue
        if not word.startswith("-") or word == "-":
            break
        index += 2 if word in takes_value else 1
    if name == "timeout" and index < len(words):
        index += 1  # the duration
    return index


def _inline(name: str, words: list[str | None], shown: list[str], script: Script, depth: int) -> bool:
    """``bash -c CODE`` and ``eval WORDS``: read the code when it is literal. Whether
    the command only runs that code (a shell running a script file does not)."""
    if name == "eval":
        if any(w is None for w in words[1:]):
            script.cannot_know("eval of words that are not literal")
        else:
            _read(" ".join(w for w in words[1:] if w is not None), script, depth + 1)
        return True
    for index, word in enumerate(words[1:], start=1):
        if word is None:
            script.cannot_know(f"{name} is given words that are not literal")
            return True
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            code = words[index + 1] if index + 1 < len(words) else None
            if code is None:
                script.cannot_know(f"{name} -c of code that is not literal")
            else:
                _read(code, script, depth + 1)
            return True
        if not word.startswith("-"):
            return False  # a script file: the program line is what the rules judge
        if word in ("-s", "--stdin"):
            break
    script.cannot_know(f"{name} reads the commands it runs from its input")
    return True


def literal(node: Any, data: bytes) -> str | None:
    """The value bash gives a word, when the text alone decides it; None otherwise."""
    kind = node.type
    if kind in ("word", "number", "command_name"):
        if kind == "command_name":
            return literal(node.named_children[0], data) if node.named_child_count == 1 else None
        return _unescape(_text(node, data))
    if kind == "raw_string":
        return _text(node, data)[1:-1]
    if kind == "string":
        if any(c.type not in ("string_content", '"') for c in node.children):
            return None
        return "".join(_unescape_quoted(_text(c, data)) for c in node.children if c.type == "string_content")
    if kind == "concatenation":
        parts = [literal(child, data) for child in node.children]
        return None if any(p is None for p in parts) else "".join(p for p in parts if p is not None)
    return None


def looks_like_path(word: str) -> bool:
    """Whether a word (or an option's ``=value``) names a path that may be outside the
    project: absolute, from home, or climbing out with ``..``."""
    value = word.split("=", 1)[1] if word.startswith("-") and "=" in word else word
    if "://" in value or value in HARMLESS_TARGETS or value.startswith("/dev/fd/"):
        return False
    return value.startswith(("/", "~")) or value == ".." or value.startswith("../") or "/../" in value


def path_value(word: str) -> str:
    """The path in a word ``looks_like_path`` accepted (an option's value, home expanded)."""
    value = word.split("=", 1)[1] if word.startswith("-") and "=" in word else word
    return os.path.expanduser(value)


def _text(node: Any, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")


def _unescape(text: str, escapable: str | None = None) -> str:
    """Backslash escapes removed: in a bare word every one (``\\rm`` is ``rm``), inside
    double quotes only those of ``escapable`` (``$ ` " \\`` and a line end)."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and (escapable is None or text[index + 1] in escapable):
            if text[index + 1] != "\n":
                out.append(text[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _unescape_quoted(text: str) -> str:
    return _unescape(text, '$`"\\\n')
