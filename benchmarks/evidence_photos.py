"""What one evidence photo costs the proposal's appendix: time and peak memory of making its
thumbnail (export/evidence_pdf.py) and a one-page PDF holding it, for the photos a phone or a screenshot tool makes.

Each case runs in a fresh process; "+MB" is how far its resident memory peaked above what the
process held before the step (Linux: the peak is reset through /proc/self/clear_refs). Run: ``python -m benchmarks.evidence_photos``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

CASE = r"""
import io, resource, sys, time
from pathlib import Path
from discovery_app.export import evidence_pdf
from discovery_app.export.pdf_common import mm
data = Path(sys.argv[1]).read_bytes() if sys.argv[1] != "-" else None
def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak starts again from what is in use now
before = hwm()
start = time.perf_counter()
size = 0
if data is not None:
    from reportlab.platypus import SimpleDocTemplate
    image, _taken = evidence_pdf.thumbnail(data, 83 * mm, evidence_pdf.THUMB_HEIGHT)
    pdf = io.BytesIO()
    SimpleDocTemplate(pdf).build([image])
    size = len(pdf.getvalue())
took = time.perf_counter() - start
peak = hwm()
print(f"{took:.3f} {before / 1024:.0f} {peak / 1024:.0f} {size}")
"""


def _make(folder: Path) -> list[tuple[str, Path | None]]:
    from PIL import Image

    cases: list[tuple[str, Path | None]] = [("import only", None)]
    for name, size, fmt in (("12 MP phone JPEG (4000x3000)", (4000, 3000), "JPEG"),
                            ("50 MP phone JPEG (8160x6120)", (8160, 6120), "JPEG"),
                            ("24 MP PNG screenshot stitch (6000x4000)", (6000, 4000), "PNG")):
        im = Image.new("RGB", size, (90, 120, 160))
        for x in range(0, size[0], 300):
            im.paste((200, 80, 60), (x, 0, x + 100, size[1]))
        path = folder / f"{size[0]}x{size[1]}.{fmt.lower()}"
        im.save(path, fmt, quality=85) if fmt == "JPEG" else im.save(path, fmt)
        cases.append((name, path))
    return cases


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'case':<42} {'file MB':>8} {'time s':>7} {'peak MB':>8} {'+MB':>6} {'PDF KB':>9}")
        for name, path in _make(Path(tmp)):
            out = subprocess.run([sys.executable, "-c", CASE, str(path) if path else "-"], capture_output=True,
                                 text=True, check=True).stdout.split()
            took, before, peak, size = float(out[0]), int(out[1]), int(out[2]), int(out[3])
            mb = path.stat().st_size / 1048576 if path else 0
            print(f"{name:<42} {mb:>8.1f} {took:>7.3f} {peak:>8} {peak - before:>6} {size / 1024:>9.0f}")


if __name__ == "__main__":
    main()
