"""Drawing PDFs for hours does not grow a process: the R4 soak found each PDF kept about 0.24 MB of native memory
(a new WeasyPrint FontConfiguration per document, never given back). The measure runs in a fresh process, so the
suite's own memory does not blur it."""

from __future__ import annotations

import subprocess
import sys
import threading

from portal.common.pdf import draw_pdf, font_configuration

DOCUMENT = "<html lang='en'><body><h1>Payment run</h1>" + "<p>£12.00 – Cymraeg ŵ, عربي</p>" * 60 + "</body></html>"

MEASURE = f"""
import gc
from portal.common.pdf import draw_pdf

def resident_megabytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6

for n in range(180):
    if n == 30:
        gc.collect()
        before = resident_megabytes()
    draw_pdf({DOCUMENT!r})
gc.collect()
print(round(resident_megabytes() - before, 1))
"""


def test_a_process_drawing_many_pdfs_does_not_grow():
    result = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, timeout=600, check=True)
    growth_mb = float(result.stdout.strip().splitlines()[-1])
    # 150 documents: with a configuration per document this grew by about 36 MB; with one per thread, under 1 MB.
    assert growth_mb < 8, f"drawing 150 PDFs grew the process by {growth_mb} MB"


def test_each_thread_keeps_its_own_font_configuration():
    mine = font_configuration()
    assert font_configuration() is mine
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(font_configuration()))
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not mine


def test_two_threads_drawing_at_once_draw_the_same_bytes_as_one():
    alone = draw_pdf(DOCUMENT)
    drawn: list[bytes] = []
    threads = [threading.Thread(target=lambda: drawn.extend(draw_pdf(DOCUMENT) for _ in range(3))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(drawn) == 6
    assert all(pdf == alone for pdf in drawn)
