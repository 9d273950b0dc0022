"""A web process loads its views without the heavy libraries: they load where they are used."""

import json
import os
import subprocess
import sys

HEAVY = ("jieba", "scipy", "numpy", "weasyprint", "openpyxl", "matplotlib", "docx", "pypinyin")

PROBE = f"""
import json, sys
import django
django.setup()
from loudong.ops.warmup import warm_up
warm_up()  # what gunicorn's master does before it forks: URLs and templates compiled
import config.wsgi
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_the_urlconf_the_warm_up_and_the_wsgi_application_import_no_heavy_library(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOUDONG_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_suggestions_pdfs_spreadsheets_and_plans_still_load_their_library_when_used(tmp_path):
    probe = (
        "import django; django.setup(); import sys\n"
        "from loudong.tickets.suggest.text import words; words('楼道里堆满杂物')\n"
        "from loudong.lib.xlsx import xlsx_bytes; xlsx_bytes(['姓名'], [['=1+1']])\n"
        "from loudong.lib.pdf import html_to_pdf; html_to_pdf('<p>楼栋</p>')\n"
        "print(sorted(m for m in ('jieba', 'openpyxl', 'weasyprint') if m in sys.modules))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOUDONG_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "['jieba', 'openpyxl', 'weasyprint']"
