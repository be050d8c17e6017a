"""The `levelup` command: a thin layer over the pipeline functions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import Problem, SiteError, report, summary
from .pipeline import DEFAULT_CONTENT, Project, build, check

DEFAULT_OUTPUT = "_site"
DEFAULT_PREVIEW = ".levelup-cache/preview"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    # `levelup new` takes an option per front-matter field of the site's schema, which
    # is only known once the content folder is read: the rest are passed on to it.
    args, field_options = parser.parse_known_args(argv)
    if field_options and getattr(args, "run", None) is not run_new:
        parser.error(f"unrecognized arguments: {' '.join(field_options)}")
    args.field_options = field_options
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except SiteError as error:
        # `check` never writes, so only the commands that do say that nothing was written.
        print(error.report(getattr(args, "on_failure", "nothing was written")), file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(github_annotations(error.problems))
        return 1
    except Exception as error:
        message = template_mistake(error)
        if message is None:
            raise
        outcome = getattr(args, "on_failure", "nothing was written")
        print(message + (f"\n{outcome[0].upper()}{outcome[1:]}." if outcome else ""), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous site was left as it was.", file=sys.stderr)
        return 130


def template_mistake(error: Exception) -> str | None:
    """What a template mistake says to its author, or None for any other error. Jinja is
    imported only by a build that renders (a rebuild that finds nothing changed does
    not), so an error can be one of Jinja's only if Jinja was imported."""
    jinja2 = sys.modules.get("jinja2")
    if jinja2 is None or not isinstance(error, jinja2.TemplateError):
        return None
    from .render import template_error

    return template_error(error)


def github_annotations(problems: list[Problem] | tuple[Problem, ...]) -> str:
    """Workflow commands that put each problem on the pull request's diff."""
    return "\n".join(problem.github_annotation() for problem in problems)


def show_warnings(warnings: tuple[Problem, ...]) -> None:
    if warnings:
        print(report(list(warnings)) + f"\nFound {summary(list(warnings))}; "
              "`--strict` treats warnings as errors.", file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(github_annotations(warnings))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="levelup",
        description="Build the levelling-up case-study site from Markdown files with YAML front matter.",
    )
    parser.add_argument("--version", action="version", version=f"levelup {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build_cmd = commands.add_parser(
        "build", help="build the site into the output folder",
        description="Load and check every case study, then write the whole site. If anything is wrong, "
                    "every problem is listed and the previous site is left untouched.")
    add_build_options(build_cmd)
    build_cmd.set_defaults(run=run_build)

    check_cmd = commands.add_parser(
        "check", help="check all content without writing anything",
        description="Validate site settings, vocabularies, every case study (drafts included) and the "
                    "links between pages, and report every problem as path:line: field: message. "
                    "Exits with status 1 if anything is wrong. Under GitHub Actions "
                    "(GITHUB_ACTIONS=true) it also prints annotations for the pull request.")
    add_content_option(check_cmd)
    add_strict_option(check_cmd)
    check_cmd.set_defaults(run=run_check, on_failure="")

    new_cmd = commands.add_parser(
        "new", help="start a new case study from the template",
        description="Write content/case-studies/<slug>.md with every field present and explained. "
                    "Never overwrites an existing file. Any front-matter field can be filled in with "
                    "--FIELD VALUE (e.g. --place Testford); a vocabulary's ids are separated by commas.")
    new_cmd.add_argument("title", help='the case study\'s title, in quotes: "Better buses in Testford"')
    add_content_option(new_cmd)
    new_cmd.set_defaults(run=run_new)

    init_cmd = commands.add_parser(
        "init", help="start a new site in a new folder",
        description="Create FOLDER with a small working site: content/ (settings, an example vocabulary, "
                    "one case study and an about page), a .gitignore, and GitHub workflows that check pull "
                    "requests and publish the site on GitHub Pages. It uses levelup's own templates and static "
                    "files; a file of the same name in FOLDER/templates/ or FOLDER/static/ replaces one of them. "
                    "Refuses a folder that exists and is not empty.")
    init_cmd.add_argument("folder", metavar="FOLDER", help="the folder to create, e.g. mysite")
    init_cmd.set_defaults(run=run_init)

    serve_cmd = commands.add_parser(
        "serve", help="preview the site, rebuilding and reloading as you edit",
        description="Build the site (drafts included) into a preview folder, serve it, and rebuild and "
                    "reload the browser whenever content/, templates/ or static/ change. A broken edit "
                    "shows its problems in the terminal and in the browser; the server keeps running.")
    add_content_option(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: %(default)s, this computer only)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    serve_cmd.add_argument("--output", default=DEFAULT_PREVIEW, metavar="DIR",
                           help="folder for the preview build (default: %(default)s)")
    serve_cmd.add_argument("--search-index", action="store_true",
                           help="also rebuild the search index after each change (slower; off by default)")
    serve_cmd.set_defaults(run=run_serve)
    return parser


