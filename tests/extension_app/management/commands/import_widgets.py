from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--colour", default="blue")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"widgets from {options['path'].name} in {options['colour']}")
