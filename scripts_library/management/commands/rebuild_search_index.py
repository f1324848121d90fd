from django.core.management.base import BaseCommand
from django.db import transaction

from scripts_library.models import (
    CommonMistake,
    FaqEntry,
    Phrase,
    Playbook,
    Script,
    SearchEntry,
    SearchWord,
)
from scripts_library.services import search_index_rows

BATCH = 500


class Command(BaseCommand):
    help = (
        "Rebuild the library's search index and lexicon from the content, e.g. after rows were "
        "changed with SQL or bulk updates that bypass save()."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            SearchWord.objects.all().delete()
            for model in (Script, FaqEntry, Phrase, CommonMistake, Playbook):
                rows = list(model.objects.order_by("pk"))
                for start in range(0, len(rows), BATCH):
                    search_index_rows(rows=rows[start : start + BATCH])
        self.stdout.write(
            f"Indexed {SearchEntry.objects.count()} entries and {SearchWord.objects.count()} words."
        )