def add_content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", default=DEFAULT_CONTENT, metavar="DIR",
                        help="folder with site.yaml, taxonomies.yaml and case-studies/ (default: %(default)s)")


def add_strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (a date still to come, an empty body, text left from the "
                             "template, a file the build does not read, ...) as errors")


def add_build_options(parser: argparse.ArgumentParser) -> None:
    add_content_option(parser)
    add_strict_option(parser)
    parser.add_argument("--output", default=DEFAULT_OUTPUT, metavar="DIR",
                        help="folder to write the site to (default: %(default)s)")
    parser.add_argument("--base-url", metavar="URL",
                        help="the address the site will be published at, e.g. https://user.github.io/project/ "
                             "(default: base_url in site.yaml)")
    parser.add_argument("--drafts", action="store_true", help="include case studies marked draft: true")
    parser.add_argument("--no-search-index", dest="search", action="store_false",
                        help="skip building the full-text search index (the search page will not work)")
    parser.add_argument("--no-cache", dest="use_cache", action="store_false",
                        help="ignore and do not update the build cache in .levelup-cache/")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar (default: on a terminal, for builds over a second, not under CI)")


def run_build(args: argparse.Namespace) -> int:
    result = build(Project.at(args.content), Path(args.output), base_url=args.base_url, drafts=args.drafts,
                   use_cache=args.use_cache, progress=args.progress, search=args.search, strict=args.strict)
    show_warnings(result.warnings)
    search = f" (search index {result.search_seconds:.2f} s)" if result.search_seconds is not None else ""
    print(f"Built {result.case_studies} case studies into {args.output}: {result.files} files, "
          f"{result.written} changed, in {result.seconds:.2f} s{search}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    checked = check(Project.at(args.content), strict=args.strict)
    show_warnings(checked.warnings)
    count = len(checked.loaded.site.case_studies)
    print(f"No errors found in {count} case studies." if checked.warnings
          else f"No problems found in {count} case studies.")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import new_case_study

    path = new_case_study(Path(args.content), args.title, field_values(args.field_options))
    print(f"Wrote {path}\nNext: fill in the empty fields and write the case study, then run `levelup check` "
          f"(or `levelup serve` to preview it).")
    return 0


def field_values(options: list[str]) -> dict[str, str]:
    """`--place Testford --topics a,b` (or `--place=Testford`) as {"place": "Testford", "topics": "a,b"}."""
    values: dict[str, str] = {}
    words = iter(options)
    for word in words:
        name, equals, value = word.partition("=")
        if not name.startswith("--") or len(name) < 3:
            raise SiteError([Problem(word, None, None, "is not an option",
                                     "give each field as --FIELD VALUE, e.g. --place Testford")])
        values[name[2:]] = value if equals else next(words, "")
    return values


def run_init(args: argparse.Namespace) -> int:
    from .init import init_site

    written = init_site(Path(args.folder))
    print(f"Created a new site in {args.folder} ({len(written)} files).\n"
          f"Next: cd {args.folder} && levelup build (or levelup serve to preview it as you edit).")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(Project.at(args.content), Path(args.output), args.host, args.port, search=args.search_index)


if __name__ == "__main__":
    sys.exit(main())
