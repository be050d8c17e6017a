"""The `levelup` command: a thin layer over the pipeline functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jinja2 import TemplateError

from . import __version__
from .errors import SiteError
from .pipeline import Project, build, check

DEFAULT_CONTENT = "content"
DEFAULT_OUTPUT = "_site"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except SiteError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if getattr(error, "filename", None) else ""
        print(f"{where}template error: {error.message}\nNothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous site was left as it was.", file=sys.stderr)
        return 130


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
        description="Validate site settings, vocabularies and every case study (drafts included) and "
                    "report every problem as path:line: field: message.")
    check_cmd.add_argument("--content", default=DEFAULT_CONTENT, metavar="DIR",
                           help="the content folder (default: %(default)s)")
    check_cmd.set_defaults(run=run_check)
    return parser


def add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", default=DEFAULT_CONTENT, metavar="DIR",
                        help="folder with site.yaml, taxonomies.yaml and case-studies/ (default: %(default)s)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, metavar="DIR",
                        help="folder to write the site to (default: %(default)s)")
    parser.add_argument("--base-url", metavar="URL",
                        help="the address the site will be published at, e.g. https://user.github.io/project/ "
                             "(default: base_url in site.yaml)")
    parser.add_argument("--drafts", action="store_true", help="include case studies marked draft: true")


def run_build(args: argparse.Namespace) -> int:
    result = build(Project.at(args.content), Path(args.output), base_url=args.base_url, drafts=args.drafts)
    print(f"Built {result.case_studies} case studies: {result.files} files written to {args.output} "
          f"in {result.seconds:.2f} s")
    return 0


def run_check(args: argparse.Namespace) -> int:
    loaded = check(Project.at(args.content))
    print(f"No problems found in {len(loaded.site.case_studies)} case studies.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
